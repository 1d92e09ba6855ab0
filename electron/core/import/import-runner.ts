/** Runs importCsv in a worker thread (see import-worker.ts) and relays progress and cancel. */
import { pathToFileURL } from 'node:url';
import { runWorker, workerUrl, WorkerOutOfMemoryError } from '../lib/worker-thread.js';
import type { DuplicateMode } from '../../../shared/import.js';
import type { StoreLocation } from '../data/repositories.js';
import type { ColumnTarget } from '../../../shared/workspace.js';
import type { CsvImportProgress, CsvImportReport } from './csv-import.js';

/**
 * The import worker's heap (V8's old generation). An import needs ~30–80 MB (the phone cache at
 * its 500,000 entries is most of it) whatever the file's size; a file that gets past the
 * importer's own bounds meets this one, and the worker stops, not the app.
 */
export const IMPORT_WORKER_HEAP_MB = 256;

/** What the worker receives (structured-cloned). */
export interface ImportJob {
  /** The store to import into (the core's `store.location`); the worker opens its own connection. */
  location: StoreLocation;
  path: string;
  campaignId: number;
  mapping: ColumnTarget[];
  duplicates: DuplicateMode;
  /** The file's name as the agent picked it, for the history of leads it merges into. */
  source?: string;
  defaultCountry: string;
  batchSize?: number;
}

export type WorkerMessage = { type: 'progress'; progress: CsvImportProgress } | { type: 'done'; report: CsvImportReport } | { type: 'failed'; message: string };

export interface RunImportOptions extends ImportJob {
  onProgress: (p: CsvImportProgress) => void;
  signal?: AbortSignal;
  /**
   * The worker script. Default: `import-worker` as found by worker-thread.ts.
   */
  workerPath?: string | URL;
  /** The worker's heap limit in MB (default {@link IMPORT_WORKER_HEAP_MB}). */
  heapLimitMb?: number;
}

/**
 * An import that ended without its report: why, in words the agent can act on, and the last
 * progress it reported (its saved counts are rows written by then; later batches may be too).
 */
export class ImportStoppedError extends Error {
  constructor(
    message: string,
    readonly progress: CsvImportProgress | null,
  ) {
    super(message);
    this.name = 'ImportStoppedError';
  }
}

/** Why an import ran out of memory, and what of it is kept. */
function outOfMemory(limitMb: number, last: CsvImportProgress | null): string {
  const what = `The import ran out of memory (it may use ${limitMb} MB)`;
  const advice = 'Split the file and import it in parts.';
  if (!last || last.rowsDone === 0) return `${what} before it read a row. ${advice}`;
  const saved = last.imported + last.merged + last.replaced;
  const kept = saved > 0 ? `at least ${saved.toLocaleString('en-US')} rows were saved and stay` : 'no rows had been saved by then';
  return `${what} and stopped after reading row ${last.rowsDone.toLocaleString('en-US')}; ${kept}. ${advice}`;
}

/**
 * Imports the file in a worker with its own store connection; resolves with the final report.
 * Rejects with an ImportStoppedError when the worker fails or dies (of its heap limit too).
 */
export async function runImportInWorker(opts: RunImportOptions): Promise<CsvImportReport> {
  const { onProgress, signal, workerPath, heapLimitMb = IMPORT_WORKER_HEAP_MB, ...job } = opts;
  const url = workerPath === undefined ? workerUrl('import/import-worker') : typeof workerPath === 'string' ? pathToFileURL(workerPath) : workerPath;
  let last: CsvImportProgress | null = null;
  try {
    return await runWorker<WorkerMessage, CsvImportReport>(
      url,
      { workerData: job, name: 'ringside-import', resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } },
      'the import worker',
      (m: WorkerMessage) => {
        if (m.type === 'progress') {
          last = m.progress;
          onProgress(m.progress);
        } else return m.type === 'done' ? { value: m.report } : { error: new Error(m.message) };
        return undefined;
      },
      signal,
    );
  } catch (error) {
    if (error instanceof WorkerOutOfMemoryError) throw new ImportStoppedError(outOfMemory(heapLimitMb, last), last);
    throw new ImportStoppedError(`The import stopped: ${error instanceof Error ? error.message : String(error)}`, last);
  }
}
