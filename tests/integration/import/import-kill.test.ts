/**
 * The core SIGKILLed in the middle of a CSV import: the real browser-mode core (a child process,
 * as `npm run start:browser` runs it) gets a 20,000-row file through its real upload path (the
 * renderer's own WebSocket client and upload code) and imports it; once the first batch is
 * written the whole process tree is SIGKILLed. The SQLite file it leaves must open, hold only
 * whole batches (every lead with both its phones, the leads the first rows of the file, nothing
 * of a batch that was not committed), the core must start again on it and sweep the upload the
 * killed run left, and the same file imported again with "skip" must leave every row exactly
 * once: nothing lost, nothing doubled.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import { connectWebSocket } from '../../../renderer/src/ipc/connect.js';
import { uploadFile } from '../../../renderer/src/features/import/upload-file.js';
import type { RingsideApi } from '../../../shared/contract.js';
import type { ColumnTarget, ImportProgress, ImportReport } from '../../../shared/workspace.js';
import { startAgentApp, type AgentApp } from '../../support/agent-app.js';
import { CAMPAIGN_JSON, coreProcesses, dbPathOf, killHard, until } from '../../support/agent-ui.js';

const ROWS = 20_000;
/** Rows per transaction of the importer (csv-import.ts): these rows are short, so whole batches of this size. */
const BATCH = 5000;
const MAPPING: ColumnTarget[] = ['firstName', 'lastName', 'phone', 'phone2', 'city'];

const phone1 = (i: number): string => `+485${String(i).padStart(8, '0')}`;
const phone2 = (i: number): string => `+486${String(i).padStart(8, '0')}`;

function csv(): string {
  const lines = ['Imię;Nazwisko;Telefon;Telefon 2;Miasto'];
  for (let i = 0; i < ROWS; i++) lines.push(`Łucja;Wiśniewska-${i};+48 5${String(i).padStart(8, '0')};+48 6${String(i).padStart(8, '0')};Łódź`);
  return `${lines.join('\n')}\n`;
}

/** The browser's WebSocket as the page has it: it sends the page's own Origin, which the core checks. */
class PageWebSocket extends WebSocket {
  constructor(url: string) {
    const u = new URL(url);
    super(url, { headers: { Origin: `http://${u.host}` } });
  }
}

let app: AgentApp | undefined;
const sockets: PageWebSocket[] = [];

afterAll(async () => {
  delete (globalThis as { WebSocket?: unknown }).WebSocket;
  for (const s of sockets) s.terminate();
  await app?.stop();
});

/** The agent app on `dataDir`, with an account whose server is never there (this test needs no SIP). */
function start(dataDir: string): Promise<AgentApp> {
  return startAgentApp({ wsUrl: 'ws://127.0.0.1:9', domain: '127.0.0.1', user: 'agent1', password: 'unused', dataDir });
}

/** Connects the renderer's own client to the app, as the page would. */
async function connect(a: AgentApp): Promise<RingsideApi> {
  const u = new URL(a.url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') as string;
  (globalThis as { WebSocket?: unknown }).WebSocket = class extends PageWebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  };
  const api = await connectWebSocket(`ws://${u.host}/ipc?token=${encodeURIComponent(token)}`);
  expect(await api.app.ready(false)).toMatchObject({ ok: true });
  return api;
}

async function upload(api: RingsideApi, text: string): Promise<string> {
  const uploaded = await uploadFile(api.importer, new File([text], 'leady.csv', { type: 'text/csv' }));
  if (!uploaded?.ok) throw new Error(`upload failed: ${JSON.stringify(uploaded)}`);
  const preview = await api.importer.preview(uploaded.value.importId);
  if (!preview.ok) throw new Error(preview.message);
  expect(preview.value.headers).toEqual(['Imię', 'Nazwisko', 'Telefon', 'Telefon 2', 'Miasto']);
  return uploaded.value.importId;
}

interface StoredLead {
  row: number;
  phones: string[];
}

/** Every lead of the campaign in the SQLite file, read with the store's own repositories. */
async function storedLeads(dbPath: string, campaignId: number): Promise<StoredLead[]> {
  const db = openSqliteStore(dbPath, { readonly: true });
  try {
    const out: StoredLead[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await db.leads.list({ campaignId, offset, limit: 1000 });
      for (const row of page.rows) {
        const lead = await db.leads.get(row.id);
        if (!lead) throw new Error(`lead ${row.id} is listed but cannot be read`);
        const m = /^Wiśniewska-(\d+)$/.exec(lead.lastName);
        out.push({ row: m ? Number(m[1]) : -1, phones: lead.phones.map((p) => p.e164) });
      }
      if (page.rows.length < 1000) break;
    }
    return out;
  } finally {
    await db.close();
  }
}

/** Each lead is a row of the file, whole: its name and both its phones, and no row twice. */
function expectWhole(leads: StoredLead[]): void {
  for (const l of leads) {
    expect(l.row).toBeGreaterThanOrEqual(0);
    expect(l.phones).toEqual([phone1(l.row), phone2(l.row)]);
  }
  expect(new Set(leads.map((l) => l.row)).size).toBe(leads.length);
}

describe('the core SIGKILLed mid-import', () => {
  it('leaves whole batches only; a restart sweeps the upload; importing again with skip leaves every row exactly once', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringside-import-kill-'));
    const uploads = path.join(dataDir, 'import-uploads');
    const text = csv();
    app = await start(dataDir);
    const dbPath = await dbPathOf(app);
    let api = await connect(app);
    const campaign = await api.campaign.importJson(readFileSync(CAMPAIGN_JSON, 'utf8'));
    if (!campaign.ok) throw new Error(campaign.message);
    const campaignId = campaign.value.id;

    const importId = await upload(api, text);
    expect(readdirSync(uploads)).toHaveLength(1);
    const pids = coreProcesses(app);
    expect(pids.length).toBeGreaterThan(1); // tsx wrapper + the core itself (+ the import worker is a thread)

    // Kill the moment the core reports a first batch written, mid-file.
    const at: { progress: ImportProgress | null; finished: ImportReport | null } = { progress: null, finished: null };
    const killed = new Promise<ImportProgress>((resolve, reject) => {
      api.importer.onFinished((r) => {
        at.finished = r;
        reject(new Error(`the import finished before the kill: ${JSON.stringify(r)}`));
      });
      api.importer.onProgress((p) => {
        if (at.progress || p.importId !== importId || p.imported === 0) return;
        at.progress = p;
        killHard(app as AgentApp, pids).then(() => resolve(p), reject);
      });
    });
    expect(await api.importer.run({ importId, campaignId, mapping: MAPPING, duplicates: 'skip' })).toEqual({ ok: true, value: { started: true } });
    const seen = await killed;
    expect(at.finished).toBeNull();
    expect(seen.rowsDone).toBeLessThan(ROWS);
    // What the crash left: the upload file (nobody swept it) and the database, WAL not checkpointed.
    expect(readdirSync(uploads)).toHaveLength(1);

    const before = await storedLeads(dbPath, campaignId);
    expect(before.length).toBeGreaterThanOrEqual(seen.imported);
    expect(before.length).toBeLessThan(ROWS);
    // Only whole transactions: a multiple of the batch, the first rows of the file, each lead whole.
    expect(before.length % BATCH).toBe(0);
    expectWhole(before);
    expect(Math.max(...before.map((l) => l.row))).toBe(before.length - 1);

    // The core starts again on the same data: it opens, and sweeps the killed run's upload.
    app = await start(dataDir);
    expect(await dbPathOf(app)).toBe(dbPath);
    expect(app.output()).not.toMatch(/could not start|damaged/i);
    await until(
      'the killed run’s upload swept',
      async () => (existsSync(uploads) ? readdirSync(uploads) : []),
      (left) => left.length === 0,
    );
    api = await connect(app);

    // The same file again, duplicates skipped: the rest comes in, nothing twice.
    const again = await upload(api, text);
    const report = await new Promise<ImportReport>((resolve) => {
      api.importer.onFinished((r) => r.importId === again && resolve(r));
      void api.importer.run({ importId: again, campaignId, mapping: MAPPING, duplicates: 'skip' });
    });
    expect(report).toMatchObject({ cancelled: false, rowsDone: ROWS, imported: ROWS - before.length, skipped: before.length, failed: 0 });
    expect(readdirSync(uploads)).toEqual([]);
    await app.stop();
    app = undefined;

    const after = await storedLeads(dbPath, campaignId);
    expectWhole(after);
    const rows = new Set(after.map((l) => l.row));
    const lost = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !rows.has(i)).length;
    const duplicated = after.length - rows.size;
    console.log(`[import-kill] imported before the kill: ${before.length} of ${ROWS}, lost ${lost}, duplicated ${duplicated}`);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(after).toHaveLength(ROWS);
  }, 180_000);
});
