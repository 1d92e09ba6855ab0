// What the page tells the core of the computer's network: the OS's online/offline events, and a
// wake from sleep seen as a timer that fired far too late.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchNetwork } from '../../../renderer/src/ipc/network-watch';
import { ok } from '../../../shared/result';

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

function rig() {
  const checkLink = vi.fn((_why: 'online' | 'offline' | 'wake') => Promise.resolve(ok(null)));
  const win = new EventTarget();
  const stop = watchNetwork({ sip: { checkLink } as never }, win as unknown as Window, { tickMs: 5000, wakeGapMs: 30_000, now: () => clock });
  const tick = (ms: number): void => {
    clock += ms;
    vi.advanceTimersByTime(5000);
  };
  return { checkLink, win, stop, tick };
}

describe('the network watch in the page', () => {
  it('asks the core to test the link when the OS says the network is back or gone', () => {
    const { checkLink, win } = rig();
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(new Event('offline'));
    expect(checkLink.mock.calls).toEqual([['online'], ['offline']]);
  });

  it('takes a timer that fired 40 s late for a wake, and on-time ticks for nothing', () => {
    const { checkLink, tick } = rig();
    for (let i = 0; i < 12; i++) tick(5000);
    expect(checkLink).not.toHaveBeenCalled();
    // The machine slept: the next tick comes 45 s after the last instead of 5 s.
    tick(45_000);
    expect(checkLink.mock.calls).toEqual([['wake']]);
    tick(5000);
    expect(checkLink).toHaveBeenCalledTimes(1);
  });

  it('a throttled background tick (20 s late) is not a wake', () => {
    const { checkLink, tick } = rig();
    tick(25_000);
    expect(checkLink).not.toHaveBeenCalled();
  });

  it('stops listening when the page goes', () => {
    const { checkLink, win, stop, tick } = rig();
    stop();
    win.dispatchEvent(new Event('online'));
    tick(60_000);
    expect(checkLink).not.toHaveBeenCalled();
  });

  it('a check the core could not make does not throw in the page', async () => {
    const checkLink = vi.fn(() => Promise.reject(new Error('socket closed')));
    const win = new EventTarget();
    watchNetwork({ sip: { checkLink } as never }, win as unknown as Window);
    win.dispatchEvent(new Event('online'));
    await Promise.resolve();
    expect(checkLink).toHaveBeenCalledOnce();
  });
});
