/**
 * An imported row whose number is already on a lead: what it changes, what the report says and
 * what the lead's history keeps. Merge fills what the lead lacks and never overwrites: where both
 * have a value and the values differ, the lead's stays and the row's is written into the lead's
 * history. Replace writes the row's values over the lead's and keeps the old ones in the history.
 * A cell the row leaves empty never erases anything in either mode.
 */
import type { DuplicateMode, ImportConflict, ImportDuplicate } from './import.js';
import type { Lead } from './lead.js';

/** The lead's own fields a row can bring (its numbers are merged apart). */
export const mergeFields = [
  'firstName',
  'lastName',
  'company',
  'email',
  'street',
  'city',
  'region',
  'postalCode',
  'country',
  'timeZone',
  'source',
  'consentAt',
  'inquiryAt',
  'lastPurchaseAt',
  'score',
  'priority',
] as const;
export type MergeField = (typeof mergeFields)[number];
export type MergeData = Pick<Lead, MergeField | 'customFields'>;

const labels: Record<MergeField, string> = {
  firstName: 'first name',
  lastName: 'last name',
  company: 'company',
  email: 'e-mail',
  street: 'street',
  city: 'city',
  region: 'region',
  postalCode: 'postal code',
  country: 'country',
  timeZone: 'time zone',
  source: 'source',
  consentAt: 'consent date',
  inquiryAt: 'inquiry date',
  lastPurchaseAt: 'last purchase date',
  score: 'score',
  priority: 'priority',
};

export interface MergePlan {
  /** The fields to write, with their new values (only those that change). */
  set: Partial<Record<MergeField, string | number | null>>;
  /** The lead's custom fields after the merge, or null when they stay as they are. */
  customFields: Record<string, string> | null;
  /** Fields the row filled, by label. */
  filled: string[];
  conflicts: ImportConflict[];
}

/** Empty as an import writes it: no text, no date or zone, and 0 for a score or priority the file did not have. */
function isEmpty(v: string | number | null | undefined): boolean {
  return v === '' || v === null || v === undefined || v === 0;
}

function same(field: MergeField | null, a: string | number, b: string | number): boolean {
  // An e-mail address is the same address whatever its letters' case.
  if (field === 'email') return String(a).toLowerCase() === String(b).toLowerCase();
  return String(a) === String(b);
}

/** What merging `row` into `lead` changes, for `merge` (fill empty only) or `replace`. */
export function planMerge(lead: MergeData, row: MergeData, mode: Exclude<DuplicateMode, 'skip'>): MergePlan {
  const plan: MergePlan = { set: {}, customFields: null, filled: [], conflicts: [] };
  const take = (label: string, have: string | number | null | undefined, incoming: string | number | null | undefined, field: MergeField | null): boolean => {
    if (isEmpty(incoming)) return false;
    if (isEmpty(have)) {
      plan.filled.push(label);
      return true;
    }
    if (same(field, have!, incoming!)) return false;
    if (mode === 'merge') {
      plan.conflicts.push({ field: label, kept: String(have), other: String(incoming) });
      return false;
    }
    plan.conflicts.push({ field: label, kept: String(incoming), other: String(have) });
    return true;
  };
  for (const f of mergeFields) if (take(labels[f], lead[f], row[f], f)) plan.set[f] = row[f];
  const custom = { ...lead.customFields };
  let customChanged = false;
  for (const [key, value] of Object.entries(row.customFields)) {
    if (take(`field "${key}"`, custom[key], value, null)) {
      custom[key] = value;
      customChanged = true;
    }
  }
  if (customChanged) plan.customFields = custom;
  return plan;
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** How many conflicts one report line spells out; the rest are counted. */
const conflictsPerLine = 3;

/** The report's line for a duplicate: "row 5: same number as row 1; company differs — kept 'Łódzkie Okna', the other value is in the history". */
export function duplicateMessage(d: Omit<ImportDuplicate, 'message'>): string {
  const parts = [`row ${d.row}: same number as ${'row' in d.sameAs ? `row ${d.sameAs.row}` : `an existing lead (${d.sameAs.name})`}`];
  if (d.action === 'skip') return [...parts, 'skipped'].join('; ');
  const shown = d.conflicts.slice(0, conflictsPerLine);
  const more = d.conflicts.length - shown.length;
  const values = d.conflicts.length === 1 ? 'value is' : 'values are';
  if (d.conflicts.length > 0) {
    const told =
      d.action === 'merge'
        ? shown.map((c) => `${c.field} differs — kept '${clip(c.kept)}'`)
        : shown.map((c) => `replaced ${c.field} '${clip(c.other)}' with '${clip(c.kept)}'`);
    if (more > 0) told.push(d.action === 'merge' ? `${more} more field${more === 1 ? '' : 's'} differ` : `${more} more field${more === 1 ? '' : 's'}`);
    parts.push(`${told.join('; ')}, the ${d.action === 'merge' ? 'other' : 'old'} ${values} in the history`);
  }
  if (d.filled.length > 0) parts.push(`filled ${list(d.filled)}`);
  if (d.conflicts.length === 0 && d.filled.length === 0) parts.push('nothing new');
  return parts.join('; ');
}

/** The lead's history entry for a merged or replaced row: every value not kept, in full. */
export function historyNote(
  source: string,
  row: number,
  action: Exclude<DuplicateMode, 'skip'>,
  filled: readonly string[],
  conflicts: readonly ImportConflict[],
): string {
  const from = `${source ? `Import of ${source}` : 'Import'}, row ${row} (same number)`;
  const told = conflicts.map((c) =>
    action === 'merge' ? `${c.field} in the file was '${c.other}', kept '${c.kept}'` : `${c.field} was '${c.other}', replaced by '${c.kept}'`,
  );
  if (filled.length > 0) told.push(`filled ${list([...filled])}`);
  return `${from}: ${told.length > 0 ? told.join('; ') : 'nothing new'}.`;
}
