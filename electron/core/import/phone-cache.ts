/**
 * normalisePhone, made fast enough for million-row imports, with exactly its answers.
 *
 * libphonenumber-js costs 50–170 µs per number here (parse + validity over every number type).
 * Validity and the E.164 form of a number written as plain digits depend on its country, its
 * prefix and its length — the national numbering plans in libphonenumber's metadata constrain
 * the leading digits, and end in a free run of at least four digits. So numbers that differ only
 * in their last four digits get the same verdict, and E.164 forms that differ only there too.
 * We therefore remember the verdict per (default country, written prefix, digits-but-the-last-4,
 * length) and splice the last four digits in. Anything unusual (letters, extensions, short
 * numbers) goes to normalisePhone directly; invalid numbers always do (their message quotes the
 * input). tests/unit/import/phone-cache.test.ts checks the two agree on many thousands of
 * numbers across countries and formats.
 */
import { normalisePhone, type NormalisedPhone } from '../../../shared/phone.js';

const PLAIN = /^\+?[\d\s()./-]+$/;

type Verdict = { ok: true; head: string; country: string | null } | { ok: false };

export class PhoneNormaliser {
  private readonly verdicts = new Map<string, Verdict>();
  hits = 0;

  constructor(private readonly maxEntries = 500_000) {}

  normalise(raw: string, defaultCountry: string): NormalisedPhone {
    const text = raw.trim();
    if (!PLAIN.test(text)) return normalisePhone(raw, defaultCountry);
    const plus = text.startsWith('+');
    const digits = text.replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 17) return normalisePhone(raw, defaultCountry);
    const tail = digits.slice(-4);
    const key = `${defaultCountry}${plus ? '+' : ''}${digits.slice(0, -4)}|${digits.length}`;
    const known = this.verdicts.get(key);
    if (known) {
      this.hits++;
      return known.ok ? { ok: true, e164: known.head + tail, country: known.country } : normalisePhone(raw, defaultCountry);
    }
    const result = normalisePhone(raw, defaultCountry);
    // Only remember what can be spliced: the E.164 form ends with the same four digits.
    if (!result.ok || result.e164.endsWith(tail)) {
      if (this.verdicts.size >= this.maxEntries) this.verdicts.clear();
      this.verdicts.set(key, result.ok ? { ok: true, head: result.e164.slice(0, -4), country: result.country } : { ok: false });
    }
    return result;
  }
}
