/**
 * Agent side of the live board: tells every configured supervisor this agent's state
 * by SIP MESSAGE through the company's own server.
 *
 * - A change (agent state, current call, today's figures) is sent within ~100 ms: `poke()` is
 *   coalesced so a burst of changes becomes one message, at most one per `minIntervalMs`.
 * - With nothing to say, a heartbeat goes out `heartbeatSec` after the last message, so the
 *   supervisor can tell a silent agent (stale after 3 heartbeats) from a quiet one.
 * - Only while registered; when registration is lost while the transport still works, one last
 *   message says so (the supervisor's "not registered" alert). `stop()` says "signed off".
 * - Sequence numbers start at the wall clock (ms) and increase per message, so a restarted app
 *   is never mistaken for an old one.
 * - Failed sends (404/480 while a supervisor is offline, timeouts) never reach the agent's UI;
 *   they are logged at most once a minute per supervisor.
 */
import { PRESENCE_AUTH_HEADER, PRESENCE_CONTENT_TYPE, type AgentPresence } from '../../../shared/supervision.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';
import { buildPresence, presenceAuthParts, presenceContent, type PresenceInputs } from './presence.js';
import { signTeam } from './team-auth.js';

export interface PresencePublisherDeps {
  /** This agent's SIP address (the From the server will assert). */
  self: string;
  supervisors: readonly string[];
  teamSecret?: string;
  heartbeatSec: number;
  /** What to tell, read fresh at each send. */
  inputs(): PresenceInputs;
  registered(): boolean;
  /** Sends one MESSAGE; resolves with the final SIP status (0: could not send). Never rejects. */
  send(to: string, contentType: string, body: string, headers: string[]): Promise<number>;
  log: Logger;
  now?: () => number;
  /** Minimum gap between two messages (default 100 ms). */
  minIntervalMs?: number;
}

const LOG_EVERY_MS = 60_000;

export class PresencePublisher {
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private seq: number;
  private lastSentAt = 0;
  private lastContent: string | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  /** Whether the last message told the supervisors "registered". */
  private toldRegistered = false;
  private readonly lastLogAt = new Map<string, number>();
  /** Sends still waiting for their answer (stop waits for them, briefly). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Messages sent since start (tests, benchmark). */
  sent = 0;

  constructor(private readonly deps: PresencePublisherDeps) {
    this.now = deps.now ?? Date.now;
    this.minIntervalMs = deps.minIntervalMs ?? 100;
    this.seq = Math.floor(this.now());
  }

  get active(): boolean {
    return this.started && !this.stopped && this.deps.supervisors.length > 0;
  }

  /** Starts publishing; starting twice throws. */
  start(): void {
    if (this.started) throw new Error('presence publisher already started');
    this.started = true;
    if (this.deps.supervisors.length === 0) return;
    this.poke();
  }

  /** Something the board shows may have changed: send soon (coalesced). */
  poke(): void {
    if (!this.active || this.changeTimer) return;
    const wait = Math.max(0, this.lastSentAt + this.minIntervalMs - this.now());
    // Even with no wait, a timer: a burst of changes in one turn of the event loop is one message.
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.publish(false);
    }, wait);
  }

  /** Says "signed off" to every supervisor (best effort, bounded) and stops. */
  async stop(timeoutMs = 1000): Promise<void> {
    if (this.stopped) return;
    const wasActive = this.active;
    if (wasActive && this.deps.registered()) {
      this.sendAll({ ...this.body(), state: 'offline', pauseReason: null, call: null, registered: false, since: Math.floor(this.now()) });
    }
    this.stopped = true;
    this.clearTimers();
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
  }

  /** The next message's body (its seq is taken only when it is sent). */
  private body(): AgentPresence {
    return buildPresence(this.deps.inputs(), this.seq + 1, this.now());
  }

  private publish(heartbeat: boolean): void {
    if (!this.active) return;
    if (!this.deps.registered()) {
      // Not registered: nothing goes out, except one last word while the socket may still work.
      if (this.toldRegistered) {
        this.toldRegistered = false;
        this.sendAll({ ...this.body(), registered: false });
      }
      this.scheduleHeartbeat();
      return;
    }
    const body = this.body();
    const content = presenceContent(body);
    if (!heartbeat && content === this.lastContent) {
      // Nothing the board shows changed (e.g. a mute toggle): the heartbeat covers liveness.
      return;
    }
    this.sendAll(body);
  }

  private sendAll(body: AgentPresence): void {
    const text = JSON.stringify(body);
    this.seq = body.seq;
    this.lastContent = presenceContent(body);
    this.toldRegistered = body.registered;
    this.lastSentAt = this.now();
    for (const to of this.deps.supervisors) {
      const headers = this.deps.teamSecret ? [`${PRESENCE_AUTH_HEADER}: ${signTeam(this.deps.teamSecret, presenceAuthParts(this.deps.self, to, text))}`] : [];
      this.sent += 1;
      const sending = this.deps.send(to, PRESENCE_CONTENT_TYPE, text, headers).then((code) => {
        if (code < 200 || code >= 300) this.logFailure(to, code);
      });
      this.inFlight.add(sending);
      drop(
        sending.finally(() => this.inFlight.delete(sending)),
        this.deps.log.warn,
        'presence message',
      );
    }
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    if (!this.active) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      this.publish(true);
    }, this.deps.heartbeatSec * 1000);
  }

  private logFailure(to: string, code: number): void {
    const at = this.now();
    const last = this.lastLogAt.get(to);
    if (last !== undefined && at - last < LOG_EVERY_MS) return;
    this.lastLogAt.set(to, at);
    const why =
      code === 404 || code === 480
        ? 'not registered (offline?)'
        : code === 0
          ? 'could not send'
          : code === 408
            ? 'no answer'
            : code === 403
              ? 'refused'
              : 'failed';
    this.deps.log.info(`agent state to supervisor ${to}: ${code || ''} ${why} (further failures to it are logged once a minute)`.replace('  ', ' '));
  }

  private clearTimers(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.changeTimer = null;
    this.heartbeatTimer = null;
  }
}
