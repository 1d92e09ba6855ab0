/**
 * The CSV import's life in the core: a file uploaded in chunks, previewed, imported into a
 * campaign by a worker thread with its own database connection (progress and the end arrive as
 * events), cancelled, and its upload discarded whatever the outcome. Errors the agent can act on
 * come back as invalid-data, in the importer's own words.
 */
import type { EventChannel, EventPayloads, RequestData, RequestResults } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import { drop } from '../lib/drop.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { Logger } from '../lib/logger.js';
import { CsvFormatError, previewCsv } from './csv-import.js';
import { runImportInWorker } from './import-runner.js';
import { ImportUploads, UploadError } from './upload.js';

export interface ImportJobsDeps {
  store: Store;
  /** The SQLite file the worker opens; imports need one. */
  dbPath: string | null;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  /** A campaign's leads changed (the workspace re-reads its queue). */
  onImported(campaignId: number): void;
  log: Logger;
}

/** Upload and importer errors the agent can act on become invalid-data, with their own words. */
function asDataError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UploadError || error instanceof CsvFormatError) throw new RingsideError('invalid-data', error.message);
    throw error;
  }
}

export class ImportJobs {
  private readonly uploads = new ImportUploads();
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ImportJobsDeps) {}

  begin(p: RequestData<'import:begin'>): RequestResults['import:begin'] {
    return { importId: asDataError(() => this.uploads.begin(p.fileName, p.size)) };
  }

  chunk(p: RequestData<'import:chunk'>): RequestResults['import:chunk'] {
    return { received: asDataError(() => this.uploads.chunk(p.importId, p.seq, p.data)) };
  }

  async preview(p: RequestData<'import:preview'>): Promise<RequestResults['import:preview']> {
    const path = asDataError(() => this.uploads.path(p.importId));
    try {
      return { ...(await previewCsv(path)), importId: p.importId };
    } catch (error) {
      if (error instanceof CsvFormatError) throw new RingsideError('invalid-data', error.message);
      throw error;
    }
  }

  run(p: RequestData<'import:run'>): RequestResults['import:run'] {
    const { importId, campaignId, mapping, duplicates } = p;
    const { dbPath, store, emit } = this.deps;
    if (!dbPath) throw new RingsideError('internal', 'Import needs the database file path.');
    const campaign = store.campaigns.get(campaignId);
    if (!campaign) throw new RingsideError('not-found', 'That campaign does not exist.');
    if (this.running.has(importId)) throw new RingsideError('illegal-state', 'This import is already running.');
    const path = asDataError(() => this.uploads.path(importId));
    const controller = new AbortController();
    this.running.set(importId, controller);
    drop(
      runImportInWorker({
        dbPath,
        path,
        campaignId,
        mapping,
        duplicates,
        defaultCountry: campaign.defaultCountry,
        signal: controller.signal,
        onProgress: (progress) => emit('import:progress', { ...progress, importId }),
      })
        .then((report) => {
          emit('import:finished', { ...report, importId });
          emit('campaigns:changed', store.campaigns.list(Date.now()));
          this.deps.onImported(campaignId);
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          emit('import:finished', {
            importId,
            done: true,
            cancelled: false,
            rowsDone: 0,
            bytesDone: 0,
            bytesTotal: 0,
            imported: 0,
            merged: 0,
            skipped: 0,
            failed: 1,
            errors: [{ row: 0, reason: `The import stopped: ${message}` }],
            ms: 0,
          });
        })
        .finally(() => {
          this.running.delete(importId);
          this.uploads.discard(importId);
        }),
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

  handlers(): Handlers<ChannelsOf<'import'>> {
    return {
      'import:begin': (p) => this.begin(p),
      'import:chunk': (p) => this.chunk(p),
      'import:preview': (p) => this.preview(p),
      'import:run': (p) => this.run(p),
      'import:cancel': (p) => this.cancel(p),
    };
  }

  /** The core stops: every running import is cancelled (its upload is discarded when it ends). */
  stopAll(): void {
    for (const running of this.running.values()) running.abort();
  }
}
