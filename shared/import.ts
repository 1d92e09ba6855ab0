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
