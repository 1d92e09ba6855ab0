/** The link watch and the host watch, with a scripted socket and clock. */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchHost, type HostEvent } from '../../../electron/core/sip/host-watch';
import { LinkWatch } from '../../../electron/core/sip/link-watch';

class FakeSocket extends EventEmitter {
  readyState = 1;
  pings = 0;
  terminated = false;
  answers = true;
  ping(): void {
    this.pings += 1;
    if (this.answers) setTimeout(() => this.emit('pong'), 5);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

const log = { info: () => {}, warn: () => {} };

afterEach(() => {
  vi.useRealTimers();
});

describe('LinkWatch', () => {
  it('a socket that answers stays; one that stops answering is terminated within interval + timeout', async () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    const watch = new LinkWatch({ intervalMs: 1000, timeoutMs: 500, log });
    expect(watch.watch(socket)).toBe(true);
    await vi.advanceTimersByTimeAsync(3100);
    expect(socket.pings).toBe(3);
    expect(socket.terminated).toBe(false);
    socket.answers = false;
    await vi.advanceTimersByTimeAsync(1000 + 500);
    expect(socket.terminated).toBe(true);
    watch.stop();
  });

  it('a probe resolves true on a pong and false (terminating) without one', async () => {
    const socket = new FakeSocket();
    const watch = new LinkWatch({ intervalMs: 0, timeoutMs: 200, log });
    watch.watch(socket);
    await expect(watch.probe()).resolves.toBe(true);
    socket.answers = false;
    await expect(watch.probe(50)).resolves.toBe(false);
    expect(socket.terminated).toBe(true);
    // Nothing left to ping.
    await expect(watch.probe()).resolves.toBe(false);
  });

  it('a transport without pings is reported, not watched', () => {
    const warnings: string[] = [];
    const watch = new LinkWatch({ intervalMs: 1000, timeoutMs: 500, log: { info: () => {}, warn: (m) => warnings.push(m) } });
    expect(watch.watch({ send: () => {} })).toBe(false);
    expect(watch.watch(undefined)).toBe(false);
    expect(warnings[0]).toMatch(/cannot send WebSocket pings/);
  });
});

describe('watchHost', () => {
  it('tells a wake (a tick far too late) and a network change (different addresses)', async () => {
    vi.useFakeTimers();
    let t = 0;
    let addresses = 'eth0/192.0.2.10';
    const seen: HostEvent[] = [];
    const stop = watchHost({ onEvent: (e) => seen.push(e), tickMs: 1000, sleepGapMs: 5000, now: () => t, addresses: () => addresses });
    for (let i = 0; i < 3; i++) {
      t += 1000;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(seen).toEqual([]);
    // The machine slept for a minute: the next tick runs 60 s late.
    t += 61_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['wake']);
    addresses = 'wlan0/198.51.100.7';
    t += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['wake', 'network']);
    t += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['wake', 'network']);
    stop();
  });
});
