/**
 * Public holidays on the called party's local date, for the compliance facts (`publicHoliday`).
 * The calendars come from date-holidays; it stays in the main process so the renderer bundle
 * (which imports shared/) does not carry its data. The pure decision only sees the name.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

// One calendar per country/region (building one parses the country's rules), and each year's
// public holidays by local date: computing a year takes milliseconds, and the gate asks on every
// dial and for every zone of a number.
const calendars = new Map<string, Holidays | null>();
const years = new Map<string, Map<string, string>>();

function calendarFor(country: string, region: string | null): Holidays | null {
  const key = `${country}|${region ?? ''}`;
  let cal = calendars.get(key);
  if (cal !== undefined) return cal;
  cal = null;
  const known = new Holidays().getCountries();
  if (known && Object.hasOwn(known, country)) {
    const regions = region ? new Holidays().getStates(country) : undefined;
    // An unknown region falls back to the country's national holidays.
    const h = regions && region && Object.hasOwn(regions, region) ? new Holidays(country, region) : new Holidays(country);
    cal = h;
  }
  calendars.set(key, cal);
  return cal;
}

/**
 * The name of the public holiday on the local date in `zone` at `now` (epoch ms) in `country`
 * (ISO 3166, e.g. `PL`) and optionally its `region` (`ENG`, `SCT`, `BY`…), or null when that day
 * is none, or the country, zone or date is unknown. Only public holidays count (not bank-only,
 * school or observance days). Never throws: a failure here must not stop the gate, which then
 * decides without a holiday.
 */
export function publicHolidayAt(country: string, region: string | null, zone: string, now: number): string | null {
  try {
    if (!/^[A-Z]{2}$/.test(country)) return null;
    const local = DateTime.fromMillis(now, { zone });
    if (!local.isValid) return null;
    const reg = region && /^[A-Za-z0-9]{1,6}$/.test(region) ? region.toUpperCase() : null;
    const cal = calendarFor(country, reg);
    if (!cal) return null;
    const key = `${country}|${reg ?? ''}|${local.year}`;
    let byDate = years.get(key);
    if (!byDate) {
      byDate = new Map();
      // `date` is the holiday's local start ("2026-11-11 00:00:00"); keying by the date avoids
      // date-holidays' own idea of the zone.
      for (const h of cal.getHolidays(local.year) || []) {
        if (h.type !== 'public') continue;
        const day = h.date.slice(0, 10);
        const before = byDate.get(day);
        byDate.set(day, before ? `${before}; ${h.name}` : h.name);
      }
      years.set(key, byDate);
    }
    return byDate.get(local.toISODate() ?? '') ?? null;
  } catch {
    return null;
  }
}
