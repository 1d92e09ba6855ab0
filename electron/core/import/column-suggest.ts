/** Suggested column mapping from header names, English and Polish, case- and diacritics-insensitive. */
import type { ColumnTarget, LeadField } from '../../../shared/workspace.js';

/** Lower case, Polish/other diacritics removed, punctuation collapsed to single spaces. */
export function foldHeader(h: string): string {
  return h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const synonyms: Array<[LeadField, string[]]> = [
  ['fullName', ['name', 'full name', 'fullname', 'contact name', 'imie i nazwisko', 'nazwa klienta', 'klient', 'osoba']],
  ['firstName', ['first name', 'firstname', 'given name', 'forename', 'imie']],
  ['lastName', ['last name', 'lastname', 'surname', 'family name', 'nazwisko']],
  ['company', ['company', 'company name', 'organisation', 'organization', 'business', 'firma', 'nazwa firmy', 'przedsiebiorstwo']],
  ['email', ['e mail', 'email', 'email address', 'e mail address', 'mail', 'adres e mail', 'adres email']],
  [
    'phone',
    [
      'phone',
      'telephone',
      'phone number',
      'mobile',
      'mobile phone',
      'cell',
      'cell phone',
      'tel',
      'telefon',
      'nr telefonu',
      'numer telefonu',
      'komorka',
      'telefon komorkowy',
      'tel kom',
      'phone 1',
      'telefon 1',
      'phone1',
      'telefon1',
    ],
  ],
  ['street', ['street', 'address', 'street address', 'address 1', 'address line 1', 'ulica', 'adres']],
  ['city', ['city', 'town', 'miasto', 'miejscowosc']],
  ['region', ['region', 'state', 'province', 'county', 'wojewodztwo', 'stan']],
  ['postalCode', ['postal code', 'postcode', 'zip', 'zip code', 'zipcode', 'kod pocztowy', 'kod']],
  ['country', ['country', 'country code', 'kraj', 'panstwo']],
  ['timeZone', ['time zone', 'timezone', 'tz', 'strefa czasowa']],
  ['source', ['source', 'lead source', 'zrodlo', 'zrodlo leada']],
  ['consentAt', ['consent', 'consent date', 'consent at', 'zgoda', 'data zgody']],
  ['inquiryAt', ['inquiry', 'inquiry date', 'enquiry', 'enquiry date', 'zapytanie', 'data zapytania']],
  ['lastPurchaseAt', ['last purchase', 'last purchase date', 'ostatni zakup', 'data ostatniego zakupu']],
  ['score', ['score', 'lead score', 'wynik', 'punkty', 'ocena']],
  ['priority', ['priority', 'priorytet']],
];
const byName = new Map<string, LeadField>();
for (const [field, names] of synonyms) for (const n of names) byName.set(n, field);
const phoneSlots: LeadField[] = ['phone', 'phone2', 'phone3'];

/**
 * One target per header. The first phone-like column is `phone`, the next ones `phone2` and
 * `phone3`; a field already taken, or an unknown header, becomes `custom:<header>` (sanitised to
 * what the IPC contract accepts: letters, digits, `_`, `-`, space, at most 40).
 */
export function suggestMapping(headers: readonly string[]): ColumnTarget[] {
  const taken = new Set<ColumnTarget>();
  const customTaken = new Set<string>();
  return headers.map((h): ColumnTarget => {
    const folded = foldHeader(h);
    let field: LeadField | undefined = byName.get(folded) ?? (/^(phone|telefon|tel|mobile) ?[23]$/.test(folded) ? 'phone' : undefined);
    if (field === 'phone') field = phoneSlots.find((p) => !taken.has(p));
    if (field && !taken.has(field)) {
      taken.add(field);
      return field;
    }
    const name = customName(h, customTaken);
    if (!name) return 'ignore';
    customTaken.add(name);
    return `custom:${name}`;
  });
}

/** A custom field name the contract accepts (`[A-Za-z0-9_ -]{1,40}`), unique within the file. */
export function customName(header: string, taken: ReadonlySet<string> = new Set()): string | null {
  const base = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/[^A-Za-z0-9_ -]+/g, '_')
    .replace(/^[_ ]+|[_ ]+$/g, '')
    .slice(0, 40)
    .trim();
  if (!base) return null;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 40 - String(i).length - 1)}_${i}`;
  return name;
}
