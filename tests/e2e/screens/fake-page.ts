/**
 * The fake `window.ringside` the screenshot scripts install in a page before its scripts run:
 * every request answers from canned data, events are pushed with `window.__emit`.
 */
import type { Snapshot } from '../../../shared/contract';

export interface FakeData {
  snapshot: Snapshot;
  responses: Record<string, unknown>;
}

/** Runs in the page (passed to addInitScript, so it must not use anything from outside): `window.ringside` answering from `data`, events through `window.__emit`. */
export function installFake(data: FakeData): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const w = window as unknown as Record<string, unknown>;
  w.__emit = (key: string, payload: unknown) => listeners.get(key)?.forEach((l) => l(payload));
  w.__calls = [] as Array<[string, unknown[]]>;
  const answer = (key: string, args: unknown[]) => {
    (w.__calls as Array<[string, unknown[]]>).push([key, args]);
    if (key === 'app.ready') return { ok: true, value: data.snapshot };
    if (key === 'board.get') return { ok: true, value: data.snapshot.board };
    if (key === 'compliance.status') return { ok: true, value: data.snapshot.compliance };
    if (key in data.responses) return data.responses[key];
    return { ok: true, value: null };
  };
  const namespace = (ns: string) =>
    new Proxy(
      {},
      {
        get: (_t, method: string) => {
          const key = `${ns}.${method}`;
          if (/^on[A-Z]/.test(method)) {
            return (l: (p: unknown) => void) => {
              if (!listeners.has(key)) listeners.set(key, new Set());
              listeners.get(key)!.add(l);
              return () => listeners.get(key)!.delete(l);
            };
          }
          return (...args: unknown[]) => new Promise((resolve) => setTimeout(() => resolve(answer(key, args)), 5));
        },
      },
    );
  w.ringside = new Proxy({}, { get: (_t, ns: string) => namespace(ns) });
}

export const ok = (value: unknown) => ({ ok: true, value });
