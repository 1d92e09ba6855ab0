/**
 * CSV import benchmark: generates a realistic CSV (PL/US names, phones in mixed national and
 * international formats, company, e-mail, city, dates), imports it into a fresh temp SQLite DB
 * through the worker, and reports wall time and peak RSS (process RSS sampled every 50 ms:
 * the worker shares the process, so it covers both threads).
 *
 *   npx tsx tests/bench/import-bench.ts            # 1,000,000 rows
 *   BENCH_ROWS=50000 npx tsx tests/bench/import-bench.ts
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultDispositions } from '../../shared/campaign.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { runImportInWorker } from '../../electron/core/import/import-runner.js';

const firstPl = ['Jan', 'Anna', 'Piotr', 'Katarzyna', 'Łukasz', 'Małgorzata', 'Paweł', 'Zofia', 'Michał', 'Agnieszka'];
const lastPl = ['Kowalski', 'Nowak', 'Wiśniewska', 'Wójcik', 'Kamińska', 'Lewandowski', 'Zieliński', 'Szymańska', 'Woźniak', 'Dąbrowski'];
const firstUs = ['John', 'Mary', 'James', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Susan'];
const lastUs = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor'];
const citiesPl = ['Warszawa', 'Kraków', 'Łódź', 'Wrocław', 'Poznań', 'Gdańsk'];
const citiesUs = ['New York', 'Chicago', 'Houston', 'Phoenix', 'Seattle', 'Denver'];
const usAreas = ['212', '312', '415', '206', '303', '713', '602', '617'];
const plMobile = ['501', '502', '600', '601', '660', '691', '721', '798', '880', '512'];

/** A deterministic pseudo-random row generator (so runs compare). */
function* rows(n: number): Generator<string> {
  let seed = 12345;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let i = 0; i < n; i++) {
    const pl = rnd(2) === 0;
    const first = (pl ? firstPl : firstUs)[rnd(10)];
    const last = (pl ? lastPl : lastUs)[rnd(10)];
    const sub = String(i).padStart(7, '0');
    let phone: string;
    if (pl) {
      const p = `${plMobile[rnd(10)]}${sub.slice(1, 7)}`; // 9 digits
      phone = [`+48 ${p.slice(0, 3)} ${p.slice(3, 6)} ${p.slice(6)}`, `${p.slice(0, 3)}-${p.slice(3, 6)}-${p.slice(6)}`, `0048${p}`, p][rnd(4)];
    } else {
      const area = usAreas[rnd(8)];
      const ex = String(200 + rnd(700));
      const line = sub.slice(3);
      phone = [`(${area}) ${ex}-${line}`, `+1 ${area} ${ex} ${line}`, `${area}.${ex}.${line}`, `1-${area}-${ex}-${line}`][rnd(4)];
    }
    const company = rnd(3) === 0 ? `"${last} & Sons, ${pl ? 'Sp. z o.o.' : 'Inc.'}"` : `${last} ${pl ? 'S.A.' : 'LLC'}`;
    const email = `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.${pl ? 'pl' : 'com'}`;
    const city = (pl ? citiesPl : citiesUs)[rnd(6)];
    const d = 1 + rnd(28);
    const m = 1 + rnd(12);
    const date = pl ? `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.2024` : `2024-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    yield `${first},${last},${phone},${company},${email},${city},${pl ? 'PL' : 'US'},${date},${rnd(1000)}\n`;
  }
}

async function writeCsv(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('First name,Last name,Phone,Company,E-mail,City,Country,Consent date,Score\n');
  let buf = '';
  for (const line of rows(n)) {
    buf += line;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r, j) => out.on('finish', () => r()).on('error', j));
}

/** Writes `n` rows (default 1 M) as a CSV with the same generator the benchmark uses. */
export { writeCsv };

export async function benchImport(
  n = Number(process.env.BENCH_ROWS ?? 1_000_000),
): Promise<{ rows: number; ms: number; peakRssMb: number; rowsPerSec: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-import-bench-'));
  try {
    const csv = join(dir, 'leads.csv');
    await writeCsv(csv, n);
    const dbPath = join(dir, 'bench.db');
    const store = openSqliteStore(dbPath);
    const campaignId = (
      await store.campaigns.save({
        name: 'Bench',
        kind: 'outbound',
        dispositions: defaultDispositions,
        script: { steps: [{ id: 'intro', title: 'Intro', text: 'Hello' }], coldStart: 'intro', warmStart: 'intro' },
      })
    ).id;
    await store.close();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const report = await runImportInWorker({
      location: store.location,
      path: csv,
      campaignId,
      duplicates: 'merge',
      defaultCountry: 'US',
      mapping: ['firstName', 'lastName', 'phone', 'company', 'email', 'city', 'country', 'consentAt', 'score'],
      onProgress: (p) => {
        if (process.env.BENCH_PROGRESS) console.log(`  ${p.rowsDone} rows, ${Math.round((performance.now() - started) / 1000)} s`);
      },
    });
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (report.failed > 0)
      console.warn(
        `${report.failed} rows failed, e.g. ${report.errors
          .slice(0, 3)
          .map((e) => e.reason)
          .join('; ')}`,
      );
    return { rows: report.rowsDone, ms: Math.round(ms), peakRssMb: Math.round(peak / 2 ** 20), rowsPerSec: Math.round(report.rowsDone / (ms / 1000)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await benchImport());
}
