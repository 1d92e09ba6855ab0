/**
 * The agent's side of listen / whisper / barge in plain-proxy mode.
 *
 * A supervisor's app calls this app with `X-Ringside-Monitor: <mode>`. Before anything rings we
 * decide: answered at once only when (a) the caller's identity (P-Asserted-Identity, else From)
 * is one of this agent's supervisors, (b) that identity is verified — with a team secret
 * configured, the request is signed with it, fresh (±5 min) and not replayed; without one, the
 * SIP server asserted it (P-Asserted-Identity: the account relies on the server, as it does when
 * no secret is set), since a From header is whatever the caller wrote — and (c) a customer call
 * is active or held. Otherwise it is refused (403; 486/480 for an allowed supervisor when busy /
 * no call), logged, and never shown: nobody listens to a call on an unverified word. Once answered, the renderer's media engine is told to mix the monitoring
 * call with the customer call (`monitor-mix`), again on every in-dialog mode change, and the
 * monitoring call is hung up when the customer call ends.
 */
import type { Account } from '../../../shared/account.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import { MONITOR_CONTENT_TYPE, monitorModeChangeSchema, type MonitorMode, type MonitoredView } from '../../../shared/supervision.js';
import type { CallMonitor, InviteVerdict } from '../calls/call-manager.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';
import { mediaType, parseJsonBody } from '../sip/untrusted-input.js';
import { callerIdentity, checkMonitorAuth, MONITOR_AUTH_WINDOW_MS, parseMonitorMode } from './monitor-request.js';
import { sameIdentity } from './team-auth.js';

/** The parts of an incoming INVITE the decision reads (all untrusted). */
export interface MonitorRequestFacts {
  /** X-Ringside-Monitor; undefined = not a monitoring request. */
  mode: string | undefined;
  auth: string | undefined;
  /** P-Asserted-Identity as the server set it. */
  pai: string | undefined;
  /** The From URI. */
  from: string;
}

export interface AgentMonitoringDeps {
  account(): Account | null;
  calls(): CallSessionView[];
  hangup(id: string): Promise<unknown>;
  setMonitor(id: string, monitor: CallMonitor): void;
  /** Asks the media engine to (re)mix: `monitor-mix` on the monitoring call's session. */
  mix(sessionId: string, target: string, mode: MonitorMode): Promise<unknown>;
  /** `monitored:changed` (only called when the agent may see it). */
  emit(view: MonitoredView | null): void;
  /** Tells the agent in the window (a listen-in attempt by a supervisor's name that failed verification). */
  notify?(text: string): void;
  log: Logger;
  now?: () => number;
}

/** A mode change is `{"mode":"whisper"}`: anything much longer is not one. */
const MAX_MODE_CHANGE_CHARS = 256;

/** Untrusted header text for a log line: clipped, control characters shown as `?`. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.slice(0, 160).replace(/[\u0000-\u001f\u007f]/g, '?');
}

interface Monitoring {
  /** Null until the call manager has made the call (right after the verdict). */
  callId: string | null;
  supervisor: string;
  mode: MonitorMode;
  /** The customer call listened to. */
  target: string;
  since: number;
  /** The media engine has mixed at least once. */
  mixed: boolean;
}

export class AgentMonitoring {
  private lastNotice = Number.NEGATIVE_INFINITY;
  private current: Monitoring | null = null;
  /** Team signatures already used, with when they stop being fresh (replay guard). */
  private readonly usedSignatures = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly deps: AgentMonitoringDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Who monitors this agent now, if the agent may see it. */
  view(): MonitoredView | null {
    const c = this.current;
    if (!c || !c.callId || !this.deps.account()?.supervision.showMonitoring) return null;
    return { supervisor: c.supervisor, mode: c.mode, since: c.since };
  }

  /**
   * Someone using a supervisor's name asked to listen in and could not be verified: the agent
   * should know (it may be a misconfigured supervisor, or not a supervisor at all). At most once a
   * minute, so a flood of such requests cannot flood the agent's window.
   */
  private tellAgent(identity: string): void {
    const now = this.now();
    if (now - this.lastNotice < 60_000) return;
    this.lastNotice = now;
    this.deps.notify?.(`A request to listen to your calls as ${printable(identity)} was refused: it could not be verified. Tell your supervisor or IT.`);
  }

  /** Decides an incoming INVITE before anything rings. */
  screen(facts: MonitorRequestFacts): InviteVerdict {
    if (facts.mode === undefined) return { kind: 'ring' };
    const refuse = (code: number, reason: string, why: string): InviteVerdict => {
      this.deps.log.warn(`monitoring request from ${printable(facts.pai || facts.from)} refused (${code}): ${why}`);
      return { kind: 'reject', code, reason };
    };
    const account = this.deps.account();
    if (!account) return refuse(403, 'Forbidden', 'no account');
    const { supervision } = account;
    const caller = callerIdentity(facts.pai, facts.from);
    // Who is asking comes first: a stranger learns nothing about this agent's calls.
    if (supervision.role === 'supervisor') return refuse(403, 'Forbidden', 'this app is not an agent');
    if (!caller) return refuse(403, 'Forbidden', 'the caller’s identity is unreadable');
    const identity = caller.aor;
    if (!supervision.supervisors.some((s) => sameIdentity(s, identity))) return refuse(403, 'Forbidden', `${identity} is not one of this agent's supervisors`);
    if (!supervision.teamSecret && !caller.asserted) {
      this.tellAgent(identity);
      return refuse(
        403,
        'Forbidden',
        `${identity} is not verified: the SIP server asserted no identity (P-Asserted-Identity) and no team secret is set, and a From header is whatever the caller wrote`,
      );
    }
    const mode = parseMonitorMode(facts.mode);
    if (!mode) return refuse(400, 'Bad Request', `unknown monitoring mode "${printable(String(facts.mode).slice(0, 20))}"`);
    if (supervision.teamSecret) {
      const now = this.now();
      for (const [sig, until] of this.usedSignatures) if (until < now) this.usedSignatures.delete(sig);
      const auth = checkMonitorAuth({
        header: facts.auth,
        teamSecret: supervision.teamSecret,
        supervisorAor: identity,
        agentAor: account.aor,
        mode,
        nowMs: now,
      });
      if (!auth.ok) {
        this.tellAgent(identity);
        return refuse(403, 'Forbidden', auth.why);
      }
      if (this.usedSignatures.has(auth.sig)) return refuse(403, 'Forbidden', 'team signature already used');
      this.usedSignatures.set(auth.sig, now + 2 * MONITOR_AUTH_WINDOW_MS);
    }
    if (this.current) return refuse(486, 'Busy Here', 'already being monitored');
    const target = this.customerCall();
    if (!target) return refuse(480, 'Temporarily Unavailable', 'no customer call to monitor');
    this.current = { callId: null, supervisor: identity, mode, target: target.id, since: this.now(), mixed: false };
    this.deps.log.info(`monitoring by ${identity} (${mode}) accepted on call ${target.id}`);
    return { kind: 'answer', monitor: { side: 'agent', mode, peer: identity, target: target.id } };
  }

  /** Every call state change (from the call manager). */
  onCall(view: CallSessionView): void {
    const c = this.current;
    if (!c) return;
    if (view.monitor?.side === 'agent') {
      if (c.callId === null && view.monitor.target === c.target && view.state !== 'ended') {
        c.callId = view.id;
        this.changed();
      }
      if (view.id !== c.callId) return;
      if (view.state === 'active' && !c.mixed) {
        c.mixed = true;
        this.remix(c);
      } else if (view.state === 'ended') {
        // The engine undoes the mix when the session closes.
        this.current = null;
        this.changed();
      }
      return;
    }
    // The customer call ended: so does listening to it.
    if (view.id === c.target && view.state === 'ended') {
      if (c.callId) drop(this.deps.hangup(c.callId), this.deps.log.warn, 'hang up the monitoring call');
      else this.current = null;
    }
  }

  /** An in-dialog INFO; mode changes on the monitoring call are ours. */
  onInfo(view: CallSessionView, contentType: string, body: string): Promise<{ code: number; reason: string }> | null {
    if (view.monitor?.side !== 'agent') return null;
    if (mediaType(contentType) !== MONITOR_CONTENT_TYPE) return null;
    const c = this.current;
    if (!c || c.callId !== view.id) return Promise.resolve({ code: 481, reason: 'Call Does Not Exist' });
    const parsed = parseJsonBody(body, MAX_MODE_CHANGE_CHARS);
    if (!parsed.ok) return Promise.resolve({ code: 400, reason: 'Bad Request' });
    const change = monitorModeChangeSchema.safeParse(parsed.value);
    if (!change.success) return Promise.resolve({ code: 400, reason: 'Bad Request' });
    const { mode } = change.data;
    if (mode === c.mode) return Promise.resolve({ code: 200, reason: 'OK' });
    c.mode = mode;
    this.deps.setMonitor(view.id, { side: 'agent', mode, peer: c.supervisor, target: c.target });
    this.changed();
    this.deps.log.info(`monitoring by ${c.supervisor} now ${mode}`);
    if (!c.mixed) return Promise.resolve({ code: 200, reason: 'OK' });
    return this.deps.mix(view.id, c.target, mode).then(
      () => ({ code: 200, reason: 'OK' }),
      (error: unknown) => {
        this.failClosed(c, error);
        return { code: 500, reason: 'Mixing Failed' };
      },
    );
  }

  private remix(c: Monitoring): void {
    if (!c.callId) return;
    this.deps.mix(c.callId, c.target, c.mode).catch((error: unknown) => this.failClosed(c, error));
  }

  /** If the engine cannot mix as the mode says, nobody should hear anything: hang up. */
  private failClosed(c: Monitoring, error: unknown): void {
    this.deps.log.warn('monitoring mix failed; hanging up the monitoring call', error);
    if (c.callId) drop(this.deps.hangup(c.callId), this.deps.log.warn, 'hang up the monitoring call');
  }

  /** The customer call to listen to: the one we talk on, else one on hold. */
  private customerCall(): CallSessionView | null {
    const calls = this.deps.calls().filter((v) => v.monitor === null);
    return calls.find((v) => v.state === 'active') ?? calls.find((v) => v.state === 'held') ?? null;
  }

  private changed(): void {
    if (this.deps.account()?.supervision.showMonitoring) this.deps.emit(this.view());
  }
}
