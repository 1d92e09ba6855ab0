/**
 * Main's side of the media protocol: sends `media:request` events to the renderer that owns
 * media (the one that said `app:ready` with media: true) and matches `media:respond` replies.
 * Requests made while no media renderer is ready wait for one (bounded by the timeout), so an
 * incoming call answered during a renderer reload still gets its media.
 */
import type { MediaOp, MediaReplies, MediaRequest } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';

export interface MediaChannel {
  /** Delivers a request to the media renderer (the event hub queues it until one is ready). */
  send(request: MediaRequest): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  sessionId: string;
}

export class MediaBridge {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly channel: MediaChannel,
    private readonly timeoutMs = 15_000,
  ) {}

  request<O extends MediaOp['op']>(sessionId: string, op: Extract<MediaOp, { op: O }>): Promise<MediaReplies[O]> {
    const requestId = `m${++this.seq}`;
    return new Promise<MediaReplies[O]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RingsideError('media-failed', `The media engine did not answer ${op.op} in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer, sessionId });
      this.channel.send({ ...op, requestId, sessionId } as MediaRequest);
    });
  }

  /** A reply from the renderer. Unknown ids (late or forged) are ignored and reported. */
  respond(reply: { requestId: string; ok: true; value: Record<string, unknown> } | { requestId: string; ok: false; message: string }): boolean {
    const p = this.pending.get(reply.requestId);
    if (!p) return false;
    this.pending.delete(reply.requestId);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new RingsideError('media-failed', reply.message));
    return true;
  }

  /** Fails every request of a session (e.g. the call ended) or all of them. */
  failAll(message: string, sessionId?: string): void {
    for (const [id, p] of this.pending) {
      if (sessionId && p.sessionId !== sessionId) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new RingsideError('media-failed', message));
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
