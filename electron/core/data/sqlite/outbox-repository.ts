/**
 * The CRM outbox on the embedded store. `seq` orders events as they were written; a repository
 * that makes a change writes its event with `insertOutbox` inside the change's own transaction.
 */
import type { Database as Db } from 'better-sqlite3';
import type { NewOutboxEntry, OutboxEntry, OutboxRepository } from '../../crm/outbox.js';
import { parseDisabled } from '../shared/outbox-rows.js';
import type { Prepare } from './statements.js';

/** The schema, as the migration that adds it runs it. */
export const OUTBOX_SCHEMA = `
  CREATE TABLE crm_outbox (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    type         TEXT    NOT NULL,
    lead_id      INTEGER,
    created_at   INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    last_error   TEXT,
    claimed_by   TEXT,
    lease_until  INTEGER,
    done_at      INTEGER
  );
  -- The delivery pass reads only pending events, per lead in order.
  CREATE INDEX crm_outbox_pending ON crm_outbox (lead_id, seq) WHERE state = 'pending';
  CREATE INDEX crm_outbox_state ON crm_outbox (state, seq);
  CREATE TABLE crm_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
`;

const SELECT = `SELECT id, type, lead_id AS leadId, created_at AS createdAt, body, attempts, last_error AS lastError, state FROM crm_outbox`;

/** Writes events beside a change; call inside that change's transaction. */
export function insertOutbox(q: Prepare, entries: readonly NewOutboxEntry[] | undefined): void {
  if (!entries) return;
  const insert = q('INSERT INTO crm_outbox (id, type, lead_id, created_at, body, next_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
  for (const e of entries) insert.run(e.id, e.type, e.leadId, e.createdAt, e.body, e.createdAt);
}

export function outboxRepository(db: Db, q: Prepare): OutboxRepository {
  const claim = db.transaction((now: number, limit: number, worker: string, leaseMs: number) => {
    const rows = q(
      `${SELECT} o WHERE o.state = 'pending' AND o.next_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
         AND NOT EXISTS (SELECT 1 FROM crm_outbox p WHERE p.state = 'pending' AND p.lead_id = o.lead_id AND p.seq < o.seq)
       ORDER BY o.seq LIMIT ?`,
    ).all(now, now, limit) as OutboxEntry[];
    const lease = q('UPDATE crm_outbox SET claimed_by = ?, lease_until = ? WHERE id = ?');
    for (const r of rows) lease.run(worker, now + leaseMs, r.id);
    return rows;
  });
  const state = (key: string) => (q('SELECT value FROM crm_state WHERE key = ?').get(key) as { value: string } | undefined)?.value;

  return {
    claimDue: async (now, limit, worker, leaseMs) => claim.immediate(now, limit, worker, leaseMs),
    delivered: async (id, at) => {
      q(`UPDATE crm_outbox SET state = 'delivered', done_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`).run(at, id);
    },
    retryAt: async (id, nextAt, error) => {
      q('UPDATE crm_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?').run(
        nextAt,
        error,
        id,
      );
    },
    release: async (id, nextAt) => {
      q('UPDATE crm_outbox SET next_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?').run(nextAt, id);
    },
    dead: async (id, error) => {
      q(`UPDATE crm_outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`).run(error, id);
    },
    revive: async (id, now) =>
      q(`UPDATE crm_outbox SET state = 'pending', attempts = 0, next_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ? AND state = 'dead'`).run(
        now,
        id,
      ).changes === 1,
    list: async (which, offset, limit) => q(`${SELECT} WHERE state = ? ORDER BY seq DESC LIMIT ? OFFSET ?`).all(which, limit, offset) as OutboxEntry[],
    counts: async () => {
      const row = q(
        `SELECT COALESCE(SUM(state = 'pending'), 0) AS pending, COALESCE(SUM(state = 'dead'), 0) AS dead,
                (SELECT MAX(done_at) FROM crm_outbox WHERE state = 'delivered') AS lastDeliveredAt
           FROM crm_outbox WHERE state IN ('pending', 'dead')`,
      ).get() as { pending: number; dead: number; lastDeliveredAt: number | null };
      return row;
    },
    setDisabled: async (s) => {
      if (s === null) q(`DELETE FROM crm_state WHERE key = 'disabled'`).run();
      else q(`INSERT INTO crm_state (key, value) VALUES ('disabled', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(JSON.stringify(s));
    },
    disabled: async () => parseDisabled(state('disabled')),
  };
}
