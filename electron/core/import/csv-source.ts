/**
 * Reading a CSV file as text without holding it in memory: encoding detection (UTF-8 with or
 * without BOM, else Windows-1250 as Polish Excel writes it), a decoding stream, and delimiter
 * detection over the first lines.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'windows-1250';
export type CsvDelimiter = ',' | ';' | '\t';

/**
 * UTF-8 when every byte of the file is valid UTF-8, else Windows-1250. The whole file is checked
 * (streamed, ~1 GB/s) because the first non-ASCII letter can sit anywhere; `maxBytes` limits it.
 */
export async function detectEncoding(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<CsvEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: 1 << 20, end: Number.isFinite(maxBytes) ? maxBytes - 1 : undefined });
  let checked = 0;
  // Only a decoding failure means Windows-1250; a file that cannot be read is an error for the caller.
  const valid = (decode: () => void): boolean => {
    try {
      decode();
      return true;
    } catch {
      return false;
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checked += chunk.length;
      if (!valid(() => decoder.decode(chunk, { stream: true }))) return 'windows-1250';
    }
    // A truncated multi-byte sequence at a `maxBytes` cut is not evidence against UTF-8.
    if (!Number.isFinite(maxBytes) || checked < maxBytes) return valid(() => decoder.decode()) ? 'utf-8' : 'windows-1250';
    return 'utf-8';
  } finally {
    stream.destroy();
  }
}

/** The first `n` bytes of the file (fewer when it is shorter). */
export async function readBytes(path: string, n: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await file.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const saveAsCsv = 'In Excel choose File › Save As › "CSV UTF-8 (Comma delimited)" and import that file.';

/**
 * Why a file is plainly not CSV text, from its first bytes, in words the agent can act on (what
 * it is, and how to get a CSV from it); null when it may well be CSV.
 */
export function notCsvReason(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) return `This is an Excel workbook (.xlsx) or another zipped document, not a CSV file. ${saveAsCsv}`;
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return `This is an Excel 97–2003 workbook (.xls), not a CSV file. ${saveAsCsv}`;
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d))
    return 'This is a PDF document, not a CSV file. Export the list from where it came from as CSV and import that file.';
  if (starts(0x1f, 0x8b)) return 'This file is compressed (gzip): unpack it first and import the CSV file inside.';
  let zeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== 0) continue;
    zeros++;
    if (i % 2 === 1) oddZeros++;
  }
  // Text in UTF-16 has a zero in every other byte (Latin letters); with a BOM it starts FF FE or FE FF.
  const utf16 = starts(0xff, 0xfe) || starts(0xfe, 0xff) || (head.length >= 16 && (oddZeros > head.length * 0.3 || zeros - oddZeros > head.length * 0.3));
  if (utf16) return `This file is saved as Unicode text (UTF-16), which Ringside does not read. ${saveAsCsv}`;
  if (zeros > 0) return 'This does not look like a CSV file: it contains binary data. Export the list as CSV (UTF-8) and import that file.';
  return null;
}

/** A text stream of the file (BOM stripped); `onBytes` sees every raw chunk's size as it is read. */
export function openTextStream(path: string, encoding: CsvEncoding, onBytes?: (n: number) => void): { text: Readable; raw: Readable } {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
  const text = raw.pipe(iconv.decodeStream(encoding === 'utf-8' ? 'utf8' : 'win1250') as unknown as Transform);
  raw.on('error', (e) => text.destroy(e));
  return { text, raw };
}

/** The first `maxChars` characters of the file, decoded. */
export async function readHead(path: string, encoding: CsvEncoding, maxChars = 256 * 1024): Promise<string> {
  const { text, raw } = openTextStream(path, encoding);
  let head = '';
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      head += chunk;
      if (head.length >= maxChars) break;
    }
  } finally {
    raw.destroy();
    text.destroy();
  }
  return head.slice(0, maxChars);
}

const candidates: CsvDelimiter[] = [',', ';', '\t'];

/**
 * Counts each candidate outside quotes on the first non-empty lines (header + up to 10 rows).
 * The winner is the candidate with the same non-zero count on most lines, ties broken by the
 * header count; a file with one column falls back to a comma.
 */
export function detectDelimiter(head: string): CsvDelimiter {
  const lines: Array<Record<CsvDelimiter, number>> = [];
  let counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let nonEmpty = false;
  for (let i = 0; i < head.length && lines.length < 11; i++) {
    const c = head[i];
    if (c === '"')
      inQuotes = !inQuotes; // a doubled quote toggles twice: still right
    else if (inQuotes) continue;
    else if (c === '\n' || c === '\r') {
      if (nonEmpty) lines.push(counts);
      counts = { ',': 0, ';': 0, '\t': 0 };
      nonEmpty = false;
    } else {
      nonEmpty = true;
      if (c === ',' || c === ';' || c === '\t') counts[c]++;
    }
  }
  if (nonEmpty && lines.length < 11) lines.push(counts);
  if (lines.length === 0) return ',';
  let best: CsvDelimiter = ',';
  let bestScore = -1;
  for (const d of candidates) {
    const header = lines[0][d];
    if (header === 0) continue;
    const consistent = lines.filter((l) => l[d] === header).length;
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
