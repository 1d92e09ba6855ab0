/**
 * CSV import fuzz: seeded hostile files (csv-fuzz.ts: random quoting, delimiters, line ends,
 * encodings — UTF-8, BOM, Windows-1250, UTF-16, garbage bytes —, long cells, ragged rows) through
 * the preview and the import into the real SQLite store, a slice of them through the real worker
 * under its heap limit, a 64 MB file whose quote never closes and one with no line break at all,
 * and a worker that dies of its heap limit. Nothing may throw; every refusal and every row error
 * is in words; the report adds up; the leads imported before stay as they were; the heap stays
 * bounded.
 *
 * Reproduce a failure: FUZZ_SEED=<seed printed> npx vitest run --project integration tests/integration/fuzz/csv-fuzz.test.ts
 * Long form: FUZZ_N=10000 (files: 4 % of it in-process, 0.5 % through the worker, with longer cells).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/core/data/repositories.js';
import { importCsv, previewCsv, type CsvImportReport } from '../../../electron/core/import/csv-import.js';
import { ImportJobs } from '../../../electron/core/import/import-jobs.js';
import { IMPORT_WORKER_HEAP_MB, ImportStoppedError, runImportInWorker } from '../../../electron/core/import/import-runner.js';
import type { DuplicateMode } from '../../../shared/import.js';
import type { ColumnTarget, ImportReport } from '../../../shared/workspace.js';
import { campaignInput } from '../../unit/data/store-fixtures.js';
import { fuzzCsv } from '../../support/csv-fuzz.js';
import { MAX_MESSAGE_CHARS, messageProblem, mib, settledHeap, trapEscapes } from '../../support/fuzz-checks.js';
import { pick } from '../../support/hostile-input.js';
import { oomImportWorkerUrl } from '../../support/oom-import-worker.js';
import { mulberry32 } from '../../support/prng.js';
import { tempStore } from '../../support/temp-store.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const LONG = Boolean(process.env.FUZZ_N);
const FILES = LONG ? Math.round(Number(process.env.FUZZ_N) * 0.04) : 120;
const WORKER_FILES = LONG ? Math.round(Number(process.env.FUZZ_N) * 0.005) : 3;
/** Heap left after a full collection beyond what the importer held after its first files. */
const HEAP_GROWTH_BOUND = 32 << 20;
/** A report the agent's window gets: errors are capped at 1000, each a line, so it stays small. */
const MAX_REPORT_CHARS = 1 << 20;

let dir: string;
let store: Store;
let campaignId: number;
/** The leads imported before any hostile file, as they were: they must stay so. */
let before: Array<{ id: number; firstName: string; lastName: string; phones: string[] }>;

const targets: ColumnTarget[] = [
  'fullName',
  'firstName',
  'lastName',
  'phone',
  'phone2',
  'email',
  'company',
  'consentAt',
  'score',
  'timeZone',
  'country',
  'ignore',
  'custom:note',
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-csv-fuzz-'));
  ({ store } = tempStore());
  campaignId = (await store.campaigns.save(campaignInput('CSV fuzz'))).id;
  // Numbers the generator never writes (UK, +44 20 7946 0xxx): no hostile row can be their duplicate.
  const good = path.join(dir, 'good.csv');
  writeFileSync(
    good,
    `Imię;Nazwisko;Telefon\n${Array.from({ length: 20 }, (_, i) => `Anna${i};Łęcka;+44 20 7946 0${String(i).padStart(3, '0')}`).join('\n')}\n`,
  );
  const report = await importCsv({
    path: good,
    campaignId,
    mapping: ['firstName', 'lastName', 'phone'],
    duplicates: 'merge',
    defaultCountry: 'PL',
    leads: store.leads,
    onProgress: () => {},
  });
  expect(report).toMatchObject({ imported: 20, failed: 0 });
  before = (await leadsNow()).filter((l) => l.phones.some((p) => p.startsWith('+44207946')));
  expect(before).toHaveLength(20);
});
afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function leadsNow() {
  const { rows } = await store.leads.list({ campaignId, offset: 0, limit: 1_000_000 });
  return Promise.all(
    rows.map(async (r) => {
      const lead = (await store.leads.get(r.id))!;
      return { id: lead.id, firstName: lead.firstName, lastName: lead.lastName, phones: lead.phones.map((p) => p.e164) };
    }),
  );
}

/** Why a report is not a clear, consistent one, or null. */
function reportProblem(report: CsvImportReport | ImportReport): string | null {
  const r = report as CsvImportReport;
  if (!r.done) return 'report not done';
  const counted = r.imported + r.merged + r.skipped + (r.replaced ?? 0) + r.failed;
  if (!r.cancelled && r.stopped === undefined && counted !== r.rowsDone) return `counts add up to ${counted}, rowsDone is ${r.rowsDone}`;
  if (r.errors.length > 1001) return `${r.errors.length} errors listed`;
  for (const e of r.errors) {
    if (typeof e.reason !== 'string' || e.reason.length === 0 || e.reason.length > MAX_MESSAGE_CHARS)
      return `row error of ${String(e.reason?.length)} characters`;
    if (/\n\s+at |\[object \w+\]/.test(e.reason)) return `row error is not words: ${e.reason.slice(0, 200)}`;
  }
  if (r.stopped !== undefined) {
    const why = messageProblem(r.stopped);
    if (why) return `stopped: ${why}: ${r.stopped.slice(0, 200)}`;
  }
  const size = JSON.stringify(r).length;
  if (size > MAX_REPORT_CHARS) return `report is ${size.toLocaleString('en-US')} characters`;
  return null;
}

/** Why the leads imported first are not as they were, or null. */
async function keptProblem(): Promise<string | null> {
  const now = new Map((await leadsNow()).map((l) => [l.id, l]));
  for (const b of before) {
    const n = now.get(b.id);
    if (!n) return `lead ${b.id} (${b.firstName} ${b.lastName}) is gone`;
    if (n.firstName !== b.firstName || n.lastName !== b.lastName || n.phones.join() !== b.phones.join()) return `lead ${b.id} changed`;
  }
  return null;
}

/** A mapping for a file: the preview's suggestion when it has one, else random targets. */
function mappingFor(rng: () => number, suggested: ColumnTarget[] | null, columns: number): ColumnTarget[] {
  if (suggested && rng() < 0.7) return suggested;
  return Array.from({ length: Math.min(200, Math.max(1, columns)) }, () => pick(rng, targets));
}

describe(`CSV fuzz: ${FILES} hostile files in-process, ${WORKER_FILES} through the worker (seed ${SEED})`, () => {
  it('previews and imports every file without a throw; refusals and row errors in words; reports add up; earlier leads kept; heap bounded', async () => {
    const rng = mulberry32(SEED);
    const trap = trapEscapes();
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let heapBefore = 0;
    const started = performance.now();
    try {
      for (let i = 0; i < FILES; i++) {
        // Warm-up: the phone metadata and statement caches fill on the first files, not in the measurement.
        if (i === Math.min(10, FILES - 1)) heapBefore = (await settledHeap()).bytes;
        const csv = fuzzCsv(rng, LONG);
        const file = path.join(dir, `fuzz-${i}.csv`);
        writeFileSync(file, csv.bytes);
        const tag = `file ${i} (${csv.what})`;
        try {
          const preview = await previewCsv(file);
          if (!preview.ok) {
            const why = preview.code !== 'invalid-data' ? `code ${preview.code}` : messageProblem(preview.message);
            if (why) failures.push(`${tag}: preview refused unclearly: ${why}: ${preview.message.slice(0, 200)}`);
            count(`preview refused: ${preview.message.slice(0, 40)}`);
          } else count('preview ok');
          const mapping = mappingFor(rng, preview.ok ? preview.value.suggested : null, preview.ok ? preview.value.headers.length : 8);
          const duplicates = pick(rng, ['merge', 'skip', 'replace'] as DuplicateMode[]);
          const report = await importCsv({
            path: file,
            campaignId,
            mapping,
            duplicates,
            defaultCountry: pick(rng, ['PL', 'US', 'GB']),
            leads: store.leads,
            onProgress: () => {},
          });
          const why = reportProblem(report);
          if (why) failures.push(`${tag}: ${why}`);
          count(report.stopped ? `stopped: ${report.stopped.slice(0, 40)}` : report.imported > 0 ? 'imported rows' : 'nothing imported');
        } catch (error) {
          failures.push(`${tag}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
        rmSync(file, { force: true });
        const kept = await keptProblem();
        if (kept) failures.push(`${tag}: ${kept}`);
        if (failures.length > 20) break;
      }
      const after = await settledHeap();
      const growth = after.bytes - heapBefore;
      const summary = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`);
      console.info(
        `CSV fuzz, seed ${SEED}: ${FILES} files in ${Math.round(performance.now() - started)} ms; heap ${mib(heapBefore)} → ${mib(after.bytes)}\n  ${summary.join('\n  ')}`,
      );
      expect(failures, `seed ${SEED} (rerun with FUZZ_SEED=${SEED})`).toEqual([]);
      expect(trap.escaped, `seed ${SEED}`).toEqual([]);
      expect(growth, `seed ${SEED}: heap grew by ${mib(growth)}`).toBeLessThan(HEAP_GROWTH_BOUND);
    } finally {
      trap.remove();
    }
  }, 3_600_000);

  it(`imports a slice through the real worker under its ${IMPORT_WORKER_HEAP_MB} MB heap limit, with the same checks`, async () => {
    const rng = mulberry32(SEED ^ 0xc5f);
    for (let i = 0; i < WORKER_FILES; i++) {
      const csv = fuzzCsv(rng, true);
      const file = path.join(dir, `worker-${i}.csv`);
      writeFileSync(file, csv.bytes);
      const preview = await previewCsv(file);
      const mapping = mappingFor(rng, preview.ok ? preview.value.suggested : null, preview.ok ? preview.value.headers.length : 8);
      const report = await runImportInWorker({
        location: store.location,
        path: file,
        campaignId,
        mapping,
        duplicates: 'merge',
        defaultCountry: 'PL',
        onProgress: () => {},
      });
      expect(reportProblem(report), `seed ${SEED}, worker file ${i} (${csv.what})`).toBeNull();
      expect(await keptProblem()).toBeNull();
      rmSync(file, { force: true });
    }
  }, 600_000);
});

describe('what the fuzz found', () => {
  it('a file with CR line ends (old Mac exports) larger than the preview reads previews, and imports', async () => {
    const file = path.join(dir, 'mac.csv');
    writeFileSync(file, `Name;Phone\r${Array.from({ length: 12_000 }, (_, i) => `Lead ${i};+48 5${String(i).padStart(8, '0')}`).join('\r')}\r`);
    const preview = await previewCsv(file);
    expect(preview).toMatchObject({ ok: true, value: { delimiter: ';', headers: ['Name', 'Phone'] } });
    if (preview.ok) expect(preview.value.rows[0]).toEqual(['Lead 0', '+48 500000000']);
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('Mac'))).id;
      const report = await importCsv({
        path: file,
        campaignId: id,
        mapping: ['fullName', 'phone'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        leads: s.leads,
        onProgress: () => {},
      });
      expect(report).toMatchObject({ imported: 12_000, failed: 0 });
    } finally {
      await s.close();
    }
  });
});

describe('a row error names its column briefly, however long the header', () => {
  it('1,000 bad dates under a 300,000-character header make a report of kilobytes, not of 300 MB', async () => {
    const file = path.join(dir, 'long-header.csv');
    writeFileSync(
      file,
      `Phone,${'Zgoda '.repeat(50_000)}\n${Array.from({ length: 1500 }, (_, i) => `+48 5${String(i).padStart(8, '0')},yesterday`).join('\n')}\n`,
    );
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('Header'))).id;
      const report = await importCsv({
        path: file,
        campaignId: id,
        mapping: ['phone', 'consentAt'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        leads: s.leads,
        onProgress: () => {},
      });
      expect(report).toMatchObject({ failed: 1500, imported: 0 });
      expect(report.errors).toHaveLength(1000);
      expect(report.errors[0].reason).toBe(
        'row 1: column "Zgoda Zgoda Zgoda Zgoda Zgoda Zgoda Zgoda Zgoda Zgoda Zgo...": "yesterday" is not a date (use YYYY-MM-DD or DD.MM.YYYY)',
      );
      expect(reportProblem(report)).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('files far past the importer’s bounds, in the worker under its heap limit', () => {
  /** `rows` good rows, then `tail` (written in 1 MiB pieces up to `bytes`). */
  function bigFile(name: string, rows: number, broken: string, piece: string, bytes: number): string {
    const file = path.join(dir, name);
    const fd = openSync(file, 'w');
    writeSync(fd, `Name,Phone\n${Array.from({ length: rows }, (_, i) => `Lead ${i},+48 5${String(i).padStart(8, '0')}`).join('\n')}\n${broken}`);
    const chunk = piece.repeat(Math.ceil((1 << 20) / piece.length));
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
    return file;
  }

  it('a 64 MB file with a quote left open early: the import stops after its 4 MB limit, in words, with the rows before it kept', async () => {
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('Big'))).id;
      const file = bigFile('quote-64mb.csv', 1000, '"Broken,+48 600 000 000\n', 'Lead x,+48 500 000 000\n', 64 << 20);
      const t = performance.now();
      const report = await runImportInWorker({
        location: s.location,
        path: file,
        campaignId: id,
        mapping: ['fullName', 'phone'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        onProgress: () => {},
      });
      expect(performance.now() - t).toBeLessThan(20_000);
      expect(report.stopped).toBe(
        'Row 1001 has a quote (") that is never closed, so nothing after it can be read; the rows before it were imported. Close the quote in the file and import it again.',
      );
      expect(report).toMatchObject({ imported: 1000, cancelled: false, done: true });
      expect(report.bytesDone).toBeLessThan(16 << 20);
      expect((await s.leads.list({ campaignId: id, offset: 0, limit: 1 })).total).toBe(1000);
      rmSync(file);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('a 64 MB line with no line break (and no quote): stopped as a line too long, not as a quote', async () => {
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('Long line'))).id;
      const file = bigFile('line-64mb.csv', 10, 'Lead y,', 'x', 64 << 20);
      const report = await runImportInWorker({
        location: s.location,
        path: file,
        campaignId: id,
        mapping: ['fullName', 'phone'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        onProgress: () => {},
      });
      expect(report.stopped).toBe(
        'Row 11 is longer than 4 MB without a line break, so nothing after it can be read; the rows before it were imported. Check that the file has one row per line and import it again.',
      );
      expect(report.imported).toBe(10);
      const headerless = path.join(dir, 'no-break.csv');
      writeFileSync(headerless, 'x'.repeat(1 << 20));
      expect(await previewCsv(headerless)).toEqual({
        ok: false,
        code: 'invalid-data',
        message:
          'The first line is longer than 256 KiB without a line break, so the file has no header row Ringside can read. Export the list as CSV (one row per line) and import that file.',
      });
      rmSync(file);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('long rows are written in small batches: 100 rows of 400,000 characters import in a worker with a 48 MB heap (batches by row count alone died at row ~26)', async () => {
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('Wide'))).id;
      const file = path.join(dir, 'wide.csv');
      const cells = Array.from({ length: 10 }, () => 'ż'.repeat(40_000)).join(',');
      const fd = openSync(file, 'w');
      writeSync(fd, `Phone,${Array.from({ length: 10 }, (_, i) => `c${i}`).join(',')}\n`);
      for (let i = 0; i < 100; i++) writeSync(fd, `+48 5${String(i).padStart(8, '0')},${cells}\n`);
      closeSync(fd);
      const mapping: ColumnTarget[] = ['phone', ...Array.from({ length: 10 }, (_, i) => `custom:c${i}` as const)];
      const report = await runImportInWorker({
        location: s.location,
        path: file,
        campaignId: id,
        mapping,
        duplicates: 'merge',
        defaultCountry: 'PL',
        heapLimitMb: 48,
        onProgress: () => {},
      });
      expect(report).toMatchObject({ imported: 100, failed: 0 });
      rmSync(file);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a worker that dies of its heap limit: the agent is told in words, the rows it saved stay, the database takes writes again', async () => {
    const { store: s } = tempStore();
    try {
      const id = (await s.campaigns.save(campaignInput('OOM'))).id;
      const file = path.join(dir, 'oom.csv');
      writeFileSync(file, `Name,Phone\n${Array.from({ length: 3000 }, (_, i) => `Lead ${i},+48 5${String(i).padStart(8, '0')}`).join('\n')}\n`);
      const failed = await runImportInWorker({
        location: s.location,
        path: file,
        campaignId: id,
        mapping: ['fullName', 'phone'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        batchSize: 500,
        heapLimitMb: 48,
        workerPath: oomImportWorkerUrl,
        onProgress: () => {},
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(ImportStoppedError);
      expect((failed as Error).message).toBe(
        'The import ran out of memory (it may use 48 MB) and stopped after reading row 3,000; at least 3,000 rows were saved and stay. Split the file and import it in parts.',
      );
      expect((await s.leads.list({ campaignId: id, offset: 0, limit: 1 })).total).toBe(3000);
      // The dead thread's open transaction is gone with it: the main connection writes at once.
      expect((await s.campaigns.save(campaignInput('After'))).id).toBeGreaterThan(id);
      expect((await s.campaigns.get(id))?.name).toBe('OOM');

      // The same through ImportJobs: the report the window gets says it, with the counts saved by then.
      const finished: ImportReport[] = [];
      const jobs = new ImportJobs({
        store: s,
        workerLocation: s.location,
        emit: (channel, payload) => {
          if (channel === 'import:finished') finished.push(payload as ImportReport);
        },
        onImported: () => undefined,
        log: { info: () => undefined, warn: () => undefined },
        uploads: { dir: path.join(dir, 'oom-uploads') },
        worker: { heapLimitMb: 48, path: oomImportWorkerUrl },
      });
      const csv = Buffer.from(`Name,Phone\n${Array.from({ length: 50 }, (_, i) => `Late ${i},+48 6${String(i).padStart(8, '0')}`).join('\n')}\n`);
      const { importId } = jobs.begin({ fileName: 'late.csv', size: csv.length });
      jobs.chunk({ importId, seq: 0, data: csv.toString('base64') });
      await jobs.run({ importId, campaignId: id, mapping: ['fullName', 'phone'], duplicates: 'merge' });
      for (const deadline = Date.now() + 30_000; finished.length === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
      jobs.stopAll();
      expect(finished[0]).toMatchObject({
        importId,
        done: true,
        imported: 50,
        stopped:
          'The import ran out of memory (it may use 48 MB) and stopped after reading row 50; at least 50 rows were saved and stay. Split the file and import it in parts.',
      });
      expect(reportProblem(finished[0])).toBeNull();
      expect((await s.leads.list({ campaignId: id, offset: 0, limit: 1 })).total).toBe(3050);
    } finally {
      await s.close();
    }
  }, 120_000);
});
