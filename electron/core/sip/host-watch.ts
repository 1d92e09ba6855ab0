/**
 * What happens to the computer under the phone, seen from plain Node so that browser mode and
 * headless runs get it too (the desktop shell adds Electron's own resume event on top): a wake
 * from sleep shows as a timer that fired far too late, a network change as a different set of
 * interface addresses.
 */
import { networkInterfaces } from 'node:os';

export type HostEvent = 'wake' | 'network';

export interface HostWatchOptions {
  onEvent(event: HostEvent): void;
  /** How often to look (default 2 s). */
  tickMs?: number;
  /** A tick this much later than due means the machine was asleep (default 10 s). */
  sleepGapMs?: number;
  /** Injected for tests. */
  now?: () => number;
  addresses?: () => string;
}

/** The machine's external addresses, as one comparable string. */
function addressFingerprint(): string {
  try {
    return Object.entries(networkInterfaces())
      .flatMap(([name, list]) => (list ?? []).filter((a) => !a.internal).map((a) => `${name}/${a.address}`))
      .sort()
      .join(',');
  } catch {
    // Some sandboxes refuse the interface list: then only wakes are seen.
    return '';
  }
}

/** Starts watching; returns the stopper. */
export function watchHost(options: HostWatchOptions): () => void {
  const tickMs = options.tickMs ?? 2000;
  const sleepGapMs = options.sleepGapMs ?? 10_000;
  const now = options.now ?? Date.now;
  const addresses = options.addresses ?? addressFingerprint;
  let last = now();
  let seen = addresses();
  const timer = setInterval(() => {
    const t = now();
    const late = t - last - tickMs;
    last = t;
    const current = addresses();
    if (late >= sleepGapMs) options.onEvent('wake');
    else if (current !== seen) options.onEvent('network');
    seen = current;
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
