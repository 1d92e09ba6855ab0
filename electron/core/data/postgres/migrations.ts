/**
 * Schema migrations of the team database, versioned in code like the embedded store's. The
 * version lives in `ringside_schema` (one row). Every agent's app may start at the same moment, so
 * migrating happens in one transaction under a transaction-scoped advisory lock: the second app
 * waits, then finds the work done. A database already at the code's version is only read, so an
 * agent's role needs no right to create tables. Never edit a released migration: append one.
 *
 * The schema means what the SQLite one means (sqlite/migrations.ts: version 1 is its version 5,
 * version 2 adds its version 6's outbox): the same tables and columns, epoch milliseconds as
 * BIGINT, flags as BOOLEAN, JSON as `json` (kept as written, key order included, where jsonb would
 * reorder keys). Version 2 also adds what only a team needs: leads held with a lease, the agent
 * on calls and dispositions, callbacks' owners.
 */
import { DatabaseNeedsMigrationError, DatabaseTooNewError } from '../sqlite/migrations.js';
import type { Db, Sql } from './connection.js';

export interface PgMigration {
  readonly version: number;
  readonly up: (sql: Sql) => Promise<void>;
}

/** A team database written by a newer Ringside: the same class the embedded store throws, in a team's words. */
export class TeamDatabaseTooNewError extends DatabaseTooNewError {
  constructor(found: number, known: number) {
    super(found, known);
    this.message = `The team database has schema version ${found}, but this Ringside knows only up to ${known}: update Ringside to use it.`;
  }
}

/** Key of the advisory lock that serialises migrations ("ringside" in ASCII, as a bigint). */
const MIGRATION_LOCK = '8244241983475377253';

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    up: async (sql) => {
      await sql.run(`
        CREATE TABLE campaigns (
          id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          name         TEXT    NOT NULL,
          kind         TEXT    NOT NULL,
          dial_mode    TEXT    NOT NULL,
          max_attempts INTEGER NOT NULL,
          -- The whole validated campaign (script, dispositions, windows…) without its id.
          config       JSON    NOT NULL,
          created_at   BIGINT  NOT NULL,
          updated_at   BIGINT  NOT NULL
        );

        CREATE TABLE leads (
          id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          campaign_id      BIGINT  NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          first_name       TEXT    NOT NULL DEFAULT '',
          last_name        TEXT    NOT NULL DEFAULT '',
          company          TEXT    NOT NULL DEFAULT '',
          email            TEXT    NOT NULL DEFAULT '',
          street           TEXT    NOT NULL DEFAULT '',
          city             TEXT    NOT NULL DEFAULT '',
          region           TEXT    NOT NULL DEFAULT '',
          postal_code      TEXT    NOT NULL DEFAULT '',
          country          TEXT    NOT NULL DEFAULT '',
          time_zone        TEXT,
          source           TEXT    NOT NULL DEFAULT '',
          custom_fields    JSON    NOT NULL DEFAULT '{}',
          consent_at       TEXT,
          inquiry_at       TEXT,
          last_purchase_at TEXT,
          score            INTEGER NOT NULL DEFAULT 0,
          priority         INTEGER NOT NULL DEFAULT 0,
          status           TEXT    NOT NULL DEFAULT 'new'
                           CHECK (status IN ('new', 'active', 'callback', 'closed', 'bad-number', 'dnc', 'max-attempts')),
          attempts         INTEGER NOT NULL DEFAULT 0,
          last_attempt_at  BIGINT,
          due_at           BIGINT,
          created_at       BIGINT  NOT NULL,
          updated_at       BIGINT  NOT NULL
        );
        -- Paging a campaign's list in id order.
        CREATE INDEX leads_campaign ON leads (campaign_id, id);
        -- Status filter in id order, status counts.
        CREATE INDEX leads_campaign_status ON leads (campaign_id, status, id);
        -- Due callbacks (queue phase 1) and due counts.
        CREATE INDEX leads_due ON leads (campaign_id, status, due_at);
        -- Queue phase 2: only callable leads, already in dialling order (never attempted first).
        CREATE INDEX leads_queue ON leads (campaign_id, priority DESC, score DESC, last_attempt_at NULLS FIRST, id)
          WHERE status IN ('new', 'active');
        -- Only leads with evidence (a few per cent): the scrub reads them without scanning all.
        CREATE INDEX leads_evidence ON leads (campaign_id, consent_at, inquiry_at, last_purchase_at)
          WHERE consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL;

        CREATE TABLE lead_phones (
          id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          lead_id     BIGINT  NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          -- The lead's campaign, so a list scrub reads a campaign's phones without joining its leads.
          campaign_id BIGINT  NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          position    INTEGER NOT NULL,
          e164        TEXT    NOT NULL,
          raw         TEXT    NOT NULL,
          label       TEXT,
          bad         BOOLEAN NOT NULL DEFAULT false,
          -- A list scrub's verdict: NULL = callable, else why not (the queue skips it).
          blocked     TEXT,
          UNIQUE (lead_id, e164)
        );
        CREATE INDEX lead_phones_e164 ON lead_phones (e164, campaign_id);
        CREATE INDEX lead_phones_campaign ON lead_phones (campaign_id, id);
        -- The queue asks of each lead whether it has a callable number: only those are indexed.
        CREATE INDEX lead_phones_callable ON lead_phones (lead_id) WHERE NOT bad AND blocked IS NULL;

        CREATE TABLE calls (
          call_id     TEXT   PRIMARY KEY,
          lead_id     BIGINT REFERENCES leads(id) ON DELETE SET NULL,
          direction   TEXT   NOT NULL CHECK (direction IN ('outbound', 'inbound')),
          phone       TEXT   NOT NULL,
          started_at  BIGINT NOT NULL,
          answered_at BIGINT,
          ended_at    BIGINT NOT NULL,
          outcome     TEXT   NOT NULL
        );
        CREATE INDEX calls_started ON calls (started_at);
        CREATE INDEX calls_lead ON calls (lead_id);

        CREATE TABLE dispositions (
          id      BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          lead_id BIGINT  NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          call_id TEXT,
          code    TEXT    NOT NULL,
          label   TEXT    NOT NULL,
          effect  TEXT    NOT NULL,
          success BOOLEAN NOT NULL,
          note    TEXT    NOT NULL,
          phone   TEXT,
          at      BIGINT  NOT NULL
        );
        CREATE INDEX dispositions_at ON dispositions (at);
        CREATE INDEX dispositions_lead ON dispositions (lead_id);

        CREATE TABLE callbacks (
          id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          lead_id    BIGINT  NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          due_at     BIGINT  NOT NULL,
          time_zone  TEXT    NOT NULL,
          note       TEXT    NOT NULL,
          done       BOOLEAN NOT NULL DEFAULT false,
          created_at BIGINT  NOT NULL,
          done_at    BIGINT
        );
        CREATE INDEX callbacks_lead ON callbacks (lead_id, done);

        -- One row per thing that happened to a lead, newest read first. A lead's creation is not
        -- stored here (it is leads.created_at), which keeps an import to two rows per lead.
        CREATE TABLE history (
          id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          lead_id      BIGINT  NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          at           BIGINT  NOT NULL,
          kind         TEXT    NOT NULL CHECK (kind IN ('call', 'disposition', 'callback', 'edit', 'import', 'note')),
          direction    TEXT,
          phone        TEXT,
          outcome      TEXT,
          duration_sec INTEGER,
          disposition  TEXT,
          note         TEXT
        );
        CREATE INDEX history_lead ON history (lead_id, at DESC, id DESC);

        -- The internal Do-Not-Call list.
        CREATE TABLE dnc (
          e164     TEXT   PRIMARY KEY,
          source   TEXT   NOT NULL,
          added_at BIGINT NOT NULL
        );

        -- Every decision of the dial gate. Rows are chained by seal (each row's covers the previous
        -- row's, appended under a lock: audit-repository.ts), and triggers refuse UPDATE, DELETE and
        -- TRUNCATE: the log only grows.
        CREATE TABLE compliance_audit (
          id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          at          BIGINT  NOT NULL,
          path        TEXT    NOT NULL,
          target      TEXT    NOT NULL,
          e164        TEXT,
          lead_id     BIGINT,
          campaign_id BIGINT,
          allowed     BOOLEAN NOT NULL,
          summary     TEXT    NOT NULL,
          checks      TEXT    NOT NULL,
          hash        TEXT    NOT NULL,
          seal        TEXT    NOT NULL CHECK (seal IN ('sha256', 'hmac-sha256'))
        );
        CREATE INDEX compliance_audit_at ON compliance_audit (at);
        CREATE FUNCTION compliance_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the compliance audit log is append-only'; END $$;
        CREATE TRIGGER compliance_audit_no_change BEFORE UPDATE OR DELETE ON compliance_audit
          FOR EACH ROW EXECUTE FUNCTION compliance_audit_append_only();
        CREATE TRIGGER compliance_audit_no_truncate BEFORE TRUNCATE ON compliance_audit
          FOR EACH STATEMENT EXECUTE FUNCTION compliance_audit_append_only();
      `);
    },
  },
  {
    // Team mode: the CRM outbox (the embedded store's version 6), leads claimed with a lease, the
    // agent on calls and dispositions, callbacks owned by an agent or by anyone (NULL).
    version: 2,
    up: async (sql) => {
      await sql.run(`
        CREATE TABLE crm_outbox (
          seq         BIGSERIAL PRIMARY KEY,
          id          TEXT    NOT NULL UNIQUE,
          type        TEXT    NOT NULL,
          lead_id     BIGINT,
          created_at  BIGINT  NOT NULL,
          -- The JSON exactly as it is signed and sent: text, not json, so not a byte changes.
          body        TEXT    NOT NULL,
          state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
          attempts    INTEGER NOT NULL DEFAULT 0,
          next_at     BIGINT  NOT NULL,
          last_error  TEXT,
          claimed_by  TEXT,
          lease_until BIGINT,
          done_at     BIGINT
        );
        -- The delivery pass reads only pending events, per lead in order.
        CREATE INDEX crm_outbox_pending ON crm_outbox (lead_id, seq) WHERE state = 'pending';
        CREATE INDEX crm_outbox_state ON crm_outbox (state, seq);
        CREATE TABLE crm_state (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );

        -- Who holds the lead (claimed it to call) and until when; NULL: nobody.
        ALTER TABLE leads ADD COLUMN held_by TEXT, ADD COLUMN lease_until BIGINT;
        -- The leads an agent holds (few at any time: only held rows are indexed).
        CREATE INDEX leads_held ON leads (held_by, lease_until) WHERE held_by IS NOT NULL;

        ALTER TABLE calls ADD COLUMN agent TEXT;
        ALTER TABLE dispositions ADD COLUMN agent TEXT;
        ALTER TABLE callbacks ADD COLUMN owner TEXT;
        -- A lead's open callback and its owner, read for every due callback the queue considers.
        CREATE INDEX callbacks_open ON callbacks (lead_id, id DESC) INCLUDE (owner) WHERE NOT done;
      `);
    },
  },
  {
    // Which registry snapshots the team's desktops imported (each keeps its own index).
    version: 3,
    up: async (sql) => {
      await sql.run(`
        CREATE TABLE registry_snapshots (
          id           BIGSERIAL PRIMARY KEY,
          registry     TEXT    NOT NULL CHECK (registry IN ('US', 'CA', 'GB')),
          snapshot_at  BIGINT  NOT NULL,
          count        BIGINT  NOT NULL,
          imported_by  TEXT    NOT NULL,
          imported_at  BIGINT  NOT NULL
        );
        CREATE INDEX registry_snapshots_newest ON registry_snapshots (registry, snapshot_at DESC);
      `);
    },
  },
];

export const pgLatestVersion = pgMigrations.reduce((v, m) => Math.max(v, m.version), 0);

/** The database's schema version; 0 when Ringside has never set it up. */
export async function pgSchemaVersion(sql: Sql): Promise<number> {
  const row = await sql.one<{ present: boolean }>(`SELECT to_regclass('ringside_schema') IS NOT NULL AS present`);
  if (!row?.present) return 0;
  return (await sql.one<{ version: number }>('SELECT version FROM ringside_schema'))?.version ?? 0;
}

/**
 * Brings the database up to the newest version in `list`; a no-op (reads only) when it is there
 * already. Throws {@link TeamDatabaseTooNewError} for a database of a newer Ringside.
 */
export async function migratePostgres(db: Db, list: readonly PgMigration[] = pgMigrations): Promise<number> {
  const known = list.reduce((v, m) => Math.max(v, m.version), 0);
  const current = await pgSchemaVersion(db);
  if (current > known) throw new TeamDatabaseTooNewError(current, known);
  if (current === known) return current;
  return db.tx(async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    // Read again under the lock: another app may have migrated while this one waited.
    await sql.run(`CREATE TABLE IF NOT EXISTS ringside_schema (
      only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
      version  INTEGER NOT NULL
    )`);
    await sql.run('INSERT INTO ringside_schema (version) VALUES (0) ON CONFLICT (only_row) DO NOTHING');
    const version = (await sql.one<{ version: number }>('SELECT version FROM ringside_schema FOR UPDATE'))!.version;
    if (version > known) throw new TeamDatabaseTooNewError(version, known);
    const pending = [...list].filter((m) => m.version > version).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await m.up(sql);
      await sql.run('UPDATE ringside_schema SET version = $1', [m.version]);
    }
    return Math.max(version, ...pending.map((m) => m.version));
  });
}

/** An app that must not migrate (a read-only one) checks that the database is at its version. */
export async function checkPostgresVersion(db: Db): Promise<void> {
  const version = await pgSchemaVersion(db);
  if (version > pgLatestVersion) throw new TeamDatabaseTooNewError(version, pgLatestVersion);
  if (version < pgLatestVersion) throw new DatabaseNeedsMigrationError(version, pgLatestVersion);
}
