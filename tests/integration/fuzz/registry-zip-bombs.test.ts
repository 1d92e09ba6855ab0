/**
 * Registry downloads that are zip bombs: an entry of zeros expanding ~1000:1, one declaring
 * 9 GiB (a real 9 MB deflate stream of 9 GiB of zeros), a header that declares 4 KiB and holds
 * 10 MiB, a zip inside the zip, more entries than any download, many small entries that expand
 * together, more numbers than the spill budget. Each is refused with an error that says it is
 * not a registry download — from the zip's directory before a number is taken where that gives
 * it away, else while reading — and the registry in use stays as it was, with no spill files
 * or checkpoint left behind; a real-sized, real-looking download still imports.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_REGISTRY_LIMITS,
  importRegistryFiles,
  MAX_REGISTRY_ENTRY_BYTES,
  RegistryLimitError,
  type ChangeSink,
} from '../../../electron/core/compliance/registry-import.js';
import { runRegistryJob, type RegistryJob } from '../../../electron/core/compliance/registry-job.js';
import { ComplianceService } from '../../../electron/core/compliance/compliance-service.js';
import type { ComplianceStatus } from '../../../shared/compliance.js';
import { craftZip, yazlZip, yazlZipBuffer, zerosDeflated } from '../../support/zip-bombs.js';
import { tempStore } from '../../support/temp-store.js';
import { campaignInput } from '../../unit/data/store-fixtures.js';
import { deflateRawSync } from 'node:zlib';

const MiB = 1 << 20;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-zip-bombs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

/** Counts what reaches it: a refusal from the zip's directory must leave it at zero. */
class CountingSink implements ChangeSink {
  added = 0;
  removed = 0;
  add(): void {
    this.added++;
  }
  remove(): void {
    this.removed++;
  }
  async checkpoint(): Promise<void> {}
}

/** `n` FTC-style lines (10 digits, LF) from 212-555-0000 on. */
const ftcLines = (n: number, from = 2125550000): string => Array.from({ length: n }, (_, i) => String(from + i)).join('\n') + '\n';

async function refused(files: Array<{ path: string; kind?: 'full' | 'changes' }>, limits = {}): Promise<{ error: Error; sink: CountingSink }> {
  const sink = new CountingSink();
  const error = await importRegistryFiles({ files: files.map((f) => ({ path: f.path, kind: f.kind ?? 'full' })), sink, limits }).then(
    () => new Error('imported without complaint'),
    (e: unknown) => e as Error,
  );
  return { error, sink };
}

const NOT_A_DOWNLOAD = /— it is not a registry download$|; it is not a registry download$/;

describe('zip bombs are refused in words, before a number is taken when the directory gives them away', () => {
  it('an entry of zeros that expands ~1000:1', async () => {
    const bomb = await yazlZip(at('zeros.zip'), [{ name: 'ftc.txt', content: Buffer.alloc(16 * MiB) }]);
    expect(statSync(bomb).size).toBeLessThan(64 * 1024);
    const { error, sink } = await refused([{ path: bomb }]);
    expect(error).toBeInstanceOf(RegistryLimitError);
    expect(error.message).toMatch(
      /^This zip file expands more than 200 times \(zeros\.zip!\/ftc\.txt: [\d.]+ KiB → 16 MiB; registry files shrink about 5 times\)/,
    );
    expect(error.message).toMatch(NOT_A_DOWNLOAD);
    expect(sink.added).toBe(0);
  });

  it('an entry that expands to 9 GiB (a 9 MB deflate stream of zeros), more than the 8 GiB any registry file may have', async () => {
    const size = 9 * 1024 * MiB;
    const bomb = at('nine-gib.zip');
    writeFileSync(bomb, craftZip([{ name: 'national.txt', data: zerosDeflated(9 * 1024), method: 8, declaredSize: size }]));
    const started = performance.now();
    const { error, sink } = await refused([{ path: bomb }]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.message).toBe('This zip file expands to more than 8 GiB (nine-gib.zip!/national.txt: 9 GiB) — it is not a registry download');
    expect(sink.added).toBe(0);
    expect(MAX_REGISTRY_ENTRY_BYTES).toBeGreaterThan(253_000_000 * 13); // the whole FTC list in its widest form fits
  });

  it('a header that declares 4 KiB for an entry that holds 2 MiB of numbers: stopped at 4 KiB', async () => {
    const data = deflateRawSync(Buffer.from(ftcLines(200_000)));
    const liar = at('liar.zip');
    writeFileSync(liar, craftZip([{ name: 'ftc.txt', data, method: 8, declaredSize: 4096 }]));
    const { error, sink } = await refused([{ path: liar }]);
    expect(error.message).toBe(
      'This zip file holds more data than it declares (liar.zip!/ftc.txt: more than 4 KiB) — it is damaged or built to mislead; it is not a registry download',
    );
    expect(sink.added).toBeLessThan(1000);
  });

  it('a zip inside the zip (itself a bomb) is not opened', async () => {
    const inner = await yazlZipBuffer([{ name: 'zeros.txt', content: Buffer.alloc(16 * MiB) }]);
    const nested = await yazlZip(at('nested.zip'), [
      { name: 'readme.txt', content: 'FTC registry\n' },
      { name: 'inner.zip', content: inner, compress: false },
    ]);
    const { error } = await refused([{ path: nested }]);
    expect(error.message).toBe(
      'This zip file holds another zip archive (nested.zip!/inner.zip) — a registry download holds text files: unpack the inner archive and import its files',
    );
  });

  it('more entries than any download has', async () => {
    const many = at('many.zip');
    writeFileSync(many, craftZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `npa-${i}.txt`, data: Buffer.alloc(0), method: 0, declaredSize: 0 }))));
    const { error, sink } = await refused([{ path: many }]);
    expect(error.message).toBe('The zip file many.zip holds 10,001 files, more than 10,000 — it is not a registry download');
    expect(sink.added).toBe(0);
  });

  it('many entries each too small to matter that expand ~1000:1 together', async () => {
    const part = deflateRawSync(Buffer.alloc(32 * 1024), { level: 9 });
    const spread = at('spread.zip');
    writeFileSync(spread, craftZip(Array.from({ length: 600 }, (_, i) => ({ name: `part-${i}.txt`, data: part, method: 8, declaredSize: 32 * 1024 }))));
    const { error, sink } = await refused([{ path: spread }]);
    expect(error.message).toMatch(
      /^This zip file expands more than 200 times \(spread\.zip: [\d.]+ KiB → 18\.8 MiB over its files\) — it is not a registry download$/,
    );
    expect(sink.added).toBe(0);
  });

  it('every limit is a named constant and can be set per import: entry size, total, ratio, entries, numbers', async () => {
    expect(DEFAULT_REGISTRY_LIMITS).toMatchObject({ maxEntryBytes: 8 * 1024 * MiB, maxTotalBytes: 16 * 1024 * MiB, maxRatio: 200, maxEntries: 10_000 });
    const a = at('a.txt');
    const b = at('b.txt');
    writeFileSync(a, ftcLines(200));
    writeFileSync(b, ftcLines(200, 3125550000));
    expect((await refused([{ path: a }], { maxEntryBytes: 1024 })).error.message).toBe(
      'a.txt is 2.1 KiB, more than the 1 KiB a registry file may have — it is not a registry download',
    );
    expect((await refused([{ path: a }, { path: b }], { maxTotalBytes: 3000 })).error.message).toBe(
      "This import's files hold more than 2.9 KiB in all (the import's limit) — it is not a registry download",
    );
    const z = await yazlZip(at('small.zip'), [{ name: 'x.txt', content: ftcLines(2000) }]);
    expect((await refused([{ path: z }], { ratioFloorBytes: 1000, maxRatio: 2 })).error.message).toMatch(/^This zip file expands more than 2 times/);
    expect((await refused([{ path: z }], { maxEntries: 0 })).error.message).toMatch(/holds 1 files, more than 0/);
    const { error, sink } = await refused([{ path: a }], { maxNumbers: 100 });
    expect(error.message).toBe(
      `${a} holds more than 100 numbers, more than this import can take (the whole US registry has about 250 million) — it is not a registry download`,
    );
    expect(sink.added).toBe(200); // counted per chunk: the chunk that crossed the bound is the last
  });

  it('a real-looking download (1 M FTC lines, 11 MB, deflating ~5:1) imports under the default limits', async () => {
    const real = await yazlZip(at('real.zip'), [{ name: 'DNC_212.txt', content: ftcLines(1_000_000) }]);
    const sink = new CountingSink();
    const report = await importRegistryFiles({ files: [{ path: real, kind: 'full' }], sink });
    expect(report).toMatchObject({ numbers: 1_000_000, badLines: 0 });
    expect(sink.added).toBe(1_000_000);
  });
});

describe('a refused import leaves nothing half-done', () => {
  function job(name: string, files: string[], extra: Partial<RegistryJob> = {}): RegistryJob {
    const jobDir = mkdtempSync(path.join(dir, `${name}-`));
    return {
      registry: 'US',
      mode: 'full',
      files: files.map((p) => ({ path: p, kind: 'full' })),
      snapshotAt: Date.parse('2026-11-20T00:00:00Z'),
      target: path.join(jobDir, 'US.rsdnc'),
      checkpointPath: path.join(jobDir, 'US.full.checkpoint.json'),
      workDir: path.join(jobDir, 'US.work'),
      resume: false,
      ...extra,
    };
  }
  const hooks = { onProgress: () => undefined, onBuilding: () => undefined };

  it('more numbers than the spill budget: the job stops, its spill files and checkpoint go, no index is written', async () => {
    const file = at('spill.txt');
    writeFileSync(file, ftcLines(300_000));
    // Spill files exist by the time the budget runs out (an area code's buffer goes to disk every 16,384 numbers).
    const j = job('spill', [file], { limits: { maxSpillBytes: 4 * 200_000 } });
    const failed = await runRegistryJob(j, hooks).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(failed?.message).toBe(
      `${file} holds more than 200,000 numbers, more than this import can take (the whole US registry has about 250 million) — it is not a registry download`,
    );
    expect(existsSync(j.target)).toBe(false);
    expect(existsSync(j.checkpointPath)).toBe(false);
    expect(existsSync(j.workDir) ? readdirSync(j.workDir) : []).toEqual([]);
  });

  it('through the compliance service and its worker: each bomb fails in words and the registry in use stays as it was', async () => {
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(dir, 'service-'));
    const campaign = await store.campaigns.save(campaignInput('C'));
    const svc = new ComplianceService({
      store,
      dataDir,
      currentCampaignId: () => campaign.id,
      defaultCountry: async () => 'US',
      emit: () => undefined,
      log: { info: () => undefined, warn: () => undefined },
      now: () => Date.parse('2026-11-25T17:00:00Z'),
    });
    svc.init();
    const registryDir = path.join(dataDir, 'registry');
    const run = async (name: string, content: Buffer | string, snapshotDate: string): Promise<ComplianceStatus> => {
      writeFileSync(path.join(dataDir, 'registry-inbox', name), content);
      await svc.startImport({ registry: 'US', mode: 'full', files: [{ name, kind: 'full' }], snapshotDate });
      for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
        const s = await svc.status();
        if (s.import && ['done', 'failed', 'cancelled'].includes(s.import.phase)) return s;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('registry import did not finish');
    };
    try {
      expect((await run('first.txt', '2125550100\n2125550101\n', '2026-11-20')).import?.phase).toBe('done');
      const before = readFileSync(path.join(registryDir, 'US.rsdnc'));
      const bombs: Array<[string, Buffer, RegExp]> = [
        [
          'zeros.zip',
          craftZip([{ name: 'ftc.txt', data: zerosDeflated(64), method: 8, declaredSize: 64 * MiB }]),
          /expands more than 200 times.*— it is not a registry download\./,
        ],
        // Found only while reading: by then numbers have gone to the index builder's spill files.
        [
          'liar.zip',
          craftZip([{ name: 'ftc.txt', data: deflateRawSync(Buffer.from(ftcLines(500_000, 3125550000))), method: 8, declaredSize: 4096 }]),
          /holds more data than it declares.*; it is not a registry download\./,
        ],
        [
          'nested.zip',
          await yazlZipBuffer([{ name: 'inner.zip', content: await yazlZipBuffer([{ name: 'a.txt', content: '2125550199\n' }]), compress: false }]),
          /another zip archive \(nested\.zip!\/inner\.zip\)/,
        ],
      ];
      for (const [name, content, why] of bombs) {
        const s = await run(name, content, '2026-11-24');
        expect(s.import, name).toMatchObject({ phase: 'failed', message: expect.stringMatching(why) });
        expect(s.import?.message, name).toMatch(/^Import failed: .*\. The registry in use is unchanged\.$/);
        expect(
          s.registries.find((r) => r.name === 'US'),
          name,
        ).toMatchObject({ count: 2, loaded: true, ageDays: 5 });
        // Noon in New York on a weekday: only the registry decides.
        expect(await svc.decideNumber('+12125550100', 'US', null), name).toMatchObject({ allowed: false, registry: 'US' });
        expect(await svc.decideNumber('+13125550000', 'US', null), name).toMatchObject({ allowed: true, registry: 'US' });
        expect(readFileSync(path.join(registryDir, 'US.rsdnc')).equals(before), name).toBe(true);
        const work = path.join(registryDir, 'US.work');
        expect(existsSync(work) ? readdirSync(work) : [], name).toEqual([]);
        expect(existsSync(path.join(registryDir, 'US.full.checkpoint.json')), name).toBe(false);
      }
    } finally {
      await store.close();
    }
  }, 60_000);
});
