/**
 * Worker thread entry: runs one registry import (registry-job.ts) off the main process.
 * Started by ComplianceService through worker-thread.ts.
 *
 * Messages: in  `{ type: 'cancel' }`;
 *           out `{ type: 'progress' }`, `{ type: 'building' }`, then `{ type: 'done' }` or `{ type: 'failed' }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RegistryIndex } from './registry-index.js';
import { runRegistryJob, type RegistryJob, type RegistryWorkerMessage } from './registry-job.js';

if (parentPort) {
  const port = parentPort;
  const abort = new AbortController();
  port.on('message', (m: { type?: string }) => {
    if (m?.type === 'cancel') abort.abort();
  });
  const send = (m: RegistryWorkerMessage) => port.postMessage(m);
  void runRegistryJob(workerData as RegistryJob, {
    signal: abort.signal,
    // at most every ~100 ms (importRegistryFiles paces it), and once at the end
    onProgress: (progress) => send({ type: 'progress', progress }),
    onBuilding: (report) => send({ type: 'building', report }),
  })
    .then((message) => {
      // Read and verify the new file here, then hand the image over: the main process reads nothing.
      const index = RegistryIndex.load((workerData as RegistryJob).target).fileImage();
      port.postMessage({ type: 'done', message, index } satisfies RegistryWorkerMessage);
    })
    .catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e), cancelled: abort.signal.aborted }))
    .finally(() => port.close());
}
