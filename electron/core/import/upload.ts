/**
 * Uploads for the IPC import flow: the renderer streams a file as numbered base64 chunks into a
 * private file (0600) in Ringside's own upload folder (0700), which the preview and the worker
 * then read by path. The file holds a whole lead list (names, phones), so it lives only as long
 * as it is needed: a failed chunk, a cancel, the renderer's connection closing or an idle
 * timeout delete it and free its slot; a file left by a process that died is removed by
 * `removeUploadLeftovers` at the next start.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, writeSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fail, ok, type Result } from '../../../shared/result.js';

interface Upload {
  id: string;
  fileName: string;
  size: number;
  received: number;
  nextSeq: number;
  fd: number | null;
  path: string;
  touchedAt: number;
  /** The renderer connection that began it (null: none known). */
  owner: number | null;
  /** An import reads it now: never swept, deleted when the import ends. */
  inUse: boolean;
}

export interface ImportUploadsOptions {
  /** Ringside's own folder for uploads (created 0700); see `uploadDir`. */
  dir: string;
  maxBytes?: number;
  maxConcurrent?: number;
  /** An upload that gets no chunk this long is dropped (ms); default 5 min. */
  idleMs?: number;
  /** A complete file that is neither previewed nor imported this long is dropped (ms); default 1 h. */
  unusedMs?: number;
  now?: () => number;
}

/**
 * Where uploads go: `import-uploads` beside the database (the app's own data folder), or, with
 * no database file, a folder of this user's in the temp folder.
 */
export function uploadDir(dbPath: string | null): string {
  if (dbPath && dbPath !== ':memory:' && !dbPath.startsWith('file:')) return join(dirname(dbPath), 'import-uploads');
  return join(tmpdir(), `ringside-imports-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
}

/** Where versions before the upload folder above wrote their uploads (one folder for every user). */
export const legacyUploadDir = (): string => join(tmpdir(), 'ringside-imports');

const uploadName = /^(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/;
const legacyName = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/;

/**
 * Creates the folder (0700) or checks the one there: a real folder (not a link), this user's,
 * closed to everyone else (tightened to 0700 when it is not).
 */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const s = lstatSync(dir);
  if (!s.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (typeof process.getuid === 'function' && s.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  if (process.platform !== 'win32' && (s.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is only not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LeftoverOptions {
  now?: number;
  /** A file this old goes whoever wrote it (ms); default 24 h: no upload or import lives that long. */
  maxAgeMs?: number;
  isAlive?: (pid: number) => boolean;
  /** Also clear the shared temp folder of earlier versions (only this user's files, older than 1 h). */
  legacyDir?: string | null;
}

/**
 * Deletes upload files that no running Ringside uses: in `dir`, those whose writing process is
 * gone (or that are older than a day); this process's own files stay. Returns how many were
 * deleted. Never throws: a folder it cannot read is left as it is.
 */
export function removeUploadLeftovers(dir: string, opts: LeftoverOptions = {}): number {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? 24 * 60 * 60 * 1000;
  const isAlive = opts.isAlive ?? processAlive;
  let removed = 0;
  const remove = (path: string) => {
    try {
      rmSync(path, { force: true });
      removed++;
    } catch {
      // Still open elsewhere (Windows) or already gone: the next start tries again.
    }
  };
  for (const name of listFiles(dir)) {
    const path = join(dir, name);
    const s = safeLstat(path);
    if (!s?.isFile()) continue;
    const pid = uploadName.exec(name)?.[1];
    const old = now - s.mtimeMs > maxAge;
    if (old || pid === undefined || (Number(pid) !== process.pid && !isAlive(Number(pid)))) remove(path);
  }
  const legacy = opts.legacyDir;
  if (legacy) {
    const d = safeLstat(legacy);
    const mine = (uid: number) => typeof process.getuid !== 'function' || uid === process.getuid();
    if (d?.isDirectory() && mine(d.uid)) {
      for (const name of listFiles(legacy)) {
        if (!legacyName.test(name)) continue;
        const path = join(legacy, name);
        const s = safeLstat(path);
        if (s?.isFile() && mine(s.uid) && now - s.mtimeMs > 60 * 60 * 1000) remove(path);
      }
    }
  }
  return removed;
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeLstat(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** A file-system failure in words the agent can act on. */
function diskProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'There is not enough free disk space to receive the file.';
  if (code === 'EACCES' || code === 'EPERM') return "Ringside may not write to its upload folder (check the data folder's permissions).";
  return `The file could not be stored (${error instanceof Error ? error.message : String(error)}).`;
}

export class ImportUploads {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxConcurrent: number;
  private readonly idleMs: number;
  private readonly unusedMs: number;
  private readonly now: () => number;
  private readonly uploads = new Map<string, Upload>();
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: ImportUploadsOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 2_000_000_000;
    this.maxConcurrent = opts.maxConcurrent ?? 3;
    this.idleMs = opts.idleMs ?? 5 * 60 * 1000;
    this.unusedMs = opts.unusedMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts an upload of `size` bytes for connection `owner`; returns its id. */
  begin(fileName: string, size: number, owner: number | null = null): Result<string> {
    if (!Number.isInteger(size) || size < 1) return fail('invalid-data', 'The file is empty.');
    if (size > this.maxBytes) return fail('invalid-data', `The file is larger than ${Math.round(this.maxBytes / 1e9)} GB.`);
    this.sweep();
    if (this.uploads.size >= this.maxConcurrent) {
      return fail('invalid-data', `At most ${this.maxConcurrent} files can be uploaded or imported at once: wait for one to finish.`);
    }
    const id = randomUUID();
    // The pid tells the next start whether the process that wrote the file is still running.
    const path = join(this.dir, `${process.pid}-${id}.csv`);
    let fd: number;
    try {
      ensurePrivateDir(this.dir);
      // The name from the renderer is kept for display only; it never reaches the file system.
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      return fail('internal', diskProblem(error));
    }
    this.uploads.set(id, { id, fileName: fileName.slice(0, 255), size, received: 0, nextSeq: 0, fd, path, touchedAt: this.now(), owner, inUse: false });
    this.startTimer();
    return ok(id);
  }

  /**
   * Appends chunk `seq` (0, 1, 2… in order); returns the bytes received so far. Any failure drops
   * the upload: the renderer starts over, and the slot is free for it.
   */
  chunk(importId: string, seq: number, base64: string): Result<number> {
    const u = this.uploads.get(importId);
    if (!u) return unknown();
    const drop = (message: string) => {
      this.discard(importId);
      return fail<number>('invalid-data', `${message}: the upload was stopped, please start it again.`);
    };
    if (u.fd === null) return drop('More data arrived after the whole file');
    if (seq !== u.nextSeq)
      return drop(seq < u.nextSeq ? `Part ${seq + 1} of the file arrived twice` : `Part ${seq + 1} of the file arrived before part ${u.nextSeq + 1}`);
    const data = Buffer.from(base64, 'base64');
    if (u.received + data.length > u.size) return drop(`More data arrived than the announced ${u.size} bytes`);
    try {
      writeSync(u.fd, data, 0, data.length);
      u.received += data.length;
      if (u.received === u.size) {
        closeSync(u.fd);
        u.fd = null;
      }
    } catch (error) {
      this.discard(importId);
      return fail('internal', diskProblem(error));
    }
    u.nextSeq++;
    u.touchedAt = this.now();
    return ok(u.received);
  }

  /** The complete file's path (to preview it). */
  path(importId: string): Result<string> {
    const u = this.uploads.get(importId);
    if (!u) return unknown();
    if (u.fd !== null) return fail('invalid-data', `The upload is incomplete (${u.received} of ${u.size} bytes).`);
    u.touchedAt = this.now();
    return ok(u.path);
  }

  /** The complete file's path, now in use by an import: it is not swept until `discard`. */
  claim(importId: string): Result<string> {
    const path = this.path(importId);
    if (path.ok) this.uploads.get(importId)!.inUse = true;
    return path;
  }

  fileName(importId: string): string | null {
    return this.uploads.get(importId)?.fileName ?? null;
  }

  has(importId: string): boolean {
    return this.uploads.has(importId);
  }

  /** Deletes the upload's file and frees its slot (nothing when it is gone already). */
  discard(importId: string): void {
    const u = this.uploads.get(importId);
    if (!u) return;
    this.uploads.delete(importId);
    try {
      if (u.fd !== null) closeSync(u.fd);
    } catch {
      // Closed already: the file goes all the same.
    }
    try {
      rmSync(u.path, { force: true });
    } catch {
      // Still open elsewhere (Windows): removeUploadLeftovers takes it at the next start.
    }
    if (this.uploads.size === 0) this.stopTimer();
  }

  /** A renderer connection closed: its uploads that no import reads are dropped. */
  releaseOwner(owner: number): void {
    for (const u of [...this.uploads.values()]) if (u.owner === owner && !u.inUse) this.discard(u.id);
  }

  /** Drops uploads idle for too long (an incomplete one after `idleMs`, a complete one after `unusedMs`). */
  sweep(): void {
    const now = this.now();
    for (const u of [...this.uploads.values()]) {
      if (u.inUse) continue;
      if (now - u.touchedAt > (u.fd === null ? this.unusedMs : this.idleMs)) this.discard(u.id);
    }
  }

  /** How many uploads hold a slot. */
  get size(): number {
    return this.uploads.size;
  }

  /** The core stops: every upload no import reads is deleted now (the others when their import ends). */
  close(): void {
    for (const u of [...this.uploads.values()]) if (!u.inUse) this.discard(u.id);
    this.stopTimer();
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.max(1000, Math.min(this.idleMs, 60_000) / 2));
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function unknown<T>(): Result<T> {
  return fail('invalid-data', 'This upload is unknown or expired: please pick the file again.');
}
