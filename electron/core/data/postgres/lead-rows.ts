/** A lead as its row reads, with its numbers, and the columns its fields are written to. */
import type { Lead, LeadPhone } from '../../../../shared/lead.js';
import type { NewLead } from '../repositories.js';
import { toLead as leadOf, type LeadColumns } from '../shared/lead-rows.js';
import type { Sql } from './connection.js';

/** A lead's row as `leadsSelect` reads it: custom fields as parsed JSON, the numbers as a JSON array. */
export type LeadDbRow = LeadColumns & { phones: LeadPhone[] };

/** Leads (from `source`: the table, or a statement's RETURNING *) with their numbers in their order, in one statement. */
export function leadsSelect(source = 'leads'): string {
  return `SELECT l.*, COALESCE((SELECT json_agg(json_build_object('e164', p.e164, 'raw', p.raw, 'label', p.label, 'bad', p.bad) ORDER BY p.position, p.id)
                                FROM lead_phones p WHERE p.lead_id = l.id), '[]'::json) AS phones
                       FROM ${source} l`;
}
const LEADS_SELECT = leadsSelect();

/** The lead, or null; `lock` holds its row for the rest of the transaction. */
export async function readLead(sql: Sql, id: number, lock = false): Promise<Lead | null> {
  const r = await sql.one<LeadDbRow>(`${LEADS_SELECT} WHERE l.id = $1${lock ? ' FOR UPDATE OF l' : ''}`, [id]);
  return r ? toLead(r) : null;
}

/** The leads of `ids` that exist, their rows held for the rest of the transaction (in id order: no deadlock between two such reads). */
export async function lockLeads(sql: Sql, ids: readonly number[]): Promise<Lead[]> {
  if (ids.length === 0) return [];
  return (await sql.rows<LeadDbRow>(`${LEADS_SELECT} WHERE l.id = ANY($1::bigint[]) ORDER BY l.id FOR UPDATE OF l`, [ids])).map(toLead);
}

export function toLead(r: LeadDbRow): Lead {
  return leadOf(r, r.phones);
}

/** Each number once, in order, leaving out those the lead has (`has`). */
export function distinctPhones(phones: NewLead['phones'], has: readonly LeadPhone[]): NewLead['phones'] {
  const seen = new Set(has.map((p) => p.e164));
  return phones.filter((p) => !seen.has(p.e164) && (seen.add(p.e164), true));
}

/** The values of new leads' columns, one array per column (for unnest), in INSERT_COLUMNS order. */
export function leadColumns(leads: readonly NewLead[]): unknown[][] {
  return [
    leads.map((l) => l.firstName),
    leads.map((l) => l.lastName),
    leads.map((l) => l.company),
    leads.map((l) => l.email),
    leads.map((l) => l.street),
    leads.map((l) => l.city),
    leads.map((l) => l.region),
    leads.map((l) => l.postalCode),
    leads.map((l) => l.country),
    leads.map((l) => l.timeZone),
    leads.map((l) => l.source),
    leads.map((l) => JSON.stringify(l.customFields ?? {})),
    leads.map((l) => l.consentAt),
    leads.map((l) => l.inquiryAt),
    leads.map((l) => l.lastPurchaseAt),
    leads.map((l) => Math.trunc(l.score)),
    leads.map((l) => Math.trunc(l.priority)),
  ];
}

/** The columns `leadColumns` fills, with the type of each array. */
export const INSERT_COLUMNS: ReadonlyArray<[column: string, type: string]> = [
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['company', 'text'],
  ['email', 'text'],
  ['street', 'text'],
  ['city', 'text'],
  ['region', 'text'],
  ['postal_code', 'text'],
  ['country', 'text'],
  ['time_zone', 'text'],
  ['source', 'text'],
  ['custom_fields', 'json'],
  ['consent_at', 'text'],
  ['inquiry_at', 'text'],
  ['last_purchase_at', 'text'],
  ['score', 'int'],
  ['priority', 'int'],
];

/**
 * Inserts new leads of one campaign and their numbers (each once, in their order) in one
 * statement, with the ids given (taken from the leads' sequence beforehand, so the numbers can be
 * written with their leads' ids in the same statement).
 */
export async function insertLeads(sql: Sql, campaignId: number, ids: readonly number[], leads: readonly NewLead[], now: number): Promise<void> {
  const phones = leads.map((l) => distinctPhones(l.phones, []));
  const values: unknown[] = [campaignId, now, ids, ...leadColumns(leads)];
  const cols = INSERT_COLUMNS.map(([c]) => c);
  const arrays = INSERT_COLUMNS.map(([, type], i) => `$${i + 4}::${type === 'json' ? 'text' : type}[]`);
  const picks = INSERT_COLUMNS.map(([c, type]) => (type === 'json' ? `x.${c}::json` : `x.${c}`));
  const p = (v: unknown) => `$${values.push(v)}`;
  const phoneArrays = [
    `${p(phones.flatMap((list, i) => list.map(() => ids[i])))}::bigint[]`,
    `${p(phones.flatMap((list) => list.map((_, k) => k)))}::int[]`,
    `${p(phones.flatMap((list) => list.map((x) => x.e164)))}::text[]`,
    `${p(phones.flatMap((list) => list.map((x) => x.raw)))}::text[]`,
    `${p(phones.flatMap((list) => list.map((x) => x.label)))}::text[]`,
  ];
  await sql.run(
    `WITH l AS (
       INSERT INTO leads (id, campaign_id, ${cols.join(', ')}, status, attempts, created_at, updated_at) OVERRIDING SYSTEM VALUE
       SELECT x.id, $1, ${picks.join(', ')}, 'new', 0, $2, $2
         FROM unnest($3::bigint[], ${arrays.join(', ')}) WITH ORDINALITY AS x(id, ${cols.join(', ')}, ord) ORDER BY x.ord
     )
     INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
     SELECT y.lead_id, $1, y.position, y.e164, y.raw, y.label
       FROM unnest(${phoneArrays.join(', ')}) WITH ORDINALITY AS y(lead_id, position, e164, raw, label, ord) ORDER BY y.ord`,
    values,
  );
}

/** `n` new lead ids, in ascending order. */
export async function newLeadIds(sql: Sql, n: number): Promise<number[]> {
  const rows = await sql.rows<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('leads', 'id')) AS id FROM generate_series(1, $1)`, [n]);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
