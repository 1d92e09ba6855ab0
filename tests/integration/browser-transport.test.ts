/**
 * The browser-mode transport: only loopback, only with the per-launch token and our own Origin;
 * malformed frames are answered with errors or ignored, never crash the core; static files
 * cannot escape the renderer folder.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryAccountStore } from '../../electron/core/sip/account-store.js';
import { startBrowserServer, type BrowserServer } from '../../electron/core/ipc/browser-server.js';
import { tempStore } from '../support/temp-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';

let core: Core;
let server: BrowserServer;
let origin: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-renderer-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Ringside</title>');
  await writeFile(path.join(os.tmpdir(), 'ringside-secret.txt'), 'secret');
  core = createCore({ ...tempStore(), accounts: new MemoryAccountStore(), log: { info: () => {}, warn: () => {} } });
  await core.start();
  server = await startBrowserServer(core, { rendererDir: dir });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await core?.stop();
});

function open(query: string, headers: Record<string, string> = { Origin: origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ipc${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function ask(ws: WebSocket, frame: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const f = JSON.parse(String(data)) as { kind: string; result: unknown };
      if (f.kind === 'response') {
        ws.off('message', onMessage);
        resolve(f.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('browser transport', () => {
  it('listens on loopback and prints a URL that carries the token in the fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
  });

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    await expect(open('')).rejects.toThrow(/403/);
    await expect(open('?token=wrong')).rejects.toThrow(/403/);
    await expect(open(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(open(`?token=${server.token}`, {})).rejects.toThrow(/403/);
  });

  it('answers a valid request, and survives garbage', async () => {
    const ws = await open(`?token=${server.token}`);
    ws.send('not json');
    ws.send(JSON.stringify({ kind: 'request', id: 'x', channel: 'call:dial' }));
    ws.send(Buffer.from([0, 1, 2]));
    expect(await ask(ws, { kind: 'request', id: 1, channel: 'call:dial', payload: { target: 123 } })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await ask(ws, { kind: 'request', id: 2, channel: 'sip:register', payload: {} })).toMatchObject({ ok: false, code: 'not-configured' });
    expect(await ask(ws, { kind: 'request', id: 3, channel: 'app:ready', payload: { media: true } })).toMatchObject({
      ok: true,
      value: { account: null, calls: [] },
    });
    ws.close();
  });

  it('serves the renderer but nothing outside it', async () => {
    const ok = await fetch(`${origin}/`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/html');
    for (const p of ['/../ringside-secret.txt', '/%2e%2e/ringside-secret.txt', '/..%2fringside-secret.txt', '/%00']) {
      const res = await fetch(`${origin}${p}`);
      expect(res.status, p).toBe(404);
    }
  });
});
