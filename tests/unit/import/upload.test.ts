import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportUploads } from '../../../electron/core/import/upload.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let dir = '';
let uploads: ImportUploads;
afterEach(() => {
  uploads?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
function make(opts: ConstructorParameters<typeof ImportUploads>[0] = {}) {
  dir = mkdtempSync(join(tmpdir(), 'ringside-upload-test-'));
  uploads = new ImportUploads({ dir: join(dir, 'imports'), ...opts });
  return uploads;
}

describe('ImportUploads', () => {
  it('writes chunks in order into a private file', () => {
    const u = make();
    const id = u.begin('../../etc/passwd', 10);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(u.chunk(id, 0, b64('hello'))).toBe(5);
    expect(() => u.path(id)).toThrow(/incomplete/);
    expect(u.chunk(id, 1, b64('world'))).toBe(10);
    const p = u.path(id);
    expect(p.startsWith(join(dir, 'imports'))).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe('helloworld');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    u.discard(id);
    expect(existsSync(p)).toBe(false);
  });

  it('rejects out-of-order and duplicate chunks, oversize data drops the upload', () => {
    const u = make();
    const id = u.begin('a.csv', 6);
    expect(() => u.chunk(id, 1, b64('abc'))).toThrow('chunk 1 arrived before chunk 0');
    u.chunk(id, 0, b64('abc'));
    expect(() => u.chunk(id, 0, b64('abc'))).toThrow('chunk 0 was already received');
    expect(() => u.chunk(id, 1, b64('abcd'))).toThrow(/more data than the announced 6 bytes/);
    expect(u.has(id)).toBe(false);
    expect(() => u.chunk(id, 2, b64('x'))).toThrow('unknown or expired import');
  });

  it('limits size and concurrency', () => {
    const u = make({ maxBytes: 100 });
    expect(() => u.begin('big.csv', 101)).toThrow(/larger than/);
    const ids = [u.begin('1', 1), u.begin('2', 1), u.begin('3', 1)];
    expect(() => u.begin('4', 1)).toThrow('at most 3 imports');
    u.discard(ids[0]);
    expect(u.begin('4', 1)).toBeTruthy();
  });

  it('cleans up abandoned uploads after an hour', () => {
    let t = 0;
    const u = make({ now: () => t });
    const id = u.begin('a.csv', 4);
    u.chunk(id, 0, b64('ab'));
    t = 59 * 60_000;
    u.sweep();
    expect(u.has(id)).toBe(true);
    t = 121 * 60_000;
    u.sweep();
    expect(u.has(id)).toBe(false);
  });
});
