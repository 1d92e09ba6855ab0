/**
 * Every call session of the agent: dialling, ringing, answering, hold, mute, DTMF, transfer,
 * hang-up. sip.js sessions live here; the renderer sees only CallSessionView values.
 */
import { Invitation, Inviter, SessionState, UserAgent, type Info, type Session, type SessionDescriptionHandlerFactory } from 'sip.js';
import {
  assertCallTransition,
  outcomeForStatus,
  outcomeLabel,
  temperatureForDirection,
  type CallOutcome,
  type CallSessionView,
  type CallState,
  type CallTemperature,
} from '../../../shared/call-session.js';
import type { ComplianceDecision, DialPath } from '../../../shared/compliance.js';
import type { Account } from '../../../shared/account.js';
import type { DialPermit } from '../compliance/dial-policy.js';
import { RingsideError } from '../../../shared/result.js';
import { drop } from '../lib/drop.js';
import type { MediaBridge } from '../media/media-bridge.js';
import { ProxySessionDescriptionHandler } from '../media/proxy-sdh.js';
import { turnUserOf } from '../media/turn-credentials.js';
import type { Logger } from '../lib/logger.js';

/** What the media of a line's calls is made with. */
type MediaAccount = Pick<Account, 'aor' | 'authUser' | 'iceServers' | 'iceGatheringTimeoutMs' | 'iceTransportPolicy'>;

/** What the call manager needs of the SIP side; SipClient provides it. */
export interface LineHandle {
  readonly ua: UserAgent;
  readonly isRegistered: boolean;
  readonly aor: string;
}

/** Why a call ended when the page with its audio went away. */
export const AUDIO_GONE = 'Ended: the Ringside window holding the call’s audio was reloaded or closed, so the call had no sound any more.';

interface CallEntry {
  view: CallSessionView;
  session: Inviter | Invitation;
  sdh: ProxySessionDescriptionHandler | null;
  endedBy: 'local' | 'remote' | null;
  /** Why the core itself ended the call (it lost its audio), shown instead of "You hung up". */
  endReason?: string;
  /** The line's socket went down during the call (an ICE restart follows when it is back). */
  lostLink?: boolean;

  finalStatus: { code: number; reason: string } | null;
  transferred: boolean;
  lastDirection: string | null;
  /** Hung up while the SIP server was unreachable: the far end may not know yet. */
  offline: boolean;
  /** The SIP server answered our BYE with an error: the far end was probably not told. */
  byeRefused?: string;
}

/**
 * The dial policy: reads a target, decides it and records the decision. Every outbound call and
 * transfer target goes through it, and exactly the URI it returns is dialled; a gate that
 * rejects (its store could not be read) refuses the call.
 */
export type DialGateFn = (target: string, context: DialContext) => Promise<DialPermit>;

/** Context a dial carries: the lead it is for, its warm/cold decision, and the dialling path. */
export interface DialContext {
  leadId: number | null;
  temperature?: CallTemperature;
  /** manual (default), preview, progressive, callback, redial, transfer, link: recorded in the audit log. */
  path?: DialPath;
}

/** A call's monitoring marker, as in {@link CallSessionView.monitor}. */
export type CallMonitor = NonNullable<CallSessionView['monitor']>;

/** Extras for a call that is not an ordinary dial (the supervisor's monitoring call). */
export interface DialOptions {
  /** SIP headers added to the INVITE, `Name: value`. */
  extraHeaders?: string[];
  monitor?: CallMonitor;
  /** Mute the microphone before any media can flow. */
  muted?: boolean;
}

/**
 * What to do with an incoming INVITE before anything rings: ring as usual, refuse it, or
 * answer it at once as a monitoring call (the agent's side of listen / whisper / barge).
 */
export type InviteVerdict = { kind: 'ring' } | { kind: 'reject'; code: number; reason: string } | { kind: 'answer'; monitor: CallMonitor };

export interface CallManagerDeps {
  line: () => LineHandle | null;
  /** Looks at every incoming INVITE first (monitoring requests); without it every call rings. */
  screen?(invitation: Invitation): InviteVerdict;
  /**
   * An in-dialog INFO on a call. Return null to take it as before (200), or a promise of the
   * status to answer (e.g. a monitoring mode change: 200 once applied, 4xx if refused).
   */
  info?(call: CallSessionView, contentType: string, body: string): Promise<{ code: number; reason: string }> | null;
  /** The one gate for every outbound call and transfer target (there is no call manager without one). */
  gate: DialGateFn;
  /** Who is calling: matched to a lead (and its temperature) before the call rings. */
  identify?(remoteUri: string, remoteName: string, assertedIdentity: string | undefined): Promise<DialContext | null>;
  onChange(view: CallSessionView): void;
  onRemoved(id: string): void;
  log: Logger;
  now?: () => number;
  newId: () => string;
  /** Ended calls kept for the agent to read the outcome (older ones are removed). */
  keepEnded?: number;
  /** How long a BYE/CANCEL may take before the call is ended locally anyway, ms. */
  hangupGuardMs?: number;
}

const LIVE: readonly CallState[] = ['dialing', 'ringing', 'incoming', 'answering', 'active', 'held'];

export class CallManager {
  private readonly calls = new Map<string, CallEntry>();
  private readonly bySession = new WeakMap<Session, string>();
  private readonly now: () => number;

  constructor(private readonly deps: CallManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): CallSessionView[] {
    return [...this.calls.values()].map((c) => c.view);
  }

  get liveCount(): number {
    return [...this.calls.values()].filter((c) => LIVE.includes(c.view.state)).length;
  }

  /**
   * The media of each session on a line: a proxy description handler per call, whose offers and
   * answers the renderer's media engine makes (with the account's STUN/TURN servers, time-limited
   * TURN credentials made per request, and its candidate policy), and whose negotiation results
   * the call view shows.
   */
  mediaFactory(media: MediaBridge, account: MediaAccount): SessionDescriptionHandlerFactory {
    const ice = {
      iceServers: account.iceServers,
      iceTimeoutMs: account.iceGatheringTimeoutMs,
      iceTransportPolicy: account.iceTransportPolicy,
      turnUser: turnUserOf(account),
      now: this.now,
    };
    return (session) => {
      const id = this.bySession.get(session);
      if (!id) throw new Error('session not known to the call manager');
      const sdh = new ProxySessionDescriptionHandler(id, media, {
        ...ice,
        onNegotiated: (info) => this.noteNegotiated(id, info),
        onError: (m, e) => this.deps.log.warn(m, e),
      });
      const entry = this.calls.get(id);
      if (entry) entry.sdh = sdh;
      return sdh;
    };
  }

  private noteNegotiated(id: string, info: { direction: string | null; dtmfInBand: boolean }): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    entry.lastDirection = info.direction;
    if (entry.view.dtmfInBand !== info.dtmfInBand) this.update(entry, { dtmfInBand: info.dtmfInBand });
  }

  // ---- outbound ---------------------------------------------------------------------------

  async dial(target: string, context: DialContext = { leadId: null }, options: DialOptions = {}): Promise<CallSessionView> {
    const { uri, parsed, decision } = await this.resolve(target, this.requireLine(), context);
    // The line as it is once the gate has decided (it may have been replaced meanwhile).
    const line = this.requireLine();
    const inviter = new Inviter(line.ua, uri, {
      sessionDescriptionHandlerOptions: { hold: false } as object,
      ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    });
    // Start the INVITE before telling anyone: its media request then reaches the renderer ahead
    // of the state events (which make the UI re-render), and the INVITE leaves sooner.
    const entry = this.track(inviter, 'outbound', parsed.uri, parsed.display, 'dialing', context, false);
    entry.view = { ...entry.view, compliance: decision, monitor: options.monitor ?? null };
    drop(
      inviter
        .invite({
          requestDelegate: {
            onProgress: (response) => {
              const code = response.message.statusCode;
              if ((code === 180 || code === 183) && entry.view.state === 'dialing') this.move(entry, 'ringing');
            },
            onReject: (response) => {
              entry.finalStatus = { code: response.message.statusCode ?? 0, reason: response.message.reasonPhrase ?? '' };
            },
          },
        })
        // The offer is made by now, so the microphone exists; no media flows before the answer.
        .then(() => (options.muted ? this.muteBeforeMedia(entry) : undefined))
        .catch((error: unknown) => this.endLocally(entry, 'failed', `Could not place the call: ${message(error)}`)),
      this.deps.log.warn,
      'invite',
    );
    this.deps.onChange(entry.view);
    return entry.view;
  }

  private async muteBeforeMedia(entry: CallEntry): Promise<void> {
    if (!entry.sdh || entry.view.state === 'ended') throw new Error('no media to mute');
    const muted = await entry.sdh.setMute(true);
    if (!muted) throw new Error('the microphone could not be muted');
    this.update(entry, { muted });
  }

  // ---- inbound ----------------------------------------------------------------------------

  onInvite(invitation: Invitation): void {
    const remote = invitation.remoteIdentity;
    const name = remote.displayName || remote.uri.user || remote.uri.host;
    let verdict: InviteVerdict = { kind: 'ring' };
    try {
      verdict = this.deps.screen?.(invitation) ?? verdict;
    } catch (error) {
      this.deps.log.warn('could not screen an incoming call; refused', error);
      verdict = { kind: 'reject', code: 500, reason: 'Server Internal Error' };
    }
    if (verdict.kind === 'reject') {
      // Never rings, never shows: refused before any provisional response.
      drop(invitation.reject({ statusCode: verdict.code, reasonPhrase: verdict.reason }), this.deps.log.warn, `${verdict.code} to INVITE`);
      return;
    }
    if (verdict.kind === 'answer') {
      this.answerAtOnce(invitation, remote.uri.toString(), name, verdict.monitor);
      return;
    }
    // 180 Ringing first, so the caller hears ringback while the agent's app rings (and an
    // accept that comes at once does not race it).
    drop(invitation.progress(), this.deps.log.warn, '180 Ringing');
    drop(this.ring(invitation, remote.uri.toString(), name), this.deps.log.warn, 'incoming call');
  }

  /** Shows an incoming call once its caller is matched to a lead (a caller that cannot be matched still rings). */
  private async ring(invitation: Invitation, remoteUri: string, name: string): Promise<void> {
    let context: DialContext | null = null;
    try {
      context = (await this.deps.identify?.(remoteUri, name, invitation.request.getHeader('P-Asserted-Identity'))) ?? null;
    } catch (error) {
      this.deps.log.warn('could not match the caller to a lead', error);
    }
    const entry = this.track(invitation, 'inbound', remoteUri, name, 'incoming', context);
    // A caller who gave up while the lead was looked up is a missed call, not one that rings on.
    if (invitation.state === SessionState.Terminated) this.onSessionState(entry, SessionState.Terminated);
  }

  async accept(id: string): Promise<CallSessionView> {
    const entry = this.get(id);
    if (entry.view.state !== 'incoming' || !(entry.session instanceof Invitation)) throw illegal(entry, 'answer');
    // One conversation at a time: answering puts the call we are talking on on hold first.
    for (const other of this.calls.values()) {
      if (other !== entry && other.view.state === 'active' && !isListenedTo(other)) await this.hold(other.view.id, true);
    }
    if ((entry.view.state as CallState) !== 'incoming') throw illegal(entry, 'answer');
    this.move(entry, 'answering');
    try {
      await entry.session.accept({ sessionDescriptionHandlerOptions: { hold: false } as object });
    } catch (error) {
      this.endLocally(entry, 'failed', `Could not answer: ${message(error)}`);
      throw new RingsideError('media-failed', `Could not answer the call: ${message(error)}`);
    }
    return entry.view;
  }

  /** A monitoring call: answered without ringing (no 180), without holding the call it listens to. */
  private answerAtOnce(invitation: Invitation, remoteUri: string, name: string, monitor: CallMonitor): void {
    const entry = this.track(invitation, 'inbound', remoteUri, name, 'incoming', null, false);
    entry.view = { ...entry.view, monitor };
    this.move(entry, 'answering');
    drop(
      invitation
        .accept({ sessionDescriptionHandlerOptions: { hold: false } as object })
        .catch((error: unknown) => this.endLocally(entry, 'failed', `Could not answer: ${message(error)}`)),
      this.deps.log.warn,
      'answer monitoring call',
    );
  }

  /** Updates a call's monitoring marker (mode changes). */
  setMonitor(id: string, monitor: CallMonitor): CallSessionView {
    const entry = this.get(id);
    this.update(entry, { monitor });
    return entry.view;
  }

  /** An in-dialog INFO with a body; resolves on 2xx, rejects with the status otherwise. */
  async sendInfo(id: string, contentType: string, content: string): Promise<void> {
    const entry = this.get(id);
    if (entry.view.state !== 'active' && entry.view.state !== 'held') throw illegal(entry, 'send INFO on');
    await new Promise<void>((resolve, reject) => {
      entry.session
        .info({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) =>
              reject(
                new RingsideError('illegal-state', `The other side refused (${r.message.statusCode} ${r.message.reasonPhrase ?? ''}).`.replace(' )', ')')),
              ),
          },
          requestOptions: { body: { contentDisposition: 'render', contentType, content } },
        })
        .catch(reject);
    });
  }

  async reject(id: string): Promise<CallSessionView> {
    const entry = this.get(id);
    if (entry.view.state !== 'incoming' || !(entry.session instanceof Invitation)) throw illegal(entry, 'reject');
    entry.endedBy = 'local';
    await entry.session.reject({ statusCode: 486, reasonPhrase: 'Busy Here' });
    return entry.view;
  }

  // ---- both -------------------------------------------------------------------------------

  async hangup(id: string): Promise<CallSessionView> {
    const entry = this.get(id);
    const { state } = entry.view;
    if (state === 'ended') return entry.view;
    entry.endedBy = 'local';
    entry.offline = !this.deps.line()?.ua.isConnected();
    if (state === 'incoming') return this.reject(id);
    const session = entry.session;
    const guard = this.deps.hangupGuardMs ?? 4000;
    let request: Promise<unknown>;
    if ((state === 'dialing' || state === 'ringing') && session instanceof Inviter) request = session.cancel();
    else if (session.state === SessionState.Established)
      request = session.bye({ requestDelegate: { onReject: (r) => this.onByeRefused(entry, r.message.statusCode ?? 0, r.message.reasonPhrase ?? '') } });
    else request = session.dispose();
    // If the server is gone, the BYE/CANCEL goes nowhere: end the call here anyway.
    const timer = setTimeout(
      () => this.endLocally(entry, state === 'dialing' || state === 'ringing' ? 'cancelled' : 'completed', 'Ended here; the SIP server did not confirm.'),
      guard,
    );
    try {
      await request;
    } catch (error) {
      this.endLocally(entry, 'completed', `Ended here; the hang-up could not be sent (${message(error)}).`);
    } finally {
      if (entry.view.state === 'ended') clearTimeout(timer);
      else entry.session.stateChange.addListener((s) => s === SessionState.Terminated && clearTimeout(timer));
    }
    return entry.view;
  }

  async hold(id: string, hold: boolean): Promise<CallSessionView> {
    const entry = this.get(id);
    const want: CallState = hold ? 'held' : 'active';
    if (entry.view.state === want && !entry.view.pending) return entry.view;
    if ((entry.view.state !== 'active' && entry.view.state !== 'held') || entry.view.pending) throw illegal(entry, hold ? 'hold' : 'resume');
    this.update(entry, { pending: hold ? 'hold' : 'unhold' });
    let result = await this.reinvite(entry, hold);
    // Glare (491) or the far end still busy with the last transaction (500 + Retry-After,
    // RFC 5407): wait as RFC 3261 14.1 says, then try once more.
    if (!result.ok && result.retryAfterMs !== null && (entry.view.state as CallState) !== 'ended') {
      await new Promise((r) => setTimeout(r, result.retryAfterMs ?? 0));
      result = await this.reinvite(entry, hold);
    }
    if ((entry.view.state as CallState) === 'ended') return entry.view;
    // Trust the real transceiver, not our wish: hold means we no longer send or receive.
    const direction = entry.lastDirection;
    const isHeld = direction === 'inactive' || direction === 'sendonly';
    if (result.ok && isHeld === hold) {
      this.move(entry, want, { pending: null, detail: null });
      return entry.view;
    }
    this.update(entry, { pending: null });
    const why = result.ok ? `the media direction is ${direction ?? 'unknown'}` : result.why;
    throw new RingsideError('media-failed', `Could not ${hold ? 'hold' : 'resume'} the call: ${why}.`);
  }

  private reinvite(entry: CallEntry, hold: boolean, iceRestart = false): Promise<{ ok: boolean; why: string; retryAfterMs: number | null }> {
    return new Promise((resolve) => {
      entry.session
        .invite({
          sessionDescriptionHandlerOptions: (iceRestart ? { hold, iceRestart } : { hold }) as object,
          requestDelegate: {
            onAccept: () => resolve({ ok: true, why: '', retryAfterMs: null }),
            onReject: (response) => {
              const code = response.message.statusCode ?? 0;
              const retryAfter = Number(response.message.getHeader('retry-after') ?? NaN);
              const retryAfterMs =
                code === 491
                  ? 500 + Math.random() * 1500
                  : code === 500 && Number.isFinite(retryAfter)
                    ? Math.min(1000, Math.max(200, retryAfter * 1000))
                    : null;
              resolve({ ok: false, why: `${code} ${response.message.reasonPhrase ?? ''}`.trim(), retryAfterMs });
            },
          },
        })
        .catch((error: unknown) => resolve({ ok: false, why: message(error), retryAfterMs: null }));
    });
  }

  async mute(id: string, muted: boolean): Promise<CallSessionView> {
    const entry = this.get(id);
    if (!['active', 'held', 'answering'].includes(entry.view.state) || !entry.sdh) throw illegal(entry, muted ? 'mute' : 'unmute');
    // Shown as muted only if the renderer really disabled the sending track.
    const actual = await entry.sdh.setMute(muted);
    this.update(entry, { muted: actual });
    if (actual !== muted) throw new RingsideError('media-failed', muted ? 'The microphone could not be muted.' : 'The microphone could not be unmuted.');
    return entry.view;
  }

  async dtmf(id: string, tones: string): Promise<{ via: 'rfc4733' | 'sip-info' }> {
    const entry = this.get(id);
    if (entry.view.state !== 'active' || !entry.sdh) throw illegal(entry, 'send tones on');
    const upper = tones.toUpperCase();
    if (await entry.sdh.trySendDtmf(upper)) return { via: 'rfc4733' };
    // Fallback: one SIP INFO per tone (application/dtmf-relay, the de-facto format).
    for (const tone of upper.replace(/,/g, '')) {
      await new Promise<void>((resolve, reject) => {
        entry.session
          .info({
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (r) => reject(new RingsideError('media-failed', `The far end refused DTMF over SIP INFO (${r.message.statusCode}).`)),
            },
            requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=160` } },
          })
          .catch(reject);
      });
    }
    return { via: 'sip-info' };
  }

  async transfer(id: string, target: string): Promise<CallSessionView> {
    const entry = this.get(id);
    if (entry.view.state !== 'active' && entry.view.state !== 'held') throw illegal(entry, 'transfer');
    const line = this.requireLine();
    // A transfer target that is an external number is a call placed for this lead: same gate.
    const { uri } = await this.resolve(target, line, { leadId: entry.view.leadId, path: 'transfer' });
    if ((entry.view.state as CallState) !== 'active' && (entry.view.state as CallState) !== 'held') throw illegal(entry, 'transfer');
    const accepted = await new Promise<{ ok: boolean; why: string }>((resolve) => {
      entry.session
        .refer(uri, {
          requestDelegate: {
            onAccept: () => resolve({ ok: true, why: '' }),
            onReject: (r) => resolve({ ok: false, why: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
          },
        })
        .catch((error: unknown) => resolve({ ok: false, why: message(error) }));
    });
    if (!accepted.ok) throw new RingsideError('illegal-state', `The transfer was refused (${accepted.why}).`);
    entry.transferred = true;
    entry.endedBy = 'local';
    // Blind transfer: the far end now calls the target; our leg is done.
    if (entry.session.state === SessionState.Established) await entry.session.bye().catch(() => undefined);
    return entry.view;
  }

  /** Talk on this call: hold every other active call first, then resume this one if held. */
  async switchTo(id: string): Promise<CallSessionView> {
    const entry = this.get(id);
    if (entry.view.state !== 'active' && entry.view.state !== 'held') throw illegal(entry, 'switch to');
    for (const other of this.calls.values()) {
      if (other !== entry && other.view.state === 'active' && !isListenedTo(other)) await this.hold(other.view.id, true);
    }
    if (entry.view.state === 'held') await this.hold(id, false);
    return entry.view;
  }

  dismiss(id: string): void {
    const entry = this.get(id);
    if (entry.view.state !== 'ended') throw illegal(entry, 'dismiss');
    this.remove(id);
  }

  /** The SIP server went away or came back: say so on every live call. */
  onConnection(connected: boolean): void {
    for (const entry of this.calls.values()) {
      if (!LIVE.includes(entry.view.state)) continue;
      this.update(entry, { detail: connected ? null : 'Connection to the SIP server lost: reconnecting. Audio continues while the other party stays.' });
      // Back on a new socket, perhaps from a new address: a re-INVITE with fresh ICE credentials
      // lets the audio find a path again, and tells the far end where we are now.
      if (connected && entry.lostLink && (entry.view.state === 'active' || entry.view.state === 'held') && !entry.view.pending) drop(this.restartIce(entry));
      entry.lostLink = !connected;
    }
  }

  /**
   * sip.js ends the session as soon as the BYE is sent; the answer comes later. A refusal (the
   * server lost its route to the far end, or never answered) means the other phone may still be
   * on a silent line, so the ended call says that instead of "You hung up". 481: the far end had
   * already left, which is what the agent wanted.
   */
  private onByeRefused(entry: CallEntry, code: number, reason: string): void {
    if (code === 481) return;
    entry.byeRefused = `You hung up, but the SIP server could not pass it on (${code} ${reason}): the other side may hear silence until their phone gives up.`;
    if (entry.view.state === 'ended' && !entry.endReason && !entry.transferred) this.update(entry, { detail: entry.byeRefused });
  }

  private async restartIce(entry: CallEntry): Promise<void> {
    const result = await this.reinvite(entry, entry.view.state === 'held', true);
    if (entry.view.state === 'ended') return;
    this.update(entry, {
      detail: result.ok
        ? null
        : `Back on the SIP server, but the call could not renegotiate its audio (${result.why}): if you cannot hear each other, call back.`,
    });
  }

  /**
   * Ends every live call because their audio is gone (the window holding the media engine was
   * reloaded or closed), with that reason on each: an honest end instead of a call that looks
   * live and carries no sound.
   */
  async endAll(reason: string): Promise<number> {
    const live = [...this.calls.values()].filter((c) => LIVE.includes(c.view.state));
    for (const entry of live) entry.endReason = reason;
    await Promise.all(live.map((c) => this.hangup(c.view.id).catch(() => undefined)));
    return live.length;
  }

  /** Ends every live call (app quitting / account changed). */
  async hangupAll(): Promise<void> {
    await Promise.all([...this.calls.values()].filter((c) => LIVE.includes(c.view.state)).map((c) => this.hangup(c.view.id).catch(() => undefined)));
  }

  // ---- internals --------------------------------------------------------------------------

  /** Passes a target through the dial policy; throws with its reason if refused, or if the policy could not decide. */
  private async resolve(
    target: string,
    line: LineHandle,
    context: DialContext,
  ): Promise<{ uri: NonNullable<ReturnType<typeof UserAgent.makeURI>>; parsed: { uri: string; display: string }; decision: ComplianceDecision }> {
    void line;
    const permit = await this.deps.gate(target, context);
    if (!permit.allowed) throw new RingsideError(permit.code, permit.reason);
    const uri = UserAgent.makeURI(permit.uri);
    if (!uri) throw new RingsideError('invalid-target', `"${target.slice(0, 60)}" is not a valid SIP address.`);
    return { uri, parsed: { uri: permit.uri, display: permit.display }, decision: permit.decision };
  }

  private track(
    session: Inviter | Invitation,
    direction: 'outbound' | 'inbound',
    remoteUri: string,
    remoteName: string,
    state: CallState,
    context: DialContext | null = null,
    announce = true,
  ): CallEntry {
    const id = this.deps.newId();
    this.bySession.set(session, id);
    const entry: CallEntry = {
      session,
      sdh: null,
      endedBy: null,
      finalStatus: null,
      transferred: false,
      lastDirection: null,
      offline: false,
      view: {
        id,
        direction,
        state,
        temperature: context?.temperature ?? temperatureForDirection(direction),
        remoteUri,
        remoteName,
        muted: false,
        pending: null,
        createdAt: this.now(),
        answeredAt: null,
        endedAt: null,
        outcome: null,
        statusCode: null,
        detail: null,
        dtmfInBand: false,
        leadId: context?.leadId ?? null,
        compliance: null,
        monitor: null,
      },
    };
    this.calls.set(id, entry);
    session.delegate = {
      onBye: (bye) => {
        entry.endedBy = 'remote';
        drop(bye.accept(), this.deps.log.warn, '200 to BYE');
      },
      onInfo: (info) => this.onInfo(entry, info),
    };
    session.stateChange.addListener((s) => this.onSessionState(entry, s));
    if (announce) this.deps.onChange(entry.view);
    return entry;
  }

  private onInfo(entry: CallEntry, info: Info): void {
    const handled = this.deps.info?.(entry.view, info.request.getHeader('Content-Type') ?? '', info.request.body ?? '') ?? null;
    if (!handled) {
      drop(info.accept(), this.deps.log.warn, '200 to INFO');
      return;
    }
    drop(
      handled
        .catch((error: unknown) => ({ code: 500, reason: message(error).slice(0, 80) }))
        .then((r) => (r.code >= 200 && r.code < 300 ? info.accept() : info.reject({ statusCode: r.code, reasonPhrase: r.reason }))),
      this.deps.log.warn,
      'answer to INFO',
    );
  }

  private onSessionState(entry: CallEntry, state: SessionState): void {
    // sip.js terminates the session before it hands us the final response: read it after.
    if (state === SessionState.Terminated) {
      setTimeout(() => this.onTerminated(entry), 0);
      return;
    }
    if (state === SessionState.Established) {
      if (entry.view.state === 'dialing' || entry.view.state === 'ringing' || entry.view.state === 'answering')
        this.move(entry, 'active', { answeredAt: this.now() });
      return;
    }
  }

  private onTerminated(entry: CallEntry): void {
    if (entry.view.state === 'ended') return;
    entry.sdh?.close();
    const wasTalking = entry.view.answeredAt !== null;
    let outcome: CallOutcome;
    let detail: string | null = null;
    if (entry.transferred) outcome = 'transferred';
    else if (wasTalking) {
      outcome = 'completed';
      detail = entry.offline
        ? 'Ended here; the SIP server was unreachable, so the other side may not have been told.'
        : entry.endedBy === 'local'
          ? (entry.byeRefused ?? 'You hung up.')
          : entry.endedBy === 'remote'
            ? 'The other party hung up.'
            : null;
    } else if (entry.view.direction === 'inbound') {
      outcome = entry.endedBy === 'local' ? 'declined' : 'missed';
      detail = entry.endedBy === 'local' ? 'You rejected the call.' : 'The caller hung up before it was answered.';
    } else if (entry.finalStatus) {
      outcome = outcomeForStatus(entry.finalStatus.code);
      if (outcome === 'cancelled' && entry.endedBy !== 'local') outcome = 'failed';
      detail = `${entry.finalStatus.code} ${entry.finalStatus.reason}`;
    } else outcome = entry.endedBy === 'local' ? 'cancelled' : 'failed';
    this.finish(entry, outcome, entry.endReason ?? detail, entry.finalStatus?.code ?? null);
  }

  private endLocally(entry: CallEntry, outcome: CallOutcome, detail: string): void {
    if (entry.view.state === 'ended') return;
    entry.sdh?.close();
    drop(entry.session.dispose(), this.deps.log.warn, 'dispose session');
    this.finish(entry, outcome, entry.endReason ?? detail, entry.finalStatus?.code ?? null);
  }

  private finish(entry: CallEntry, outcome: CallOutcome, detail: string | null, statusCode: number | null): void {
    if (entry.view.state === 'ended') return;
    this.move(entry, 'ended', { outcome, detail: detail ?? outcomeLabel[outcome], statusCode, endedAt: this.now(), pending: null });
    this.pruneEnded();
  }

  private pruneEnded(): void {
    const keep = this.deps.keepEnded ?? 20;
    const ended = [...this.calls.values()].filter((c) => c.view.state === 'ended');
    for (const old of ended.slice(0, Math.max(0, ended.length - keep))) this.remove(old.view.id);
  }

  private remove(id: string): void {
    if (this.calls.delete(id)) this.deps.onRemoved(id);
  }

  private move(entry: CallEntry, to: CallState, patch: Partial<CallSessionView> = {}): void {
    assertCallTransition(entry.view.state, to);
    this.update(entry, { ...patch, state: to });
  }

  private update(entry: CallEntry, patch: Partial<CallSessionView>): void {
    entry.view = { ...entry.view, ...patch };
    this.deps.onChange(entry.view);
  }

  private get(id: string): CallEntry {
    const entry = this.calls.get(id);
    if (!entry) throw new RingsideError('no-such-call', 'That call no longer exists.');
    return entry;
  }

  private requireLine(): LineHandle {
    const line = this.deps.line();
    if (!line || !line.isRegistered) throw new RingsideError('not-registered', 'Not registered to the SIP server: calls cannot be placed.');
    return line;
  }
}

/** The agent's side of a monitoring call: it must never be put on hold by switching calls. */
function isListenedTo(entry: CallEntry): boolean {
  return entry.view.monitor?.side === 'agent';
}

function illegal(entry: CallEntry, what: string): RingsideError {
  return new RingsideError('illegal-state', `Cannot ${what} a call that is ${entry.view.state}.`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
