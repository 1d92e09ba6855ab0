/**
 * The team store: a PostgreSQL database the agents of a team share, through a small pool of
 * connections per app (or worker thread). Opening it connects, checks the schema version and
 * migrates when the database is older than this code (migrations.ts). Nothing PostgreSQL-specific
 * leaves this folder: callers see only the repository interfaces, with the embedded store's
 * semantics (the contract suite runs on both).
 */
import { teamDatabaseSchema, type TeamDatabase } from '../../../../shared/team.js';
import type { OutboxRepository } from '../../crm/outbox.js';
import type { RegistryRepository } from '../repositories.js';
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
import { connect, type ConnectOptions, type Db } from './connection.js';
import { dncRepository } from './dnc-repository.js';
import { leadRepository } from './lead-repository.js';
import { checkPostgresVersion, migratePostgres } from './migrations.js';
import { outboxRepository } from './outbox-repository.js';
import { registryRepository } from './registry-repository.js';
import { scrubRepository } from './scrub-repository.js';

export interface PostgresStoreOptions extends ConnectOptions {
  /**
   * Use a database that is at this code's version as it is, and write nothing (no migration; the
   * server refuses writes). Throws DatabaseNeedsMigrationError for an older one.
   */
  readonly?: boolean;
}

export async function openPostgresStore(database: TeamDatabase, opts: PostgresStoreOptions = {}): Promise<Store> {
  const settings = teamDatabaseSchema.parse(database);
  const db = connect(settings, opts);
  try {
    if (opts.readonly) await checkPostgresVersion(db);
    else await migratePostgres(db);
  } catch (error) {
    await db.end();
    throw error;
  }
  return new PostgresStore(db, { kind: 'postgres', database: settings });
}

class PostgresStore implements Store {
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
    this.campaigns = campaignRepository(db);
    this.leads = leadRepository(db);
    this.activity = activityRepository(db);
    this.dnc = dncRepository(db);
    this.audit = auditRepository(db);
    this.scrub = scrubRepository(db);
    this.outbox = outboxRepository(db);
    this.registries = registryRepository(db);
  }

  close(): Promise<void> {
    return this.db.end();
  }
}
