/**
 * What cannot start gets a way out: a damaged, too-new or unreadable data file is described in
 * words, the last good copy can be restored, or the app starts empty with the damaged file kept
 * aside — never deleted. Real SQLite files.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keepLastGood,
  lastGoodPath,
  openDataStore,
  openWithRecovery,
  recoveriesFor,
  type Recovery,
  type StartProblem,
} from '../../../electron/core/data/open-store';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store';
import { latestVersion } from '../../../electron/core/data/sqlite/migrations';
import { tempDirPerTest } from '../../support/temp-dir';
import { campaignInput } from './store-fixtures';

const temp = tempDirPerTest('ringside-open-');

/** A data file with one campaign in it, and its last good copy. */
async function goodFileWithCopy(): Promise<string> {
  const dbPath = join(temp.dir(), 'ringside.db');
  const store = openSqliteStore(dbPath);
  await store.campaigns.save(campaignInput('Spring 2026'));
  expect(await keepLastGood(store, dbPath)).toBe(true);
  // Not again within the day.
  expect(await keepLastGood(store, dbPath)).toBe(false);
  await store.close();
  return dbPath;
}

describe('opening the data at start', () => {
  it('a damaged file is described, and the good copy is restored with the damaged one kept aside', async () => {
    const dbPath = await goodFileWithCopy();
    writeFileSync(dbPath, Buffer.alloc(8192, 0x5a));
    const outcome = openDataStore(dbPath);
    expect(outcome.ok).toBe(false);
    const problem = (outcome as { problem: StartProblem }).problem;
    expect(problem.kind).toBe('corrupt');
    expect(problem.message).toMatch(/damaged and cannot be opened.*A good copy from .* can be restored/);
    expect(recoveriesFor(problem)).toEqual(['restore', 'fresh', 'quit']);

    const asked: Recovery[][] = [];
    const opened = await openWithRecovery(dbPath, (_p, options) => (asked.push(options), 'restore'));
    expect(opened?.recovered).toMatch(/Restored the good copy; the damaged file is kept as .*damaged-/);
    expect((await opened!.store.campaigns.list(Date.now())).map((c) => c.name)).toEqual(['Spring 2026']);
    await opened!.store.close();
    expect(readdirSync(temp.dir()).some((f) => f.includes('.damaged-'))).toBe(true);
  });

  it('without a good copy it can start empty, keeping the damaged file', async () => {
    const dbPath = join(temp.dir(), 'ringside.db');
    writeFileSync(dbPath, 'this is not a database, it is a note someone saved over it\n'.repeat(200));
    const opened = await openWithRecovery(dbPath, (p, options) => {
      expect(options).toEqual(['fresh', 'quit']);
      expect(p.lastGood).toBeNull();
      return 'fresh';
    });
    expect(opened?.recovered).toMatch(/Started with empty data/);
    expect(await opened!.store.campaigns.list(Date.now())).toEqual([]);
    await opened!.store.close();
    const aside = readdirSync(temp.dir()).find((f) => f.includes('.damaged-'))!;
    expect(aside).toBeTruthy();
    expect(existsSync(join(temp.dir(), aside))).toBe(true);
  });

  it('a file from a newer Ringside is left alone: the only choice is to quit and update', async () => {
    const dbPath = await goodFileWithCopy();
    const db = new Database(dbPath);
    db.pragma(`user_version = ${latestVersion + 3}`);
    db.close();
    let seen: StartProblem | null = null;
    const opened = await openWithRecovery(dbPath, (p, options) => {
      seen = p;
      expect(options).toEqual(['quit']);
      return 'quit';
    });
    expect(opened).toBeNull();
    expect(seen!.message).toMatch(/saved by a newer version of Ringside .*Install the newer Ringside/);
    // Nothing was changed: the file still opens in a Ringside that knows its version… and still has its data.
    const raw = new Database(dbPath, { readonly: true });
    expect((raw.prepare('SELECT COUNT(*) AS n FROM campaigns').get() as { n: number }).n).toBe(1);
    raw.close();
    expect(readdirSync(temp.dir()).some((f) => f.includes('.damaged-'))).toBe(false);
  });

  it('a folder that cannot be written is "unreadable", with a retry, and never throws', async () => {
    const dbPath = join(temp.dir(), 'no-such-folder', 'deeper', 'ringside.db');
    const outcome = openDataStore(dbPath);
    expect(outcome.ok).toBe(false);
    const problem = (outcome as { problem: StartProblem }).problem;
    expect(problem.kind).toBe('unreadable');
    expect(recoveriesFor(problem)).toEqual(['retry', 'quit']);
    expect(problem.message).toMatch(/cannot open its data file/);
  });

  it('a choice that is not offered, or a failing restore, never throws past the caller', async () => {
    const dbPath = join(temp.dir(), 'ringside.db');
    writeFileSync(dbPath, Buffer.alloc(4096, 1));
    expect(await openWithRecovery(dbPath, () => 'restore')).toBeNull();
    expect(existsSync(lastGoodPath(dbPath))).toBe(false);
  });
});
