/** The compliance audit log: append-only, each record sealed onto the previous one inside the write. */
import type { Database as Db } from 'better-sqlite3';
import type { AuditRecord, AuditRepository, StoredAuditRecord } from '../repositories.js';
import type { Prepare } from './statements.js';

const AUDIT_SELECT = `SELECT id, at, path, target, e164, lead_id AS leadId, campaign_id AS campaignId, allowed, summary, checks, hash, seal FROM compliance_audit`;
type AuditRow = Omit<StoredAuditRecord, 'allowed'> & { allowed: number };
function auditFromRow(row: AuditRow): StoredAuditRecord {
  return { ...row, allowed: row.allowed === 1 };
}

export function auditRepository(db: Db, q: Prepare): AuditRepository {
  function appendAudit(r: AuditRecord, sealWith: (prev: string) => { kind: 'sha256' | 'hmac-sha256'; seal: string }): StoredAuditRecord {
    return db
      .transaction(() => {
        // The chain's head is read inside the write transaction: another connection may append too.
        const prev = (q('SELECT hash FROM compliance_audit ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined)?.hash ?? '';
        const { kind, seal } = sealWith(prev);
        const info = q(
          `INSERT INTO compliance_audit (at, path, target, e164, lead_id, campaign_id, allowed, summary, checks, hash, seal)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(r.at, r.path, r.target, r.e164, r.leadId, r.campaignId, r.allowed ? 1 : 0, r.summary, r.checks, seal, kind);
        return { ...r, id: Number(info.lastInsertRowid), hash: seal, seal: kind };
      })
      .immediate();
  }

  return {
    append: async (r, seal) => appendAudit(r, seal),
    count: async () => (q('SELECT COUNT(*) AS n FROM compliance_audit').get() as { n: number }).n,
    list: async (offset, limit) => (q(`${AUDIT_SELECT} ORDER BY id DESC LIMIT ? OFFSET ?`).all(limit, offset) as AuditRow[]).map(auditFromRow),
    each: async (range, visit) => {
      const rows = q(`${AUDIT_SELECT} WHERE at >= ? AND at <= ? ORDER BY id`).iterate(
        range.from ?? 0,
        range.to ?? Number.MAX_SAFE_INTEGER,
      ) as IterableIterator<AuditRow>;
      for (const row of rows) visit(auditFromRow(row));
    },
  };
}
