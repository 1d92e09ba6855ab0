/**
 * The stores the repository contract runs on, each giving a fresh, empty store per test: SQLite in
 * memory, and PostgreSQL in a throwaway server (one database per test file, migrated once, its
 * tables emptied between tests: far faster than a database or a migration per test).
 */
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
  /** Once per file: closes what `start` opened. */
  stop(): Promise<void>;
}

export function sqliteStores(): ContractStores {
  return {
    name: 'sqlite',
    start: async () => undefined,
    fresh: async () => openSqliteStore(':memory:'),
    stop: async () => undefined,
  };
}

/**
 * Empties every table the store writes and starts their ids at 1 again. DELETE of a few rows is
 * several times faster than TRUNCATE (which makes new files for every table and index).
 */
const EMPTY = [
  ...['compliance_audit', 'history', 'callbacks', 'dispositions', 'lead_phones', 'leads', 'campaigns'].map(
    (t) => `DELETE FROM ${t}; ALTER TABLE ${t} ALTER COLUMN id RESTART`,
  ),
  'DELETE FROM calls',
  'DELETE FROM dnc',
].join('; ');

export function postgresStores(): ContractStores & { server(): PostgresServer; database(): string } {
  let server: PostgresServer | null = null;
  let database = '';
  let admin: pg.Client | null = null;
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
    },
    fresh: async () => {
      await admin!.query(EMPTY);
      return openPostgresStore(server!.team({ database }));
    },
    stop: async () => {
      await admin?.end();
      admin = null;
      await server?.stop();
      server = null;
    },
  };
}
