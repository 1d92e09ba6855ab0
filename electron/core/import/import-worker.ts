/**
 * Worker thread entry: runs one CSV import with its own store connection, so the main process
 * (SIP signalling, IPC) never waits on parsing or writes. Started by runImportInWorker.
 *
 * Messages: in  `{ type: 'cancel' }`;
 *           out `{ type: 'progress', progress }`, `{ type: 'done', report }`, `{ type: 'failed', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStoreAt } from '../data/open-location.js';
import type { Store } from '../data/repositories.js';
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
    let store: Store | null = null;
    try {
      store = await openStoreAt(job.location);
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
      await store?.close();
      port.close();
    }
  })();
}
