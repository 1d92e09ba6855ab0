import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportUploads, removeUploadLeftovers, uploadDir } from '../../../electron/core/import/upload.js';
import type { Result } from '../../../shared/result.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
let dir = '';
let uploads: ImportUploads | undefined;
afterEach(() => {
  uploads?.close();
  uploads = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});
function make(opts: Partial<ConstructorParameters<typeof ImportUploads>[0]> = {}) {
  dir = mkdtempSync(join(tmpdir(), 'ringside-upload-test-'));
  uploads = new ImportUploads({ dir: join(dir, 'imports'), ...opts });
  return uploads;
}
/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('ImportUploads', () => {
  it('writes chunks in order into a private file in a private folder', () => {
    const u = make();
    const id = value(u.begin('../../etc/passwd', 10));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(u.chunk(id, 0, b64('hello'))).toEqual({ ok: true, value: 5 });
    expect(u.path(id)).toMatchObject({ ok: false, message: expect.stringMatching(/incomplete/) });
    expect(value(u.chunk(id, 1, b64('world')))).toBe(10);
    const p = value(u.path(id));
    expect(p.startsWith(join(dir, 'imports'))).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe('helloworld');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'imports')).mode & 0o777).toBe(0o700);
    u.discard(id);
    expect(existsSync(p)).toBe(false);
  });

  it('a wrong chunk drops the upload and frees its slot: out of order, twice, or more than announced', () => {
    const u = make();
    const a = value(u.begin('a.csv', 6));
    expect(u.chunk(a, 1, b64('abc'))).toMatchObject({
      ok: false,
      code: 'invalid-data',
      message: expect.stringContaining('Part 2 of the file arrived before part 1'),
    });
    expect(u.has(a)).toBe(false);
    const b = value(u.begin('b.csv', 6));
    u.chunk(b, 0, b64('abc'));
    expect(u.chunk(b, 0, b64('abc'))).toMatchObject({ ok: false, message: expect.stringContaining('arrived twice') });
    const c = value(u.begin('c.csv', 6));
    u.chunk(c, 0, b64('abc'));
    expect(u.chunk(c, 1, b64('abcd'))).toMatchObject({ ok: false, message: expect.stringContaining('More data arrived than the announced 6 bytes') });
    expect(u.has(c)).toBe(false);
    expect(u.chunk(c, 2, b64('x'))).toMatchObject({ ok: false, message: expect.stringContaining('unknown or expired') });
    expect(u.size).toBe(0);
    expect(readdirSync(join(dir, 'imports'))).toEqual([]);
  });

  it('limits size and concurrency', () => {
    const u = make({ maxBytes: 100 });
    expect(u.begin('big.csv', 101)).toMatchObject({ ok: false, message: expect.stringMatching(/larger than/) });
    const ids = [u.begin('1', 1), u.begin('2', 1), u.begin('3', 1)].map(value);
    expect(u.begin('4', 1)).toMatchObject({ ok: false, message: expect.stringContaining('At most 3 files') });
    u.discard(ids[0]);
    expect(u.begin('4', 1).ok).toBe(true);
  });

  it('drops an upload that stops sending after 5 minutes, an unused complete file after an hour, never one an import reads', () => {
    let t = 0;
    const u = make({ now: () => t });
    const stalled = value(u.begin('stalled.csv', 4));
    u.chunk(stalled, 0, b64('ab'));
    const waiting = value(u.begin('waiting.csv', 2));
    u.chunk(waiting, 0, b64('ab'));
    const importing = value(u.begin('importing.csv', 2));
    u.chunk(importing, 0, b64('ab'));
    expect(u.claim(importing).ok).toBe(true);
    t = 4 * 60_000;
    u.sweep();
    expect([u.has(stalled), u.has(waiting), u.has(importing)]).toEqual([true, true, true]);
    t = 6 * 60_000;
    u.sweep();
    expect([u.has(stalled), u.has(waiting), u.has(importing)]).toEqual([false, true, true]);
    t = 61 * 60_000;
    u.sweep();
    expect([u.has(waiting), u.has(importing)]).toEqual([false, true]);
    t = 100 * 60 * 60_000;
    u.sweep();
    expect(u.has(importing)).toBe(true);
  });

  it("a closed connection's uploads go, other connections' and running imports stay", () => {
    const u = make();
    const mine = value(u.begin('mine.csv', 2, 1));
    const running = value(u.begin('running.csv', 2, 1));
    u.chunk(running, 0, b64('ab'));
    u.claim(running);
    const theirs = value(u.begin('theirs.csv', 2, 2));
    u.releaseOwner(1);
    expect([u.has(mine), u.has(running), u.has(theirs)]).toEqual([false, true, true]);
  });

  it('tightens a folder open to others to 0700, and refuses a folder that is a link', () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-upload-test-'));
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    uploads = new ImportUploads({ dir: open });
    expect(uploads.begin('a.csv', 1).ok).toBe(true);
    expect(statSync(open).mode & 0o777).toBe(0o700);
    uploads.close();
    symlinkSync(open, join(dir, 'link'));
    uploads = new ImportUploads({ dir: join(dir, 'link') });
    expect(uploads.begin('a.csv', 1)).toMatchObject({ ok: false, code: 'internal', message: expect.stringContaining('is not a folder') });
  });

  it('uploads go beside the database, or in a folder of this user without one', () => {
    expect(uploadDir('/data/ringside/ringside.db')).toBe('/data/ringside/import-uploads');
    expect(uploadDir(null)).toBe(join(tmpdir(), `ringside-imports-${process.getuid!()}`));
    expect(uploadDir(':memory:')).toBe(uploadDir(null));
  });
});

describe('removeUploadLeftovers', () => {
  it("deletes the files of processes that ended and files older than a day; keeps live processes' and its own", () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-upload-test-'));
    const file = (name: string, ageMs = 0) => {
      const p = join(dir, name);
      writeFileSync(p, 'Name,Phone\nJan,+48 500 000 001\n');
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(p, t, t);
      return p;
    };
    const dead = file(`${deadPid()}-${randomUUID()}.csv`);
    const own = file(`${process.pid}-${randomUUID()}.csv`);
    const live = file(`${process.ppid}-${randomUUID()}.csv`);
    const stale = file(`${process.ppid}-${randomUUID()}.csv`, 25 * 60 * 60 * 1000);
    const stray = file('notes.txt');
    mkdirSync(join(dir, 'a-folder'));
    expect(removeUploadLeftovers(dir)).toBe(3);
    expect([dead, own, live, stale, stray].map(existsSync)).toEqual([false, true, true, false, false]);
    expect(existsSync(join(dir, 'a-folder'))).toBe(true);
  });

  it("clears the earlier versions' shared folder of this user's upload files older than an hour, and nothing else", () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-upload-test-'));
    const legacy = join(dir, 'ringside-imports');
    mkdirSync(legacy);
    const old = join(legacy, `${randomUUID()}.csv`);
    const fresh = join(legacy, `${randomUUID()}.csv`);
    const other = join(legacy, 'other.csv');
    for (const p of [old, fresh, other]) writeFileSync(p, 'x');
    const t = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    utimesSync(old, t, t);
    utimesSync(other, t, t);
    expect(removeUploadLeftovers(join(dir, 'missing'), { legacyDir: legacy })).toBe(1);
    expect([old, fresh, other].map(existsSync)).toEqual([false, true, true]);
  });

  it('a folder that does not exist is no error', () => {
    expect(removeUploadLeftovers(join(tmpdir(), `ringside-none-${randomUUID()}`))).toBe(0);
  });
});
