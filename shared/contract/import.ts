/** The CSV import: the file streamed in chunks (base64), previewed, mapped, then run in a worker. */
import { z } from 'zod';
import { defaultDuplicateMode, duplicateModes, importChunkMaxChars, type ImportOutcome } from '../import.js';
import { leadFields, type ImportPreview, type ImportProgress, type ImportReport } from '../workspace.js';
import { id, rowId } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

const customColumn = z.custom<`custom:${string}`>(
  (v) => typeof v === 'string' && /^custom:[A-Za-z0-9_ -]{1,40}$/.test(v),
  'a custom field is custom:<name> (letters, digits, space, _ or -; at most 40)',
);
const columnTarget = z.union([z.enum(leadFields), z.literal('ignore'), customColumn]);
/** One chunk of the file as base64 (the standard alphabet, padded), at most one chunk long. */
const chunkData = z
  .string()
  .max(importChunkMaxChars)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
  .refine((s) => s.length % 4 === 0, 'not base64 (its length is not a multiple of 4)');
const run = z
  .object({
    importId: id,
    campaignId: rowId,
    mapping: z.array(columnTarget).max(200),
    /** Merge (fill empty fields only) unless Skip or Replace is chosen. */
    duplicates: z.enum(duplicateModes).default(defaultDuplicateMode),
  })
  .strict();

export const importRequests = {
  'import:begin': request<{ importId: string }>()(
    z.object({ fileName: z.string().min(1).max(255), size: z.number().int().min(1).max(2_000_000_000) }).strict(),
  ),
  'import:chunk': request<{ received: number }>()(z.object({ importId: id, seq: z.number().int().min(0), data: chunkData }).strict()),
  'import:preview': request<ImportPreview>()(z.object({ importId: id }).strict()),
  'import:run': request<{ started: true }>()(run),
  'import:cancel': request<null>()(z.object({ importId: id }).strict()),
} as const;

export const importEvents = {
  'import:progress': event<ImportProgress & Pick<ImportOutcome, 'replaced'>>(),
  'import:finished': event<ImportReport & ImportOutcome>(),
} as const;

export const importApi = (invoke: Invoke, subscribe: Subscribe) => ({
  begin: (fileName: string, size: number) => invoke('import:begin', { fileName, size }),
  chunk: (importId: string, seq: number, data: string) => invoke('import:chunk', { importId, seq, data }),
  preview: (importId: string) => invoke('import:preview', { importId }),
  run: (r: z.input<typeof run>) => invoke('import:run', r),
  cancel: (importId: string) => invoke('import:cancel', { importId }),
  onProgress: (l: (p: ImportProgress) => void) => subscribe('import:progress', l),
  onFinished: (l: (r: ImportReport) => void) => subscribe('import:finished', l),
});
