/**
 * The one IPC contract between the main process and renderers. Every request channel maps to a
 * zod schema for its payload (validated in main, whatever the transport) and a result type;
 * every event channel maps to its payload type. Channels are `domain:verb` / `domain:event`.
 */
import { z } from 'zod';
import { accountSchema, type AccountView } from './account.js';
import type { CallSessionView } from './call-session.js';
import type { RegistrationView } from './registration-state.js';
import type { Result } from './result.js';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const empty = z.object({}).strict();

/** Media operations main asks of the renderer's media engine (one RTCPeerConnection per call). */
export type MediaOp =
  | { op: 'get-description'; hold: boolean; iceServers: RTCIceServerLike[]; iceTimeoutMs: number }
  | { op: 'set-description'; sdp: string; hold: boolean; iceServers: RTCIceServerLike[]; iceTimeoutMs: number }
  | { op: 'send-dtmf'; tones: string; durationMs: number; gapMs: number }
  | { op: 'set-mute'; muted: boolean }
  /** Undo an offer the far end rejected (e.g. a hold re-INVITE answered 491). */
  | { op: 'rollback' }
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
  close: Record<string, never>;
}

export type MediaRequest = MediaOp & { requestId: string; sessionId: string };

export const mediaRespondSchema = z.discriminatedUnion('ok', [
  z.object({ requestId: id, ok: z.literal(true), value: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ requestId: id, ok: z.literal(false), message: z.string().max(1000) }).strict(),
]);

/** Everything a renderer needs to draw itself after (re)loading. */
export interface Snapshot {
  registration: RegistrationView;
  account: AccountView | null;
  calls: CallSessionView[];
}

export const requestSchemas = {
  /** The renderer is listening: main flushes queued events, then answers with a snapshot. */
  'app:ready': z.object({ media: z.boolean() }).strict(),
  'account:get': empty,
  'account:save': accountSchema.strict(),
  'sip:register': empty,
  'sip:unregister': empty,
  'call:dial': z.object({ target: z.string().max(512) }).strict(),
  'call:accept': z.object({ id }).strict(),
  'call:reject': z.object({ id }).strict(),
  'call:hangup': z.object({ id }).strict(),
  'call:hold': z.object({ id, hold: z.boolean() }).strict(),
  'call:mute': z.object({ id, muted: z.boolean() }).strict(),
  'call:dtmf': z.object({ id, tones: z.string().regex(/^[0-9A-Da-d*#,]{1,64}$/, 'DTMF tones are 0-9, A-D, * and #') }).strict(),
  'call:transfer': z.object({ id, target: z.string().max(512) }).strict(),
  /** Make this call the one we talk on: hold every other active call, unhold this one. */
  'call:switch': z.object({ id }).strict(),
  'call:dismiss': z.object({ id }).strict(),
  'media:respond': mediaRespondSchema,
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type RequestPayload<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]>;

export interface RequestResults {
  'app:ready': Snapshot;
  'account:get': AccountView | null;
  'account:save': AccountView;
  'sip:register': RegistrationView;
  'sip:unregister': RegistrationView;
  'call:dial': CallSessionView;
  'call:accept': CallSessionView;
  'call:reject': CallSessionView;
  'call:hangup': CallSessionView;
  'call:hold': CallSessionView;
  'call:mute': CallSessionView;
  'call:dtmf': { via: 'rfc4733' | 'sip-info' };
  'call:transfer': CallSessionView;
  'call:switch': CallSessionView;
  'call:dismiss': null;
  'media:respond': null;
}

export interface EventPayloads {
  'registration:changed': RegistrationView;
  'call:state-changed': CallSessionView;
  'call:removed': { id: string };
  'account:changed': AccountView | null;
  'media:request': MediaRequest;
}
export type EventChannel = keyof EventPayloads;
export const eventChannels: readonly EventChannel[] = ['registration:changed', 'call:state-changed', 'call:removed', 'account:changed', 'media:request'];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, channel);
}

/** Transport-neutral calls; both the preload and the browser bridge build the API from these. */
export type Invoke = <C extends RequestChannel>(channel: C, payload: RequestPayload<C>) => Promise<Result<RequestResults[C]>>;
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => () => void;

/** The grouped, typed API a renderer sees as `window.ringside` (never raw IPC). */
export interface RingsideApi {
  app: { ready(media: boolean): Promise<Result<Snapshot>> };
  account: {
    get(): Promise<Result<AccountView | null>>;
    save(account: z.input<typeof accountSchema>): Promise<Result<AccountView>>;
    onChanged(listener: (a: AccountView | null) => void): () => void;
  };
  sip: {
    register(): Promise<Result<RegistrationView>>;
    unregister(): Promise<Result<RegistrationView>>;
    onRegistrationChanged(listener: (r: RegistrationView) => void): () => void;
  };
  call: {
    dial(target: string): Promise<Result<CallSessionView>>;
    accept(id: string): Promise<Result<CallSessionView>>;
    reject(id: string): Promise<Result<CallSessionView>>;
    hangup(id: string): Promise<Result<CallSessionView>>;
    hold(id: string, hold: boolean): Promise<Result<CallSessionView>>;
    mute(id: string, muted: boolean): Promise<Result<CallSessionView>>;
    dtmf(id: string, tones: string): Promise<Result<{ via: 'rfc4733' | 'sip-info' }>>;
    transfer(id: string, target: string): Promise<Result<CallSessionView>>;
    switchTo(id: string): Promise<Result<CallSessionView>>;
    dismiss(id: string): Promise<Result<null>>;
    onStateChanged(listener: (c: CallSessionView) => void): () => void;
    onRemoved(listener: (e: { id: string }) => void): () => void;
  };
  media: {
    respond(reply: z.input<typeof mediaRespondSchema>): Promise<Result<null>>;
    onRequest(listener: (r: MediaRequest) => void): () => void;
  };
}

/** Builds the named API over any transport. */
export function createRingsideApi(invoke: Invoke, subscribe: Subscribe): RingsideApi {
  return {
    app: { ready: (media) => invoke('app:ready', { media }) },
    account: {
      get: () => invoke('account:get', {}),
      save: (account) => invoke('account:save', account),
      onChanged: (l) => subscribe('account:changed', l),
    },
    sip: {
      register: () => invoke('sip:register', {}),
      unregister: () => invoke('sip:unregister', {}),
      onRegistrationChanged: (l) => subscribe('registration:changed', l),
    },
    call: {
      dial: (target) => invoke('call:dial', { target }),
      accept: (id) => invoke('call:accept', { id }),
      reject: (id) => invoke('call:reject', { id }),
      hangup: (id) => invoke('call:hangup', { id }),
      hold: (id, hold) => invoke('call:hold', { id, hold }),
      mute: (id, muted) => invoke('call:mute', { id, muted }),
      dtmf: (id, tones) => invoke('call:dtmf', { id, tones }),
      transfer: (id, target) => invoke('call:transfer', { id, target }),
      switchTo: (id) => invoke('call:switch', { id }),
      dismiss: (id) => invoke('call:dismiss', { id }),
      onStateChanged: (l) => subscribe('call:state-changed', l),
      onRemoved: (l) => subscribe('call:removed', l),
    },
    media: {
      respond: (reply) => invoke('media:respond', reply),
      onRequest: (l) => subscribe('media:request', l),
    },
  };
}

/** Browser transport frames (loopback WebSocket), same contract. */
export type WireFrame =
  | { kind: 'request'; id: number; channel: string; payload: unknown }
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; channel: EventChannel; payload: unknown };
