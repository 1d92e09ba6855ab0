/**
 * A sip.js SessionDescriptionHandler with no media at all: it offers/answers a fixed, valid
 * audio SDP (PCMU + telephone-event on 127.0.0.1) and records what the other side sent.
 * For signalling tests in Node (sip.js's Web handler needs RTCPeerConnection); real media is
 * covered by the browser tests.
 *
 *   const ua = new UserAgent({ ..., sessionDescriptionHandlerFactory: staticSdpHandlerFactory() });
 *   // hold: session.invite({ sessionDescriptionHandlerOptions: { hold: true } as object })
 *   // inspect: (session.sessionDescriptionHandler as StaticSdpHandler).remoteDescriptions
 */
import type { BodyAndContentType, Session, SessionDescriptionHandler, SessionDescriptionHandlerFactory, SessionDescriptionHandlerOptions } from 'sip.js';

export interface StaticSdpOptions extends SessionDescriptionHandlerOptions {
  /** Offer/answer a=sendonly instead of a=sendrecv (put the other side on hold). */
  hold?: boolean;
}

let nextPort = 40_000;

export function staticAudioSdp(opts: {
  sessionId: string;
  version: number;
  port: number;
  direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  address?: string;
}): string {
  const address = opts.address ?? '127.0.0.1';
  return (
    [
      'v=0',
      `o=- ${opts.sessionId} ${opts.version} IN IP4 ${address}`,
      's=-',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${opts.port} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      `a=${opts.direction ?? 'sendrecv'}`,
    ].join('\r\n') + '\r\n'
  );
}

export class StaticSdpHandler implements SessionDescriptionHandler {
  /** Every SDP received from the other side, in order. */
  readonly remoteDescriptions: string[] = [];
  /** Every SDP this handler produced, in order. */
  readonly localDescriptions: string[] = [];
  /** Tones passed to sendDtmf (sip.js falls back to INFO when this returns false). */
  readonly dtmfSent: string[] = [];
  closed = false;

  private readonly sessionId = String(Math.floor(Math.random() * 1e12));
  private version = 0;
  private readonly port: number;

  constructor(
    readonly session: Session | undefined,
    private readonly options: { rtpPort?: number; acceptDtmf?: boolean } = {},
  ) {
    this.port = options.rtpPort ?? (nextPort += 2);
    if (nextPort > 60_000) nextPort = 40_000;
  }

  async getDescription(options?: SessionDescriptionHandlerOptions): Promise<BodyAndContentType> {
    if (this.closed) throw new Error('StaticSdpHandler closed');
    const hold = (options as StaticSdpOptions | undefined)?.hold === true;
    const answering = this.remoteOfferPending;
    const remote = this.remoteDescriptions.at(-1) ?? '';
    let direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' = hold ? 'sendonly' : 'sendrecv';
    if (answering && /^a=sendonly/m.test(remote)) direction = hold ? 'inactive' : 'recvonly';
    else if (answering && /^a=inactive/m.test(remote)) direction = 'inactive';
    else if (answering && /^a=recvonly/m.test(remote)) direction = hold ? 'inactive' : 'sendonly';
    const body = staticAudioSdp({
      sessionId: this.sessionId,
      version: this.version++,
      port: this.port,
      direction,
    });
    this.localDescriptions.push(body);
    this.remoteOfferPending = false;
    this.localOfferPending = !answering;
    return { body, contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.closed) throw new Error('StaticSdpHandler closed');
    if (!/^v=0/m.test(sdp) || !/^m=audio /m.test(sdp)) {
      throw new Error('StaticSdpHandler: not an audio SDP');
    }
    this.remoteDescriptions.push(sdp);
    // a description arriving while we had an offer out is the answer; otherwise it is an offer
    this.remoteOfferPending = !this.localOfferPending;
    this.localOfferPending = false;
  }

  async rollbackDescription(): Promise<void> {
    this.localOfferPending = false;
  }

  sendDtmf(tones: string): boolean {
    if (this.options.acceptDtmf === false) return false;
    this.dtmfSent.push(tones);
    return true;
  }

  close(): void {
    this.closed = true;
  }

  private localOfferPending = false;
  private remoteOfferPending = false;
}

/**
 * Factory for UserAgentOptions.sessionDescriptionHandlerFactory. `created` receives every
 * handler made (also reachable as session.sessionDescriptionHandler).
 */
export function staticSdpHandlerFactory(opts: { acceptDtmf?: boolean; created?: (h: StaticSdpHandler) => void } = {}): SessionDescriptionHandlerFactory {
  return (session: Session) => {
    const handler = new StaticSdpHandler(session, { acceptDtmf: opts.acceptDtmf });
    opts.created?.(handler);
    return handler;
  };
}
