/**
 * decideCompliance, one rule at a time with hand-picked values.
 * Every instant is written as UTC; the comment next to it gives the called party's local time.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignKind } from '../../../shared/campaign';
import {
  decideCompliance,
  defaultCompliancePolicy,
  type ComplianceDecision,
  type ComplianceFacts,
  type CompliancePolicy,
  type EvidenceDates,
  type RegistryName,
} from '../../../shared/compliance';

const DAY = 86_400_000;
const utc = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

/** Wednesday 2026-11-25 16:00Z: 11:00 in New York and Toronto (EST), inside every default window. */
const WED_1100_EST = utc('2026-11-25T16:00:00Z');

const noEvidence: EvidenceDates = { consentAt: null, inquiryAt: null, lastPurchaseAt: null };
const evidence = (e: Partial<EvidenceDates>): EvidenceDates => ({ ...noEvidence, ...e });

interface Opts {
  country?: 'US' | 'CA' | 'PL' | null;
  region?: string | null;
  zones?: string[];
  internal?: boolean;
  /** The registry's state: listed true/false, or 'not-loaded' / 'absent' (no registry facts at all). */
  listed?: boolean | 'not-loaded' | 'absent';
  snapshotAgeMs?: number;
  kind?: CampaignKind | null;
  evidence?: EvidenceDates | null;
  now?: number;
}

function facts(o: Opts = {}): ComplianceFacts {
  const country = o.country === undefined ? 'US' : o.country;
  const now = o.now ?? WED_1100_EST;
  const zones = o.zones ?? (country === 'CA' ? ['America/Toronto'] : country === 'PL' ? ['Europe/Warsaw'] : ['America/New_York']);
  const regName: RegistryName | null = country === 'US' ? 'US' : country === 'CA' ? 'CA' : null;
  const listed = o.listed ?? false;
  let registry: ComplianceFacts['registry'] = null;
  if (regName && listed !== 'absent') {
    registry =
      listed === 'not-loaded'
        ? { name: regName, state: { loaded: false, snapshotAt: null, count: 0 }, listed: null }
        : { name: regName, state: { loaded: true, snapshotAt: now - (o.snapshotAgeMs ?? 10 * DAY), count: 1_000 }, listed };
  }
  return {
    e164: country === 'CA' ? '+14165550123' : country === 'PL' ? '+48221234567' : '+12125550123',
    country,
    region: o.region ?? null,
    zones,
    onInternalDnc: o.internal ?? false,
    registry,
    campaignKind: o.kind === undefined ? 'sales' : o.kind,
    evidence: o.evidence === undefined ? null : o.evidence,
    now,
  };
}

const check = (d: ComplianceDecision, rule: 'internal-dnc' | 'registry' | 'calling-hours') => {
  const c = d.checks.find((x) => x.rule === rule);
  if (!c) throw new Error(`no ${rule} check`);
  return c;
};
const firstBlock = (d: ComplianceDecision) => d.checks.find((c) => c.outcome === 'block')?.rule ?? null;

describe('internal Do-Not-Call list', () => {
  it('blocks a number on it, and says so in words', () => {
    const d = decideCompliance(facts({ internal: true }));
    expect(d.allowed).toBe(false);
    expect(check(d, 'internal-dnc').outcome).toBe('block');
    expect(firstBlock(d)).toBe('internal-dnc');
    expect(d.summary).toContain('internal Do-Not-Call');
    expect(d.summary).toContain('+12125550123');
  });

  it.each<[string, Opts]>([
    ['charity campaign', { kind: 'charity' }],
    ['political campaign', { kind: 'political' }],
    ['survey campaign', { kind: 'survey' }],
    ['written consent', { evidence: evidence({ consentAt: '2026-03-02' }) }],
    ['EBR purchase', { evidence: evidence({ lastPurchaseAt: '2026-10-01' }) }],
    ['EBR inquiry', { evidence: evidence({ inquiryAt: '2026-11-01' }) }],
    ['Canada, EBR inquiry', { country: 'CA', evidence: evidence({ inquiryAt: '2026-09-01' }) }],
  ])('no exemption overrides it: %s', (_label, o) => {
    const exemptOnly = decideCompliance(facts({ ...o, listed: true }));
    expect(exemptOnly.allowed).toBe(true); // the exemption does work against the registry…
    const d = decideCompliance(facts({ ...o, listed: true, internal: true }));
    expect(d.allowed).toBe(false); // …but not against the internal list
    expect(firstBlock(d)).toBe('internal-dnc');
    expect(d.summary).toContain('internal Do-Not-Call');
  });

  it('applies to numbers outside the US and Canada too', () => {
    const d = decideCompliance(facts({ country: 'PL', internal: true, kind: 'charity' }));
    expect(d.allowed).toBe(false);
    expect(firstBlock(d)).toBe('internal-dnc');
  });
});

describe('national registries', () => {
  it('a number on the US registry is blocked; the detail names the registry', () => {
    const d = decideCompliance(facts({ listed: true }));
    expect(d.allowed).toBe(false);
    expect(d.registry).toBe('US');
    expect(check(d, 'registry').outcome).toBe('block');
    expect(d.summary).toContain('US National DNC Registry');
    expect(d.exemption).toBeNull();
  });

  it("a number on Canada's DNCL is blocked", () => {
    const d = decideCompliance(facts({ country: 'CA', listed: true }));
    expect(d.allowed).toBe(false);
    expect(d.registry).toBe('CA');
    expect(d.summary).toContain("Canada's National DNCL");
  });

  it('a number not listed passes (US and Canada)', () => {
    for (const country of ['US', 'CA'] as const) {
      const d = decideCompliance(facts({ country, listed: false }));
      expect(d.allowed).toBe(true);
      expect(check(d, 'registry').outcome).toBe('pass');
      expect(d.summary).toBe('Allowed: every check passed.');
    }
  });

  it('numbers outside the US, Canada and the UK have no registry rule (Poland: a survey, which needs no consent)', () => {
    const d = decideCompliance(facts({ country: 'PL', kind: 'survey' }));
    expect(d.allowed).toBe(true);
    expect(d.registry).toBeNull();
    expect(check(d, 'registry').outcome).toBe('not-applicable');
    expect(d.pack?.id).toBe('PL');
  });

  it.each(['charity', 'political', 'survey'] as const)('campaign kind %s is exempt from the registry', (kind) => {
    for (const country of ['US', 'CA'] as const) {
      const d = decideCompliance(facts({ country, kind, listed: true }));
      expect(d.allowed).toBe(true);
      expect(check(d, 'registry').outcome).toBe('exempt');
      expect(d.exemption?.basis).toBe(kind);
      expect(d.exemption?.validUntil).toBeNull();
      expect(d.summary).toContain(kind);
    }
  });

  it.each(['outbound', 'inbound', 'lead-generation', 'sales', 'appointment-setting', null] as const)('campaign kind %s is not exempt', (kind) => {
    const d = decideCompliance(facts({ kind, listed: true }));
    expect(d.allowed).toBe(false);
    expect(d.exemption).toBeNull();
    expect(firstBlock(d)).toBe('registry');
  });

  it('written consent exempts, with no expiry, and the decision names its date', () => {
    const d = decideCompliance(facts({ listed: true, evidence: evidence({ consentAt: '2026-03-02' }) }));
    expect(d.allowed).toBe(true);
    expect(d.exemption).toMatchObject({ basis: 'written-consent', validUntil: null });
    expect(d.summary).toContain('2026-03-02');
    expect(check(d, 'registry').detail).toContain('written consent dated 2026-03-02');
    // Years old: still consent.
    const old = decideCompliance(facts({ listed: true, evidence: evidence({ consentAt: '2015-01-01' }) }));
    expect(old.allowed).toBe(true);
    expect(old.exemption?.basis).toBe('written-consent');
  });

  it('consent dated today counts; consent dated tomorrow is not evidence', () => {
    expect(decideCompliance(facts({ listed: true, evidence: evidence({ consentAt: '2026-11-25' }) })).allowed).toBe(true);
    const d = decideCompliance(facts({ listed: true, evidence: evidence({ consentAt: '2026-11-26' }) }));
    expect(d.allowed).toBe(false);
    expect(d.exemption).toBeNull();
  });

  it('future-dated purchase and inquiry are ignored too', () => {
    const d = decideCompliance(facts({ listed: true, evidence: evidence({ lastPurchaseAt: '2026-12-01', inquiryAt: '2027-01-10' }) }));
    expect(d.allowed).toBe(false);
    expect(d.exemption).toBeNull();
    // A future consent does not hide a valid purchase.
    const p = decideCompliance(facts({ listed: true, evidence: evidence({ consentAt: '2026-12-01', lastPurchaseAt: '2026-01-10' }) }));
    expect(p.allowed).toBe(true);
    expect(p.exemption?.basis).toBe('ebr-purchase');
  });

  describe('existing business relationship: purchase, 18 months (US and Canada)', () => {
    // Purchase on 2024-11-12: the relationship holds while now < 2026-05-12T00:00Z.
    const purchase = evidence({ lastPurchaseAt: '2024-11-12' });
    // Times picked inside calling hours in both New York and Toronto.
    const dayBefore = utc('2026-05-11T15:00:00Z'); // Mon 11:00 EDT
    const lastMs = utc('2026-05-11T23:59:59.999Z'); // Mon 19:59 EDT
    const boundary = utc('2026-05-12T00:00:00Z'); // Mon 20:00 EDT
    const dayAfter = utc('2026-05-12T15:00:00Z'); // Tue 11:00 EDT

    it.each(['US', 'CA'] as const)('%s: exempt the day before the 18 months are up, up to the last millisecond', (country) => {
      for (const now of [dayBefore, lastMs]) {
        const d = decideCompliance(facts({ country, listed: true, evidence: purchase, now }));
        expect(d.allowed).toBe(true);
        expect(d.exemption).toMatchObject({ basis: 'ebr-purchase', validUntil: '2026-05-11' });
        expect(d.summary).toContain('2024-11-12');
        expect(check(d, 'registry').detail).toContain('valid until 2026-05-11');
      }
    });

    it.each(['US', 'CA'] as const)('%s: not exempt at the boundary or after', (country) => {
      for (const now of [boundary, dayAfter]) {
        const d = decideCompliance(facts({ country, listed: true, evidence: purchase, now }));
        expect(d.exemption).toBeNull();
        expect(d.allowed).toBe(false);
        expect(firstBlock(d)).toBe('registry');
        // Not listed: the expired relationship does not matter.
        expect(decideCompliance(facts({ country, listed: false, evidence: purchase, now })).allowed).toBe(true);
      }
    });

    it('a purchase on the 31st ends on the last day of the month 18 months later (clamped)', () => {
      // 2024-08-31 + 18 months = 2026-02-28 (no Feb 31): exempt through 2026-02-27.
      const e = evidence({ lastPurchaseAt: '2024-08-31' });
      const fri = decideCompliance(facts({ listed: true, evidence: e, now: utc('2026-02-27T16:00:00Z') })); // Fri 11:00 EST
      expect(fri.exemption).toMatchObject({ basis: 'ebr-purchase', validUntil: '2026-02-27' });
      const sat = decideCompliance(facts({ listed: true, evidence: e, now: utc('2026-02-28T16:00:00Z') })); // Sat 11:00 EST
      expect(sat.exemption).toBeNull();
      expect(sat.allowed).toBe(false);
    });
  });

  describe('existing business relationship: inquiry, 3 months (US) vs 6 months (Canada)', () => {
    it('an inquiry 4 months ago is exempt in Canada but not in the US', () => {
      const e = evidence({ inquiryAt: '2026-07-25' });
      const ca = decideCompliance(facts({ country: 'CA', listed: true, evidence: e }));
      expect(ca.allowed).toBe(true);
      expect(ca.exemption).toMatchObject({ basis: 'ebr-inquiry', validUntil: '2027-01-24' });
      expect(ca.summary).toContain('2026-07-25');
      const us = decideCompliance(facts({ country: 'US', listed: true, evidence: e }));
      expect(us.allowed).toBe(false);
      expect(us.exemption).toBeNull();
    });

    it('US: an inquiry exactly 3 months before today has run out; one a day later holds through today', () => {
      // now = 2026-11-25T16:00Z. 2026-08-25 + 3 months = 2026-11-25T00:00Z ≤ now.
      expect(decideCompliance(facts({ listed: true, evidence: evidence({ inquiryAt: '2026-08-25' }) })).exemption).toBeNull();
      const d = decideCompliance(facts({ listed: true, evidence: evidence({ inquiryAt: '2026-08-26' }) }));
      expect(d.exemption).toMatchObject({ basis: 'ebr-inquiry', validUntil: '2026-11-25' });
    });

    it('Canada: an inquiry exactly 6 months before today has run out; one a day later holds', () => {
      expect(decideCompliance(facts({ country: 'CA', listed: true, evidence: evidence({ inquiryAt: '2026-05-25' }) })).exemption).toBeNull();
      const d = decideCompliance(facts({ country: 'CA', listed: true, evidence: evidence({ inquiryAt: '2026-05-26' }) }));
      expect(d.exemption).toMatchObject({ basis: 'ebr-inquiry', validUntil: '2026-11-25' });
    });
  });

  describe('which exemption is reported', () => {
    it('campaign kind before consent, consent before an EBR', () => {
      const all = evidence({ consentAt: '2026-01-01', lastPurchaseAt: '2026-10-01', inquiryAt: '2026-11-01' });
      expect(decideCompliance(facts({ listed: true, kind: 'charity', evidence: all })).exemption?.basis).toBe('charity');
      expect(decideCompliance(facts({ listed: true, kind: 'sales', evidence: all })).exemption?.basis).toBe('written-consent');
    });

    it('of purchase and inquiry, the one that ends later', () => {
      // US: purchase 2025-06-01 → 2026-12-01; inquiry 2026-10-01 → 2027-01-01.
      const d = decideCompliance(facts({ listed: true, evidence: evidence({ lastPurchaseAt: '2025-06-01', inquiryAt: '2026-10-01' }) }));
      expect(d.exemption).toMatchObject({ basis: 'ebr-inquiry', validUntil: '2026-12-31' });
      // purchase 2026-01-01 → 2027-07-01 beats the same inquiry.
      const p = decideCompliance(facts({ listed: true, evidence: evidence({ lastPurchaseAt: '2026-01-01', inquiryAt: '2026-10-01' }) }));
      expect(p.exemption).toMatchObject({ basis: 'ebr-purchase', validUntil: '2027-06-30' });
    });
  });
});

describe('registry snapshot age and import', () => {
  it('a snapshot exactly 31 days old passes; 31 days + 1 ms blocks, saying how old it is', () => {
    const ok = decideCompliance(facts({ snapshotAgeMs: 31 * DAY }));
    expect(ok.allowed).toBe(true);
    expect(check(ok, 'registry').outcome).toBe('pass');
    const stale = decideCompliance(facts({ snapshotAgeMs: 31 * DAY + 1 }));
    expect(stale.allowed).toBe(false);
    expect(firstBlock(stale)).toBe('registry');
    expect(stale.summary).toContain('days old');
    expect(stale.summary).toContain('limit 31');
    const older = decideCompliance(facts({ snapshotAgeMs: 45 * DAY + 3_600_000 }));
    expect(older.summary).toContain('45 days old');
  });

  it('a stale snapshot blocks Canada too, and the policy limit is honoured', () => {
    expect(decideCompliance(facts({ country: 'CA', snapshotAgeMs: 32 * DAY })).allowed).toBe(false);
    const policy: CompliancePolicy = { ...defaultCompliancePolicy, maxSnapshotAgeDays: 7 };
    expect(decideCompliance(facts({ snapshotAgeMs: 7 * DAY }), policy).allowed).toBe(true);
    const d = decideCompliance(facts({ snapshotAgeMs: 7 * DAY + 1 }), policy);
    expect(d.allowed).toBe(false);
    expect(d.summary).toContain('limit 7');
  });

  it('a stale snapshot does not block an exempt call', () => {
    for (const o of [
      { kind: 'charity' },
      { evidence: evidence({ consentAt: '2026-03-02' }) },
      { evidence: evidence({ lastPurchaseAt: '2026-01-15' }) },
    ] as Opts[]) {
      const d = decideCompliance(facts({ ...o, snapshotAgeMs: 90 * DAY }));
      expect(d.allowed).toBe(true);
      expect(check(d, 'registry').outcome).toBe('exempt');
    }
  });

  it('a registry never imported blocks non-exempt calls to its numbers only', () => {
    for (const listed of ['not-loaded', 'absent'] as const) {
      for (const country of ['US', 'CA'] as const) {
        const d = decideCompliance(facts({ country, listed }));
        expect(d.allowed).toBe(false);
        expect(firstBlock(d)).toBe('registry');
        expect(d.summary).toContain('not been imported');
        expect(decideCompliance(facts({ country, listed, kind: 'survey' })).allowed).toBe(true);
        expect(decideCompliance(facts({ country, listed, evidence: evidence({ consentAt: '2026-03-02' }) })).allowed).toBe(true);
      }
    }
    expect(decideCompliance(facts({ country: 'PL', evidence: evidence({ consentAt: '2026-03-02' }) })).allowed).toBe(true);
  });
});

describe('calling hours (every call, exempt or not)', () => {
  const ny = ['America/New_York'];
  const toronto = ['America/Toronto'];

  it('US: 07:59 blocked, 08:00 allowed, 20:59 allowed, 21:00 blocked (America/New_York, EST)', () => {
    const at = (iso: string) => decideCompliance(facts({ zones: ny, now: utc(iso) }));
    expect(at('2026-11-25T12:59:00Z').allowed).toBe(false); // 07:59 Wed
    expect(at('2026-11-25T13:00:00Z').allowed).toBe(true); // 08:00
    expect(at('2026-11-26T01:59:00Z').allowed).toBe(true); // 20:59
    expect(at('2026-11-26T01:59:59.999Z').allowed).toBe(true); // 20:59:59.999, still the 20:59 minute
    const late = at('2026-11-26T02:00:00Z'); // 21:00
    expect(late.allowed).toBe(false);
    expect(firstBlock(late)).toBe('calling-hours');
    expect(late.summary).toContain('21:00');
    expect(late.summary).toContain('America/New_York');
    expect(late.summary).toContain('08:00–21:00');
  });

  it('exempt calls keep to calling hours too', () => {
    const d = decideCompliance(facts({ kind: 'charity', listed: true, now: utc('2026-11-26T02:00:00Z') })); // 21:00 EST
    expect(d.allowed).toBe(false);
    expect(check(d, 'registry').outcome).toBe('exempt');
    expect(firstBlock(d)).toBe('calling-hours');
  });

  it('Canada: weekday 21:29 allowed, 21:30 blocked; 08:59 blocked, 09:00 allowed (America/Toronto)', () => {
    const at = (iso: string) => decideCompliance(facts({ country: 'CA', zones: toronto, now: utc(iso) })).allowed;
    expect(at('2026-11-26T02:29:00Z')).toBe(true); // Wed 21:29 EST
    expect(at('2026-11-26T02:30:00Z')).toBe(false); // Wed 21:30
    expect(at('2026-11-25T13:59:00Z')).toBe(false); // Wed 08:59
    expect(at('2026-11-25T14:00:00Z')).toBe(true); // Wed 09:00
  });

  it('Canada: weekends 10:00–18:00 (Saturday 18:00 blocked, Sunday 10:00 allowed)', () => {
    const at = (iso: string) => decideCompliance(facts({ country: 'CA', zones: toronto, now: utc(iso) }));
    expect(at('2026-11-28T22:59:00Z').allowed).toBe(true); // Sat 17:59
    const sat = at('2026-11-28T23:00:00Z'); // Sat 18:00
    expect(sat.allowed).toBe(false);
    expect(sat.summary).toContain('10:00–18:00');
    expect(at('2026-11-29T14:59:00Z').allowed).toBe(false); // Sun 09:59
    expect(at('2026-11-29T15:00:00Z').allowed).toBe(true); // Sun 10:00
    expect(at('2026-11-28T02:00:00Z').allowed).toBe(true); // Fri 21:00: still the weekday window
  });

  it('a state override: Florida ends at 20:00 on weekdays, other states keep 21:00', () => {
    const policy: CompliancePolicy = {
      ...defaultCompliancePolicy,
      callingHours: {
        ...defaultCompliancePolicy.callingHours,
        regions: { 'US-FL': { weekday: { start: '08:00', end: '20:00' }, sunday: null } },
      },
    };
    const at = (iso: string, region: string | null) => decideCompliance(facts({ region, zones: ny, now: utc(iso) }), policy);
    expect(at('2026-11-26T00:59:00Z', 'FL').allowed).toBe(true); // Wed 19:59 EST
    const fl = at('2026-11-26T01:00:00Z', 'FL'); // Wed 20:00
    expect(fl.allowed).toBe(false);
    expect(fl.summary).toContain('08:00–20:00');
    expect(at('2026-11-26T01:00:00Z', 'NY').allowed).toBe(true);
    expect(at('2026-11-26T01:00:00Z', null).allowed).toBe(true);
    // Saturday is left out of the override: the country's 21:00 holds; Sunday is null: no calls.
    expect(at('2026-11-29T01:30:00Z', 'FL').allowed).toBe(true); // Sat 20:30
    const sunday = at('2026-11-29T17:00:00Z', 'FL'); // Sun 12:00
    expect(sunday.allowed).toBe(false);
    expect(sunday.summary).toContain('no calls that day');
    // The override is keyed by country: region FL of a Canadian number is not Florida.
    expect(decideCompliance(facts({ country: 'CA', region: 'FL', now: utc('2026-11-26T01:00:00Z') }), policy).allowed).toBe(true);
  });

  describe('DST, 2026 (instants in UTC)', () => {
    const chicago = ['America/Chicago'];
    const at = (iso: string, zones = chicago) => decideCompliance(facts({ zones, now: utc(iso) })).allowed;

    it('spring forward, Sunday March 8 (Chicago: CST −6 before 02:00, CDT −5 after)', () => {
      // Saturday March 7 (CST): 08:00 = 14:00Z.
      expect(at('2026-03-07T13:59:00Z')).toBe(false); // 07:59 CST
      expect(at('2026-03-07T14:00:00Z')).toBe(true); // 08:00 CST
      // Sunday March 8 (CDT): 08:00 = 13:00Z — the same 13:00Z that was 07:00 the day before.
      expect(at('2026-03-08T12:59:00Z')).toBe(false); // 07:59 CDT
      expect(at('2026-03-08T13:00:00Z')).toBe(true); // 08:00 CDT
      // 21:00 CDT on March 8 = 02:00Z on March 9.
      expect(at('2026-03-09T01:59:00Z')).toBe(true); // 20:59 CDT
      expect(at('2026-03-09T02:00:00Z')).toBe(false); // 21:00 CDT
      // The evening before the switch, 21:00 CST = 03:00Z March 8.
      expect(at('2026-03-08T02:59:00Z')).toBe(true); // Sat 20:59 CST
      expect(at('2026-03-08T03:00:00Z')).toBe(false); // Sat 21:00 CST
    });

    it('spring forward in New York: 08:00 EDT = 12:00Z on March 8', () => {
      const nyc = ['America/New_York'];
      expect(at('2026-03-08T11:59:00Z', nyc)).toBe(false);
      expect(at('2026-03-08T12:00:00Z', nyc)).toBe(true);
      expect(at('2026-03-07T12:30:00Z', nyc)).toBe(false); // 07:30 EST on Saturday
    });

    it('fall back, Sunday November 1 (Chicago: CDT −5 before 02:00, CST −6 after)', () => {
      // Saturday October 31 (CDT): 13:00Z is 08:00.
      expect(at('2026-10-31T13:00:00Z')).toBe(true);
      // Sunday November 1 (CST): 13:00Z is 07:00, 08:00 = 14:00Z.
      expect(at('2026-11-01T13:00:00Z')).toBe(false); // 07:00 CST
      expect(at('2026-11-01T13:59:00Z')).toBe(false); // 07:59 CST
      expect(at('2026-11-01T14:00:00Z')).toBe(true); // 08:00 CST
      // 21:00 CST on November 1 = 03:00Z on November 2.
      expect(at('2026-11-02T02:59:00Z')).toBe(true); // 20:59 CST
      expect(at('2026-11-02T03:00:00Z')).toBe(false); // 21:00 CST
      // The evening before, 21:00 CDT = 02:00Z November 1.
      expect(at('2026-11-01T01:59:00Z')).toBe(true); // Sat 20:59 CDT
      expect(at('2026-11-01T02:00:00Z')).toBe(false); // Sat 21:00 CDT
    });
  });

  it('Arizona keeps standard time all year: Phoenix is not Denver in summer', () => {
    // Wed 2026-07-15: 15:00Z is 08:00 MST in Phoenix (09:00 MDT in Denver).
    expect(decideCompliance(facts({ zones: ['America/Phoenix'], now: utc('2026-07-15T14:59:00Z') })).allowed).toBe(false); // 07:59
    expect(decideCompliance(facts({ zones: ['America/Phoenix'], now: utc('2026-07-15T15:00:00Z') })).allowed).toBe(true); // 08:00
    expect(decideCompliance(facts({ zones: ['America/Denver'], now: utc('2026-07-15T14:59:00Z') })).allowed).toBe(true); // 08:59 MDT
  });

  it('no known zone blocks a US or Canadian call, saying the local time is unknown', () => {
    for (const country of ['US', 'CA'] as const) {
      const d = decideCompliance(facts({ country, zones: [] }));
      expect(d.allowed).toBe(false);
      expect(firstBlock(d)).toBe('calling-hours');
      expect(d.summary).toContain('local time is unknown');
    }
    // Exempt or not.
    expect(decideCompliance(facts({ zones: [], kind: 'political' })).allowed).toBe(false);
  });

  it('a number that could be in several zones is allowed only inside the window in every one', () => {
    const zones = ['America/New_York', 'America/Los_Angeles'];
    expect(decideCompliance(facts({ zones, now: utc('2026-11-25T16:00:00Z') })).allowed).toBe(true); // 11:00 NY, 08:00 LA
    const early = decideCompliance(facts({ zones, now: utc('2026-11-25T15:59:00Z') })); // 10:59 NY, 07:59 LA
    expect(early.allowed).toBe(false);
    expect(early.summary).toContain('America/Los_Angeles');
    expect(early.summary).not.toContain('in America/New_York');
    expect(early.summary).toContain('could be in any of these zones');
    expect(early.localTimes.map((t) => t.inside)).toEqual([true, false]);
    expect(decideCompliance(facts({ zones, now: utc('2026-11-26T01:59:00Z') })).allowed).toBe(true); // 20:59 NY, 17:59 LA
    expect(decideCompliance(facts({ zones, now: utc('2026-11-26T02:00:00Z') })).allowed).toBe(false); // 21:00 NY
  });

  it('Canada across zones: Halifax and Vancouver on a weekday', () => {
    const zones = ['America/Halifax', 'America/Vancouver'];
    // Wed 2026-11-25 17:00Z: 13:00 AST, 09:00 PST → inside both.
    expect(decideCompliance(facts({ country: 'CA', zones, now: utc('2026-11-25T17:00:00Z') })).allowed).toBe(true);
    // 16:59Z: 08:59 PST → outside in Vancouver.
    expect(decideCompliance(facts({ country: 'CA', zones, now: utc('2026-11-25T16:59:00Z') })).allowed).toBe(false);
  });

  it('numbers outside the US and Canada keep to the campaign’s window (no statutory hours there), default 08:00–21:00', () => {
    const night = decideCompliance(facts({ country: 'PL', kind: 'survey', now: utc('2026-11-25T02:00:00Z') })); // Wed 03:00 CET
    expect(night.allowed).toBe(false);
    expect(firstBlock(night)).toBe('calling-hours');
    expect(night.summary).toContain('03:00 Wed in Europe/Warsaw, outside 08:00–21:00');
    const unknown = decideCompliance(facts({ country: 'PL', kind: 'survey', zones: [] }));
    expect(unknown.allowed).toBe(false);
    expect(unknown.summary).toContain('local time is unknown');
  });
});

describe('the decision in words', () => {
  it('every check is listed in order, the summary gives the first blocking reason', () => {
    const d = decideCompliance(facts({ internal: true, listed: true, now: utc('2026-11-26T02:00:00Z') }));
    expect(d.checks.map((c) => [c.rule, c.outcome])).toEqual([
      ['internal-dnc', 'block'],
      ['registry', 'block'],
      ['calling-hours', 'block'],
    ]);
    expect(d.summary.startsWith('Blocked')).toBe(true);
    expect(d.summary).toContain('internal Do-Not-Call');
  });

  it('an exempt, allowed call says why, with the evidence and its date', () => {
    const d = decideCompliance(facts({ listed: true, evidence: evidence({ lastPurchaseAt: '2026-01-15' }) }));
    expect(d.allowed).toBe(true);
    expect(d.summary).toMatch(/^Allowed \(exempt\)/);
    expect(d.summary).toContain('last purchase on 2026-01-15');
    expect(check(d, 'registry').detail).toContain('valid until 2027-07-14');
    const k = decideCompliance(facts({ listed: true, kind: 'political' }));
    expect(k.summary).toContain('campaign kind: political');
  });
});
