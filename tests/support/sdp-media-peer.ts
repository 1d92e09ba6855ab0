/**
 * A renderer stand-in for Node-only signalling tests of the core: it connects to the core like a
 * window does, says it owns media, and answers media requests with a fixed audio SDP (no RTP).
 * Real WebRTC media is exercised by the Chromium end-to-end tests.
 */
import type { EventChannel, EventPayloads, MediaRequest, RequestChannel, RequestPayload, RequestResults } from '../../shared/contract.js';
import type { CallSessionView } from '../../shared/call-session.js';
import type { Result } from '../../shared/result.js';
import type { Core, CoreConnection } from '../../electron/core/app/create-core.js';
import { staticAudioSdp } from './static-sdp-handler.js';

export interface TestPeer {
  request<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<Result<RequestResults[C]>>;
  raw(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  /** `at`: when the event arrived (epoch ms). */
  events: Array<{ channel: EventChannel; payload: unknown; at: number }>;
  /** Resolves with the first call view (now or later) matching the predicate. */
  waitForCall(pred: (c: CallSessionView) => boolean, timeoutMs?: number): Promise<CallSessionView>;
  /** `from`: only events at or after this index of `events`. */
  waitFor<E extends EventChannel>(channel: E, pred: (p: EventPayloads[E]) => boolean, timeoutMs?: number, from?: number): Promise<EventPayloads[E]>;
  mediaOps: MediaRequest[];
  close(): void;
}

export function connectSdpPeer(core: Core, opts: { media?: boolean; dtmfInBand?: boolean } = {}): TestPeer {
  const events: TestPeer['events'] = [];
  const mediaOps: MediaRequest[] = [];
  const waiters = new Set<() => void>();
  let version = 0;
  const sink = {
    send<E extends EventChannel>(channel: E, payload: EventPayloads[E]) {
      events.push({ channel, payload, at: Date.now() });
      if (channel === 'media:request') void answerMedia(payload as MediaRequest);
      for (const w of [...waiters]) w();
    },
  };
  const connection: CoreConnection = core.connect(sink);

  async function answerMedia(r: MediaRequest): Promise<void> {
    mediaOps.push(r);
    let value: Record<string, unknown> = {};
    if (r.op === 'get-description') {
      value = {
        sdp: staticAudioSdp({ sessionId: '4242', version: version++, port: 41000, direction: r.hold ? 'inactive' : 'sendrecv' }),
        dtmfInBand: opts.dtmfInBand ?? false,
        direction: r.hold ? 'inactive' : 'sendrecv',
      };
    } else if (r.op === 'set-description') {
      const dir = /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(r.sdp)?.[1] ?? 'sendrecv';
      const mine = r.hold ? 'inactive' : dir === 'sendonly' ? 'recvonly' : dir === 'recvonly' ? 'sendonly' : dir;
      value = { dtmfInBand: opts.dtmfInBand ?? false, direction: mine, answer: null };
    } else if (r.op === 'set-mute') value = { muted: r.muted };
    else if (r.op === 'send-dtmf') value = { sent: false };
    await connection.handle('media:respond', { requestId: r.requestId, ok: true, value });
  }

  function waitFor<E extends EventChannel>(channel: E, pred: (p: EventPayloads[E]) => boolean, timeoutMs = 10_000, from = 0): Promise<EventPayloads[E]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = events.slice(from).find((e) => e.channel === channel && pred(e.payload as EventPayloads[E]));
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit.payload as EventPayloads[E]);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${channel}; saw ${JSON.stringify(events.filter((e) => e.channel === channel).slice(-3))}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  return {
    request: (channel, payload) => connection.handle(channel, payload) as never,
    raw: (channel, payload) => connection.handle(channel, payload),
    events,
    mediaOps,
    waitFor,
    waitForCall: (pred, timeoutMs) => waitFor('call:state-changed', pred, timeoutMs),
    close: () => connection.close(),
  };
}
