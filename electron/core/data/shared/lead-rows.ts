/**
 * Leads as both stores keep them: the columns of a lead's row and how they read as a `Lead`, a
 * list row or a callback, and what an edit or a merge writes. Each store reads and writes the
 * rows with its own SQL; the mapping and the rules of an edit live here once.
 */
import { leadName, type Callback, type Lead, type LeadPhone, type LeadRow, type LeadStatus } from '../../../../shared/lead.js';
import type { MergePlan } from '../../../../shared/import-merge.js';
import type { LeadChanges, NewLead } from '../repositories.js';

/** A lead's row, by column; `custom_fields` as its JSON value, already decoded. */
export interface LeadColumns {
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
}

/** A flag column: a boolean where the store has one, 0 or 1 where it does not. */
export type Flag = boolean | number;

export function isSet(flag: Flag): boolean {
  return typeof flag === 'number' ? flag !== 0 : flag;
}

/** A number's row (`bad` as the store keeps its flags). */
export interface PhoneColumns {
  e164: string;
  raw: string;
  label: string | null;
  bad: Flag;
}

export function toPhone(p: PhoneColumns): LeadPhone {
  return { e164: p.e164, raw: p.raw, label: p.label, bad: isSet(p.bad) };
}

export function toLead(r: LeadColumns, phones: LeadPhone[]): Lead {
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
    customFields: customFieldsOf(r.custom_fields),
    consentAt: r.consent_at,
    inquiryAt: r.inquiry_at,
    lastPurchaseAt: r.last_purchase_at,
    score: r.score,
    priority: r.priority,
    status: r.status,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    dueAt: r.due_at,
    phones,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Only string values of an object count as custom fields: anything else (damaged, or written by another app) reads as none. */
export function customFieldsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The columns of the lead list, with the lead's first number. */
export type LeadListColumns = Pick<
  LeadColumns,
  'id' | 'first_name' | 'last_name' | 'company' | 'status' | 'attempts' | 'score' | 'last_attempt_at' | 'due_at'
> & {
  phone: string | null;
};

export function toLeadRow(r: LeadListColumns): LeadRow {
  return {
    id: r.id,
    name: leadName({ firstName: r.first_name, lastName: r.last_name, company: r.company }),
    company: r.company,
    phone: r.phone ?? '',
    status: r.status,
    attempts: r.attempts,
    score: r.score,
    lastAttemptAt: r.last_attempt_at,
    dueAt: r.due_at,
  };
}

/** A callback's row, its columns named as the fields (`done` as the store keeps its flags). */
export type CallbackColumns = Omit<Callback, 'done'> & { done: Flag };

export function toCallback(r: CallbackColumns): Callback {
  return { ...r, done: isSet(r.done) };
}

/** What the lead list's search matches: a LIKE pattern (with `\` as its escape) and, for a phone search, the digits' pattern. */
export interface LeadSearch {
  text: string;
  digits: string | null;
}

/** The search of the lead list, or null for none. */
export function leadSearch(search: string | undefined): LeadSearch | null {
  const s = search?.trim() ?? '';
  if (!s) return null;
  const digits = s.replace(/\D/g, '');
  // A phone search: mostly digits ("+48 22 555", "(212) 555-01"), at least three of them.
  const phone = digits.length >= 3 && /^[\d\s+().\-/]+$/.test(s);
  return { text: `%${escapeLike(s)}%`, digits: phone ? `%${digits}%` : null };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Lead columns a change may touch, by the field name callers use. */
export const scalarColumns = {
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
export type ScalarField = keyof typeof scalarColumns;
const scalarFields = Object.keys(scalarColumns) as ScalarField[];

/** One column to set: its field, its column, and the value as stored (whole numbers). */
export interface ColumnValue {
  field: ScalarField;
  column: string;
  value: string | number | null;
}

function columnValue(field: ScalarField, v: string | number | null): ColumnValue {
  return { field, column: scalarColumns[field], value: typeof v === 'number' ? Math.trunc(v) : v };
}

/** What an edit writes; nothing at all when `changed` is empty (no edit, so no event for the CRM either). */
export interface LeadEdit {
  set: ColumnValue[];
  /** The custom fields as JSON, when they change. */
  customFields: string | null;
  /** The new number list in its order, when it changes; a number kept keeps its bad mark. */
  phones: LeadPhone[] | null;
  /** The lead goes back to the queue, due now. */
  reactivate: boolean;
  /** Fields changed, by name. */
  changed: string[];
  /** The history note of the edit. */
  note: string;
}

export function planLeadEdit(before: Lead, changes: LeadChanges): LeadEdit {
  const set: ColumnValue[] = [];
  const changed: string[] = [];
  for (const f of scalarFields) {
    const v = changes[f];
    if (v === undefined || v === before[f]) continue;
    set.push(columnValue(f, v));
    changed.push(f);
  }
  let customFields: string | null = null;
  if (changes.customFields !== undefined && JSON.stringify(changes.customFields) !== JSON.stringify(before.customFields)) {
    customFields = JSON.stringify(changes.customFields);
    changed.push('customFields');
  }
  let phones: LeadPhone[] | null = null;
  let reactivate = false;
  if (changes.phones !== undefined && !samePhones(before.phones, changes.phones)) {
    phones = changes.phones.map((p) => ({ ...p, bad: before.phones.find((o) => o.e164 === p.e164)?.bad === true }));
    changed.push('phones');
    // A lead out of the queue for bad numbers is callable again once it has a good one.
    reactivate = before.status === 'bad-number' && phones.some((p) => !p.bad);
  }
  return { set, customFields, phones, reactivate, changed, note: `Changed ${changed.join(', ')}` };
}

function samePhones(a: LeadPhone[], b: NewLead['phones']): boolean {
  return a.length === b.length && a.every((p, i) => p.e164 === b[i].e164 && p.raw === b[i].raw && p.label === b[i].label);
}

/** The columns a merge plan writes, and the custom fields as JSON when they change. */
export function mergeColumns(plan: MergePlan): { set: ColumnValue[]; customFields: string | null } {
  return {
    set: (Object.entries(plan.set) as Array<[ScalarField, string | number | null]>).map(([f, v]) => columnValue(f, v)),
    customFields: plan.customFields ? JSON.stringify(plan.customFields) : null,
  };
}

/** An import row's custom fields that overwrite the lead's (an empty value keeps what the lead has). */
export function incomingCustomFields(lead: NewLead): Record<string, string> {
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(lead.customFields ?? {})) if (v !== '') custom[k] = v;
  return custom;
}
