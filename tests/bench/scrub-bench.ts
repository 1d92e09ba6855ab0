/**
 * List scrub benchmark, end to end: a campaign of N leads (US numbers, some with consent or
 * business-relationship evidence, some on the internal DNC list) in a real SQLite store, a US
 * registry index built with the real builder, then ComplianceService.scrub — read every phone
 * from SQLite, internal DNC, registry lookups, exemptions, write the verdicts. Reported: the first
 * scrub (writes every blocked mark) and re-scrubs (nothing changed), split between worker
 * threads as the app runs them, and re-scrubs in the main thread for comparison.
 *
 *   npx tsx tests/bench/scrub-bench.ts                 # 1,000,000 leads, 10 M registry numbers
 *   npx tsx tests/bench/scrub-bench.ts --leads 100000
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DateTime } from 'luxon';
import { ComplianceService } from '../../electron/core/compliance/compliance-service.js';
import { RegistryIndexBuilder } from '../../electron/core/compliance/registry-index.js';
import { blankLead, type NewLead } from '../../electron/core/data/repositories.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { defaultDispositions } from '../../shared/campaign.js';

export interface ScrubFigures {
  leads: number;
  registryNumbers: number;
  firstScrubMs: number;
  /** median of five re-scrubs */
  rescrubMs: number;
  rescrubMinMs: number;
  /** median of five re-scrubs in the main thread (no workers) */
  rescrubMainThreadMs: number;
  /** longest main-thread event-loop delay during the re-scrubs: in workers / in the main thread */
  loopMaxMs: number;
  loopMaxMainMs: number;
  blockedRegistry: number;
  blockedInternal: number;
  exempt: number;
}

/** The scrub worker bundled as the app ships it (dist/, so that node_modules resolves). */
async function bundleScrubWorker(): Promise<URL> {
  const outfile = fileURLToPath(new URL('../../dist/bench/scrub-worker.cjs', import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL('../../electron/core/compliance/scrub-worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['electron', 'better-sqlite3', 'libphonenumber-geo-carrier'],
  });
  return pathToFileURL(outfile);
}

export async function runScrubBench(opts: { leads: number; registryNumbers?: number }): Promise<ScrubFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-scrub-bench-'));
  const registryNumbers = opts.registryNumbers ?? 10_000_000;
  try {
    const store = openSqliteStore(join(dir, 'ringside.db'));
    const campaign = await store.campaigns.save({
      name: 'Scrub bench',
      kind: 'sales',
      defaultCountry: 'US',
      dispositions: defaultDispositions,
      script: { steps: [{ id: 'a', title: 'A', text: 'Hi' }], coldStart: 'a', warmStart: 'a' },
    });
    // Leads in a handful of area codes; the registry lists ~30 % of each exchange used.
    let seed = 7;
    const rnd = (k: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % k;
    };
    const areas = [212, 312, 415, 206, 303, 713, 602, 617];
    const now = Date.now();
    const today = DateTime.utc();
    const batch: NewLead[] = [];
    const internal: string[] = [];
    // Distinct numbers (a duplicate would be skipped by the import): lead i gets area i mod 8 and
    // line (i div 8) × an odd constant not divisible by 5, modulo 8,000,000 — a bijection.
    const leadNumber = (i: number): number => areas[i % areas.length] * 10_000_000 + 2_000_000 + ((Math.floor(i / areas.length) * 2_654_435_761) % 8_000_000);
    for (let i = 0; i < opts.leads; i++) {
      const n = leadNumber(i);
      const e164 = `+1${n}`;
      const ev = rnd(100);
      batch.push({
        ...blankLead(),
        firstName: `L${i}`,
        country: 'US',
        timeZone: 'America/New_York',
        consentAt: ev < 3 ? today.minus({ days: 400 }).toISODate() : null,
        inquiryAt: ev >= 3 && ev < 6 ? today.minus({ days: 20 }).toISODate() : null,
        phones: [{ e164, raw: e164, label: null }],
      });
      if (ev === 99) internal.push(e164);
      if (batch.length === 20_000) await store.leads.importBatch(campaign.id, batch.splice(0), 'skip', now);
    }
    if (batch.length) await store.leads.importBatch(campaign.id, batch.splice(0), 'skip', now);
    await store.dnc.addMany(internal, 'import', now);

    const builder = await RegistryIndexBuilder.open(join(dir, 'work'));
    // The registry: every lead number with probability 0.3 plus random numbers in the same areas.
    seed = 7;
    for (let i = 0; i < opts.leads; i++) if (i % 10 < 3) builder.add(leadNumber(i));
    for (let i = 0; builder.added < registryNumbers; i++) builder.add((200 + rnd(800)) * 10_000_000 + 2_000_000 + rnd(8_000_000));
    mkdirSync(join(dir, 'registry'), { recursive: true });
    await builder.finish(join(dir, 'registry', 'US.rsdnc'), { registry: 'US', snapshotAt: now - 86_400_000 });

    // As in the app: scrubs split between worker threads (bundled like electron/build.mjs does,
    // so the figures carry no tsx compile time), then the same in the main thread for comparison.
    const scrubWorker = await bundleScrubWorker();
    const service = (workers: boolean) => {
      const svc = new ComplianceService({
        store,
        dataDir: dir,
        currentCampaignId: () => campaign.id,
        defaultCountry: async () => 'US',
        emit: () => undefined,
        log: { info: () => undefined, warn: (m, e) => console.warn(m, e) },
        ...(workers ? { dbPath: join(dir, 'ringside.db'), scrubWorker } : {}),
      });
      svc.init();
      return svc;
    };
    // Re-scrubs (nothing changes): five, since one run on a shared VM varies by ±30 %; and how
    // late the main thread's event loop (SIP, IPC) ran meanwhile.
    const median5 = async (svc: ComplianceService): Promise<{ times: number[]; loopMaxMs: number }> => {
      const times: number[] = [];
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      for (let i = 0; i < 5; i++) {
        times.push((await svc.scrub(campaign.id)).durationMs);
        await new Promise((r) => setTimeout(r, 20)); // let the loop run, so a stall is recorded
      }
      h.disable();
      return { times: times.sort((a, b) => a - b), loopMaxMs: Math.round(h.max / 1e6) };
    };
    const svc = service(true);
    const first = await svc.scrub(campaign.id);
    const { times: again, loopMaxMs } = await median5(svc);
    const { times: inMain, loopMaxMs: loopMaxMainMs } = await median5(service(false));
    await store.close();
    return {
      leads: first.leads,
      registryNumbers,
      firstScrubMs: first.durationMs,
      rescrubMs: again[2]!,
      rescrubMinMs: again[0]!,
      rescrubMainThreadMs: inMain[2]!,
      loopMaxMs,
      loopMaxMainMs,
      blockedRegistry: first.blocked.registry,
      blockedInternal: first.blocked.internalDnc,
      exempt: first.exempt,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = process.argv.indexOf('--leads');
  const leads = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
  const f = await runScrubBench({ leads });
  console.log(`scrub of ${f.leads.toLocaleString('en-US')} leads against ${f.registryNumbers.toLocaleString('en-US')} registry numbers:`);
  console.log(
    `  first scrub ${f.firstScrubMs} ms (marks written), re-scrub ${f.rescrubMs} ms (median of 5; fastest ${f.rescrubMinMs} ms); in the main thread instead of a worker: re-scrub ${f.rescrubMainThreadMs} ms`,
  );
  console.log(`  main-thread event loop stalled at most ${f.loopMaxMs} ms during worker scrubs, ${f.loopMaxMainMs} ms during main-thread scrubs`);
  console.log(`  blocked: registry ${f.blockedRegistry}, internal DNC ${f.blockedInternal}; exempt ${f.exempt}`);
}
