/**
 * Delivers main's events to renderers. Events wait in a queue until a renderer says it is
 * ready, so nothing (an incoming call, a media request) is lost while a window loads.
 * Media requests go only to the renderer that owns media.
 */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';

export interface PeerSink {
  send<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
}

interface Peer {
  sink: PeerSink;
  ready: boolean;
  media: boolean;
}

type Queued = { channel: EventChannel; payload: unknown };

export class EventHub {
  private readonly peers = new Map<number, Peer>();
  private seq = 0;
  private queue: Queued[] = [];
  /** The peer whose media engine holds the calls' audio (it may have gone since). */
  private lastMediaOwner: number | null = null;
  private mediaQueue: Queued[] = [];

  /**
   * @param onMediaLost told when the page holding the calls' audio is gone (closed, or reloaded
   *   and so started afresh): the calls it carried have no sound any more.
   */
  constructor(
    private readonly onMediaLost: () => void = () => undefined,
    private readonly maxQueue = 2000,
  ) {}

  add(sink: PeerSink): number {
    const id = ++this.seq;
    this.peers.set(id, { sink, ready: false, media: false });
    return id;
  }

  remove(id: number): void {
    const owned = this.mediaOwner() === this.peers.get(id) && id === this.lastMediaOwner;
    this.peers.delete(id);
    if (owned) this.onMediaLost();
  }

  /**
   * The renderer listens now: flush what waited, in order. A page that was the media owner and
   * says it is ready again was reloaded: its calls' audio is gone.
   */
  ready(id: number, media: boolean): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    const reloaded = peer.ready && peer.media;
    peer.ready = true;
    peer.media = media;
    if (media && this.mediaOwner() === peer) {
      if (reloaded) this.onMediaLost();
      this.lastMediaOwner = id;
    }
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) this.deliver(peer, q);
    if (media) {
      const m = this.mediaQueue;
      this.mediaQueue = [];
      for (const q of m) this.deliver(peer, q);
    }
  }

  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    const item: Queued = { channel, payload };
    if (channel === 'media:request') {
      const owner = this.mediaOwner();
      if (owner) this.deliver(owner, item);
      else this.push(this.mediaQueue, item);
      return;
    }
    const ready = [...this.peers.values()].filter((p) => p.ready);
    if (ready.length === 0) this.push(this.queue, item);
    for (const p of ready) this.deliver(p, item);
  }

  private mediaOwner(): Peer | null {
    for (const p of this.peers.values()) if (p.ready && p.media) return p;
    return null;
  }

  private push(queue: Queued[], item: Queued): void {
    queue.push(item);
    if (queue.length > this.maxQueue) queue.shift();
  }

  private deliver(peer: Peer, item: Queued): void {
    peer.sink.send(item.channel, item.payload as never);
  }
}
