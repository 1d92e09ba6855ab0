/**
 * Do-Not-Call registry index benchmark: generates N synthetic numbers (uniform over valid NANP:
 * NPA 200-999, NXX 200-999, any line; seeded PRNG) as flat text files in the FTC full-list
 * format (one 10-digit number per line, one file per area code, random order, duplicates as
 * they fall), then measures the index against a sorted Float64Array with binary search:
 * build time from the flat files, size on disk, memory after load (in a fresh child process),
 * random lookups/s (10 M: half listed numbers, half random), a 1 M-lead scrub via hasMany,
 * and a change list. A Bloom filter at 1 % false positives is sized by formula.
 * Prints a table and writes test-results/registry-bench.json. Deletes its temp dir.
 *
 *   npx tsx tests/bench/registry-bench.ts                 # 253,000,000 numbers (~2.8 GB of text in /tmp)
 *   npx tsx tests/bench/registry-bench.ts --quick         # 5,000,000
 *   npx tsx tests/bench/registry-bench.ts --numbers 20000000
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { applyChanges, RegistryIndex, RegistryIndexBuilder } from '../../electron/core/compliance/registry-index.js';

const LOOKUPS = 10_000_000;
const SCRUB = 1_000_000;
const HIT_SAMPLE = 5_000_000;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CHANGES = 100_000;

/** sfc32: small, fast, seeded; good enough for synthetic phone numbers. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  for (let i = 0; i < 15; i++) next();
  function next(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }
  return next;
}

/** A random number with the generator's distribution (NPA 200-999, NXX 200-999, any line). */
function randomNumber(next: () => number): number {
  const r = next() % 640_000;
  const npa = 200 + ((r / 800) | 0);
  const nxx = 200 + (r % 800);
  return npa * 10_000_000 + nxx * 10_000 + (next() % 10_000);
}

/** Writes n numbers into one file per area code; returns a sample of up to HIT_SAMPLE of them. */
export function generate(dir: string, n: number, seed: number): Float64Array {
  const next = prng(seed);
  const BUF = 1 << 16;
  const bufs = Array.from({ length: 800 }, () => Buffer.allocUnsafe(BUF));
  const fills = new Uint32Array(800);
  const fds = Array.from({ length: 800 }, (_, i) => openSync(join(dir, `${200 + i}.txt`), 'w'));
  const stride = Math.max(1, Math.floor(n / HIT_SAMPLE));
  const sample = new Float64Array(Math.min(HIT_SAMPLE, Math.ceil(n / stride)));
  let s = 0;
  for (let i = 0; i < n; i++) {
    const r = next() % 640_000;
    const a = (r / 800) | 0;
    const npa = 200 + a;
    const nxx = 200 + (r % 800);
    const line = next() % 10_000;
    if (i % stride === 0 && s < sample.length) sample[s++] = npa * 10_000_000 + nxx * 10_000 + line;
    let f = fills[a];
    const buf = bufs[a];
    if (f + 11 > BUF) {
      writeSync(fds[a], buf, 0, f);
      f = 0;
    }
    buf[f] = 48 + ((npa / 100) | 0);
    buf[f + 1] = 48 + (((npa / 10) | 0) % 10);
    buf[f + 2] = 48 + (npa % 10);
    buf[f + 3] = 48 + ((nxx / 100) | 0);
    buf[f + 4] = 48 + (((nxx / 10) | 0) % 10);
    buf[f + 5] = 48 + (nxx % 10);
    buf[f + 6] = 48 + ((line / 1000) | 0);
    buf[f + 7] = 48 + (((line / 100) | 0) % 10);
    buf[f + 8] = 48 + (((line / 10) | 0) % 10);
    buf[f + 9] = 48 + (line % 10);
    buf[f + 10] = 10;
    fills[a] = f + 11;
  }
  for (let a = 0; a < 800; a++) {
    if (fills[a] > 0) writeSync(fds[a], bufs[a], 0, fills[a]);
    closeSync(fds[a]);
  }
  return sample.subarray(0, s);
}

interface Sink {
  add(n: number): void;
}

/**
 * Parses FTC flat-file text (one 10-digit number per line, `\r\n` tolerated) from 1 MiB reads;
 * returns the count of malformed lines (skipped). The common line, 10 digits and a newline, is
 * decoded in one step from two 5-digit halves (no per-byte loop-carried multiply chain); anything
 * else goes through a per-line slow path.
 */
function parseFile(path: string, chunk: Uint8Array, sink: Sink): number {
  const fd = openSync(path, 'r');
  let bad = 0;
  let have = 0; // bytes of an unfinished line carried to the start of `chunk`
  try {
    for (;;) {
      const got = readSync(fd, chunk, have, chunk.length - have, null);
      const end = have + got;
      let i = 0;
      for (;;) {
        if (i + 11 <= end) {
          const nl = chunk[i + 10];
          const crlf = nl === 13 && i + 12 <= end && chunk[i + 11] === 10;
          if (nl === 10 || crlf) {
            const d0 = chunk[i] - 48;
            const d1 = chunk[i + 1] - 48;
            const d2 = chunk[i + 2] - 48;
            const d3 = chunk[i + 3] - 48;
            const d4 = chunk[i + 4] - 48;
            const d5 = chunk[i + 5] - 48;
            const d6 = chunk[i + 6] - 48;
            const d7 = chunk[i + 7] - 48;
            const d8 = chunk[i + 8] - 48;
            const d9 = chunk[i + 9] - 48;
            // Negative when any byte is not a digit: d < 0, or d > 9 making 9 - d < 0.
            const check =
              d0 |
              d1 |
              d2 |
              d3 |
              d4 |
              d5 |
              d6 |
              d7 |
              d8 |
              d9 |
              (9 - d0) |
              (9 - d1) |
              (9 - d2) |
              (9 - d3) |
              (9 - d4) |
              (9 - d5) |
              (9 - d6) |
              (9 - d7) |
              (9 - d8) |
              (9 - d9);
            if (check >= 0) {
              const hi = d0 * 10_000 + d1 * 1_000 + d2 * 100 + d3 * 10 + d4;
              const lo = d5 * 10_000 + d6 * 1_000 + d7 * 100 + d8 * 10 + d9;
              sink.add(hi * 100_000 + lo);
              i += crlf ? 12 : 11;
              continue;
            }
          }
        }
        let j = i;
        while (j < end && chunk[j] !== 10) j++;
        if (j === end) break;
        bad += parseLine(chunk, i, j, sink);
        i = j + 1;
      }
      if (got === 0) {
        if (i < end) bad += parseLine(chunk, i, end, sink);
        break;
      }
      chunk.copyWithin(0, i, end);
      have = end - i;
      if (have === chunk.length) {
        bad++; // a 1 MiB "line": not a number list
        have = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  return bad;
}

/** One line without its `\n`: adds it when it is 10 digits (a trailing `\r` allowed); returns 1 for a bad non-empty line. */
function parseLine(bytes: Uint8Array, from: number, to: number, sink: Sink): number {
  if (to > from && bytes[to - 1] === 13) to--;
  if (to === from) return 0;
  if (to - from !== 10) return 1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) return 1;
    n = n * 10 + d;
  }
  sink.add(n);
  return 0;
}

function binarySearch(sorted: Float64Array, n: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v < n) lo = mid + 1;
    else if (v > n) hi = mid - 1;
    else return true;
  }
  return false;
}

function mb(bytes: number): number {
  return Math.round((bytes / 1e6) * 10) / 10;
}

function secs(ms: number): number {
  return Math.round(ms / 10) / 100;
}

/** Child mode: load the index in a fresh process and report what it costs. */
function childLoad(path: string): void {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const before = process.memoryUsage();
  let t = performance.now();
  let index: RegistryIndex | undefined = RegistryIndex.load(path);
  const loadMs = performance.now() - t;
  gc();
  const after = process.memoryUsage();
  const count = index.meta.count;
  index = undefined;
  gc();
  t = performance.now();
  RegistryIndex.load(path, { verify: false });
  const loadNoVerifyMs = performance.now() - t;
  process.stdout.write(
    JSON.stringify({ loadMs, loadNoVerifyMs, rssBefore: before.rss, rssAfter: after.rss, heapUsed: after.heapUsed, arrayBuffers: after.arrayBuffers, count }) +
      '\n',
  );
}

/** Wall and CPU (user + system) milliseconds of fn. */
function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = fn();
  const wallMs = performance.now() - t;
  const u = process.cpuUsage(c);
  return { value, wallMs, cpuMs: (u.user + u.system) / 1000 };
}

function perSecond(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

/**
 * Generates, builds and measures; returns the figures (the CLI also writes them to
 * test-results/registry-bench.json). Rates are given by wall time and by this process's CPU
 * time (user + system): on a shared machine the wall figures include time spent waiting for a
 * core, so `loadAvg1m` is recorded alongside.
 */
export async function runRegistryBench(opts: { numbers: number }): Promise<Record<string, number>> {
  const N = opts.numbers;
  // Text (11 bytes a number) + spill files (4) + index and its changed copy (~2): refuse early
  // rather than fill the disk halfway through.
  const fs = statfsSync(tmpdir());
  const needed = N * 17 + 100e6;
  if (fs.bavail * fs.bsize < needed) throw new Error(`registry bench needs ~${mb(needed)} MB free in ${tmpdir()}, has ${mb(fs.bavail * fs.bsize)} MB`);
  const tmp = mkdtempSync(join(tmpdir(), 'ringside-dnc-bench-'));
  const r: Record<string, number> = { numbers: N, cores: availableParallelism(), loadAvg1mStart: Math.round(loadavg()[0] * 100) / 100 };
  const log = (s: string) => process.stdout.write(`[registry-bench] ${s}\n`);
  try {
    const textDir = join(tmp, 'text');
    mkdirSync(textDir);
    const gen = timed(() => generate(textDir, N, 20_240_601));
    const sample = gen.value;
    r.generateS = secs(gen.wallMs);
    const files = readdirSync(textDir)
      .sort()
      .map((f) => join(textDir, f));
    r.textMb = mb(files.reduce((sum, f) => sum + statSync(f).size, 0));
    log(`generated ${N.toLocaleString('en-US')} numbers (${r.textMb} MB of text, ${files.length} files) in ${r.generateS} s`);

    // ---- index build: text → builder (spill) → finish ----
    const indexPath = join(tmp, 'us.rsdnc');
    const chunk = new Uint8Array(1 << 20);
    let peakRss = process.memoryUsage.rss();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const builder = await RegistryIndexBuilder.open(join(tmp, 'work'));
    let bad = 0;
    for (const f of files) {
      bad += parseFile(f, chunk, builder);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const tParsed = performance.now();
    const meta = await builder.finish(indexPath, { registry: 'US', snapshotAt: Date.now() }, () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    });
    const cpuBuild = process.cpuUsage(cpu0);
    r.buildS = secs(performance.now() - t0);
    r.buildCpuS = secs((cpuBuild.user + cpuBuild.system) / 1000);
    r.buildParseSpillS = secs(tParsed - t0);
    r.buildEncodeS = secs(performance.now() - tParsed);
    r.buildPeakRssMb = mb(peakRss);
    r.distinct = meta.count;
    if (bad !== 0 || builder.added !== N) throw new Error(`parse lost numbers: ${bad} bad lines, ${builder.added} added of ${N}`);
    r.indexMb = mb(statSync(indexPath).size);
    r.indexBitsPerNumber = Math.round(((statSync(indexPath).size * 8) / meta.count) * 100) / 100;
    log(
      `index built in ${r.buildS} s wall, ${r.buildCpuS} s CPU (parse+spill ${r.buildParseSpillS} s, encode ${r.buildEncodeS} s): ${r.indexMb} MB, ${r.indexBitsPerNumber} bits/number`,
    );

    // ---- load in a fresh process: the memory it costs ----
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child-load', indexPath], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (child.status !== 0) throw new Error(`load child failed: ${child.stderr || child.error?.message}`);
    const c = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      loadMs: number;
      loadNoVerifyMs: number;
      rssBefore: number;
      rssAfter: number;
      heapUsed: number;
      arrayBuffers: number;
      count: number;
    };
    r.loadMs = Math.round(c.loadMs);
    r.loadNoVerifyMs = Math.round(c.loadNoVerifyMs);
    r.loadRssDeltaMb = mb(c.rssAfter - c.rssBefore);
    r.loadRssMb = mb(c.rssAfter);
    r.loadHeapUsedMb = mb(c.heapUsed);
    r.loadArrayBuffersMb = mb(c.arrayBuffers);
    log(`fresh process: load ${r.loadMs} ms (${r.loadNoVerifyMs} ms without the data checksum), RSS +${r.loadRssDeltaMb} MB (process total ${r.loadRssMb} MB)`);

    // ---- baseline: the same text → Float64Array → sort → dedupe ----
    const all = new Float64Array(N);
    let filled = 0;
    const collect: Sink = {
      add(n: number) {
        all[filled++] = n;
      },
    };
    const baseParse = timed(() => {
      for (const f of files) parseFile(f, chunk, collect);
    });
    const baseSort = timed(() => {
      all.sort();
      let u = 0;
      for (let i = 0; i < filled; i++) if (i === 0 || all[i] !== all[u - 1]) all[u++] = all[i];
      return u;
    });
    const u = baseSort.value;
    const sorted = all.subarray(0, u);
    r.baselineBuildS = secs(baseParse.wallMs + baseSort.wallMs);
    r.baselineSortS = secs(baseSort.wallMs);
    r.baselineMb = mb(u * 8);
    if (u !== meta.count) throw new Error(`distinct count differs: index ${meta.count}, sorted array ${u}`);
    log(`sorted array built in ${r.baselineBuildS} s (sort+dedupe ${r.baselineSortS} s): ${r.baselineMb} MB`);
    rmSync(textDir, { recursive: true, force: true });

    // ---- lookups: half listed (from the generator's sample), half random ----
    const index = RegistryIndex.load(indexPath);
    const next = prng(7);
    const queries = new Float64Array(LOOKUPS);
    for (let i = 0; i < LOOKUPS; i++) queries[i] = i % 2 === 0 ? sample[next() % sample.length] : randomNumber(next);
    for (let i = LOOKUPS - 1; i > 0; i--) {
      const j = next() % (i + 1);
      const q = queries[i];
      queries[i] = queries[j];
      queries[j] = q;
    }
    const expected = new Uint8Array(LOOKUPS);
    for (let i = 0; i < 100_000; i++) binarySearch(sorted, randomNumber(next)); // warm the JIT
    const base = timed(() => {
      let hits = 0;
      for (let i = 0; i < LOOKUPS; i++) {
        if (binarySearch(sorted, queries[i])) {
          expected[i] = 1;
          hits++;
        }
      }
      return hits;
    });
    r.baselineLookupsPerS = perSecond(LOOKUPS, base.wallMs);
    r.baselineLookupsPerCpuS = perSecond(LOOKUPS, base.cpuMs);
    // Warm the JIT on other numbers than the timed ones.
    const warm = new Float64Array(200_000);
    for (let i = 0; i < warm.length; i++) warm[i] = randomNumber(next);
    for (let i = 0; i < warm.length; i++) index.has(warm[i]);
    index.hasMany(warm, new Uint8Array(warm.length));
    const single = timed(() => {
      let hits = 0;
      for (let i = 0; i < LOOKUPS; i++) if (index.has(queries[i])) hits++;
      return hits;
    });
    r.lookupsPerS = perSecond(LOOKUPS, single.wallMs);
    r.lookupsPerCpuS = perSecond(LOOKUPS, single.cpuMs);
    const got = new Uint8Array(LOOKUPS);
    const many = timed(() => index.hasMany(queries, got));
    r.hasManyPerS = perSecond(LOOKUPS, many.wallMs);
    r.hasManyPerCpuS = perSecond(LOOKUPS, many.cpuMs);
    let mismatches = 0;
    for (let i = 0; i < LOOKUPS; i++) if (got[i] !== expected[i]) mismatches++;
    r.lookupHits = single.value;
    r.lookupMismatches = mismatches;
    if (single.value !== base.value || mismatches !== 0)
      throw new Error(`lookups disagree with the sorted array: ${single.value} vs ${base.value} hits, ${mismatches} mismatches`);
    log(
      `lookups/s (wall; CPU): has ${r.lookupsPerS.toLocaleString('en-US')}; ${r.lookupsPerCpuS.toLocaleString('en-US')} — hasMany ${r.hasManyPerS.toLocaleString('en-US')}; ${r.hasManyPerCpuS.toLocaleString('en-US')} — sorted array ${r.baselineLookupsPerS.toLocaleString('en-US')}; ${r.baselineLookupsPerCpuS.toLocaleString('en-US')}. ${single.value} hits, all equal`,
    );

    // ---- scrub a 1 M-lead list ----
    const leads = new Float64Array(SCRUB);
    for (let i = 0; i < SCRUB; i++) leads[i] = randomNumber(next);
    const flags = new Uint8Array(SCRUB);
    const scrub = timed(() => index.hasMany(leads, flags));
    r.scrub1mMs = Math.round(scrub.wallMs);
    r.scrub1mCpuMs = Math.round(scrub.cpuMs);
    const baseScrub = timed(() => {
      let listed = 0;
      for (let i = 0; i < SCRUB; i++) if (binarySearch(sorted, leads[i])) listed++;
      return listed;
    });
    r.baselineScrub1mMs = Math.round(baseScrub.wallMs);
    let listed = 0;
    for (let i = 0; i < SCRUB; i++) listed += flags[i];
    if (listed !== baseScrub.value) throw new Error(`scrub disagrees: ${listed} vs ${baseScrub.value}`);
    r.scrubListed = listed;

    // ---- a change list: 100 k removals of listed numbers, 100 k additions ----
    const removes: number[] = [];
    const adds: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      removes.push(sample[next() % sample.length]);
      adds.push(randomNumber(next));
    }
    const changedPath = join(tmp, 'us-changed.rsdnc');
    const t1 = performance.now();
    const change = await applyChanges(index, { add: adds, remove: removes }, changedPath, Date.now());
    r.changes200kS = secs(performance.now() - t1);
    const changed = RegistryIndex.load(changedPath);
    for (const n of adds) if (!changed.has(n)) throw new Error(`added ${n} missing after applyChanges`);
    const addSet = new Set(adds);
    for (const n of removes) if (!addSet.has(n) && changed.has(n)) throw new Error(`removed ${n} still listed after applyChanges`);
    if (change.meta.count !== meta.count + change.added - change.removed) throw new Error('applyChanges count mismatch');

    // ---- Bloom filter at 1 % false positives: m = -n ln p / (ln 2)^2 bits ----
    r.bloom1pctMb = mb((-meta.count * Math.log(0.01)) / Math.LN2 ** 2 / 8);
    r.loadAvg1mEnd = Math.round(loadavg()[0] * 100) / 100;
    return r;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function printTable(r: Record<string, number>): void {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: Array<[string, string, string, string]> = [
    ['', 'RSDNC index', 'sorted Float64Array', 'Bloom 1 % FP'],
    ['numbers (distinct)', `${n(r.numbers)} (${n(r.distinct)})`, '', ''],
    [
      'build from flat files',
      `${r.buildS} s wall, ${r.buildCpuS} s CPU (parse+spill ${r.buildParseSpillS}, encode ${r.buildEncodeS})`,
      `${r.baselineBuildS} s (sort ${r.baselineSortS})`,
      '',
    ],
    ['build peak RSS', `${r.buildPeakRssMb} MB`, '', ''],
    ['size on disk', `${r.indexMb} MB (${r.indexBitsPerNumber} bits/number)`, `${r.baselineMb} MB`, `${r.bloom1pctMb} MB (inexact)`],
    ['memory after load', `+${r.loadRssDeltaMb} MB RSS (heap ${r.loadHeapUsedMb} MB)`, `${r.baselineMb} MB`, `${r.bloom1pctMb} MB`],
    ['load', `${r.loadMs} ms (${r.loadNoVerifyMs} ms unverified)`, '', ''],
    ['random has()/s wall; CPU', `${n(r.lookupsPerS)}; ${n(r.lookupsPerCpuS)}`, `${n(r.baselineLookupsPerS)}; ${n(r.baselineLookupsPerCpuS)}`, ''],
    ['random hasMany/s wall; CPU', `${n(r.hasManyPerS)}; ${n(r.hasManyPerCpuS)}`, '', ''],
    ['scrub 1 M leads (hasMany)', `${r.scrub1mMs} ms (${r.scrub1mCpuMs} ms CPU)`, `${r.baselineScrub1mMs} ms`, ''],
    ['change list 100 k + 100 k', `${r.changes200kS} s (rewrites the file)`, '', ''],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(row.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + '\n');
  process.stdout.write(
    `(generation of the text files: ${r.generateS} s, ${r.textMb} MB; load average ${r.loadAvg1mStart} → ${r.loadAvg1mEnd} on ${r.cores} cores)\n`,
  );
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child-load') {
    childLoad(argv[1]);
  } else {
    const at = argv.indexOf('--numbers');
    const numbers = argv.includes('--quick') ? 5_000_000 : at >= 0 ? Number(argv[at + 1]) : 253_000_000;
    if (!Number.isSafeInteger(numbers) || numbers < 1) throw new Error(`--numbers needs a positive integer, not ${argv[at + 1]}`);
    const r = await runRegistryBench({ numbers });
    printTable(r);
    const out = resolve(fileURLToPath(new URL('../../test-results', import.meta.url)));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'registry-bench.json'), JSON.stringify(r, null, 2) + '\n');
    process.stdout.write(`wrote ${join(out, 'registry-bench.json')}\n`);
  }
}
