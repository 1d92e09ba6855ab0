/**
 * A list scrub's reads and writes: a campaign's phones in bulk, split into shares for workers, and
 * the verdicts. The phones come as plain rows through a cursor (one snapshot, a batch at a time)
 * and are written into the columns as they arrive; the internal DNC list is probed by the server
 * (its primary key) rather than loaded.
 */
import type { ScrubPhones, ScrubRepository } from '../repositories.js';
import { evidenceIndex, nanpOf, scrubColumns, shareOffsets, shareRanges } from '../shared/scrub-rows.js';
import type { Db } from './connection.js';

/** Rows fetched at a time (arrays of five values: a few megabytes). */
const FETCH = 50_000;
/** Verdicts per UPDATE statement. */
const MARK_CHUNK = 10_000;

export function scrubRepository(db: Db): ScrubRepository {
  function scrubPhones(campaignId: number, ids?: { from: number; to: number }): Promise<ScrubPhones> {
    const range = [campaignId, ids?.from ?? 0, ids?.to ?? Number.MAX_SAFE_INTEGER];
    return db.tx(async (sql) => {
      const n = (await sql.one<{ n: number }>('SELECT COUNT(*) AS n FROM lead_phones WHERE campaign_id = $1 AND id >= $2 AND id < $3', range))!.n;
      // Evidence in the order SQLite's partial index gives it (dates, then id; no date first).
      const ev = await sql.arrays(
        `SELECT id, consent_at, inquiry_at, last_purchase_at FROM leads
          WHERE campaign_id = $1 AND (consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL)
          ORDER BY consent_at COLLATE "C" NULLS FIRST, inquiry_at COLLATE "C" NULLS FIRST, last_purchase_at COLLATE "C" NULLS FIRST, id`,
        [campaignId],
      );
      const { evidence, evidenceOfLead } = evidenceIndex(ev as Array<[number, string | null, string | null, string | null]>);
      const out = scrubColumns(n, evidence);
      const codes = new Map<string, number>();
      await sql.run(
        `DECLARE scrub_phones NO SCROLL CURSOR FOR
           SELECT p.id, p.lead_id, EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164), p.blocked, p.e164
             FROM lead_phones p WHERE p.campaign_id = $1 AND p.id >= $2 AND p.id < $3 ORDER BY p.id`,
        range,
      );
      let k = 0;
      for (;;) {
        const rows = await sql.arrays(`FETCH ${FETCH} FROM scrub_phones`);
        // The count and the rows are of one snapshot; the bound only guards the arrays.
        for (const [id, leadId, dnc, blocked, e164] of rows as Array<[number, number, boolean, string | null, string]>) {
          if (k >= n) break;
          out.phoneId[k] = id;
          out.leadId[k] = leadId;
          out.internalDnc[k] = dnc ? 1 : 0;
          out.nanp[k] = nanpOf(e164);
          out.gb[k] = gbOf(e164);
          if (blocked !== null && blocked !== '') {
            let code = codes.get(blocked);
            if (code === undefined) codes.set(blocked, (code = out.blockedNames.push(blocked)));
            out.blocked[k] = code;
          }
          const e = evidenceOfLead.get(leadId);
          if (e !== undefined) out.evidenceOf[k] = e;
          k++;
        }
        if (rows.length < FETCH) break;
      }
      return out;
    }, 'snapshot');
  }

  async function split(campaignId: number, parts: number): Promise<Array<{ from: number; to: number }>> {
    // A count and one OFFSET probe per boundary on the (campaign_id, id) index.
    const n = (await db.one<{ n: number }>('SELECT COUNT(*) AS n FROM lead_phones WHERE campaign_id = $1', [campaignId]))!.n;
    if (n === 0) return [];
    const at = async (offset: number) =>
      (await db.one<{ id: number }>('SELECT id FROM lead_phones WHERE campaign_id = $1 ORDER BY id LIMIT 1 OFFSET $2', [campaignId, offset]))!.id;
    const firstIds: number[] = [];
    for (const offset of shareOffsets(n, parts)) firstIds.push(await at(offset));
    return shareRanges(firstIds);
  }

  function mark(verdicts: Array<{ phoneId: number; blocked: string | null }>): Promise<void> {
    // The last verdict for a phone wins, as when they are written one after another.
    const last = new Map<number, string | null>();
    for (const v of verdicts) last.set(v.phoneId, v.blocked);
    const ids = [...last.keys()];
    return db.tx(async (sql) => {
      for (let i = 0; i < ids.length; i += MARK_CHUNK) {
        const chunk = ids.slice(i, i + MARK_CHUNK);
        await sql.run(
          `UPDATE lead_phones p SET blocked = v.blocked
             FROM unnest($1::bigint[], $2::text[]) AS v(id, blocked)
            WHERE p.id = v.id AND p.blocked IS DISTINCT FROM v.blocked`,
          [chunk, chunk.map((id) => last.get(id) ?? null)],
        );
      }
    });
  }

  return {
    phones: (campaignId, ids) => scrubPhones(campaignId, ids),
    split: (campaignId, parts) => split(campaignId, parts),
    mark: (verdicts) => mark(verdicts),
  };
}

/** The national significant number of "+44" followed by one to ten digits, the first not 0; else 0. */
function gbOf(e164: string): number {
  return /^\+44[1-9]\d{0,9}$/.test(e164) ? Number(e164.slice(3)) : 0;
}
