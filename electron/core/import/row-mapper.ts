/**
 * One CSV row → one NewLead, or the reason it cannot be imported.
 *
 * Policy (one bad row never sinks the file):
 * - rejected rows (counted in `failed`): wrong column count, no valid phone, a date that is not
 *   YYYY-MM-DD or DD.MM.YYYY (consent and inquiry dates decide warm/cold and the DNC exemption,
 *   so they are never guessed or dropped silently), score/priority not an integer in range;
 * - imported with a note (an `errors` entry whose reason starts with "imported without"): an
 *   invalid extra phone when another phone is valid, an invalid e-mail, an unknown time zone
 *   (left null: the workspace derives it from the number).
 */
import { blankLead, type NewLead } from '../data/repositories.js';
import type { ColumnTarget, LeadField } from '../../../shared/workspace.js';
import { PhoneNormaliser } from './phone-cache.js';
import { cachedTimeZone } from '../data/time-zone.js';

export type RowResult = { lead: NewLead; notes: string[] } | { lead: null; reason: string };

/** Longest text kept per field (as the lead editor allows); longer values are cut. */
const maxLen: Partial<Record<LeadField, number>> = {
  firstName: 100,
  lastName: 100,
  fullName: 200,
  company: 200,
  email: 254,
  street: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  source: 100,
  timeZone: 64,
};
const maxCustomLen = 2000;
const dateFields = new Set<LeadField>(['consentAt', 'inquiryAt', 'lastPurchaseAt']);
const emailPattern = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]{2,}$/;

const zoneCache = new Map<string, string | null>();
/** The canonical IANA name, or null when the runtime does not know the zone. */
export function canonicalTimeZone(zone: string): string | null {
  let r = zoneCache.get(zone);
  if (r === undefined) {
    try {
      r = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      r = null;
    }
    zoneCache.set(zone, r);
  }
  return r;
}

/** YYYY-MM-DD (a time after it is ignored) or DD.MM.YYYY / D.M.YYYY → YYYY-MM-DD; null if not a real date. */
export function parseDate(text: string): string | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: [\d:]+)?$/.exec(text);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "Jan Maria Kowalski" → Jan Maria / Kowalski; "Kowalski, Jan" → Jan / Kowalski. */
export function splitFullName(name: string): { firstName: string; lastName: string } {
  const comma = name.indexOf(',');
  if (comma > 0) return { firstName: name.slice(comma + 1).trim(), lastName: name.slice(0, comma).trim() };
  const space = name.lastIndexOf(' ');
  if (space < 0) return { firstName: name, lastName: '' };
  return { firstName: name.slice(0, space).trim(), lastName: name.slice(space + 1) };
}

export function createRowMapper(headers: readonly string[], mapping: readonly ColumnTarget[], defaultCountry: string, phones = new PhoneNormaliser()) {
  const columns = headers.length;
  const fieldCols: Array<{ col: number; field: LeadField }> = [];
  const phoneCols: Array<{ col: number; label: string | null }> = [];
  const customCols: Array<{ col: number; key: string }> = [];
  mapping.forEach((target, col) => {
    if (col >= columns || target === 'ignore') return;
    if (target.startsWith('custom:')) customCols.push({ col, key: target.slice(7) });
    else if (target === 'phone' || target === 'phone2' || target === 'phone3') phoneCols.push({ col, label: headers[col].trim().slice(0, 40) || null });
    else fieldCols.push({ col, field: target as LeadField });
  });
  // Clipped: a header cell can be megabytes, and it is named in every error of its column.
  const header = (col: number) => clip(headers[col].trim()) || `column ${col + 1}`;
  const defaultCc = defaultCountry.toUpperCase();

  return function mapRow(row: readonly string[]): RowResult {
    if (row.length !== columns) return { lead: null, reason: `${row.length} columns instead of ${columns}` };
    const lead: NewLead = blankLead();
    const notes: string[] = [];
    let fullName = '';
    for (const { col, field } of fieldCols) {
      const raw = row[col].trim();
      if (raw === '') continue;
      const value = raw.length > (maxLen[field] ?? 200) ? raw.slice(0, maxLen[field] ?? 200) : raw;
      if (dateFields.has(field)) {
        const date = parseDate(raw);
        if (date === null) return { lead: null, reason: `column "${header(col)}": "${clip(raw)}" is not a date (use YYYY-MM-DD or DD.MM.YYYY)` };
        (lead as unknown as Record<string, string>)[field] = date;
      } else if (field === 'score' || field === 'priority') {
        const max = field === 'score' ? 1000 : 10;
        const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(n >= 0 && n <= max)) return { lead: null, reason: `column "${header(col)}": "${clip(raw)}" is not a whole number from 0 to ${max}` };
        lead[field] = n;
      } else if (field === 'email') {
        if (emailPattern.test(value)) lead.email = value;
        else notes.push(`imported without e-mail: "${clip(raw)}" is not an e-mail address`);
      } else if (field === 'timeZone') {
        const zone = canonicalTimeZone(value);
        if (zone) lead.timeZone = zone;
        else notes.push(`imported without time zone: "${clip(raw)}" is not a known time zone`);
      } else if (field === 'country') {
        const cc = value.toUpperCase();
        if (/^[A-Z]{2}$/.test(cc)) lead.country = cc;
        else notes.push(`imported without country: "${clip(raw)}" is not a two-letter country code`);
      } else if (field === 'fullName') fullName = value;
      else (lead as unknown as Record<string, string>)[field] = value;
    }
    if (fullName && !lead.firstName && !lead.lastName) Object.assign(lead, splitFullName(fullName));
    for (const { col, key } of customCols) {
      const raw = row[col].trim();
      if (raw !== '') lead.customFields[key] = raw.length > maxCustomLen ? raw.slice(0, maxCustomLen) : raw;
    }
    const country = lead.country || defaultCc;
    let bad: string[] | null = null;
    for (const { col, label } of phoneCols) {
      const raw = row[col].trim();
      if (raw === '') continue;
      const r = phones.normalise(raw, country);
      if (r.ok) {
        if (!lead.phones.some((p) => p.e164 === r.e164)) lead.phones.push({ e164: r.e164, raw, label });
        if (!lead.country && r.country) lead.country = r.country;
      } else (bad ??= []).push(r.reason);
    }
    if (lead.phones.length === 0) return { lead: null, reason: bad ? `no valid phone number (${bad[0]})` : 'no phone number' };
    // No zone in the file: derive it from the number when the number has exactly one.
    if (!lead.timeZone) lead.timeZone = cachedTimeZone(lead.phones[0].e164) ?? null;
    if (bad) for (const reason of bad) notes.push(`imported without a phone: ${reason}`);
    return { lead, notes };
  };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
