/**
 * CSV import pipeline (plain Node): preview a file, then stream it through papaparse, map rows to
 * leads and hand them to the lead repository in batches. The file is never held as one string.
 * The file comes from outside: whatever is wrong with it (not a CSV at all, a quote never closed,
 * too many columns) comes back as a result or a report in the agent's words, never as a throw.
 */
import { stat } from 'node:fs/promises';
import Papa from 'papaparse';
import type { ImportRow, LeadRepository } from '../data/repositories.js';
import { duplicateMessage } from '../../../shared/import-merge.js';
import { maxListedDuplicates, type DuplicateMode, type ImportDuplicate, type ImportOutcome } from '../../../shared/import.js';
import type { ColumnTarget, ImportPreview, ImportProgress, ImportReport, ImportRowError } from '../../../shared/workspace.js';
import { suggestMapping } from './column-suggest.js';
import { CreatedRows } from './created-rows.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { detectDelimiter, detectEncoding, notCsvReason, openTextStream, readBytes, readHead, type CsvDelimiter, type CsvEncoding } from './csv-source.js';
import { createRowMapper } from './row-mapper.js';

export type CsvPreview = Omit<ImportPreview, 'importId'>;
export type CsvImportProgress = Omit<ImportProgress, 'importId'> & { replaced: number };
export type CsvImportReport = Omit<ImportReport, 'importId'> & ImportOutcome & { replaced: number };

/** The most columns a file may have (the `import:run` mapping allows 200). */
export const maxColumns = 200;
const previewRows = 20;
/** Characters the preview reads from the start of the file. */
const headChars = 256 * 1024;
const maxErrors = 1000;

/** A file whose content has not ended a record after this many bytes has a quote that is never closed. */
const maxRecordBytes = 4 * 1024 * 1024;
/**
 * Characters of row text a batch may hold before it is written, whatever its row count: 5000 rows
 * of 200 long cells would otherwise be gigabytes in the worker's heap (the rows' values keep the
 * text they were cut from alive until the batch is written).
 */
const maxBatchChars = 4 * 1024 * 1024;

const tooManyColumns = (n: number) =>
  `The file has ${n} columns; Ringside imports at most ${maxColumns}. Delete the columns you do not need and import it again.`;
const unclosedHeader =
  'The header row has a quote (") that is never closed, so its columns cannot be told apart. Close the quote in the first line and import the file again.';
const unclosedRow = (row: number, importing: boolean) =>
  `Row ${row} has a quote (") that is never closed, so nothing after it can be read${importing ? '; the rows before it were imported' : ''}. Close the quote in the file and import it again.`;
const longHeader = (limit: string) =>
  `The first line is longer than ${limit} without a line break, so the file has no header row Ringside can read. Export the list as CSV (one row per line) and import that file.`;
const longRow = (row: number) =>
  `Row ${row} is longer than ${maxRecordBytes / (1024 * 1024)} MB without a line break, so nothing after it can be read; the rows before it were imported. Check that the file has one row per line and import it again.`;

/** A file-system failure reading the upload, in words. */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'The uploaded file is gone (it was removed or expired): pick the file again.';
  return `The uploaded file could not be read (${error instanceof Error ? error.message : String(error)}).`;
}

/** Why a row cannot be read, from papaparse's quote errors for it. */
function quoteProblem(codes: ReadonlySet<string>): string {
  if (codes.has('MissingQuotes')) return 'a quote (") opened in this row is never closed, so the lines after it were read into this row';
  return 'a quote (") inside a quoted value is not doubled (write "" for a quote inside quotes)';
}

/** Encoding, delimiter, header row, the first 20 data rows and a suggested mapping; or why the file cannot be imported. */
export async function previewCsv(path: string): Promise<Result<CsvPreview>> {
  let bytes: number, encoding: CsvEncoding, head: string;
  try {
    bytes = (await stat(path)).size;
    if (bytes === 0) return fail('invalid-data', 'The file is empty.');
    const notCsv = notCsvReason(await readBytes(path, 64 * 1024));
    if (notCsv) return fail('invalid-data', notCsv);
    encoding = await detectEncoding(path);
    head = await readHead(path, encoding, headChars);
  } catch (error) {
    return fail('invalid-data', unreadable(error));
  }
  const delimiter = detectDelimiter(head);
  // A head that is the whole file is parsed whole; of a longer one only its complete records.
  const last = head.length < headChars ? { end: head.length, inQuotes: false } : lastRecordEnd(head);
  const end = last.end;
  if (end === 0) return fail('invalid-data', last.inQuotes ? unclosedHeader : longHeader(`${headChars / 1024} KiB`));
  const parsed = Papa.parse<string[]>(head.slice(0, end), { delimiter, skipEmptyLines: 'greedy', preview: previewRows + 1 });
  const [headers = [], ...rows] = parsed.data;
  if (headers.length === 0) return fail('invalid-data', 'The file has no header row, only empty lines.');
  if (headers.length > maxColumns) return fail('invalid-data', tooManyColumns(headers.length));
  const unclosed = parsed.errors.find((e) => e.code === 'MissingQuotes');
  if (unclosed) return fail('invalid-data', !unclosed.row ? unclosedHeader : unclosedRow(unclosed.row, false));
  return ok({ encoding, delimiter, headers: headers.map((h) => h.trim()), rows, suggested: suggestMapping(headers), bytes });
}

/**
 * Where the last complete record of `text` ends (after a line break outside quotes — LF, CRLF or
 * a lone CR, as old Mac exports write; 0 when none does), and whether the text ends inside quotes.
 */
function lastRecordEnd(text: string): { end: number; inQuotes: boolean } {
  let inQuotes = false;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if ((c === 10 || c === 13) && !inQuotes) end = i + 1;
  }
  return { end, inQuotes };
}

export interface ImportCsvOptions {
  path: string;
  campaignId: number;
  /** One target per column (missing trailing entries are ignored columns). */
  mapping: readonly ColumnTarget[];
  /** What a row whose number a lead already has becomes (see `DuplicateMode`). */
  duplicates: DuplicateMode;
  /** The file's name, for the history of leads it merges into. */
  source?: string;
  /** ISO 3166 alpha-2 region for numbers written without a country code (a row's country column wins). */
  defaultCountry: string;
  leads: Pick<LeadRepository, 'importRows'>;
  onProgress: (p: CsvImportProgress) => void;
  signal?: AbortSignal;
  /** Rows per `importRows` call (one transaction each); default 5000, fewer when the rows are long. */
  batchSize?: number;
  now?: () => number;
  /** Known from the preview; detected again when absent. */
  encoding?: CsvEncoding;
  delimiter?: CsvDelimiter;
  /** Least time between two progress callbacks (ms); default 100. */
  progressIntervalMs?: number;
}

/**
 * Imports the file. Row numbers in errors are 1-based data rows (header = 0, empty lines not
 * counted). A row that cannot be imported adds one error and counts in `failed`; a row imported
 * with a dropped value adds an "imported without …" entry and does not count in `failed`.
 * A row whose number a lead already has counts in `merged`, `skipped` or `replaced` and is
 * listed in `duplicates` (the first 1000) with the row or lead it matched.
 * Cancelling (`signal`) stops between batches: batches already written stay, the report says
 * `cancelled: true`. A file that cannot be read on (not a CSV, too many columns, a quote never
 * closed) ends the import with `stopped` saying why; the rows before that point are imported.
 * A failing `importRows` (e.g. unknown campaign) rejects the promise.
 */
export async function importCsv(opts: ImportCsvOptions): Promise<CsvImportReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const batchSize = Math.max(1, opts.batchSize ?? 5000);
  const interval = opts.progressIntervalMs ?? 100;
  let bytesTotal = 0;
  let encoding: CsvEncoding;
  let delimiter: CsvDelimiter;
  const stoppedAtStart = (why: string): CsvImportReport => ({
    ...{ rowsDone: 0, bytesDone: 0, bytesTotal, imported: 0, merged: 0, skipped: 0, replaced: 0, failed: 0 },
    done: true,
    cancelled: false,
    errors: [{ row: 0, reason: why }],
    stopped: why,
    ms: now() - started,
  });
  try {
    bytesTotal = (await stat(opts.path)).size;
    if (bytesTotal === 0) return stoppedAtStart('The file is empty.');
    const notCsv = notCsvReason(await readBytes(opts.path, 64 * 1024));
    if (notCsv) return stoppedAtStart(notCsv);
    encoding = opts.encoding ?? (await detectEncoding(opts.path));
    delimiter = opts.delimiter ?? detectDelimiter(await readHead(opts.path, encoding, 64 * 1024));
  } catch (error) {
    return stoppedAtStart(unreadable(error));
  }

  const state = { rowsDone: 0, bytesDone: 0, bytesTotal, imported: 0, merged: 0, skipped: 0, replaced: 0, failed: 0 };
  const errors: ImportRowError[] = [];
  const duplicates: ImportDuplicate[] = [];
  let duplicatesNotListed = 0;
  const created = new CreatedRows();
  const report = (row: number, reason: string) => {
    if (errors.length < maxErrors) errors.push({ row, reason: `row ${row}: ${reason}` });
  };
  let lastProgress = 0;
  const progress = (force: boolean) => {
    const t = now();
    if (!force && t - lastProgress < interval) return;
    lastProgress = t;
    opts.onProgress({ ...state });
  };

  let batch: ImportRow[] = [];
  let batchChars = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    batchChars = 0;
    const results = await opts.leads.importRows(opts.campaignId, rows, opts.duplicates, now(), opts.source ?? '');
    results.forEach((r, i) => {
      const { row } = rows[i];
      if (r.outcome === 'imported') {
        state.imported++;
        created.add(r.leadId, row);
        return;
      }
      if (r.outcome === 'merge') state.merged++;
      else if (r.outcome === 'skip') state.skipped++;
      else state.replaced++;
      if (duplicates.length >= maxListedDuplicates) {
        duplicatesNotListed++;
        return;
      }
      const earlier = created.rowOf(r.leadId);
      const d: Omit<ImportDuplicate, 'message'> = {
        row,
        sameAs: earlier === null ? { leadId: r.leadId, name: r.name } : { row: earlier },
        action: r.outcome,
        filled: r.filled,
        conflicts: r.conflicts,
      };
      duplicates.push({ ...d, message: duplicateMessage(d) });
    });
  };

  let mapRow: ReturnType<typeof createRowMapper> | null = null;
  let cancelled = false;
  /** Why the file cannot be read on (the rows before are imported), and at which row (0: the header). */
  let stopped: string | null = null;
  let stoppedAt = 0;
  let row = -1; // header is row 0
  /** Bytes read when papaparse last gave complete rows. */
  let bytesAtLastRows = 0;
  /** Bytes read when text with a quote in it was last decoded (-1: none yet): a record that never ends without one is a line without a break. */
  let bytesAtLastQuote = -1;

  /** `quoteErrors`: papaparse's quote error codes by index into `data`. */
  const handleRows = async (data: string[][], quoteErrors: ReadonlyMap<number, Set<string>>) => {
    for (let i = 0; i < data.length; i++) {
      const fields = data[i];
      row++;
      if (row === 0) {
        if (quoteErrors.get(i)?.has('MissingQuotes')) {
          stopped = unclosedHeader;
          return;
        }
        if (fields.length > maxColumns) {
          stopped = tooManyColumns(fields.length);
          return;
        }
        mapRow = createRowMapper(
          fields.map((h) => h.trim()),
          opts.mapping,
          opts.defaultCountry,
        );
        continue;
      }
      state.rowsDone++;
      const quotes = quoteErrors.get(i);
      if (quotes) {
        state.failed++;
        report(row, quoteProblem(quotes));
        continue;
      }
      const r = mapRow!(fields);
      if (r.lead === null) {
        state.failed++;
        report(row, r.reason);
        continue;
      }
      for (const note of r.notes) report(row, note);
      batch.push({ row, lead: r.lead });
      for (const f of fields) batchChars += f.length;
      if (batch.length >= batchSize || batchChars >= maxBatchChars) {
        if (opts.signal?.aborted) {
          cancelled = true;
          return;
        }
        await flush();
        progress(false);
        await new Promise<void>((r) => setImmediate(r));
        if (opts.signal?.aborted) {
          cancelled = true;
          return;
        }
      }
    }
  };

  const { text, raw } = openTextStream(opts.path, encoding, (n) => (state.bytesDone += n));
  text.on('data', (chunk: string) => {
    if (chunk.includes('"')) bytesAtLastQuote = state.bytesDone;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      text.on('error', fail);
      Papa.parse<string[]>(text as unknown as File, {
        delimiter,
        // Lines of only spaces (or only a carriage return) are empty lines too.
        skipEmptyLines: 'greedy',
        chunk: (results, parser) => {
          // Rows are handled asynchronously, yielding after every batch, so a cancel message
          // (and the worker's other events) gets through mid-chunk; the parser waits meanwhile.
          parser.pause();
          const quoteErrors = new Map<number, Set<string>>();
          for (const e of results.errors) {
            if (e.type !== 'Quotes' || e.row === undefined || e.row >= results.data.length) continue;
            let codes = quoteErrors.get(e.row);
            if (!codes) quoteErrors.set(e.row, (codes = new Set()));
            codes.add(e.code);
          }
          if (results.data.length > 0) bytesAtLastRows = state.bytesDone;
          // papaparse keeps everything after an unclosed quote as one growing value: stop it in time.
          else if (state.bytesDone - bytesAtLastRows > maxRecordBytes) {
            stoppedAt = row + 1;
            const quoted = bytesAtLastQuote >= bytesAtLastRows;
            if (row < 0) stopped = quoted ? unclosedHeader : longHeader(`${maxRecordBytes / (1024 * 1024)} MB`);
            else stopped = quoted ? unclosedRow(stoppedAt, true) : longRow(stoppedAt);
          }
          handleRows(results.data, quoteErrors).then(
            () => {
              if (!cancelled && opts.signal?.aborted) cancelled = true;
              if (!cancelled && stopped === null) {
                progress(false);
                parser.resume();
                return;
              }
              // papaparse calls neither `complete` nor `chunk` again after abort().
              if (!settled) {
                settled = true;
                resolve();
              }
              parser.abort();
            },
            (e: unknown) => {
              // abort() calls `complete` at once: settle with the error first, or it would be lost.
              fail(e);
              parser.abort();
            },
          );
        },
        complete: () => {
          if (settled) return;
          settled = true;
          resolve();
        },
        error: (e: Error) => fail(e),
      });
    });
    if (cancelled) batch = [];
    else await flush();
  } finally {
    raw.destroy();
    text.destroy();
  }
  if (!cancelled && stopped === null) state.bytesDone = bytesTotal;
  else state.bytesDone = Math.min(state.bytesDone, bytesTotal);
  opts.onProgress({ ...state });
  const outcome: ImportOutcome = duplicates.length > 0 ? { duplicates, ...(duplicatesNotListed > 0 ? { duplicatesNotListed } : {}) } : {};
  if (stopped !== null) {
    outcome.stopped = stopped;
    errors.push({ row: stoppedAt, reason: stopped });
  }
  return { ...state, ...outcome, done: true, cancelled, errors, ms: now() - started };
}
