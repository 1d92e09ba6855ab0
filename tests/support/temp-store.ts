/** A fresh SQLite store in a temp folder (the real store, on disk, with WAL). */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import type { Store } from '../../electron/core/data/repositories.js';

export function tempStore(): { store: Store; dbPath: string } {
  const dbPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringside-db-')), 'ringside.db');
  return { store: openSqliteStore(dbPath), dbPath };
}
