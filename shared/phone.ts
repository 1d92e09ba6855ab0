/** Phone numbers: normalised to E.164 with libphonenumber-js; invalid numbers are reported, never guessed. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type NormalisedPhone = { ok: true; e164: string; country: string | null } | { ok: false; reason: string };

export function normalisePhone(raw: string, defaultCountry: string): NormalisedPhone {
  const text = raw.trim();
  if (!text) return { ok: false, reason: 'empty phone number' };
  if (text.length > 40) return { ok: false, reason: 'phone number too long' };
  if (!/^[+()\d\s./-]+(\s*(x|ext\.?)\s*\d+)?$/i.test(text)) return { ok: false, reason: `"${text}" is not a phone number` };
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode);
  if (!parsed) return { ok: false, reason: `"${text}" is not a phone number` };
  if (!parsed.isValid()) return { ok: false, reason: `"${text}" is not a valid number${parsed.country ? ` for ${parsed.country}` : ''}` };
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
}
