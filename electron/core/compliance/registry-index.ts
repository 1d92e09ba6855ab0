/**
 * A compact, exact index of a national Do-Not-Call registry (US FTC, Canada DNCL) that fits an
 * agent's desktop: ~220 MB for 253 million numbers (7.1 bits a number, directory included), in
 * memory and on disk, rebuilt from the flat files or patched with change lists.
 * tests/bench/registry-bench.ts measures it against a sorted array and a Bloom filter.
 *
 * Plain Node (no electron import), so it runs in the main process, a worker thread or a tool.
 *
 * ## Layout
 *
 * A number NPA-NXX-XXXX is split into a block (the 6-digit prefix NPA-NXX, NPA 200-999: 800,000
 * blocks) and a 4-digit line (0..9999). Each non-empty block stores its sorted set of lines as
 * whichever is smaller:
 *   - Elias–Fano in 8 parts of 1,250 lines: with `l` low bits per line (one `l` per block),
 *     part p holds its `k_p` lines `r = line - 1250p` as the high parts `r >> l` in unary
 *     (element j of the part sets bit `(r_j >> l) + j`; `k_p + (1249 >> l) + 1` bits), directly
 *     followed by the `k_p` low parts packed at `l` bits each;
 *   - a plain 10,000-bit bitmap (313 words) for dense blocks (k ≳ 2,450).
 * The directory entry of a block carries k, l and the part counts, so a lookup costs two
 * dependent memory reads: the 16-byte entry, then one ~40-byte part (at 253 M numbers).
 * Random lookups are bound by those two cache (and TLB) misses, not by arithmetic; hasMany
 * sorts its numbers by block first so that large scrubs sweep memory in order.
 *
 * ## File format (little-endian), version 1
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 6 | magic `RSDNC1` (ASCII) |
 * | 6 | 2 | u16 format version (1) |
 * | 8 | 1 | u8 registry: 1 = US, 2 = CA |
 * | 9 | 3 | reserved, zero |
 * | 12 | 4 | u32 block count B (800,000: NPA 200-999 × NXX 000-999) |
 * | 16 | 8 | f64 snapshotAt (epoch ms of the registry download) |
 * | 24 | 8 | f64 builtAt (epoch ms) |
 * | 32 | 8 | f64 count (distinct numbers) |
 * | 40 | 4 | u32 directory byte length, B × 16 |
 * | 44 | 4 | u32 data length in 32-bit words |
 * | 48 | 4 | u32 checksum of the directory |
 * | 52 | 4 | u32 checksum of the data |
 * | 56 | 4 | reserved, zero |
 * | 60 | 4 | u32 checksum of bytes 0..59 |
 * | 64 | B × 16 | directory: one entry of four u32 words per block |
 * | … | words × 4 | data: the non-empty blocks in block order, each word-aligned, then one zero word |
 *
 * Block b = `(NPA - 200) × 1000 + NXX`. Its entry: word 0 = the block's first data word; words
 * 1-3 = a 96-bit field (bit j in word `1 + (j >> 5)`, bit `j & 31`): bits 0-13 k (0 = empty
 * block, entry all zero), 14-17 l, 18 bitmap flag, then 7 × 11 bits: k_0..k_6 (k_7 = k - their
 * sum). Block payload: for a bitmap, line x at bit `x & 31` of word `x >> 5`; for Elias–Fano,
 * one bit string (bit j at bit `j & 31` of word `j >> 5`) with part p starting at bit
 * `(k_0 + … + k_{p-1}) × (l + 1) + p × ((1249 >> l) + 1)`; the block takes
 * `ceil((k × (l + 1) + 8 × ((1249 >> l) + 1)) / 32)` words.
 *
 * Checksums: the header one is FNV-1a over its 15 words (xor the word in, multiply by
 * 0x01000193); directory and data use four such lanes (word i into lane i mod 4) folded by
 * FNV-1a with the word count, so any single corrupted word is always detected.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { registryNames, type RegistryName } from '../../../shared/compliance.js';

/** What an index file says about itself. */
export interface RegistryIndexMeta {
  registry: RegistryName;
  /** Epoch ms of the registry download this index reflects. */
  snapshotAt: number;
  /** Epoch ms when this file was written. */
  builtAt: number;
  /** Distinct numbers listed. */
  count: number;
}

const MAGIC = 'RSDNC1';
const VERSION = 1;
const HEADER_BYTES = 64;
const NPA_MIN = 200;
const NPA_COUNT = 800;
const NXX_COUNT = 1000;
const BLOCKS = NPA_COUNT * NXX_COUNT;
const ENTRY_WORDS = 4;
const DIR_WORDS = BLOCKS * ENTRY_WORDS;
const DIR_BYTES = DIR_WORDS * 4;
const MIN_NUMBER = 2_000_000_000;
const MAX_NUMBER = 9_999_999_999;
const BITMAP_WORDS = 313; // ceil(10000 / 32)
const BITMAP_BIT = 1 << 18;
const PARTS = 8;
const PART_LINES = 1250;
const MAX_L = 10;
const DELTA_BITS = 11;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Spill values are `nxx << 14 | line`, so a per-NPA bitmap gives each NXX its own word-aligned 16,384-bit stripe. */
const STRIPE_BITS_LOG = 14;
const STRIPE_WORDS = 1 << (STRIPE_BITS_LOG - 5);
/** hasMany sorts up to this many numbers at a time (16 MB of scratch; positions take 20 bits)... */
const SORT_CHUNK = 1 << 20;
/** ...when given at least this many; below it the sort costs more than it saves. */
const SORTED_MIN = 4096;

const REGISTRY_CODES: Record<RegistryIndexMeta['registry'], number> = { US: 1, CA: 2, GB: 3 };

function registryFromCode(code: number): RegistryIndexMeta['registry'] | undefined {
  return code === 1 ? 'US' : code === 2 ? 'CA' : code === 3 ? 'GB' : undefined;
}

/** floor(line / 1250) for 0 ≤ line < 10,000, without a division. */
function partOf(line: number): number {
  return Math.imul(line, 13_422) >>> 24;
}

/** Zeros in a part's unary high bits: one per possible high value. */
function partZeros(l: number): number {
  return (1249 >>> l) + 1;
}

function efBits(k: number, l: number): number {
  return k * (l + 1) + PARTS * partZeros(l);
}

/** The low-bit width with the fewest Elias–Fano bits for k lines in a block. */
function bestLowBits(k: number): number {
  let best = 0;
  let bestBits = efBits(k, 0);
  for (let l = 1; l <= MAX_L; l++) {
    const bits = efBits(k, l);
    if (bits < bestBits) {
      best = l;
      bestBits = bits;
    }
  }
  return best;
}

/** Data words of a non-empty block, from entry word 1. */
function blockWords(w1: number): number {
  if (w1 & BITMAP_BIT) return BITMAP_WORDS;
  return (efBits(w1 & 0x3fff, (w1 >>> 14) & 15) + 31) >>> 5;
}

/** Count of part i (0..6) from the entry at dir[e..e+3]. */
function partCount(dir: Uint32Array, e: number, i: number): number {
  const j = 19 + DELTA_BITS * i;
  const q = e + 1 + (j >>> 5);
  const s = j & 31;
  let v = dir[q] >>> s;
  if (s > 32 - DELTA_BITS) v |= dir[q + 1] << (32 - s);
  return v & 0x7ff;
}

function setPartCount(dir: Uint32Array, e: number, i: number, v: number): void {
  const j = 19 + DELTA_BITS * i;
  const q = e + 1 + (j >>> 5);
  const s = j & 31;
  dir[q] |= v << s;
  if (s > 32 - DELTA_BITS) dir[q + 1] |= v >>> (32 - s);
}

/** FNV-1a over 32-bit words. */
function hashWords(h: number, words: Uint32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ words[i], FNV_PRIME);
  return h >>> 0;
}

/**
 * Four interleaved FNV-1a lanes: a single chain of multiplies runs at one word per multiply
 * latency, four independent ones load 200 MB in a fraction of the time.
 */
class Checksum {
  private a = FNV_OFFSET;
  private b = FNV_OFFSET ^ 1;
  private c = FNV_OFFSET ^ 2;
  private d = FNV_OFFSET ^ 3;
  private n = 0;

  update(words: Uint32Array, from: number, to: number): void {
    let i = from;
    while (i < to && (this.n & 3) !== 0) this.one(words[i++]);
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    const end4 = i + ((to - i) & ~3);
    this.n += end4 - i;
    for (; i < end4; i += 4) {
      a = Math.imul(a ^ words[i], FNV_PRIME);
      b = Math.imul(b ^ words[i + 1], FNV_PRIME);
      c = Math.imul(c ^ words[i + 2], FNV_PRIME);
      d = Math.imul(d ^ words[i + 3], FNV_PRIME);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    while (i < to) this.one(words[i++]);
  }

  digest(): number {
    let h = FNV_OFFSET;
    h = Math.imul(h ^ this.a, FNV_PRIME);
    h = Math.imul(h ^ this.b, FNV_PRIME);
    h = Math.imul(h ^ this.c, FNV_PRIME);
    h = Math.imul(h ^ this.d, FNV_PRIME);
    h = Math.imul(h ^ this.n, FNV_PRIME);
    return h >>> 0;
  }

  private one(w: number): void {
    switch (this.n & 3) {
      case 0:
        this.a = Math.imul(this.a ^ w, FNV_PRIME);
        break;
      case 1:
        this.b = Math.imul(this.b ^ w, FNV_PRIME);
        break;
      case 2:
        this.c = Math.imul(this.c ^ w, FNV_PRIME);
        break;
      default:
        this.d = Math.imul(this.d ^ w, FNV_PRIME);
    }
    this.n++;
  }
}

function checksumOf(words: Uint32Array): number {
  const c = new Checksum();
  c.update(words, 0, words.length);
  return c.digest();
}

const scratchLines = new Int32Array(10_000);

/**
 * Encodes the k lines set in `src[s .. s + 313)` (bits at and above 10,000 clear) as a block at
 * `out[o..]` and fills words 1-3 of its directory entry `dir[e..]`; returns the data words
 * written (at most 313). Entry word 0 (the offset) is the caller's.
 */
function encodeBlock(src: Uint32Array, s: number, k: number, out: Uint32Array, o: number, dir: Uint32Array, e: number): number {
  const l = bestLowBits(k);
  const words = (efBits(k, l) + 31) >>> 5;
  dir[e + 2] = 0;
  dir[e + 3] = 0;
  if (words >= BITMAP_WORDS) {
    out.set(src.subarray(s, s + BITMAP_WORDS), o);
    dir[e + 1] = k | BITMAP_BIT;
    return BITMAP_WORDS;
  }
  dir[e + 1] = k | (l << 14);
  const lines = scratchLines;
  let n = 0;
  for (let wi = 0; wi < BITMAP_WORDS; wi++) {
    let x = src[s + wi] | 0;
    while (x !== 0) {
      const t = x & -x;
      lines[n++] = (wi << 5) | (31 - Math.clz32(t));
      x ^= t;
    }
  }
  out.fill(0, o, o + words);
  const zeros = partZeros(l);
  const mask = (1 << l) - 1;
  let first = 0; // index in `lines` of the part's first element
  for (let p = 0; p < PARTS; p++) {
    const lo = p * PART_LINES;
    let end = first;
    while (end < k && lines[end] < lo + PART_LINES) end++;
    const kp = end - first;
    if (p < PARTS - 1) setPartCount(dir, e, p, kp);
    const base = first * (l + 1) + p * zeros;
    const lowBase = base + kp + zeros;
    for (let j = 0; j < kp; j++) {
      const r = lines[first + j] - lo;
      const hb = base + (r >>> l) + j;
      out[o + (hb >>> 5)] |= 1 << (hb & 31);
      if (l !== 0) {
        const lb = lowBase + j * l;
        const low = r & mask;
        const sh = lb & 31;
        const q = o + (lb >>> 5);
        out[q] |= low << sh;
        if (sh + l > 32) out[q + 1] |= low >>> (32 - sh);
      }
    }
    first = end;
  }
  return words;
}

/** Sets the lines of non-empty block entry `e` in `dst[0 .. 313)` (which must be clear); returns k. */
function decodeBlock(dir: Uint32Array, e: number, data: Uint32Array, dst: Uint32Array): number {
  const off = dir[e];
  const w1 = dir[e + 1];
  const k = w1 & 0x3fff;
  if (w1 & BITMAP_BIT) {
    dst.set(data.subarray(off, off + BITMAP_WORDS));
    return k;
  }
  const l = (w1 >>> 14) & 15;
  const zeros = partZeros(l);
  const mask = (1 << l) - 1;
  let cum = 0;
  for (let p = 0; p < PARTS; p++) {
    const kp = p < PARTS - 1 ? partCount(dir, e, p) : k - cum;
    const base = cum * (l + 1) + p * zeros;
    const lowBase = base + kp + zeros;
    let j = 0;
    for (let pos = base; j < kp; pos++) {
      if (((data[off + (pos >>> 5)] >>> (pos & 31)) & 1) === 0) continue;
      let low = 0;
      if (l !== 0) {
        const lb = lowBase + j * l;
        const sh = lb & 31;
        const q = off + (lb >>> 5);
        low = data[q] >>> sh;
        if (sh + l > 32) low |= data[q + 1] << (32 - sh);
        low &= mask;
      }
      const line = p * PART_LINES + (((pos - base - j) << l) | low);
      dst[line >>> 5] |= 1 << (line & 31);
      j++;
    }
    cum += kp;
  }
  return k;
}

/** SELECT_IN_BYTE[byte × 8 + c] = position of the c-th (0-based) set bit of byte. */
const SELECT_IN_BYTE = (() => {
  const t = new Uint8Array(256 * 8);
  for (let v = 0; v < 256; v++) {
    for (let i = 0, c = 0; i < 8; i++) if ((v >>> i) & 1) t[v * 8 + c++] = i;
  }
  return t;
})();

/**
 * Position (0..31) of the r-th (1-based) set bit of x; x must have at least r set bits.
 * Branch-free (byte counts, their prefix sums by one multiply, a SIMD-within-a-word compare,
 * then a table for the byte): the obvious loop mispredicts on every lookup.
 */
function selectInWord(x: number, r: number): number {
  let b = x - ((x >>> 1) & 0x55555555);
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  b = (b + (b >>> 4)) & 0x0f0f0f0f;
  const cum = Math.imul(b, 0x01010101); // byte i = set bits in bytes 0..i
  // Bit 7 of byte i is set when cum_i < r; no borrows cross bytes since cum_i ≤ 32 < 128.
  const below = ((Math.imul(r - 1, 0x01010101) | 0x80808080) - cum) & 0x80808080;
  const sh = (Math.imul(below >>> 7, 0x01010101) >>> 24) << 3;
  const before = ((cum << 8) >>> sh) & 0xff;
  return sh + SELECT_IN_BYTE[(((x >>> sh) & 0xff) << 3) + r - 1 - before];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Lines in parts before p (0..7) from entry words 1-3: straight-line field extraction and masked
 * adds, no loop or branch, since it sits on every lookup's path.
 */
function linesBefore(w1: number, w2: number, w3: number, p: number): number {
  const d0 = (w1 >>> 19) & 0x7ff;
  const d1 = ((w1 >>> 30) | (w2 << 2)) & 0x7ff;
  const d2 = (w2 >>> 9) & 0x7ff;
  const d3 = (w2 >>> 20) & 0x7ff;
  const d4 = ((w2 >>> 31) | (w3 << 1)) & 0x7ff;
  const d5 = (w3 >>> 10) & 0x7ff;
  const d6 = (w3 >>> 21) & 0x7ff;
  // (i - p) >> 31 is all ones when p > i.
  return (
    (d0 & ((0 - p) >> 31)) +
    (d1 & ((1 - p) >> 31)) +
    (d2 & ((2 - p) >> 31)) +
    (d3 & ((3 - p) >> 31)) +
    (d4 & ((4 - p) >> 31)) +
    (d5 & ((5 - p) >> 31)) +
    (d6 & ((6 - p) >> 31))
  );
}

/** Receives early loads whose only purpose is to start a cache miss sooner. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written, never read: the store keeps the load alive
let touchSink = 0;

/**
 * Loads the first and last word of `line`'s part of block `key`, only so that those cache lines
 * are on their way; returns them xor-ed so the loads are not optimised away.
 */
function touchPart(dir: Uint32Array, data: Uint32Array, key: number, line: number): number {
  if (key >= BLOCKS) return 0;
  const e = key * ENTRY_WORDS;
  const w1 = dir[e + 1];
  if (w1 === 0) return 0;
  const off = dir[e];
  if (w1 & BITMAP_BIT) return data[off + (line >>> 5)];
  const l = (w1 >>> 14) & 15;
  const p = partOf(line);
  const w2 = dir[e + 2];
  const w3 = dir[e + 3];
  const cum = linesBefore(w1, w2, w3, p);
  const kp = (p === PARTS - 1 ? w1 & 0x3fff : linesBefore(w1, w2, w3, p + 1)) - cum;
  const start = cum * (l + 1) + p * partZeros(l);
  return data[off + (start >>> 5)] ^ data[off + ((start + kp * (l + 1) + partZeros(l) - 1) >>> 5)];
}

/** One stable counting-sort pass of (keys, vals) by 10 bits of key from `shift`, into (keysOut, valsOut). */
function radixPass(keys: Int32Array, vals: Int32Array, keysOut: Int32Array, valsOut: Int32Array, m: number, shift: number, counts: Int32Array): void {
  counts.fill(0);
  for (let i = 0; i < m; i++) counts[(keys[i] >>> shift) & 1023]++;
  for (let d = 0, sum = 0; d < 1024; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < m; i++) {
    const key = keys[i];
    const at = counts[(key >>> shift) & 1023]++;
    keysOut[at] = key;
    valsOut[at] = vals[i];
  }
}

/** Whether `line` is in the block whose entry starts at dir[e]. */
function lookupEntry(dir: Uint32Array, data: Uint32Array, e: number, line: number): boolean {
  const w1 = dir[e + 1];
  if (w1 === 0) return false;
  const off = dir[e];
  if (w1 & BITMAP_BIT) return ((data[off + (line >>> 5)] >>> (line & 31)) & 1) === 1;
  const w2 = dir[e + 2];
  const w3 = dir[e + 3];
  const k = w1 & 0x3fff;
  const l = (w1 >>> 14) & 15;
  const p = partOf(line);
  const cum = linesBefore(w1, w2, w3, p);
  const kp = (p === PARTS - 1 ? k : linesBefore(w1, w2, w3, p + 1)) - cum;
  if (kp === 0) return false;
  const zeros = partZeros(l);
  const base = cum * (l + 1) + p * zeros;
  const r = line - p * PART_LINES;
  const h = r >>> l;
  // The part's bucket h starts right after its h-th zero; scan 32-bit windows to find it.
  let pos = base;
  if (h !== 0) {
    let need = h;
    for (let q = base; ; q += 32) {
      const wi = off + (q >>> 5);
      const s = q & 31;
      let win = data[wi] >>> s;
      if (s !== 0) win |= data[wi + 1] << (32 - s);
      const z = 32 - popcount(win);
      if (z >= need) {
        pos = q + selectInWord(~win, need) + 1;
        break;
      }
      need -= z;
    }
  }
  // Elements of the part before the bucket = ones before pos.
  let j = pos - base - h;
  const mask = (1 << l) - 1;
  const target = r & mask;
  const lowBase = base + kp + zeros;
  for (;;) {
    if (((data[off + (pos >>> 5)] >>> (pos & 31)) & 1) === 0) return false;
    if (l === 0) return true;
    const lb = lowBase + j * l;
    const sh = lb & 31;
    const q = off + (lb >>> 5);
    let low = data[q] >>> sh;
    if (sh + l > 32) low |= data[q + 1] << (32 - sh);
    low &= mask;
    if (low === target) return true;
    if (low > target) return false;
    j++;
    pos++;
  }
}

/** Block index and line of a 10-digit NANP number, or throws RangeError. */
function splitNumber(n: number): { block: number; line: number } {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_NUMBER || n > MAX_NUMBER) {
    throw new RangeError(`not a 10-digit NANP number with area code 200-999: ${String(n)}`);
  }
  const prefix = Math.floor(n / 10_000);
  return { block: prefix - NPA_MIN * NXX_COUNT, line: n - prefix * 10_000 };
}

/** Buffers data words and writes them at increasing file offsets, keeping the running checksum. */
class DataWriter {
  readonly buf = new Uint32Array(1 << 20);
  private fill = 0;
  private filePos: number;
  /** Words written so far, pending ones included. */
  words = 0;
  readonly checksum = new Checksum();

  constructor(
    private readonly fd: number,
    startPos: number,
  ) {
    this.filePos = startPos;
  }

  /** Makes room for `n` words and returns where to write them in `buf`; then call `commit`. */
  reserve(n: number): number {
    if (this.fill + n > this.buf.length) this.flush();
    return this.fill;
  }

  commit(n: number): void {
    this.fill += n;
    this.words += n;
  }

  /** Writes words straight from `src` (no copy), after what is pending. */
  writeRaw(src: Uint32Array): void {
    this.flush();
    this.checksum.update(src, 0, src.length);
    writeFully(this.fd, new Uint8Array(src.buffer, src.byteOffset, src.byteLength), this.filePos);
    this.filePos += src.byteLength;
    this.words += src.length;
  }

  flush(): void {
    if (this.fill === 0) return;
    this.checksum.update(this.buf, 0, this.fill);
    writeFully(this.fd, new Uint8Array(this.buf.buffer, 0, this.fill * 4), this.filePos);
    this.filePos += this.fill * 4;
    this.fill = 0;
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number | null): void {
  let off = 0;
  while (off < bytes.length) {
    const n = writeSync(fd, bytes, off, bytes.length - off, position === null ? null : position + off);
    off += n;
  }
}

function readFully(fd: number, bytes: Uint8Array, position: number): number {
  let off = 0;
  while (off < bytes.length) {
    const n = readSync(fd, bytes, off, bytes.length - off, position + off);
    if (n === 0) break;
    off += n;
  }
  return off;
}

function fsyncDir(dir: string): void {
  // Makes the rename durable; not every platform lets a directory be opened (Windows), and the
  // file itself is already fsync'ed, so failure here is not fatal.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

function headerBytes(meta: RegistryIndexMeta, dataWords: number, dirHash: number, dataHash: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint16(6, VERSION, true);
  view.setUint8(8, REGISTRY_CODES[meta.registry]);
  view.setUint32(12, BLOCKS, true);
  view.setFloat64(16, meta.snapshotAt, true);
  view.setFloat64(24, meta.builtAt, true);
  view.setFloat64(32, meta.count, true);
  view.setUint32(40, DIR_BYTES, true);
  view.setUint32(44, dataWords, true);
  view.setUint32(48, dirHash, true);
  view.setUint32(52, dataHash, true);
  view.setUint32(60, hashWords(FNV_OFFSET, new Uint32Array(bytes.buffer, 0, 15), 0, 15), true);
  return bytes;
}

/**
 * Ends the data with its zero pad word, writes header + directory, fsyncs, closes and renames
 * `tmp` over `outPath`.
 */
function sealFile(fd: number, tmp: string, outPath: string, meta: RegistryIndexMeta, dir: Uint32Array, writer: DataWriter): void {
  // The pad word lets a lookup read one word past a block's last one without a bounds case.
  writer.buf[writer.reserve(1)] = 0;
  writer.commit(1);
  writer.flush();
  writeFully(fd, new Uint8Array(dir.buffer, dir.byteOffset, dir.byteLength), HEADER_BYTES);
  writeFully(fd, headerBytes(meta, writer.words, checksumOf(dir), writer.checksum.digest()), 0);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, outPath);
  fsyncDir(dirname(outPath));
}

function tempPathFor(outPath: string): string {
  return `${outPath}.tmp-${process.pid}-${Date.now().toString(36)}`;
}

function discardTemp(fd: number, tmp: string): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed by sealFile */
  }
  try {
    unlinkSync(tmp);
  } catch {
    /* never created or already renamed */
  }
}

function checkMeta(meta: { registry: string; snapshotAt: number }): void {
  if (!(registryNames as readonly string[]).includes(meta.registry))
    throw new RangeError(`registry must be one of ${registryNames.join(', ')}, not ${String(meta.registry)}`);
  if (!Number.isFinite(meta.snapshotAt)) throw new RangeError(`snapshotAt must be epoch milliseconds, not ${String(meta.snapshotAt)}`);
}

// ---------------------------------------------------------------------------------------------
// Builder

const SPILL_WORDS = 16_384; // per-NPA write buffer (64 KiB; 800 of them = 52 MB)
const MANIFEST = 'manifest.json';
const MANIFEST_FORMAT = 'ringside-dnc-spill/1';

interface SpillManifest {
  format: typeof MANIFEST_FORMAT;
  added: number;
  /** Bytes of each NPA's spill file, NPA 200 first. */
  sizes: number[];
}

function spillName(npaIndex: number): string {
  return `npa-${NPA_MIN + npaIndex}.u32`;
}

/**
 * Builds an index from numbers in any order, duplicates allowed, in bounded memory (~60 MB):
 * numbers are spilled to one binary file per area code in `workDir` (4 bytes per number), then
 * each area code is sorted and deduplicated through a bitmap and encoded. `checkpoint()` makes
 * the import resumable after a crash or a restart.
 */
export class RegistryIndexBuilder {
  private readonly buffers = new Uint32Array(NPA_COUNT * SPILL_WORDS);
  private readonly fills = new Uint32Array(NPA_COUNT);
  /** Bytes in each spill file (flushed). */
  private readonly sizes: Float64Array;
  /** Spill files written since the last checkpoint, which need an fsync before the next manifest. */
  private readonly dirty = new Uint8Array(NPA_COUNT);
  private addedCount: number;
  private closed = false;

  private constructor(
    private readonly workDir: string,
    sizes: Float64Array,
    added: number,
  ) {
    this.sizes = sizes;
    this.addedCount = added;
  }

  /**
   * Opens a work directory. Without `resume`, spill files and manifest left there by an earlier
   * builder are deleted (other files are left alone). With `resume`, the spill files are cut
   * back to the last checkpoint and adding continues from there (`added` tells the caller where
   * to restart its input); with no checkpoint yet, it starts empty.
   */
  static async open(workDir: string, opts: { resume?: boolean } = {}): Promise<RegistryIndexBuilder> {
    mkdirSync(workDir, { recursive: true });
    const sizes = new Float64Array(NPA_COUNT);
    let added = 0;
    if (!opts.resume) {
      removeSpillFiles(workDir);
      return new RegistryIndexBuilder(workDir, sizes, 0);
    }
    const manifestPath = join(workDir, MANIFEST);
    if (existsSync(manifestPath)) {
      let manifest: SpillManifest;
      try {
        manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SpillManifest;
      } catch (e) {
        throw new Error(`DNC import checkpoint in ${workDir} is unreadable: ${(e as Error).message}`);
      }
      const sizesOk =
        Array.isArray(manifest.sizes) && manifest.sizes.length === NPA_COUNT && manifest.sizes.every((s) => Number.isSafeInteger(s) && s >= 0 && s % 4 === 0);
      if (manifest.format !== MANIFEST_FORMAT || !sizesOk || !Number.isSafeInteger(manifest.added)) {
        throw new Error(`DNC import checkpoint in ${workDir} is not a ${MANIFEST_FORMAT} manifest`);
      }
      for (let i = 0; i < NPA_COUNT; i++) sizes[i] = manifest.sizes[i];
      added = manifest.added;
    }
    for (let i = 0; i < NPA_COUNT; i++) {
      const path = join(workDir, spillName(i));
      const actual = existsSync(path) ? statSync(path).size : 0;
      if (actual < sizes[i])
        throw new Error(`DNC import checkpoint in ${workDir} is damaged: ${spillName(i)} has ${actual} bytes, the checkpoint recorded ${sizes[i]}`);
      // Whatever was appended after the checkpoint is dropped: the caller re-adds from `added`.
      if (actual > sizes[i]) truncateSync(path, sizes[i]);
    }
    return new RegistryIndexBuilder(workDir, sizes, added);
  }

  /** Numbers added so far (duplicates included), counting those restored by `resume`. */
  get added(): number {
    return this.addedCount;
  }

  /** A 10-digit NANP number as an integer (2015550123). Throws RangeError if not 10 digits with NPA 200-999. */
  add(n: number): void {
    if (!(n >= MIN_NUMBER && n <= MAX_NUMBER) || n !== Math.floor(n)) {
      throw new RangeError(`not a 10-digit NANP number with area code 200-999: ${String(n)}`);
    }
    if (this.closed) throw new Error('DNC index builder is already finished or aborted');
    const npa = Math.floor(n / 10_000_000);
    const rest = n - npa * 10_000_000;
    const nxx = (rest / 10_000) | 0;
    const line = rest - nxx * 10_000;
    const b = npa - NPA_MIN;
    const fill = this.fills[b];
    this.buffers[b * SPILL_WORDS + fill] = (nxx << STRIPE_BITS_LOG) | line;
    if (fill + 1 === SPILL_WORDS) this.flushSpill(b, SPILL_WORDS);
    else this.fills[b] = fill + 1;
    this.addedCount++;
  }

  /** Flushes the spill buffers and records a checkpoint that `open(workDir, { resume: true })` returns to. */
  async checkpoint(): Promise<void> {
    this.assertOpen();
    this.flushAll();
    for (let i = 0; i < NPA_COUNT; i++) {
      if (!this.dirty[i]) continue;
      // The manifest must never claim bytes that a power cut could lose.
      const fd = openSync(join(this.workDir, spillName(i)), 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.dirty[i] = 0;
    }
    const manifest: SpillManifest = { format: MANIFEST_FORMAT, added: this.addedCount, sizes: Array.from(this.sizes) };
    const tmp = join(this.workDir, `${MANIFEST}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, JSON.stringify(manifest));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.workDir, MANIFEST));
    fsyncDir(this.workDir);
  }

  /** Encodes everything, writes outPath atomically (temp + fsync + rename), removes the work dir. */
  async finish(
    outPath: string,
    meta: { registry: RegistryName; snapshotAt: number },
    onProgress?: (doneNpas: number, totalNpas: number) => void,
  ): Promise<RegistryIndexMeta> {
    this.assertOpen();
    checkMeta(meta);
    this.flushAll();
    this.closed = true;
    const tmp = tempPathFor(outPath);
    const fd = openSync(tmp, 'w');
    let sealed = false;
    try {
      const dir = new Uint32Array(DIR_WORDS);
      const writer = new DataWriter(fd, HEADER_BYTES + DIR_BYTES);
      // One area code at a time: a 16,384-bit stripe per NXX (2 MB) sorts and dedupes for free.
      const bitmap = new Uint32Array(NXX_COUNT * STRIPE_WORDS);
      const counts = new Uint16Array(NXX_COUNT);
      const chunk = new Uint32Array(1 << 20);
      const chunkBytes = new Uint8Array(chunk.buffer);
      let total = 0;
      for (let a = 0; a < NPA_COUNT; a++) {
        const size = this.sizes[a];
        if (size === 0) {
          onProgress?.(a + 1, NPA_COUNT);
          continue;
        }
        const spill = openSync(join(this.workDir, spillName(a)), 'r');
        try {
          for (let pos = 0; pos < size;) {
            const want = Math.min(chunkBytes.length, size - pos);
            const got = readFully(spill, chunkBytes.subarray(0, want), pos);
            if (got !== want) throw new Error(`DNC import work file ${spillName(a)} is shorter than recorded`);
            const words = got >>> 2;
            for (let i = 0; i < words; i++) {
              const v = chunk[i];
              const wi = v >>> 5;
              const bit = 1 << (v & 31);
              const old = bitmap[wi];
              if ((old & bit) === 0) {
                bitmap[wi] = old | bit;
                counts[v >>> STRIPE_BITS_LOG]++;
              }
            }
            pos += got;
          }
        } finally {
          closeSync(spill);
        }
        for (let x = 0; x < NXX_COUNT; x++) {
          const k = counts[x];
          if (k === 0) continue;
          const e = (a * NXX_COUNT + x) * ENTRY_WORDS;
          const s = x * STRIPE_WORDS;
          dir[e] = writer.words;
          const o = writer.reserve(BITMAP_WORDS);
          writer.commit(encodeBlock(bitmap, s, k, writer.buf, o, dir, e));
          bitmap.fill(0, s, s + BITMAP_WORDS);
          counts[x] = 0;
          total += k;
        }
        onProgress?.(a + 1, NPA_COUNT);
        // Encoding is CPU-bound for seconds; let the event loop breathe between area codes.
        await yieldToLoop();
      }
      const result: RegistryIndexMeta = { registry: meta.registry, snapshotAt: meta.snapshotAt, builtAt: Date.now(), count: total };
      sealFile(fd, tmp, outPath, result, dir, writer);
      sealed = true;
      removeSpillFiles(this.workDir);
      removeDirIfEmpty(this.workDir);
      return result;
    } finally {
      if (!sealed) discardTemp(fd, tmp);
    }
  }

  /** Stops the import and removes the work dir (its spill files and manifest). */
  async abort(): Promise<void> {
    this.closed = true;
    removeSpillFiles(this.workDir);
    removeDirIfEmpty(this.workDir);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('DNC index builder is already finished or aborted');
  }

  private flushAll(): void {
    for (let b = 0; b < NPA_COUNT; b++) if (this.fills[b] > 0) this.flushSpill(b, this.fills[b]);
  }

  private flushSpill(b: number, words: number): void {
    const bytes = new Uint8Array(this.buffers.buffer, b * SPILL_WORDS * 4, words * 4);
    // Opened per flush rather than held: 800 descriptors are more than some platforms allow by
    // default, and at 64 KiB per flush the open/close is a small part of the write.
    const fd = openSync(join(this.workDir, spillName(b)), 'a');
    try {
      writeFully(fd, bytes, null);
    } finally {
      closeSync(fd);
    }
    this.sizes[b] += words * 4;
    this.fills[b] = 0;
    this.dirty[b] = 1;
  }
}

function removeSpillFiles(workDir: string): void {
  if (!existsSync(workDir)) return;
  const ours = /^(npa-\d{3}\.u32|manifest\.json(\.tmp)?)$/;
  for (const name of readdirSync(workDir)) if (ours.test(name)) unlinkSync(join(workDir, name));
}

function removeDirIfEmpty(workDir: string): void {
  try {
    rmdirSync(workDir);
  } catch {
    /* something else lives there too, or it is gone already: leave it */
  }
}

// ---------------------------------------------------------------------------------------------
// Index

/** The raw views of an index, for applyChanges only (not part of the class's public surface). */
let viewsOf: (index: RegistryIndex) => { dir: Uint32Array; data: Uint32Array };

/** A loaded index: one buffer, typed-array views, no per-block objects. */
export class RegistryIndex {
  private constructor(
    readonly meta: RegistryIndexMeta,
    /** Four words per block, see the file format. */
    private readonly dir: Uint32Array,
    private readonly data: Uint32Array,
    readonly byteLength: number,
  ) {}

  /**
   * Reads an index file into memory. Validates magic, version, lengths, checksums (header,
   * directory and, unless `verify: false`, data) and the directory's structure; throws an Error
   * naming the file and the problem when it is corrupt or truncated.
   */
  static load(path: string, opts: { verify?: boolean } = {}): RegistryIndex {
    const fd = openSync(path, 'r');
    let buffer: SharedArrayBuffer;
    try {
      const size = fstatSync(fd).size;
      if (size < HEADER_BYTES) throw new Error(`DNC index ${path} is corrupt: truncated (${size} bytes, the header alone is ${HEADER_BYTES})`);
      // Our own buffer (not a pooled Buffer), so the Uint32Array views are aligned; shared, so
      // worker threads (the list scrub's) read the same memory instead of a 220 MB copy each.
      buffer = new SharedArrayBuffer(size);
      const got = readFully(fd, new Uint8Array(buffer), 0);
      if (got !== size) throw new Error(`DNC index ${path} is corrupt: short read (${got} of ${size} bytes)`);
    } finally {
      closeSync(fd);
    }
    return RegistryIndex.fromBuffer(buffer, path, opts.verify !== false);
  }

  /**
   * The loaded file's image in shared memory, to hand to another thread (postMessage, no copy):
   * the registry import's worker loads and verifies the new file and gives it to the main
   * process, which reads nothing from disk; the main process gives it to scrub workers.
   * Throws for an index that was not loaded from a file.
   */
  fileImage(): SharedArrayBuffer {
    const image = this.dir.buffer;
    if (!(image instanceof SharedArrayBuffer)) throw new Error('only an index loaded from a file has a file image');
    return image;
  }

  /**
   * An index over a file image from fileImage() (already verified where it was loaded): header,
   * lengths, directory checksum and structure are checked again, the data checksum not.
   */
  static fromFileImage(buffer: SharedArrayBuffer, path: string): RegistryIndex {
    return RegistryIndex.fromBuffer(buffer, path, false);
  }

  /** An index with no numbers (before the first registry download). */
  static empty(meta: { registry: RegistryName; snapshotAt: number; builtAt?: number }): RegistryIndex {
    checkMeta(meta);
    const full: RegistryIndexMeta = { registry: meta.registry, snapshotAt: meta.snapshotAt, builtAt: meta.builtAt ?? Date.now(), count: 0 };
    return new RegistryIndex(full, new Uint32Array(DIR_WORDS), new Uint32Array(1), HEADER_BYTES + DIR_BYTES + 4);
  }

  private static fromBuffer(buffer: ArrayBufferLike, path: string, verifyData: boolean): RegistryIndex {
    const fail = (why: string): never => {
      throw new Error(`DNC index ${path} is corrupt: ${why}`);
    };
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    for (let i = 0; i < MAGIC.length; i++) {
      if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error(`${path} is not a Ringside DNC index (bad magic)`);
    }
    const version = view.getUint16(6, true);
    if (version !== VERSION) throw new Error(`DNC index ${path} has format version ${version}; this build reads version ${VERSION}`);
    if (view.getUint32(60, true) !== hashWords(FNV_OFFSET, new Uint32Array(buffer, 0, 15), 0, 15)) fail('header checksum mismatch');
    const registry = registryFromCode(view.getUint8(8));
    if (!registry) return fail(`unknown registry code ${view.getUint8(8)}`);
    if (view.getUint32(12, true) !== BLOCKS || view.getUint32(40, true) !== DIR_BYTES) fail('unexpected directory size');
    const dataWords = view.getUint32(44, true);
    const expected = HEADER_BYTES + DIR_BYTES + dataWords * 4;
    if (buffer.byteLength !== expected)
      fail(`${buffer.byteLength < expected ? 'truncated' : 'trailing bytes'}: ${buffer.byteLength} bytes, the header says ${expected}`);
    if (dataWords < 1) fail('no data pad word');
    const dir = new Uint32Array(buffer, HEADER_BYTES, DIR_WORDS);
    const data = new Uint32Array(buffer, HEADER_BYTES + DIR_BYTES, dataWords);
    if (checksumOf(dir) !== view.getUint32(48, true)) fail('directory checksum mismatch');
    if (verifyData && checksumOf(data) !== view.getUint32(52, true)) fail('data checksum mismatch');
    // Structure: blocks back to back in order, each entry consistent with its size, so that a
    // lookup never strays outside its block even when the data checksum is skipped.
    let count = 0;
    let next = 0;
    for (let b = 0; b < BLOCKS; b++) {
      const e = b * ENTRY_WORDS;
      const w1 = dir[e + 1];
      if (w1 === 0) {
        if (dir[e] !== 0 || dir[e + 2] !== 0 || dir[e + 3] !== 0) fail(`block ${b} is empty but its entry is not`);
        continue;
      }
      const k = w1 & 0x3fff;
      const l = (w1 >>> 14) & 15;
      if (dir[e] !== next || k === 0 || k > 10_000 || l > MAX_L) fail(`block ${b} has a bad directory entry`);
      if (!(w1 & BITMAP_BIT)) {
        let sum = 0;
        for (let i = 0; i < PARTS - 1; i++) {
          const kp = partCount(dir, e, i);
          if (kp > PART_LINES) fail(`block ${b} has a bad part count`);
          sum += kp;
        }
        if (sum > k || k - sum > PART_LINES) fail(`block ${b} has bad part counts`);
      }
      next += blockWords(w1);
      count += k;
    }
    if (next + 1 !== dataWords || data[next] !== 0) fail(`blocks end at word ${next}, the data has ${dataWords} words`);
    const meta: RegistryIndexMeta = { registry, snapshotAt: view.getFloat64(16, true), builtAt: view.getFloat64(24, true), count: view.getFloat64(32, true) };
    if (count !== meta.count) fail(`blocks hold ${count} numbers, the header says ${meta.count}`);
    return new RegistryIndex(meta, dir, data, buffer.byteLength);
  }

  /** Whether the 10-digit number is listed; false for anything that is not a valid 10-digit NANP integer. */
  has(n: number): boolean {
    if (!(n >= MIN_NUMBER && n <= MAX_NUMBER)) return false;
    const prefix = Math.floor(n / 10_000);
    const line = n - prefix * 10_000;
    if ((line | 0) !== line) return false;
    return lookupEntry(this.dir, this.data, (prefix - NPA_MIN * NXX_COUNT) * ENTRY_WORDS, line);
  }

  /**
   * For scrubbing: out[i] = 1 when nums[i] is listed, else 0. On large lists much faster per
   * number than has(): the numbers are visited in block order (a radix sort of their positions,
   * 2^20 at a time), so the directory and data are read in one ascending sweep that the
   * hardware prefetches, instead of one cache and TLB miss chain per number.
   */
  hasMany(nums: Float64Array, out: Uint8Array): void {
    if (out.length < nums.length) throw new RangeError(`out has ${out.length} slots for ${nums.length} numbers`);
    const dir = this.dir;
    const data = this.data;
    if (nums.length < SORTED_MIN) {
      for (let i = 0; i < nums.length; i++) out[i] = this.has(nums[i]) ? 1 : 0;
      return;
    }
    // Scratch for one chunk: made per call (up to 16 MB), not kept by the index.
    const chunk = Math.min(SORT_CHUNK, nums.length);
    const keys = new Int32Array(chunk);
    const packed = new Int32Array(chunk);
    const keys2 = new Int32Array(chunk);
    const packed2 = new Int32Array(chunk);
    const counts = new Int32Array(1024);
    for (let base = 0; base < nums.length; base += chunk) {
      const m = Math.min(chunk, nums.length - base);
      for (let i = 0; i < m; i++) {
        const n = nums[base + i];
        let key = BLOCKS; // sorts last, answers 0
        let line = 0;
        if (n >= MIN_NUMBER && n <= MAX_NUMBER) {
          const prefix = Math.floor(n / 10_000);
          line = n - prefix * 10_000;
          if ((line | 0) === line) key = prefix - NPA_MIN * NXX_COUNT;
          else line = 0;
        }
        // Block (20 bits) and position (20 bits) travel through the sort with the line split
        // over the spare bits: line >> 2 above the block, line & 3 below the position.
        keys[i] = key | ((line >>> 2) << 20);
        packed[i] = (i << 2) | (line & 3);
      }
      // LSD radix sort by block (bits 0-19): low 10 bits into keys2/packed2, high 10 bits back.
      radixPass(keys, packed, keys2, packed2, m, 0, counts);
      radixPass(keys2, packed2, keys, packed, m, 10, counts);
      // Sorted, the directory is read in one ascending sweep, but each number still opens new
      // data cache lines. A tight first loop over 64 numbers only starts those misses (many in
      // flight at once); the second answers from lines that are arriving or there.
      let sink = 0;
      for (let t0 = 0; t0 < m; t0 += 64) {
        const t1 = Math.min(m, t0 + 64);
        for (let t = t0; t < t1; t++) {
          const a = keys[t];
          sink ^= touchPart(dir, data, a & 0xfffff, ((a >>> 20) << 2) | (packed[t] & 3));
        }
        for (let t = t0; t < t1; t++) {
          const a = keys[t];
          const v = packed[t];
          const key = a & 0xfffff;
          out[base + (v >>> 2)] = key !== BLOCKS && lookupEntry(dir, data, key * ENTRY_WORDS, ((a >>> 20) << 2) | (v & 3)) ? 1 : 0;
        }
      }
      touchSink ^= sink;
    }
  }

  static {
    viewsOf = (index) => ({ dir: index.dir, data: index.data });
  }
}

// ---------------------------------------------------------------------------------------------
// Change lists

/**
 * Applies a change list: returns the new index written atomically to outPath (may equal the
 * loaded path: the loaded index keeps its in-memory copy of the old data; load the new file to
 * use it). Removals are applied before additions, so a number on both lists ends up listed:
 * when in doubt, do not call. Deletions of absent numbers and additions of present ones (or
 * repeats) count as `unchanged`, not errors. Any number that is not a 10-digit NANP integer with
 * area code 200-999 throws RangeError before anything is written.
 */
export async function applyChanges(
  index: RegistryIndex,
  changes: { add: Iterable<number>; remove: Iterable<number> },
  outPath: string,
  snapshotAt: number,
): Promise<{ meta: RegistryIndexMeta; added: number; removed: number; unchanged: number }> {
  checkMeta({ registry: index.meta.registry, snapshotAt });
  // Keys sort by block, then line: block × 16384 + line (< 2^34, exact in a double).
  const toKeys = (list: Iterable<number>): Float64Array => {
    const keys: number[] = [];
    for (const n of list) {
      const { block, line } = splitNumber(n);
      keys.push(block * 16_384 + line);
    }
    return Float64Array.from(keys).sort();
  };
  const removes = toKeys(changes.remove);
  const adds = toKeys(changes.add);
  const { dir: srcDir, data: src } = viewsOf(index);
  const tmp = tempPathFor(outPath);
  const fd = openSync(tmp, 'w');
  let sealed = false;
  try {
    const dir = new Uint32Array(DIR_WORDS);
    const writer = new DataWriter(fd, HEADER_BYTES + DIR_BYTES);
    const lines = new Uint32Array(BITMAP_WORDS);
    let added = 0;
    let removed = 0;
    let unchanged = 0;
    let ri = 0;
    let ai = 0;
    let copiedTo = 0; // blocks below this are already in the output
    let sinceYield = 0;
    while (ri < removes.length || ai < adds.length) {
      const nextR = ri < removes.length ? Math.floor(removes[ri] / 16_384) : BLOCKS;
      const nextA = ai < adds.length ? Math.floor(adds[ai] / 16_384) : BLOCKS;
      const b = Math.min(nextR, nextA);
      copyBlocks(srcDir, src, dir, writer, copiedTo, b);
      const e = b * ENTRY_WORDS;
      lines.fill(0);
      let k = srcDir[e + 1] === 0 ? 0 : decodeBlock(srcDir, e, src, lines);
      const blockEnd = (b + 1) * 16_384;
      for (; ri < removes.length && removes[ri] < blockEnd; ri++) {
        const line = removes[ri] - b * 16_384;
        const bit = 1 << (line & 31);
        if (lines[line >>> 5] & bit) {
          lines[line >>> 5] &= ~bit;
          k--;
          removed++;
        } else unchanged++;
      }
      for (; ai < adds.length && adds[ai] < blockEnd; ai++) {
        const line = adds[ai] - b * 16_384;
        const bit = 1 << (line & 31);
        if (lines[line >>> 5] & bit) unchanged++;
        else {
          lines[line >>> 5] |= bit;
          k++;
          added++;
        }
      }
      if (k > 0) {
        dir[e] = writer.words;
        const o = writer.reserve(BITMAP_WORDS);
        writer.commit(encodeBlock(lines, 0, k, writer.buf, o, dir, e));
      }
      copiedTo = b + 1;
      if (++sinceYield === 10_000) {
        sinceYield = 0;
        await yieldToLoop();
      }
    }
    copyBlocks(srcDir, src, dir, writer, copiedTo, BLOCKS);
    const meta: RegistryIndexMeta = { registry: index.meta.registry, snapshotAt, builtAt: Date.now(), count: index.meta.count + added - removed };
    sealFile(fd, tmp, outPath, meta, dir, writer);
    sealed = true;
    return { meta, added, removed, unchanged };
  } finally {
    if (!sealed) discardTemp(fd, tmp);
  }
}

/** Copies source blocks [from, to) unchanged (one write for the whole run) with their entries. */
function copyBlocks(srcDir: Uint32Array, src: Uint32Array, dir: Uint32Array, writer: DataWriter, from: number, to: number): void {
  let first = -1;
  let end = 0;
  for (let b = from; b < to; b++) {
    const e = b * ENTRY_WORDS;
    const w1 = srcDir[e + 1];
    if (w1 === 0) continue;
    const off = srcDir[e];
    if (first < 0) first = off;
    dir[e] = writer.words + (off - first);
    dir[e + 1] = w1;
    dir[e + 2] = srcDir[e + 2];
    dir[e + 3] = srcDir[e + 3];
    end = off + blockWords(w1);
  }
  if (first >= 0) writer.writeRaw(src.subarray(first, end));
}
