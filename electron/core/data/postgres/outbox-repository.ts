/**
 * The CRM outbox on the team database: the embedded store's semantics (sqlite/outbox-repository.ts),
 * with every agent's app delivering from the same table at once. `seq` orders events as they were
 * written; a repository that makes a change writes its event with `insertOutbox` inside the
 * change's own transaction.
 */
import type { NewOutboxEntry, OutboxEntry, OutboxRepository } from '../../crm/outbox.js';
import { parseDisabled } from '../shared/outbox-rows.js';
import type { Db, Sql } from './connection.js';

const COLUMNS = `id, type, lead_id AS "leadId", created_at AS "createdAt", body, attempts, last_error AS "lastError", state`;

/** Writes events beside a change; call inside that change's transaction. */
export async function insertOutbox(sql: Sql, entries: readonly NewOutboxEntry[] | undefined): Promise<void> {
  if (!entries || entries.length === 0) return;
  // In the entries' order, so `seq` (and so delivery) follows it.
  await sql.run(
    `INSERT INTO crm_outbox (id, type, lead_id, created_at, body, next_at)
     SELECT x.id, x.type, x.lead_id, x.created_at, x.body, x.created_at
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) WITH ORDINALITY AS x(id, type, lead_id, created_at, body, ord)
      ORDER BY x.ord
     ON CONFLICT (id) DO NOTHING`,
    [entries.map((e) => e.id), entries.map((e) => e.type), entries.map((e) => e.leadId), entries.map((e) => e.createdAt), entries.map((e) => e.body)],
  );
}

export function outboxRepository(db: Db): OutboxRepository {
  /**
   * One statement, so two apps never get the same event: the rows it picks are locked as it picks
   * them, and an event another app is claiming at this instant is skipped (SKIP LOCKED) rather
   * than waited for. An event another app claimed earlier is skipped by its lease until the lease
   * runs out (that app died mid-delivery); when a claim commits while this one reads, PostgreSQL
   * checks the row again as it now is, so the fresh lease is seen. An earlier event of the same
   * lead, pending (even if leased elsewhere), holds the later ones back. ARRAY(...) makes the
   * pick run once, before the update, whatever plan the server chooses.
   */
  async function claimDue(now: number, limit: number, worker: string, leaseMs: number): Promise<OutboxEntry[]> {
    const rows = await db.rows<OutboxEntry & { seq: number }>(
      `WITH claimed AS (
         UPDATE crm_outbox SET claimed_by = $3, lease_until = $1::bigint + $4::bigint
          WHERE seq = ANY(ARRAY(
            SELECT o.seq FROM crm_outbox o
             WHERE o.state = 'pending' AND o.next_at <= $1 AND (o.lease_until IS NULL OR o.lease_until <= $1)
               AND NOT EXISTS (SELECT 1 FROM crm_outbox p WHERE p.state = 'pending' AND p.lead_id = o.lead_id AND p.seq < o.seq)
             ORDER BY o.seq LIMIT $2
             FOR UPDATE SKIP LOCKED))
         RETURNING seq, ${COLUMNS})
       SELECT * FROM claimed ORDER BY seq`,
      [now, Math.max(0, Math.trunc(limit)), worker, Math.max(0, Math.trunc(leaseMs))],
    );
    return rows.map(({ seq: _seq, ...entry }) => entry);
  }

  return {
    claimDue: (now, limit, worker, leaseMs) => claimDue(now, limit, worker, leaseMs),
    delivered: async (id, at) => {
      await db.run(`UPDATE crm_outbox SET state = 'delivered', done_at = $2, claimed_by = NULL, lease_until = NULL WHERE id = $1`, [id, at]);
    },
    retryAt: async (id, nextAt, error) => {
      await db.run('UPDATE crm_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3, claimed_by = NULL, lease_until = NULL WHERE id = $1', [
        id,
        nextAt,
        error,
      ]);
    },
    release: async (id, nextAt) => {
      await db.run('UPDATE crm_outbox SET next_at = $2, claimed_by = NULL, lease_until = NULL WHERE id = $1', [id, nextAt]);
    },
    dead: async (id, error) => {
      await db.run(`UPDATE crm_outbox SET state = 'dead', attempts = attempts + 1, last_error = $2, claimed_by = NULL, lease_until = NULL WHERE id = $1`, [
        id,
        error,
      ]);
    },
    revive: async (id, now) =>
      (await db.run(
        `UPDATE crm_outbox SET state = 'pending', attempts = 0, next_at = $2, claimed_by = NULL, lease_until = NULL WHERE id = $1 AND state = 'dead'`,
        [id, now],
      )) === 1,
    list: (which, offset, limit) =>
      db.rows<OutboxEntry>(`SELECT ${COLUMNS} FROM crm_outbox WHERE state = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`, [
        which,
        Math.max(0, Math.trunc(limit)),
        Math.max(0, Math.trunc(offset)),
      ]),
    counts: async () =>
      (await db.one<{ pending: number; dead: number; lastDeliveredAt: number | null }>(
        `SELECT (SELECT COUNT(*) FROM crm_outbox WHERE state = 'pending') AS pending,
                (SELECT COUNT(*) FROM crm_outbox WHERE state = 'dead') AS dead,
                (SELECT MAX(done_at) FROM crm_outbox WHERE state = 'delivered') AS "lastDeliveredAt"`,
      ))!,
    setDisabled: async (s) => {
      if (s === null) await db.run(`DELETE FROM crm_state WHERE key = 'disabled'`);
      else
        await db.run(`INSERT INTO crm_state (key, value) VALUES ('disabled', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [JSON.stringify(s)]);
    },
    disabled: async () => parseDisabled((await db.one<{ value: string }>(`SELECT value FROM crm_state WHERE key = 'disabled'`))?.value),
  };
}
