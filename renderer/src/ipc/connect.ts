/**
 * Gives the renderer its RingsideApi. In Electron the preload exposes `window.ringside`; in
 * browser mode we speak the same contract over the loopback WebSocket, authenticated by the
 * per-launch token that main printed in the URL fragment.
 */
import { createRingsideApi, type EventChannel, type Invoke, type RingsideApi, type Subscribe, type WireFrame } from '../../../shared/contract';
import { fail, type Result } from '../../../shared/result';

declare global {
  interface Window {
    ringside?: RingsideApi;
  }
}

export async function connectRingside(): Promise<RingsideApi> {
  if (window.ringside) return window.ringside;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (!token) throw new Error('Open Ringside from the address printed by "npm run start:browser" (it carries the access token).');
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ipc?token=${encodeURIComponent(token)}`;
  return connectWebSocket(url);
}

export function connectWebSocket(url: string): Promise<RingsideApi> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let seq = 0;
    let open = false;
    const pending = new Map<number, (r: Result<unknown>) => void>();
    const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

    const invoke: Invoke = (channel, payload) =>
      new Promise((done) => {
        if (ws.readyState !== WebSocket.OPEN) {
          done(fail('internal', 'Not connected to Ringside (the core stopped?). Reload the page.'));
          return;
        }
        const id = ++seq;
        pending.set(id, done as (r: Result<unknown>) => void);
        ws.send(JSON.stringify({ kind: 'request', id, channel, payload } satisfies WireFrame));
      });

    const subscribe: Subscribe = (channel, listener) => {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    };

    ws.onopen = () => {
      open = true;
      resolve(createRingsideApi(invoke, subscribe));
    };
    ws.onerror = () => {
      if (!open) reject(new Error('Cannot connect to the Ringside core (wrong or expired token?).'));
    };
    ws.onclose = () => {
      for (const done of pending.values()) done(fail('internal', 'The connection to the Ringside core closed.'));
      pending.clear();
    };
    ws.onmessage = (message) => {
      let frame: WireFrame;
      try {
        frame = JSON.parse(String(message.data)) as WireFrame;
      } catch {
        return;
      }
      if (frame.kind === 'response') {
        const done = pending.get(frame.id);
        pending.delete(frame.id);
        done?.(frame.result);
      } else if (frame.kind === 'event') {
        for (const l of listeners.get(frame.channel) ?? []) {
          try {
            l(frame.payload);
          } catch (error) {
            console.error('[ringside] event listener failed', error);
          }
        }
      }
    };
  });
}
