/**
 * ImportJobs with real files and the real SQLite store: every way an upload can fail frees its
 * slot and deletes its file, an import deletes its file however it ends, and the files a killed
 * run left behind are deleted when the core starts.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { ImportReport } from '../../../shared/workspace.js';
import type { Store } from '../../../electron/core/data/repositories.js';
import { ImportJobs, type ImportJobsDeps } from '../../../electron/core/import/import-jobs.js';
import { tempStore } from '../../support/temp-store.js';
import { campaignInput } from '../data/store-fixtures.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const GOOD = 'Imię;Telefon\nJan;+48 500 000 001\nEwa;+48 500 000 002\n';

let open: Array<{ jobs: ImportJobs; store: Store }> = [];
afterEach(async () => {
  for (const { jobs, store } of open) {
    jobs.stopAll();
    await store.close();
  }
  open = [];
});

async function rig(extra: Partial<ImportJobsDeps> = {}) {
  const { store, dbPath } = tempStore();
  const finished: ImportReport[] = [];
  const waiting: Array<(r: ImportReport) => void> = [];
  const jobs = new ImportJobs({
    store,
    workerLocation: store.location,
    emit: <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => {
      if (channel !== 'import:finished') return;
      finished.push(payload as ImportReport);
      waiting.shift()?.(payload as ImportReport);
    },
    onImported: () => {},
    log: { info: () => {}, warn: () => {} },
    ...extra,
  });
  open.push({ jobs, store });
  const campaignId = (await store.campaigns.save(campaignInput())).id;
  const dir = join(dirname(dbPath), 'import-uploads');
  const next = () => new Promise<ImportReport>((resolve) => waiting.push(resolve));
  /** Uploads `text` whole, as connection `peer`. */
  const upload = (text: string | Buffer, peer = 1) => {
    const { importId } = jobs.begin({ fileName: 'leads.csv', size: Buffer.byteLength(text) }, peer);
    jobs.chunk({ importId, seq: 0, data: b64(text) });
    return importId;
  };
  return { jobs, store, dbPath, dir, campaignId, finished, next, upload };
}

/** The error a handler threw, with its IPC code. */
function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof RingsideError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('did not fail');
}

describe('ImportJobs: uploads never keep a slot or a file they no longer need', () => {
  it('five failed uploads (bad chunk, empty file, cancel, closed connection, idle), then a good one imports', async () => {
    let t = 0;
    const r = await rig({ uploads: { now: () => t } });
    // 1. A chunk out of order.
    const a = r.jobs.begin({ fileName: 'a.csv', size: 10 }, 1).importId;
    expect(failure(() => r.jobs.chunk({ importId: a, seq: 1, data: b64('hello') }))).toMatchObject({ code: 'invalid-data' });
    // 2. A file with nothing in it: its preview fails and the file goes.
    const b = r.upload('\n\n\n');
    await expect(r.jobs.preview({ importId: b })).rejects.toThrow();
    // 3. Cancelled by the agent.
    r.jobs.cancel({ importId: r.upload(GOOD) });
    // 4. The renderer's connection closed mid-upload.
    r.jobs.begin({ fileName: 'd.csv', size: 100 }, 7);
    r.jobs.connectionClosed(7);
    // 5. One that stopped sending, dropped after the idle timeout.
    r.jobs.begin({ fileName: 'e.csv', size: 100 }, 1);
    expect(readdirSync(r.dir)).toHaveLength(1);
    t += 10 * 60_000;

    const good = r.upload(GOOD);
    expect(readdirSync(r.dir)).toHaveLength(1);
    const preview = await r.jobs.preview({ importId: good });
    const done = r.next();
    await r.jobs.run({ importId: good, campaignId: r.campaignId, mapping: preview.suggested, duplicates: 'merge' });
    expect(await done).toMatchObject({ imported: 2, failed: 0, cancelled: false });
    expect((await r.store.leads.list({ campaignId: r.campaignId, offset: 0, limit: 10 })).total).toBe(2);
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('three uploads at once is the limit; one more is refused until one is released', async () => {
    const r = await rig();
    const ids = [1, 2, 3].map(() => r.jobs.begin({ fileName: 'x.csv', size: 5 }, 1).importId);
    expect(failure(() => r.jobs.begin({ fileName: 'x.csv', size: 5 }, 1))).toMatchObject({
      code: 'invalid-data',
      message: expect.stringContaining('At most 3'),
    });
    r.jobs.cancel({ importId: ids[1] });
    expect(r.jobs.begin({ fileName: 'x.csv', size: 5 }, 1).importId).toBeTruthy();
  });

  it('a failed import leaves nothing in the upload folder, nor does a cancelled one', async () => {
    const r = await rig();
    // More columns than an import takes, run without a preview: the worker stops at the header.
    const wide = r.upload(`${Array.from({ length: 201 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(200)}1\n`);
    let done = r.next();
    await r.jobs.run({ importId: wide, campaignId: r.campaignId, mapping: ['phone'], duplicates: 'merge' });
    const failed = await done;
    expect(failed.errors[0].reason).toMatch(/201 columns/);
    expect(readdirSync(r.dir)).toEqual([]);

    const rows = Array.from({ length: 30_000 }, (_, i) => `Lead ${i};+1 212 555 ${String(i % 10_000).padStart(4, '0')}`).join('\n');
    const big = r.upload(`Name;Phone\n${rows}\n`);
    done = r.next();
    await r.jobs.run({ importId: big, campaignId: r.campaignId, mapping: ['fullName', 'phone'], duplicates: 'skip' });
    r.jobs.cancel({ importId: big });
    expect((await done).cancelled).toBe(true);
    expect(readdirSync(r.dir)).toEqual([]);
  }, 60_000);

  it('at start, deletes the upload files a killed run left; the folder is private', () => {
    const { store, dbPath } = tempStore();
    const dir = join(dirname(dbPath), 'import-uploads');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const leftover = join(dir, `${dead}-${randomUUID()}.csv`);
    writeFileSync(leftover, 'Imię;Telefon\nJan Kowalski;+48 500 000 001\n');
    const jobs = new ImportJobs({ store, workerLocation: store.location, emit: () => {}, onImported: () => {}, log: { info: () => {}, warn: () => {} } });
    open.push({ jobs, store });
    expect(existsSync(leftover)).toBe(false);
    const { importId } = jobs.begin({ fileName: 'a.csv', size: 3 }, 1);
    jobs.chunk({ importId, seq: 0, data: b64('a,b') });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).map((f) => statSync(join(dir, f)).mode & 0o777)).toEqual([0o600]);
  });
});
