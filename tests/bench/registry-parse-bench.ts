/**
 * DNC registry parse throughput: generates registry files in a temp dir (20 M lines each by
 * default), imports each into a counting sink (no index, so this measures reading + parsing) and
 * prints lines/s and MB/s. Files are read twice and the second run is reported, so the page cache
 * is warm in both (the first read also writes them out).
 *
 *   npx tsx tests/bench/registry-parse-bench.ts
 *   BENCH_LINES=5000000 npx tsx tests/bench/registry-parse-bench.ts
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { importRegistryFiles, type RegistryFileKind } from '../../electron/core/compliance/registry-import.js';

const lines = Number(process.env.BENCH_LINES ?? 20_000_000);
const dir = mkdtempSync(join(tmpdir(), 'ringside-registry-bench-'));

/** Writes `lines` numbers in the given shape, in ~1 MiB writes. */
async function generate(name: string, format: (npa: number, sub: number, k: number) => string): Promise<string> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  let batch: string[] = [];
  for (let k = 0; k < lines; k++) {
    batch.push(format(201 + (k % 700), 2_000_000 + ((k * 7919) % 7_000_000), k));
    if (batch.length === 90_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
  return path;
}

async function measure(label: string, path: string, kind: RegistryFileKind): Promise<void> {
  let adds = 0;
  let removes = 0;
  const sink = { add: () => void adds++, remove: () => void removes++, checkpoint: async () => {} };
  await importRegistryFiles({ files: [{ path, kind }], sink });
  adds = 0;
  removes = 0;
  const t0 = process.hrtime.bigint();
  const report = await importRegistryFiles({ files: [{ path, kind }], sink });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mb = statSync(path).size / 1e6;
  if (report.numbers !== lines || adds + removes !== lines) throw new Error(`${label}: expected ${lines} numbers, got ${report.numbers} (bad ${report.badLines})`);
  console.log(`${label.padEnd(34)} ${(lines / seconds / 1e6).toFixed(1).padStart(6)} M lines/s  ${(mb / seconds).toFixed(0).padStart(5)} MB/s  ${seconds.toFixed(2)} s`);
}

try {
  console.log(`${lines.toLocaleString('en-US')} lines per file, node ${process.version}`);
  await measure('FTC full, NNNNNNNNNN LF', await generate('ftc.txt', (a, s) => `${a}${s}\n`), 'full');
  await measure('FTC full, NPA,NNNNNNN CRLF', await generate('ftc-pair.txt', (a, s) => `${a},${s}\r\n`), 'full');
  await measure('DNCL, (NPA) NXX-XXXX', await generate('dncl.txt', (a, s) => `(${a}) ${String(s).slice(0, 3)}-${String(s).slice(3)}\n`), 'full');
  await measure('changes, NNNNNNNNNN,A|D,date', await generate('changes.txt', (a, s, k) => `${a}${s},${k % 3 ? 'A' : 'D'},2024-01-15\n`), 'changes');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
