/**
 * Leads, their numbers and history: the agent's list and search, edits, the dialler's next lead,
 * and imports (a batch in one transaction, duplicates found by number within the campaign).
 */
import type { Database as Db } from 'better-sqlite3';
import { leadName, type Callback, type Lead, type LeadHistoryEntry, type LeadPhone, type LeadRow } from '../../../../shared/lead.js';
import { historyNote, planMerge, type MergePlan } from '../../../../shared/import-merge.js';
import type { DuplicateMode } from '../../../../shared/import.js';
import type { NewOutboxEntry } from '../../crm/outbox.js';
import type { ImportRow, ImportRowResult, LeadChanges, LeadClaim, LeadQuery, LeadRepository, NewLead } from '../repositories.js';
import {
  incomingCustomFields,
  leadSearch,
  mergeColumns,
  planLeadEdit,
  toCallback,
  toLead,
  toLeadRow,
  toPhone,
  type CallbackColumns,
  type ColumnValue,
  type LeadColumns,
  type LeadListColumns,
  type PhoneColumns,
} from '../shared/lead-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import { insertOutbox } from './outbox-repository.js';
import { addHistory } from './rows.js';
import type { Prepare } from './statements.js';

/** A lead's row as SQLite returns it: custom fields as JSON text. */
type LeadDbRow = Omit<LeadColumns, 'custom_fields'> & { custom_fields: string };

/** The lead has a number that is neither bad nor on the internal DNC list. */
const DIALABLE = `EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.bad = 0 AND p.blocked IS NULL AND NOT EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))`;

/** Nobody else holds the lead: not held, held by @agent, or its lease has run out. */
const FREE_FOR_AGENT = `(l.held_by IS NULL OR l.held_by = @agent OR l.lease_until <= @now)`;

export function leadRepository(db: Db, q: Prepare): LeadRepository {
  function phonesOf(leadId: number): LeadPhone[] {
    const rows = q('SELECT e164, raw, label, bad FROM lead_phones WHERE lead_id = ? ORDER BY position, id').all(leadId) as PhoneColumns[];
    return rows.map(toPhone);
  }

  function getLead(id: number): Lead | null {
    const r = q('SELECT * FROM leads WHERE id = ?').get(id) as LeadDbRow | undefined;
    return r ? toLead({ ...r, custom_fields: readJson(r.custom_fields) }, phonesOf(r.id)) : null;
  }

  function mustGetLead(id: number): Lead {
    const lead = getLead(id);
    if (!lead) throw new NotFoundError(`lead ${id}`);
    return lead;
  }

  function listLeads(query: LeadQuery): { total: number; rows: LeadRow[] } {
    const where = ['l.campaign_id = @campaignId'];
    const params: Record<string, unknown> = {
      campaignId: query.campaignId,
      limit: Math.max(0, Math.trunc(query.limit)),
      offset: Math.max(0, Math.trunc(query.offset)),
    };
    if (query.status) {
      where.push('l.status = @status');
      params.status = query.status;
    }
    const search = leadSearch(query.search);
    if (search) {
      const terms = [`(l.first_name || ' ' || l.last_name) LIKE @text ESCAPE '\\'`, `l.company LIKE @text ESCAPE '\\'`, `l.email LIKE @text ESCAPE '\\'`];
      params.text = search.text;
      if (search.digits !== null) {
        terms.push(`EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.e164 LIKE @digits)`);
        params.digits = search.digits;
      }
      where.push(`(${terms.join(' OR ')})`);
    }
    const w = where.join(' AND ');
    const { total } = q(`SELECT COUNT(*) AS total FROM leads l WHERE ${w}`).get(params) as { total: number };
    const rows = q(
      `SELECT l.id, l.first_name, l.last_name, l.company, l.status, l.attempts, l.score, l.last_attempt_at, l.due_at,
              (SELECT p.e164 FROM lead_phones p WHERE p.lead_id = l.id ORDER BY p.position, p.id LIMIT 1) AS phone
         FROM leads l WHERE ${w} ORDER BY l.id LIMIT @limit OFFSET @offset`,
    ).all(params) as LeadListColumns[];
    return { total, rows: rows.map(toLeadRow) };
  }

  function insertLead(campaignId: number, lead: NewLead, now: number): number {
    const r = q(
      `INSERT INTO leads (campaign_id, first_name, last_name, company, email, street, city, region, postal_code, country, time_zone, source,
                          custom_fields, consent_at, inquiry_at, last_purchase_at, score, priority, status, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 0, ?, ?)`,
    ).run(
      campaignId,
      lead.firstName,
      lead.lastName,
      lead.company,
      lead.email,
      lead.street,
      lead.city,
      lead.region,
      lead.postalCode,
      lead.country,
      lead.timeZone,
      lead.source,
      JSON.stringify(lead.customFields ?? {}),
      lead.consentAt,
      lead.inquiryAt,
      lead.lastPurchaseAt,
      Math.trunc(lead.score),
      Math.trunc(lead.priority),
      now,
      now,
    );
    const id = Number(r.lastInsertRowid);
    addPhones(id, lead.phones, 0);
    return id;
  }

  /** Adds numbers the lead does not have yet, after its existing ones. */
  function addPhones(leadId: number, phones: NewLead['phones'], firstPosition: number | null): number {
    let position = firstPosition ?? (q('SELECT COALESCE(MAX(position) + 1, 0) AS p FROM lead_phones WHERE lead_id = ?').get(leadId) as { p: number }).p;
    let added = 0;
    const insert = q(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
       VALUES (@leadId, (SELECT campaign_id FROM leads WHERE id = @leadId), @position, @e164, @raw, @label) ON CONFLICT (lead_id, e164) DO NOTHING`,
    );
    for (const p of phones) {
      if (insert.run({ leadId, position, e164: p.e164, raw: p.raw, label: p.label }).changes > 0) {
        position++;
        added++;
      }
    }
    return added;
  }

  function createLead(campaignId: number, lead: NewLead, now: number): Lead {
    const id = db.transaction(() => {
      return insertLead(campaignId, lead, now);
    })();
    return mustGetLead(id);
  }

  function updateLead(id: number, changes: LeadChanges, now: number, events: readonly NewOutboxEntry[] | undefined): Lead {
    db.transaction(() => {
      const edit = planLeadEdit(mustGetLead(id), changes);
      if (edit.changed.length === 0) return;
      const params: Record<string, unknown> = { id, now };
      const sets = setColumns(edit.set, params);
      if (edit.customFields !== null) {
        sets.push('custom_fields = @customFields');
        params.customFields = edit.customFields;
      }
      if (edit.phones !== null) replacePhones(id, edit.phones);
      if (edit.reactivate) sets.push(`status = 'active'`, 'due_at = NULL');
      sets.push('updated_at = @now');
      q(`UPDATE leads SET ${sets.join(', ')} WHERE id = @id`).run(params);
      addHistory(q, { leadId: id, at: now, kind: 'edit', note: edit.note });
      insertOutbox(q, events);
    })();
    return mustGetLead(id);
  }

  /** The new list in its order. */
  function replacePhones(leadId: number, phones: readonly LeadPhone[]): void {
    q('DELETE FROM lead_phones WHERE lead_id = ?').run(leadId);
    const insert = q(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label, bad)
       VALUES (@leadId, (SELECT campaign_id FROM leads WHERE id = @leadId), @position, @e164, @raw, @label, @bad) ON CONFLICT (lead_id, e164) DO NOTHING`,
    );
    phones.forEach((p, i) => insert.run({ leadId, position: i, e164: p.e164, raw: p.raw, label: p.label, bad: p.bad ? 1 : 0 }));
  }

  function findByPhone(e164: string): Lead | null {
    const r = q(`SELECT l.id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? ORDER BY l.updated_at DESC, l.id DESC LIMIT 1`).get(
      e164,
    ) as { id: number } | undefined;
    return r ? getLead(r.id) : null;
  }

  function nextLead(campaignId: number, now: number, exclude: readonly number[]): Lead | null {
    const params = { campaignId, now, exclude: JSON.stringify(exclude.filter((x) => Number.isInteger(x))) };
    const notExcluded = `l.id NOT IN (SELECT value FROM json_each(@exclude))`;
    // Phase 1: callbacks that are due, the longest overdue first.
    const callback = q(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = @campaignId AND l.status = 'callback' AND l.due_at <= @now AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.due_at, l.priority DESC, l.id LIMIT 1`,
    ).get(params) as { id: number } | undefined;
    if (callback) return getLead(callback.id);
    // Phase 2: walks the partial queue index in dialling order and stops at the first fit.
    const lead = q(
      `SELECT l.id FROM leads l INDEXED BY leads_queue
        WHERE l.campaign_id = @campaignId AND l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= @now)
          AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.priority DESC, l.score DESC, l.last_attempt_at, l.id LIMIT 1`,
    ).get(params) as { id: number } | undefined;
    return lead ? getLead(lead.id) : null;
  }

  /**
   * Picks the lead in `next`'s order for one agent of a team and holds it for that agent, in one
   * immediate transaction: no other connection (another app on this file, an import worker) can
   * claim between the read and the write.
   */
  const claim = db.transaction((campaignId: number, c: LeadClaim): Lead | null => {
    const params = {
      campaignId,
      now: c.now,
      agent: c.agent,
      exclude: JSON.stringify((c.exclude ?? []).filter((x) => Number.isInteger(x))),
    };
    const notExcluded = `l.id NOT IN (SELECT value FROM json_each(@exclude))`;
    // Phase 1: due callbacks, the agent's own before anyone's; another agent's is never offered.
    // The owner is read before the number checks: most due callbacks of a team are others'.
    const callback = q(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = @campaignId AND l.status = 'callback' AND l.due_at <= @now
          AND NOT EXISTS (SELECT 1 FROM callbacks c WHERE c.lead_id = l.id AND c.done = 0 AND c.owner <> @agent)
          AND ${notExcluded} AND ${FREE_FOR_AGENT} AND ${DIALABLE}
        ORDER BY NOT EXISTS (SELECT 1 FROM callbacks c WHERE c.lead_id = l.id AND c.done = 0 AND c.owner = @agent), l.due_at, l.priority DESC, l.id
        LIMIT 1`,
    ).get(params) as { id: number } | undefined;
    // Phase 2: the queue index in dialling order, as in next(), past leads others hold.
    const picked =
      callback ??
      (q(
        `SELECT l.id FROM leads l INDEXED BY leads_queue
          WHERE l.campaign_id = @campaignId AND l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= @now)
            AND ${notExcluded} AND ${FREE_FOR_AGENT} AND ${DIALABLE}
          ORDER BY l.priority DESC, l.score DESC, l.last_attempt_at, l.id LIMIT 1`,
      ).get(params) as { id: number } | undefined);
    if (!picked) return null;
    // A claim is no edit: updated_at (which findByPhone orders by) stays as it was.
    q('UPDATE leads SET held_by = ?, lease_until = ? WHERE id = ?').run(c.agent, c.now + c.leaseMs, picked.id);
    return getLead(picked.id);
  });

  function renewClaim(leadId: number, agent: string, now: number, leaseMs: number): boolean {
    // Held by the agent, even with the lease run out: nobody else claimed it meanwhile.
    return q('UPDATE leads SET lease_until = ? WHERE id = ? AND held_by = ?').run(now + leaseMs, leadId, agent).changes === 1;
  }

  function releaseClaim(leadId: number, agent: string): void {
    q('UPDATE leads SET held_by = NULL, lease_until = NULL WHERE id = ? AND held_by = ?').run(leadId, agent);
  }

  function holder(leadId: number, now: number): string | null {
    const r = q('SELECT held_by AS agent FROM leads WHERE id = ? AND held_by IS NOT NULL AND lease_until > ?').get(leadId, now) as
      { agent: string } | undefined;
    return r?.agent ?? null;
  }

  function history(leadId: number, limit: number): LeadHistoryEntry[] {
    const rows = q(
      // The creation entry (id 0) comes from the lead itself: an import writes no history row.
      `SELECT id, at, kind, direction, phone, outcome, duration_sec AS durationSec, disposition, note
         FROM history WHERE lead_id = @leadId
       UNION ALL
       SELECT 0, created_at, 'note', NULL, NULL, NULL, NULL, NULL, 'Lead created' FROM leads WHERE id = @leadId
       ORDER BY at DESC, id DESC LIMIT @limit`,
    ).all({ leadId, limit: Math.max(0, Math.trunc(limit)) }) as LeadHistoryEntry[];
    return rows;
  }

  function callbacks(leadId: number): Callback[] {
    const rows = q(
      `SELECT id, lead_id AS leadId, due_at AS dueAt, time_zone AS timeZone, note, done, owner FROM callbacks
        WHERE lead_id = ? ORDER BY done, due_at DESC, id DESC`,
    ).all(leadId) as CallbackColumns[];
    return rows.map(toCallback);
  }

  function importBatch(campaignId: number, leads: NewLead[], duplicates: 'merge' | 'skip', now: number): { imported: number; merged: number; skipped: number } {
    return db.transaction(() => {
      if (!q('SELECT 1 FROM campaigns WHERE id = ?').get(campaignId)) throw new NotFoundError(`campaign ${campaignId}`);
      const findDuplicate = q(
        'SELECT p.lead_id AS id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? AND l.campaign_id = ? LIMIT 1',
      ).pluck();
      let imported = 0;
      let merged = 0;
      let skipped = 0;
      for (const lead of leads) {
        // Rows written earlier in this batch are visible here: duplicates within the batch count too.
        let existing: number | undefined;
        for (const p of lead.phones) {
          existing = findDuplicate.get(p.e164, campaignId) as number | undefined;
          if (existing !== undefined) break;
        }
        if (existing === undefined) {
          insertLead(campaignId, lead, now);
          imported++;
        } else if (duplicates === 'skip') {
          skipped++;
        } else {
          mergeInto(existing, lead, now);
          merged++;
        }
      }
      return { imported, merged, skipped };
    })();
  }

  /**
   * Non-empty incoming fields overwrite (text non-empty, dates/zone non-null, score/priority
   * non-zero since an import without those columns gives 0), custom fields are merged key by key,
   * new numbers are added after the existing ones.
   */
  function mergeInto(leadId: number, lead: NewLead, now: number): void {
    q(
      `UPDATE leads SET
         first_name = CASE WHEN @firstName <> '' THEN @firstName ELSE first_name END,
         last_name = CASE WHEN @lastName <> '' THEN @lastName ELSE last_name END,
         company = CASE WHEN @company <> '' THEN @company ELSE company END,
         email = CASE WHEN @email <> '' THEN @email ELSE email END,
         street = CASE WHEN @street <> '' THEN @street ELSE street END,
         city = CASE WHEN @city <> '' THEN @city ELSE city END,
         region = CASE WHEN @region <> '' THEN @region ELSE region END,
         postal_code = CASE WHEN @postalCode <> '' THEN @postalCode ELSE postal_code END,
         country = CASE WHEN @country <> '' THEN @country ELSE country END,
         time_zone = COALESCE(NULLIF(@timeZone, ''), time_zone),
         source = CASE WHEN @source <> '' THEN @source ELSE source END,
         consent_at = COALESCE(@consentAt, consent_at),
         inquiry_at = COALESCE(@inquiryAt, inquiry_at),
         last_purchase_at = COALESCE(@lastPurchaseAt, last_purchase_at),
         score = CASE WHEN @score <> 0 THEN @score ELSE score END,
         priority = CASE WHEN @priority <> 0 THEN @priority ELSE priority END,
         custom_fields = json_patch(custom_fields, @custom),
         updated_at = @now
       WHERE id = @id`,
    ).run({
      id: leadId,
      now,
      firstName: lead.firstName,
      lastName: lead.lastName,
      company: lead.company,
      email: lead.email,
      street: lead.street,
      city: lead.city,
      region: lead.region,
      postalCode: lead.postalCode,
      country: lead.country,
      timeZone: lead.timeZone,
      source: lead.source,
      consentAt: lead.consentAt,
      inquiryAt: lead.inquiryAt,
      lastPurchaseAt: lead.lastPurchaseAt,
      score: Math.trunc(lead.score),
      priority: Math.trunc(lead.priority),
      custom: JSON.stringify(incomingCustomFields(lead)),
    });
    addPhones(leadId, lead.phones, null);
    addHistory(q, { leadId, at: now, kind: 'import', note: 'Merged from an import' });
  }

  function importRows(campaignId: number, rows: readonly ImportRow[], mode: DuplicateMode, now: number, source: string): ImportRowResult[] {
    return db.transaction(() => {
      if (!q('SELECT 1 FROM campaigns WHERE id = ?').get(campaignId)) throw new NotFoundError(`campaign ${campaignId}`);
      const leadWith = q(
        'SELECT p.lead_id AS id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? AND l.campaign_id = ? LIMIT 1',
      ).pluck();
      return rows.map(({ row, lead }): ImportRowResult => {
        // Rows written earlier in this batch are visible here: duplicates within the batch count too.
        let existing: number | undefined;
        for (const p of lead.phones) {
          existing = leadWith.get(p.e164, campaignId) as number | undefined;
          if (existing !== undefined) break;
        }
        if (existing === undefined) return { outcome: 'imported', leadId: insertLead(campaignId, lead, now) };
        const before = mustGetLead(existing);
        const name = leadName(before);
        if (mode === 'skip') return { outcome: 'skip', leadId: existing, name, filled: [], conflicts: [] };
        const plan = planMerge(before, lead, mode);
        // A number another lead of the campaign has stays that lead's alone.
        const added = lead.phones.filter((p) => leadWith.get(p.e164, campaignId) === undefined);
        applyMerge(existing, plan, now);
        addPhones(existing, added, null);
        const filled = [...plan.filled, ...added.map((p) => `number ${p.e164}`)];
        addHistory(q, { leadId: existing, at: now, kind: 'import', note: historyNote(source, row, mode, filled, plan.conflicts) });
        return { outcome: mode, leadId: existing, name, filled, conflicts: plan.conflicts };
      });
    })();
  }

  /** Writes the fields a merge plan changes (and the lead's update time). */
  function applyMerge(leadId: number, plan: MergePlan, now: number): void {
    const merge = mergeColumns(plan);
    const params: Record<string, unknown> = { id: leadId, now };
    const sets = ['updated_at = @now', ...setColumns(merge.set, params)];
    if (merge.customFields !== null) {
      sets.push('custom_fields = @customFields');
      params.customFields = merge.customFields;
    }
    q(`UPDATE leads SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  return {
    list: async (query) => listLeads(query),
    get: async (id) => getLead(id),
    update: async (id, changes, now, events) => updateLead(id, changes, now, events),
    create: async (campaignId, lead, now) => createLead(campaignId, lead, now),
    findByPhone: async (e164) => findByPhone(e164),
    next: async (campaignId, now, exclude) => nextLead(campaignId, now, exclude ?? []),
    claimNext: async (campaignId, c) => claim.immediate(campaignId, c),
    renewClaim: async (leadId, agent, now, leaseMs) => renewClaim(leadId, agent, now, leaseMs),
    releaseClaim: async (leadId, agent) => releaseClaim(leadId, agent),
    holder: async (leadId, now) => holder(leadId, now),
    history: async (leadId, limit) => history(leadId, limit ?? 200),
    callbacks: async (leadId) => callbacks(leadId),
    importBatch: async (campaignId, leads, duplicates, now) => importBatch(campaignId, leads, duplicates, now),
    importRows: async (campaignId, rows, mode, now, source) => importRows(campaignId, rows, mode, now, source),
  };
}

/** `column = @field` for each value, the values put into `params`. */
function setColumns(values: readonly ColumnValue[], params: Record<string, unknown>): string[] {
  return values.map(({ field, column, value }) => {
    params[field] = value;
    return `${column} = @${field}`;
  });
}

/** A damaged value reads as no custom fields rather than breaking the lead card. */
function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
