/**
 * Leads, their numbers and history: the agent's list and search, edits, the dialler's next lead,
 * and imports (a batch in one transaction, duplicates found by number within the campaign). The
 * semantics are the embedded store's (sqlite/lead-repository.ts); what differs is how it gets
 * there: an import batch looks its numbers up in one statement instead of one per number, a new
 * lead is one statement with its phones, and imports into one campaign are serialised by an
 * advisory lock (two apps importing the same number at once would otherwise both add it).
 */
import { leadName, type Callback, type Lead, type LeadHistoryEntry, type LeadPhone, type LeadRow, type LeadStatus } from '../../../../shared/lead.js';
import { historyNote, planMerge, type MergePlan } from '../../../../shared/import-merge.js';
import type { DuplicateMode } from '../../../../shared/import.js';
import type { ImportRow, ImportRowResult, LeadChanges, LeadQuery, LeadRepository, NewLead } from '../repositories.js';
import { NotFoundError } from '../sqlite/not-found-error.js';
import type { Db, Sql } from './connection.js';
import { addHistory, foldAscii } from './rows.js';

interface LeadDbRow {
  id: number;
  campaign_id: number;
  first_name: string;
  last_name: string;
  company: string;
  email: string;
  street: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  time_zone: string | null;
  source: string;
  custom_fields: unknown;
  consent_at: string | null;
  inquiry_at: string | null;
  last_purchase_at: string | null;
  score: number;
  priority: number;
  status: LeadStatus;
  attempts: number;
  last_attempt_at: number | null;
  due_at: number | null;
  created_at: number;
  updated_at: number;
  phones: LeadPhone[];
}

/** Lead columns a change may touch, by the field name callers use. */
const scalarColumns = {
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  email: 'email',
  street: 'street',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  country: 'country',
  timeZone: 'time_zone',
  source: 'source',
  consentAt: 'consent_at',
  inquiryAt: 'inquiry_at',
  lastPurchaseAt: 'last_purchase_at',
  score: 'score',
  priority: 'priority',
} as const satisfies Record<Exclude<keyof NewLead, 'phones' | 'customFields'>, string>;
type ScalarField = keyof typeof scalarColumns;
const scalarFields = Object.keys(scalarColumns) as ScalarField[];

/** A lead with its numbers in their order, in one statement. */
const LEAD_SELECT = `SELECT l.*, COALESCE((SELECT json_agg(json_build_object('e164', p.e164, 'raw', p.raw, 'label', p.label, 'bad', p.bad) ORDER BY p.position, p.id)
                                FROM lead_phones p WHERE p.lead_id = l.id), '[]'::json) AS phones
                       FROM leads l WHERE l.id = $1`;

/** The lead has a number that is neither bad, blocked by a scrub, nor on the internal DNC list. */
const DIALABLE = `EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND NOT p.bad AND p.blocked IS NULL AND NOT EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))`;

/** Namespace of the per-campaign import lock ("rsim"), the campaign id being the second key. */
const IMPORT_LOCK = 1920166253;

/** Numbers of a campaign and the lead that has each (the earliest added wins, as in SQLite). */
type PhoneOwners = Map<string, number>;

export function leadRepository(db: Db): LeadRepository {
  async function getLead(sql: Sql, id: number, lock = false): Promise<Lead | null> {
    const r = await sql.one<LeadDbRow>(lock ? `${LEAD_SELECT} FOR UPDATE OF l` : LEAD_SELECT, [id]);
    return r ? toLead(r) : null;
  }

  async function mustGetLead(sql: Sql, id: number, lock = false): Promise<Lead> {
    const lead = await getLead(sql, id, lock);
    if (!lead) throw new NotFoundError(`lead ${id}`);
    return lead;
  }

  async function listLeads(query: LeadQuery): Promise<{ total: number; rows: LeadRow[] }> {
    const values: unknown[] = [query.campaignId];
    const param = (v: unknown) => `$${values.push(v)}`;
    const where = ['l.campaign_id = $1'];
    if (query.status) where.push(`l.status = ${param(query.status)}`);
    const search = query.search?.trim() ?? '';
    if (search) {
      const text = param(`%${escapeLike(search)}%`.replace(/[A-Z]/g, (c) => c.toLowerCase()));
      const terms = [
        `${foldAscii(`l.first_name || ' ' || l.last_name`)} LIKE ${text} ESCAPE '\\'`,
        `${foldAscii('l.company')} LIKE ${text} ESCAPE '\\'`,
        `${foldAscii('l.email')} LIKE ${text} ESCAPE '\\'`,
      ];
      const digits = search.replace(/\D/g, '');
      // A phone search: mostly digits ("+48 22 555", "(212) 555-01"), at least three of them.
      if (digits.length >= 3 && /^[\d\s+().\-/]+$/.test(search))
        terms.push(`EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.e164 LIKE ${param(`%${digits}%`)})`);
      where.push(`(${terms.join(' OR ')})`);
    }
    const w = where.join(' AND ');
    const { total } = (await db.one<{ total: number }>(`SELECT COUNT(*) AS total FROM leads l WHERE ${w}`, values))!;
    const limit = param(Math.max(0, Math.trunc(query.limit)));
    const offset = param(Math.max(0, Math.trunc(query.offset)));
    const rows = await db.rows<
      Pick<LeadDbRow, 'id' | 'first_name' | 'last_name' | 'company' | 'status' | 'attempts' | 'score' | 'last_attempt_at' | 'due_at'> & { phone: string | null }
    >(
      `SELECT l.id, l.first_name, l.last_name, l.company, l.status, l.attempts, l.score, l.last_attempt_at, l.due_at,
              (SELECT p.e164 FROM lead_phones p WHERE p.lead_id = l.id ORDER BY p.position, p.id LIMIT 1) AS phone
         FROM leads l WHERE ${w} ORDER BY l.id LIMIT ${limit} OFFSET ${offset}`,
      values,
    );
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        name: leadName({ firstName: r.first_name, lastName: r.last_name, company: r.company }),
        company: r.company,
        phone: r.phone ?? '',
        status: r.status,
        attempts: r.attempts,
        score: r.score,
        lastAttemptAt: r.last_attempt_at,
        dueAt: r.due_at,
      })),
    };
  }

  /** Inserts the lead and its numbers (each once, in their order) in one statement. */
  async function insertLead(sql: Sql, campaignId: number, lead: NewLead, now: number, owners?: PhoneOwners): Promise<number> {
    const phones = distinctPhones(lead.phones, []);
    const row = await sql.one<{ id: number }>(
      `WITH l AS (
         INSERT INTO leads (campaign_id, first_name, last_name, company, email, street, city, region, postal_code, country, time_zone, source,
                            custom_fields, consent_at, inquiry_at, last_purchase_at, score, priority, status, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'new', 0, $19, $19)
         RETURNING id
       ), p AS (
         INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
         SELECT l.id, $1, x.ord - 1, x.e164, x.raw, x.label FROM l, unnest($20::text[], $21::text[], $22::text[]) WITH ORDINALITY AS x(e164, raw, label, ord)
       )
       SELECT id FROM l`,
      [
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
        phones.map((p) => p.e164),
        phones.map((p) => p.raw),
        phones.map((p) => p.label),
      ],
    );
    const id = row!.id;
    if (owners) for (const p of phones) if (!owners.has(p.e164)) owners.set(p.e164, id);
    return id;
  }

  /** Adds numbers the lead does not have yet (`has`), after its existing ones. */
  async function addPhones(sql: Sql, lead: Lead, phones: NewLead['phones'], owners?: PhoneOwners): Promise<void> {
    const add = distinctPhones(phones, lead.phones);
    if (add.length === 0) return;
    await sql.run(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
       SELECT $1, $2, (SELECT COALESCE(MAX(position) + 1, 0) FROM lead_phones WHERE lead_id = $1) + x.ord - 1, x.e164, x.raw, x.label
         FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(e164, raw, label, ord)
       ON CONFLICT (lead_id, e164) DO NOTHING`,
      [lead.id, lead.campaignId, add.map((p) => p.e164), add.map((p) => p.raw), add.map((p) => p.label)],
    );
    if (owners) for (const p of add) if (!owners.has(p.e164)) owners.set(p.e164, lead.id);
  }

  async function updateLead(id: number, changes: LeadChanges, now: number): Promise<Lead> {
    return db.tx(async (sql) => {
      const before = await mustGetLead(sql, id, true);
      const sets: string[] = [];
      const values: unknown[] = [id, now];
      const changed: string[] = [];
      for (const f of scalarFields) {
        const v = changes[f];
        if (v === undefined || v === before[f]) continue;
        sets.push(`${scalarColumns[f]} = $${values.push(typeof v === 'number' ? Math.trunc(v) : v)}`);
        changed.push(f);
      }
      if (changes.customFields !== undefined && JSON.stringify(changes.customFields) !== JSON.stringify(before.customFields)) {
        sets.push(`custom_fields = $${values.push(JSON.stringify(changes.customFields))}`);
        changed.push('customFields');
      }
      if (changes.phones !== undefined && !samePhones(before.phones, changes.phones)) {
        await replacePhones(sql, before, changes.phones);
        changed.push('phones');
        // A lead out of the queue for bad numbers is callable again once it has a good one.
        if (before.status === 'bad-number' && changes.phones.some((p) => !before.phones.find((o) => o.e164 === p.e164)?.bad)) {
          sets.push(`status = 'active'`, 'due_at = NULL');
        }
      }
      if (changed.length === 0) return before;
      sets.push('updated_at = $2');
      await sql.run(`UPDATE leads SET ${sets.join(', ')} WHERE id = $1`, values);
      await addHistory(sql, { leadId: id, at: now, kind: 'edit', note: `Changed ${changed.join(', ')}` });
      return mustGetLead(sql, id);
    });
  }

  /** The new list in its order (a number twice: the first kept); a number kept keeps its bad mark. */
  async function replacePhones(sql: Sql, before: Lead, phones: NewLead['phones']): Promise<void> {
    await sql.run('DELETE FROM lead_phones WHERE lead_id = $1', [before.id]);
    await sql.run(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label, bad)
       SELECT $1, $2, x.ord - 1, x.e164, x.raw, x.label, x.bad
         FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[]) WITH ORDINALITY AS x(e164, raw, label, bad, ord)
       ON CONFLICT (lead_id, e164) DO NOTHING`,
      [
        before.id,
        before.campaignId,
        phones.map((p) => p.e164),
        phones.map((p) => p.raw),
        phones.map((p) => p.label),
        phones.map((p) => before.phones.find((o) => o.e164 === p.e164)?.bad === true),
      ],
    );
  }

  async function findByPhone(e164: string): Promise<Lead | null> {
    const r = await db.one<{ id: number }>(
      `SELECT l.id FROM lead_phones p JOIN leads l ON l.id = p.lead_id WHERE p.e164 = $1 ORDER BY l.updated_at DESC, l.id DESC LIMIT 1`,
      [e164],
    );
    return r ? getLead(db, r.id) : null;
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
    if (callback) return getLead(db, callback.id);
    // Phase 2: the queue index in dialling order, to the first lead that fits (never attempted first).
    const lead = await db.one<{ id: number }>(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = $1 AND l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= $2)
          AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.priority DESC, l.score DESC, l.last_attempt_at NULLS FIRST, l.id LIMIT 1`,
      values,
    );
    return lead ? getLead(db, lead.id) : null;
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

  function callbacks(leadId: number): Promise<Callback[]> {
    return db.rows<Callback>(
      `SELECT id, lead_id AS "leadId", due_at AS "dueAt", time_zone AS "timeZone", note, done FROM callbacks
        WHERE lead_id = $1 ORDER BY done, due_at DESC, id DESC`,
      [leadId],
    );
  }

  /**
   * Starts an import batch: the campaign must exist, imports into it wait for each other, and the
   * batch's numbers that leads of the campaign already have are looked up at once.
   */
  async function beginImport(sql: Sql, campaignId: number, leads: readonly NewLead[]): Promise<PhoneOwners> {
    if (!(await sql.one('SELECT 1 FROM campaigns WHERE id = $1', [campaignId]))) throw new NotFoundError(`campaign ${campaignId}`);
    await sql.run('SELECT pg_advisory_xact_lock($1::int, ($2::bigint % 2147483647)::int)', [IMPORT_LOCK, campaignId]);
    const numbers = [...new Set(leads.flatMap((l) => l.phones.map((p) => p.e164)))];
    const owners: PhoneOwners = new Map();
    if (numbers.length === 0) return owners;
    const rows = await sql.arrays(
      `SELECT DISTINCT ON (e164) e164, lead_id FROM lead_phones WHERE campaign_id = $1 AND e164 = ANY($2::text[]) ORDER BY e164, id`,
      [campaignId, numbers],
    );
    for (const [e164, leadId] of rows) owners.set(e164 as string, leadId as number);
    return owners;
  }

  /** The lead that has one of the numbers (the first number that any lead has decides). */
  function ownerOf(owners: PhoneOwners, lead: NewLead): number | undefined {
    for (const p of lead.phones) {
      const id = owners.get(p.e164);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  function importBatch(
    campaignId: number,
    leads: NewLead[],
    duplicates: 'merge' | 'skip',
    now: number,
  ): Promise<{ imported: number; merged: number; skipped: number }> {
    return db.tx(async (sql) => {
      const owners = await beginImport(sql, campaignId, leads);
      let imported = 0;
      let merged = 0;
      let skipped = 0;
      for (const lead of leads) {
        // Rows written earlier in this batch are in `owners`: duplicates within the batch count too.
        const existing = ownerOf(owners, lead);
        if (existing === undefined) {
          await insertLead(sql, campaignId, lead, now, owners);
          imported++;
        } else if (duplicates === 'skip') {
          skipped++;
        } else {
          await mergeInto(sql, existing, lead, now, owners);
          merged++;
        }
      }
      return { imported, merged, skipped };
    });
  }

  /**
   * Non-empty incoming fields overwrite (text non-empty, dates/zone non-null, score/priority
   * non-zero since an import without those columns gives 0), custom fields are merged key by key,
   * new numbers are added after the existing ones.
   */
  async function mergeInto(sql: Sql, leadId: number, lead: NewLead, now: number, owners: PhoneOwners): Promise<void> {
    const before = await mustGetLead(sql, leadId, true);
    const custom: Record<string, string> = { ...before.customFields };
    for (const [k, v] of Object.entries(lead.customFields ?? {})) if (v !== '') custom[k] = v;
    await sql.run(
      `UPDATE leads SET
         first_name = CASE WHEN $3 <> '' THEN $3 ELSE first_name END,
         last_name = CASE WHEN $4 <> '' THEN $4 ELSE last_name END,
         company = CASE WHEN $5 <> '' THEN $5 ELSE company END,
         email = CASE WHEN $6 <> '' THEN $6 ELSE email END,
         street = CASE WHEN $7 <> '' THEN $7 ELSE street END,
         city = CASE WHEN $8 <> '' THEN $8 ELSE city END,
         region = CASE WHEN $9 <> '' THEN $9 ELSE region END,
         postal_code = CASE WHEN $10 <> '' THEN $10 ELSE postal_code END,
         country = CASE WHEN $11 <> '' THEN $11 ELSE country END,
         time_zone = COALESCE(NULLIF($12, ''), time_zone),
         source = CASE WHEN $13 <> '' THEN $13 ELSE source END,
         consent_at = COALESCE($14, consent_at),
         inquiry_at = COALESCE($15, inquiry_at),
         last_purchase_at = COALESCE($16, last_purchase_at),
         score = CASE WHEN $17::int <> 0 THEN $17::int ELSE score END,
         priority = CASE WHEN $18::int <> 0 THEN $18::int ELSE priority END,
         custom_fields = $19::json,
         updated_at = $2
       WHERE id = $1`,
      [
        leadId,
        now,
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
        lead.consentAt,
        lead.inquiryAt,
        lead.lastPurchaseAt,
        Math.trunc(lead.score),
        Math.trunc(lead.priority),
        JSON.stringify(custom),
      ],
    );
    await addPhones(sql, before, lead.phones, owners);
    await addHistory(sql, { leadId, at: now, kind: 'import', note: 'Merged from an import' });
  }

  function importRows(campaignId: number, rows: readonly ImportRow[], mode: DuplicateMode, now: number, source: string): Promise<ImportRowResult[]> {
    return db.tx(async (sql) => {
      const owners = await beginImport(
        sql,
        campaignId,
        rows.map((r) => r.lead),
      );
      const results: ImportRowResult[] = [];
      for (const { row, lead } of rows) {
        // Rows written earlier in this batch are in `owners`: duplicates within the batch count too.
        const existing = ownerOf(owners, lead);
        if (existing === undefined) {
          results.push({ outcome: 'imported', leadId: await insertLead(sql, campaignId, lead, now, owners) });
          continue;
        }
        const before = await mustGetLead(sql, existing, true);
        const name = leadName(before);
        if (mode === 'skip') {
          results.push({ outcome: 'skip', leadId: existing, name, filled: [], conflicts: [] });
          continue;
        }
        const plan = planMerge(before, lead, mode);
        // A number another lead of the campaign has stays that lead's alone.
        const added = lead.phones.filter((p) => !owners.has(p.e164));
        await applyMerge(sql, existing, plan, now);
        await addPhones(sql, before, added, owners);
        const filled = [...plan.filled, ...added.map((p) => `number ${p.e164}`)];
        await addHistory(sql, { leadId: existing, at: now, kind: 'import', note: historyNote(source, row, mode, filled, plan.conflicts) });
        results.push({ outcome: mode, leadId: existing, name, filled, conflicts: plan.conflicts });
      }
      return results;
    });
  }

  /** Writes the fields a merge plan changes (and the lead's update time). */
  async function applyMerge(sql: Sql, leadId: number, plan: MergePlan, now: number): Promise<void> {
    const values: unknown[] = [leadId, now];
    const sets = ['updated_at = $2'];
    for (const [f, v] of Object.entries(plan.set) as Array<[ScalarField, string | number | null]>)
      sets.push(`${scalarColumns[f]} = $${values.push(typeof v === 'number' ? Math.trunc(v) : v)}`);
    if (plan.customFields) sets.push(`custom_fields = $${values.push(JSON.stringify(plan.customFields))}`);
    await sql.run(`UPDATE leads SET ${sets.join(', ')} WHERE id = $1`, values);
  }

  return {
    list: (query) => listLeads(query),
    get: (id) => getLead(db, id),
    update: (id, changes, now) => updateLead(id, changes, now),
    create: async (campaignId, lead, now) => mustGetLead(db, await insertLead(db, campaignId, lead, now)),
    findByPhone: (e164) => findByPhone(e164),
    next: (campaignId, now, exclude) => nextLead(campaignId, now, exclude ?? []),
    history: (leadId, limit) => history(leadId, limit ?? 200),
    callbacks: (leadId) => callbacks(leadId),
    importBatch: (campaignId, leads, duplicates, now) => importBatch(campaignId, leads, duplicates, now),
    importRows: (campaignId, rows, mode, now, source) => importRows(campaignId, rows, mode, now, source),
  };
}

function toLead(r: LeadDbRow): Lead {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    firstName: r.first_name,
    lastName: r.last_name,
    company: r.company,
    email: r.email,
    street: r.street,
    city: r.city,
    region: r.region,
    postalCode: r.postal_code,
    country: r.country,
    timeZone: r.time_zone,
    source: r.source,
    customFields: customOf(r.custom_fields),
    consentAt: r.consent_at,
    inquiryAt: r.inquiry_at,
    lastPurchaseAt: r.last_purchase_at,
    score: r.score,
    priority: r.priority,
    status: r.status,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    dueAt: r.due_at,
    phones: r.phones,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Only string values of an object count as custom fields (as the embedded store reads them). */
function customOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Each number once, in order, leaving out those in `has`. */
function distinctPhones(phones: NewLead['phones'], has: readonly LeadPhone[]): NewLead['phones'] {
  const seen = new Set(has.map((p) => p.e164));
  return phones.filter((p) => !seen.has(p.e164) && (seen.add(p.e164), true));
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function samePhones(a: LeadPhone[], b: NewLead['phones']): boolean {
  return a.length === b.length && a.every((p, i) => p.e164 === b[i].e164 && p.raw === b[i].raw && p.label === b[i].label);
}
