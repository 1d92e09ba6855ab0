/**
 * The rule packs (US, CA, PL, GB, default) with hand-picked edges: the campaign's window where
 * the law sets no hours (across both DST changes, at midnight and at its edges), public
 * holidays, Poland's prior consent, the UK's TPS, pre-recorded calls. Instants are written in
 * UTC; the comment beside each gives the called party's local time.
 */
import { describe, expect, it } from 'vitest';
import { publicHolidayAt } from '../../../electron/core/compliance/holidays';
import type { HoursRule } from '../../../shared/calling-hours';
import { campaignSchema, defaultDispositions, type CampaignKind } from '../../../shared/campaign';
import {
  decideCompliance,
  defaultCompliancePolicy,
  findExemption,
  registryExemptKinds,
  snapshotLimitDays,
  type ComplianceDecision,
  type ComplianceFacts,
  type EvidenceDates,
} from '../../../shared/compliance';
import { defaultRulePack, rulePackFor, rulePacks } from '../../../shared/rule-packs';

const DAY = 86_400_000;
const utc = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

const HOME: Record<string, { e164: string; zone: string }> = {
  US: { e164: '+12125550123', zone: 'America/New_York' },
  CA: { e164: '+14165550123', zone: 'America/Toronto' },
  PL: { e164: '+48221234567', zone: 'Europe/Warsaw' },
  GB: { e164: '+442071234567', zone: 'Europe/London' },
  DE: { e164: '+4930123456', zone: 'Europe/Berlin' },
};

/** Wednesday 2026-11-25 11:00Z: 12:00 in Warsaw and Berlin, 11:00 in London, 06:00 in New York. */
const WED_NOON_CET = utc('2026-11-25T11:00:00Z');
/** Wednesday 2026-11-25 16:00Z: 11:00 in New York and Toronto. */
const WED_1100_EST = utc('2026-11-25T16:00:00Z');

interface Opts {
  country?: string | null;
  zones?: string[];
  kind?: CampaignKind | null;
  consentAt?: string | null;
  lastPurchaseAt?: string | null;
  inquiryAt?: string | null;
  /** GB/US/CA registry: listed or not (a fresh snapshot), 'not-loaded', or a snapshot age. */
  listed?: boolean | 'not-loaded';
  snapshotAgeMs?: number;
  now?: number;
  callKind?: 'live' | 'prerecorded';
  callingWindow?: HoursRule;
  skipPublicHolidays?: boolean;
  publicHoliday?: string | null;
  internal?: boolean;
}

function facts(o: Opts = {}): ComplianceFacts {
  const country = o.country === undefined ? 'PL' : o.country;
  const home = HOME[country ?? 'DE'] ?? HOME.DE;
  const now = o.now ?? (country === 'US' || country === 'CA' ? WED_1100_EST : WED_NOON_CET);
  const reg = country === 'US' || country === 'CA' || country === 'GB' ? country : null;
  const listed = o.listed ?? false;
  const evidence: EvidenceDates = { consentAt: o.consentAt ?? null, inquiryAt: o.inquiryAt ?? null, lastPurchaseAt: o.lastPurchaseAt ?? null };
  return {
    e164: home.e164,
    country,
    region: null,
    zones: o.zones ?? [home.zone],
    onInternalDnc: o.internal ?? false,
    registry: reg
      ? listed === 'not-loaded'
        ? { name: reg, state: { loaded: false, snapshotAt: null, count: 0 }, listed: null }
        : { name: reg, state: { loaded: true, snapshotAt: now - (o.snapshotAgeMs ?? 3 * DAY), count: 1_000 }, listed }
      : null,
    campaignKind: o.kind === undefined ? 'sales' : o.kind,
    evidence,
    now,
    ...(o.callKind ? { callKind: o.callKind } : {}),
    ...(o.callingWindow ? { callingWindow: o.callingWindow } : {}),
    ...(o.skipPublicHolidays !== undefined ? { skipPublicHolidays: o.skipPublicHolidays } : {}),
    ...(o.publicHoliday !== undefined ? { publicHoliday: o.publicHoliday } : {}),
  };
}

const decide = (o: Opts = {}) => decideCompliance(facts(o));
const check = (d: ComplianceDecision, rule: 'internal-dnc' | 'registry' | 'consent' | 'calling-hours') => d.checks.find((c) => c.rule === rule);
const firstBlock = (d: ComplianceDecision) => d.checks.find((c) => c.outcome === 'block')?.rule ?? null;
/** A survey to Poland: no consent needed, so only the hours decide. */
const plHours = (now: number, o: Opts = {}) => decide({ country: 'PL', kind: 'survey', now, ...o });

describe('packs', () => {
  it('every decision names its pack and cites the law', () => {
    for (const [country, id] of [
      ['US', 'US'],
      ['CA', 'CA'],
      ['PL', 'PL'],
      ['GB', 'GB'],
      ['DE', 'default'],
      [null, 'default'],
    ] as const) {
      const d = decide({ country, kind: 'survey' });
      expect(d.pack?.id).toBe(id);
      expect(d.pack?.name.length).toBeGreaterThan(5);
      expect(d.pack?.source.length).toBeGreaterThan(10);
    }
    expect(decide({ country: 'PL' }).pack?.source).toContain('art. 398');
    expect(decide({ country: 'GB' }).pack?.source).toContain('SI 2003/2426');
    expect(decide({ country: 'US' }).pack?.source).toContain('64.1200');
    expect(rulePackFor('FR')).toBe(defaultRulePack);
    expect(rulePackFor('constructor')).toBe(defaultRulePack);
  });

  it('the policy can only narrow a pack: snapshot limits and exempt kinds', () => {
    expect(snapshotLimitDays('US')).toBe(31);
    expect(snapshotLimitDays('GB')).toBe(28);
    expect(snapshotLimitDays('GB', { ...defaultCompliancePolicy, maxSnapshotAgeDays: 7 })).toBe(7);
    expect(snapshotLimitDays('US', { ...defaultCompliancePolicy, maxSnapshotAgeDays: 90 })).toBe(31);
    expect(registryExemptKinds('US')).toEqual(['charity', 'political', 'survey']);
    expect(registryExemptKinds('GB')).toEqual(['survey']);
    expect(registryExemptKinds('US', { ...defaultCompliancePolicy, exemptKinds: ['survey'] })).toEqual(['survey']);
  });

  it('statutory hours stand whatever the campaign window says (US, CA)', () => {
    const narrow: HoursRule = { weekday: { start: '12:00', end: '13:00' }, saturday: null, sunday: null };
    const wide: HoursRule = { weekday: { start: '00:00', end: '23:59' }, saturday: null, sunday: null };
    // Wed 11:00 EST: inside 08:00–21:00 though outside the campaign's 12:00–13:00.
    expect(decide({ country: 'US', callingWindow: narrow }).allowed).toBe(true);
    // Wed 21:00 EST: outside the statute; the campaign's wider window does not widen it.
    const late = decide({ country: 'US', callingWindow: wide, now: utc('2026-11-26T02:00:00Z') });
    expect(late.allowed).toBe(false);
    expect(late.summary).toContain('08:00–21:00');
    // A US public holiday is no rule of the statute: the campaign's holiday choice is for its window only.
    expect(decide({ country: 'US', publicHoliday: 'Thanksgiving Day', now: utc('2026-11-26T16:00:00Z') }).allowed).toBe(true);
    // Canada, Sunday 2026-11-01 15:00Z = 10:00 EST: allowed by statute though the campaign has no Sunday.
    expect(decide({ country: 'CA', callingWindow: narrow, now: utc('2026-11-01T15:00:00Z') }).allowed).toBe(true);
  });
});

describe('the campaign’s calling window (countries without statutory hours)', () => {
  it('a Polish lead at 01:52 local time is blocked, with the local time and the window in the reason', () => {
    const d = plHours(utc('2026-11-25T00:52:00Z')); // Wed 01:52 CET
    expect(d.allowed).toBe(false);
    expect(firstBlock(d)).toBe('calling-hours');
    expect(d.summary).toBe("Blocked: 01:52 Wed in Europe/Warsaw, outside 08:00–21:00 (the campaign's calling window; PL sets no statutory calling hours).");
    expect(d.localTimes).toEqual([{ zone: 'Europe/Warsaw', local: '01:52 Wed', window: '08:00–21:00', inside: false }]);
  });

  it('weekdays 08:00–21:00: 07:59 and 21:00 blocked, 08:00 and 20:59 allowed', () => {
    expect(plHours(utc('2026-11-25T06:59:00Z')).allowed).toBe(false); // 07:59
    expect(plHours(utc('2026-11-25T07:00:00Z')).allowed).toBe(true); // 08:00
    expect(plHours(utc('2026-11-25T19:59:00Z')).allowed).toBe(true); // 20:59
    expect(plHours(utc('2026-11-25T19:59:59.999Z')).allowed).toBe(true); // still the 20:59 minute
    const late = plHours(utc('2026-11-25T20:00:00Z')); // 21:00
    expect(late.allowed).toBe(false);
    expect(late.summary).toContain('21:00 Wed in Europe/Warsaw, outside 08:00–21:00');
  });

  it('midnight is outside; the day kind follows the local date, not UTC', () => {
    expect(plHours(utc('2026-11-24T23:00:00Z')).summary).toContain('00:00 Wed in Europe/Warsaw'); // Tue 23:00Z = Wed 00:00
    expect(plHours(utc('2026-11-24T22:59:00Z')).summary).toContain('23:59 Tue');
    // Friday 2026-11-27 23:30Z is Saturday 00:30 in Warsaw: Saturday's window is shown.
    const sat = plHours(utc('2026-11-27T23:30:00Z'));
    expect(sat.allowed).toBe(false);
    expect(sat.localTimes[0]).toMatchObject({ local: '00:30 Sat', window: '09:00–18:00' });
    // An all-day window still ends at 23:59 (the end is exclusive).
    const allDay: HoursRule = { weekday: { start: '00:00', end: '23:59' }, saturday: null, sunday: null };
    expect(plHours(utc('2026-11-24T23:00:00Z'), { callingWindow: allDay }).allowed).toBe(true); // Wed 00:00
    expect(plHours(utc('2026-11-25T22:59:00Z'), { callingWindow: allDay }).allowed).toBe(false); // Wed 23:59
  });

  it('Saturday is narrower (09:00–18:00) and Sunday has no calls', () => {
    expect(plHours(utc('2026-11-28T07:59:00Z')).allowed).toBe(false); // Sat 08:59
    expect(plHours(utc('2026-11-28T08:00:00Z')).allowed).toBe(true); // Sat 09:00
    expect(plHours(utc('2026-11-28T16:59:00Z')).allowed).toBe(true); // Sat 17:59
    const sat = plHours(utc('2026-11-28T17:00:00Z')); // Sat 18:00
    expect(sat.allowed).toBe(false);
    expect(sat.summary).toContain('outside 09:00–18:00');
    const sun = plHours(utc('2026-11-29T11:00:00Z')); // Sun 12:00
    expect(sun.allowed).toBe(false);
    expect(sun.summary).toContain('12:00 Sun in Europe/Warsaw, no calls that day');
  });

  it('the campaign’s own window replaces the default', () => {
    const w: HoursRule = { weekday: { start: '10:00', end: '17:00' }, saturday: null, sunday: { start: '11:00', end: '15:00' } };
    expect(plHours(utc('2026-11-25T08:59:00Z'), { callingWindow: w }).allowed).toBe(false); // Wed 09:59
    expect(plHours(utc('2026-11-25T09:00:00Z'), { callingWindow: w }).allowed).toBe(true); // Wed 10:00
    expect(plHours(utc('2026-11-25T16:00:00Z'), { callingWindow: w }).summary).toContain('outside 10:00–17:00'); // Wed 17:00
    expect(plHours(utc('2026-11-28T10:00:00Z'), { callingWindow: w }).summary).toContain('no calls that day'); // Sat 11:00
    expect(plHours(utc('2026-11-29T10:00:00Z'), { callingWindow: w }).allowed).toBe(true); // Sun 11:00
  });

  it('a malformed window blocks instead of throwing', () => {
    const bad = { weekday: { start: '8:00', end: '21:00' }, saturday: null, sunday: null } as HoursRule;
    const d = plHours(WED_NOON_CET, { callingWindow: bad });
    expect(d.allowed).toBe(false);
    expect(d.summary).toContain('weekday calling window is not valid');
    const backwards = { weekday: { start: '21:00', end: '08:00' }, saturday: null, sunday: null };
    expect(plHours(WED_NOON_CET, { callingWindow: backwards }).summary).toContain('must end after it starts');
  });

  it('the UK and countries without a pack keep to it too', () => {
    expect(decide({ country: 'GB', kind: 'survey', now: utc('2026-11-25T07:59:00Z') }).allowed).toBe(false); // 07:59 GMT
    expect(decide({ country: 'GB', kind: 'survey', now: utc('2026-11-25T08:00:00Z') }).allowed).toBe(true); // 08:00 GMT
    const de = decide({ country: 'DE', now: utc('2026-11-25T20:00:00Z') }); // 21:00 CET
    expect(de.allowed).toBe(false);
    expect(de.summary).toContain('Europe/Berlin');
    expect(decide({ country: 'DE' }).allowed).toBe(true); // Wed 12:00: no registry, no consent rule
    // An unknown country with no zone: the local time is unknown.
    expect(decide({ country: null, zones: [] }).summary).toContain('local time is unknown');
  });

  describe('European DST, 2026 (Warsaw: CET +1 until 29 March, CEST +2 until 25 October)', () => {
    it('spring forward on Sunday 29 March: the window moves one hour earlier in UTC', () => {
      // Saturday 28 March (CET): 09:00 = 08:00Z.
      expect(plHours(utc('2026-03-28T07:59:00Z')).allowed).toBe(false); // 08:59
      expect(plHours(utc('2026-03-28T08:00:00Z')).allowed).toBe(true); // 09:00
      // Sunday 29 March: no calls at all by default, before or after the switch at 01:00Z.
      expect(plHours(utc('2026-03-29T00:30:00Z')).summary).toContain('01:30 Sun');
      expect(plHours(utc('2026-03-29T10:00:00Z')).summary).toContain('12:00 Sun in Europe/Warsaw, no calls that day');
      // A campaign that calls on Sundays 10:00–18:00: 10:00 CEST = 08:00Z on the switch day.
      const sundays: HoursRule = { weekday: { start: '08:00', end: '21:00' }, saturday: null, sunday: { start: '10:00', end: '18:00' } };
      expect(plHours(utc('2026-03-29T07:59:00Z'), { callingWindow: sundays }).allowed).toBe(false); // 09:59 CEST
      expect(plHours(utc('2026-03-29T08:00:00Z'), { callingWindow: sundays }).allowed).toBe(true); // 10:00 CEST
      // Monday 30 March (CEST): 08:00 = 06:00Z, 21:00 = 19:00Z.
      expect(plHours(utc('2026-03-30T05:59:00Z')).allowed).toBe(false); // 07:59
      expect(plHours(utc('2026-03-30T06:00:00Z')).allowed).toBe(true); // 08:00
      expect(plHours(utc('2026-03-30T18:59:00Z')).allowed).toBe(true); // 20:59
      expect(plHours(utc('2026-03-30T19:00:00Z')).allowed).toBe(false); // 21:00
      // The Friday before (CET): 19:00Z is 20:00, still inside.
      expect(plHours(utc('2026-03-27T19:00:00Z')).allowed).toBe(true);
    });

    it('fall back on Sunday 25 October: the window moves one hour later in UTC', () => {
      // Saturday 24 October (CEST): 18:00 = 16:00Z.
      expect(plHours(utc('2026-10-24T15:59:00Z')).allowed).toBe(true); // 17:59
      expect(plHours(utc('2026-10-24T16:00:00Z')).allowed).toBe(false); // 18:00
      // Monday 26 October (CET): 08:00 = 07:00Z, 21:00 = 20:00Z.
      expect(plHours(utc('2026-10-26T06:59:00Z')).allowed).toBe(false); // 07:59
      expect(plHours(utc('2026-10-26T07:00:00Z')).allowed).toBe(true); // 08:00
      expect(plHours(utc('2026-10-26T19:59:00Z')).allowed).toBe(true); // 20:59
      expect(plHours(utc('2026-10-26T20:00:00Z')).allowed).toBe(false); // 21:00
      // London on the same Monday (GMT): 08:00 = 08:00Z; on the Friday before (BST) 08:00 = 07:00Z.
      expect(decide({ country: 'GB', kind: 'survey', now: utc('2026-10-26T07:59:00Z') }).allowed).toBe(false);
      expect(decide({ country: 'GB', kind: 'survey', now: utc('2026-10-26T08:00:00Z') }).allowed).toBe(true);
      expect(decide({ country: 'GB', kind: 'survey', now: utc('2026-10-23T07:00:00Z') }).allowed).toBe(true);
    });
  });

  describe('US DST, 2026 (8 March, 1 November): the called party’s clock, not the agent’s', () => {
    it('between the US and the European switch, Warsaw keeps CET', () => {
      // Monday 9 March 07:00Z: 08:00 in Warsaw (allowed) while it is 03:00 EDT for an agent in New York.
      expect(plHours(utc('2026-03-09T07:00:00Z')).allowed).toBe(true);
      expect(plHours(utc('2026-03-09T06:59:00Z')).allowed).toBe(false);
      // A US number at the same instant: 03:00 EDT, blocked by the statute.
      expect(decide({ country: 'US', now: utc('2026-03-09T07:00:00Z') }).summary).toContain('03:00 Mon in America/New_York');
      // A US number at 08:00 EDT (12:00Z) on Monday 9 March: allowed; 20:59/21:00 EDT = 00:59Z/01:00Z.
      expect(decide({ country: 'US', now: utc('2026-03-09T12:00:00Z') }).allowed).toBe(true);
      expect(decide({ country: 'US', now: utc('2026-03-10T00:59:00Z') }).allowed).toBe(true);
      expect(decide({ country: 'US', now: utc('2026-03-10T01:00:00Z') }).allowed).toBe(false);
    });

    it('US fall back on Sunday 1 November: statutory Sunday hours, 08:00 EST = 13:00Z', () => {
      expect(decide({ country: 'US', now: utc('2026-11-01T12:59:00Z') }).allowed).toBe(false); // 07:59 EST
      expect(decide({ country: 'US', now: utc('2026-11-01T13:00:00Z') }).allowed).toBe(true); // 08:00 EST
      // The same Sunday in Warsaw (CET since 25 October): no calls by the default window.
      expect(plHours(utc('2026-11-01T13:00:00Z')).summary).toContain('14:00 Sun in Europe/Warsaw, no calls that day');
    });
  });
});

describe('public holidays', () => {
  it('Poland, 11 November 2026 (a Wednesday): blocked when the campaign skips holidays', () => {
    const now = utc('2026-11-11T09:00:00Z'); // Wed 10:00 CET
    const holiday = publicHolidayAt('PL', null, 'Europe/Warsaw', now);
    expect(holiday).toBe('Narodowe Święto Niepodległości');
    const d = plHours(now, { publicHoliday: holiday });
    expect(d.allowed).toBe(false);
    expect(firstBlock(d)).toBe('calling-hours');
    expect(d.summary).toBe(
      'Blocked: 11 November is a public holiday in PL (Narodowe Święto Niepodległości) and the campaign does not call on public holidays.',
    );
    // Skipping holidays is the default; a campaign that calls on them is allowed inside its window.
    expect(plHours(now, { publicHoliday: holiday, skipPublicHolidays: true }).allowed).toBe(false);
    expect(plHours(now, { publicHoliday: holiday, skipPublicHolidays: false }).allowed).toBe(true);
    // The day before and after are working days.
    expect(publicHolidayAt('PL', null, 'Europe/Warsaw', utc('2026-11-10T22:59:00Z'))).toBeNull(); // 10 Nov 23:59
    expect(publicHolidayAt('PL', null, 'Europe/Warsaw', utc('2026-11-10T23:00:00Z'))).toBe('Narodowe Święto Niepodległości'); // 11 Nov 00:00
    expect(publicHolidayAt('PL', null, 'Europe/Warsaw', utc('2026-11-12T09:00:00Z'))).toBeNull();
  });

  it('the UK, Christmas Day 2026 (a Friday)', () => {
    const now = utc('2026-12-25T11:00:00Z'); // Fri 11:00 GMT
    const holiday = publicHolidayAt('GB', 'ENG', 'Europe/London', now);
    expect(holiday).toBe('Christmas Day');
    const d = decide({ country: 'GB', kind: 'survey', now, publicHoliday: holiday });
    expect(d.allowed).toBe(false);
    expect(d.summary).toContain('25 December is a public holiday in GB (Christmas Day)');
    expect(publicHolidayAt('GB', 'ENG', 'Europe/London', utc('2026-12-23T11:00:00Z'))).toBeNull();
  });

  it('publicHolidayAt never throws and knows nothing of unknown countries or zones', () => {
    expect(publicHolidayAt('XX', null, 'Europe/Warsaw', utc('2026-01-01T12:00:00Z'))).toBeNull();
    expect(publicHolidayAt('PL', null, 'Mars/Olympus_Mons', utc('2026-01-01T12:00:00Z'))).toBeNull();
    expect(publicHolidayAt('pl; drop', 'x', 'Europe/Warsaw', Number.NaN)).toBeNull();
    // An unknown region falls back to the country's national holidays.
    expect(publicHolidayAt('PL', 'ZZ', 'Europe/Warsaw', utc('2026-01-01T12:00:00Z'))).toBe('Nowy Rok');
    // Easter Monday is a bank holiday in England, not in Scotland.
    expect(publicHolidayAt('GB', 'ENG', 'Europe/London', utc('2026-04-06T11:00:00Z'))).toBe('Easter Monday');
    expect(publicHolidayAt('GB', 'SCT', 'Europe/London', utc('2026-04-06T11:00:00Z'))).toBeNull();
  });
});

describe('Poland: prior consent for direct marketing (art. 398 PKE)', () => {
  it('a sales call without consent is blocked, citing the article', () => {
    const d = decide({ country: 'PL' });
    expect(d.allowed).toBe(false);
    expect(firstBlock(d)).toBe('consent');
    expect(d.registry).toBeNull();
    expect(d.summary).toContain("needs the subscriber's prior consent");
    expect(d.summary).toContain('art. 398');
    expect(d.summary).toContain('no dated consent');
    expect(d.checks.map((c) => c.rule)).toEqual(['internal-dnc', 'registry', 'consent', 'calling-hours']);
  });

  it('with dated consent (today or earlier) it is allowed; a future-dated consent is ignored', () => {
    expect(decide({ country: 'PL', consentAt: '2025-01-15' }).allowed).toBe(true);
    expect(check(decide({ country: 'PL', consentAt: '2025-01-15' }), 'consent')?.outcome).toBe('pass');
    expect(decide({ country: 'PL', consentAt: '2026-11-25' }).allowed).toBe(true); // today
    const future = decide({ country: 'PL', consentAt: '2026-11-26' });
    expect(future.allowed).toBe(false);
    expect(future.summary).toContain('the consent dated 2026-11-26 is in the future');
    expect(decide({ country: 'PL', consentAt: 'yes' }).allowed).toBe(false);
  });

  it('a survey is not direct marketing; charity, political, inbound and no campaign are', () => {
    const survey = decide({ country: 'PL', kind: 'survey' });
    expect(survey.allowed).toBe(true);
    expect(check(survey, 'consent')?.outcome).toBe('not-applicable');
    for (const kind of ['charity', 'political', 'inbound', 'outbound', 'lead-generation', 'appointment-setting', null] as const) {
      expect(decide({ country: 'PL', kind }).allowed, String(kind)).toBe(false);
      expect(decide({ country: 'PL', kind, consentAt: '2026-01-01' }).allowed, String(kind)).toBe(true);
    }
  });

  it('a business relationship is no substitute for consent', () => {
    expect(decide({ country: 'PL', lastPurchaseAt: '2026-10-01', inquiryAt: '2026-11-01' }).allowed).toBe(false);
  });

  it('consent does not open the night or the internal list', () => {
    expect(decide({ country: 'PL', consentAt: '2025-01-15', now: utc('2026-11-25T00:52:00Z') }).summary).toContain('01:52 Wed');
    expect(firstBlock(decide({ country: 'PL', consentAt: '2025-01-15', internal: true }))).toBe('internal-dnc');
  });
});

describe('United Kingdom: TPS/CTPS (PECR reg. 21)', () => {
  it('listed: blocked; not listed: allowed', () => {
    const d = decide({ country: 'GB', listed: true });
    expect(d.allowed).toBe(false);
    expect(d.registry).toBe('GB');
    expect(firstBlock(d)).toBe('registry');
    expect(d.summary).toContain('Telephone Preference Service');
    const ok = decide({ country: 'GB', listed: false });
    expect(ok.allowed).toBe(true);
    expect(check(ok, 'registry')?.outcome).toBe('pass');
    expect(ok.checks.map((c) => c.rule)).toEqual(['internal-dnc', 'registry', 'calling-hours']);
  });

  it('consent (the subscriber does not object to this caller) lets a listed number be called', () => {
    const d = decide({ country: 'GB', listed: true, consentAt: '2026-02-01' });
    expect(d.allowed).toBe(true);
    expect(d.exemption?.basis).toBe('written-consent');
    expect(decide({ country: 'GB', listed: true, consentAt: '2026-12-01' }).allowed).toBe(false); // future
  });

  it('no business-relationship exemption', () => {
    const d = decide({ country: 'GB', listed: true, lastPurchaseAt: '2026-10-01', inquiryAt: '2026-11-01' });
    expect(d.allowed).toBe(false);
    expect(d.exemption).toBeNull();
    expect(findExemption('GB', 'sales', { consentAt: null, inquiryAt: '2026-11-01', lastPurchaseAt: '2026-10-01' }, WED_NOON_CET)).toBeNull();
  });

  it('market research (survey) is not direct marketing; charity and political campaigns are', () => {
    const survey = decide({ country: 'GB', listed: true, kind: 'survey' });
    expect(survey.allowed).toBe(true);
    expect(survey.exemption?.basis).toBe('survey');
    for (const kind of ['charity', 'political', 'inbound'] as const) {
      const d = decide({ country: 'GB', listed: true, kind });
      expect(d.allowed, kind).toBe(false);
      expect(d.exemption, kind).toBeNull();
    }
  });

  it('a snapshot 28 days old passes, 28 days + 1 ms blocks; a never-imported TPS blocks', () => {
    expect(decide({ country: 'GB', snapshotAgeMs: 28 * DAY }).allowed).toBe(true);
    const stale = decide({ country: 'GB', snapshotAgeMs: 28 * DAY + 1 });
    expect(stale.allowed).toBe(false);
    expect(stale.summary).toContain('limit 28');
    // The US keeps 31.
    expect(decide({ country: 'US', snapshotAgeMs: 30 * DAY }).allowed).toBe(true);
    const missing = decide({ country: 'GB', listed: 'not-loaded' });
    expect(missing.allowed).toBe(false);
    expect(missing.summary).toContain('has not been imported');
    expect(decide({ country: 'GB', listed: 'not-loaded', kind: 'survey' }).allowed).toBe(true);
  });
});

describe('pre-recorded messages', () => {
  it('US: needs prior express written consent, whatever the relationship or the kind', () => {
    const d = decide({ country: 'US', callKind: 'prerecorded', lastPurchaseAt: '2026-10-01' });
    expect(d.allowed).toBe(false);
    expect(firstBlock(d)).toBe('consent');
    expect(d.summary).toContain('a pre-recorded call to US numbers');
    expect(d.summary).toContain('64.1200(a)(2)');
    expect(check(d, 'registry')?.outcome).toBe('exempt'); // the EBR still works for live calls…
    expect(decide({ country: 'US', lastPurchaseAt: '2026-10-01' }).allowed).toBe(true); // …like this one
    for (const kind of ['charity', 'political', 'survey'] as const) expect(decide({ country: 'US', callKind: 'prerecorded', kind }).allowed, kind).toBe(false);
    const ok = decide({ country: 'US', callKind: 'prerecorded', consentAt: '2026-06-01', listed: true });
    expect(ok.allowed).toBe(true);
    expect(check(ok, 'consent')?.outcome).toBe('pass');
    expect(decide({ country: 'US', callKind: 'prerecorded', consentAt: '2026-12-01' }).allowed).toBe(false); // future
  });

  it('live calls have no consent check; "live" is the default', () => {
    expect(check(decide({ country: 'US', callKind: 'live' }), 'consent')).toBeUndefined();
    expect(check(decide({ country: 'US' }), 'consent')).toBeUndefined();
  });

  it('Canada: ADAD solicitation needs express consent; a survey solicits nothing', () => {
    const d = decide({ country: 'CA', callKind: 'prerecorded' });
    expect(d.allowed).toBe(false);
    expect(d.summary).toContain('ADAD');
    expect(decide({ country: 'CA', callKind: 'prerecorded', kind: 'charity' }).allowed).toBe(false);
    expect(decide({ country: 'CA', callKind: 'prerecorded', consentAt: '2026-06-01' }).allowed).toBe(true);
    const survey = decide({ country: 'CA', callKind: 'prerecorded', kind: 'survey' });
    expect(survey.allowed).toBe(true);
    expect(check(survey, 'consent')?.outcome).toBe('not-applicable');
  });

  it('the UK (reg. 19), Poland and other countries need consent too', () => {
    expect(decide({ country: 'GB', callKind: 'prerecorded' }).summary).toContain('PECR reg. 19');
    expect(decide({ country: 'GB', callKind: 'prerecorded', kind: 'charity' }).allowed).toBe(false);
    expect(decide({ country: 'GB', callKind: 'prerecorded', kind: 'survey' }).allowed).toBe(true);
    expect(decide({ country: 'GB', callKind: 'prerecorded', consentAt: '2026-06-01' }).allowed).toBe(true);
    expect(decide({ country: 'PL', callKind: 'prerecorded' }).summary).toContain('pre-recorded call to PL numbers');
    expect(decide({ country: 'PL', callKind: 'prerecorded', consentAt: '2026-06-01' }).allowed).toBe(true);
    expect(decide({ country: 'DE', callKind: 'prerecorded' }).allowed).toBe(false);
    expect(decide({ country: 'DE', callKind: 'prerecorded', kind: 'survey' }).allowed).toBe(false);
    expect(decide({ country: 'DE', callKind: 'prerecorded', consentAt: '2026-06-01' }).allowed).toBe(true);
  });
});

describe('campaign: calling window and holidays', () => {
  const base = {
    name: 'PL outbound',
    kind: 'sales' as const,
    script: { steps: [{ id: 'a', title: 'A', text: 'Hello' }], coldStart: 'a', warmStart: 'a' },
    dispositions: defaultDispositions,
  };

  it('campaigns saved before the window existed get the defaults', () => {
    const c = campaignSchema.parse(base);
    expect(c.callingWindow).toEqual({ weekday: { start: '08:00', end: '21:00' }, saturday: { start: '09:00', end: '18:00' }, sunday: null });
    expect(c.skipPublicHolidays).toBe(true);
    // Editing one parsed campaign's window never changes the next one's default.
    c.callingWindow.weekday!.start = '10:00';
    expect(campaignSchema.parse(base).callingWindow.weekday?.start).toBe('08:00');
    // A day left out gets its default; null means no calls that day.
    const partial = campaignSchema.parse({ ...base, callingWindow: { saturday: null }, skipPublicHolidays: false });
    expect(partial.callingWindow).toEqual({ weekday: { start: '08:00', end: '21:00' }, saturday: null, sunday: null });
    expect(partial.skipPublicHolidays).toBe(false);
    expect(rulePacks.PL.hours).toBeNull();
  });

  it('windows are validated with clear messages', () => {
    const issues = (callingWindow: unknown) => {
      const r = campaignSchema.safeParse({ ...base, callingWindow });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ weekday: { start: '21:00', end: '08:00' } })).toEqual([
      'callingWindow.weekday.end: the window 21:00–08:00 must end after it starts (the end is exclusive: 08:00–21:00 allows 08:00 to 20:59)',
    ]);
    expect(issues({ weekday: { start: '09:00', end: '09:00' } })).toHaveLength(1);
    expect(issues({ saturday: { start: '9:00', end: '18:00' } })).toEqual([
      'callingWindow.saturday.start: start "9:00" is not a 24-hour HH:mm time (e.g. 08:00)',
    ]);
    expect(issues({ sunday: { start: '10:00', end: '24:30' } })).toEqual([
      'callingWindow.sunday.end: end "24:30" is not a 24-hour HH:mm time (e.g. 21:00, or 24:00 for midnight)',
    ]);
    expect(issues({ sunday: { start: '10:00', end: '24:00' } })).toEqual([]);
    expect(issues({ weekday: { start: '10:00', end: '17:30' }, sunday: { start: '11:00', end: '15:00' } })).toEqual([]);
  });
});
