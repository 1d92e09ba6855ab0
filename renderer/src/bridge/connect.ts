/**
 * Gives the renderer its RingsideApi: in Electron the preload exposes `window.ringside`; in
 * browser mode we connect to the core over the loopback WebSocket with the per-launch token.
 * (Being written by the core owner; signature is stable.)
 */
import type { RingsideApi } from '../../../shared/contract';

declare global {
  interface Window {
    ringside?: RingsideApi;
  }
}

export async function connectRingside(): Promise<RingsideApi> {
  if (window.ringside) return window.ringside;
  throw new Error('browser transport not written yet');
}
