/**
 * decideCompliance against an independent, plain implementation of the law, over
 * tens of thousands of generated calls. The oracle below shares no code with shared/compliance.ts,
 * shared/calling-hours.ts or shared/rule-packs.ts: local time comes from Intl.DateTimeFormat,
 * months from Date.UTC arithmetic, and the windows/months/exempt kinds/snapshot limits/consent
 * rules of each country (US, CA, PL, GB, any other) are written out here as the law states them
 * (only the region overrides and the workspace's snapshot limit are read from the generated
 * policy; the campaign's window, holiday and call kind from the generated facts).
 *
 * Reproduce a failure: COMPLIANCE_SEED=<seed printed> npx vitest run --project unit tests/unit/compliance/decision-random.test.ts
 * More cases: COMPLIANCE_CASES=200000.
 */
import { mulberry32 } from '../../support/prng';
import { describe, expect, it } from 'vitest';
import type { HoursRule, HoursWindow } from '../../../shared/calling-hours';
import type { CampaignKind } from '../../../shared/campaign';
import {
  decideCompliance,
  defaultCompliancePolicy,
  type CheckOutcome,
  type CheckRule,
  type ComplianceDecision,
  type ComplianceFacts,
  type CompliancePolicy,
  type EvidenceDates,
} from '../../../shared/compliance';

const SEED = process.env.COMPLIANCE_SEED ? Number(process.env.COMPLIANCE_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const CASES = process.env.COMPLIANCE_CASES ? Number(process.env.COMPLIANCE_CASES) : 25_000;

const DAY = 86_400_000;
const MINUTE = 60_000;

// ───────────────────────────── the oracle: the law, written plainly ─────────────────────────────

type Basis = 'charity' | 'political' | 'survey' | 'written-consent' | 'ebr-purchase' | 'ebr-inquiry';
type RegistryReason = 'not-imported' | 'stale' | 'listed' | null;
type HoursReason = 'unknown-zone' | 'outside' | 'holiday' | null;
type Registry = 'US' | 'CA' | 'GB';

interface Expected {
  allowed: boolean;
  checks: Array<[CheckRule, CheckOutcome]>;
  pack: 'US' | 'CA' | 'PL' | 'GB' | 'default';
  registry: Registry | null;
  snapshotLimit: number | null;
  registryReason: RegistryReason;
  snapshotAgeDays: number | null;
  exemption: { basis: Basis; validUntil: string | null } | null;
  hoursReason: HoursReason;
  localTimes: Array<{ zone: string; hhmm: string | null; window: string | null; inside: boolean }>;
}

/** The law's calling hours (local time, end exclusive). */
const LAW_HOURS: Record<'US' | 'CA', { weekday: HoursWindow; saturday: HoursWindow; sunday: HoursWindow }> = {
  US: { weekday: { start: '08:00', end: '21:00' }, saturday: { start: '08:00', end: '21:00' }, sunday: { start: '08:00', end: '21:00' } },
  CA: { weekday: { start: '09:00', end: '21:30' }, saturday: { start: '10:00', end: '18:00' }, sunday: { start: '10:00', end: '18:00' } },
};
/** Everywhere else (PL, GB, any other country): the campaign's window, by default this one. */
const DEFAULT_CAMPAIGN_WINDOW: { weekday: HoursWindow | null; saturday: HoursWindow | null; sunday: HoursWindow | null } = {
  weekday: { start: '08:00', end: '21:00' },
  saturday: { start: '09:00', end: '18:00' },
  sunday: null,
};
/** Existing business relationship, in calendar months (none in the UK). */
const LAW_EBR: Record<Registry, { purchase: number; inquiry: number } | null> = {
  US: { purchase: 18, inquiry: 3 },
  CA: { purchase: 18, inquiry: 6 },
  GB: null,
};
/** Kinds the registry does not cover: PECR's direct marketing includes charities and politics. */
const LAW_EXEMPT_KINDS: Record<Registry, string[]> = { US: ['charity', 'political', 'survey'], CA: ['charity', 'political', 'survey'], GB: ['survey'] };
/** Snapshot age limit in days (UK: a number is protected 28 days after listing). */
const LAW_SNAPSHOT_DAYS: Record<Registry, number> = { US: 31, CA: 31, GB: 28 };
/** Kinds whose pre-recorded calls need no consent, per pack. */
const LAW_PRERECORDED_FREE: Record<Expected['pack'], string[]> = { US: [], CA: ['survey'], PL: ['survey'], GB: ['survey'], default: [] };
/** Poland: every direct-marketing call needs prior consent; a survey is not direct marketing. */
const PL_NOT_MARKETING = ['survey'];

/** Midnight UTC of a YYYY-MM-DD date, or null when it is not a real date. */
function parseDay(text: string | null): { y: number; m: number; d: number; ms: number } | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return { y, m, d, ms };
}

/** Days in a month (m = 1..12). */
function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate(); // day 0 of the next month = last day of this one
}

/** Midnight UTC of y-m-d plus n calendar months; a day past the target month's end is clamped to its last day. */
function addMonths(y: number, m: number, d: number, n: number): number {
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return Date.UTC(ty, tm - 1, Math.min(d, daysInMonth(ty, tm)));
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD evidence date that is real and not after now. */
function usableDay(text: string | null, now: number) {
  const day = parseDay(text);
  return day && day.ms <= now ? day : null;
}

function lawExemption(registry: Registry, kind: CampaignKind | null, ev: EvidenceDates | null, now: number): Expected['exemption'] {
  if (kind !== null && LAW_EXEMPT_KINDS[registry].includes(kind)) return { basis: kind as Basis, validUntil: null };
  if (!ev) return null;
  // Evidence dated after now is not evidence.
  const usable = (text: string | null) => usableDay(text, now);
  if (usable(ev.consentAt)) return { basis: 'written-consent', validUntil: null };
  const law = LAW_EBR[registry];
  if (!law) return null;
  let best: { basis: Basis; end: number } | null = null;
  const ebr: Array<[Basis, string | null, number]> = [
    ['ebr-purchase', ev.lastPurchaseAt, law.purchase],
    ['ebr-inquiry', ev.inquiryAt, law.inquiry],
  ];
  for (const [basis, text, months] of ebr) {
    const day = usable(text);
    if (!day) continue;
    const end = addMonths(day.y, day.m, day.d, months);
    if (!(now < end)) continue;
    // Whichever ends later; on a tie the purchase (listed first) is kept.
    if (best === null || end > best.end) best = { basis, end };
  }
  return best ? { basis: best.basis, validUntil: isoDay(best.end - DAY) } : null;
}

const clockFormats = new Map<string, Intl.DateTimeFormat | null>();
/** The wall clock in a zone: minutes since local midnight and the local weekday, null for an unknown zone. */
function wallClock(zone: string, now: number): { minutes: number; weekday: string; hhmm: string } | null {
  let f = clockFormats.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    } catch {
      f = null;
    }
    clockFormats.set(zone, f);
  }
  if (!f) return null;
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return { minutes: hour * 60 + minute, weekday: parts.weekday, hhmm: `${parts.hour}:${parts.minute}` };
}

function hhmmToMinutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

function expectedDecision(f: ComplianceFacts, policy: CompliancePolicy): Expected {
  const checks: Expected['checks'] = [];
  checks.push(['internal-dnc', f.onInternalDnc ? 'block' : 'pass']);
  const pack: Expected['pack'] = f.country === 'US' || f.country === 'CA' || f.country === 'PL' || f.country === 'GB' ? f.country : 'default';

  // National registry: US, Canadian and UK numbers.
  const registry: Registry | null = pack === 'US' || pack === 'CA' || pack === 'GB' ? pack : null;
  let exemption: Expected['exemption'] = null;
  let registryReason: RegistryReason = null;
  let snapshotAgeDays: number | null = null;
  // The workspace may be stricter than the law, never laxer.
  const snapshotLimit = registry ? Math.min(policy.maxSnapshotAgeDays, LAW_SNAPSHOT_DAYS[registry]) : null;
  if (registry === null) {
    checks.push(['registry', 'not-applicable']);
  } else {
    exemption = lawExemption(registry, f.campaignKind, f.evidence, f.now);
    const r = f.registry && f.registry.name === registry ? f.registry : null;
    const imported = r !== null && r.state.loaded && r.state.snapshotAt !== null && r.listed !== null;
    if (exemption) checks.push(['registry', 'exempt']);
    else if (!imported) registryReason = 'not-imported';
    else if (f.now - r.state.snapshotAt! > snapshotLimit! * DAY) {
      registryReason = 'stale';
      snapshotAgeDays = Math.floor((f.now - r.state.snapshotAt!) / DAY);
    } else if (r.listed) registryReason = 'listed';
    else checks.push(['registry', 'pass']);
    if (registryReason) checks.push(['registry', 'block']);
  }

  // Consent: a pre-recorded message anywhere, and every direct-marketing call in Poland.
  const prerecorded = f.callKind === 'prerecorded';
  if (prerecorded || pack === 'PL') {
    const kind = f.campaignKind ?? '';
    const needed = prerecorded ? !LAW_PRERECORDED_FREE[pack].includes(kind) : !PL_NOT_MARKETING.includes(kind);
    checks.push(['consent', !needed ? 'not-applicable' : usableDay(f.evidence?.consentAt ?? null, f.now) ? 'pass' : 'block']);
  }

  // Calling hours in every zone the called party could be in: the law's in the US and Canada,
  // else the campaign's window (and no calls on a public holiday if the campaign says so).
  let hoursReason: HoursReason = null;
  const localTimes: Expected['localTimes'] = [];
  const law = f.country === 'US' || f.country === 'CA' ? LAW_HOURS[f.country] : null;
  const override = law && f.region ? policy.callingHours.regions[`${f.country}-${f.region}`] : undefined;
  const days = law ?? f.callingWindow ?? DEFAULT_CAMPAIGN_WINDOW;
  const windowOn = (weekday: string): HoursWindow | null => {
    const kind: keyof HoursRule = weekday === 'Sat' ? 'saturday' : weekday === 'Sun' ? 'sunday' : 'weekday';
    if (override && kind in override) return override[kind] ?? null;
    return days[kind];
  };
  const zones = f.zones.filter((z, i) => f.zones.indexOf(z) === i);
  if (zones.length === 0) hoursReason = 'unknown-zone';
  for (const zone of zones) {
    const clock = wallClock(zone, f.now);
    if (!clock) {
      localTimes.push({ zone, hhmm: null, window: null, inside: false });
      continue;
    }
    const w = windowOn(clock.weekday);
    const inside = w !== null && clock.minutes >= hhmmToMinutes(w.start) && clock.minutes < hhmmToMinutes(w.end);
    localTimes.push({ zone, hhmm: clock.hhmm, window: w ? `${w.start}–${w.end}` : null, inside });
  }
  const holiday = !law && f.publicHoliday && f.skipPublicHolidays !== false && localTimes.some((t) => t.hhmm !== null);
  if (holiday) hoursReason = 'holiday';
  else if (zones.length > 0 && localTimes.some((t) => !t.inside)) hoursReason = 'outside';
  checks.push(['calling-hours', hoursReason ? 'block' : 'pass']);

  return {
    allowed: checks.every(([, o]) => o !== 'block'),
    checks,
    pack,
    registry,
    snapshotLimit,
    registryReason,
    snapshotAgeDays,
    exemption,
    hoursReason,
    localTimes,
  };
}

/** Where the implementation's decision differs from the oracle's, in words (empty when they agree). */
function compare(actual: ComplianceDecision, exp: Expected): string[] {
  const diffs: string[] = [];
  if (actual.allowed !== exp.allowed) diffs.push(`allowed: got ${actual.allowed}, expected ${exp.allowed}`);
  const got = actual.checks.map((c) => `${c.rule}:${c.outcome}`).join(' ');
  const want = exp.checks.map(([r, o]) => `${r}:${o}`).join(' ');
  if (got !== want) diffs.push(`checks: got [${got}], expected [${want}]`);
  if (actual.registry !== exp.registry) diffs.push(`registry: got ${actual.registry}, expected ${exp.registry}`);
  if (actual.pack?.id !== exp.pack) diffs.push(`pack: got ${actual.pack?.id}, expected ${exp.pack}`);
  if (!actual.pack?.source) diffs.push('pack: no source cited');
  const gotEx = actual.exemption ? `${actual.exemption.basis} until ${actual.exemption.validUntil}` : 'none';
  const wantEx = exp.exemption ? `${exp.exemption.basis} until ${exp.exemption.validUntil}` : 'none';
  if (gotEx !== wantEx) diffs.push(`exemption: got ${gotEx}, expected ${wantEx}`);

  const regDetail = actual.checks.find((c) => c.rule === 'registry')?.detail ?? '';
  if (exp.registryReason === 'not-imported' && !regDetail.includes('has not been imported'))
    diffs.push(`registry detail should say not imported: "${regDetail}"`);
  if (exp.registryReason === 'stale' && !regDetail.includes(`is ${exp.snapshotAgeDays} days old (limit ${exp.snapshotLimit})`))
    diffs.push(`registry detail should say ${exp.snapshotAgeDays} days old (limit ${exp.snapshotLimit}): "${regDetail}"`);
  if (exp.registryReason === 'listed' && !regDetail.includes(' is on the ')) diffs.push(`registry detail should say the number is listed: "${regDetail}"`);

  // The summary gives the first blocking reason, or why it is allowed.
  const first = exp.checks.find(([, o]) => o === 'block')?.[0];
  const words =
    first === 'internal-dnc'
      ? 'internal Do-Not-Call'
      : first === 'registry'
        ? { 'not-imported': 'has not been imported', stale: 'days old', listed: ' is on the ' }[exp.registryReason!]
        : first === 'consent'
          ? "needs the subscriber's prior consent"
          : first === 'calling-hours'
            ? exp.hoursReason === 'unknown-zone'
              ? 'local time is unknown'
              : exp.hoursReason === 'holiday'
                ? 'is a public holiday'
                : exp.pack === 'US' || exp.pack === 'CA'
                  ? 'Blocked: '
                  : "the campaign's calling window"
            : exp.exemption
              ? 'Allowed (exempt)'
              : 'Allowed: every check passed.';
  if (!actual.summary.includes(words)) diffs.push(`summary should contain "${words}": "${actual.summary}"`);
  if (!exp.allowed && !actual.summary.startsWith('Blocked')) diffs.push(`summary of a blocked call should start with Blocked: "${actual.summary}"`);

  {
    const gotLt = actual.localTimes
      .map((t) => `${t.zone}=${t.inside ? 'in' : 'out'}@${t.local === 'unknown' ? '?' : t.local.slice(0, 5)}/${t.window}`)
      .join(' ');
    const wantLt = exp.localTimes.map((t) => `${t.zone}=${t.inside ? 'in' : 'out'}@${t.hhmm ?? '?'}/${t.window}`).join(' ');
    if (gotLt !== wantLt) diffs.push(`local times: got [${gotLt}], expected [${wantLt}]`);
  }
  return diffs;
}

// ───────────────────────────── generating cases ─────────────────────────────

const US_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'];
const CA_ZONES = ['America/Toronto', 'America/Halifax', 'America/St_Johns', 'America/Vancouver', 'America/Winnipeg', 'America/Regina'];
const PL_ZONES = ['Europe/Warsaw'];
const GB_ZONES = ['Europe/London'];
const OTHER_ZONES = ['Europe/Berlin', 'Asia/Kolkata', 'Asia/Manila', 'America/Mexico_City'];
const ALL_ZONES = [...US_ZONES, ...CA_ZONES, ...PL_ZONES, ...GB_ZONES, ...OTHER_ZONES];
const HOLIDAYS = ['Narodowe Święto Niepodległości', 'Christmas Day', 'Tag der Deutschen Einheit'];
const US_REGIONS = ['FL', 'NY', 'TX', 'CA', 'AZ', 'HI', 'AK', 'IL'];
const CA_REGIONS = ['ON', 'QC', 'BC', 'NS', 'NL', 'MB', 'SK'];
const KINDS: Array<CampaignKind | null> = ['outbound', 'inbound', 'lead-generation', 'sales', 'survey', 'appointment-setting', 'charity', 'political', null];
const OVERRIDE_WINDOWS: Array<HoursWindow | null> = [
  { start: '08:00', end: '20:00' },
  { start: '09:00', end: '20:00' },
  { start: '08:00', end: '21:00' },
  { start: '10:00', end: '17:00' },
  { start: '09:30', end: '19:45' },
  { start: '12:00', end: '18:00' },
  null,
];
const EDGE_TIMES = ['00:00', '08:00', '09:00', '09:30', '10:00', '12:00', '17:00', '18:00', '19:45', '20:00', '21:00', '21:30'];

const RANGE_START = Date.UTC(2026, 0, 1);
const RANGE_END = Date.UTC(2028, 0, 1);

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** Offset of a zone at an instant (ms to add to UTC to get the wall clock), for building cases only. */
function offsetAt(zone: string, ms: number): number {
  let f = wallFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time in a zone (for a skipped time, one near it). */
function zonedInstant(zone: string, y: number, m: number, d: number, minuteOfDay: number): number {
  const wall = Date.UTC(y, m - 1, d, 0, minuteOfDay);
  let t = wall;
  for (let i = 0; i < 3; i++) t = wall - offsetAt(zone, t);
  return t;
}

/** DST switches of each zone in the range (to the minute). */
const transitions = new Map<string, number[]>();
function transitionsOf(zone: string): number[] {
  let list = transitions.get(zone);
  if (list) return list;
  list = [];
  for (let t = RANGE_START; t < RANGE_END; t += DAY) {
    if (offsetAt(zone, t) === offsetAt(zone, t + DAY)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetAt(zone, mid) === offsetAt(zone, lo)) lo = mid;
      else hi = mid;
    }
    list.push(hi);
  }
  transitions.set(zone, list);
  return list;
}

interface Case {
  facts: ComplianceFacts;
  policy: CompliancePolicy;
}

function makeGenerator(seed: number) {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;

  function policy(): CompliancePolicy {
    const maxSnapshotAgeDays = chance(0.6) ? 31 : pick([1, 7, 30, 32, 45, 90]);
    const regions: Record<string, Partial<HoursRule>> = {};
    if (chance(0.35)) {
      const n = int(1, 3);
      for (let i = 0; i < n; i++) {
        const key = chance(0.55) ? `US-${pick(US_REGIONS)}` : `CA-${pick(CA_REGIONS)}`;
        const o: Partial<HoursRule> = {};
        if (chance(0.8)) o.weekday = pick(OVERRIDE_WINDOWS);
        if (chance(0.5)) o.saturday = pick(OVERRIDE_WINDOWS);
        if (chance(0.5)) o.sunday = pick(OVERRIDE_WINDOWS);
        regions[key] = o;
      }
    }
    return { ...defaultCompliancePolicy, maxSnapshotAgeDays, callingHours: { ...defaultCompliancePolicy.callingHours, regions } };
  }

  function zonesFor(country: string | null): string[] {
    const home = country === 'US' ? US_ZONES : country === 'CA' ? CA_ZONES : country === 'PL' ? PL_ZONES : country === 'GB' ? GB_ZONES : OTHER_ZONES;
    const r = rnd();
    const n = r < 0.1 ? 0 : r < 0.62 ? 1 : r < 0.9 ? 2 : 3;
    const zones: string[] = [];
    for (let i = 0; i < n; i++) {
      if (chance(0.01)) zones.push('Mars/Olympus_Mons');
      else if (i > 0 && chance(0.08))
        zones.push(zones[0]); // duplicates happen
      else zones.push(chance(0.88) ? pick(home) : pick(ALL_ZONES));
    }
    return zones;
  }

  function now(zones: string[], regions: Array<Partial<HoursRule>>): number {
    const zone = zones.find((z) => z !== 'Mars/Olympus_Mons') ?? pick(ALL_ZONES);
    const mode = rnd();
    if (mode < 0.08) return RANGE_START + int(0, 729) * DAY + pick([-1, 0, 0, 1]); // midnight UTC: where the EBR months end
    if (mode < 0.3) return RANGE_START + Math.floor(rnd() * (RANGE_END - RANGE_START));
    const extraEdges = regions.flatMap((r) => Object.values(r).flatMap((w) => (w ? [w.start, w.end] : [])));
    const edge = hhmmToMinutes(pick([...EDGE_TIMES, ...extraEdges]));
    const jitter = int(-3, 3) * MINUTE + (chance(0.3) ? int(0, 59_999) : 0) - (chance(0.1) ? 1 : 0);
    if (mode < 0.75) {
      // Near a window edge on a random day.
      const day = new Date(RANGE_START + int(0, 729) * DAY);
      return zonedInstant(zone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), edge) + jitter;
    }
    const switches = transitionsOf(zone);
    if (switches.length === 0) return RANGE_START + Math.floor(rnd() * (RANGE_END - RANGE_START));
    const sw = pick(switches);
    if (mode < 0.85) return sw + int(-180, 180) * MINUTE + (chance(0.5) ? int(-1, 1) : 0); // around the switch itself
    // Near a window edge on the switch day (or the day before/after).
    const local = new Date(sw + offsetAt(zone, sw) + int(-1, 1) * DAY);
    return zonedInstant(zone, local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), edge) + jitter;
  }

  function evidenceDate(nowMs: number): string | null {
    const today = new Date(nowMs);
    const y = today.getUTCFullYear();
    const m = today.getUTCMonth() + 1;
    const d = today.getUTCDate();
    const r = rnd();
    if (r < 0.35) return null;
    if (r < 0.75) {
      // Around N months before today: the EBR boundaries (and month ends, for the clamp).
      const n = pick([3, 3, 6, 6, 18, 18, 1, 12, 24]);
      const index = y * 12 + (m - 1) - n;
      const py = Math.floor(index / 12);
      const pm = index - py * 12 + 1;
      const pd = chance(0.2) ? int(28, daysInMonth(py, pm)) : Math.min(d, daysInMonth(py, pm));
      return isoDay(Date.UTC(py, pm - 1, pd) + (chance(0.5) ? 0 : int(-2, 2)) * DAY);
    }
    if (r < 0.8) return isoDay(nowMs); // today
    if (r < 0.88) return isoDay(nowMs + int(1, 60) * DAY); // future: not evidence
    if (r < 0.995) return isoDay(Date.UTC(int(2015, 2027), int(0, 11), int(1, 28))); // anywhere (may be future)
    return pick(['2026-02-30', '2025-13-01', 'yesterday', '']); // not a date
  }

  function evidence(nowMs: number): EvidenceDates | null {
    if (chance(0.2)) return null;
    return { consentAt: chance(0.6) ? null : evidenceDate(nowMs), inquiryAt: evidenceDate(nowMs), lastPurchaseAt: evidenceDate(nowMs) };
  }

  function registry(country: string | null, nowMs: number, limitDays: number): ComplianceFacts['registry'] {
    if (country !== 'US' && country !== 'CA' && country !== 'GB') return null;
    const r = rnd();
    if (r < 0.08) return null;
    // Another registry's lookup for this number (main should never send one): ignored.
    if (r < 0.1)
      return {
        name: pick((['US', 'CA', 'GB'] as const).filter((n) => n !== country)),
        state: { loaded: true, snapshotAt: nowMs - DAY, count: 10 },
        listed: false,
      };
    if (r < 0.2) {
      return { name: country, state: { loaded: false, snapshotAt: chance(0.5) ? null : nowMs - int(0, 60) * DAY, count: 0 }, listed: null };
    }
    const limit = limitDays * DAY;
    const age = pick([
      limit,
      limit + 1,
      limit - 1,
      31 * DAY,
      31 * DAY + 1,
      28 * DAY,
      28 * DAY + 1,
      limit + int(-2 * DAY, 2 * DAY),
      int(0, 60 * DAY),
      int(0, 5 * DAY),
    ]);
    return { name: country, state: { loaded: true, snapshotAt: nowMs - Math.max(0, age), count: int(1, 250_000_000) }, listed: chance(0.5) };
  }

  function callingWindow(): HoursRule | undefined {
    if (chance(0.4)) return undefined;
    const day = (): HoursWindow | null => (chance(0.15) ? null : pick(OVERRIDE_WINDOWS.filter((w) => w !== null)));
    return { weekday: day(), saturday: day(), sunday: day() };
  }

  return function next(): Case {
    const p = policy();
    const r = rnd();
    const country = r < 0.34 ? 'US' : r < 0.6 ? 'CA' : r < 0.75 ? 'PL' : r < 0.9 ? 'GB' : r < 0.96 ? pick(['DE', 'IN', 'PH', 'MX']) : null;
    const regionPool = country === 'US' ? US_REGIONS : country === 'CA' ? CA_REGIONS : ['MZ', 'ENG'];
    const region = chance(0.3) ? null : chance(0.9) ? pick(regionPool) : pick([...US_REGIONS, ...CA_REGIONS]);
    const zones = zonesFor(country);
    const window = callingWindow();
    const nowMs = now(zones, [...Object.values(p.callingHours.regions), ...(window ? [window] : [])]);
    const extra: Partial<ComplianceFacts> = {};
    if (!chance(0.6)) extra.callKind = chance(0.3) ? 'live' : 'prerecorded';
    if (window) extra.callingWindow = window;
    if (chance(0.6)) extra.skipPublicHolidays = chance(0.7);
    if (chance(0.5)) extra.publicHoliday = chance(0.4) ? pick(HOLIDAYS) : null;
    return {
      policy: p,
      facts: {
        ...extra,
        e164:
          country === 'US'
            ? '+12125550100'
            : country === 'CA'
              ? '+14165550100'
              : country === 'PL'
                ? '+48221234567'
                : country === 'GB'
                  ? '+442071234567'
                  : '+4930123456',
        country,
        region,
        zones,
        onInternalDnc: chance(0.1),
        registry: registry(country, nowMs, p.maxSnapshotAgeDays),
        campaignKind: pick(KINDS),
        evidence: evidence(nowMs),
        now: nowMs,
      },
    };
  };
}

function describeCase(c: Case, index: number): string {
  const { now, ...rest } = c.facts;
  const snap = c.facts.registry?.state.snapshotAt;
  return JSON.stringify({
    case: index,
    now: `${new Date(now).toISOString()} (${now})`,
    snapshotAge: snap != null ? `${(now - snap) / DAY} days (${now - snap} ms)` : null,
    ...rest,
    maxSnapshotAgeDays: c.policy.maxSnapshotAgeDays,
    regions: c.policy.callingHours.regions,
  });
}

// ───────────────────────────── the tests ─────────────────────────────

describe('the oracle’s own arithmetic', () => {
  it('adds calendar months like luxon’s plus({ months }): clamped to the end of a shorter month', () => {
    expect(isoDay(addMonths(2026, 1, 31, 1))).toBe('2026-02-28');
    expect(isoDay(addMonths(2027, 1, 31, 13))).toBe('2028-02-29');
    expect(isoDay(addMonths(2024, 8, 31, 18))).toBe('2026-02-28');
    expect(isoDay(addMonths(2025, 11, 30, 3))).toBe('2026-02-28');
    expect(isoDay(addMonths(2025, 10, 15, 3))).toBe('2026-01-15');
    expect(isoDay(addMonths(2026, 5, 31, 6))).toBe('2026-11-30');
    expect(parseDay('2026-02-30')).toBeNull();
    expect(parseDay('2028-02-29')?.ms).toBe(Date.UTC(2028, 1, 29));
  });

  it('reads the wall clock across a DST switch', () => {
    expect(wallClock('America/Chicago', Date.parse('2026-03-08T13:00:00Z'))).toEqual({ minutes: 8 * 60, weekday: 'Sun', hhmm: '08:00' });
    expect(wallClock('America/Chicago', Date.parse('2026-11-01T13:00:00Z'))).toEqual({ minutes: 7 * 60, weekday: 'Sun', hhmm: '07:00' });
    expect(wallClock('America/St_Johns', Date.parse('2026-11-26T00:59:00Z'))?.hhmm).toBe('21:29');
    expect(wallClock('Mars/Olympus_Mons', 0)).toBeNull();
    expect(transitionsOf('America/New_York').map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2027-03-14T07:00:00.000Z',
      '2027-11-07T06:00:00.000Z',
    ]);
    expect(transitionsOf('America/Phoenix')).toEqual([]);
  });
});

describe(`decideCompliance against the plain rules (${CASES} random cases, seed ${SEED})`, () => {
  it('agrees on every case', { timeout: 180_000 }, () => {
    const next = makeGenerator(SEED);
    const failures: string[] = [];
    let failing = 0;
    const seen = new Map<string, number>();
    const count = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
    for (let i = 0; i < CASES; i++) {
      const c = next();
      const exp = expectedDecision(c.facts, c.policy);
      let diffs: string[];
      try {
        diffs = compare(decideCompliance(c.facts, c.policy), exp);
      } catch (e) {
        diffs = [`threw: ${(e as Error).message}`];
      }
      if (diffs.length > 0) {
        failing++;
        if (failures.length < 15) failures.push(`${describeCase(c, i)}\n  → ${diffs.join('\n  → ')}`);
      }
      count(exp.allowed ? 'allowed' : 'blocked');
      count(`registry:${exp.registryReason ?? exp.checks[1][1]}`);
      count(`hours:${exp.hoursReason ?? 'pass'}`);
      if (exp.exemption) count(`basis:${exp.exemption.basis}`);
      count(`pack:${exp.pack}`);
      const consent = exp.checks.find(([rule]) => rule === 'consent');
      if (consent) count(`consent:${c.facts.callKind === 'prerecorded' ? 'prerecorded' : 'marketing'}:${consent[1]}`);
      if (exp.registry === 'GB') count(`gb:${exp.registryReason ?? exp.checks[1][1]}`);
      if (c.facts.zones.length > 1) count(`multi-zone:${exp.hoursReason ?? 'pass'}`);
      const ev = c.facts.evidence;
      if (exp.registry && ev) {
        // Cases exactly at the end of a relationship (now = D 00:00 UTC + N months).
        const months = LAW_EBR[exp.registry] ?? { purchase: 0, inquiry: 0 };
        for (const [text, n] of [
          [ev.lastPurchaseAt, months.purchase],
          [ev.inquiryAt, months.inquiry],
        ] as const) {
          const day = parseDay(text);
          if (day && addMonths(day.y, day.m, day.d, n) === c.facts.now) count('ebr-boundary');
        }
      }
    }
    if (failing > 0) {
      console.error(
        `decideCompliance disagrees with the plain rules on ${failing} of ${CASES} cases (seed ${SEED}; rerun with COMPLIANCE_SEED=${SEED}). First ones:\n\n${failures.join('\n\n')}`,
      );
    }
    expect(failing, `seed ${SEED}: ${failing} disagreements, see the printed cases`).toBe(0);

    // The generator reaches every outcome (else the agreement above means little).
    for (const k of [
      'allowed',
      'blocked',
      'registry:not-applicable',
      'registry:exempt',
      'registry:pass',
      'registry:not-imported',
      'registry:stale',
      'registry:listed',
      'hours:pass',
      'hours:outside',
      'hours:unknown-zone',
      'hours:holiday',
      'pack:US',
      'pack:CA',
      'pack:PL',
      'pack:GB',
      'pack:default',
      'consent:marketing:block',
      'consent:marketing:pass',
      'consent:marketing:not-applicable',
      'consent:prerecorded:block',
      'consent:prerecorded:pass',
      'consent:prerecorded:not-applicable',
      'gb:exempt',
      'gb:listed',
      'gb:pass',
      'gb:stale',
      'basis:charity',
      'basis:political',
      'basis:survey',
      'basis:written-consent',
      'basis:ebr-purchase',
      'basis:ebr-inquiry',
      'multi-zone:pass',
      'multi-zone:outside',
    ]) {
      expect(seen.get(k) ?? 0, `seed ${SEED}: too few cases with ${k} (${JSON.stringify(Object.fromEntries(seen))})`).toBeGreaterThanOrEqual(
        CASES < 20_000 ? 1 : k === 'ebr-boundary' ? 10 : 50,
      );
    }
  });
});
