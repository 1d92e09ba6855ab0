/**
 * CSV import pipeline (plain Node): preview a file, then stream it through papaparse, map rows to
 * leads and hand them to the lead repository in batches. The file is never held as one string.
 */
import { stat } from 'node:fs/promises';
import Papa from 'papaparse';
import type { ImportRow, LeadRepository } from '../data/repositories.js';
import { duplicateMessage } from '../../../shared/import-merge.js';
import { maxListedDuplicates, type DuplicateMode, type ImportDuplicate, type ImportOutcome } from '../../../shared/import.js';
import type { ColumnTarget, ImportPreview, ImportProgress, ImportReport, ImportRowError } from '../../../shared/workspace.js';
import { suggestMapping } from './column-suggest.js';
import { CreatedRows } from './created-rows.js';
import { detectDelimiter, detectEncoding, openTextStream, readHead, type CsvDelimiter, type CsvEncoding } from './csv-source.js';
import { createRowMapper } from './row-mapper.js';

export type CsvPreview = Omit<ImportPreview, 'importId'>;
export type CsvImportProgress = Omit<ImportProgress, 'importId'> & { replaced: number };
export type CsvImportReport = Omit<ImportReport, 'importId'> & ImportOutcome & { replaced: number };

/** The most columns a file may have (the `import:run` mapping allows 200). */
export const maxColumns = 200;
const previewRows = 20;
const maxErrors = 1000;

export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

/** Encoding, delimiter, header row, the first 20 data rows and a suggested mapping. */
export async function previewCsv(path: string): Promise<CsvPreview> {
  const bytes = (await stat(path)).size;
  const encoding = await detectEncoding(path);
  const head = await readHead(path, encoding);
  const delimiter = detectDelimiter(head);
  // Parse only complete records of the head: cut after the last line break outside quotes.
  const parsed = Papa.parse<string[]>(head.length < 256 * 1024 ? head : head.slice(0, lastRecordEnd(head)), {
    delimiter,
    skipEmptyLines: true,
    preview: previewRows + 1,
  });
  const [headers = [], ...rows] = parsed.data;
  if (headers.length === 0) throw new CsvFormatError('the file is empty');
  if (headers.length > maxColumns) throw new CsvFormatError(`the file has ${headers.length} columns (at most ${maxColumns})`);
  return { encoding, delimiter, headers: headers.map((h) => h.trim()), rows, suggested: suggestMapping(headers), bytes };
}

function lastRecordEnd(text: string): number {
  let inQuotes = false;
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) end = i + 1;
  }
  return end;
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
  /** Rows per `importRows` call (one transaction each); default 5000. */
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
 * `cancelled: true`. A failing `importRows` (e.g. unknown campaign) rejects the promise.
 */
export async function importCsv(opts: ImportCsvOptions): Promise<CsvImportReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const batchSize = Math.max(1, opts.batchSize ?? 5000);
  const interval = opts.progressIntervalMs ?? 100;
  const bytesTotal = (await stat(opts.path)).size;
  const encoding = opts.encoding ?? (await detectEncoding(opts.path));
  const delimiter = opts.delimiter ?? detectDelimiter(await readHead(opts.path, encoding, 64 * 1024));

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
  const flush = () => {
    if (batch.length === 0) return;
    const results = opts.leads.importRows(opts.campaignId, batch, opts.duplicates, now(), opts.source ?? '');
    results.forEach((r, i) => {
      const { row } = batch[i];
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
    batch = [];
  };

  let mapRow: ReturnType<typeof createRowMapper> | null = null;
  let cancelled = false;
  let row = -1; // header is row 0

  const handleRows = async (data: string[][]) => {
    for (const fields of data) {
      row++;
      if (row === 0) {
        if (fields.length > maxColumns) throw new CsvFormatError(`the file has ${fields.length} columns (at most ${maxColumns})`);
        mapRow = createRowMapper(
          fields.map((h) => h.trim()),
          opts.mapping,
          opts.defaultCountry,
        );
        continue;
      }
      state.rowsDone++;
      const r = mapRow!(fields);
      if (r.lead === null) {
        state.failed++;
        report(row, r.reason);
        continue;
      }
      for (const note of r.notes) report(row, note);
      batch.push({ row, lead: r.lead });
      if (batch.length >= batchSize) {
        if (opts.signal?.aborted) {
          cancelled = true;
          return;
        }
        flush();
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
        skipEmptyLines: true,
        chunk: (results, parser) => {
          // Rows are handled asynchronously, yielding after every batch, so a cancel message
          // (and the worker's other events) gets through mid-chunk; the parser waits meanwhile.
          parser.pause();
          handleRows(results.data).then(
            () => {
              if (!cancelled && opts.signal?.aborted) cancelled = true;
              if (!cancelled) {
                progress(false);
                parser.resume();
                return;
              }
              // papaparse calls neither `complete` nor `chunk` again after abort().
              parser.abort();
              if (!settled) {
                settled = true;
                resolve();
              }
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
    else flush();
  } finally {
    raw.destroy();
    text.destroy();
  }
  if (!cancelled) state.bytesDone = bytesTotal;
  else state.bytesDone = Math.min(state.bytesDone, bytesTotal);
  opts.onProgress({ ...state });
  const outcome: ImportOutcome = duplicates.length > 0 ? { duplicates, ...(duplicatesNotListed > 0 ? { duplicatesNotListed } : {}) } : {};
  return { ...state, ...outcome, done: true, cancelled, errors, ms: now() - started };
}
