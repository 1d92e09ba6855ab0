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
