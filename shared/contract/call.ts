/** Calls, and the media requests main makes of the renderer's media engine for them. */
import { z } from 'zod';
import type { IceTransportPolicy } from '../account.js';
import type { CallSessionView } from '../call-session.js';
import type { MonitorMode } from '../supervision.js';
import { id } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

/**
 * What an offer or answer is made with: the STUN/TURN servers (time-limited TURN credentials
 * already made by main; a shared secret never comes here), which candidates may be used
 * ('relay': only TURN-relayed ones, and no SDP without one), and the bound on ICE gathering.
 */
interface IceRequest {
  iceServers: RTCIceServerLike[];
  iceTransportPolicy: IceTransportPolicy;
  iceTimeoutMs: number;
}

/** Media operations main asks of the renderer's media engine (one RTCPeerConnection per call). */
export type MediaOp =
  /** `iceRestart`: new ICE credentials in the offer, for audio to find a path again after the network changed. */
  | ({ op: 'get-description'; hold: boolean; iceRestart?: boolean } & IceRequest)
  | ({ op: 'set-description'; sdp: string; hold: boolean } & IceRequest)
  | { op: 'send-dtmf'; tones: string; durationMs: number; gapMs: number }
  | { op: 'set-mute'; muted: boolean }
  /** Undo an offer the far end rejected (e.g. a hold re-INVITE answered 491). */
  | { op: 'rollback' }
  /**
   * Agent side of a monitoring call (this session): mix with the customer call `target` —
   * the supervisor gets agent + customer; the agent hears the supervisor in whisper/barge; the
   * customer hears the supervisor only in barge. Sent again on every mode change.
   */
  | { op: 'monitor-mix'; target: string; mode: MonitorMode }
  | { op: 'close' };

export interface RTCIceServerLike {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What the media engine answers per op. */
export interface MediaReplies {
  'get-description': { sdp: string; dtmfInBand: boolean; direction: string | null };
  /** For a remote offer the engine answers at once (`answer`), saving sip.js's next round trip. */
  'set-description': { dtmfInBand: boolean; direction: string | null; answer: string | null };
  'send-dtmf': { sent: boolean };
  'set-mute': { muted: boolean };
  rollback: Record<string, never>;
  'monitor-mix': { mode: MonitorMode };
  close: Record<string, never>;
}

export type MediaRequest = MediaOp & { requestId: string; sessionId: string };

export const mediaRespondSchema = z.discriminatedUnion('ok', [
  z.object({ requestId: id, ok: z.literal(true), value: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ requestId: id, ok: z.literal(false), message: z.string().max(1000) }).strict(),
]);

const call = request<CallSessionView>();

export const callRequests = {
  'call:dial': call(z.object({ target: z.string().max(512) }).strict()),
  'call:accept': call(z.object({ id }).strict()),
  'call:reject': call(z.object({ id }).strict()),
  'call:hangup': call(z.object({ id }).strict()),
  'call:hold': call(z.object({ id, hold: z.boolean() }).strict()),
  'call:mute': call(z.object({ id, muted: z.boolean() }).strict()),
  'call:dtmf': request<{ via: 'rfc4733' | 'sip-info' }>()(
    z.object({ id, tones: z.string().regex(/^[0-9A-Da-d*#,]{1,64}$/, 'DTMF tones are 0-9, A-D, * and #') }).strict(),
  ),
  'call:transfer': call(z.object({ id, target: z.string().max(512) }).strict()),
  /** Make this call the one we talk on: hold every other active call, unhold this one. */
  'call:switch': call(z.object({ id }).strict()),
  /** Call the other party of an ended call again (through the dial policy, with that call's lead). */
  'call:redial': call(z.object({ id }).strict()),
  /** A tel: or sip: link (clicked in another app, or handed over by the OS): through the dial policy like any dial. */
  'call:dial-link': call(
    z
      .object({
        url: z
          .string()
          .min(4)
          .max(512)
          .regex(/^(tel|sips?):/i, 'only tel: and sip: links'),
      })
      .strict(),
  ),
  'call:dismiss': request<null>()(z.object({ id }).strict()),
  'media:respond': request<null>()(mediaRespondSchema),
} as const;

/** A tel:/sip: link another app handed over, waiting for the agent to look at it and press Call. */
export interface OfferedLink {
  url: string;
  /** What goes into the dial box: the number or SIP address of the link. */
  target: string;
}

export const callEvents = {
  'call:state-changed': event<CallSessionView>(),
  'call:link-offered': event<OfferedLink>(),
  'call:removed': event<{ id: string }>(),
  'media:request': event<MediaRequest>(),
} as const;

export const callApi = (invoke: Invoke, subscribe: Subscribe) => ({
  dial: (target: string) => invoke('call:dial', { target }),
  accept: (id: string) => invoke('call:accept', { id }),
  reject: (id: string) => invoke('call:reject', { id }),
  hangup: (id: string) => invoke('call:hangup', { id }),
  hold: (id: string, hold: boolean) => invoke('call:hold', { id, hold }),
  mute: (id: string, muted: boolean) => invoke('call:mute', { id, muted }),
  dtmf: (id: string, tones: string) => invoke('call:dtmf', { id, tones }),
  transfer: (id: string, target: string) => invoke('call:transfer', { id, target }),
  switchTo: (id: string) => invoke('call:switch', { id }),
  redial: (id: string) => invoke('call:redial', { id }),
  dialLink: (url: string) => invoke('call:dial-link', { url }),
  dismiss: (id: string) => invoke('call:dismiss', { id }),
  onStateChanged: (l: (c: CallSessionView) => void) => subscribe('call:state-changed', l),
  onRemoved: (l: (e: { id: string }) => void) => subscribe('call:removed', l),
  onLinkOffered: (l: (link: OfferedLink) => void) => subscribe('call:link-offered', l),
});

export const mediaApi = (invoke: Invoke, subscribe: Subscribe) => ({
  respond: (reply: z.input<typeof mediaRespondSchema>) => invoke('media:respond', reply),
  onRequest: (l: (r: MediaRequest) => void) => subscribe('media:request', l),
});
