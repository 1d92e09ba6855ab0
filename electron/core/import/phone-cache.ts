/**
 * normalisePhone with a bounded cache keyed by default country + raw text: lists repeat numbers
 * (duplicates, switchboards, the same number in two columns) and libphonenumber-js costs tens of
 * microseconds per call. Results are exactly normalisePhone's.
 */
import { normalisePhone, type NormalisedPhone } from '../../../shared/phone.js';

export class PhoneNormaliser {
  private cache = new Map<string, NormalisedPhone>();

  constructor(private readonly maxEntries = 200_000) {}

  normalise(raw: string, defaultCountry: string): NormalisedPhone {
    const key = defaultCountry + raw;
    let r = this.cache.get(key);
    if (r === undefined) {
      r = normalisePhone(raw, defaultCountry);
      // Cheap bound: start over rather than track recency (a list's repeats are usually close).
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(key, r);
    }
    return r;
  }
}
