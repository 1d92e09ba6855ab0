/**
 * Sends a picked file to the core: `import:begin`, then its chunks in order. A failed chunk, a
 * file that cannot be read or a cancel releases the core's upload (`import:cancel`), so a broken
 * upload never keeps one of the few upload slots.
 */
import type { RingsideApi } from '../../../../shared/contract';
import { importChunkBytes } from '../../../../shared/import';
import { fail, type Result } from '../../../../shared/result';
import { chunkBase64, chunkCount } from './file-chunks';

export interface UploadOptions {
  /** The upload's id, as soon as the core gave one. */
  onBegun?: (importId: string) => void;
  /** Bytes sent so far, after each chunk. */
  onProgress?: (sent: number) => void;
  /** Asked before each chunk: true stops the upload and releases it. */
  cancelled?: () => boolean;
}

/** Resolves to the upload's id once every chunk arrived, to a failure, or to null when cancelled. */
export async function uploadFile(importer: RingsideApi['importer'], file: File, opts: UploadOptions = {}): Promise<Result<{ importId: string }> | null> {
  const begun = await importer.begin(file.name, file.size);
  if (!begun.ok) return begun;
  const { importId } = begun.value;
  opts.onBegun?.(importId);
  const release = () => importer.cancel(importId).catch(() => undefined);
  const chunks = chunkCount(file);
  for (let seq = 0; seq < chunks; seq++) {
    if (opts.cancelled?.()) {
      await release();
      return null;
    }
    let data: string;
    try {
      data = await chunkBase64(file, seq);
    } catch (error) {
      await release();
      return fail('invalid-data', `Cannot read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const sent = await importer.chunk(importId, seq, data).catch((error: unknown) => fail('internal', error instanceof Error ? error.message : String(error)));
    if (!sent.ok) {
      await release();
      return sent;
    }
    opts.onProgress?.(Math.min(file.size, (seq + 1) * importChunkBytes));
  }
  return { ok: true, value: { importId } };
}
