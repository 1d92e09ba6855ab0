/**
 * Registry import through the app's own service, as an agent's desktop runs it: N synthetic
 * numbers as FTC flat files (one per area code) in the registry inbox, ComplianceService.startImport,
 * until the new index is loaded. While it runs, the main thread's event loop — where SIP
 * signalling and IPC live — is probed every millisecond: the figure is how late those probes ran
 * (max and p99), i.e. how long a SIP message or a click could wait behind the import.
 *
 *   npx tsx tests/bench/registry-import-bench.ts                 # 100,000,000 numbers
 *   npx tsx tests/bench/registry-import-bench.ts --numbers 2000000
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ComplianceStatus } from '../../shared/compliance.js';
import { ComplianceService } from '../../electron/core/compliance/compliance-service.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { generate } from './registry-bench.js';

export interface RegistryImportFigures {
  numbers: number;
  files: number;
  importMs: number;
  /** main-thread event-loop delay while importing (ms) */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayMeanMs: number;
  listed: number;
}

export async function runRegistryImportBench(opts: { numbers: number }): Promise<RegistryImportFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-registry-import-bench-'));
  try {
    const inbox = join(dir, 'registry-inbox');
    mkdirSync(inbox, { recursive: true });
    generate(inbox, opts.numbers, 11);
    const files = readdirSync(inbox).map((name) => ({ name, kind: 'full' as const }));
    const store = openSqliteStore(join(dir, 'ringside.db'));
    let ended: (s: ComplianceStatus) => void = () => undefined;
    const finished = new Promise<ComplianceStatus>((r) => (ended = r));
    const svc = new ComplianceService({
      store,
      dataDir: dir,
      currentCampaignId: () => null,
      defaultCountry: async () => 'US',
      emit: (s) => {
        if (s.import && ['done', 'failed', 'cancelled'].includes(s.import.phase)) ended(s);
      },
      log: { info: () => undefined, warn: (m, e) => console.warn(m, e) },
    });
    svc.init();
    const h = monitorEventLoopDelay({ resolution: 1 });
    const started = performance.now();
    h.enable();
    await svc.startImport({ registry: 'US', mode: 'full', files, snapshotDate: new Date().toISOString().slice(0, 10) });
    const status = await finished;
    const importMs = performance.now() - started;
    h.disable();
    if (status.import?.phase !== 'done') throw new Error(`import ${status.import?.phase}: ${status.import?.message}`);
    const listed = status.registries.find((r) => r.name === 'US')?.count ?? 0;
    await store.close();
    const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
    return {
      numbers: opts.numbers,
      files: files.length,
      importMs: Math.round(importMs),
      loopDelayMaxMs: ms(h.max),
      loopDelayP99Ms: ms(h.percentile(99)),
      loopDelayMeanMs: ms(h.mean),
      listed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--numbers');
  const numbers = at > 0 ? Number(process.argv[at + 1]) : 100_000_000;
  const f = await runRegistryImportBench({ numbers });
  console.log(
    `registry import of ${f.numbers.toLocaleString('en-US')} numbers (${f.files} files, ${f.listed.toLocaleString('en-US')} distinct) through ComplianceService: ${(f.importMs / 1000).toFixed(1)} s`,
  );
  console.log(`  main-thread event-loop delay while importing: max ${f.loopDelayMaxMs} ms, p99 ${f.loopDelayP99Ms} ms, mean ${f.loopDelayMeanMs} ms`);
}
