/**
 * A CSV import worker that dies of its heap limit after doing real work: it imports the job's file
 * like import-worker.ts (its own store connection, real progress messages), then opens a write
 * transaction it never ends and allocates until V8 stops the thread. What the core must do with
 * that is tell the agent in words, keep the rows that were written, and find the database
 * writable again.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { importCsv } from '../../electron/core/import/csv-import.js';
import type { ImportJob, WorkerMessage } from '../../electron/core/import/import-runner.js';

/** Where this worker is, for runImportInWorker's `workerPath` and ImportJobs' `worker.path`. */
export const oomImportWorkerUrl = new URL(import.meta.url);

// Only as a worker started with an import job (a test that imports this file for its URL may itself run in a worker thread).
const job = workerData as Partial<ImportJob> | undefined;
if (parentPort && job?.location?.kind === 'sqlite' && Array.isArray(job.mapping)) {
  const started = job as ImportJob;
  const file = job.location.path;
  const port = parentPort;
  const send = (m: WorkerMessage) => port.postMessage(m);
  void (async () => {
    const store = openSqliteStore(file);
    await importCsv({ ...started, leads: store.leads, progressIntervalMs: 0, onProgress: (progress) => send({ type: 'progress', progress }) });
    // A transaction left open by a thread that dies: the main process's writes must not wait on it.
    const db = new Database(file);
    db.exec("BEGIN IMMEDIATE; UPDATE campaigns SET name = name || ' (never committed)'");
    const hoard: string[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `${i} ${hoard.length}`));
  })();
}
