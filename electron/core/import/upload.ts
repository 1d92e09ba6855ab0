/**
 * Uploads for the IPC import flow: the renderer streams a file as numbered base64 chunks into a
 * private temp file (0600, under os.tmpdir()/ringside-imports), which the preview and the worker
 * then read by path. Abandoned uploads are removed after an hour.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class UploadError extends Error {
  override name = 'UploadError';
}

interface Upload {
  id: string;
  fileName: string;
  size: number;
  received: number;
  nextSeq: number;
  fd: number | null;
  path: string;
  touchedAt: number;
}

export interface ImportUploadsOptions {
  dir?: string;
  maxBytes?: number;
  maxConcurrent?: number;
  /** An upload untouched this long is deleted (ms); default 1 h. */
  abandonAfterMs?: number;
  now?: () => number;
}

export class ImportUploads {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxConcurrent: number;
  private readonly abandonAfterMs: number;
  private readonly now: () => number;
  private readonly uploads = new Map<string, Upload>();
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: ImportUploadsOptions = {}) {
    this.dir = opts.dir ?? join(tmpdir(), 'ringside-imports');
    this.maxBytes = opts.maxBytes ?? 2_000_000_000;
    this.maxConcurrent = opts.maxConcurrent ?? 3;
    this.abandonAfterMs = opts.abandonAfterMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts an upload of `size` bytes; returns its id. */
  begin(fileName: string, size: number): string {
    if (!Number.isInteger(size) || size < 1) throw new UploadError('the file is empty');
    if (size > this.maxBytes) throw new UploadError(`the file is larger than ${Math.round(this.maxBytes / 1e9)} GB`);
    this.sweep();
    if (this.uploads.size >= this.maxConcurrent) throw new UploadError(`at most ${this.maxConcurrent} imports can be uploaded at once`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const path = join(this.dir, `${id}.csv`);
    // The name from the renderer is kept for display only; it never reaches the file system.
    const fd = openSync(path, 'wx', 0o600);
    this.uploads.set(id, { id, fileName: fileName.slice(0, 255), size, received: 0, nextSeq: 0, fd, path, touchedAt: this.now() });
    this.startTimer();
    return id;
  }

  /** Appends chunk `seq` (0, 1, 2… in order); returns the bytes received so far. */
  chunk(importId: string, seq: number, base64: string): number {
    const u = this.get(importId);
    if (u.fd === null) throw new UploadError('the upload is already complete');
    if (seq !== u.nextSeq) throw new UploadError(seq < u.nextSeq ? `chunk ${seq} was already received` : `chunk ${seq} arrived before chunk ${u.nextSeq}`);
    const data = Buffer.from(base64, 'base64');
    if (u.received + data.length > u.size) {
      this.discard(importId);
      throw new UploadError(`more data than the announced ${u.size} bytes: upload dropped`);
    }
    writeSync(u.fd, data, 0, data.length);
    u.received += data.length;
    u.nextSeq++;
    u.touchedAt = this.now();
    if (u.received === u.size) {
      closeSync(u.fd);
      u.fd = null;
    }
    return u.received;
  }

  /** The complete file's path. */
  path(importId: string): string {
    const u = this.get(importId);
    if (u.fd !== null) throw new UploadError(`the upload is incomplete (${u.received} of ${u.size} bytes)`);
    u.touchedAt = this.now();
    return u.path;
  }

  fileName(importId: string): string {
    return this.get(importId).fileName;
  }

  has(importId: string): boolean {
    return this.uploads.has(importId);
  }

  /** Keeps a running import's file from being swept as abandoned. */
  touch(importId: string): void {
    this.get(importId).touchedAt = this.now();
  }

  discard(importId: string): void {
    const u = this.uploads.get(importId);
    if (!u) return;
    this.uploads.delete(importId);
    if (u.fd !== null) closeSync(u.fd);
    rmSync(u.path, { force: true });
    if (this.uploads.size === 0) this.stopTimer();
  }

  /** Deletes uploads untouched for longer than the limit. */
  sweep(): void {
    const limit = this.now() - this.abandonAfterMs;
    for (const u of [...this.uploads.values()]) if (u.touchedAt < limit) this.discard(u.id);
  }

  /** Deletes every upload (app quit). */
  close(): void {
    for (const id of [...this.uploads.keys()]) this.discard(id);
    this.stopTimer();
  }

  private get(importId: string): Upload {
    const u = this.uploads.get(importId);
    if (!u) throw new UploadError('unknown or expired import');
    return u;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.min(this.abandonAfterMs, 5 * 60 * 1000));
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
