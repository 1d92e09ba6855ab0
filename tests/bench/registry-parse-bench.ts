/**
 * DNC registry parse throughput: generates registry files in a temp dir (20 M lines each by
 * default), imports each into a counting sink (no index, so this measures reading + parsing) and
 * prints lines/s and MB/s, best of three runs after a warm-up (page cache warm).
 *
 *   npx tsx tests/bench/registry-parse-bench.ts
 *   BENCH_LINES=5000000 npx tsx tests/bench/registry-parse-bench.ts
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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

/** Best of `runs` imports (after one warm-up): wall-clock and CPU-time rates, since a shared machine skews the wall clock. */
async function measure(label: string, path: string, kind: RegistryFileKind, runs = 3): Promise<void> {
  let calls = 0;
  const sink = { add: () => void calls++, remove: () => void calls++, checkpoint: async () => {} };
  await importRegistryFiles({ files: [{ path, kind }], sink });
  let bestWall = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < runs; r++) {
    calls = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const report = await importRegistryFiles({ files: [{ path, kind }], sink });
    bestWall = Math.min(bestWall, Number(process.hrtime.bigint() - t0) / 1e9);
    const cpu = process.cpuUsage(cpu0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
    if (report.numbers !== lines || calls !== lines) throw new Error(`${label}: expected ${lines} numbers, got ${report.numbers} (bad ${report.badLines})`);
  }
  const mb = statSync(path).size / 1e6;
  const rate = (s: number) => `${(lines / s / 1e6).toFixed(1).padStart(5)} M lines/s ${(mb / s).toFixed(0).padStart(5)} MB/s`;
  console.log(`${label.padEnd(32)} wall ${rate(bestWall)}   cpu ${rate(bestCpu)}`);
}

try {
  console.log(
    `${lines.toLocaleString('en-US')} lines per file, node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  await measure('FTC full, NNNNNNNNNN LF', await generate('ftc.txt', (a, s) => `${a}${s}\n`), 'full');
  await measure('FTC full, NPA,NNNNNNN CRLF', await generate('ftc-pair.txt', (a, s) => `${a},${s}\r\n`), 'full');
  await measure('DNCL, (NPA) NXX-XXXX', await generate('dncl.txt', (a, s) => `(${a}) ${String(s).slice(0, 3)}-${String(s).slice(3)}\n`), 'full');
  await measure('changes, NNNNNNNNNN,A|D,date', await generate('changes.txt', (a, s, k) => `${a}${s},${k % 3 ? 'A' : 'D'},2024-01-15\n`), 'changes');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
