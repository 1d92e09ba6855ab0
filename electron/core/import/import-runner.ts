/** Runs importCsv in a worker thread (see import-worker.ts) and relays progress and cancel. */
import { pathToFileURL } from 'node:url';
import { runWorker, workerUrl } from '../lib/worker-thread.js';
import type { DuplicateMode } from '../../../shared/import.js';
import type { ColumnTarget } from '../../../shared/workspace.js';
import type { CsvImportProgress, CsvImportReport } from './csv-import.js';

/** What the worker receives (structured-cloned). */
export interface ImportJob {
  dbPath: string;
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
}

/** Imports the file in a worker with its own store connection; resolves with the final report. */
export function runImportInWorker(opts: RunImportOptions): Promise<CsvImportReport> {
  const { onProgress, signal, workerPath, ...job } = opts;
  const url = workerPath === undefined ? workerUrl('import/import-worker') : typeof workerPath === 'string' ? pathToFileURL(workerPath) : workerPath;
  return runWorker<WorkerMessage, CsvImportReport>(
    url,
    { workerData: job, name: 'ringside-import' },
    'import worker',
    (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else return m.type === 'done' ? { value: m.report } : { error: new Error(m.message) };
      return undefined;
    },
    signal,
  );
}
