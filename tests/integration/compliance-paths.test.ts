/**
 * Every dialling path goes through the one compliance gate, proved on the wire: the
 * core runs against a real Kamailio whose config logs every INVITE and REFER it receives
 * ("RINGSIDE-SEEN"), a US registry is imported through the core from real files, and each path
 * is tried against a number on that registry — manual dial, a tel: link, preview, the preview
 * countdown, progressive, a due callback, redial, and a transfer target. None may reach Kamailio;
 * a call to an allowed number on the same server does (so the log would show a leak).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import type { NewLead, Store } from '../../electron/core/data/repositories.js';
import { accountSchema } from '../../shared/account.js';
import { campaignSchema, defaultDispositions, type CampaignInput } from '../../shared/campaign.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone, type NodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';
import { mulberry32 } from '../support/prng.js';
import { nationalDigits, spell } from '../support/spellings.js';
import { defaultDialPlan } from '../../shared/dial-plan.js';

const BLOCKED = '+12125550199'; // on the imported US registry, no exemption
const ALLOWED = '+12125550141'; // a registered customer phone, not on the registry
/** Noon in New York: inside calling hours, so only the registry decides. */
const NOW = DateTime.fromISO('2026-11-25T12:00', { zone: 'America/New_York' }).toMillis();

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const script = { coldStart: 'intro', warmStart: 'intro', steps: [{ id: 'intro', title: 'Intro', text: 'Hello', answers: [], capture: null, next: null }] };
function campaign(over: Partial<CampaignInput> = {}): CampaignInput {
  return campaignSchema.parse({
    name: 'US outbound',
    kind: 'sales',
    script,
    dispositions: defaultDispositions,
    dialMode: 'preview',
    defaultCountry: 'US',
    ...over,
  });
}
function lead(e164: string, over: Partial<NewLead> = {}): NewLead {
  return {
    firstName: 'Pat',
    lastName: 'Doe',
    company: '',
    email: '',
    street: '',
    city: '',
    region: '',
    postalCode: '',
    country: 'US',
    timeZone: 'America/New_York',
    source: 'test',
    customFields: {},
    consentAt: null,
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 0,
    priority: 0,
    phones: [{ e164, raw: e164, label: null }],
    ...over,
  };
}

/** A PBX with an outside-line prefix and caller-ID codes, as many call centers have. */
const DIAL_PLAN = { ...defaultDialPlan('US'), outsideLinePrefixes: ['9'], featureCodes: ['*67', '*82', '#31#'] };

async function agent(store: Store, dataDir: string, dbPath?: string, extra: Record<string, unknown> = {}): Promise<{ core: Core; peer: TestPeer }> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:agent2@${sip.domain}`, password: sip.users.agent2, dialPlan: DIAL_PLAN, ...extra });
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    dataDir,
    dbPath,
    now: () => NOW,
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => {}, warn: () => {} },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  cleanups.push(() => core.stop());
  return { core, peer };
}

async function importUsRegistry(peer: TestPeer, dataDir: string): Promise<void> {
  writeFileSync(path.join(dataDir, 'registry-inbox', 'dnc-212.txt'), ['2125550199', '2125550198', '212,5550100'].join('\n') + '\n');
  const started = await peer.request('compliance:import-registry', {
    registry: 'US',
    mode: 'full',
    files: [{ name: 'dnc-212.txt', kind: 'full' }],
    snapshotDate: '2026-11-20',
  });
  expect(started.ok).toBe(true);
  const done = await peer.waitFor('compliance:changed', (s) => s.import?.phase === 'done' || s.import?.phase === 'failed', 20_000);
  expect(done.import?.message).toMatch(/3 numbers/);
}

/**
 * INVITE/REFER lines Kamailio logged since the test began whose request URI or Refer-To reaches
 * this number in any spelling: %-escapes decoded and separators dropped, then its national
 * digits looked for (they are in every form a PBX could route: +CC…, 00CC…, 9 1…, *67…).
 */
function seenOnServer(e164: string, fromOffset: number): string[] {
  const digits = nationalDigits(e164);
  const decode = (l: string): string => l.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return readFileSync(sip.logFile, 'utf8')
    .slice(fromOffset)
    .split('\n')
    .filter(
      (l) =>
        l.includes('RINGSIDE-SEEN') &&
        decode(l.split(' call-id=')[0]!)
          .replace(/[\s\-.()]/g, '')
          .includes(digits),
    );
}

describe('every dialling path goes through the compliance gate', () => {
  it('a number on the registry is refused by every path before any INVITE or REFER leaves', async () => {
    const logStart = readFileSync(sip.logFile, 'utf8').length;
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-paths-'));
    const preview = await store.campaigns.save(campaign({ name: 'Preview', dialMode: 'preview', previewCountdownSec: 1 }));
    const blockedLead = await store.leads.create(preview.id, lead(BLOCKED), Date.now());
    const customer: NodePhone = await startNodePhone(sip, ALLOWED);
    cleanups.push(() => customer.stop());
    const { peer } = await agent(store, dataDir);
    await importUsRegistry(peer, dataDir);
    const refused = (r: unknown, what: string): void => {
      expect(r, what).toMatchObject({ ok: false, code: 'blocked', message: expect.stringContaining('is on the US National DNC Registry') });
    };

    // 1. Manual dial in any spelling, and 2. a tel: / sip: link.
    for (const target of [BLOCKED, '+1 (212) 555-0199', '212-555-0199', `sip:${BLOCKED}@${sip.domain}`])
      refused(await peer.request('call:dial', { target }), `dial ${target}`);
    refused(await peer.request('call:dial-link', { url: 'tel:+1-212-555-0199' }), 'tel: link');
    refused(await peer.request('call:dial-link', { url: `sip:${BLOCKED}@${sip.domain}` }), 'sip: link');

    // 3. Preview: the card says why before the call, and the dial is refused.
    await peer.request('agent:set-state', { state: 'paused', reason: 'setup' });
    await peer.request('workspace:select-campaign', { id: preview.id });
    const shown = await peer.request('workspace:next', {});
    expect(shown.ok && shown.value.current?.leadId).toBe(blockedLead.id);
    expect(shown.ok && shown.value.current?.compliance).toMatchObject({ allowed: false, registry: 'US' });
    refused(await peer.request('workspace:dial', { phoneIndex: 0 }), 'preview dial');

    // 4. The preview countdown dials by itself when the agent is available: refused, with a notice.
    const available = await peer.request('agent:set-state', { state: 'available' });
    expect(available.ok).toBe(true);
    const counting = await peer.request('workspace:select-campaign', { id: preview.id });
    expect(counting.ok && counting.value.current?.countdownEndsAt).toBeGreaterThan(0);
    const notice = await peer.waitFor('workspace:changed', (w) => /not placed/.test(w.notice ?? ''), 8000);
    expect(notice.notice).toContain('US National DNC Registry');

    // 5. Progressive: dials the next lead on its own as soon as the agent is available.
    const progressive = await store.campaigns.save(campaign({ name: 'Progressive', dialMode: 'progressive' }));
    await store.leads.create(progressive.id, lead(BLOCKED), Date.now());
    await peer.request('agent:set-state', { state: 'paused', reason: 'switch' });
    await peer.request('workspace:select-campaign', { id: progressive.id });
    peer.events.length = 0;
    await peer.request('agent:set-state', { state: 'available' });
    const progressiveNotice = await peer.waitFor('workspace:changed', (w) => /not placed/.test(w.notice ?? ''), 8000);
    expect(progressiveNotice.notice).toContain('US National DNC Registry');

    // 6. A due callback (the customer asked to be called back before the number was registered).
    await peer.request('agent:set-state', { state: 'paused', reason: 'switch' });
    const callbacks = await store.campaigns.save(campaign({ name: 'Callbacks', dialMode: 'preview' }));
    const cb = await store.leads.create(callbacks.id, lead(BLOCKED), Date.now());
    await store.activity.recordDisposition({
      leadId: cb.id,
      callId: null,
      code: 'callback',
      label: 'Callback',
      effect: 'callback',
      success: false,
      note: '',
      at: Date.now() - 60_000,
      phone: BLOCKED,
      retryAt: null,
      callback: { dueAt: Date.now() - 1000, timeZone: 'America/New_York' },
      maxAttempts: 5,
    });
    await peer.request('workspace:select-campaign', { id: callbacks.id });
    const due = await peer.request('workspace:next', {});
    expect(due.ok && due.value.current?.leadId).toBe(cb.id);
    refused(await peer.request('workspace:dial', { phoneIndex: 0 }), 'callback dial');

    // Positive control: an allowed number on the same server is called (and seen by Kamailio).
    const call = await peer.request('call:dial', { target: ALLOWED });
    expect(call.ok).toBe(true);
    if (!call.ok) return;
    expect(call.value.compliance).toMatchObject({ allowed: true, registry: 'US' });
    const invitation = await customer.nextInvitation();
    await invitation.accept();
    await peer.waitFor('call:state-changed', (c) => c.id === call.value.id && c.state === 'active');

    // 7. Transfer of the live call to the registered number: refused, no REFER.
    refused(await peer.request('call:transfer', { id: call.value.id, target: BLOCKED }), 'transfer');
    await peer.request('call:hangup', { id: call.value.id });
    await peer.waitFor('call:state-changed', (c) => c.id === call.value.id && c.state === 'ended');

    // 8. Redial after the customer asked not to be called (internal DNC, by hand).
    const dnc = await peer.request('compliance:dnc-add', { numbers: ['(212) 555-0141'], source: 'manual' });
    expect(dnc).toMatchObject({ ok: true, value: { added: 1 } });
    const redial = await peer.request('call:redial', { id: call.value.id });
    expect(redial).toMatchObject({ ok: false, code: 'blocked', message: expect.stringContaining('internal Do-Not-Call list') });

    // On the wire: the allowed call reached Kamailio (its INVITE, then again with credentials
    // after the 407 challenge); the blocked number never did.
    await new Promise((r) => setTimeout(r, 300));
    expect(seenOnServer(ALLOWED, logStart).filter((l) => l.includes('INVITE')).length).toBeGreaterThan(0);
    expect(seenOnServer(BLOCKED, logStart)).toEqual([]);

    // The audit log has every decision, each path by name.
    const audit = await peer.request('compliance:audit', { offset: 0, limit: 100 });
    if (!audit.ok) throw new Error(audit.message);
    const blockedPaths = new Set(audit.value.rows.filter((r) => !r.allowed).map((r) => r.path));
    expect([...blockedPaths].sort()).toEqual(['callback', 'link', 'manual', 'preview', 'progressive', 'redial', 'transfer']);
    expect(audit.value.rows.filter((r) => r.allowed).map((r) => r.target)).toEqual([ALLOWED]);
    const csv = await peer.request('compliance:audit-export', {});
    expect(csv.ok && csv.value.rows).toBe(audit.value.total);
  }, 60_000);
});

describe('every spelling of a listed number, on every path that takes one', () => {
  it('a generated sample of spellings through the dial box, links, transfer and monitoring never reaches Kamailio; an allowed control call does', async () => {
    const logStart = readFileSync(sip.logFile, 'utf8').length;
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-spellings-'));
    // Campaigns in the US and Poland: national forms of both countries are readings.
    await store.campaigns.save(campaign({ name: 'US', defaultCountry: 'US' }));
    await store.campaigns.save(campaign({ name: 'PL', defaultCountry: 'PL', kind: 'survey' }));
    const PL_LISTED = '+48225550177';
    const customer: NodePhone = await startNodePhone(sip, ALLOWED);
    cleanups.push(() => customer.stop());
    // The supervisor's team lists a listed number by mistake: a monitoring call to it is still decided as a number.
    const { peer } = await agent(store, dataDir, undefined, { supervision: { role: 'both', team: [`sip:${BLOCKED}@${sip.domain}`], monitorVia: 'pbx' } });
    await importUsRegistry(peer, dataDir);
    expect(await peer.request('compliance:dnc-add', { numbers: [PL_LISTED], source: 'manual' })).toMatchObject({ ok: true });
    const rand = mulberry32(42);
    const ctx = { plan: DIAL_PLAN, domain: sip.domain, countries: ['US', 'PL'] };
    const tried: string[] = [];
    const allowedLeaks: string[] = [];
    const attempt = async (channel: 'call:dial' | 'call:dial-link', payload: Record<string, string>, what: string): Promise<void> => {
      tried.push(what);
      const r = await peer.request(channel, payload as never);
      if (r.ok) allowedLeaks.push(`${channel} ${what}`);
      else expect(r.message, what).toMatch(/\+12125550199|\+48225550177/);
    };
    for (let i = 0; i < 60; i++) {
      const target = spell(rand, i % 2 ? BLOCKED : PL_LISTED, ctx);
      if (/^(tel|sips?):/i.test(target)) await attempt('call:dial-link', { url: target }, target);
      else await attempt('call:dial', { target }, target);
    }
    // Transfer targets, from a live allowed call.
    const call = await peer.request('call:dial', { target: `9 1 ${ALLOWED.slice(2)}` });
    expect(call.ok, call.ok ? '' : call.message).toBe(true);
    if (!call.ok) return;
    expect(call.value.compliance?.target?.readings).toMatchObject([{ e164: ALLOWED, via: ['outside-line prefix 9', 'national form in US'] }]);
    const invitation = await customer.nextInvitation();
    await invitation.accept();
    await peer.waitFor('call:state-changed', (c) => c.id === call.value.id && c.state === 'active');
    for (let i = 0; i < 12; i++) {
      const target = spell(rand, i % 2 ? BLOCKED : PL_LISTED, ctx);
      tried.push(`transfer ${target}`);
      const r = await peer.request('call:transfer', { id: call.value.id, target });
      expect(r, target).toMatchObject({ ok: false, code: 'blocked' });
    }
    // Monitoring "our own agent" whose address is a listed number: decided as the number.
    const monitor = await peer.request('monitor:start', { agent: `sip:${BLOCKED}@${sip.domain}`, mode: 'listen' });
    expect(monitor.ok).toBe(false);
    await peer.request('call:hangup', { id: call.value.id });
    await peer.waitFor('call:state-changed', (c) => c.id === call.value.id && c.state === 'ended');
    // Redial of the prefixed call after the customer asked not to be called: the same reading, refused.
    await peer.request('compliance:dnc-add', { numbers: [ALLOWED], source: 'manual' });
    const redial = await peer.request('call:redial', { id: call.value.id });
    expect(redial).toMatchObject({ ok: false, code: 'blocked', message: expect.stringContaining(`${ALLOWED} is on the company's internal Do-Not-Call list`) });

    await new Promise((r) => setTimeout(r, 300));
    expect(allowedLeaks).toEqual([]);
    // The control call's INVITE (and its retry with credentials), nothing after the redial.
    expect(seenOnServer(ALLOWED, logStart).filter((l) => l.includes('INVITE')).length).toBeLessThanOrEqual(2);
    expect(seenOnServer(ALLOWED, logStart).filter((l) => l.includes('INVITE')).length).toBeGreaterThan(0);
    expect(seenOnServer(BLOCKED, logStart)).toEqual([]);
    expect(seenOnServer(PL_LISTED, logStart)).toEqual([]);
    expect(tried.length).toBe(72);
    // One audit record per attempt, each refusal naming its number.
    const audit = await peer.request('compliance:audit', { offset: 0, limit: 500 });
    if (!audit.ok) throw new Error(audit.message);
    const refused = audit.value.rows.filter((r) => !r.allowed);
    expect(refused.length).toBeGreaterThanOrEqual(74);
    expect(refused.filter((r) => r.path !== 'redial').every((r) => r.e164 === BLOCKED || r.e164 === PL_LISTED)).toBe(true);
    expect(new Set(refused.map((r) => r.path))).toEqual(new Set(['manual', 'link', 'transfer', 'monitor', 'redial']));
  }, 90_000);
});

describe('links from other apps', () => {
  it('a list scrub requested through the core runs on the database file (in its worker thread), marks the listed phone, and the queue skips it', async () => {
    const { store, dbPath } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-scrub-'));
    const c = await store.campaigns.save(campaign({ name: 'Scrubbed' }));
    await store.leads.create(c.id, lead(BLOCKED), Date.now());
    const fine = await store.leads.create(c.id, lead(ALLOWED), Date.now());
    const { peer } = await agent(store, dataDir, dbPath);
    await importUsRegistry(peer, dataDir);
    const report = await peer.request('compliance:scrub', { campaignId: c.id });
    expect(report).toMatchObject({ ok: true, value: { campaignId: c.id, leads: 2, phones: 2, allowed: 1, blocked: { registry: 1, total: 1 } } });
    expect((await store.leads.next(c.id, NOW, []))?.id).toBe(fine.id);
    expect(await store.leads.next(c.id, NOW, [fine.id])).toBeNull(); // the listed one is not offered
    // A campaign that does not exist: a clear error, nothing changed.
    expect(await peer.request('compliance:scrub', { campaignId: 9999 })).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('a tel: link the OS hands over opens in the dial box and dials nothing until the agent confirms', async () => {
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-links-'));
    const { core, peer } = await agent(store, dataDir);
    await importUsRegistry(peer, dataDir);
    const r = await core.openLink('tel:+1-212-555-0198;phone-context=example.com');
    expect(r).toMatchObject({ ok: true, value: { kind: 'offered', link: { target: '+1-212-555-0198' } } });
    const offered = await peer.waitFor('call:link-offered', () => true);
    expect(offered.url).toBe('tel:+1-212-555-0198;phone-context=example.com');
    expect(core.calls.list()).toHaveLength(0);
    // The agent's Call goes through the gate like any dial: a listed number is refused.
    expect(await peer.request('call:dial-link', { url: offered.url })).toMatchObject({ ok: false, code: 'blocked' });
    // A bad escape or another scheme is refused in words, never thrown.
    expect(await core.openLink('tel:%E0%A4%A')).toMatchObject({ ok: true, value: { kind: 'offered', link: { target: '%E0%A4%A' } } });
    expect(await core.openLink('javascript:alert(1)')).toMatchObject({ ok: false, code: 'bad-request' });
    await peer.waitFor('workspace:changed', (w) => /was not opened/.test(w.notice ?? ''));
  });

  it('where the account trusts links, a link dials at once, gated like a dial, and a refusal is shown to the agent', async () => {
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-links-'));
    const { core, peer } = await agent(store, dataDir, undefined, { autoDialLinks: true });
    await importUsRegistry(peer, dataDir);
    const r = await core.openLink('tel:+1-212-555-0198;phone-context=example.com');
    expect(r).toMatchObject({ ok: false, code: 'blocked' });
    const shown = await peer.waitFor('workspace:changed', (w) => /was not dialled/.test(w.notice ?? ''));
    expect(shown.notice).toContain('US National DNC Registry');
    expect(await core.openLink('javascript:alert(1)')).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await core.openLink('tel:not-a-number')).toMatchObject({ ok: false, code: 'invalid-target' });
  });
});
