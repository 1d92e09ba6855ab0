/**
 * What the page can tell the core about the computer's network: the OS says it is online or
 * offline again, or the computer woke from sleep. A browser page has no power events, so a wake
 * shows as a timer that fired far later than asked. The core then tests its SIP link at once
 * instead of waiting for the next keep-alive.
 */
import type { RingsideApi } from '../../../shared/contract';

export interface NetworkWatchOptions {
  /** How often the wake check ticks, ms. */
  tickMs?: number;
  /** A tick this much later than due means the machine (or the whole page) was asleep, ms. */
  wakeGapMs?: number;
  now?: () => number;
}

type Why = 'online' | 'offline' | 'wake';

/** Starts watching; returns the function that stops it. */
export function watchNetwork(
  api: Pick<RingsideApi, 'sip'>,
  win: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  options: NetworkWatchOptions = {},
): () => void {
  const tickMs = options.tickMs ?? 5000;
  const wakeGapMs = options.wakeGapMs ?? 30_000;
  const now = options.now ?? Date.now;
  const report = (why: Why): void => {
    // A failed check is the core's to log and to show on the registration badge.
    api.sip.checkLink(why).catch(() => undefined);
  };
  const online = (): void => report('online');
  const offline = (): void => report('offline');
  win.addEventListener('online', online);
  win.addEventListener('offline', offline);
  let last = now();
  const timer = setInterval(() => {
    const at = now();
    if (at - last > tickMs + wakeGapMs) report('wake');
    last = at;
  }, tickMs);
  return () => {
    clearInterval(timer);
    win.removeEventListener('online', online);
    win.removeEventListener('offline', offline);
  };
}
