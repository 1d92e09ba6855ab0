/**
 * The supervisor's side of listen / whisper / barge: one monitoring session at a time.
 *
 * - Plain-proxy mode: a call to the agent's SIP address carrying `X-Ringside-Monitor: <mode>`
 *   (and `X-Ringside-Auth` when a team secret is set); the agent's app answers it and mixes.
 *   Mode changes travel in-dialog as SIP INFO; our microphone is muted in listen mode, so
 *   nothing leaves even before the agent's app mixes.
 * - PBX mode: the feature code for the mode (`*222{ext}` …) is dialled as an ordinary call;
 *   a mode change hangs up and dials the other code.
 *
 * The monitoring call is in the call list (marked `monitor.side = 'supervisor'`), never in the
 * workspace (no lead, no disposition, no call statistics).
 */
import { aorDomain, type Account } from '../../../shared/account.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import { RingsideError } from '../../../shared/result.js';
import { MONITOR_CONTENT_TYPE, type MonitorMode, type MonitorView } from '../../../shared/supervision.js';
import type { CallMonitor, DialOptions } from '../calls/call-manager.js';
import type { Logger } from '../lib/logger.js';
import { featureCodeDialString, featureCodeUri, monitorRequestHeaders } from './monitor-request.js';
import { normaliseAor, sameIdentity } from './team-auth.js';

export interface SupervisorMonitoringDeps {
  account(): Account | null;
  /** Places the monitoring call (through the call manager and its gate). */
  dial(target: string, options: DialOptions): Promise<CallSessionView>;
  hangup(id: string): Promise<unknown>;
  mute(id: string, muted: boolean): Promise<CallSessionView>;
  sendInfo(id: string, contentType: string, content: string): Promise<void>;
  setMonitor(id: string, monitor: CallMonitor): void;
  /** `monitor:changed`. */
  emit(view: MonitorView | null): void;
  log: Logger;
  now?: () => number;
}

const LIVE = new Set(['connecting', 'active']);

/** What a refused monitoring call means, for the supervisor. */
export function refusalText(agent: string, code: number | null, detail: string | null): string {
  const who = agent.replace(/^sips?:/, '');
  switch (code) {
    case 403:
      return `${who}'s app refused: you are not one of this agent's supervisors, or the team secret does not match (403).`;
    case 480:
      return `${who} has no call to listen to right now (480).`;
    case 486:
      return `${who} is already being monitored (486).`;
    case 404:
      return `${who} is not registered (404).`;
    default:
      return `Monitoring ${who} failed${detail ? `: ${detail}` : ''}.`;
  }
}

export class SupervisorMonitoring {
  private current: MonitorView | null = null;
  /** PBX mode: the old call is being hung up to dial the next code; its end is not the session's. */
  private replacing: string | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: SupervisorMonitoringDeps) {
    this.now = deps.now ?? Date.now;
  }

  view(): MonitorView | null {
    return this.current;
  }

  async start(agent: string, mode: MonitorMode): Promise<MonitorView> {
    const account = this.deps.account();
    if (!account) throw new RingsideError('not-configured', 'No SIP account yet: open Settings and enter your server and password.');
    const { supervision } = account;
    if (supervision.role === 'agent')
      throw new RingsideError('not-configured', 'This app is set up as an agent: monitoring needs the supervisor role (Settings).');
    const member = supervision.team.find((a) => sameIdentity(a, agent));
    if (!member) throw new RingsideError('invalid-target', `${agent.replace(/^sips?:/, '')} is not on your team.`);
    if (sameIdentity(member, account.aor)) throw new RingsideError('invalid-target', 'You cannot monitor yourself.');
    const c = this.current;
    if (c && LIVE.has(c.state)) {
      if (sameIdentity(c.agent, member)) return this.setMode(mode);
      await this.stop();
    }
    const view = await this.place(account, member, mode);
    this.set({ agent: normaliseAor(member), mode, via: supervision.monitorVia, state: 'connecting', callId: view.id, detail: null });
    return this.current as MonitorView;
  }

  async setMode(mode: MonitorMode): Promise<MonitorView> {
    const c = this.current;
    if (!c || !LIVE.has(c.state) || !c.callId) throw new RingsideError('illegal-state', 'No monitoring session to change.');
    if (c.mode === mode) return c;
    const account = this.deps.account();
    if (!account) throw new RingsideError('not-configured', 'No SIP account.');
    if (c.via === 'pbx') {
      // A PBX has one feature code per mode: hang up and dial the other one.
      this.replacing = c.callId;
      await this.deps.hangup(c.callId).catch(() => undefined);
      let view: CallSessionView;
      try {
        view = await this.place(account, c.agent, mode);
      } catch (error) {
        this.replacing = null;
        this.set({ ...c, state: 'failed', callId: null, detail: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      this.set({ ...c, mode, state: 'connecting', callId: view.id, detail: null });
      return this.current as MonitorView;
    }
    const callId = c.callId;
    // Nothing may leave before the agent's app knows we are only listening: mute first going
    // to listen, unmute only after the agent's app has switched away from it.
    if (mode === 'listen') await this.deps.mute(callId, true);
    try {
      await this.deps.sendInfo(callId, MONITOR_CONTENT_TYPE, JSON.stringify({ mode }));
    } catch (error) {
      if (mode === 'listen' && c.mode !== 'listen') await this.deps.mute(callId, false).catch(() => undefined);
      throw new RingsideError('illegal-state', `The agent's app did not switch to ${mode}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (mode !== 'listen') await this.deps.mute(callId, false);
    this.deps.setMonitor(callId, { side: 'supervisor', mode, peer: c.agent, target: null });
    this.set({ ...c, mode, detail: null });
    return this.current as MonitorView;
  }

  /** Hangs up (if live) and forgets the session. */
  async stop(): Promise<null> {
    const c = this.current;
    this.current = null;
    this.replacing = null;
    if (c?.callId && LIVE.has(c.state)) await this.deps.hangup(c.callId).catch((e: unknown) => this.deps.log.warn('monitoring hang-up failed', e));
    this.deps.emit(null);
    return null;
  }

  /** Every call state change (from the call manager). */
  onCall(view: CallSessionView): void {
    const c = this.current;
    if (view.id === this.replacing && view.state === 'ended') {
      this.replacing = null;
      return;
    }
    if (!c || view.id !== c.callId) return;
    if (view.state === 'active' && c.state === 'connecting') this.set({ ...c, state: 'active', detail: null });
    else if (view.state === 'ended' && LIVE.has(c.state)) {
      if (view.answeredAt !== null)
        this.set({ ...c, state: 'ended', detail: view.detail === 'You hung up.' ? 'Monitoring stopped.' : "The agent's call ended." });
      else this.set({ ...c, state: 'failed', detail: refusalText(c.agent, view.statusCode, view.detail) });
    }
  }

  private async place(account: Account, agent: string, mode: MonitorMode): Promise<CallSessionView> {
    const { supervision } = account;
    const monitor: CallMonitor = { side: 'supervisor', mode, peer: normaliseAor(agent), target: null };
    // In listen mode our microphone is muted before any media can flow.
    const options: DialOptions = { monitor, muted: mode === 'listen' };
    if (supervision.monitorVia === 'pbx') {
      let uri: string;
      try {
        uri = featureCodeUri(featureCodeDialString(supervision.featureCodes[mode], agent), aorDomain(account.aor));
      } catch (error) {
        throw new RingsideError('invalid-target', `Cannot dial the ${mode} feature code: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.deps.log.info(`monitoring ${agent} (${mode}) through the PBX: ${uri}`);
      return this.deps.dial(uri, options);
    }
    options.extraHeaders = monitorRequestHeaders({
      mode,
      supervisorAor: account.aor,
      agentAor: agent,
      teamSecret: supervision.teamSecret ?? null,
      nowMs: this.now(),
    });
    this.deps.log.info(`monitoring ${agent} (${mode})`);
    return this.deps.dial(agent, options);
  }

  private set(view: MonitorView): void {
    this.current = view;
    this.deps.emit(view);
  }
}
