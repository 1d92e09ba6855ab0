/**
 * Results kept on this desktop while the team database does not answer. The agent finishes the
 * call, chooses the disposition, and it is written to a file in the data folder (one JSON line
 * each, flushed to disk before the agent is told it is kept); when the database answers again the
 * results are written there in the order they were taken, each removed from the file only once
 * the database has it. A result the database already holds (it was committed but the answer got
 * lost with the connection) is recognised by its lead, time and code, and not written twice. One
 * the database refuses is set aside in a file of its own, never dropped.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DispositionRecord, Store } from '../data/repositories.js';
import type { Logger } from '../lib/logger.js';

/** Failures that mean the database is out of reach (not a refused or invalid write). */
const LOST = new Set(['unreachable', 'timeout', 'busy']);

export function isDatabaseLost(error: unknown): boolean {
  const e = error as { name?: unknown; problem?: unknown } | null;
  return e?.name === 'TeamDatabaseError' && typeof e.problem === 'string' && LOST.has(e.problem);
}

export class PendingResults {
  private readonly file: string;
  private items: DispositionRecord[];
  private flushing: Promise<number> | null = null;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.file = join(dataDir, 'results-waiting.jsonl');
    this.items = this.read();
  }

  get count(): number {
    return this.items.length;
  }

  /** Keeps one result; durable when this returns. */
  keep(record: DispositionRecord): void {
    this.items.push(record);
    this.write();
  }

  /** Writes what waits to the store, oldest first; stops at the first failure. Resolves with how many were written. */
  flush(store: Store): Promise<number> {
    this.flushing ??= this.flushAll(store).finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushAll(store: Store): Promise<number> {
    let written = 0;
    while (this.items.length > 0) {
      const next = this.items[0];
      try {
        if (!(await alreadyThere(store, next))) await store.activity.recordDisposition(next);
      } catch (error) {
        if (!isDatabaseLost(error)) {
          // Refused (another agent took the lead meanwhile, the lead is gone): not retried forever
          // in front of the others, and never dropped — it goes to a file of its own for a
          // supervisor, and a customer's "do not call me" reaches the list whatever became of the lead.
          await this.setAside(store, next, error);
          this.items.shift();
          this.write();
          continue;
        }
        break;
      }
      this.items.shift();
      this.write();
      written++;
    }
    return written;
  }

  private async setAside(store: Store, record: DispositionRecord, error: unknown): Promise<void> {
    const why = error instanceof Error ? error.message : String(error);
    this.log.warn(
      `a result kept while the team database was away was refused (${why}); it is kept in ${this.refusedFile}: lead ${record.leadId}, ${record.code}`,
    );
    appendFileSync(this.refusedFile, `${JSON.stringify({ ...record, refused: why })}\n`, { mode: 0o600 });
    if (record.effect === 'dnc' && record.phone)
      await store.dnc
        .add(record.phone, `disposition:${record.code}:lead:${record.leadId}`, record.at)
        .catch((e: unknown) => this.log.warn('the Do-Not-Call number of a refused result could not be added', e));
  }

  /** Results the database refused when they were written later: kept for a supervisor to look at. */
  get refusedFile(): string {
    return join(dirname(this.file), 'results-refused.jsonl');
  }

  private read(): DispositionRecord[] {
    if (!existsSync(this.file)) return [];
    const out: DispositionRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as DispositionRecord);
      } catch {
        // A line cut short by a crash mid-write: everything before it is whole.
        this.log.warn('a line of the waiting results file was cut short and is skipped');
      }
    }
    return out;
  }

  /** The whole file anew, then renamed over the old one: a crash leaves one or the other, whole. */
  private write(): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, this.items.map((r) => JSON.stringify(r)).join('\n') + (this.items.length ? '\n' : ''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}

async function alreadyThere(store: Store, record: DispositionRecord): Promise<boolean> {
  const history = await store.leads.history(record.leadId, 50);
  return history.some((h) => h.kind === 'disposition' && h.at === record.at && h.outcome === record.code);
}
