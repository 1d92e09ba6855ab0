/** Runs importCsv in a worker thread (see import-worker.ts) and relays progress and cancel. */
import { pathToFileURL } from 'node:url';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { startWorker, workerUrl } from '../worker-thread.js';
import type { ColumnTarget, ImportProgress, ImportReport } from '../../../shared/workspace.js';

/** What the worker receives (structured-cloned). */
export interface ImportJob {
  dbPath: string;
  path: string;
  campaignId: number;
  mapping: ColumnTarget[];
  duplicates: 'merge' | 'skip';
  defaultCountry: string;
  batchSize?: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: Omit<ImportProgress, 'importId'> }
  | { type: 'done'; report: Omit<ImportReport, 'importId'> }
  | { type: 'failed'; message: string };

export interface RunImportOptions extends ImportJob {
  onProgress: (p: Omit<ImportProgress, 'importId'>) => void;
  signal?: AbortSignal;
  /**
   * The worker script. Default: `import-worker` as found by worker-thread.ts.
   */
  workerPath?: string | URL;
}

/** Imports the file in a worker with its own store connection; resolves with the final report. */
export function runImportInWorker(opts: RunImportOptions): Promise<Omit<ImportReport, 'importId'>> {
  const { onProgress, signal, workerPath, ...job } = opts;
  const url = workerPath === undefined ? workerUrl('import/import-worker') : typeof workerPath === 'string' ? pathToFileURL(workerPath) : workerPath;
  return new Promise((resolve, reject) => {
    const options: WorkerOptions = { workerData: job, name: 'ringside-import' };
    let worker: Worker;
    try {
      worker = startWorker(url, options);
    } catch (e) {
      reject(e instanceof Error ? new Error(`import ${e.message}`) : e);
      return;
    }
    let finished = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (f: () => void) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        if (!finished) onProgress(m.progress);
      } else if (m.type === 'done') settle(() => resolve(m.report));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`import worker exited (code ${code}) before finishing`))));
  });
}

