// The dial policy fails closed: a number on the internal Do-Not-Call list is refused however it
// is written (prefixes the PBX strips, national forms under any campaign country, tel: and SIP
// URIs with parameters and escapes), every refusal names the number; internal extensions and our
// own agents stay callable; a target the policy cannot read is refused with a reason.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserAgent } from 'sip.js';
import { CallManager } from '../../../electron/core/calls/call-manager';
import { ComplianceService } from '../../../electron/core/compliance/compliance-service';
import { DialPolicy, type DialAccount } from '../../../electron/core/compliance/dial-policy';
import type { Store } from '../../../electron/core/data/repositories';
import { defaultDialPlan, type DialPlan } from '../../../shared/dial-plan';
import { mulberry32 } from '../../support/prng';
import { slowStore, type SlowStoreOptions } from '../../support/slow-store';
import { spell } from '../../support/spellings';
import { tempStore } from '../../support/temp-store';
import { campaignInput, newLead, phone } from '../data/store-fixtures';

/** Wednesday 25 Nov 2026, 16:00 UTC: 11:00 in New York, 08:00 in Los Angeles, 17:00 in Warsaw, 16:00 in London. */
const NOW = DateTime.fromISO('2026-11-25T16:00', { zone: 'utc' }).toMillis();
const DOMAIN = 'pbx.example.com';

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const plan: DialPlan = {
  ...defaultDialPlan('US'),
  outsideLinePrefixes: ['9'],
  featureCodes: ['*67', '*82', '#31#', '141'],
  extensions: { minDigits: 3, maxDigits: 5 },
  internalDomains: ['voice.example.com'],
};

async function rig(opts: { campaignCountry?: string; dispositionRequired?: boolean; team?: string[]; slow?: SlowStoreOptions } = {}) {
  const { store: real } = tempStore();
  open.push(real);
  // The gate reads through this one; the test's own setup and checks go straight to the file.
  const store = opts.slow ? slowStore(real, opts.slow) : real;
  // Surveys are exempt from the national registries and need no marketing consent: only the internal list and the hours decide.
  const us = await store.campaigns.save(campaignInput('US survey', { kind: 'survey', defaultCountry: 'US' }));
  const pl = await store.campaigns.save(campaignInput('PL survey', { kind: 'survey', defaultCountry: 'PL' }));
  const gb = await store.campaigns.save(campaignInput('GB survey', { kind: 'survey', defaultCountry: 'GB' }));
  const current = opts.campaignCountry === 'PL' ? pl : opts.campaignCountry === 'GB' ? gb : us;
  const compliance = new ComplianceService({
    store,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'ringside-policy-')),
    currentCampaignId: () => current.id,
    defaultCountry: async () => current.defaultCountry,
    emit: () => undefined,
    log: { info: () => undefined, warn: () => undefined },
    now: () => NOW,
  });
  compliance.init();
  const account: DialAccount = {
    dialPlan: plan,
    domain: DOMAIN,
    team: opts.team ?? ['sip:agent7@other.example'],
    monitorCodes: ['*222{ext}', '*223{ext}', '*224{ext}'],
  };
  const policy = new DialPolicy({
    compliance,
    store,
    account: () => account,
    currentCampaignId: () => current.id,
    dispositionRequired: () => opts.dispositionRequired ?? false,
  });
  return { store: real, compliance, policy, campaigns: { us, pl, gb } };
}

/** A random valid number of one country (zones with calling hours open at NOW). */
function randomNumber(rand: () => number, country: 'US' | 'PL' | 'GB'): string {
  for (;;) {
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
    const candidate =
      country === 'US'
        ? `+1${['212', '305', '415', '617', '312', '206', '303'][Math.floor(rand() * 7)]}${2 + Math.floor(rand() * 8)}${digits(6)}`
        : country === 'PL'
          ? `+48${['22', '12', '58', '61', '50', '60', '79'][Math.floor(rand() * 7)]}${digits(7)}`
          : `+44${['20', '121', '161', '7700', '1632'][Math.floor(rand() * 5)]}${digits(11)}`.slice(0, 13);
    const p = parsePhoneNumberFromString(candidate);
    if (p?.isValid() && p.country === country) return p.number;
  }
}

describe('the dial policy reads every spelling of a number the way the PBX will', () => {
  it('refuses a listed number in 3,000 generated spellings, naming it, and lets the same spellings of unlisted numbers through', async () => {
    const rand = mulberry32(20261125);
    const r = await rig();
    const countries = ['US', 'PL', 'GB'];
    const listed = countries.flatMap((c) => Array.from({ length: 8 }, () => randomNumber(rand, c as 'US')));
    await r.compliance.addToInternalDnc(listed, 'manual');
    const unlisted = countries.flatMap((c) => Array.from({ length: 8 }, () => randomNumber(rand, c as 'US'))).filter((n) => !listed.includes(n));
    const ctx = { plan, domain: DOMAIN, countries };
    const leaks: string[] = [];
    const unnamed: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const e164 = listed[i % listed.length] as string;
      const target = spell(rand, e164, ctx);
      const { permit } = await r.policy.preview({ target, path: (['manual', 'link', 'redial', 'transfer'] as const)[i % 4], leadId: null });
      if (permit.allowed) leaks.push(`${target} → ${permit.uri}`);
      const reading = permit.decision.target?.readings.find((x) => x.e164 === e164);
      if (!reading || reading.allowed || !/internal Do-Not-Call/.test(reading.summary) || !permit.decision.summary.includes('+'))
        unnamed.push(`${target}: ${permit.decision.summary}`);
    }
    expect(leaks).toEqual([]);
    expect(unnamed).toEqual([]);
    const refusedControls: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const e164 = unlisted[i % unlisted.length] as string;
      const target = spell(rand, e164, ctx);
      const { permit } = await r.policy.preview({ target, path: 'manual', leadId: null });
      if (!permit.allowed) refusedControls.push(`${target}: ${permit.decision.summary}`);
      else expect(permit.decision.target?.readings.some((x) => x.e164 === e164)).toBe(true);
    }
    expect(refusedControls).toEqual([]);
  });

  it('keeps internal extensions, internal domains and our own agents callable, and says so', async () => {
    const rand = mulberry32(7);
    const r = await rig();
    for (let i = 0; i < 300; i++) {
      const ext = String(100 + Math.floor(rand() * 99_900));
      const target = [ext, `sip:${ext}@${DOMAIN}`, `*67${ext}`, `sip:${ext}@voice.example.com;transport=ws`][i % 4] as string;
      const { permit } = await r.policy.preview({ target, path: 'manual', leadId: null });
      expect(permit.allowed, `${target}: ${permit.decision.summary}`).toBe(true);
      expect(permit.decision.target?.readings.some((x) => x.kind === 'extension' || x.kind === 'emergency')).toBe(true);
    }
    for (const target of ['sip:agent2@pbx.example.com', 'sip:agent7@other.example', '<sip:supervisor@voice.example.com>']) {
      const { permit } = await r.policy.preview({ target, path: 'monitor', leadId: null });
      expect(permit.allowed, target).toBe(true);
      expect(permit.decision.checks[0]).toMatchObject({ rule: 'target', outcome: 'pass' });
    }
    // The PBX's monitoring code for an agent on the team, on a supervisor's monitoring call only.
    expect((await r.policy.preview({ target: `sip:*222agent7@${DOMAIN}`, path: 'monitor', leadId: null })).permit.allowed).toBe(true);
    // A monitoring code cannot carry a customer's number past the policy.
    await r.compliance.addToInternalDnc(['+12125550123'], 'manual');
    const hidden = (await r.policy.preview({ target: `sip:*222+12125550123@${DOMAIN}`, path: 'monitor', leadId: null })).permit;
    expect(hidden.allowed).toBe(false);
    expect(hidden.decision.summary).toMatch(/^Blocked: \+12125550123 is on the company's internal Do-Not-Call list/);
    // Nor can a team list that holds a telephone number by mistake.
    const listedTeam = await rig({ team: ['sip:+12125550123@pbx.example.com', 'sip:2125550123@pbx.example.com'] });
    await listedTeam.compliance.addToInternalDnc(['+12125550123'], 'manual');
    for (const target of ['sip:+12125550123@pbx.example.com', 'sip:2125550123@pbx.example.com', `sip:*2222125550123@${DOMAIN}`]) {
      expect((await listedTeam.policy.preview({ target, path: 'monitor', leadId: null })).permit.allowed, target).toBe(false);
    }
    // A stranger's SIP address is not ours: refused, with what to do.
    const stranger = (await r.policy.preview({ target: 'sip:alice@partner.example', path: 'manual', leadId: null })).permit;
    expect(stranger).toMatchObject({ allowed: false, code: 'blocked' });
    expect(stranger.decision.summary).toMatch(/outside your company's domains/);
  });

  it('refuses what it cannot read, in words, and records one audit entry per attempt', async () => {
    const r = await rig({ campaignCountry: 'PL' });
    const cases: Array<[string, RegExp]> = [
      ['+48 12', /Can't tell which telephone number "\+48 12" reaches — dial it in international form/],
      ['2125550199', /Can't tell which telephone number/], // a US national number, but no US campaign here … see below
      ['sip:%E0@pbx.example.com', /broken %-escape/],
      ['sip:+12125550199;rn=+12125550100@pbx.example.com', /parameter the dial gate does not understand \(rn\)/],
      ['call mom', /is not a phone number/],
      ['sip:@pbx.example.com', /no user part/],
    ];
    // Only the PL and the other campaigns' countries are readings: US is one (a US campaign exists),
    // so the US national number is read as +1 212 …; without any US campaign it is unreadable.
    const only = tempStore();
    open.push(only.store);
    const pl = await only.store.campaigns.save(campaignInput('PL', { defaultCountry: 'PL' }));
    const compliance = new ComplianceService({
      store: only.store,
      dataDir: null,
      currentCampaignId: () => pl.id,
      defaultCountry: async () => 'PL',
      emit: () => undefined,
      log: { info: () => undefined, warn: () => undefined },
      now: () => NOW,
    });
    const plPlan = { ...defaultDialPlan('PL') };
    const plPolicy = new DialPolicy({
      compliance,
      store: only.store,
      account: () => ({ dialPlan: plPlan, domain: DOMAIN, team: [], monitorCodes: [] }),
      currentCampaignId: () => pl.id,
      dispositionRequired: () => false,
    });
    for (const [target, why] of cases) {
      const permit = await (target === '2125550199' ? plPolicy : r.policy).decide({ target, path: 'manual', leadId: null });
      expect(permit.allowed, target).toBe(false);
      expect(permit.decision.summary, target).toMatch(why);
      expect(permit.decision.checks.find((c) => c.rule === 'target')?.outcome).toBe('block');
    }
    expect((await r.compliance.auditPage(0, 50)).total).toBe(cases.length - 1);
    expect((await compliance.auditPage(0, 10)).rows).toMatchObject([{ path: 'manual', target: '2125550199', allowed: false, e164: null }]);
    // With a US campaign in the store the same digits are read as the US number.
    const us = (await r.policy.preview({ target: '2125550199', path: 'manual', leadId: null })).permit;
    expect(us.decision.target?.readings).toMatchObject([{ e164: '+12125550199', via: ['national form in US'] }]);
  });

  it('decides every reading of an ambiguous target and the strictest stands', async () => {
    const r = await rig();
    // 0048… is Poland through the European prefix, and 0 048… could be nothing else here; but
    // "9 48 22 555 01 23" is an outside line then a Polish national number … and a US one can't be.
    await r.compliance.addToInternalDnc(['+48225550123'], 'manual');
    const permit = (await r.policy.preview({ target: '9 225550123', path: 'manual', leadId: null })).permit;
    expect(permit.allowed).toBe(false);
    expect(permit.decision.target?.readings.find((x) => x.e164 === '+48225550123')).toMatchObject({
      allowed: false,
      via: ['outside-line prefix 9', 'national form in PL'],
    });
    // Ten digits that are a US number and a UK 03 number (national form, no trunk 0): both are
    // decided; the listed one decides, and the other is still shown.
    await r.compliance.addToInternalDnc(['+13039284265'], 'manual');
    const both = (await r.policy.preview({ target: 'sip:3039284265@pbx.example.com;user=phone', path: 'transfer', leadId: null })).permit;
    expect(both.decision.target?.readings.map((x) => [x.e164, x.allowed]).sort()).toEqual([
      ['+13039284265', false],
      ['+443039284265', true],
    ]);
    expect(both.allowed).toBe(false);
    expect(both.decision.summary).toMatch(/^Blocked: \+13039284265 is on the company's internal Do-Not-Call list.*one of 2 ways/);
    // Unlisted, the same two readings let it through.
    expect((await r.policy.preview({ target: 'sip:3039284266@pbx.example.com', path: 'manual', leadId: null })).permit.allowed).toBe(true);
  });

  it('the workspace rules are part of the same decision: disposition first, bad numbers', async () => {
    const r = await rig({ dispositionRequired: true });
    const first = await r.policy.decide({ target: '+12125550100', path: 'manual', leadId: null });
    expect(first).toMatchObject({ allowed: false, code: 'disposition-required', reason: 'Blocked: Choose a disposition for the last call first.' });
    // A transfer of the live call is not a new call: no disposition needed for it.
    expect((await r.policy.decide({ target: '+12125550100', path: 'transfer', leadId: null })).allowed).toBe(true);
    const free = await rig();
    const lead = await free.store.leads.create(free.campaigns.us.id, newLead({ phones: [phone('+12125550100'), phone('+12125550101')] }), NOW);
    await free.store.activity.recordDisposition({
      leadId: lead.id,
      callId: null,
      code: 'wrong',
      label: 'Wrong number',
      effect: 'bad-number',
      success: false,
      note: '',
      at: NOW,
      phone: '+12125550100',
      retryAt: null,
      callback: null,
      maxAttempts: 5,
    });
    const bad = await free.policy.decide({ target: '+1 212 555 0100', path: 'preview', leadId: lead.id });
    expect(bad).toMatchObject({ allowed: false, code: 'blocked' });
    expect(bad.decision.summary).toContain('+12125550100 is marked as a bad number');
    // The lead's other number is fine; each attempt left one audit record.
    expect((await free.policy.decide({ target: '+12125550101', path: 'preview', leadId: lead.id })).allowed).toBe(true);
    expect((await free.compliance.auditPage(0, 10)).rows.map((x) => [x.e164, x.allowed])).toEqual([
      ['+12125550101', true],
      ['+12125550100', false],
    ]);
  });
});

describe('the gate decides only on answers it has, and refuses when one does not come', () => {
  it('on a store whose answers arrive late and out of order, a listed number is refused however it is written and whoever it is for', async () => {
    const rand = mulberry32(7);
    const r = await rig({ slow: { seed: 7, maxDelayMs: 4 } });
    await r.compliance.addToInternalDnc(['+12125550123'], 'manual');
    const lead = await r.store.leads.create(r.campaigns.us.id, newLead({ phones: [phone('+12125550123')], consentAt: '2026-01-02' }), NOW);
    const ctx = { plan, domain: DOMAIN, countries: ['US', 'PL', 'GB'] };
    const attempts = Array.from({ length: 60 }, (_, i) => ({ target: spell(rand, '+12125550123', ctx), leadId: i % 2 ? lead.id : null }));
    // All at once: every decision waits for its own reads, whatever else comes back in between.
    const permits = await Promise.all(attempts.map((a) => r.policy.decide({ ...a, path: 'preview' })));
    permits.forEach((p, i) => expect(p.allowed, attempts[i]!.target).toBe(false));
    const control = await r.policy.decide({ target: '+12125550199', path: 'manual', leadId: null });
    expect(control.allowed).toBe(true);
  });

  // Each read as the attempt that needs it makes it: the lead's own (with a lead) or the lead found by the number (without).
  it.each([
    ['dnc', 'has', true],
    ['dnc', 'has', false],
    ['leads', 'get', true],
    ['leads', 'findByPhone', false],
    ['campaigns', 'get', true],
    ['campaigns', 'countries', false],
    ['audit', 'append', true],
  ] as const)(
    'a failed %s.%s refuses the dial (with a lead: %s): the decision rejects and no allowed record is written',
    async (repository, method, withLead) => {
      let failing = false;
      const r = await rig({ slow: { maxDelayMs: 1, fail: (repo, m) => failing && repo === repository && m === method } });
      const lead = await r.store.leads.create(r.campaigns.us.id, newLead({ phones: [phone('+12125550144')] }), NOW);
      const attempt = { target: withLead ? '+12125550144' : 'sip:+12125550144@pbx.example.com', path: 'preview' as const, leadId: withLead ? lead.id : null };
      // The same attempt is allowed while the store answers.
      expect((await r.policy.decide(attempt)).allowed).toBe(true);
      failing = true;
      await expect(r.policy.decide(attempt)).rejects.toThrow(/connection to the database was lost/);
      // The "why" card before a call reads the same (it writes no audit record).
      if (repository !== 'audit') await expect(r.policy.preview(attempt)).rejects.toThrow(/connection to the database was lost/);
      failing = false;
      expect((await r.compliance.auditPage(0, 10)).rows.map((x) => [x.e164, x.allowed])).toEqual([['+12125550144', true]]);
    },
  );

  it('the call manager places nothing while the gate is deciding, and nothing when it cannot decide', async () => {
    const r = await rig({ slow: { maxDelayMs: 2, fail: (repo, m) => repo === 'dnc' && m === 'has' } });
    const changes: unknown[] = [];
    // A user agent that must never be reached: any INVITE would touch it.
    const ua = new Proxy({}, { get: () => expect.unreachable('an INVITE was started') }) as UserAgent;
    const calls = new CallManager({
      line: () => ({ ua, isRegistered: true, aor: `sip:agent1@${DOMAIN}` }),
      gate: (target, context) => r.policy.decide({ target, path: context.path ?? 'manual', leadId: context.leadId }),
      onChange: (view) => changes.push(view),
      onRemoved: () => undefined,
      log: { info: () => undefined, warn: () => undefined },
      newId: () => 'call-1',
    });
    await expect(calls.dial('+12125550144')).rejects.toThrow(/connection to the database was lost/);
    expect(calls.list()).toEqual([]);
    expect(changes).toEqual([]);
  });
});
