/**
 * Worker thread entry: runs one CSV import with its own SQLite connection, so the main process
 * (SIP signalling, IPC) never waits on parsing or writes. Started by runImportInWorker.
 *
 * Messages: in  `{ type: 'cancel' }`;
 *           out `{ type: 'progress', progress }`, `{ type: 'done', report }`, `{ type: 'failed', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../data/sqlite/store.js';
import { importCsv } from './csv-import.js';
import type { ImportJob, WorkerMessage } from './import-runner.js';

if (parentPort) {
  const port = parentPort;
  const job = workerData as ImportJob;
  const abort = new AbortController();
  port.on('message', (m: { type?: string }) => {
    if (m?.type === 'cancel') abort.abort();
  });
  const send = (m: WorkerMessage) => port.postMessage(m);
  void (async () => {
    let store: ReturnType<typeof openSqliteStore> | null = null;
    try {
      store = openSqliteStore(job.dbPath);
      const report = await importCsv({
        path: job.path,
        campaignId: job.campaignId,
        mapping: job.mapping,
        duplicates: job.duplicates,
        source: job.source,
        defaultCountry: job.defaultCountry,
        batchSize: job.batchSize,
        leads: store.leads,
        signal: abort.signal,
        onProgress: (progress) => send({ type: 'progress', progress }),
      });
      send({ type: 'done', report });
    } catch (e) {
      send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    } finally {
      store?.close();
      port.close();
    }
  })();
}
