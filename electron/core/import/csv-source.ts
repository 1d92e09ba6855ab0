/**
 * Reading a CSV file as text without holding it in memory: encoding detection (UTF-8 with or
 * without BOM, else Windows-1250 as Polish Excel writes it), a decoding stream, and delimiter
 * detection over the first lines.
 */
import { createReadStream } from 'node:fs';
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
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checked += chunk.length;
      decoder.decode(chunk, { stream: true });
    }
    // A truncated multi-byte sequence at a `maxBytes` cut is not evidence against UTF-8.
    if (!Number.isFinite(maxBytes) || checked < maxBytes) decoder.decode();
    return 'utf-8';
  } catch {
    return 'windows-1250';
  } finally {
    stream.destroy();
  }
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
