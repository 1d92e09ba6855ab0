/**
 * The app's start and end: one instance at a time, and quitting only once the core has stopped
 * (calls hung up, SIP unregistered, the database closed) rather than while it is still doing so.
 */
import type { App } from 'electron';
import { drop } from '../core/lib/drop';

/**
 * True when this is the only Ringside running. Otherwise quits: the running instance receives
 * this one's command line (a tel: link) through its `second-instance` event.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit'>): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.quit();
  return false;
}

export interface StopBeforeQuitOptions {
  /** Stops the core and closes what it used; may reject. */
  stop(): Promise<void>;
  /** After this long the app quits even if stopping has not finished, so it can always be closed. */
  timeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * Holds the first quit back until `stop` settles (or times out), then quits for real. A quit
 * asked for while stopping waits for the same stop; the one after it goes through.
 */
export function stopBeforeQuit(app: Pick<App, 'on' | 'quit'>, { stop, timeoutMs = 5000, log = defaultLog }: StopBeforeQuitOptions): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`the core did not stop within ${timeoutMs} ms; quitting anyway`);
        resolve();
      }, timeoutMs);
    });
    const stopped = Promise.resolve()
      .then(stop)
      .catch((error: unknown) => log('stopping the core failed; quitting anyway', error));
    drop(
      Promise.race([stopped, timeout]).then(() => {
        clearTimeout(timer);
        state = 'stopped';
        app.quit();
      }),
      log,
      'quit',
    );
  });
}

function defaultLog(message: string, error?: unknown): void {
  if (error === undefined) console.warn(`[ringside] ${message}`);
  else console.warn(`[ringside] ${message}`, error);
}
