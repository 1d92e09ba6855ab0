/**
 * Starts one of the core's worker threads (CSV import, registry import) from wherever the code
 * runs: from source (tsx, Vitest) the `.ts` script with tsx's loader; from an ESM build the
 * sibling `.js`; from the esbuild CJS bundle (no import.meta.url) `<name>.cjs` next to the bundle
 * (electron/build.mjs puts it there).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker script, by its path under electron/core without extension, e.g. `import/import-worker`. */
export type WorkerScript = 'import/import-worker' | 'compliance/registry-worker' | 'compliance/scrub-worker';

/** Where the worker script is (see the file comment). */
export function workerUrl(script: WorkerScript): URL {
  const here = typeof import.meta.url === 'string' ? import.meta.url : '';
  const base = script.slice(script.lastIndexOf('/') + 1);
  if (!here) return pathToFileURL(join(typeof __dirname === 'string' ? __dirname : process.cwd(), `${base}.cjs`));
  return new URL(`../${script}${here.endsWith('.ts') ? '.ts' : '.js'}`, here);
}

/**
 * A new Worker for the script at `url` (a `.ts` one is started through a small eval'd bootstrap
 * that registers tsx's ESM hooks in the worker thread, then imports the script:
 * `execArgv: ['--import', 'tsx']` is not honoured by every Node 20 worker, and this works under
 * tsx, Vitest and plain node alike). Throws when the script is missing.
 */
export function startWorker(url: URL, options: WorkerOptions): Worker {
  const file = fileURLToPath(url);
  if (!existsSync(file)) throw new Error(`worker script not found at ${file}`);
  if (!file.endsWith('.ts')) return new Worker(url, options);
  // tsx's `./esm/api` export, import condition (the require condition cannot load its ESM half).
  const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); }).catch((e) => { throw e; });`;
  return new Worker(code, { ...options, eval: true });
}

/**
 * A worker that died of its heap limit (`resourceLimits.maxOldGenerationSizeMb`): V8 stops it
 * and Node reports only `ERR_WORKER_OUT_OF_MEMORY`; this says which job it was and its limit.
 */
export class WorkerOutOfMemoryError extends Error {
  constructor(
    readonly what: string,
    readonly limitMb: number | null,
  ) {
    super(`${what} ran out of memory${limitMb ? ` (its limit is ${limitMb} MB)` : ''} and was stopped`);
    this.name = 'WorkerOutOfMemoryError';
  }
}

/** What a worker's message means to runWorker: nothing yet (progress), the result, or a failure. */
export type WorkerReply<R> = { value: R } | { error: Error } | undefined;

/**
 * Runs one job in a worker thread: starts it, passes each message to `onMessage` until that
 * returns the result or a failure, posts `{ type: 'cancel' }` when `signal` aborts, and rejects
 * if the worker errs or exits first (`what` names it in that message; past its heap limit, with a
 * WorkerOutOfMemoryError).
 */
export function runWorker<M, R>(url: URL, options: WorkerOptions, what: string, onMessage: (m: M) => WorkerReply<R>, signal?: AbortSignal): Promise<R> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker(url, options);
    } catch (e) {
      reject(e);
      return;
    }
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    worker.on('message', (m: M) => {
      if (settled) return;
      const r = onMessage(m);
      if (r && 'error' in r) settle(() => reject(r.error));
      else if (r) settle(() => resolve(r.value));
    });
    worker.on('error', (e: Error & { code?: string }) =>
      settle(() =>
        reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerOutOfMemoryError(what, options.resourceLimits?.maxOldGenerationSizeMb ?? null) : e),
      ),
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`${what} stopped (code ${code}) before finishing`))));
  });
}
