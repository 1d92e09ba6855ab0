/** What a transport (Electron's ipcMain, the browser-mode WebSocket) needs of the core. */
import type { Result } from '../../../shared/result.js';
import type { PeerSink } from './event-hub.js';

/** One renderer's connection to the core. */
export interface CoreConnection {
  /** Validates and runs one request; never throws. */
  handle(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  close(): void;
}

/** Where a transport attaches renderers: each gets its own connection and the events. */
export interface RendererHost {
  connect(sink: PeerSink): CoreConnection;
}

/**
 * A renderer's connection: requests go to the router as this peer, events come from the hub;
 * closing it releases what the peer held (an unfinished upload) at once, not at its idle timeout.
 */
export function connectPeer(
  hub: { add(sink: PeerSink): number; remove(peer: number): void },
  router: { handle(channel: unknown, payload: unknown, peer: number): Promise<Result<unknown>> },
  sink: PeerSink,
  onClose: (peer: number) => void,
): CoreConnection {
  const peer = hub.add(sink);
  return {
    handle: (channel, payload) => router.handle(channel, payload, peer),
    close: () => {
      hub.remove(peer);
      onClose(peer);
    },
  };
}
