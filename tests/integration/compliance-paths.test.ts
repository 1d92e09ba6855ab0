/**
 * Every dialling path goes through the one compliance gate (issue 4), proved on the wire: the
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
import { ProvisionedAccountStore } from '../../electron/core/account-store.js';
import { createCore, type Core } from '../../electron/core/core.js';
import type { NewLead, Store } from '../../electron/core/data/repositories.js';
import { accountSchema } from '../../shared/account.js';
import { campaignSchema, defaultDispositions, type CampaignInput } from '../../shared/campaign.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone, type NodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

const BLOCKED = '+12125550199'; // on the imported US registry, no exemption
const ALLOWED = '+12125550141'; // a registered customer phone, not on the registry
/** Noon in New York: inside calling hours, so only the registry decides. */
const NOW = DateTime.fromISO('2026-11-25T12:00', { zone: 'America/New_York' }).toMillis();

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const script = { coldStart: 'intro', warmStart: 'intro', steps: [{ id: 'intro', title: 'Intro', text: 'Hello', answers: [], capture: null, next: null }] };
function campaign(over: Partial<CampaignInput> = {}): CampaignInput {
  return campaignSchema.parse({ name: 'US outbound', kind: 'sales', script, dispositions: defaultDispositions, dialMode: 'preview', defaultCountry: 'US', ...over });
}
function lead(e164: string, over: Partial<NewLead> = {}): NewLead {
  return {
    firstName: 'Pat', lastName: 'Doe', company: '', email: '', street: '', city: '', region: '', postalCode: '', country: 'US', timeZone: 'America/New_York',
    source: 'test', customFields: {}, consentAt: null, inquiryAt: null, lastPurchaseAt: null, score: 0, priority: 0,
    phones: [{ e164, raw: e164, label: null }], ...over,
  };
}

async function agent(store: Store, dataDir: string, dbPath?: string): Promise<{ core: Core; peer: TestPeer }> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:agent2@${sip.domain}`, password: sip.users.agent2 });
  const core = createCore({ accounts: new ProvisionedAccountStore(account), store, dataDir, dbPath, now: () => NOW, backoff: { baseMs: 200, capMs: 1000 }, log: { info: () => {}, warn: () => {} } });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  cleanups.push(() => core.stop());
  return { core, peer };
}

async function importUsRegistry(peer: TestPeer, dataDir: string): Promise<void> {
  writeFileSync(path.join(dataDir, 'registry-inbox', 'dnc-212.txt'), ['2125550199', '2125550198', '212,5550100'].join('\n') + '\n');
  const started = await peer.request('compliance:import-registry', { registry: 'US', mode: 'full', files: [{ name: 'dnc-212.txt', kind: 'full' }], snapshotDate: '2026-11-20' });
  expect(started.ok).toBe(true);
  const done = await peer.waitFor('compliance:changed', (s) => s.import?.phase === 'done' || s.import?.phase === 'failed', 20_000);
  expect(done.import?.message).toMatch(/3 numbers/);
}

/** INVITE/REFER lines Kamailio logged since the test began that mention this number. */
function seenOnServer(e164: string, fromOffset: number): string[] {
  const digits = e164.slice(1);
  return readFileSync(sip.logFile, 'utf8')
    .slice(fromOffset)
    .split('\n')
    .filter((l) => l.includes('RINGSIDE-SEEN') && l.includes(digits));
}

describe('every dialling path goes through the compliance gate', () => {
  it('a number on the registry is refused by every path before any INVITE or REFER leaves', async () => {
    const logStart = readFileSync(sip.logFile, 'utf8').length;
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-paths-'));
    const preview = store.campaigns.save(campaign({ name: 'Preview', dialMode: 'preview', previewCountdownSec: 1 }));
    const blockedLead = store.leads.create(preview.id, lead(BLOCKED), Date.now());
    const customer: NodePhone = await startNodePhone(sip, ALLOWED);
    cleanups.push(() => customer.stop());
    const { peer } = await agent(store, dataDir);
    await importUsRegistry(peer, dataDir);
    const refused = (r: unknown, what: string): void => {
      expect(r, what).toMatchObject({ ok: false, code: 'blocked', message: expect.stringContaining('is on the US National DNC Registry') });
    };

    // 1. Manual dial in any spelling, and 2. a tel: / sip: link.
    for (const target of [BLOCKED, '+1 (212) 555-0199', '212-555-0199', `sip:${BLOCKED}@${sip.domain}`]) refused(await peer.request('call:dial', { target }), `dial ${target}`);
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
    const progressive = store.campaigns.save(campaign({ name: 'Progressive', dialMode: 'progressive' }));
    store.leads.create(progressive.id, lead(BLOCKED), Date.now());
    await peer.request('agent:set-state', { state: 'paused', reason: 'switch' });
    await peer.request('workspace:select-campaign', { id: progressive.id });
    peer.events.length = 0;
    await peer.request('agent:set-state', { state: 'available' });
    const progressiveNotice = await peer.waitFor('workspace:changed', (w) => /not placed/.test(w.notice ?? ''), 8000);
    expect(progressiveNotice.notice).toContain('US National DNC Registry');

    // 6. A due callback (the customer asked to be called back before the number was registered).
    await peer.request('agent:set-state', { state: 'paused', reason: 'switch' });
    const callbacks = store.campaigns.save(campaign({ name: 'Callbacks', dialMode: 'preview' }));
    const cb = store.leads.create(callbacks.id, lead(BLOCKED), Date.now());
    store.activity.recordDisposition({
      leadId: cb.id, callId: null, code: 'callback', label: 'Callback', effect: 'callback', success: false, note: '', at: Date.now() - 60_000,
      phone: BLOCKED, retryAt: null, callback: { dueAt: Date.now() - 1000, timeZone: 'America/New_York' }, maxAttempts: 5,
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
    expect(audit.value.rows.filter((r) => r.allowed).map((r) => r.target)).toEqual([`sip:${ALLOWED}@${sip.domain}`]);
    const csv = await peer.request('compliance:audit-export', {});
    expect(csv.ok && csv.value.rows).toBe(audit.value.total);
  }, 60_000);
});

describe('links from other apps', () => {
  it('a list scrub requested through the core runs on the database file (in its worker thread), marks the listed phone, and the queue skips it', async () => {
    const { store, dbPath } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-scrub-'));
    const c = store.campaigns.save(campaign({ name: 'Scrubbed' }));
    store.leads.create(c.id, lead(BLOCKED), Date.now());
    const fine = store.leads.create(c.id, lead(ALLOWED), Date.now());
    const { peer } = await agent(store, dataDir, dbPath);
    await importUsRegistry(peer, dataDir);
    const report = await peer.request('compliance:scrub', { campaignId: c.id });
    expect(report).toMatchObject({ ok: true, value: { campaignId: c.id, leads: 2, phones: 2, allowed: 1, blocked: { registry: 1, total: 1 } } });
    expect(store.leads.next(c.id, NOW, [])?.id).toBe(fine.id);
    expect(store.leads.next(c.id, NOW, [fine.id])).toBeNull(); // the listed one is not offered
    // A campaign that does not exist: a clear error, nothing changed.
    expect(await peer.request('compliance:scrub', { campaignId: 9999 })).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('a tel: link the OS hands over is gated like a dial, and the refusal is shown to the agent', async () => {
    const { store } = tempStore();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-links-'));
    const { core, peer } = await agent(store, dataDir);
    await importUsRegistry(peer, dataDir);
    const r = await core.dialLink('tel:+1-212-555-0198;phone-context=example.com');
    expect(r).toMatchObject({ ok: false, code: 'blocked' });
    const shown = await peer.waitFor('workspace:changed', (w) => /was not dialled/.test(w.notice ?? ''));
    expect(shown.notice).toContain('US National DNC Registry');
    expect(await core.dialLink('javascript:alert(1)')).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await core.dialLink('tel:not-a-number')).toMatchObject({ ok: false, code: 'invalid-target' });
  });
});
