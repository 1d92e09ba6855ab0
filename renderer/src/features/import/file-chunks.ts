/** Reading a picked file in slices, as base64, for `import:chunk`. */
import { importChunkBytes } from '../../../../shared/import';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

function readArrayBuffer(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('Cannot read the file'));
    reader.readAsArrayBuffer(blob);
  });
}

/** How many `import:chunk` requests the file takes. */
export function chunkCount(file: Blob, size = importChunkBytes): number {
  return Math.ceil(file.size / size);
}

/** One slice of the file as base64. */
export async function chunkBase64(file: Blob, seq: number, size = importChunkBytes): Promise<string> {
  return toBase64(new Uint8Array(await readArrayBuffer(file.slice(seq * size, (seq + 1) * size))));
}
