/**
 * Supervisor side of the live board: accepts agent-state MESSAGEs from the team and
 * keeps the board — per-agent state, staleness, alerts, team totals and a per-minute history.
 *
 * A MESSAGE is accepted only when all hold:
 * - the sender is on the team: the identity the server asserts (P-Asserted-Identity), else the
 *   From the server authenticated — never the display name or anything in the body. Resting on
 *   From alone (no assertion, no team secret) trusts the PBX to refuse a From that is not the
 *   login, as Kamailio and Asterisk can be set to but need not be: the board counts those agents
 *   (`unverified`) and says so, rather than going blank on a PBX that asserts nothing;
 * - with a team secret configured, `X-Ringside-Auth` is the HMAC of (sender, us, body);
 * - the body is a valid `AgentPresence` (at most 8 KiB of JSON);
 * - it is fresh (see below).
 * Anything else changes nothing, is counted in `rejected` and logged (at most once a minute per
 * sender and reason). An older `seq` than the last accepted one that is otherwise fresh is
 * dropped quietly: messages in flight together can arrive out of order.
 *
 * Freshness, so that a recorded message replayed later cannot make a silent agent look live:
 * - `sentAt` is within ±5 minutes of our clock (the same bound as a signed monitoring request);
 * - read through the agent's clock offset (the smallest receivedAt − sentAt seen from it), it
 *   arrived no more than 3 heartbeats late: later than that it describes a state the board would
 *   already call stale;
 * - its `seq` is above the last accepted one. A new run of the agent's app starts its seq at its
 *   clock in ms, so it continues above the last run's.
 * What the board knows of an agent's clock and seq is forgotten 10 minutes (twice the clock bound)
 * after its last accepted message: by then every message recorded before is outside the ±5 minutes,
 * and an agent whose clock was set back is heard again.
 *
 * Durations use the sender's clock only for differences between its own timestamps, plus the
 * receiver's clock since the message arrived, so clocks that disagree do not skew the alerts.
 */
import {
  agentPresenceSchema,
  type AgentPresence,
  type BoardAgent,
  type BoardAlertKind,
  type BoardTotals,
  type BoardView,
  type MonitorMode,
  type Supervision,
} from '../../../shared/supervision.js';
import type { Logger } from '../lib/logger.js';
import { parseJsonBody } from '../sip/untrusted-input.js';
import { callerIdentity, MONITOR_AUTH_WINDOW_MS } from './monitor-request.js';
import { presenceAuthParts, presenceContent } from './presence.js';
import { normaliseAor, verifyTeam } from './team-auth.js';

/** One incoming agent-state MESSAGE, as the SIP layer hands it over (all of it untrusted). */
export interface IncomingPresence {
  /** From header URI. */
  from: string;
  /** P-Asserted-Identity header value, if the server set one. */
  asserted: string | null;
  body: string;
  /** X-Ringside-Auth header value. */
  auth: string | null;
}

export type PresenceVerdict = { accepted: true; status: 200 } | { accepted: false; status: 200 | 400 | 403 | 413; reason: string };

export interface BoardServiceDeps {
  /** This supervisor's SIP address (what the team secret signs as the receiver). */
  self: string;
  supervision: Pick<Supervision, 'team' | 'teamSecret' | 'heartbeatSec' | 'alerts'>;
  /** Called with the new view, at most 10 times a second. */
  emit(view: BoardView): void;
  /** This supervisor's monitoring session on an agent, if any (from the monitoring service). */
  monitoring?(aor: string): MonitorMode | null;
  log: Logger;
  now?: () => number;
  /** Minimum gap between two `emit`s (default 100 ms). */
  minEmitMs?: number;
}

interface Entry {
  aor: string;
  presence: AgentPresence | null;
  /** Receiver's clock when `presence` arrived. */
  lastHeardAt: number | null;
  /** Alert kinds last emitted, to notice when one appears or clears. */
  signature: string;
  /** What the last accepted messages said about the sender's clock and sequence (see freshness). */
  clock: { offset: number; seq: number } | null;
  /** The last accepted message named its sender only in From (no P-Asserted-Identity, no team secret). */
  fromOnly: boolean;
}

const HISTORY_MAX = 120;
const MINUTE = 60_000;
const LOG_EVERY_MS = 60_000;
/** An agent-state body is under 1 KiB; anything past this is not one. */
export const MAX_PRESENCE_CHARS = 8192;
/** How far an agent's clock may be from ours. */
export const CLOCK_SKEW_MS = MONITOR_AUTH_WINDOW_MS;

export class BoardService {
  private readonly now: () => number;
  private readonly minEmitMs: number;
  private supervision: BoardServiceDeps['supervision'];
  private readonly entries = new Map<string, Entry>();
  private history: BoardView['history'] = [];
  private rejected = 0;
  private lastSampleAt: number | null = null;
  private lastEmitAt = 0;
  private emitTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly lastLogAt = new Map<string, number>();
  private started = false;
  private stopped = false;

  constructor(private readonly deps: BoardServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.minEmitMs = deps.minEmitMs ?? 100;
    this.supervision = deps.supervision;
    this.setTeam(deps.supervision.team);
  }

  /** The supervisor this board belongs to. */
  get self(): string {
    return this.deps.self;
  }

  /** Starts the timer that notices stale agents and alerts that come due, and samples the history. */
  start(): void {
    if (this.started) throw new Error('board service already started');
    this.started = true;
    this.tick();
    // Often enough to turn an agent stale within a quarter heartbeat of the deadline.
    const every = Math.min(1000, Math.max(100, (this.supervision.heartbeatSec * 1000) / 4));
    this.tickTimer = setInterval(() => this.tick(), every);
  }

  stop(): void {
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.tickTimer = null;
    this.emitTimer = null;
  }

  /** New settings (account saved): agents still on the team keep what was heard from them. */
  reconfigure(supervision: BoardServiceDeps['supervision']): void {
    const heartbeatChanged = supervision.heartbeatSec !== this.supervision.heartbeatSec;
    this.supervision = supervision;
    this.setTeam(supervision.team);
    if (heartbeatChanged && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = setInterval(() => this.tick(), Math.min(1000, Math.max(100, (supervision.heartbeatSec * 1000) / 4)));
    }
    this.changed();
  }

  /** Something outside the messages changed (e.g. this supervisor's monitoring session): emit soon. */
  refresh(): void {
    this.changed();
  }

  /** Decides on one MESSAGE; the caller answers with `status`. */
  receive(message: IncomingPresence): PresenceVerdict {
    const caller = callerIdentity(message.asserted, message.from);
    if (!caller) return this.reject('(unreadable)', 403, 'unreadable sender identity');
    const key = caller.aor;
    const entry = this.entries.get(key);
    if (!entry) return this.reject(key, 403, 'not on the team');
    const secret = this.supervision.teamSecret;
    if (secret && !verifyTeam(secret, presenceAuthParts(key, this.deps.self, message.body), message.auth))
      return this.reject(key, 403, 'wrong or missing team secret');
    if (message.body.length > MAX_PRESENCE_CHARS) return this.reject(key, 413, `body over ${MAX_PRESENCE_CHARS} characters`);
    const json = parseJsonBody(message.body, MAX_PRESENCE_CHARS);
    if (!json.ok) return this.reject(key, 400, json.why);
    const parsed = agentPresenceSchema.safeParse(json.value);
    if (!parsed.success)
      return this.reject(key, 400, `invalid body (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? '?'})`);
    const presence = parsed.data;
    const at = this.now();
    const fresh = this.freshness(entry, presence, at);
    if (fresh === 'reordered') return { accepted: false, status: 200, reason: 'older than the last message' };
    if (fresh !== 'fresh') return this.reject(key, 400, fresh);
    // A heartbeat that repeats what the board shows needs no emit of its own: the durations the
    // renderer derives stay right, and the next real change carries the new times.
    const repeat = entry.presence !== null && !this.isStale(entry, at) && presenceContent(entry.presence) === presenceContent(presence);
    const delay = at - presence.sentAt;
    entry.clock = { offset: entry.clock ? Math.min(entry.clock.offset, delay) : delay, seq: presence.seq };
    entry.presence = presence;
    entry.lastHeardAt = at;
    const fromOnly = !secret && !caller.asserted;
    if (fromOnly !== entry.fromOnly) {
      entry.fromOnly = fromOnly;
      this.changed();
    } else if (!repeat) this.changed();
    return { accepted: true, status: 200 };
  }

  /** 'fresh', 'reordered' (in-flight overtaking: dropped quietly), or why it is refused. */
  private freshness(entry: Entry, presence: AgentPresence, at: number): string {
    const delay = at - presence.sentAt;
    if (delay > CLOCK_SKEW_MS) return `sent ${Math.round(delay / 1000)} s ago by our clock: too old (or the agent's clock is behind)`;
    if (-delay > CLOCK_SKEW_MS) return `sent ${Math.round(-delay / 1000)} s in the future by our clock: the agent's clock is ahead`;
    if (entry.clock && entry.lastHeardAt !== null && at - entry.lastHeardAt > 2 * CLOCK_SKEW_MS) entry.clock = null;
    if (!entry.clock) return 'fresh';
    const late = delay - entry.clock.offset;
    const limit = 3 * this.supervision.heartbeatSec * 1000;
    if (late > limit)
      return `arrived ${Math.round(late / 1000)} s later than this agent's messages do: delayed or replayed (or the agent's clock was set back)`;
    if (presence.seq <= entry.clock.seq) return 'reordered';
    return 'fresh';
  }

  view(): BoardView {
    const at = this.now();
    const agents = [...this.entries.values()].map((e) => this.agentView(e, at));
    const unverified = [...this.entries.values()].filter((e) => e.fromOnly && e.presence).length;
    return { agents, totals: this.totals(agents), history: [...this.history], rejected: this.rejected, unverified };
  }

  /** Re-evaluates staleness and alerts, samples the history; emits when something changed. */
  tick(): void {
    if (this.stopped) return;
    const at = this.now();
    let changed = false;
    if (this.lastSampleAt === null || at - this.lastSampleAt >= MINUTE) {
      this.lastSampleAt = this.lastSampleAt === null ? at : this.lastSampleAt + MINUTE * Math.floor((at - this.lastSampleAt) / MINUTE);
      const agents = [...this.entries.values()].map((e) => this.agentView(e, at));
      const t = this.totals(agents);
      this.history.push({ at, calls: t.calls, successes: t.successes, onCall: t.onCall });
      if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
      changed = true;
    }
    for (const e of this.entries.values()) {
      const signature = this.signature(e, at);
      if (signature !== e.signature) changed = true;
    }
    if (changed) this.changed();
  }

  private setTeam(team: readonly string[]): void {
    const keep = new Map(this.entries);
    this.entries.clear();
    for (const aor of team) {
      const key = normaliseAor(aor);
      if (this.entries.has(key)) continue;
      this.entries.set(key, keep.get(key) ?? { aor, presence: null, lastHeardAt: null, signature: '', clock: null, fromOnly: false });
    }
  }

  private reject(key: string, status: 400 | 403 | 413, reason: string): PresenceVerdict {
    this.rejected += 1;
    const logKey = `${key}\u0000${reason}`;
    const at = this.now();
    const last = this.lastLogAt.get(logKey);
    if (last === undefined || at - last >= LOG_EVERY_MS) {
      if (this.lastLogAt.size > 1000) this.lastLogAt.clear();
      this.lastLogAt.set(logKey, at);
      // The identity is untrusted text: quoted and clipped, never interpreted.
      this.deps.log.warn(
        `ignored an agent-state message from ${JSON.stringify(key.slice(0, 80))}: ${reason} (${this.rejected} ignored so far; this reason from this sender is logged once a minute)`,
      );
    }
    this.changed();
    return { accepted: false, status, reason };
  }

  private isStale(e: Entry, at: number): boolean {
    if (e.lastHeardAt === null || !e.presence) return false;
    // An agent who signed off said so: not an alarm.
    if (this.signedOff(e.presence)) return false;
    return at - e.lastHeardAt > 3 * this.supervision.heartbeatSec * 1000;
  }

  private signedOff(p: AgentPresence): boolean {
    return p.state === 'offline' && !p.registered;
  }

  /** How long since `since` (sender's clock), measured on the sender's clock up to sending plus ours since. */
  private elapsed(e: Entry, since: number, at: number): number {
    const p = e.presence as AgentPresence;
    return Math.max(0, p.sentAt - since) + Math.max(0, at - (e.lastHeardAt ?? at));
  }

  private alerts(e: Entry, at: number): BoardAgent['alerts'] {
    const p = e.presence;
    if (!p) return [];
    if (this.isStale(e, at)) return [{ kind: 'stale', text: `No word for over ${3 * this.supervision.heartbeatSec} s` }];
    const out: Array<{ kind: BoardAlertKind; text: string }> = [];
    const { longCallMin, longWrapUpMin, longPauseMin } = this.supervision.alerts;
    if (!p.registered && p.state !== 'offline') out.push({ kind: 'unregistered', text: 'Not registered' });
    if (p.call) {
      const talking = this.elapsed(e, p.call.answeredAt ?? p.call.startedAt, at);
      if (talking >= longCallMin * MINUTE) out.push({ kind: 'long-call', text: `Call over ${longCallMin} min` });
    }
    if (p.state === 'wrap-up' && this.elapsed(e, p.since, at) >= longWrapUpMin * MINUTE)
      out.push({ kind: 'long-wrap-up', text: `Wrap-up over ${longWrapUpMin} min` });
    if (p.state === 'paused' && this.elapsed(e, p.since, at) >= longPauseMin * MINUTE)
      out.push({ kind: 'long-pause', text: `Paused over ${longPauseMin} min` });
    return out;
  }

  private signature(e: Entry, at: number): string {
    return `${this.isStale(e, at) ? 's' : ''}|${this.alerts(e, at)
      .map((a) => a.kind)
      .join(',')}`;
  }

  private agentView(e: Entry, at: number): BoardAgent {
    const stale = this.isStale(e, at);
    e.signature = this.signature(e, at);
    const p = e.presence;
    return {
      aor: e.aor,
      name: p?.name || e.aor.replace(/^sips?:/, '').split('@')[0] || e.aor,
      presence: p,
      lastHeardAt: e.lastHeardAt,
      stale,
      state: !p || stale ? 'offline' : p.state,
      alerts: this.alerts(e, at),
      monitoring: this.deps.monitoring?.(e.aor) ?? null,
    };
  }

  private totals(agents: BoardAgent[]): BoardTotals {
    const t: BoardTotals = { agents: agents.length, onCall: 0, available: 0, calls: 0, connected: 0, talkSec: 0, successes: 0, conversion: 0 };
    for (const a of agents) {
      if (a.state === 'on-call') t.onCall += 1;
      if (a.state === 'available') t.available += 1;
      // Today's figures stay true even when the agent has gone quiet.
      if (a.presence) {
        t.calls += a.presence.today.calls;
        t.connected += a.presence.today.connected;
        t.talkSec += a.presence.today.talkSec;
        t.successes += a.presence.today.successes;
      }
    }
    t.conversion = t.connected > 0 ? t.successes / t.connected : 0;
    return t;
  }

  /** Emit soon: coalesced to at most one `emit` per `minEmitMs`. */
  private changed(): void {
    if (this.stopped || this.emitTimer) return;
    const wait = Math.max(0, this.lastEmitAt + this.minEmitMs - this.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      if (this.stopped) return;
      this.lastEmitAt = this.now();
      this.deps.emit(this.view());
    }, wait);
  }
}
