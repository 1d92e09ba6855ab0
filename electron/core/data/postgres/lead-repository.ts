/**
 * Leads, their numbers and history: the agent's list and search, edits, the dialler's next lead,
 * and imports (a batch in one transaction, duplicates found by number within the campaign). The
 * semantics are the embedded store's (sqlite/lead-repository.ts); what differs is how it gets
 * there: a lead is written with its numbers in one statement, and an import batch in a few
 * (import-batch.ts), since every statement is a round trip to the server.
 */
import { leadName, type Callback, type Lead, type LeadHistoryEntry, type LeadPhone, type LeadRow } from '../../../../shared/lead.js';
import { historyNote, planMerge } from '../../../../shared/import-merge.js';
import type { DuplicateMode } from '../../../../shared/import.js';
import type { NewOutboxEntry } from '../../crm/outbox.js';
import type { ImportRow, ImportRowResult, LeadChanges, LeadClaim, LeadQuery, LeadRepository, NewLead } from '../repositories.js';
import {
  incomingCustomFields,
  leadSearch,
  mergeColumns,
  planLeadEdit,
  toCallback,
  toLeadRow,
  type CallbackColumns,
  type LeadListColumns,
} from '../shared/lead-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import type { Db, Sql } from './connection.js';
import { ImportBatch } from './import-batch.js';
import { insertLeads, leadsSelect, newLeadIds, readLead, toLead, type LeadDbRow } from './lead-rows.js';
import { insertOutbox } from './outbox-repository.js';
import { addHistory, foldAscii } from './rows.js';

/** The lead has a number that is neither bad, blocked by a scrub, nor on the internal DNC list. */
const DIALABLE = `EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND NOT p.bad AND p.blocked IS NULL AND NOT EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))`;

/** Queue phase 2's order (never attempted first); phase 1 orders due callbacks by `l.due_at, l.priority DESC, l.id`. */
const QUEUE_ORDER = `l.priority DESC, l.score DESC, l.last_attempt_at NULLS FIRST, l.id`;

export function leadRepository(db: Db): LeadRepository {
  async function mustGetLead(sql: Sql, id: number, lock = false): Promise<Lead> {
    const lead = await readLead(sql, id, lock);
    if (!lead) throw new NotFoundError(`lead ${id}`);
    return lead;
  }

  async function listLeads(query: LeadQuery): Promise<{ total: number; rows: LeadRow[] }> {
    const values: unknown[] = [query.campaignId];
    const param = (v: unknown) => `$${values.push(v)}`;
    const where = ['l.campaign_id = $1'];
    if (query.status) where.push(`l.status = ${param(query.status)}`);
    const search = leadSearch(query.search);
    if (search) {
      // Folded as the columns are (A–Z only), so the match is SQLite's LIKE.
      const text = param(search.text.replace(/[A-Z]/g, (c) => c.toLowerCase()));
      const terms = [
        `${foldAscii(`l.first_name || ' ' || l.last_name`)} LIKE ${text} ESCAPE '\\'`,
        `${foldAscii('l.company')} LIKE ${text} ESCAPE '\\'`,
        `${foldAscii('l.email')} LIKE ${text} ESCAPE '\\'`,
      ];
      if (search.digits !== null) terms.push(`EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.e164 LIKE ${param(search.digits)})`);
      where.push(`(${terms.join(' OR ')})`);
    }
    const w = where.join(' AND ');
    const { total } = (await db.one<{ total: number }>(`SELECT COUNT(*) AS total FROM leads l WHERE ${w}`, values))!;
    const limit = param(Math.max(0, Math.trunc(query.limit)));
    const offset = param(Math.max(0, Math.trunc(query.offset)));
    const rows = await db.rows<LeadListColumns>(
      `SELECT l.id, l.first_name, l.last_name, l.company, l.status, l.attempts, l.score, l.last_attempt_at, l.due_at,
              (SELECT p.e164 FROM lead_phones p WHERE p.lead_id = l.id ORDER BY p.position, p.id LIMIT 1) AS phone
         FROM leads l WHERE ${w} ORDER BY l.id LIMIT ${limit} OFFSET ${offset}`,
      values,
    );
    return { total, rows: rows.map(toLeadRow) };
  }

  async function createLead(campaignId: number, lead: NewLead, now: number): Promise<Lead> {
    const [id] = await newLeadIds(db, 1);
    await insertLeads(db, campaignId, [id], [lead], now);
    return mustGetLead(db, id);
  }

  /** An edit that changes nothing writes nothing, its events included: an event exists only beside its change. */
  async function updateLead(id: number, changes: LeadChanges, now: number, events: readonly NewOutboxEntry[] | undefined): Promise<Lead> {
    return db.tx(async (sql) => {
      const before = await mustGetLead(sql, id, true);
      const edit = planLeadEdit(before, changes);
      if (edit.changed.length === 0) return before;
      const values: unknown[] = [id, now];
      const sets = edit.set.map((c) => `${c.column} = $${values.push(c.value)}`);
      if (edit.customFields !== null) sets.push(`custom_fields = $${values.push(edit.customFields)}`);
      if (edit.phones !== null) await replacePhones(sql, before, edit.phones);
      if (edit.reactivate) sets.push(`status = 'active'`, 'due_at = NULL');
      sets.push('updated_at = $2');
      await sql.run(`UPDATE leads SET ${sets.join(', ')} WHERE id = $1`, values);
      await addHistory(sql, { leadId: id, at: now, kind: 'edit', note: edit.note });
      await insertOutbox(sql, events);
      return mustGetLead(sql, id);
    });
  }

  /** The new list in its order (a number twice: the first kept). */
  async function replacePhones(sql: Sql, before: Lead, phones: readonly LeadPhone[]): Promise<void> {
    await sql.run('DELETE FROM lead_phones WHERE lead_id = $1', [before.id]);
    await sql.run(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label, bad)
       SELECT $1, $2, x.ord - 1, x.e164, x.raw, x.label, x.bad
         FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[]) WITH ORDINALITY AS x(e164, raw, label, bad, ord)
        ORDER BY x.ord
       ON CONFLICT (lead_id, e164) DO NOTHING`,
      [before.id, before.campaignId, phones.map((p) => p.e164), phones.map((p) => p.raw), phones.map((p) => p.label), phones.map((p) => p.bad)],
    );
  }

  async function findByPhone(e164: string): Promise<Lead | null> {
    const r = await db.one<{ id: number }>(
      `SELECT l.id FROM lead_phones p JOIN leads l ON l.id = p.lead_id WHERE p.e164 = $1 ORDER BY l.updated_at DESC, l.id DESC LIMIT 1`,
      [e164],
    );
    return r ? readLead(db, r.id) : null;
  }

  async function nextLead(campaignId: number, now: number, exclude: readonly number[]): Promise<Lead | null> {
    const values = [campaignId, now, exclude.filter((x) => Number.isInteger(x))];
    const notExcluded = `NOT (l.id = ANY($3::bigint[]))`;
    // Phase 1: callbacks that are due, the longest overdue first.
    const callback = await db.one<{ id: number }>(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = $1 AND l.status = 'callback' AND l.due_at <= $2 AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.due_at, l.priority DESC, l.id LIMIT 1`,
      values,
    );
    if (callback) return readLead(db, callback.id);
    // Phase 2: the queue index in dialling order, to the first lead that fits (never attempted first).
    const lead = await db.one<{ id: number }>(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = $1 AND l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= $2)
          AND ${notExcluded} AND ${DIALABLE}
        ORDER BY ${QUEUE_ORDER} LIMIT 1`,
      values,
    );
    return lead ? readLead(db, lead.id) : null;
  }

  /**
   * One statement. Each phase picks its first lead that nobody else holds, locking it as it picks
   * (SKIP LOCKED: a lead another agent is claiming at this instant is passed over, not waited
   * for); when another agent's claim commits while this one reads, PostgreSQL checks the row
   * again as it now is, sees the fresh lease and passes it over too. So two agents never get the
   * same lead. COALESCE runs the queue's pick only when no callback is due for this agent.
   */
  async function claimNext(campaignId: number, claim: LeadClaim): Promise<Lead | null> {
    const values = [campaignId, claim.agent, claim.now, Math.max(0, Math.trunc(claim.leaseMs)), (claim.exclude ?? []).filter((x) => Number.isInteger(x))];
    const open = `l.campaign_id = $1 AND (l.held_by IS NULL OR l.lease_until <= $3 OR l.held_by = $2) AND NOT (l.id = ANY($5::bigint[])) AND ${DIALABLE}`;
    const row = await db.one<LeadDbRow>(
      `WITH claimed AS (
         UPDATE leads SET held_by = $2, lease_until = $3::bigint + $4::bigint
          WHERE id = COALESCE(
            -- Phase 1: due callbacks, this agent's own before those anyone may take; another
            -- agent's are not offered.
            (SELECT l.id FROM leads l
               LEFT JOIN LATERAL (SELECT c.owner FROM callbacks c WHERE c.lead_id = l.id AND NOT c.done ORDER BY c.id DESC LIMIT 1) cb ON true
              WHERE l.status = 'callback' AND l.due_at <= $3 AND (cb.owner IS NULL OR cb.owner = $2) AND ${open}
              ORDER BY cb.owner IS NULL, l.due_at, l.priority DESC, l.id LIMIT 1
              FOR UPDATE OF l SKIP LOCKED),
            -- Phase 2: the queue in dialling order.
            (SELECT l.id FROM leads l
              WHERE l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= $3) AND ${open}
              ORDER BY ${QUEUE_ORDER} LIMIT 1
              FOR UPDATE SKIP LOCKED))
         RETURNING *)
       ${leadsSelect('claimed')}`,
      values,
    );
    return row ? toLead(row) : null;
  }

  async function holder(leadId: number, now: number): Promise<string | null> {
    const r = await db.one<{ held_by: string }>('SELECT held_by FROM leads WHERE id = $1 AND held_by IS NOT NULL AND lease_until > $2', [leadId, now]);
    return r?.held_by ?? null;
  }

  function history(leadId: number, limit: number): Promise<LeadHistoryEntry[]> {
    return db.rows<LeadHistoryEntry>(
      // The creation entry (id 0) comes from the lead itself: an import writes no history row.
      `SELECT id, at, kind, direction, phone, outcome, duration_sec AS "durationSec", disposition, note
         FROM history WHERE lead_id = $1
       UNION ALL
       SELECT 0, created_at, 'note', NULL, NULL, NULL, NULL, NULL, 'Lead created' FROM leads WHERE id = $1
       ORDER BY at DESC, id DESC LIMIT $2`,
      [leadId, Math.max(0, Math.trunc(limit))],
    );
  }

  async function callbacks(leadId: number): Promise<Callback[]> {
    const rows = await db.rows<CallbackColumns>(
      `SELECT id, lead_id AS "leadId", due_at AS "dueAt", time_zone AS "timeZone", note, done, owner FROM callbacks
        WHERE lead_id = $1 ORDER BY done, due_at DESC, id DESC`,
      [leadId],
    );
    return rows.map(toCallback);
  }

  function importBatch(
    campaignId: number,
    leads: NewLead[],
    duplicates: 'merge' | 'skip',
    now: number,
  ): Promise<{ imported: number; merged: number; skipped: number }> {
    return db.tx(async (sql) => {
      const batch = await ImportBatch.begin(sql, campaignId, leads, now);
      let imported = 0;
      let merged = 0;
      let skipped = 0;
      for (const lead of leads) {
        // Rows earlier in this batch count: duplicates within the batch are found too.
        const existing = await batch.ownerOf(lead);
        if (existing === undefined) {
          batch.create(lead, () => undefined);
          imported++;
        } else if (duplicates === 'skip') {
          skipped++;
        } else {
          await mergeInto(batch, await batch.lead(existing), lead);
          merged++;
        }
      }
      await batch.flush();
      return { imported, merged, skipped };
    });
  }

  /**
   * Non-empty incoming fields overwrite (text non-empty, dates/zone non-null, score/priority
   * non-zero since an import without those columns gives 0), custom fields are merged key by key,
   * new numbers are added after the existing ones.
   */
  function mergeInto(batch: ImportBatch, before: Lead, lead: NewLead): Promise<void> {
    const custom = { ...before.customFields, ...incomingCustomFields(lead) };
    const values: unknown[] = [];
    // Parameters $1 and $2 are the lead's id and the time; these follow.
    const p = (v: unknown) => `$${values.push(v) + 2}`;
    const text = (column: string, v: string) => {
      const x = p(v);
      return `${column} = CASE WHEN ${x}::text <> '' THEN ${x}::text ELSE ${column} END`;
    };
    const sets = [
      text('first_name', lead.firstName),
      text('last_name', lead.lastName),
      text('company', lead.company),
      text('email', lead.email),
      text('street', lead.street),
      text('city', lead.city),
      text('region', lead.region),
      text('postal_code', lead.postalCode),
      text('country', lead.country),
      `time_zone = COALESCE(NULLIF(${p(lead.timeZone)}::text, ''), time_zone)`,
      text('source', lead.source),
      `consent_at = COALESCE(${p(lead.consentAt)}::text, consent_at)`,
      `inquiry_at = COALESCE(${p(lead.inquiryAt)}::text, inquiry_at)`,
      `last_purchase_at = COALESCE(${p(lead.lastPurchaseAt)}::text, last_purchase_at)`,
      `score = COALESCE(NULLIF(${p(Math.trunc(lead.score))}::int, 0), score)`,
      `priority = COALESCE(NULLIF(${p(Math.trunc(lead.priority))}::int, 0), priority)`,
      `custom_fields = ${p(JSON.stringify(custom))}::json`,
    ];
    return batch.merge(before, sets, values, lead.phones, 'Merged from an import');
  }

  function importRows(campaignId: number, rows: readonly ImportRow[], mode: DuplicateMode, now: number, source: string): Promise<ImportRowResult[]> {
    return db.tx(async (sql) => {
      const batch = await ImportBatch.begin(
        sql,
        campaignId,
        rows.map((r) => r.lead),
        now,
      );
      const results: ImportRowResult[] = [];
      for (const { row, lead } of rows) {
        // Rows earlier in this batch count: duplicates within the batch are found too.
        const existing = await batch.ownerOf(lead);
        if (existing === undefined) {
          const at = results.push({ outcome: 'imported', leadId: 0 }) - 1;
          batch.create(lead, (id) => (results[at] = { outcome: 'imported', leadId: id }));
          continue;
        }
        const before = await batch.lead(existing);
        const name = leadName(before);
        if (mode === 'skip') {
          results.push({ outcome: 'skip', leadId: existing, name, filled: [], conflicts: [] });
          continue;
        }
        const plan = planMerge(before, lead, mode);
        // A number another lead of the campaign has stays that lead's alone.
        const added = lead.phones.filter((p) => !batch.has(p.e164));
        const filled = [...plan.filled, ...added.map((p) => `number ${p.e164}`)];
        const merge = mergeColumns(plan);
        const values: unknown[] = [];
        // Parameters $1 and $2 are the lead's id and the time; these follow.
        const sets = merge.set.map((c) => `${c.column} = $${values.push(c.value) + 2}`);
        if (merge.customFields !== null) sets.push(`custom_fields = $${values.push(merge.customFields) + 2}::json`);
        await batch.merge(before, sets, values, added, historyNote(source, row, mode, filled, plan.conflicts));
        results.push({ outcome: mode, leadId: existing, name, filled, conflicts: plan.conflicts });
      }
      await batch.flush();
      return results;
    });
  }

  return {
    list: (query) => listLeads(query),
    get: (id) => readLead(db, id),
    update: (id, changes, now, events) => updateLead(id, changes, now, events),
    create: (campaignId, lead, now) => createLead(campaignId, lead, now),
    findByPhone: (e164) => findByPhone(e164),
    next: (campaignId, now, exclude) => nextLead(campaignId, now, exclude ?? []),
    claimNext: (campaignId, claim) => claimNext(campaignId, claim),
    renewClaim: async (leadId, agent, now, leaseMs) =>
      (await db.run('UPDATE leads SET lease_until = $3::bigint + $4::bigint WHERE id = $1 AND held_by = $2', [
        leadId,
        agent,
        now,
        Math.max(0, Math.trunc(leaseMs)),
      ])) === 1,
    releaseClaim: async (leadId, agent) => {
      await db.run('UPDATE leads SET held_by = NULL, lease_until = NULL WHERE id = $1 AND held_by = $2', [leadId, agent]);
    },
    holder: (leadId, now) => holder(leadId, now),
    history: (leadId, limit) => history(leadId, limit ?? 200),
    callbacks: (leadId) => callbacks(leadId),
    importBatch: (campaignId, leads, duplicates, now) => importBatch(campaignId, leads, duplicates, now),
    importRows: (campaignId, rows, mode, now, source) => importRows(campaignId, rows, mode, now, source),
  };
}
