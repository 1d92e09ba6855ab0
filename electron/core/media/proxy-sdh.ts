/**
 * A sip.js SessionDescriptionHandler that lives in main and forwards every operation over the
 * IPC contract to the renderer's media engine, which owns the call's RTCPeerConnection.
 * sip.js only ever sees SDP strings, so this is all it needs.
 */
import type { BodyAndContentType, SessionDescriptionHandler, SessionDescriptionHandlerOptions } from 'sip.js';
import type { RTCIceServerLike } from '../../../shared/contract.js';
import type { IceServer, IceTransportPolicy } from '../../../shared/account.js';
import type { MediaBridge } from './media-bridge.js';
import { iceServersForRequest } from './turn-credentials.js';

export interface ProxySdhOptions {
  /** The account's STUN/TURN servers, secrets included: time-limited TURN credentials are made from them for each request. */
  iceServers: readonly IceServer[];
  iceTimeoutMs: number;
  /** 'relay': only TURN-relayed candidates (default 'all'). */
  iceTransportPolicy?: IceTransportPolicy;
  /** The user id in time-limited TURN credentials. */
  turnUser: string;
  /** The clock time-limited credentials start from (tests set it). */
  now?(): number;
  /** Told when negotiation reports the transceiver direction and DTMF capability. */
  onNegotiated?(info: { direction: string | null; dtmfInBand: boolean }): void;
  onError?(message: string, error: unknown): void;
}

/** sip.js passes `{ hold: true }` in the re-INVITE options; it is not in its public type. `iceRestart` is ours. */
type HoldOptions = SessionDescriptionHandlerOptions & { hold?: boolean; iceRestart?: boolean };

export class ProxySessionDescriptionHandler implements SessionDescriptionHandler {
  private closed = false;
  private dtmfInBand = false;
  private held = false;
  /** The answer the renderer made with the last remote offer, if sip.js has not taken it yet. */
  private pendingAnswer: { sdp: string; hold: boolean } | null = null;

  constructor(
    readonly sessionId: string,
    private readonly bridge: MediaBridge,
    private readonly options: ProxySdhOptions,
  ) {}

  async getDescription(options?: HoldOptions): Promise<BodyAndContentType> {
    this.assertOpen();
    if (options && typeof options.hold === 'boolean') this.held = options.hold;
    const ready = this.pendingAnswer;
    this.pendingAnswer = null;
    const iceRestart = options?.iceRestart === true;
    if (ready && ready.hold === this.held && !iceRestart) {
      return { body: ready.sdp, contentType: 'application/sdp' };
    }
    const reply = await this.bridge.request(this.sessionId, {
      op: 'get-description',
      hold: this.held,
      ...this.ice(),
      ...(iceRestart ? { iceRestart } : {}),
    });
    this.noteNegotiated(reply.direction, reply.dtmfInBand);
    return { body: reply.sdp, contentType: 'application/sdp' };
  }

  async setDescription(sdp: string, options?: HoldOptions): Promise<void> {
    this.assertOpen();
    if (options && typeof options.hold === 'boolean') this.held = options.hold;
    const reply = await this.bridge.request(this.sessionId, {
      op: 'set-description',
      sdp,
      hold: this.held,
      ...this.ice(),
    });
    this.pendingAnswer = reply.answer ? { sdp: reply.answer, hold: this.held } : null;
    this.noteNegotiated(reply.direction, reply.dtmfInBand);
  }

  async rollbackDescription(): Promise<void> {
    this.assertOpen();
    await this.bridge.request(this.sessionId, { op: 'rollback' });
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  /**
   * sip.js wants a synchronous answer. We know from the last negotiation whether the renderer
   * has an RTCDTMFSender; if not, return false so the caller falls back to SIP INFO.
   */
  sendDtmf(tones: string, options?: { duration?: number; interToneGap?: number }): boolean {
    if (this.closed || !this.dtmfInBand) return false;
    const durationMs = options?.duration ?? 100;
    const gapMs = options?.interToneGap ?? 70;
    this.bridge
      .request(this.sessionId, { op: 'send-dtmf', tones, durationMs, gapMs })
      .catch((e: unknown) => this.options.onError?.('DTMF could not be sent', e));
    return true;
  }

  /**
   * RFC 4733 through the renderer's RTCDTMFSender; resolves false when it cannot insert DTMF
   * right now (not negotiated, not sending), so the caller can fall back to SIP INFO.
   */
  async trySendDtmf(tones: string, durationMs = 100, gapMs = 70): Promise<boolean> {
    if (this.closed || !this.dtmfInBand) return false;
    const reply = await this.bridge.request(this.sessionId, { op: 'send-dtmf', tones, durationMs, gapMs });
    return reply.sent;
  }

  async setMute(muted: boolean): Promise<boolean> {
    this.assertOpen();
    const reply = await this.bridge.request(this.sessionId, { op: 'set-mute', muted });
    return reply.muted;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Fire and forget: the session is over whatever the renderer says.
    this.bridge.failAll('call ended', this.sessionId);
    this.bridge.request(this.sessionId, { op: 'close' }).catch(() => undefined);
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** What each offer and answer is made with; time-limited TURN credentials are made afresh. */
  private ice(): { iceServers: RTCIceServerLike[]; iceTransportPolicy: IceTransportPolicy; iceTimeoutMs: number } {
    const { iceServers, iceTimeoutMs, iceTransportPolicy = 'all', turnUser, now = Date.now } = this.options;
    return { iceServers: iceServersForRequest(iceServers, turnUser, now()), iceTransportPolicy, iceTimeoutMs };
  }

  private noteNegotiated(direction: string | null, dtmfInBand: boolean): void {
    this.dtmfInBand = dtmfInBand;
    this.options.onNegotiated?.({ direction, dtmfInBand });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('session description handler closed');
  }
}
