/**
 * The browser-mode server against a hostile local client: request lines no URL parser reads
 * (sent on a raw TCP socket, before any token), oversized frames and request floods on a real
 * WebSocket. The core answers each with a refusal and keeps serving everyone else.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { startBrowserServer, type BrowserServer } from '../../electron/core/ipc/browser-server.js';
import { MemoryAccountStore } from '../../electron/core/sip/account-store.js';
import { importChunkMaxChars, wireFrameMaxBytes } from '../../shared/import.js';
import { tempStore } from '../support/temp-store.js';

let core: Core;
let server: BrowserServer;
/** The same core behind a small budget, so a flood is quick to make. */
let tight: BrowserServer;
const RATE = { perSecond: 20, burst: 30 };

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-renderer-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Ringside</title>');
  core = createCore({ ...tempStore(), accounts: new MemoryAccountStore(), log: { info: () => {}, warn: () => {} } });
  await core.start();
  server = await startBrowserServer(core, { rendererDir: dir });
  tight = await startBrowserServer(core, { rendererDir: dir, rate: RATE });
});
afterAll(async () => {
  await tight?.close();
  await server?.close();
  await core?.stop();
});

/** Writes `request` on a fresh TCP connection and resolves with everything the server sent before closing (or 2 s). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, 2000);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (got) resolve(got);
      else reject(e);
    });
  });
}

const upgrade = (target: string, port: number) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

function open(s: BrowserServer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ipc?token=${s.token}`, { headers: { Origin: `http://127.0.0.1:${s.port}` } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

type Answer = { ok: boolean; code?: string; message?: string };

/** Sends every frame at once and collects the answer to each (by id). */
function askAll(ws: WebSocket, frames: Array<{ id: number; channel: string; payload: unknown }>, timeoutMs = 10_000): Promise<Map<number, Answer>> {
  return new Promise((resolve, reject) => {
    const answers = new Map<number, Answer>();
    const timer = setTimeout(() => reject(new Error(`${answers.size} of ${frames.length} answered`)), timeoutMs);
    const onMessage = (data: WebSocket.RawData): void => {
      const f = JSON.parse(String(data)) as { kind: string; id: number; result: Answer };
      if (f.kind !== 'response') return;
      answers.set(f.id, f.result);
      if (answers.size === frames.length) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(answers);
      }
    };
    ws.on('message', onMessage);
    for (const f of frames) ws.send(JSON.stringify({ kind: 'request', ...f }));
  });
}

const ready = (id: number) => ({ id, channel: 'app:ready', payload: { media: true } });

async function stillServes(s: BrowserServer = server): Promise<void> {
  const ws = await open(s);
  const answers = await askAll(ws, [ready(1)]);
  expect(answers.get(1)).toMatchObject({ ok: true });
  ws.close();
}

describe('browser mode: request lines that no URL parser reads', () => {
  it('an upgrade to //[ (no token) is answered 400 and the core keeps serving', async () => {
    for (const target of ['//[', '//[/ipc?token=x', 'http://[', '//a:b@[::', '*']) {
      const reply = await raw(server.port, upgrade(target, server.port));
      expect(reply, target).toMatch(/^HTTP\/1\.1 (400|403) /);
      if (target.includes('[')) expect(reply, target).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    }
    // An over-long target is refused too.
    expect(await raw(server.port, upgrade(`/ipc?token=${'x'.repeat(9000)}`, server.port))).toMatch(/^HTTP\/1\.1 (400|431) /);
    await stillServes();
  });

  it('a plain HTTP request to //[ is 400, a non-GET is 405, and static files still come', async () => {
    expect(await raw(server.port, `GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(server.port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 405 /);
    expect(await raw(server.port, `GET /%E0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 404 /);
    // A client that hangs up in the middle of its upgrade request.
    const half = net.connect(server.port, '127.0.0.1', () => {
      half.write('GET //[ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
      half.destroy();
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(200);
    await stillServes();
  });
});

describe('browser mode: size and rate limits per connection', () => {
  it('a frame over the size cap closes that connection (1009); an import-sized frame is answered', async () => {
    const ws = await open(server);
    const big = JSON.stringify({ kind: 'request', id: 1, channel: 'import:chunk', payload: { importId: 'x', seq: 0, data: 'A'.repeat(importChunkMaxChars) } });
    expect(big.length).toBeLessThan(wireFrameMaxBytes);
    const answered = await new Promise<Answer>((resolve) => {
      ws.once('message', (d) => resolve((JSON.parse(String(d)) as { result: Answer }).result));
      ws.send(big);
    });
    expect(answered.ok).toBe(false);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(wireFrameMaxBytes + 1));
    expect(await closed).toBe(1009);
    await stillServes();
  });

  it('a flood gets `rate-limited` answers without running them; the budget refills; other windows are not affected', async () => {
    const ws = await open(tight);
    const frames = Array.from({ length: 300 }, (_, i) => ready(i + 1));
    const answers = await askAll(ws, frames);
    const limited = [...answers.values()].filter((a) => a.code === 'rate-limited');
    const served = [...answers.values()].filter((a) => a.ok);
    expect(served.length).toBeGreaterThanOrEqual(RATE.burst);
    expect(served.length).toBeLessThan(RATE.burst + 20);
    expect(limited.length).toBe(300 - served.length);
    expect(limited[0]).toEqual({
      ok: false,
      code: 'rate-limited',
      message: 'Too many requests from this window (more than 20 a second): this one was not run. Try again in a moment.',
    });
    // Another window on the same server has its own budget.
    await stillServes(tight);
    // A moment later this one may ask again.
    await new Promise((r) => setTimeout(r, 300));
    expect((await askAll(ws, [ready(1000)])).get(1000)).toMatchObject({ ok: true });
    ws.close();
  });

  it('a window that keeps flooding past the refusals is cut off (1008); the core serves the next one', async () => {
    const ws = await open(tight);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 2000; i++) ws.send(JSON.stringify({ kind: 'request', ...ready(i + 1) }));
    expect(await closed).toBe(1008);
    await stillServes(tight);
  });
});
