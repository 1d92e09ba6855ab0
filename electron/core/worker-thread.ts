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
  return new URL(`./${script}${here.endsWith('.ts') ? '.ts' : '.js'}`, here);
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
