/**
 * Opening the embedded database at start, and what to do when it cannot be opened. A file that
 * is damaged, written by a newer Ringside, or unreadable must never just end the app with a line
 * on a console nobody sees: the host (the desktop shell's dialog, the browser-mode server's
 * message) shows the problem in words and offers what can be done — restore the last good copy,
 * or start with an empty database while the damaged file is kept aside, never deleted.
 */
import { copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { DatabaseTooNewError } from './sqlite/migrations.js';
import type { Store } from './repositories.js';
import { openSqliteStore } from './sqlite/store.js';

export interface LastGoodCopy {
  path: string;
  /** When it was written (epoch ms). */
  at: number;
}

export interface StartProblem {
  /** 'team': the team database cannot be reached or opened (`dbPath` then says where it is). */
  kind: 'corrupt' | 'too-new' | 'unreadable' | 'team';
  /** One sentence for the agent or their IT. */
  message: string;
  /** The underlying error, for a support ticket. */
  detail: string;
  dbPath: string;
  lastGood: LastGoodCopy | null;
}

export type OpenOutcome = { ok: true; store: Store } | { ok: false; problem: StartProblem };

/** Where the last good copy of `dbPath` is kept. */
export const lastGoodPath = (dbPath: string): string => `${dbPath}.last-good`;

function lastGoodOf(dbPath: string): LastGoodCopy | null {
  const path = lastGoodPath(dbPath);
  try {
    return { path, at: statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

const CORRUPT = /SQLITE_(CORRUPT|NOTADB)|not a database|malformed/i;

/** Opens the store, or says in words why it cannot be opened. Never throws. */
export function openDataStore(dbPath: string, open: (path: string) => Store = openSqliteStore): OpenOutcome {
  try {
    return { ok: true, store: open(dbPath) };
  } catch (error) {
    const detail = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
    const lastGood = lastGoodOf(dbPath);
    if (error instanceof DatabaseTooNewError)
      return {
        ok: false,
        problem: {
          kind: 'too-new',
          message: `This data was saved by a newer version of Ringside (data version ${error.found}; this one knows up to ${error.known}). Install the newer Ringside to open it; nothing was changed.`,
          detail,
          dbPath,
          lastGood: null,
        },
      };
    if (CORRUPT.test(detail))
      return {
        ok: false,
        problem: {
          kind: 'corrupt',
          message: `Ringside's data file is damaged and cannot be opened (${dbPath}).${lastGood ? ` A good copy from ${new Date(lastGood.at).toLocaleString()} can be restored.` : ''}`,
          detail,
          dbPath,
          lastGood,
        },
      };
    return {
      ok: false,
      problem: {
        kind: 'unreadable',
        message: `Ringside cannot open its data file ${dbPath}: ${error instanceof Error ? error.message : String(error)}. Check that the folder exists, is yours and is not full, or that no other Ringside holds it.`,
        detail,
        dbPath,
        lastGood,
      },
    };
  }
}

/** Moves the damaged file (and its journal) aside, kept for a support ticket; returns where it went. */
export function setAsideDamaged(dbPath: string, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const aside = `${dbPath}.damaged-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, aside + suffix);
  return aside;
}

/** Puts the last good copy in place of the damaged file (which is kept aside). */
export function restoreLastGood(dbPath: string, now = Date.now()): string {
  const copy = lastGoodOf(dbPath);
  if (!copy) throw new Error('There is no good copy to restore.');
  const aside = setAsideDamaged(dbPath, now);
  copyFileSync(copy.path, dbPath);
  return aside;
}

/**
 * Refreshes the last good copy, at most once per `everyMs` (default a day): a store that just
 * opened and migrated is good. Failures are the caller's to log; the store itself is untouched.
 */
export async function keepLastGood(store: Store, dbPath: string, everyMs = 86_400_000, now = Date.now()): Promise<boolean> {
  if (!store.backup) return false;
  const previous = lastGoodOf(dbPath);
  if (previous && now - previous.at < everyMs) return false;
  const tmp = `${lastGoodPath(dbPath)}.tmp`;
  await store.backup(tmp);
  renameSync(tmp, lastGoodPath(dbPath));
  return true;
}

/** What can be done about a problem, in the order a dialog offers it. */
export type Recovery = 'restore' | 'fresh' | 'retry' | 'quit';

export function recoveriesFor(problem: StartProblem): Recovery[] {
  if (problem.kind === 'too-new') return ['quit'];
  if (problem.kind === 'unreadable' || problem.kind === 'team') return ['retry', 'quit'];
  return problem.lastGood ? ['restore', 'fresh', 'quit'] : ['fresh', 'quit'];
}

export const RECOVERY_LABELS: Record<Recovery, string> = {
  restore: 'Restore the good copy',
  fresh: 'Start with empty data',
  retry: 'Try again',
  quit: 'Quit',
};

/**
 * Opens the store; on a problem asks `choose` (a dialog, a setting) what to do and does it, until
 * the store opens or the answer is to quit (then null). The damaged file is always kept aside.
 */
export async function openWithRecovery(
  dbPath: string,
  choose: (problem: StartProblem, options: Recovery[]) => Recovery | Promise<Recovery>,
  open: (path: string) => Store = openSqliteStore,
): Promise<{ store: Store; recovered: string | null } | null> {
  let recovered: string | null = null;
  let failed: string | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = openDataStore(dbPath, open);
    if (outcome.ok) return { store: outcome.store, recovered };
    const problem = failed ? { ...outcome.problem, message: `${failed} ${outcome.problem.message}` } : outcome.problem;
    const options = recoveriesFor(problem);
    const choice = await choose(problem, options);
    if (!options.includes(choice) || choice === 'quit') return null;
    failed = null;
    try {
      if (choice === 'restore') recovered = `Restored the good copy; the damaged file is kept as ${restoreLastGood(dbPath)}.`;
      else if (choice === 'fresh') recovered = `Started with empty data; the damaged file is kept as ${setAsideDamaged(dbPath)}.`;
    } catch (error) {
      failed = `That did not work (${error instanceof Error ? error.message : String(error)}).`;
    }
  }
  return null;
}
