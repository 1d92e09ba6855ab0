/**
 * The compliance audit log: append-only, each record sealed onto the previous one inside the
 * write. Every agent's app appends to the same chain, so the head is read and the record inserted
 * under one transaction-scoped advisory lock: two writers cannot both chain onto the same record.
 */
import type { AuditRepository, StoredAuditRecord } from '../repositories.js';
import type { Db } from './connection.js';

/** Key of the advisory lock that serialises appends ("rs-audit" in ASCII, as a bigint). */
const AUDIT_LOCK = '8246985239250102644';
/** Rows fetched at a time by an export. */
const EXPORT_BATCH = 1000;

const AUDIT_SELECT = `SELECT id, at, path, target, e164, lead_id AS "leadId", campaign_id AS "campaignId", allowed, summary, checks, hash, seal FROM compliance_audit`;

export function auditRepository(db: Db): AuditRepository {
  return {
    append: (r, sealWith) =>
      db.tx(async (sql): Promise<StoredAuditRecord> => {
        await sql.run('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK]);
        // A statement of its own after the lock: at READ COMMITTED it sees every append committed
        // before the lock was granted (one statement with the lock would read an older snapshot).
        const prev = (await sql.one<{ hash: string }>('SELECT hash FROM compliance_audit ORDER BY id DESC LIMIT 1'))?.hash ?? '';
        const { kind, seal } = sealWith(prev);
        const row = await sql.one<{ id: number }>(
          `INSERT INTO compliance_audit (at, path, target, e164, lead_id, campaign_id, allowed, summary, checks, hash, seal)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [r.at, r.path, r.target, r.e164, r.leadId, r.campaignId, r.allowed, r.summary, r.checks, seal, kind],
        );
        return { ...r, id: row!.id, hash: seal, seal: kind };
      }),
    count: async () => (await db.one<{ n: number }>('SELECT COUNT(*) AS n FROM compliance_audit'))!.n,
    list: (offset, limit) => db.rows<StoredAuditRecord>(`${AUDIT_SELECT} ORDER BY id DESC LIMIT $1 OFFSET $2`, [limit, offset]),
    each: (range, visit) =>
      // One snapshot, read in batches through a cursor: an export of millions of rows neither
      // holds them all in memory nor sees rows appended while it runs.
      db.tx(async (sql) => {
        await sql.run(`DECLARE audit_export NO SCROLL CURSOR FOR ${AUDIT_SELECT} WHERE at >= $1 AND at <= $2 ORDER BY id`, [
          range.from ?? 0,
          range.to ?? Number.MAX_SAFE_INTEGER,
        ]);
        for (;;) {
          const rows = await sql.rows<StoredAuditRecord>(`FETCH ${EXPORT_BATCH} FROM audit_export`);
          for (const row of rows) visit(row);
          if (rows.length < EXPORT_BATCH) break;
        }
      }, 'snapshot'),
  };
}
