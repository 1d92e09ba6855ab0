/**
 * One registry import, start to finish, as it runs in its worker thread (registry-worker.ts):
 * a full list → a new index file built from the flat files (resumable from the checkpoint); change
 * lists → the current index file patched. The main process only loads the finished file, so SIP
 * signalling and IPC never wait on the ~25 s of parsing and building a national registry takes.
 * The job's registry picks the number grammar (NANP for US/CA, UK numbers for GB) and the keys
 * (registry-key.ts) the index is built from.
 */
import type { RegistryImportView, RegistryName } from '../../../shared/compliance.js';
import { rm } from 'node:fs/promises';
import { applyChanges, RegistryIndex, RegistryIndexBuilder } from './registry-index.js';
import { importRegistryFiles, RegistryLimitError, type ChangeSink, type RegistryImportLimits, type RegistryImportProgress } from './registry-import.js';

export const REGISTRY_NAMES: Record<RegistryName, string> = {
  US: 'US National DNC Registry',
  CA: "Canada's National DNCL",
  GB: "the UK's Telephone Preference Service (TPS/CTPS)",
};

/**
 * Spill files a full import may write: 4 bytes a number, so ~1 GB for the whole US registry
 * (~253 M numbers); four times that is no registry.
 */
export const MAX_REGISTRY_SPILL_BYTES = 4 * 1024 ** 3;
/** Bytes of spill file per number read (registry-index.ts spills each as one 32-bit word). */
const SPILL_BYTES_PER_NUMBER = 4;
/**
 * Numbers a change import may hold (they are collected in memory, 8 bytes each, then applied):
 * a day's or a month's changes are well under a million; Canada's whole DNCL is ~14 M.
 */
export const MAX_CHANGE_NUMBERS = 20_000_000;

/** What the worker receives (structured-cloned). */
export interface RegistryJob {
  registry: RegistryName;
  mode: 'full' | 'changes';
  files: Array<{ path: string; kind: 'full' | 'changes' | 'additions' | 'deletions' }>;
  snapshotAt: number;
  /** The index file to write (changes: also the one patched). */
  target: string;
  checkpointPath: string;
  workDir: string;
  resume: boolean;
  /** Bounds on what the import reads (registry-import.ts's defaults, the numbers bound from the spill or memory budget). */
  limits?: Partial<RegistryImportLimits> & { maxSpillBytes?: number };
}

/** The reading phase's outcome, reported before building starts. */
export type RegistryReadReport = Pick<RegistryImportView, 'numbers' | 'badLines' | 'badExamples' | 'resumed'>;

export type RegistryWorkerMessage =
  | { type: 'progress'; progress: RegistryImportProgress }
  | { type: 'building'; report: RegistryReadReport }
  /** index: the new index file's verified image (shared memory), see RegistryIndex.fileImage */
  | { type: 'done'; message: string; index: SharedArrayBuffer }
  | { type: 'failed'; message: string; cancelled: boolean };

export interface RegistryJobHooks {
  onProgress(p: RegistryImportProgress): void;
  onBuilding(r: RegistryReadReport): void;
  signal?: AbortSignal;
}

/**
 * Runs the job; resolves with the message for the user once the target file is in place (loaded
 * and verified again with RegistryIndex.load by the caller in the worker).
 */
export async function runRegistryJob(job: RegistryJob, hooks: RegistryJobHooks): Promise<string> {
  const { registry, files, snapshotAt, target, signal } = { ...job, signal: hooks.signal };
  const name = REGISTRY_NAMES[registry];
  const bad = (n: number) => (n ? `; ${n} bad line(s) skipped` : '');
  const { maxSpillBytes = MAX_REGISTRY_SPILL_BYTES, ...limits } = job.limits ?? {};
  if (job.mode === 'full') {
    const builder = await RegistryIndexBuilder.open(job.workDir, { resume: job.resume });
    // On failure or cancel the spill files and the checkpoint stay: the same import resumes.
    // Files past the limits are no registry: resuming them would only fail again, so nothing stays.
    const report = await importRegistryFiles({
      registry,
      files,
      sink: builder,
      checkpointPath: job.checkpointPath,
      onProgress: hooks.onProgress,
      signal,
      limits: { maxNumbers: Math.floor(maxSpillBytes / SPILL_BYTES_PER_NUMBER), ...limits },
    }).catch(async (e: unknown) => {
      if (e instanceof RegistryLimitError) {
        await builder.abort();
        await rm(job.checkpointPath, { force: true });
      }
      throw e;
    });
    hooks.onBuilding({ numbers: report.numbers, badLines: report.badLines, badExamples: report.badExamples, resumed: report.resumed });
    const meta = await builder.finish(target, { registry, snapshotAt });
    return `${name}: ${meta.count.toLocaleString('en-US')} numbers from ${files.length} file(s)${bad(report.badLines)}${report.resumed ? ' (resumed)' : ''}.`;
  }
  // Change lists are small (a day's or a month's changes): collected, then applied at once.
  const add: number[] = [];
  const remove: number[] = [];
  const sink: ChangeSink = { add: (n) => void add.push(n), remove: (n) => void remove.push(n), checkpoint: async () => undefined };
  const report = await importRegistryFiles({
    registry,
    files,
    sink,
    onProgress: hooks.onProgress,
    signal,
    limits: { maxNumbers: MAX_CHANGE_NUMBERS, ...limits },
  });
  hooks.onBuilding({ numbers: report.numbers, badLines: report.badLines, badExamples: report.badExamples, resumed: false });
  signal?.throwIfAborted();
  const applied = await applyChanges(RegistryIndex.load(target), { add, remove }, target, snapshotAt);
  return `${name} updated: ${applied.added.toLocaleString('en-US')} added, ${applied.removed.toLocaleString('en-US')} removed, ${applied.unchanged.toLocaleString('en-US')} unchanged; now ${applied.meta.count.toLocaleString('en-US')} numbers${bad(report.badLines)}.`;
}
