/** Runs importCsv in a worker thread (see import-worker.ts) and relays progress and cancel. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';
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
   * The worker script. Default: `import-worker.ts` next to this file when running from source
   * (started with tsx's loader), else `import-worker.js` next to the running bundle.
   */
  workerPath?: string | URL;
}

/**
 * Where the worker script is: from source (tsx) the sibling
 * `import-worker.ts` with tsx's loader; from an ESM build the sibling `import-worker.js`; from
 * the esbuild CJS bundle (no import.meta.url) `import-worker.cjs` next to the bundle.
 */
export function defaultWorker(): { url: URL } {
  const here = typeof import.meta.url === 'string' ? import.meta.url : '';
  if (!here) return { url: pathToFileURL(join(typeof __dirname === 'string' ? __dirname : process.cwd(), 'import-worker.cjs')) };
  if (here.endsWith('.ts')) return { url: new URL('./import-worker.ts', here) };
  return { url: new URL('./import-worker.js', here) };
}

/**
 * A source (.ts) worker is started through a small eval'd bootstrap that registers tsx's ESM
 * hooks in the worker thread, then imports the script: `execArgv: ['--import', 'tsx']` is not
 * honoured by every Node 20 worker, and this works under tsx, Vitest and plain node alike.
 */
function tsWorker(url: URL, options: WorkerOptions): Worker {
  // tsx's `./esm/api` export, import condition (the require condition cannot load its ESM half).
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); }).catch((e) => { throw e; });`;
  return new Worker(code, { ...options, eval: true });
}

/** Imports the file in a worker with its own store connection; resolves with the final report. */
export function runImportInWorker(opts: RunImportOptions): Promise<Omit<ImportReport, 'importId'>> {
  const { onProgress, signal, workerPath, ...job } = opts;
  const fallback = defaultWorker();
  const url = workerPath === undefined ? fallback.url : typeof workerPath === 'string' ? pathToFileURL(workerPath) : workerPath;
  const isTs = fileURLToPath(url).endsWith('.ts');
  if (!existsSync(fileURLToPath(url))) return Promise.reject(new Error(`import worker not found at ${fileURLToPath(url)}`));
  return new Promise((resolve, reject) => {
    const options: WorkerOptions = { workerData: job, name: 'ringside-import' };
    const worker = isTs ? tsWorker(url, options) : new Worker(url, options);
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

