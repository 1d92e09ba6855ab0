/**
 * Calling hours in the called party's local time (part of the compliance gate).
 * The statutory hours come from the rule packs (rule-packs.ts): US 8:00–21:00 every day; Canada
 * 9:00–21:30 on weekdays, 10:00–18:00 on weekends. States and provinces can be stricter
 * (configurable overrides, e.g. US-FL ends at 20:00). Countries without statutory hours are
 * checked against the campaign's own window, passed in as `rule`.
 * When the local time cannot be known the call is blocked; when the number could be in several
 * zones it is allowed only inside the window valid in every one of them. Pure: main decides and
 * records the decision; the UI shows the reason.
 */
import { DateTime } from 'luxon';
import { rulePacks } from './rule-packs.js';

/** Local "HH:mm"; `end` is exclusive (21:00 means the last allowed minute is 20:59). */
export interface HoursWindow {
  start: string;
  end: string;
}

/** A window per kind of day; null = no telemarketing calls that day. */
export interface HoursRule {
  weekday: HoursWindow | null;
  saturday: HoursWindow | null;
  sunday: HoursWindow | null;
}

export interface CallingHoursPolicy {
  /** Statutory hours by ISO country. Countries not listed have no statutory rule here. */
  countries: Record<string, HoursRule>;
  /** Stricter rules by region: `US-FL`, `CA-QC`… (any day kind left out keeps the country's). */
  regions: Record<string, Partial<HoursRule>>;
}

/** Every pack's statutory hours (US, CA), no region overrides. */
export const defaultCallingHours: CallingHoursPolicy = {
  countries: Object.fromEntries(Object.values(rulePacks).flatMap((p) => (p.hours && p.country ? [[p.country, p.hours]] : []))),
  regions: {},
};

export interface HoursDecision {
  allowed: boolean;
  /** In words, e.g. "20:15 Wed in America/New_York, inside 08:00–21:00". */
  reason: string;
  /** Local time in each zone considered. */
  localTimes: Array<{ zone: string; local: string; window: string | null; inside: boolean }>;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** An end may also be 24:00: until midnight, the whole last minute included. */
const END = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function minutes(hhmm: string): number {
  const m = END.exec(hhmm);
  if (!m) throw new RangeError(`"${hhmm}" is not a HH:mm time`);
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

/** What is wrong with a window, in words, or null when it is a valid `HH:mm`–`HH:mm` with start < end. */
export function hoursWindowProblem(w: HoursWindow): string | null {
  if (!HHMM.test(w.start)) return `start "${w.start}" is not a 24-hour HH:mm time (e.g. 08:00)`;
  if (!END.test(w.end)) return `end "${w.end}" is not a 24-hour HH:mm time (e.g. 21:00, or 24:00 for midnight)`;
  if (minutes(w.start) >= minutes(w.end))
    return `the window ${w.start}–${w.end} must end after it starts (the end is exclusive: 08:00–21:00 allows 08:00 to 20:59)`;
  return null;
}

function ruleFor(policy: CallingHoursPolicy, country: string, region: string | null, given: HoursRule | undefined): HoursRule | null {
  const base = given ?? (Object.hasOwn(policy.countries, country) ? policy.countries[country] : undefined);
  if (!base) return null;
  const key = `${country}-${region}`;
  const override = region && Object.hasOwn(policy.regions, key) ? policy.regions[key] : undefined;
  if (!override) return base;
  // Only the day kinds the override names (a key present but undefined keeps the country's).
  const merged = { ...base };
  for (const k of ['weekday', 'saturday', 'sunday'] as const) if (override[k] !== undefined) merged[k] = override[k];
  return merged;
}

function windowFor(rule: HoursRule, local: DateTime): HoursWindow | null {
  if (local.weekday === 6) return rule.saturday;
  if (local.weekday === 7) return rule.sunday;
  return rule.weekday;
}

/**
 * May a telemarketing call reach this number now?
 * `zones`: every IANA zone the called party could be in (from the lead, else from the number).
 * `rule`: the hours to check instead of the policy's for the country (a campaign's window);
 * the policy's region overrides for the country still apply to it.
 */
export function checkCallingHours(input: {
  country: string;
  region?: string | null;
  zones: readonly string[];
  now: number;
  policy?: CallingHoursPolicy;
  rule?: HoursRule;
}): HoursDecision {
  const policy = input.policy ?? defaultCallingHours;
  const rule = ruleFor(policy, input.country, input.region ?? null, input.rule);
  if (!rule) return { allowed: true, reason: `No calling-hours rule for ${input.country || 'this country'}.`, localTimes: [] };
  const zones = [...new Set(input.zones)];
  if (zones.length === 0)
    return { allowed: false, reason: 'Blocked: the called party’s local time is unknown (no time zone for the lead or its number).', localTimes: [] };
  const localTimes = zones.map((zone) => {
    const local = DateTime.fromMillis(input.now, { zone });
    if (!local.isValid) return { zone, local: 'unknown', window: null, inside: false };
    const w = windowFor(rule, local);
    const at = local.hour * 60 + local.minute;
    const inside = w !== null && at >= minutes(w.start) && at < minutes(w.end);
    return { zone, local: local.toFormat('HH:mm ccc'), window: w ? `${w.start}–${w.end}` : null, inside };
  });
  const outside = localTimes.filter((t) => !t.inside);
  const describe = (t: (typeof localTimes)[number]): string =>
    `${t.local} in ${t.zone}, ${t.window ? `${t.inside ? 'inside' : 'outside'} ${t.window}` : 'no calls that day'}`;
  if (outside.length === 0) return { allowed: true, reason: `Allowed: ${localTimes.map(describe).join('; ')}.`, localTimes };
  return {
    allowed: false,
    reason: `Blocked: ${outside.map(describe).join('; ')}${zones.length > 1 ? ' (the number could be in any of these zones)' : ''}.`,
    localTimes,
  };
}
