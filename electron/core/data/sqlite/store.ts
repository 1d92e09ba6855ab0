/**
 * The embedded store: SQLite through better-sqlite3 (synchronous), one connection per process or
 * worker. WAL lets the import worker write on its own connection while the agent's connection
 * reads and records dispositions; synchronous=FULL makes a returned commit survive a crash.
 * Nothing SQLite-specific leaves this folder: callers see only the repository interfaces. Each
 * repository (one file each) works on the connection opened here and shares its statement cache.
 * Every repository method is `async` only so that its answer is a promise like any store's: its
 * body stays one synchronous call or transaction, so nothing interleaves inside it.
 */
import Database, { type Database as Db } from 'better-sqlite3';
import type {
  ActivityRepository,
  AuditRepository,
  CampaignRepository,
  DncRepository,
  LeadRepository,
  ScrubRepository,
  Store,
  StoreLocation,
} from '../repositories.js';
import { activityRepository } from './activity-repository.js';
import { auditRepository } from './audit-repository.js';
import { campaignRepository } from './campaign-repository.js';
import { dncRepository } from './dnc-repository.js';
import { leadRepository } from './lead-repository.js';
import { DatabaseNeedsMigrationError, DatabaseTooNewError, latestVersion, migrate, schemaVersion } from './migrations.js';
import { scrubRepository } from './scrub-repository.js';
import { outboxRepository } from './outbox-repository.js';
import { registryRepository } from './registry-repository.js';
import type { OutboxRepository } from '../../crm/outbox.js';
import type { RegistryRepository } from '../repositories.js';
import { statementCache, type StatementCache } from './statements.js';

export interface SqliteStoreOptions {
  /** Open an existing, up-to-date file for reading only (no migration, writes throw). */
  readonly?: boolean;
}

export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Store {
  const readonly = opts.readonly === true;
  const db = new Database(path, { readonly, fileMustExist: readonly });
  try {
    // An import worker writes on its own connection at the same time: wait for its lock.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const version = schemaVersion(db);
      if (version > latestVersion) throw new DatabaseTooNewError(version, latestVersion);
      if (version < latestVersion) throw new DatabaseNeedsMigrationError(version, latestVersion);
    } else {
      db.pragma('journal_mode = WAL');
      // A disposition must survive a crash once recordDisposition returns.
      db.pragma('synchronous = FULL');
      migrate(db);
    }
    return new SqliteStore(db, { kind: 'sqlite', path });
  } catch (err) {
    db.close();
    throw err;
  }
}

class SqliteStore implements Store {
  private readonly statements: StatementCache;
  readonly campaigns: CampaignRepository;
  readonly leads: LeadRepository;
  readonly activity: ActivityRepository;
  readonly dnc: DncRepository;
  readonly audit: AuditRepository;
  readonly scrub: ScrubRepository;
  readonly outbox: OutboxRepository;
  readonly registries: RegistryRepository;

  constructor(
    private readonly db: Db,
    readonly location: StoreLocation,
  ) {
    this.statements = statementCache(db);
    const { q } = this.statements;
    this.campaigns = campaignRepository(q);
    this.leads = leadRepository(db, q);
    this.activity = activityRepository(db, q);
    this.dnc = dncRepository(db, q);
    this.audit = auditRepository(db, q);
    this.scrub = scrubRepository(db, q);
    this.outbox = outboxRepository(db, q);
    this.registries = registryRepository(q);
  }

  async backup(path: string): Promise<void> {
    // SQLite's online backup: page by page between statements, so calls and dispositions go on.
    await this.db.backup(path);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.statements.clear();
    this.db.close();
  }
}
