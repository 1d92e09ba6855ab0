/**
 * A CSV of several MiB uploaded through the real browser-mode transport: the renderer's own
 * WebSocket client and upload code, the core's WebSocket server with its frame cap, the core,
 * the import worker and the SQLite store on disk.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../electron/core/app/create-core.js';
import type { Store } from '../../../electron/core/data/repositories.js';
import { startBrowserServer, type BrowserServer } from '../../../electron/core/ipc/browser-server.js';
import { MemoryAccountStore } from '../../../electron/core/sip/account-store.js';
import { connectWebSocket } from '../../../renderer/src/ipc/connect.js';
import { uploadFile } from '../../../renderer/src/features/import/upload-file.js';
import type { RingsideApi } from '../../../shared/contract.js';
import { base64Length, importChunkBytes, wireFrameMaxBytes } from '../../../shared/import.js';
import type { ImportReport } from '../../../shared/workspace.js';
import { campaignInput } from '../../unit/data/store-fixtures.js';
import { tempStore } from '../../support/temp-store.js';

let core: Core;
let server: BrowserServer;
let store: Store;
/** The core's upload folder, beside its database. */
let uploads: string;
let api: RingsideApi;
/** Every frame the renderer's client sent, by length. */
const sentFrames: number[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-renderer-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Ringside</title>');
  const temp = tempStore();
  store = temp.store;
  uploads = path.join(path.dirname(temp.dbPath), 'import-uploads');
  core = createCore({ ...temp, accounts: new MemoryAccountStore(), log: { info: () => {}, warn: () => {} } });
  await core.start();
  server = await startBrowserServer(core, { rendererDir: dir });
  const origin = `http://127.0.0.1:${server.port}`;
  // The browser's WebSocket, as the page has it: it sends the page's Origin, which the server checks.
  class PageWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { Origin: origin } });
    }
    override send(data: string): void {
      sentFrames.push(Buffer.byteLength(data));
      super.send(data);
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  api = await connectWebSocket(`ws://127.0.0.1:${server.port}/ipc?token=${encodeURIComponent(server.token)}`);
  // As the renderer does: events (import progress and the report) flow once it says it listens.
  expect(await api.app.ready(false)).toMatchObject({ ok: true });
});
afterAll(async () => {
  delete (globalThis as { WebSocket?: unknown }).WebSocket;
  await server?.close();
  await core?.stop();
});

/** About `mib` MiB of leads with Polish names (multi-byte letters fall across chunk borders). */
function bigCsv(mib: number): { text: string; rows: number } {
  const lines = ['Imię i nazwisko;Telefon;Firma;Miasto'];
  let bytes = 0;
  let i = 0;
  while (bytes < mib * 1024 * 1024) {
    const line = `Żaneta Łęcka-${i};+48 5${String(i).padStart(8, '0')};Zakład Ślusarski „Źdźbło” nr ${i};Gdańsk`;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
    i++;
  }
  return { text: `${lines.join('\n')}\n`, rows: i };
}

function finished(importId: string): Promise<ImportReport> {
  return new Promise((resolve) => {
    const off = api.importer.onFinished((r) => {
      if (r.importId !== importId) return;
      off();
      resolve(r);
    });
  });
}

describe('CSV upload in browser mode', () => {
  it('a full chunk, as base64 in its JSON frame, stays well under the WebSocket cap', () => {
    const frame = JSON.stringify({
      kind: 'request',
      id: Number.MAX_SAFE_INTEGER,
      channel: 'import:chunk',
      payload: { importId: '00000000-0000-0000-0000-000000000000', seq: 999_999, data: 'A'.repeat(base64Length(importChunkBytes)) },
    });
    expect(Buffer.byteLength(frame)).toBeLessThan(wireFrameMaxBytes * 0.75);
  });

  it('uploads a 6 MiB CSV in chunks and imports every row', async () => {
    const { text, rows } = bigCsv(6);
    const file = new File([text], 'leady.csv', { type: 'text/csv' });
    expect(file.size).toBeGreaterThan(6 * 1024 * 1024);
    const progress: number[] = [];
    sentFrames.length = 0;

    const uploaded = await uploadFile(api.importer, file, { onProgress: (sent) => progress.push(sent) });
    expect(uploaded).toMatchObject({ ok: true });
    if (!uploaded?.ok) return;
    const { importId } = uploaded.value;
    expect(progress).toHaveLength(Math.ceil(file.size / importChunkBytes));
    expect(progress.at(-1)).toBe(file.size);
    expect(Math.max(...sentFrames)).toBeLessThan(wireFrameMaxBytes * 0.75);

    const preview = await api.importer.preview(importId);
    expect(preview).toMatchObject({ ok: true, value: { encoding: 'utf-8', delimiter: ';', bytes: file.size } });
    if (!preview.ok) return;
    expect(preview.value.rows[0]).toEqual(['Żaneta Łęcka-0', '+48 500000000', 'Zakład Ślusarski „Źdźbło” nr 0', 'Gdańsk']);

    const campaignId = (await store.campaigns.save(campaignInput('Upload'))).id;
    const done = finished(importId);
    expect(await api.importer.run({ importId, campaignId, mapping: preview.value.suggested, duplicates: 'merge' })).toEqual({
      ok: true,
      value: { started: true },
    });
    const report = await done;
    expect(report).toMatchObject({ cancelled: false, rowsDone: rows, imported: rows, failed: 0, bytesDone: file.size });
    // The list left the disk with the import's end.
    expect(readdirSync(uploads)).toEqual([]);
    const last = await store.leads.list({ campaignId, offset: 0, limit: 1, search: `5${String(rows - 1).padStart(8, '0')}` });
    expect(last.total).toBe(1);
    expect(await store.leads.get(last.rows[0].id)).toMatchObject({
      firstName: 'Żaneta',
      lastName: `Łęcka-${rows - 1}`,
      company: `Zakład Ślusarski „Źdźbło” nr ${rows - 1}`,
    });
  }, 120_000);

  it('four failed uploads do not use up the upload slots: the fifth goes through', async () => {
    // More data than announced; a chunk out of order; an empty file whose preview fails; a cancel.
    const tooMuch = await api.importer.begin('a.csv', 3);
    if (!tooMuch.ok) throw new Error(tooMuch.message);
    expect(await api.importer.chunk(tooMuch.value.importId, 0, btoa('abcdef'))).toMatchObject({ ok: false, code: 'invalid-data' });
    const outOfOrder = await api.importer.begin('b.csv', 3);
    if (!outOfOrder.ok) throw new Error(outOfOrder.message);
    expect(await api.importer.chunk(outOfOrder.value.importId, 1, btoa('abc'))).toMatchObject({ ok: false, code: 'invalid-data' });
    const empty = await uploadFile(api.importer, new File(['\n\n'], 'empty.csv'));
    if (!empty?.ok) throw new Error('the empty file did not upload');
    expect(await api.importer.preview(empty.value.importId)).toMatchObject({ ok: false, code: 'invalid-data' });
    let parts = 0;
    const cancelled = await uploadFile(api.importer, new File([bigCsv(2).text], 'cancelled.csv'), { cancelled: () => ++parts > 2 });
    expect(cancelled).toBeNull();

    const good = await uploadFile(api.importer, new File(['Name;Phone\nJan Nowak;+48 500 100 200\n'], 'good.csv'));
    expect(good).toMatchObject({ ok: true });
    if (!good?.ok) return;
    expect(await api.importer.preview(good.value.importId)).toMatchObject({ ok: true, value: { headers: ['Name', 'Phone'] } });
    expect(await api.importer.cancel(good.value.importId)).toEqual({ ok: true, value: null });
    expect(readdirSync(uploads)).toEqual([]);
  });
});
