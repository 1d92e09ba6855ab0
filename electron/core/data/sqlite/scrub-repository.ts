/** A list scrub's reads and writes: a campaign's phones in bulk, split into shares for workers, and the verdicts. */
import type { Database as Db } from 'better-sqlite3';
import type { ScrubPhones, ScrubRepository } from '../repositories.js';
import { evidenceIndex, nanpOf, scrubColumns, shareOffsets, shareRanges } from '../shared/scrub-rows.js';
import type { Prepare } from './statements.js';

export function scrubRepository(db: Db, q: Prepare): ScrubRepository {
  function scrubPhones(campaignId: number, ids?: { from: number; to: number }): ScrubPhones {
    // A million rows one by one through better-sqlite3 cost ~2 µs each; SQLite concatenates them
    // into one string far faster (one pass over lead_phones), and we cut it up here. A small
    // internal DNC list is checked in JS, a large one by an index probe inside SQLite. Evidence
    // comes only for the leads that have some (a partial index).
    const t0 = performance.now();
    const smallDnc = (q('SELECT COUNT(*) FROM dnc').pluck().get() as number) <= 200_000;
    // The small list in JS: +1 numbers as integers (a number-keyed Set is several times faster to
    // probe than strings cut from a large one), anything else as text.
    const dncNanp = new Set<number>();
    const dncOther = new Set<string>();
    if (smallDnc) {
      for (const e164 of q('SELECT e164 FROM dnc').pluck().iterate() as IterableIterator<string>) {
        const n = nanpOf(e164);
        if (n) dncNanp.add(n);
        else dncOther.add(e164);
      }
    }
    const dncColumn = smallDnc ? '0' : '(EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))';
    const packed = (q(
      `SELECT group_concat(p.id || ',' || p.lead_id || ',' || ${dncColumn} || ',' || coalesce(p.blocked, '') || ',' || p.e164, ';')
         FROM lead_phones p WHERE p.campaign_id = ? AND p.id >= ? AND p.id < ?`,
    )
      .pluck()
      .get(campaignId, ids?.from ?? 0, ids?.to ?? Number.MAX_SAFE_INTEGER) ?? '') as string;
    const t1 = performance.now();
    const { evidence, evidenceOfLead } = evidenceIndex(
      q(
        `SELECT id, consent_at, inquiry_at, last_purchase_at FROM leads INDEXED BY leads_evidence
        WHERE campaign_id = ? AND (consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL)`,
      )
        .raw(true)
        .iterate(campaignId) as IterableIterator<[number, string | null, string | null, string | null]>,
    );
    const t2 = performance.now();

    let n = packed.length ? 1 : 0;
    for (let at = packed.indexOf(';'); at !== -1; at = packed.indexOf(';', at + 1)) n++;
    const out = scrubColumns(n, evidence);
    // Fields: id,lead_id,dnc,blocked,e164 — integers read digit by digit, a +1 number's ten digits
    // (a +44 number's up to ten) too, a verdict matched against the few known ones in place: no
    // string is cut out per row (only a non-NANP number, for the internal list).
    let pos = 0;
    const len = packed.length;
    for (let k = 0; k < n; k++) {
      let id = 0;
      let c = packed.charCodeAt(pos);
      while (c !== 44) {
        id = id * 10 + (c - 48);
        c = packed.charCodeAt(++pos);
      }
      let leadId = 0;
      c = packed.charCodeAt(++pos);
      while (c !== 44) {
        leadId = leadId * 10 + (c - 48);
        c = packed.charCodeAt(++pos);
      }
      const dnc = packed.charCodeAt(++pos) === 49; // '1'
      pos += 2;
      const blockedStart = pos;
      while (packed.charCodeAt(pos) !== 44) pos++;
      if (pos > blockedStart) {
        const names = out.blockedNames;
        let code = 0;
        for (let b = 0; b < names.length; b++) {
          if (names[b].length === pos - blockedStart && packed.startsWith(names[b], blockedStart)) {
            code = b + 1;
            break;
          }
        }
        out.blocked[k] = code || names.push(packed.slice(blockedStart, pos));
      }
      const e164Start = ++pos;
      // "+1" then exactly ten digits, or "+44" then up to ten, up to the ';' or the end
      let num = 0;
      let digits = 0;
      const nanp = packed.charCodeAt(pos) === 43 && packed.charCodeAt(pos + 1) === 49;
      const uk = !nanp && packed.charCodeAt(pos) === 43 && packed.charCodeAt(pos + 1) === 52 && packed.charCodeAt(pos + 2) === 52;
      let reading = nanp || uk;
      if (nanp) pos += 2;
      else if (uk) pos += 3;
      while (pos < len) {
        c = packed.charCodeAt(pos);
        if (c === 59) break;
        if (reading) {
          const d = c - 48;
          if (d >= 0 && d <= 9 && digits < 10) {
            num = num * 10 + d;
            digits++;
          } else reading = false;
        }
        pos++;
      }
      let onDnc = dnc;
      if (nanp && reading && digits === 10) {
        out.nanp[k] = num;
        if (!onDnc && smallDnc) onDnc = dncNanp.has(num);
      } else {
        // A +44 number with a leading 0 after the code is no NSN (E.164 never has one).
        if (uk && reading && digits > 0 && packed.charCodeAt(pos - digits) !== 48) out.gb[k] = num;
        if (!onDnc && smallDnc) onDnc = dncOther.has(packed.slice(e164Start, pos));
      }
      pos++;
      out.phoneId[k] = id;
      out.leadId[k] = leadId;
      out.internalDnc[k] = onDnc ? 1 : 0;
      const e = evidenceOfLead.get(leadId);
      if (e !== undefined) out.evidenceOf[k] = e;
    }
    if (process.env.RINGSIDE_SCRUB_TRACE === '1')
      console.log(`scrub read: phones ${(t1 - t0).toFixed(0)} ms, evidence ${(t2 - t1).toFixed(0)} ms, parse ${(performance.now() - t2).toFixed(0)} ms`);
    return out;
  }

  return {
    phones: async (campaignId, ids) => scrubPhones(campaignId, ids),
    split: async (campaignId, parts) => {
      // Index-only (campaign_id, then rowid): a count and one OFFSET probe per boundary.
      const n = q('SELECT COUNT(*) FROM lead_phones WHERE campaign_id = ?').pluck().get(campaignId) as number;
      if (n === 0) return [];
      const at = q('SELECT id FROM lead_phones WHERE campaign_id = ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
      return shareRanges(shareOffsets(n, parts).map((offset) => at.get(campaignId, offset) as number));
    },
    mark: async (verdicts) =>
      db.transaction(() => {
        const set = q('UPDATE lead_phones SET blocked = ? WHERE id = ? AND blocked IS NOT ?');
        for (const v of verdicts) set.run(v.blocked, v.phoneId, v.blocked);
      })(),
  };
}
