import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyChanges, RegistryIndex, RegistryIndexBuilder } from '../../../electron/core/compliance/registry-index';
import { mulberry32 } from '../../support/prng';

const rng = mulberry32;

const num = (npa: number, nxx: number, line: number): number => npa * 10_000_000 + nxx * 10_000 + line;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-dnc-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Numbers shaped to reach every encoding path: blocks from 1 line to all 10,000 (Elias–Fano
 * with every low-bit width, bitmaps), parts left empty, lines 0000 and 9999, the first and last
 * possible numbers.
 */
function mixedNumbers(seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  const block = (npa: number, nxx: number, k: number, from = 0, to = 10_000) => {
    for (let i = 0; i < k; i++) out.push(num(npa, nxx, from + Math.floor(r() * (to - from))));
  };
  // Sparse to dense, random lines: k ≈ 1, 3, 10, 40, 150, 388 (the US average), 1000, 2000, 2400, 3000, 6000.
  const sizes = [1, 3, 10, 40, 150, 388, 1000, 2000, 2400, 3000, 6000];
  sizes.forEach((k, i) => {
    for (let j = 0; j < 6; j++) block(201 + i, 200 + j * 37, k);
  });
  // A full block and a block with every other line (bitmaps), lines 0 and 9999 included.
  for (let line = 0; line < 10_000; line++) out.push(num(250, 555, line));
  for (let line = 0; line < 10_000; line += 2) out.push(num(250, 556, line));
  // Lines only in one part (others empty), in the first and last part, and at part edges.
  block(260, 300, 200, 3_750, 5_000);
  block(260, 301, 30, 0, 1_250);
  block(260, 302, 30, 8_750, 10_000);
  for (const line of [0, 1, 1_249, 1_250, 1_251, 2_499, 2_500, 8_749, 8_750, 9_998, 9_999]) out.push(num(260, 303, line));
  // Many scattered numbers across the whole NANP range (mostly one per block).
  for (let i = 0; i < 40_000; i++) out.push(200 * 10_000_000 + Math.floor(r() * 8_000_000_000));
  // NXX 000 and 999, NPA 200 and 999, the extreme numbers.
  out.push(num(200, 0, 0), num(200, 0, 9_999), num(999, 999, 0), 2_000_000_000, 9_999_999_999, num(999, 999, 9_998), num(500, 0, 1));
  return out;
}

async function build(numbers: Iterable<number>, name = 'index.rsdnc', registry: 'US' | 'CA' = 'US'): Promise<{ path: string; index: RegistryIndex }> {
  const builder = await RegistryIndexBuilder.open(path.join(dir, 'work'));
  for (const n of numbers) builder.add(n);
  const out = path.join(dir, name);
  await builder.finish(out, { registry, snapshotAt: 1_700_000_000_000 });
  return { path: out, index: RegistryIndex.load(out) };
}

/** Every member, every member's neighbours, and random numbers: has() and hasMany() agree with the Set. */
function expectSameAs(index: RegistryIndex, set: Set<number>, seed: number): void {
  const r = rng(seed);
  const probes: number[] = [];
  for (const n of set) probes.push(n, n - 1, n + 1);
  for (let i = 0; i < 50_000; i++) probes.push(2_000_000_000 + Math.floor(r() * 8_000_000_000));
  let wrong = 0;
  for (const n of probes) if (index.has(n) !== set.has(n)) wrong++;
  expect(wrong).toBe(0);
  // hasMany: a big list (the sorted path) and a small one (the direct path).
  const many = Float64Array.from(probes);
  const out = new Uint8Array(many.length);
  index.hasMany(many, out);
  const small = many.subarray(0, 100);
  const outSmall = new Uint8Array(100);
  index.hasMany(small, outSmall);
  let wrongMany = 0;
  for (let i = 0; i < many.length; i++) if (out[i] !== (set.has(many[i]) ? 1 : 0)) wrongMany++;
  for (let i = 0; i < small.length; i++) if (outSmall[i] !== (set.has(small[i]) ? 1 : 0)) wrongMany++;
  expect(wrongMany).toBe(0);
  expect(index.meta.count).toBe(set.size);
}

describe('RegistryIndex: exact membership', () => {
  it('answers exactly like a Set for sparse, average, dense and full blocks and the edges', async () => {
    const numbers = mixedNumbers(1);
    const set = new Set(numbers);
    const { index, path: file } = await build(numbers);
    expect(index.meta).toMatchObject({ registry: 'US', snapshotAt: 1_700_000_000_000, count: set.size });
    expect(index.byteLength).toBe(statSync(file).size);
    expectSameAs(index, set, 2);
    for (const n of [2_000_000_000, 9_999_999_999, num(250, 555, 0), num(250, 555, 9_999), num(200, 0, 0)]) expect(index.has(n)).toBe(true);
    expect(index.has(num(250, 556, 1))).toBe(false);
    expect(index.has(num(250, 556, 9_998))).toBe(true);
  });

  it('hasMany over more than one sort chunk (2^20 numbers) gives the same answers as has', async () => {
    const numbers = mixedNumbers(31);
    const { index } = await build(numbers);
    const r = rng(32);
    const list = new Float64Array((1 << 20) + 12_345);
    for (let i = 0; i < list.length; i++) list[i] = i % 3 === 0 ? numbers[Math.floor(r() * numbers.length)] : 2_000_000_000 + Math.floor(r() * 8_000_000_000);
    list[list.length - 1] = 9_999_999_999;
    list[5] = Number.NaN;
    const out = new Uint8Array(list.length);
    index.hasMany(list, out);
    let wrong = 0;
    for (let i = 0; i < list.length; i++) if (out[i] !== (index.has(list[i]) ? 1 : 0)) wrong++;
    expect(wrong).toBe(0);
    expect(out[list.length - 1]).toBe(1);
    expect(out[5]).toBe(0);
  });

  it('keeps a uniform registry near 6.8 bits per number plus the directory', async () => {
    // 200,000 numbers over 500 prefixes: ~400 per block, the density of the US registry.
    const r = rng(3);
    const set = new Set<number>();
    for (let i = 0; i < 200_000; i++) set.add(num(300 + Math.floor(r() * 5), 200 + Math.floor(r() * 100), Math.floor(r() * 10_000)));
    const { index } = await build(set);
    const directory = 800_000 * 16 + 64 + 4;
    const bitsPerNumber = ((index.byteLength - directory) * 8) / set.size;
    expect(bitsPerNumber).toBeGreaterThan(6);
    expect(bitsPerNumber).toBeLessThan(7);
    expectSameAs(index, set, 4);
  });

  it('counts duplicates in `added` but stores each number once, whatever the order', async () => {
    const builder = await RegistryIndexBuilder.open(path.join(dir, 'work'));
    const base = [num(212, 555, 123), num(212, 555, 124), num(999, 999, 9_999), num(212, 555, 123)];
    for (let i = 0; i < 5; i++) for (const n of [...base].reverse()) builder.add(n);
    expect(builder.added).toBe(20);
    const meta = await builder.finish(path.join(dir, 'dup.rsdnc'), { registry: 'CA', snapshotAt: 5 });
    expect(meta).toMatchObject({ registry: 'CA', snapshotAt: 5, count: 3 });
    expect(meta.builtAt).toBeGreaterThan(0);
    const index = RegistryIndex.load(path.join(dir, 'dup.rsdnc'));
    expect(index.meta).toEqual(meta);
    expectSameAs(index, new Set(base), 5);
  });

  it('builds a valid empty index, and RegistryIndex.empty answers false', async () => {
    const { index } = await build([]);
    expect(index.meta.count).toBe(0);
    expect(index.has(2_015_550_123)).toBe(false);
    const empty = RegistryIndex.empty({ registry: 'US', snapshotAt: 0 });
    expect(empty.meta.count).toBe(0);
    expect(empty.has(2_015_550_123)).toBe(false);
  });

  it('leaves no temp file next to the output and removes its work dir', async () => {
    await build([2_015_550_123]);
    expect(readdirSync(dir).sort()).toEqual(['index.rsdnc']);
  });
});

describe('RegistryIndex: inputs out of range', () => {
  const bad = [1_999_999_999, 10_000_000_000, 2_015_550_123.5, Number.NaN, -2_015_550_123, Number.POSITIVE_INFINITY, 0, 1_015_550_123, 15_550_123];

  it('add throws RangeError for anything but a 10-digit integer with NPA 200-999', async () => {
    const builder = await RegistryIndexBuilder.open(path.join(dir, 'work'));
    for (const n of bad) expect(() => builder.add(n), String(n)).toThrow(RangeError);
    expect(() => builder.add('2015550123' as unknown as number)).toThrow(RangeError);
    expect(builder.added).toBe(0);
    await builder.abort();
    expect(existsSync(path.join(dir, 'work'))).toBe(false);
  });

  it('has and hasMany answer false for them', async () => {
    const { index } = await build([2_000_000_000, 9_999_999_999]);
    for (const n of bad) expect(index.has(n)).toBe(false);
    const list = Float64Array.from([...bad, 2_000_000_000]);
    const out = new Uint8Array(list.length);
    index.hasMany(list, out);
    expect(Array.from(out)).toEqual([...bad.map(() => 0), 1]);
    expect(() => index.hasMany(list, new Uint8Array(1))).toThrow(RangeError);
  });

  it('a finished builder refuses more numbers', async () => {
    const builder = await RegistryIndexBuilder.open(path.join(dir, 'work'));
    builder.add(2_015_550_123);
    await builder.finish(path.join(dir, 'a.rsdnc'), { registry: 'US', snapshotAt: 0 });
    expect(() => builder.add(2_015_550_124)).toThrow(/finished/);
  });
});

describe('RegistryIndexBuilder: resumable imports', () => {
  it('resumes from the last checkpoint after a crash, dropping what came after it', async () => {
    const r = rng(7);
    // Enough numbers in one area code to force spill flushes before and after the checkpoint.
    const first = Array.from({ length: 40_000 }, () => num(415, 200 + Math.floor(r() * 800), Math.floor(r() * 10_000)));
    const second = [
      ...Array.from({ length: 30_000 }, () => num(415, 200 + Math.floor(r() * 800), Math.floor(r() * 10_000))),
      ...Array.from({ length: 20_000 }, () => num(200 + Math.floor(r() * 800), 200 + Math.floor(r() * 800), Math.floor(r() * 10_000))),
    ];
    const work = path.join(dir, 'work');
    const spill = path.join(work, 'npa-415.u32');
    const a = await RegistryIndexBuilder.open(work);
    for (const n of first) a.add(n);
    await a.checkpoint();
    const checkpointed = statSync(spill).size;
    expect(checkpointed).toBe(first.length * 4);
    for (const n of second.slice(0, 40_000)) a.add(n); // the "crash": some of it already flushed
    expect(statSync(spill).size).toBeGreaterThan(checkpointed);

    const b = await RegistryIndexBuilder.open(work, { resume: true });
    expect(b.added).toBe(first.length);
    expect(statSync(spill).size).toBe(checkpointed);
    for (const n of second) b.add(n); // the caller restarts its input from `added`
    await b.checkpoint();
    const c = await RegistryIndexBuilder.open(work, { resume: true }); // a second restart, nothing lost
    expect(c.added).toBe(first.length + second.length);
    const out = path.join(dir, 'resumed.rsdnc');
    const meta = await c.finish(out, { registry: 'US', snapshotAt: 9 });
    const set = new Set([...first, ...second]);
    expect(meta.count).toBe(set.size);
    expect(existsSync(work)).toBe(false);
    expectSameAs(RegistryIndex.load(out), set, 8);
  });

  it('resume with no checkpoint starts empty; a fresh open discards an old import', async () => {
    const work = path.join(dir, 'work');
    const a = await RegistryIndexBuilder.open(work);
    for (let i = 0; i < 20_000; i++) a.add(num(303, 555, i % 10_000));
    const b = await RegistryIndexBuilder.open(work, { resume: true });
    expect(b.added).toBe(0);
    b.add(num(303, 555, 1));
    await b.checkpoint();
    const fresh = await RegistryIndexBuilder.open(work);
    expect(fresh.added).toBe(0);
    const meta = await fresh.finish(path.join(dir, 'x.rsdnc'), { registry: 'US', snapshotAt: 0 });
    expect(meta.count).toBe(0);
  });

  it('refuses a checkpoint whose spill files lost data', async () => {
    const work = path.join(dir, 'work');
    const a = await RegistryIndexBuilder.open(work);
    for (let i = 0; i < 100; i++) a.add(num(303, 555, i));
    await a.checkpoint();
    truncateSync(path.join(work, 'npa-303.u32'), 8);
    await expect(RegistryIndexBuilder.open(work, { resume: true })).rejects.toThrow(/damaged/);
    writeFileSync(path.join(work, 'manifest.json'), '{not json');
    await expect(RegistryIndexBuilder.open(work, { resume: true })).rejects.toThrow(/unreadable/);
  });

  it('leaves files it does not own in the work dir alone', async () => {
    const work = path.join(dir, 'work');
    const a = await RegistryIndexBuilder.open(work);
    writeFileSync(path.join(work, 'notes.txt'), 'mine');
    a.add(2_015_550_123);
    await a.abort();
    expect(readdirSync(work)).toEqual(['notes.txt']);
  });
});

describe('applyChanges', () => {
  it('applies additions and deletions exactly, counting no-ops, into the same path', async () => {
    const numbers = mixedNumbers(11);
    const set = new Set(numbers);
    const { index, path: file } = await build(numbers);
    const r = rng(12);
    const members = [...set];
    const remove: number[] = [];
    const add: number[] = [];
    for (let i = 0; i < 5_000; i++) remove.push(members[Math.floor(r() * members.length)]);
    for (let i = 0; i < 5_000; i++) add.push(2_000_000_000 + Math.floor(r() * 8_000_000_000));
    // Empty a whole dense block, refill a bitmap block to a sparse one, touch new prefixes.
    for (let line = 0; line < 10_000; line++) remove.push(num(250, 555, line));
    for (let line = 0; line < 10_000; line += 2) if (line % 1000 !== 0) remove.push(num(250, 556, line));
    add.push(num(250, 557, 7), num(700, 0, 0), 9_999_999_998);
    remove.push(num(888, 888, 8_888)); // absent
    add.push(members[0]); // present
    const both = members[1];
    remove.push(both);
    add.push(both); // on both lists: ends listed

    const model = new Set(set);
    let removed = 0;
    let added = 0;
    let unchanged = 0;
    for (const n of remove) {
      if (model.delete(n)) removed++;
      else unchanged++;
    }
    for (const n of add) {
      if (model.has(n)) unchanged++;
      else {
        model.add(n);
        added++;
      }
    }
    const result = await applyChanges(index, { add, remove }, file, 1_800_000_000_000);
    expect(result).toMatchObject({ added, removed, unchanged });
    expect(result.meta).toMatchObject({ registry: 'US', snapshotAt: 1_800_000_000_000, count: model.size });
    // The loaded index still answers from its own copy; the file holds the new one.
    expect(index.has(num(250, 555, 5))).toBe(true);
    const next = RegistryIndex.load(file);
    expect(next.meta).toEqual(result.meta);
    expect(next.has(both)).toBe(true);
    expectSameAs(next, model, 13);
    expect(readdirSync(dir).sort()).toEqual(['index.rsdnc']);

    // A second change list on top of the first, from an iterable that is not an array.
    const again = await applyChanges(
      next,
      {
        add: new Set([num(250, 555, 1)]),
        remove: (function* () {
          yield num(700, 0, 0);
        })(),
      },
      path.join(dir, 'v3.rsdnc'),
      1_900_000_000_000,
    );
    model.add(num(250, 555, 1));
    model.delete(num(700, 0, 0));
    expect(again).toMatchObject({ added: 1, removed: 1, unchanged: 0 });
    expectSameAs(RegistryIndex.load(path.join(dir, 'v3.rsdnc')), model, 14);
  });

  it('starts from an empty index', async () => {
    const out = path.join(dir, 'fresh.rsdnc');
    const result = await applyChanges(
      RegistryIndex.empty({ registry: 'CA', snapshotAt: 0 }),
      { add: [4_165_550_123, 4_165_550_123, 6_045_550_000], remove: [2_015_550_123] },
      out,
      77,
    );
    expect(result).toMatchObject({ added: 2, removed: 0, unchanged: 2, meta: { registry: 'CA', snapshotAt: 77, count: 2 } });
    expectSameAs(RegistryIndex.load(out), new Set([4_165_550_123, 6_045_550_000]), 15);
  });

  it('rejects a number out of range before writing anything', async () => {
    const { index, path: file } = await build([2_015_550_123]);
    const before = readFileSync(file);
    await expect(applyChanges(index, { add: [2_015_550_124, 1_234_567_890], remove: [] }, file, 2)).rejects.toThrow(RangeError);
    await expect(applyChanges(index, { add: [], remove: [20_155_501_234] }, file, 2)).rejects.toThrow(RangeError);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['index.rsdnc']);
  });
});

describe('RegistryIndex.load: damaged files', () => {
  async function sample(): Promise<{ file: string; bytes: Buffer }> {
    const { path: file } = await build(mixedNumbers(21).slice(0, 20_000));
    return { file, bytes: readFileSync(file) };
  }
  const dirBytes = 800_000 * 16;

  it('rejects truncated files with a clear error', async () => {
    const { file, bytes } = await sample();
    for (const cut of [0, 10, 63, 64, 64 + dirBytes - 1, 64 + dirBytes + 5, bytes.length - 1]) {
      writeFileSync(file, bytes.subarray(0, cut));
      expect(() => RegistryIndex.load(file), `cut at ${cut}`).toThrow(/corrupt.*truncated|truncated/);
    }
  });

  it('rejects a flipped bit in header, directory or data, and trailing bytes', async () => {
    const { file, bytes } = await sample();
    const damaged = (at: number): Buffer => {
      const copy = Buffer.from(bytes);
      copy[at] ^= 0x10;
      return copy;
    };
    const cases: Array<[Buffer, RegExp]> = [
      [damaged(0), /not a Ringside DNC index/],
      [damaged(20), /header checksum/],
      [damaged(64 + 16 * 1_000 + 5), /directory checksum/],
      [damaged(64 + dirBytes + 100), /data checksum/],
      [damaged(bytes.length - 5), /data checksum/],
      [Buffer.concat([bytes, Buffer.alloc(4)]), /trailing bytes/],
    ];
    const version = Buffer.from(bytes);
    version.writeUInt16LE(2, 6);
    cases.push([version, /format version 2/]);
    for (const [content, message] of cases) {
      writeFileSync(file, content);
      expect(() => RegistryIndex.load(file)).toThrow(message);
    }
  });

  it('with verify: false skips only the data checksum', async () => {
    const { file, bytes } = await sample();
    const copy = Buffer.from(bytes);
    copy[64 + dirBytes + 100] ^= 0x01;
    writeFileSync(file, copy);
    expect(() => RegistryIndex.load(file)).toThrow(/data checksum/);
    expect(RegistryIndex.load(file, { verify: false }).meta.count).toBeGreaterThan(0);
    // The directory is still checked.
    const bad = Buffer.from(bytes);
    const entry = 64 + 16 * ((260 - 200) * 1000 + 300);
    bad.writeUInt32LE(bad.readUInt32LE(entry + 4) + 1, entry + 4); // k + 1: size no longer matches
    writeFileSync(file, bad);
    expect(() => RegistryIndex.load(file, { verify: false })).toThrow(/corrupt/);
  });

  it('names the file and says it is not an index when it is something else', () => {
    const file = path.join(dir, 'leads.csv');
    writeFileSync(file, 'name,phone\n'.repeat(100));
    expect(() => RegistryIndex.load(file)).toThrow(/leads\.csv is not a Ringside DNC index/);
  });
});
