// One instance at a time, and quitting only after the core has stopped: on the stand-in app,
// whose quit() emits before-quit and ends only when no listener prevents it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';
import { claimSingleInstance, stopBeforeQuit } from '../../../electron/shell/lifecycle';
import { FakeApp } from './fake-electron';

const asApp = (app: FakeApp) => app as unknown as App;

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('claimSingleInstance', () => {
  it('goes on when this is the only instance', () => {
    const app = new FakeApp();
    expect(claimSingleInstance(asApp(app))).toBe(true);
    expect(app.quitAsked).toBe(0);
  });

  it('quits when another instance holds the lock', () => {
    const app = new FakeApp();
    app.singleInstance = false;
    expect(claimSingleInstance(asApp(app))).toBe(false);
    expect(app.quitAsked).toBe(1);
    expect(app.quitted).toBe(true);
  });
});

describe('stopBeforeQuit', () => {
  it('holds the quit back until the core has stopped, then quits', async () => {
    const app = new FakeApp();
    const stopping = deferred();
    const stop = vi.fn(() => stopping.promise);
    stopBeforeQuit(asApp(app), { stop, log: () => undefined });

    app.quit();
    expect(app.quitted).toBe(false);
    await vi.waitFor(() => expect(stop).toHaveBeenCalledTimes(1));
    // Asking again while stopping waits for the same stop.
    app.quit();
    expect(app.quitted).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quitted).toBe(false);

    stopping.resolve();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quitAsked).toBe(3);
  });

  it('quits even when stopping fails, and says so', async () => {
    const app = new FakeApp();
    const log = vi.fn();
    stopBeforeQuit(asApp(app), { stop: () => Promise.reject(new Error('socket already closed')), log });
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(log).toHaveBeenCalledWith('stopping the core failed; quitting anyway', expect.objectContaining({ message: 'socket already closed' }));
  });

  it('quits when stop throws at once', async () => {
    const app = new FakeApp();
    stopBeforeQuit(asApp(app), {
      stop: () => {
        throw new Error('boom');
      },
      log: () => undefined,
    });
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
  });

  it('quits after the time limit when the core never finishes stopping', async () => {
    vi.useFakeTimers();
    const app = new FakeApp();
    const log = vi.fn();
    stopBeforeQuit(asApp(app), { stop: () => new Promise<void>(() => undefined), timeoutMs: 3000, log });
    app.quit();
    await vi.advanceTimersByTimeAsync(2999);
    expect(app.quitted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(app.quitted).toBe(true);
    expect(log).toHaveBeenCalledWith('the core did not stop within 3000 ms; quitting anyway');
  });
});
