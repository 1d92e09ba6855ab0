/**
 * Streaming import of national Do-Not-Call registry files: the US FTC registry (full "flat text"
 * lists and change lists), Canada's National DNCL (downloads and change files), plain or zipped,
 * and the UK's TPS / CTPS data files (full and change files; their numbers: tps-format.ts).
 * The caller names the registry: a GB import reads only UK numbers, a US/CA import only NANP
 * ones, so a file given to the wrong registry shows as bad lines instead of being taken in.
 *
 * The files are untrusted and huge (the whole FTC registry is ~253 M lines, ~2.8 GB), so they are
 * read in 1 MiB chunks and scanned byte by byte; plain `NNNNNNNNNN` / `NPA,NNNNNNN` lines take a
 * fast path, everything else goes through a general (still allocation-free) line parser. A line
 * grammar in one place (the byte parser) would be easy to get subtly wrong, so `parseRegistryLine`
 * is a second, deliberately plain string implementation of the same grammar; tests feed garbage
 * through both and require the same answer.
 *
 * The line grammar (both parsers; GB: only the string parser, since its ~15 M lines take seconds
 * either way, and the number rule below is tps-format.ts's):
 * - One trailing CR is dropped (CRLF files); a line longer than {@link MAX_LINE_BYTES} bytes is
 *   bad; a leading UTF-8 BOM is dropped.
 * - Fields are split at `,` `;` TAB `|`. Double quotes and spaces are ignored inside a field (so
 *   `"(613) 555-0123"` is one number); quotes do not protect delimiters — a quoted text column with
 *   a comma just yields fields that are not numbers.
 * - A field is number-shaped when, without its spaces and quotes, it is an optional leading `+`
 *   followed only by digits and `(` `)` `-` `.`.
 * - The number is the first candidate, in field order, that is a valid NANP number (NPA and NXX
 *   start with 2–9): a number-shaped field with 10 digits, or 11 digits starting with `1`; with a
 *   `+` only the 11-digit `+1…` form (`+20…` is Egypt, not NPA 201); or a field of exactly 3 digits
 *   followed by a field of exactly 7 digits (the FTC's `NPA,NNNNNNN`).
 *   GB: the first number-shaped field that is a valid UK number in one of tps-format.ts's
 *   spellings (`01632 960123`, `+44 1632 960123`, `441632960123`, …), as its GB key.
 * - The action flag is the first field that is, without surrounding spaces/quotes, one of the
 *   words below (ASCII letters, any case). Other fields (dates, names) are ignored.
 * - A line with only spaces, quotes and delimiters is blank: skipped, not counted as bad. The first
 *   non-blank line of a file (or zip entry) is a header, skipped silently, when it holds no valid
 *   number and has an ASCII letter.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { z } from 'zod';
import { registryNames, type RegistryName } from '../../../shared/compliance.js';
import { tpsFieldKey } from './tps-format.js';

/**
 * What a registry file holds: `full` = the list itself (every number is added); `changes` = a
 * change list whose lines carry an add/delete flag; `additions` / `deletions` = a change list split
 * in two, the caller saying which half this is (a flag on a line, if any, must agree).
 */
export type RegistryFileKind = 'full' | 'changes' | 'additions' | 'deletions';

/** Where a full-list import puts numbers (the compact DNC index builder). */
export interface RegistrySink {
  /** The number's registry key (registry-key.ts): for NANP its 10 digits, e.g. 2015550123. Duplicates are the sink's business. */
  add(n: number): void;
  /** Makes everything added so far durable; the import records its resume point only after it. */
  checkpoint(): Promise<void>;
}

/** Where a change-list import puts numbers. */
export interface ChangeSink {
  add(n: number): void;
  remove(n: number): void;
  checkpoint(): Promise<void>;
}

/** Reported at most every ~100 ms while importing, and once at the end. */
export interface RegistryImportProgress {
  /** Bytes of the input files consumed (zip: compressed bytes, estimated within an entry). */
  bytesDone: number;
  /** Sum of the input files' sizes on disk. */
  bytesTotal: number;
  /** Numbers handed to the sink so far (adds and removes). */
  numbers: number;
  badLines: number;
  /** The file being read; a zip entry as `archive.zip!/entry.txt`. */
  file: string;
}

/**
 * The outcome of an import. Counts cover the whole import, including the part done before a
 * resume. `numbers` = `additions` + `deletions` = calls made to the sink (a number listed twice
 * counts twice); `badLines` excludes blank lines and skipped headers.
 */
export interface RegistryImportReport {
  files: number;
  numbers: number;
  additions: number;
  deletions: number;
  badLines: number;
  /** The first 20 bad lines: 1-based line number within the file (or zip entry), sanitized excerpt of ≤ 80 chars. */
  badExamples: Array<{ file: string; line: number; text: string }>;
  /** True when a checkpoint from an interrupted import of the same files was used. */
  resumed: boolean;
  /** True when a checkpoint existed but was unreadable, of another registry or for other files (names, sizes, mtimes, kinds): the import started over. */
  checkpointIgnored: boolean;
}

/** Options of {@link importRegistryFiles}. */
export interface RegistryImportOptions {
  /**
   * Whose files these are: decides the number grammar (NANP for US/CA, UK numbers for GB).
   * The registry job always sets it; absent means a NANP registry (callers from before GB).
   */
  registry?: RegistryName;
  files: Array<{ path: string; kind: RegistryFileKind }>;
  /** `full` files need a RegistrySink; the other kinds need a ChangeSink. */
  sink: RegistrySink | ChangeSink;
  /**
   * Resume file (small JSON, written atomically). Written each time `checkpointEveryBytes` have
   * been read since the last one (counted across files): at a line boundary within a plain file,
   * after the entry that crossed it within a zip (an unfinished entry is read again), or at the end
   * of a file — each time after `await sink.checkpoint()`.
   * Removed when the import completes.
   */
  checkpointPath?: string;
  onProgress?: (p: RegistryImportProgress) => void;
  signal?: AbortSignal;
  /** Bytes between checkpoints inside a file (default 64 MiB; zip: uncompressed bytes). */
  checkpointEveryBytes?: number;
  /** Read size (default 1 MiB); tests make it small to put many lines across chunk boundaries. */
  chunkBytes?: number;
  /** Bounds on what the import reads (default {@link DEFAULT_REGISTRY_LIMITS}); past one it stops with a {@link RegistryLimitError}. */
  limits?: Partial<RegistryImportLimits>;
}

/**
 * The most an import reads. The files are untrusted: a zip of a few kilobytes can expand to
 * terabytes (a "zip bomb"), a header can lie about an entry's size, and every number read becomes
 * 4 bytes of spill file (full lists) or memory (change lists). Each bound sits well above any real
 * registry download, so only a file that is not one meets it — before the disk or the worker's
 * memory fills, and before the sink gets anything when the zip's own directory gives it away.
 */
export interface RegistryImportLimits {
  /** Uncompressed bytes of one zip entry or plain file. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all the import's files and entries together. */
  maxTotalBytes: number;
  /** Expansion (uncompressed ÷ compressed) an entry, or a zip as a whole, may have once it is larger than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Entries in one zip archive (folders included). */
  maxEntries: number;
  /** Numbers handed to the sink, adds and removes together (the job sets it from its spill or memory budget). */
  maxNumbers: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/**
 * The largest real download is the FTC's whole national list: ~253 M numbers at 11–13 bytes a line
 * (`NNNNNNNNNN` LF … `NPA,NNNNNNN` CRLF), 2.8–3.3 GB unzipped; Canada's DNCL and the TPS are a
 * fraction of that. Twice and more, for growth and extra columns.
 */
export const MAX_REGISTRY_ENTRY_BYTES = 8 * GiB;
/** All files of one import: the national list split by area code adds up to the same ~3.3 GB. */
export const MAX_REGISTRY_IMPORT_BYTES = 16 * GiB;
/**
 * Registry files deflate about 5:1 (measured on FTC-style lines, even a fully listed area code
 * in order); deflate itself cannot pass ~1032:1, which zip bombs use.
 */
export const MAX_REGISTRY_RATIO = 200;
/** Below this an entry may expand as it likes (a short, repetitive README): it cannot hurt. */
export const REGISTRY_RATIO_FLOOR_BYTES = 8 * MiB;
/** The FTC's full list comes as one file or one per area code (~800). */
export const MAX_REGISTRY_ZIP_ENTRIES = 10_000;

export const DEFAULT_REGISTRY_LIMITS: RegistryImportLimits = {
  maxEntryBytes: MAX_REGISTRY_ENTRY_BYTES,
  maxTotalBytes: MAX_REGISTRY_IMPORT_BYTES,
  maxRatio: MAX_REGISTRY_RATIO,
  ratioFloorBytes: REGISTRY_RATIO_FLOOR_BYTES,
  maxEntries: MAX_REGISTRY_ZIP_ENTRIES,
  maxNumbers: Number.POSITIVE_INFINITY,
};

/** A file that is past one of the import's limits: not a registry download (a zip bomb, a lying header, a nested archive). */
export class RegistryLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryLimitError';
  }
}

/** Bytes in words: "8 GiB", "1.5 GiB", "300 MiB", "12 KiB". */
export function formatBytes(n: number): string {
  const [unit, size] = n >= GiB ? ['GiB', GiB] : n >= MiB ? ['MiB', MiB] : n >= KiB ? ['KiB', KiB] : ['bytes', 1];
  const v = n / size;
  return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${unit}`;
}

/** Lines longer than this (bytes, without the line end) are bad: no number line is near it, and it bounds the carry between chunks. */
export const MAX_LINE_BYTES = 1024;
const MAX_BAD_EXAMPLES = 20;
const EXCERPT_CHARS = 80;
const PROGRESS_MS = 100;
const DEFAULT_CHUNK = 1 << 20;
const DEFAULT_CHECKPOINT_EVERY = 64 * (1 << 20);
const SNIFF_BYTES = 64 * 1024;

const ADD_WORDS = ['A', 'ADD', 'ADDED', 'ADDITION', 'I', 'INSERT', 'INSERTED'];
const REMOVE_WORDS = ['D', 'DEL', 'DELETE', 'DELETED', 'DELETION', 'R', 'REMOVE', 'REMOVED'];
const FLAG_WORDS = new Map<string, 'add' | 'remove'>([...ADD_WORDS.map((w) => [w, 'add'] as const), ...REMOVE_WORDS.map((w) => [w, 'remove'] as const)]);

/** Line results (classifyLine, parseLineBytes) besides `n` (add) and `-n` (remove); numbers are ≥ 2e9 so these never collide. */
const R_BLANK = -1;
const R_NO_NUMBER = 0;
const R_NUMBER_BAD_FLAG = 1;

// ---------------------------------------------------------------------------------------------
// Reference parser (strings): readable; sniffing, the check on the byte parser, and GB lines.
// ---------------------------------------------------------------------------------------------

/** A field's digits when it is number-shaped (see the module comment), else null. */
function numberShaped(field: string): { plus: boolean; digits: string } | null {
  const m = /^(\+?)([0-9().-]*)$/.exec(field.replace(/[ "]/g, ''));
  return m ? { plus: m[1] === '+', digits: m[2].replace(/[^0-9]/g, '') } : null;
}

/** The NANP number of a line's fields (10 digits, 1 + 10, or `NPA,NNNNNNN`), else null. */
function nanpNumber(fields: string[]): number | null {
  for (let i = 0; i < fields.length; i++) {
    const f = numberShaped(fields[i]);
    if (!f) continue;
    let candidate: string | null = null;
    if (f.digits.length === 11 && f.digits[0] === '1') candidate = f.digits.slice(1);
    else if (!f.plus && f.digits.length === 10) candidate = f.digits;
    else if (!f.plus && f.digits.length === 3 && i + 1 < fields.length) {
      const g = numberShaped(fields[i + 1]);
      if (g && !g.plus && g.digits.length === 7) candidate = f.digits + g.digits;
    }
    if (candidate !== null && /^[2-9][0-9]{2}[2-9][0-9]{6}$/.test(candidate)) return Number(candidate);
  }
  return null;
}

/** The GB key of the first field holding a UK number (tps-format.ts), else null. */
function gbNumber(fields: string[]): number | null {
  for (const field of fields) {
    const f = numberShaped(field);
    const key = f && f.digits.length >= 7 && f.digits.length <= 14 ? tpsFieldKey(f.plus, f.digits) : null;
    if (key !== null) return key;
  }
  return null;
}

/**
 * One line (no LF; `checked`: its byte length was already checked) as parseLineBytes reports it:
 * the key (add), its negation (remove), R_BLANK, R_NO_NUMBER or R_NUMBER_BAD_FLAG.
 */
function classifyLine(line: string, kind: RegistryFileKind, registry: RegistryName, checked = false): number {
  let s = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!checked && Buffer.byteLength(s, 'utf8') > MAX_LINE_BYTES) return R_NO_NUMBER;
  if (s.startsWith('\uFEFF')) s = s.slice(1);
  const fields = s.split(/[,;\t|]/);
  const n = registry === 'GB' ? gbNumber(fields) : nanpNumber(fields);
  if (n === null) return /^[ ",;\t|]*$/.test(s) ? R_BLANK : R_NO_NUMBER;
  let flag: 'add' | 'remove' | undefined;
  for (const field of fields) {
    const word = field.replace(/^[ "]+/, '').replace(/[ "]+$/, '');
    // ASCII only: 'ı'.toUpperCase() is 'I', which must not read as a flag.
    if (/^[A-Za-z]{1,9}$/.test(word) && (flag = FLAG_WORDS.get(word.toUpperCase()))) break;
  }
  switch (kind) {
    case 'full':
      return n;
    case 'changes':
      return flag === 'add' ? n : flag === 'remove' ? -n : R_NUMBER_BAD_FLAG;
    case 'additions':
      return flag === 'remove' ? R_NUMBER_BAD_FLAG : n;
    case 'deletions':
      return flag === 'add' ? R_NUMBER_BAD_FLAG : -n;
  }
}

/**
 * Parses one line (no newline; one trailing CR is tolerated) of a registry file of the given kind.
 * Returns the number (its registry key) and what to do with it, or null for a bad or blank line.
 * Exported for tests and as a reference: the streaming import gives the same answer for every line.
 */
export function parseRegistryLine(line: string, kind: RegistryFileKind, registry: RegistryName): { n: number; action: 'add' | 'remove' } | null {
  const r = classifyLine(line, kind, registry);
  return r > R_NUMBER_BAD_FLAG ? { n: r, action: 'add' } : r < R_BLANK ? { n: -r, action: 'remove' } : null;
}

// ---------------------------------------------------------------------------------------------
// Byte parser: the hot path. Must agree with parseRegistryLine.
// ---------------------------------------------------------------------------------------------

const K_FULL = 0;
const K_CHANGES = 1;
const K_ADDITIONS = 2;
const K_DELETIONS = 3;
const KIND_CODES: Record<RegistryFileKind, number> = { full: K_FULL, changes: K_CHANGES, additions: K_ADDITIONS, deletions: K_DELETIONS };

const FLAG_ADD = 1;
const FLAG_REMOVE = 2;

/** A short ASCII word as an integer, 5 bits a letter, case-folded (`c & 0x1f` is the same for `A` and `a`). */
function wordKey(word: string): number {
  let key = 0;
  for (let k = 0; k < word.length; k++) key = key * 32 + (word.charCodeAt(k) & 0x1f);
  return key;
}
const FLAG_KEYS = new Map<number, number>([
  ...ADD_WORDS.map((w) => [wordKey(w), FLAG_ADD] as const),
  ...REMOVE_WORDS.map((w) => [wordKey(w), FLAG_REMOVE] as const),
]);

/**
 * The byte-level twin of parseRegistryLine over `b[start, end)` (no LF). Returns the number (add),
 * its negation (remove), R_BLANK, R_NO_NUMBER, or R_NUMBER_BAD_FLAG (a valid number but a missing
 * or contradicting flag: bad, yet never a header).
 */
function parseLineBytes(b: Uint8Array, start: number, end: number, kind: number): number {
  if (end > start && b[end - 1] === 13) end--;
  if (end - start > MAX_LINE_BYTES) return R_NO_NUMBER;
  if (end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) start += 3;
  let n = 0;
  let flag = 0;
  let blank = true;
  let prev3 = -1; // the previous field was exactly three digits (no '+'): their value
  let i = start;
  for (;;) {
    let shaped = true;
    let plus = false;
    let digits = 0;
    // The digits as int32 arithmetic (no double math per byte): the first nine in `head`, the
    // next two in `tail`; more than eleven never make a candidate.
    let head = 0;
    let tail = 0;
    let first = -1;
    let last = -1;
    let j = i;
    for (; j < end; j++) {
      const c = b[j];
      const d = c - 48;
      const digit = d >>> 0 <= 9;
      if (!digit) {
        if (c === 44 || c === 59 || c === 9 || c === 124) break; // , ; TAB |
        if (c === 32 || c === 34) continue; // space, double quote
      }
      const isFirst = first < 0;
      if (isFirst) first = j;
      last = j;
      if (!shaped) continue;
      if (digit) {
        if (digits < 9) head = head * 10 + d;
        else if (digits < 11) tail = tail * 10 + d;
        digits++;
      } else if (c === 43 && isFirst)
        plus = true; // '+' only in front
      else if (c !== 40 && c !== 41 && c !== 45 && c !== 46) shaped = false; // ( ) - .
    }
    if (first >= 0) blank = false;
    if (n === 0 && shaped && first >= 0) {
      let candidate = -1;
      if (digits === 11 && head >= 100_000_000 && head < 200_000_000)
        candidate = (head - 100_000_000) * 100 + tail; // 1 + ten digits
      else if (!plus && digits === 10) candidate = head * 10 + tail;
      else if (!plus && digits === 7 && prev3 >= 0) candidate = prev3 * 1e7 + head;
      // NPA and NXX start with 2..9 (candidate < 1e10, so `top` is NPA * 10 + NXX's first digit).
      const top = Math.floor(candidate / 1e6);
      if (candidate >= 2e9 && top % 10 >= 2) n = candidate;
      prev3 = !plus && digits === 3 ? head : -1;
    } else prev3 = -1;
    if (flag === 0 && kind !== K_FULL && first >= 0 && last - first < 9) {
      let key = 0;
      let k = first;
      for (; k <= last; k++) {
        const c = b[k] | 0x20;
        if (c < 97 || c > 122) break;
        key = key * 32 + (c & 0x1f);
      }
      if (k > last) flag = FLAG_KEYS.get(key) ?? 0;
    }
    if (j >= end) break;
    i = j + 1;
  }
  if (blank) return R_BLANK;
  if (n === 0) return R_NO_NUMBER;
  switch (kind) {
    case K_FULL:
      return n;
    case K_CHANGES:
      return flag === FLAG_ADD ? n : flag === FLAG_REMOVE ? -n : R_NUMBER_BAD_FLAG;
    case K_ADDITIONS:
      return flag === FLAG_REMOVE ? R_NUMBER_BAD_FLAG : n;
    default:
      return flag === FLAG_ADD ? R_NUMBER_BAD_FLAG : -n;
  }
}

function hasAsciiLetter(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = b[k] | 0x20;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** Control, bidi and zero-width characters would garble or disguise a report line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** Makes untrusted text (a line, a zip entry name) safe to show: unsafe characters become '?', at most `max` characters. */
function sanitize(text: string, max: number): string {
  const safe = text.replace(UNSAFE_CHARS, '?');
  if (safe.length <= max) return safe;
  let cut = max - 1;
  // Never split a surrogate pair (a lone half would render as garbage).
  if (cut > 0 && safe.charCodeAt(cut - 1) >= 0xd800 && safe.charCodeAt(cut - 1) <= 0xdbff) cut--;
  return `${safe.slice(0, cut)}…`;
}

function excerpt(b: Uint8Array, start: number, end: number): string {
  if (end > start && b[end - 1] === 13) end--;
  // A few bytes more than 80 characters' worth is enough; the rest of a long line is never decoded.
  const text = Buffer.from(b.buffer, b.byteOffset + start, Math.min(end - start, EXCERPT_CHARS * 4)).toString('utf8');
  return sanitize(text, EXCERPT_CHARS);
}

interface Tally {
  numbers: number;
  additions: number;
  deletions: number;
  badLines: number;
  badExamples: Array<{ file: string; line: number; text: string }>;
}

/**
 * Splits a stream of chunks into lines and feeds them to the sink. A line cut by a chunk boundary
 * is carried over, at most MAX_LINE_BYTES + 1 bytes of it (a longer one is bad whatever follows).
 */
class LineScanner {
  /** Lines completed so far in this file or entry. */
  line = 0;
  /** Whether the first non-blank line (the header candidate) was seen. */
  firstSeen = false;
  /** Bytes of the unfinished last line (all of them, also those not kept). */
  pending = 0;
  private readonly carry = Buffer.allocUnsafe(MAX_LINE_BYTES + 1);
  private carryLen = 0;
  private readonly kind: number;
  /** UK numbers: every line through classifyLine (no fast path, no byte parser). */
  private readonly gb: boolean;

  constructor(
    private readonly registry: RegistryName,
    private readonly kindName: RegistryFileKind,
    private readonly sink: ChangeSink,
    private readonly tally: Tally,
    private readonly label: string,
  ) {
    this.kind = KIND_CODES[kindName];
    this.gb = registry === 'GB';
  }

  push(buf: Buffer): void {
    const len = buf.length;
    let i = 0;
    if (this.pending > 0) {
      const nl = buf.indexOf(10);
      this.keep(buf, 0, nl < 0 ? len : nl);
      if (nl < 0) return;
      this.flushCarry();
      i = nl + 1;
    }
    const sink = this.sink;
    let line = this.line;
    let fastAdds = 0;
    const fastKind = this.kind === K_FULL && !this.gb;
    let fast = fastKind && this.firstSeen;
    const fastEnd = len - 13;
    while (i < len) {
      if (fast && i <= fastEnd) {
        // 10 digits, or 3 digits ',' 7 digits, then LF or CRLF: the whole FTC list looks like this.
        // All bytes are loaded and checked at once (one branch, no bounds surprises: `fastEnd`
        // keeps the longest form, 13 bytes, inside the chunk); a miss falls to the general parser.
        const p = buf[i + 3] === 44 ? i + 4 : i + 3;
        const d0 = buf[i] - 50; // NPA and NXX start with 2..9: 0..7 here
        const d1 = buf[i + 1] - 48;
        const d2 = buf[i + 2] - 48;
        const d3 = buf[p] - 50;
        const d4 = buf[p + 1] - 48;
        const d5 = buf[p + 2] - 48;
        const d6 = buf[p + 3] - 48;
        const d7 = buf[p + 4] - 48;
        const d8 = buf[p + 5] - 48;
        const d9 = buf[p + 6] - 48;
        // d0, d3 in 0..7: no bit above 7. The others in 0..9: none above 15, and d + 6 below 16.
        const any = d1 | d2 | d4 | d5 | d6 | d7 | d8 | d9;
        const plus6 = (d1 + 6) | (d2 + 6) | (d4 + 6) | (d5 + 6) | (d6 + 6) | (d7 + 6) | (d8 + 6) | (d9 + 6);
        if ((((d0 | d3) & ~7) | (any & ~15) | (plus6 & 16)) === 0) {
          const e = p + 7;
          const t = buf[e];
          const next = t === 10 ? e + 1 : t === 13 && buf[e + 1] === 10 ? e + 2 : -1;
          if (next > 0) {
            sink.add(((d0 + 2) * 100 + d1 * 10 + d2) * 1e7 + (d3 + 2) * 1e6 + d4 * 1e5 + d5 * 1e4 + d6 * 1000 + d7 * 100 + d8 * 10 + d9);
            fastAdds++;
            line++;
            i = next;
            continue;
          }
        }
      }
      const nl = buf.indexOf(10, i);
      if (nl < 0) break;
      line++;
      this.handle(buf, i, nl, line, false);
      fast = fastKind && this.firstSeen;
      i = nl + 1;
    }
    this.line = line;
    this.tally.numbers += fastAdds;
    this.tally.additions += fastAdds;
    if (i < len) this.keep(buf, i, len);
  }

  private classify(b: Uint8Array, start: number, end: number): number {
    const contentEnd = end > start && b[end - 1] === 13 ? end - 1 : end;
    // The byte length is the limit (a decoded invalid byte would count as three).
    if (contentEnd - start > MAX_LINE_BYTES) return R_NO_NUMBER;
    const text = Buffer.from(b.buffer, b.byteOffset + start, contentEnd - start).toString('utf8');
    return classifyLine(text, this.kindName, this.registry, true);
  }

  /** The last line of the input when it has no line end. */
  finish(): void {
    if (this.pending > 0) this.flushCarry();
  }

  private keep(buf: Buffer, start: number, end: number): void {
    const room = this.carry.length - this.carryLen;
    const n = Math.min(end - start, room);
    if (n > 0) buf.copy(this.carry, this.carryLen, start, start + n);
    this.carryLen += n;
    this.pending += end - start;
  }

  private flushCarry(): void {
    const overlong = this.pending > this.carry.length;
    this.line++;
    this.handle(this.carry, 0, this.carryLen, this.line, overlong);
    this.carryLen = 0;
    this.pending = 0;
  }

  private handle(b: Uint8Array, start: number, end: number, line: number, overlong: boolean): void {
    const r = overlong ? R_NO_NUMBER : this.gb ? this.classify(b, start, end) : parseLineBytes(b, start, end, this.kind);
    if (r === R_BLANK) return;
    if (!this.firstSeen) {
      this.firstSeen = true;
      const contentEnd = end > start && b[end - 1] === 13 ? end - 1 : end;
      if (r === R_NO_NUMBER && !overlong && contentEnd - start <= MAX_LINE_BYTES && hasAsciiLetter(b, start, contentEnd)) return;
    }
    const t = this.tally;
    if (r > R_NUMBER_BAD_FLAG) {
      this.sink.add(r);
      t.numbers++;
      t.additions++;
    } else if (r < R_BLANK) {
      this.sink.remove(-r);
      t.numbers++;
      t.deletions++;
    } else {
      t.badLines++;
      if (t.badExamples.length < MAX_BAD_EXAMPLES) t.badExamples.push({ file: this.label, line, text: excerpt(b, start, end) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files, zips, checkpoints.
// ---------------------------------------------------------------------------------------------

const kindSchema = z.enum(['full', 'changes', 'additions', 'deletions']);
const fileIdSchema = z.object({ path: z.string(), kind: kindSchema, size: z.number(), mtimeMs: z.number() });
const count = z.number().int().nonnegative();
/** The checkpoint file is ours but may be truncated, edited or from another version: validated, never trusted. */
const checkpointSchema = z.object({
  version: z.literal(1),
  /** Absent in checkpoints written before GB imports existed: those were NANP imports. */
  registry: z.enum(['US', 'CA', 'GB']).optional(),
  files: z.array(fileIdSchema),
  filesDone: count,
  partial: z.union([z.null(), z.object({ offset: count, line: count, firstSeen: z.boolean() }), z.object({ entry: count })]),
  counts: z.object({
    numbers: count,
    additions: count,
    deletions: count,
    badLines: count,
    badExamples: z.array(z.object({ file: z.string().max(4096), line: count, text: z.string().max(EXCERPT_CHARS * 2) })).max(MAX_BAD_EXAMPLES),
  }),
});
type Checkpoint = z.infer<typeof checkpointSchema>;
type FileId = z.infer<typeof fileIdSchema>;

async function readCheckpoint(path: string): Promise<Checkpoint | 'missing' | 'invalid'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'invalid';
  }
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Temp file + fsync + rename: a crash leaves the old checkpoint or the new one, never half of one. */
async function writeCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(cp));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`Cannot write registry import checkpoint ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function sameFiles(a: FileId[], b: FileId[]): boolean {
  return a.length === b.length && a.every((f, k) => f.path === b[k].path && f.kind === b[k].kind && f.size === b[k].size && f.mtimeMs === b[k].mtimeMs);
}

async function statFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (e) {
    throw new Error(`Cannot read registry file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** A zip by its name or by its first bytes (a local header, or the end record of an empty zip). */
async function isZip(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() === '.zip') return true;
  let fh;
  try {
    fh = await open(path, 'r');
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
  } catch (e) {
    throw new Error(`Cannot read registry file ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await fh?.close();
  }
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  try {
    // validateEntrySizes: an entry that yields more than its header declares is stopped there.
    return await yauzl.openPromise(path, { autoClose: false, lazyEntries: true, validateEntrySizes: true });
  } catch (e) {
    throw new Error(`Corrupt or unsupported zip archive ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The next central-directory entry, or null at the end. */
function nextEntry(zip: yauzl.ZipFile, path: string): Promise<yauzl.Entry | null> {
  return new Promise((resolvePromise, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (done(), resolvePromise(e));
    const onEnd = () => (done(), resolvePromise(null));
    const onError = (e: Error) => (done(), reject(new Error(`Corrupt or unsupported zip archive ${path}: ${e.message}`, { cause: e })));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Folders and macOS metadata (`__MACOSX/`, `._name`) carry no numbers. */
function isContentEntry(e: yauzl.Entry): boolean {
  return !e.fileName.endsWith('/') && !e.fileName.startsWith('__MACOSX/') && !basename(e.fileName).startsWith('._');
}

async function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, label: string): Promise<Readable> {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (e) {
    throw new Error(`Cannot read zip entry ${label}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a stream chunk by chunk; errors of the stream itself are reported naming `label`, the
 * sink's and the callback's own errors pass unchanged. Checks the abort signal after every chunk.
 */
async function pump(
  stream: Readable,
  label: string,
  what: string,
  signal: AbortSignal | undefined,
  onChunk: (chunk: Buffer) => Promise<void> | void,
): Promise<void> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        signal?.throwIfAborted();
        throw new Error(`${what} ${label}: ${(e as Error).message}`, { cause: e });
      }
      if (r.done) return;
      const p = onChunk(r.value);
      if (p) await p;
      signal?.throwIfAborted();
    }
  } finally {
    stream.destroy();
  }
}

const NOT_A_DOWNLOAD = 'it is not a registry download';

/** A zip archive's own first bytes (a local header, or the end record of an empty zip). */
function startsLikeZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/**
 * Checks what the import will read against its limits before anything reaches the sink: plain
 * files by their size, zips by their central directory (entry count, each entry's declared size
 * and expansion, the archive's as a whole). What the directory declares is then enforced while
 * reading (yauzl stops an entry that yields more than it declared).
 */
async function checkDeclaredSizes(files: ReadonlyArray<{ path: string; size: number }>, limits: RegistryImportLimits): Promise<void> {
  let total = 0;
  const addToTotal = (bytes: number, what: string) => {
    total += bytes;
    if (total > limits.maxTotalBytes)
      throw new RegistryLimitError(`${what} more than ${formatBytes(limits.maxTotalBytes)} in all (the import's limit) — ${NOT_A_DOWNLOAD}`);
  };
  for (const f of files) {
    const name = basename(f.path);
    if (!(await isZip(f.path))) {
      if (f.size > limits.maxEntryBytes)
        throw new RegistryLimitError(
          `${name} is ${formatBytes(f.size)}, more than the ${formatBytes(limits.maxEntryBytes)} a registry file may have — ${NOT_A_DOWNLOAD}`,
        );
      addToTotal(f.size, files.length > 1 ? "This import's files hold" : `${name} holds`);
      continue;
    }
    const zip = await openZip(f.path);
    try {
      if (zip.entryCount > limits.maxEntries)
        throw new RegistryLimitError(
          `The zip file ${name} holds ${zip.entryCount.toLocaleString('en-US')} files, more than ${limits.maxEntries.toLocaleString('en-US')} — ${NOT_A_DOWNLOAD}`,
        );
      let uncompressed = 0;
      let compressed = 0;
      for (;;) {
        const entry = await nextEntry(zip, f.path);
        if (!entry) break;
        if (!isContentEntry(entry)) continue;
        const label = `${name}!/${sanitize(entry.fileName, 100)}`;
        const size = entry.uncompressedSize;
        if (size > limits.maxEntryBytes)
          throw new RegistryLimitError(
            `This zip file expands to more than ${formatBytes(limits.maxEntryBytes)} (${label}: ${formatBytes(size)}) — ${NOT_A_DOWNLOAD}`,
          );
        if (size > limits.ratioFloorBytes && size > entry.compressedSize * limits.maxRatio)
          throw new RegistryLimitError(
            `This zip file expands more than ${limits.maxRatio} times (${label}: ${formatBytes(entry.compressedSize)} → ${formatBytes(size)}; registry files shrink about 5 times) — ${NOT_A_DOWNLOAD}`,
          );
        uncompressed += size;
        compressed += entry.compressedSize;
        addToTotal(size, files.length > 1 ? "This import's files expand to" : 'This zip file expands to');
      }
      if (uncompressed > limits.ratioFloorBytes && uncompressed > compressed * limits.maxRatio)
        throw new RegistryLimitError(
          `This zip file expands more than ${limits.maxRatio} times (${name}: ${formatBytes(compressed)} → ${formatBytes(uncompressed)} over its files) — ${NOT_A_DOWNLOAD}`,
        );
    } finally {
      zip.close();
    }
  }
}

/**
 * Imports national DNC registry files into `sink`, streaming (bounded memory), resumable through
 * `checkpointPath`, cancellable through `signal` (rejects with the signal's reason). Bad lines are
 * counted, never thrown; a missing or unreadable file or a corrupt zip rejects with an Error that
 * names the file (numbers already handed to the sink stay there). Files are read in order; a
 * `.zip` (or a file starting like one) has each entry read in turn. Files past `limits` (a zip
 * bomb, a header that lies about its size, a zip inside the zip, more numbers than any registry)
 * reject with a {@link RegistryLimitError} that says so — from the zip's directory before the
 * sink gets anything, or while reading, when only the data gives it away.
 */
export async function importRegistryFiles(opts: RegistryImportOptions): Promise<RegistryImportReport> {
  const { registry = 'US', files, sink, checkpointPath, onProgress, signal } = opts;
  const chunkBytes = Math.max(16, Math.min(opts.chunkBytes ?? DEFAULT_CHUNK, 64 << 20));
  const checkpointEvery = Math.max(1, opts.checkpointEveryBytes ?? DEFAULT_CHECKPOINT_EVERY);
  signal?.throwIfAborted();
  if (!registryNames.includes(registry)) throw new Error(`Unknown registry ${JSON.stringify(registry)}`);
  if (typeof sink?.add !== 'function' || typeof sink.checkpoint !== 'function') throw new Error('Registry import needs a sink with add() and checkpoint()');
  for (const f of files) {
    if (!kindSchema.safeParse(f.kind).success) throw new Error(`Unknown registry file kind ${JSON.stringify(f.kind)} for ${f.path}`);
    if (f.kind !== 'full' && typeof (sink as Partial<ChangeSink>).remove !== 'function')
      throw new Error(`Registry file ${f.path} is a ${f.kind} list: it needs a sink with remove()`);
  }
  const limits: RegistryImportLimits = { ...DEFAULT_REGISTRY_LIMITS, ...opts.limits };
  const ids: FileId[] = [];
  for (const f of files) ids.push({ path: resolve(f.path), kind: f.kind, ...(await statFile(f.path)) });
  const bytesTotal = ids.reduce((s, f) => s + f.size, 0);
  await checkDeclaredSizes(
    files.map((f, k) => ({ path: f.path, size: ids[k].size })),
    limits,
  );

  let tally: Tally = { numbers: 0, additions: 0, deletions: 0, badLines: 0, badExamples: [] };
  let filesDone = 0;
  let partial: Checkpoint['partial'] = null;
  let resumed = false;
  let checkpointIgnored = false;
  if (checkpointPath) {
    const cp = await readCheckpoint(checkpointPath);
    if (cp !== 'missing') {
      const cpRegistry = cp === 'invalid' ? null : (cp.registry ?? (registry === 'GB' ? null : registry));
      if (cp === 'invalid' || cpRegistry !== registry || !sameFiles(cp.files, ids) || cp.filesDone > ids.length) checkpointIgnored = true;
      else {
        resumed = true;
        tally = { ...cp.counts, badExamples: [...cp.counts.badExamples] };
        filesDone = cp.filesDone;
        partial = cp.partial;
      }
    }
  }

  // The sink takes ChangeSink calls only for change kinds (checked above); `full` never removes.
  const changeSink = sink as ChangeSink;
  /** Uncompressed bytes read in this run (a resumed import's earlier part is bounded by the declared sizes above). */
  let readTotal = 0;
  const countRead = (n: number, entryRead: number, label: string) => {
    readTotal += n;
    // What the zip's directory declared was checked, and yauzl holds each entry to it; a plain file can still grow while it is read.
    if (entryRead > limits.maxEntryBytes || readTotal > limits.maxTotalBytes)
      throw new RegistryLimitError(`${label} holds more than ${formatBytes(Math.min(limits.maxEntryBytes, limits.maxTotalBytes))} — ${NOT_A_DOWNLOAD}`);
    if (tally.numbers > limits.maxNumbers)
      throw new RegistryLimitError(
        `${label} holds more than ${limits.maxNumbers.toLocaleString('en-US')} numbers, more than this import can take (the whole US registry has about 250 million) — ${NOT_A_DOWNLOAD}`,
      );
  };
  let lastProgress = 0;
  let bytesDone = ids.slice(0, filesDone).reduce((s, f) => s + f.size, 0);
  const progress = (file: string, force = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    onProgress({ bytesDone, bytesTotal, numbers: tally.numbers, badLines: tally.badLines, file });
  };
  // Bytes read since the last checkpoint, across files: a registry of 800 area-code files is not
  // flushed and fsynced 800 times (that alone took ~10 s), only every `checkpointEvery` bytes.
  let unsaved = 0;
  const saveCheckpoint = async (done: number, part: Checkpoint['partial']) => {
    if (!checkpointPath) return;
    unsaved = 0;
    await sink.checkpoint();
    await writeCheckpoint(checkpointPath, { version: 1, registry, files: ids, filesDone: done, partial: part, counts: tally });
  };

  for (let k = filesDone; k < files.length; k++) {
    const { path, kind } = files[k];
    const base = bytesDone;
    const size = ids[k].size;
    const resumeAt = k === filesDone ? partial : null;
    if (await isZip(path)) {
      const zip = await openZip(path);
      try {
        const skip = resumeAt && 'entry' in resumeAt ? resumeAt.entry : 0;
        let compressedDone = 0;
        for (let index = 0; ; index++) {
          const entry = await nextEntry(zip, path);
          if (!entry) break;
          if (index < skip || !isContentEntry(entry)) {
            compressedDone += entry.compressedSize;
            continue;
          }
          const label = `${path}!/${sanitize(entry.fileName, 200)}`;
          const scanner = new LineScanner(registry, kind, changeSink, tally, label);
          const stream = await openEntry(zip, entry, label);
          let read = 0;
          try {
            await pump(stream, label, 'Corrupt zip entry', signal, (chunk) => {
              if (read === 0 && startsLikeZip(chunk))
                throw new RegistryLimitError(
                  `This zip file holds another zip archive (${basename(path)}!/${sanitize(entry.fileName, 100)}) — a registry download holds text files: unpack the inner archive and import its files`,
                );
              scanner.push(chunk);
              read += chunk.length;
              countRead(chunk.length, read, label);
              const fraction = entry.uncompressedSize > 0 ? Math.min(1, read / entry.uncompressedSize) : 1;
              bytesDone = base + Math.min(size, compressedDone + fraction * entry.compressedSize);
              progress(label);
            });
          } catch (e) {
            // yauzl holds an entry to the size its header declares: more data than that is a lie, not damage.
            if (/^too many bytes in the stream/.test(((e as Error).cause as Error | undefined)?.message ?? ''))
              throw new RegistryLimitError(
                `This zip file holds more data than it declares (${basename(path)}!/${sanitize(entry.fileName, 100)}: more than ${formatBytes(entry.uncompressedSize)}) — it is damaged or built to mislead; ${NOT_A_DOWNLOAD}`,
              );
            throw e;
          }
          scanner.finish();
          compressedDone += entry.compressedSize;
          unsaved += read;
          // A whole-registry zip can take minutes: later entries should not redo earlier ones,
          // but a zip of hundreds of small area-code files should not flush the sink for each.
          if (index + 1 < zip.entryCount && unsaved >= checkpointEvery) await saveCheckpoint(k, { entry: index + 1 });
        }
      } finally {
        zip.close();
      }
    } else {
      const start = resumeAt && 'offset' in resumeAt && resumeAt.offset <= size ? resumeAt : { offset: 0, line: 0, firstSeen: false };
      const scanner = new LineScanner(registry, kind, changeSink, tally, path);
      scanner.line = start.line;
      scanner.firstSeen = start.firstSeen;
      let offset = start.offset;
      const stream = createReadStream(path, { start: offset, highWaterMark: chunkBytes });
      await pump(stream, path, 'Cannot read registry file', signal, (chunk) => {
        scanner.push(chunk);
        offset += chunk.length;
        countRead(chunk.length, offset, path);
        unsaved += chunk.length;
        bytesDone = base + offset;
        progress(path);
        if (checkpointPath && unsaved >= checkpointEvery) {
          // Resume points sit at line boundaries: the unfinished line is read again.
          const boundary = offset - scanner.pending;
          return saveCheckpoint(k, { offset: boundary, line: scanner.line, firstSeen: scanner.firstSeen });
        }
      });
      scanner.finish();
    }
    bytesDone = base + size;
    if (k + 1 < files.length && unsaved >= checkpointEvery) await saveCheckpoint(k + 1, null);
    progress(path);
  }

  if (checkpointPath) {
    // The import is complete: a later import with this path is a new import, not a resume.
    await sink.checkpoint();
    await rm(checkpointPath, { force: true });
  }
  if (onProgress) progress(files.at(-1)?.path ?? '', true);
  return { files: files.length, ...tally, resumed, checkpointIgnored };
}

/**
 * Tells a full list from a change list by its first lines (up to 64 KiB, the first content entry
 * of a zip): `changes` when at least half the lines holding a number also carry an add/delete
 * flag, else `full`. An additions or deletions file without flags reads as `full`: only the user
 * can say which half of a split change list it is.
 */
export async function sniffRegistryKind(path: string, registry: RegistryName): Promise<RegistryFileKind> {
  await statFile(path);
  let head: Buffer;
  let complete: boolean;
  if (await isZip(path)) {
    const zip = await openZip(path);
    try {
      let entry: yauzl.Entry | null;
      do entry = await nextEntry(zip, path);
      while (entry && !isContentEntry(entry));
      if (!entry) return 'full';
      const label = `${path}!/${sanitize(entry.fileName, 200)}`;
      const chunks: Buffer[] = [];
      let got = 0;
      complete = true;
      await pump(await openEntry(zip, entry, label), label, 'Corrupt zip entry', undefined, (chunk) => {
        chunks.push(chunk);
        got += chunk.length;
        if (got >= SNIFF_BYTES) {
          complete = false;
          throw new SniffDone();
        }
      }).catch((e: unknown) => {
        if (!(e instanceof SniffDone)) throw e;
      });
      head = Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
    } finally {
      zip.close();
    }
  } else {
    const fh = await open(path, 'r').catch((e: Error) => {
      throw new Error(`Cannot read registry file ${path}: ${e.message}`, { cause: e });
    });
    try {
      head = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
      complete = bytesRead < SNIFF_BYTES;
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
  const lines = head.toString('utf8').split('\n');
  if (!complete) lines.pop(); // cut off mid-line
  let withNumber = 0;
  let withFlag = 0;
  for (const line of lines.slice(0, 200)) {
    if (parseRegistryLine(line, 'full', registry) === null) continue;
    withNumber++;
    if (parseRegistryLine(line, 'changes', registry) !== null) withFlag++;
  }
  return withNumber > 0 && withFlag * 2 >= withNumber ? 'changes' : 'full';
}

/** Stops reading a zip entry once the sniffer has enough of it. */
class SniffDone extends Error {}
