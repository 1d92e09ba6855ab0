/**
 * The CSV import's life in the core: a file uploaded in chunks, previewed, imported into a
 * campaign by a worker thread with its own database connection (progress and the end arrive as
 * events), cancelled, and its upload deleted whatever the outcome — a failed preview, a cancel,
 * the renderer's connection closing, an idle timeout, the end of the import. Errors the agent can
 * act on come back as invalid-data, in the importer's own words.
 */
import type { EventChannel, EventPayloads, RequestData, RequestResults } from '../../../shared/contract.js';
import { RingsideError, type Result } from '../../../shared/result.js';
import type { Store, StoreLocation } from '../data/repositories.js';
import { drop } from '../lib/drop.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { Logger } from '../lib/logger.js';
import { previewCsv } from './csv-import.js';
import { ImportStoppedError, runImportInWorker } from './import-runner.js';
import { ImportUploads, legacyUploadDir, removeUploadLeftovers, uploadDir, type ImportUploadsOptions } from './upload.js';

export interface ImportJobsDeps {
  store: Store;
  /**
   * Where the worker opens the store for itself (`store.location`); imports need one. Uploads go
   * in `import-uploads` beside an SQLite file.
   */
  workerLocation: StoreLocation | null;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  /** A campaign's leads changed (the workspace re-reads its queue). */
  onImported(campaignId: number): void;
  log: Logger;
  /** Upload limits and clock (tests); the folder defaults to `uploadDir(<the SQLite file>)`. */
  uploads?: Partial<ImportUploadsOptions>;
  /** The import worker (tests): its heap limit in MB (default IMPORT_WORKER_HEAP_MB) and script. */
  worker?: { heapLimitMb?: number; path?: URL };
}

/** A failed result becomes the error the router answers with. */
function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new RingsideError(r.code, r.message);
}

export class ImportJobs {
  private readonly uploads: ImportUploads;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ImportJobsDeps) {
    const dir = deps.uploads?.dir ?? uploadDir(deps.workerLocation?.kind === 'sqlite' ? deps.workerLocation.path : null);
    this.uploads = new ImportUploads({ ...deps.uploads, dir });
    // The core starts: files a killed import or a crashed run left behind (whole lead lists) go.
    const removed = removeUploadLeftovers(dir, { legacyDir: deps.uploads?.dir ? null : legacyUploadDir() });
    if (removed > 0) deps.log.info(`removed ${removed} upload file(s) left by an earlier run`);
  }

  begin(p: RequestData<'import:begin'>, peer: number | null = null): RequestResults['import:begin'] {
    return { importId: unwrap(this.uploads.begin(p.fileName, p.size, peer)) };
  }

  chunk(p: RequestData<'import:chunk'>): RequestResults['import:chunk'] {
    return { received: unwrap(this.uploads.chunk(p.importId, p.seq, p.data)) };
  }

  async preview(p: RequestData<'import:preview'>): Promise<RequestResults['import:preview']> {
    const preview = await previewCsv(unwrap(this.uploads.path(p.importId)));
    // A file that cannot be previewed cannot be imported either: it goes now.
    if (!preview.ok) this.uploads.discard(p.importId);
    return { ...unwrap(preview), importId: p.importId };
  }

  async run(p: RequestData<'import:run'>): Promise<RequestResults['import:run']> {
    const { importId, campaignId, mapping, duplicates } = p;
    const { workerLocation: location, store, emit } = this.deps;
    if (!location) throw new RingsideError('internal', 'Import needs a database the import worker can open.');
    const campaign = await store.campaigns.get(campaignId);
    if (!campaign) throw new RingsideError('not-found', 'That campaign does not exist.');
    // Checked and claimed with nothing awaited in between: one upload is imported once.
    if (this.running.has(importId)) throw new RingsideError('illegal-state', 'This import is already running.');
    const path = unwrap(this.uploads.claim(importId));
    const controller = new AbortController();
    this.running.set(importId, controller);
    const ended = (): void => {
      // The file goes before the report does: once the agent sees the end, the list is off the disk.
      this.running.delete(importId);
      this.uploads.discard(importId);
    };
    drop(
      runImportInWorker({
        location,
        path,
        campaignId,
        mapping,
        duplicates,
        source: this.uploads.fileName(importId) ?? '',
        defaultCountry: campaign.defaultCountry,
        heapLimitMb: this.deps.worker?.heapLimitMb,
        workerPath: this.deps.worker?.path,
        signal: controller.signal,
        onProgress: (progress) => emit('import:progress', { ...progress, importId }),
      }).then(
        async (report) => {
          ended();
          emit('import:finished', { ...report, importId });
          emit('campaigns:changed', await store.campaigns.list(Date.now()));
          this.deps.onImported(campaignId);
        },
        async (error: unknown) => {
          ended();
          // What the worker had reported stays true: those rows were written before it stopped.
          const last = error instanceof ImportStoppedError ? error.progress : null;
          const stopped = error instanceof ImportStoppedError ? error.message : `The import stopped: ${error instanceof Error ? error.message : String(error)}`;
          emit('import:finished', {
            importId,
            done: true,
            cancelled: false,
            rowsDone: last?.rowsDone ?? 0,
            bytesDone: last?.bytesDone ?? 0,
            bytesTotal: last?.bytesTotal ?? 0,
            imported: last?.imported ?? 0,
            merged: last?.merged ?? 0,
            skipped: last?.skipped ?? 0,
            replaced: last?.replaced ?? 0,
            failed: (last?.failed ?? 0) + 1,
            errors: [{ row: last?.rowsDone ?? 0, reason: stopped }],
            stopped,
            ms: 0,
          });
          if (last && last.imported + last.merged + last.replaced > 0) {
            emit('campaigns:changed', await store.campaigns.list(Date.now()));
            this.deps.onImported(campaignId);
          }
        },
      ),
      this.deps.log.warn,
      'import',
    );
    return { started: true as const };
  }

  cancel(p: RequestData<'import:cancel'>): null {
    const running = this.running.get(p.importId);
    if (running) running.abort();
    else this.uploads.discard(p.importId);
    return null;
  }

  /**
   * A renderer's connection closed: the uploads it began and has not started importing are
   * deleted (a running import goes on, and deletes its file when it ends).
   */
  connectionClosed(peer: number): void {
    this.uploads.releaseOwner(peer);
  }

  handlers(): Handlers<ChannelsOf<'import'>> {
    return {
      'import:begin': (p, peer) => this.begin(p, peer),
      'import:chunk': (p) => this.chunk(p),
      'import:preview': (p) => this.preview(p),
      'import:run': (p) => this.run(p),
      'import:cancel': (p) => this.cancel(p),
    };
  }

  /** The core stops: every running import is cancelled (its file goes when it ends), every other upload now. */
  stopAll(): void {
    for (const running of this.running.values()) running.abort();
    this.uploads.close();
  }
}
