/**
 * Schema migrations of the embedded SQLite store, versioned in code. Each migration runs in its
 * own transaction together with the `PRAGMA user_version` bump, so a crash leaves the database at
 * a whole version. Never edit a released migration: append a new one.
 */
import { OUTBOX_SCHEMA } from './outbox-repository.js';
import type { Database } from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly up: (db: Database) => void;
}

/** The database was written by a newer Ringside; opening it could corrupt data we do not know. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`The data file has schema version ${found}, but this Ringside knows only up to ${known}: update Ringside to open it.`);
    this.name = 'DatabaseTooNewError';
  }
}

/** A read-only connection cannot bring an older file up to date. */
export class DatabaseNeedsMigrationError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`The data file has schema version ${found} and needs migrating to ${known}; open it writable first.`);
    this.name = 'DatabaseNeedsMigrationError';
  }
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        CREATE TABLE campaigns (
          id           INTEGER PRIMARY KEY,
          name         TEXT    NOT NULL,
          kind         TEXT    NOT NULL,
          dial_mode    TEXT    NOT NULL,
          max_attempts INTEGER NOT NULL,
          -- The whole validated campaign (script, dispositions, windows…) without its id.
          config       TEXT    NOT NULL CHECK (json_valid(config)),
          created_at   INTEGER NOT NULL,
          updated_at   INTEGER NOT NULL
        );

        CREATE TABLE leads (
          id               INTEGER PRIMARY KEY,
          campaign_id      INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
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
          custom_fields    TEXT    NOT NULL DEFAULT '{}',
          consent_at       TEXT,
          inquiry_at       TEXT,
          last_purchase_at TEXT,
          score            INTEGER NOT NULL DEFAULT 0,
          priority         INTEGER NOT NULL DEFAULT 0,
          status           TEXT    NOT NULL DEFAULT 'new'
                           CHECK (status IN ('new', 'active', 'callback', 'closed', 'bad-number', 'dnc', 'max-attempts')),
          attempts         INTEGER NOT NULL DEFAULT 0,
          last_attempt_at  INTEGER,
          due_at           INTEGER,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL
        );
        -- Paging a campaign's list in id order (rowid is the implicit last column).
        CREATE INDEX leads_campaign ON leads (campaign_id);
        -- Status filter in id order, status counts.
        CREATE INDEX leads_campaign_status ON leads (campaign_id, status);
        -- Due callbacks (queue phase 1) and due counts.
        CREATE INDEX leads_due ON leads (campaign_id, status, due_at);
        -- Queue phase 2: only callable leads, already in dialling order; next() walks it and stops
        -- at the first lead that is due and has a dialable number. NULL last_attempt_at sorts first.
        CREATE INDEX leads_queue ON leads (campaign_id, priority DESC, score DESC, last_attempt_at, id)
          WHERE status IN ('new', 'active');

        CREATE TABLE lead_phones (
          id       INTEGER PRIMARY KEY,
          lead_id  INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          e164     TEXT    NOT NULL,
          raw      TEXT    NOT NULL,
          label    TEXT,
          bad      INTEGER NOT NULL DEFAULT 0,
          UNIQUE (lead_id, e164)
        );
        CREATE INDEX lead_phones_e164 ON lead_phones (e164);

        CREATE TABLE calls (
          call_id     TEXT    PRIMARY KEY,
          lead_id     INTEGER REFERENCES leads(id) ON DELETE SET NULL,
          direction   TEXT    NOT NULL CHECK (direction IN ('outbound', 'inbound')),
          phone       TEXT    NOT NULL,
          started_at  INTEGER NOT NULL,
          answered_at INTEGER,
          ended_at    INTEGER NOT NULL,
          outcome     TEXT    NOT NULL
        );
        CREATE INDEX calls_started ON calls (started_at);
        CREATE INDEX calls_lead ON calls (lead_id);

        CREATE TABLE dispositions (
          id      INTEGER PRIMARY KEY,
          lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          call_id TEXT,
          code    TEXT    NOT NULL,
          label   TEXT    NOT NULL,
          effect  TEXT    NOT NULL,
          success INTEGER NOT NULL,
          note    TEXT    NOT NULL,
          phone   TEXT,
          at      INTEGER NOT NULL
        );
        CREATE INDEX dispositions_at ON dispositions (at);
        CREATE INDEX dispositions_lead ON dispositions (lead_id);

        CREATE TABLE callbacks (
          id         INTEGER PRIMARY KEY,
          lead_id    INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          due_at     INTEGER NOT NULL,
          time_zone  TEXT    NOT NULL,
          note       TEXT    NOT NULL,
          done       INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          done_at    INTEGER
        );
        CREATE INDEX callbacks_lead ON callbacks (lead_id, done);

        -- One row per thing that happened to a lead, newest read first. A lead's creation is not
        -- stored here (it is leads.created_at), which keeps an import to two rows per lead.
        CREATE TABLE history (
          id           INTEGER PRIMARY KEY,
          lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
          at           INTEGER NOT NULL,
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
          e164     TEXT    PRIMARY KEY,
          source   TEXT    NOT NULL,
          added_at INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    // Compliance: the append-only audit log of gate decisions, and scrub marks.
    version: 2,
    up: (db) => {
      db.exec(`
        -- Every decision of the dial gate. Rows are chained by hash (each row's hash covers the
        -- previous row's), and triggers refuse UPDATE and DELETE: the log only grows.
        CREATE TABLE compliance_audit (
          id          INTEGER PRIMARY KEY,
          at          INTEGER NOT NULL,
          path        TEXT    NOT NULL,
          target      TEXT    NOT NULL,
          e164        TEXT,
          lead_id     INTEGER,
          campaign_id INTEGER,
          allowed     INTEGER NOT NULL CHECK (allowed IN (0, 1)),
          summary     TEXT    NOT NULL,
          checks      TEXT    NOT NULL,
          hash        TEXT    NOT NULL
        );
        CREATE INDEX compliance_audit_at ON compliance_audit (at);
        CREATE TRIGGER compliance_audit_no_update BEFORE UPDATE ON compliance_audit
          BEGIN SELECT RAISE(ABORT, 'the compliance audit log is append-only'); END;
        CREATE TRIGGER compliance_audit_no_delete BEFORE DELETE ON compliance_audit
          BEGIN SELECT RAISE(ABORT, 'the compliance audit log is append-only'); END;

        -- A list scrub's verdict per phone: NULL = callable, else why not (the queue skips it).
        ALTER TABLE lead_phones ADD COLUMN blocked TEXT;
      `);
    },
  },
  {
    // A list scrub reads a campaign's phones without joining every one to its lead.
    version: 3,
    up: (db) => {
      db.exec(`
        ALTER TABLE lead_phones ADD COLUMN campaign_id INTEGER;
        UPDATE lead_phones SET campaign_id = (SELECT l.campaign_id FROM leads l WHERE l.id = lead_phones.lead_id);
        -- Only leads with evidence (a few per cent): the scrub reads them without scanning all.
        CREATE INDEX leads_evidence ON leads (campaign_id)
          WHERE consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    up: (db) => {
      db.exec(`
        -- The scrub reads one campaign's phones: without this it scanned every campaign's.
        CREATE INDEX lead_phones_campaign ON lead_phones (campaign_id);
        -- Evidence dates in the index itself: the scrub reads them without visiting the leads' rows.
        DROP INDEX leads_evidence;
        CREATE INDEX leads_evidence ON leads (campaign_id, consent_at, inquiry_at, last_purchase_at)
          WHERE consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL;
      `);
    },
  },
  {
    // Audit records are sealed with a key from now on; the ones before keep their plain SHA-256.
    version: 5,
    up: (db) => {
      db.exec(`ALTER TABLE compliance_audit ADD COLUMN seal TEXT NOT NULL DEFAULT 'sha256' CHECK (seal IN ('sha256', 'hmac-sha256'));`);
    },
  },
  {
    // CRM sync: each change's event is written beside it (outbox-repository.ts).
    version: 6,
    up: (db) => {
      db.exec(OUTBOX_SCHEMA);
    },
  },
  {
    // Team mode: a lead claimed by an agent for a lease, the agent on calls and dispositions,
    // a callback owned by one agent (NULL: anyone on the campaign may take it).
    version: 7,
    up: (db) => {
      db.exec(`
        ALTER TABLE leads ADD COLUMN held_by TEXT;
        ALTER TABLE leads ADD COLUMN lease_until INTEGER;
        ALTER TABLE calls ADD COLUMN agent TEXT;
        ALTER TABLE dispositions ADD COLUMN agent TEXT;
        ALTER TABLE callbacks ADD COLUMN owner TEXT;
        -- The queue walk decides "due?" and "held by someone else?" from the index itself, and
        -- visits a lead's row only for one it may offer (a day of retries and a team's claims
        -- are many entries to step over at the head of the queue).
        DROP INDEX leads_queue;
        CREATE INDEX leads_queue ON leads (campaign_id, priority DESC, score DESC, last_attempt_at, id, due_at, held_by, lease_until)
          WHERE status IN ('new', 'active');
      `);
    },
  },
  {
    // Which registry snapshots were imported (on a team database, by any desktop).
    version: 8,
    up: (db) => {
      db.exec(`
        CREATE TABLE registry_snapshots (
          id           INTEGER PRIMARY KEY,
          registry     TEXT    NOT NULL CHECK (registry IN ('US', 'CA', 'GB')),
          snapshot_at  INTEGER NOT NULL,
          count        INTEGER NOT NULL,
          imported_by  TEXT    NOT NULL,
          imported_at  INTEGER NOT NULL
        );
        CREATE INDEX registry_snapshots_newest ON registry_snapshots (registry, snapshot_at);
      `);
    },
  },
];

export const latestVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to {@link latestVersion}; a no-op when it is there already. Throws
 * {@link DatabaseTooNewError} for a file from a newer Ringside.
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): number {
  const known = list.reduce((v, m) => Math.max(v, m.version), 0);
  const current = schemaVersion(db);
  if (current > known) throw new DatabaseTooNewError(current, known);
  const pending = [...list].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    db.transaction(() => {
      // Another connection (an import worker) may have migrated while we waited for the lock.
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      // user_version lives in the file header and is written by this same transaction.
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }).immediate();
  }
  return schemaVersion(db);
}
