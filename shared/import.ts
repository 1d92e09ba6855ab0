/** The CSV import's rules that both sides share: how big a chunk of the uploaded file may be. */

/**
 * The largest message the browser-mode WebSocket accepts (its `maxPayload`): a bigger frame makes
 * the server close the connection. Electron's IPC has no such cap, but both transports carry the
 * same chunks, so the chunk size is derived from this one number.
 */
export const wireFrameMaxBytes = 1 << 20;

/** How many characters base64 makes of `bytes` bytes (4 for every 3, padded). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/**
 * Raw bytes of the file per `import:chunk`: half a frame. As base64 that is two thirds of the
 * frame, leaving a third for the JSON envelope around it (kind, id, channel, import id, sequence
 * number: about 150 characters), so a chunk stays well under the cap.
 */
export const importChunkBytes = wireFrameMaxBytes / 2;

/** The longest `data` one `import:chunk` may carry: a full chunk, as base64. */
export const importChunkMaxChars = base64Length(importChunkBytes);

/**
 * What a row becomes when its number is already on a lead of the campaign (or on an earlier row
 * of the file): merged into it — empty fields filled, nothing overwritten (the default) —
 * skipped, or its values written over the lead's (only when asked for).
 */
export const duplicateModes = ['merge', 'skip', 'replace'] as const;
export type DuplicateMode = (typeof duplicateModes)[number];
export const defaultDuplicateMode: DuplicateMode = 'merge';

/** The report lists this many duplicates at most (a file can have millions); it counts the rest. */
export const maxListedDuplicates = 1000;

/** A field where the lead and the row both have a value and they differ. */
export interface ImportConflict {
  /** The field as the agent reads it: "company", "first name", `field "Uwagi"`. */
  field: string;
  /** The value the lead has after the import (Merge: its own; Replace: the row's). */
  kept: string;
  /** The value not kept, written into the lead's history. */
  other: string;
}

/** One row whose number matched a lead, and what became of it. */
export interface ImportDuplicate {
  /** 1-based data row. */
  row: number;
  /** The earlier row of this file that created the lead, or the lead that was there before the import. */
  sameAs: { row: number } | { leadId: number; name: string };
  action: DuplicateMode;
  /** Fields the row filled (empty on the lead), numbers it added. */
  filled: string[];
  conflicts: ImportConflict[];
  /** The whole story in one line: "row 5: same number as row 1; company differs — kept 'Łódzkie Okna', …". */
  message: string;
}

/** What the final report of an import adds to its counts. */
export interface ImportOutcome {
  /** Rows whose values replaced a lead's (Replace only). */
  replaced?: number;
  /** The rows that matched a lead, in file order, at most `maxListedDuplicates`; absent when none did. */
  duplicates?: ImportDuplicate[];
  /** How many more rows matched a lead than the list shows. */
  duplicatesNotListed?: number;
  /** Why the file could not be read to its end; the rows before that point were imported. */
  stopped?: string;
}
