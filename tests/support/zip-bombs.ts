/**
 * Zip files that are not what they say: a deflate stream of gigabytes of zeros built in
 * milliseconds (one flushed block repeated), and a small zip writer whose headers declare
 * whatever size the test wants, so an entry can claim 9 GiB honestly or 1 KiB while holding
 * gigabytes. Honest zips (nested, many entries) come from yazl.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

const MiB = 1 << 20;

/**
 * A raw deflate stream that inflates to `mib` MiB of zeros: 1 MiB of zeros deflated with a full
 * flush (byte-aligned, no back-reference past it) is repeated, then a final empty block ends it.
 * About 1 KiB of output per MiB: the ~1000:1 of a classic zip bomb.
 */
export function zerosDeflated(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  // 0x03 0x00: a final block with fixed Huffman codes holding only end-of-block.
  return Buffer.concat([...Array.from({ length: mib }, () => block), Buffer.from([0x03, 0x00])]);
}

export interface CraftedEntry {
  name: string;
  /** The entry's data as stored in the archive (raw deflate for method 8). */
  data: Buffer;
  method: 0 | 8;
  /** What the headers declare the data expands to (the truth, or not). */
  declaredSize: number;
}

const U32_MAX = 0xffffffff;

/**
 * A zip archive of the entries, headers as declared (zip64 sizes where a size does not fit 32
 * bits). yauzl does not check CRCs, so none are computed.
 */
export function craftZip(entries: CraftedEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const zip64 = e.declaredSize >= U32_MAX || e.data.length >= U32_MAX;
    const extra = Buffer.alloc(zip64 ? 20 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(e.declaredSize), 4);
      extra.writeBigUInt64LE(BigInt(e.data.length), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(0, 14); // crc
    local.writeUInt32LE(zip64 ? U32_MAX : e.data.length, 18);
    local.writeUInt32LE(zip64 ? U32_MAX : e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, name, extra, e.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    cd.writeUInt16LE(zip64 ? 45 : 20, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt32LE(0, 12);
    cd.writeUInt32LE(0, 16);
    cd.writeUInt32LE(zip64 ? U32_MAX : e.data.length, 20);
    cd.writeUInt32LE(zip64 ? U32_MAX : e.declaredSize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    cd.writeUInt32LE(0o100644 * 0x10000, 38); // external: a regular file
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name, extra);
    offset += local.length + name.length + extra.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

/** A real zip (yazl) of the entries, written to `path`. */
export async function yazlZip(path: string, entries: Array<{ name: string; content: Buffer | string; compress?: boolean }>): Promise<string> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(Buffer.from(e.content), e.name, { compress: e.compress ?? true });
  z.end();
  const out = createWriteStream(path);
  z.outputStream.pipe(out);
  await once(out, 'finish');
  return path;
}

/** The same as a Buffer. */
export async function yazlZipBuffer(entries: Array<{ name: string; content: Buffer | string; compress?: boolean }>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(Buffer.from(e.content), e.name, { compress: e.compress ?? true });
  z.end();
  const parts: Buffer[] = [];
  for await (const chunk of z.outputStream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}
