/**
 * The stores the repository contract runs on, each giving a fresh, empty store per test: SQLite in
 * memory (or in a file, for tests that need a second connection), and PostgreSQL in a throwaway
 * server (one database per test file, migrated once, its tables emptied between tests: far faster
 * than a database or a migration per test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openPostgresStore } from '../../../electron/core/data/postgres/store.js';
import type { Store } from '../../../electron/core/data/repositories.js';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import { startPostgres, type PostgresServer } from '../../support/postgres.js';

export interface ContractStores {
  readonly name: 'sqlite' | 'postgres';
  /** Once per file, before the first `fresh`. */
  start(): Promise<void>;
  /** An empty store at the newest schema version. */
  fresh(): Promise<Store>;
  /**
   * Another connection to the data of the store `fresh` gave last, as a second agent's app has
   * (SQLite: only with `sqliteStores({ file: true })`). The caller closes it.
   */
  peer(): Promise<Store>;
  /** Once per file: closes what `start` opened. */
  stop(): Promise<void>;
}

/** In memory by default; `file`: a new file per test in a temporary folder, which `peer` opens again. */
export function sqliteStores(opts: { file?: boolean } = {}): ContractStores {
  let dir: string | null = null;
  let last: string | null = null;
  let n = 0;
  return {
    name: 'sqlite',
    start: async () => {
      if (opts.file) dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-contract-'));
    },
    fresh: async () => {
      if (!dir) return openSqliteStore(':memory:');
      last = path.join(dir, `store-${++n}.db`);
      return openSqliteStore(last);
    },
    peer: async () => {
      if (!last) throw new Error('a second connection needs sqliteStores({ file: true }) and a fresh store first');
      return openSqliteStore(last);
    },
    stop: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}

/**
 * Statements that empty every table of the schema (what later migrations add included) and start
 * their identity columns at 1 again. DELETE of a few rows is several times faster than TRUNCATE
 * (which makes new files for every table and index).
 */
async function emptyStatements(admin: pg.Client): Promise<string> {
  const tables = await admin.query<{ name: string; identity: string[] }>(
    `SELECT c.relname AS name,
            ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity <> '' AND NOT a.attisdropped) AS identity
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> 'ringside_schema'`,
  );
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  return tables.rows
    .flatMap((t) => [`DELETE FROM ${quote(t.name)}`, ...t.identity.map((col) => `ALTER TABLE ${quote(t.name)} ALTER COLUMN ${quote(col)} RESTART`)])
    .join('; ');
}

export function postgresStores(): ContractStores & { server(): PostgresServer; database(): string } {
  let server: PostgresServer | null = null;
  let database = '';
  let admin: pg.Client | null = null;
  let empty = '';
  return {
    name: 'postgres',
    server: () => server!,
    database: () => database,
    start: async () => {
      server = await startPostgres();
      database = await server.createDatabase('contract');
      // Migrated once; every test then starts from the empty tables.
      await (await openPostgresStore(server.team({ database }))).close();
      // A connection of the superuser kept open to empty the tables (the audit log's triggers
      // refuse DELETE; replica mode skips them and the foreign keys' checks, as a restore would).
      admin = await server.connect(database);
      await admin.query('SET session_replication_role = replica');
      empty = await emptyStatements(admin);
    },
    fresh: async () => {
      await admin!.query(empty);
      return openPostgresStore(server!.team({ database }));
    },
    peer: async () => openPostgresStore(server!.team({ database })),
    stop: async () => {
      await admin?.end();
      admin = null;
      await server?.stop();
      server = null;
    },
  };
}
