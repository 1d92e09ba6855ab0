/**
 * Worker thread entry: scrubs one share (a phone-id range) of a campaign with its own store
 * connection, reading the registry indexes from the main process's shared memory (no copy), and
 * writes that share's changed marks. Started by ComplianceService.scrub, one per core.
 *
 * Messages: out `{ type: 'done', outcome }` (without the verdicts, already written) or `{ type: 'failed', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStoreAt } from '../data/open-location.js';
import type { Store, StoreLocation } from '../data/repositories.js';
import { RegistryIndex } from './registry-index.js';
import { npaRegistryCache, scrubRows, type ScrubContext, type ScrubOutcome } from './scrub.js';
import type { RegistryName } from '../../../shared/compliance.js';

/** What the worker receives (structured-cloned; index images are shared, not copied). */
export interface ScrubJob {
  /** The store to open (the core's `store.location`). */
  location: StoreLocation;
  campaignId: number;
  ids: { from: number; to: number };
  context: Omit<ScrubContext, 'indexes' | 'registryOfNpa'>;
  indexes: Array<{ name: RegistryName; image: SharedArrayBuffer; path: string }>;
}

export type ScrubWorkerMessage = { type: 'done'; outcome: Omit<ScrubOutcome, 'verdicts'> & { changed: number } } | { type: 'failed'; message: string };

if (parentPort) {
  const port = parentPort;
  const job = workerData as ScrubJob;
  void (async () => {
    let store: Store | null = null;
    try {
      const t0 = performance.now();
      store = await openStoreAt(job.location);
      const indexes: ScrubContext['indexes'] = {};
      for (const x of job.indexes) indexes[x.name] = RegistryIndex.fromFileImage(x.image, x.path);
      const t1 = performance.now();
      const phones = await store.scrub.phones(job.campaignId, job.ids);
      const t2 = performance.now();
      const { verdicts, ...outcome } = scrubRows(phones, { ...job.context, indexes, registryOfNpa: npaRegistryCache() });
      const t3 = performance.now();
      await store.scrub.mark(verdicts);
      if (process.env.RINGSIDE_SCRUB_TRACE === '1')
        console.log(
          `scrub worker: open ${(t1 - t0).toFixed(0)} ms, read ${(t2 - t1).toFixed(0)} ms, decide ${(t3 - t2).toFixed(0)} ms, mark ${(performance.now() - t3).toFixed(0)} ms`,
        );
      port.postMessage({ type: 'done', outcome: { ...outcome, changed: verdicts.length } } satisfies ScrubWorkerMessage, [
        outcome.leadIds.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies ScrubWorkerMessage);
    } finally {
      await store?.close();
      port.close();
    }
  })();
}
