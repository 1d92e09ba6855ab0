/**
 * The workspace in the core, on Node, against a real Kamailio and the real SQLite store:
 * preview and progressive dialling, wrap-up and the required disposition, its durable effects
 * (retry, callback in the lead's zone, bad number, internal DNC that then blocks every dial
 * path), inbound caller matching, warm/cold with evidence, and the automatic pause while not
 * registered.
 */
import { describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import type { NewLead, Store } from '../../electron/core/data/repositories.js';
import { accountSchema } from '../../shared/account.js';
import { campaignSchema, defaultDispositions, type CampaignInput } from '../../shared/campaign.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone, waitForState, type NodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const script = {
  coldStart: 'intro',
  warmStart: 'warm',
  steps: [
    { id: 'intro', title: 'Intro', text: 'Hello {{lead.firstName}}', answers: [{ label: 'Yes', next: 'end' }], capture: null, next: null },
    { id: 'warm', title: 'Warm intro', text: 'Thanks for your inquiry, {{lead.firstName}}', answers: [], capture: null, next: 'end' },
    { id: 'end', title: 'End', text: 'Bye', answers: [], capture: null, next: null },
  ],
};

/** The dial policy's clock: a Wednesday noon in Warsaw, inside the default calling window. */
const GATE_NOW = Date.parse('2026-11-25T11:00:00Z');

function campaign(over: Partial<CampaignInput> = {}): CampaignInput {
  // A survey: Poland's consent rule for direct marketing is not what these tests are about.
  return campaignSchema.parse({
    name: 'Test campaign',
    kind: 'survey',
    script,
    dispositions: defaultDispositions,
    dialMode: 'preview',
    defaultCountry: 'PL',
    ...over,
  });
}

function lead(phone: string, over: Partial<NewLead> = {}): NewLead {
  return {
    firstName: 'Anna',
    lastName: 'Nowak',
    company: '',
    email: '',
    street: '',
    city: '',
    region: '',
    postalCode: '',
    country: 'PL',
    timeZone: 'Europe/Warsaw',
    source: 'test',
    customFields: {},
    consentAt: null,
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 0,
    priority: 0,
    phones: [{ e164: phone, raw: phone, label: null }],
    ...over,
  };
}

async function agent(store: Store, user = 'agent1'): Promise<{ core: Core; peer: TestPeer }> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:${user}@${sip.domain}`, password: sip.users[user] });
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    now: () => GATE_NOW,
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

/** A customer whose SIP user is a phone number, so the lead's E.164 reaches it through Kamailio. */
async function customer(user: string): Promise<NodePhone> {
  const phone = await startNodePhone(sip, user);
  cleanups.push(() => phone.stop());
  return phone;
}

describe('workspace', () => {
  it('previews the best lead, calls it, requires a disposition, and saves it durably', async () => {
    const { store, dbPath } = tempStore();
    const c = await store.campaigns.save(campaign());
    const low = await store.leads.create(c.id, lead('+48225550101', { priority: 1, firstName: 'Low' }), Date.now());
    const high = await store.leads.create(
      c.id,
      lead('+48225550102', { priority: 5, firstName: 'High', inquiryAt: new Date().toISOString().slice(0, 10) }),
      Date.now(),
    );
    const { peer, core } = await agent(store);
    const selected = await peer.request('workspace:select-campaign', { id: c.id });
    expect(selected.ok ? selected.value.current?.leadId : selected.message).toBe(high.id);
    if (!selected.ok || !selected.value.current) throw new Error('no preview');
    expect(selected.value.current.temperature).toMatchObject({ kind: 'warm', reason: expect.stringMatching(/^inquiry \d{4}-\d{2}-\d{2}$/) });
    expect(selected.value.current.scriptStart).toBe('warm');

    // The number is not registered anywhere: Kamailio answers 404 and the call ends.
    const dial = await peer.request('workspace:dial', { phoneIndex: 0 });
    expect(dial.ok).toBe(true);
    if (!dial.ok) return;
    expect(dial.value.leadId).toBe(high.id);
    expect(dial.value.temperature.kind).toBe('warm');
    const wrap = await peer.waitFor('workspace:changed', (w) => w.dispositionRequired && w.current?.stage === 'wrap-up');
    expect(wrap.agent.state).toBe('wrap-up');
    // No next call before the disposition.
    expect(await peer.request('workspace:next', {})).toMatchObject({ ok: false, code: 'disposition-required' });
    expect(await peer.request('call:dial', { target: '+48225550199' })).toMatchObject({ ok: false, code: 'disposition-required' });

    const saved = await peer.request('workspace:dispose', { code: 'no-answer', note: 'rang out' });
    expect(saved.ok).toBe(true);
    // Preview mode: the next lead is on screen.
    expect(saved.ok && saved.value.current?.leadId).toBe(low.id);
    await core.stop();
    await store.close();
    // Another connection to the same file sees it all.
    const { openSqliteStore } = await import('../../electron/core/data/sqlite/store.js');
    const again = openSqliteStore(dbPath);
    const after = await again.leads.get(high.id);
    expect(after?.status).toBe('active');
    expect(after?.attempts).toBe(1);
    expect(after?.dueAt).toBeGreaterThan(Date.now() + 100 * 60_000);
    const history = await again.leads.history(high.id);
    expect(history.map((h) => h.kind)).toEqual(expect.arrayContaining(['disposition', 'call']));
    expect(history.find((h) => h.kind === 'disposition')?.note).toBe('rang out');
    await again.close();
  });

  it('progressive mode dials the next lead right after the disposition', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ dialMode: 'progressive' }));
    const first = await store.leads.create(c.id, lead('+48225550111', { priority: 9 }), Date.now());
    const second = await store.leads.create(c.id, lead('+48225550112', { priority: 1 }), Date.now());
    const { peer } = await agent(store);
    await peer.request('workspace:select-campaign', { id: c.id });
    const firstCall = await peer.waitForCall((v) => v.leadId === first.id && v.state === 'ended');
    expect(firstCall.outcome).toBe('not-found');
    const mark = peer.events.length;
    const saved = await peer.request('workspace:dispose', { code: 'busy', note: '' });
    expect(saved.ok).toBe(true);
    const next = await peer.waitFor('call:state-changed', (v) => v.leadId === second.id, 5000, mark);
    expect(next.direction).toBe('outbound');
  });

  it('callback: stored in the lead’s local time zone; due callbacks come first', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ dialMode: 'manual' }));
    const a = await store.leads.create(c.id, lead('+48225550121', { priority: 9 }), Date.now());
    const { peer } = await agent(store);
    await peer.request('workspace:open-lead', { leadId: a.id });
    const past = await peer.request('workspace:dispose', { code: 'callback', note: '', callback: { at: '2020-01-01T10:00', timeZone: 'Europe/Warsaw' } });
    expect(past).toMatchObject({ ok: false, code: 'invalid-data' });
    const year = new Date().getUTCFullYear() + 1;
    const ok = await peer.request('workspace:dispose', {
      code: 'callback',
      note: 'after lunch',
      callback: { at: `${year}-03-02T14:30`, timeZone: 'Europe/Warsaw' },
    });
    expect(ok.ok).toBe(true);
    const cbs = await store.leads.callbacks(a.id);
    expect(cbs).toHaveLength(1);
    // 14:30 in Warsaw in March is 13:30 UTC.
    expect(new Date(cbs[0].dueAt).toISOString()).toBe(`${year}-03-02T13:30:00.000Z`);
    expect(cbs[0].timeZone).toBe('Europe/Warsaw');
    expect((await store.leads.get(a.id))?.status).toBe('callback');
  });

  it('a do-not-call disposition blocks the number on every dial path at once', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ dialMode: 'manual' }));
    const a = await store.leads.create(c.id, lead('+48225550131'), Date.now());
    const { peer } = await agent(store);
    await peer.request('workspace:open-lead', { leadId: a.id });
    const done = await peer.request('workspace:dispose', { code: 'do-not-call', note: 'asked not to be called' });
    expect(done.ok && done.value.notice).toMatch(/\+48225550131 is now on the Do-Not-Call list/);
    expect(await store.dnc.has('+48225550131')).toBe(true);
    // Dial box, in any format, and as a SIP URI: all refused before any INVITE.
    for (const target of ['+48225550131', '+48 22 555 01 31', 'sip:+48225550131@127.0.0.1', '225550131']) {
      const r = await peer.request('call:dial', { target });
      expect(r, target).toMatchObject({ ok: false, code: 'blocked' });
    }
    // Opening the lead again and calling it: refused.
    await peer.request('workspace:select-campaign', { id: c.id });
    expect(await store.leads.next(c.id, Date.now())).toBeNull();
    const opened = await peer.request('workspace:open-lead', { leadId: a.id });
    expect(opened.ok).toBe(true);
    expect(await peer.request('workspace:dial', { phoneIndex: 0 })).toMatchObject({ ok: false, code: 'blocked' });
    expect(peer.events.some((e) => e.channel === 'call:state-changed')).toBe(false);
  });

  it('an inbound call from a known number pops that lead; an unknown caller becomes a new lead', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ kind: 'inbound', dialMode: 'manual', defaultCountry: 'PL' }));
    const known = await store.leads.create(c.id, lead('+48225550141', { firstName: 'Known' }), Date.now());
    const { peer } = await agent(store);
    await peer.request('workspace:select-campaign', { id: c.id });
    // A customer whose SIP identity is the lead's number.
    const caller = await customer('+48225550141');
    const inviter = caller.call(`sip:agent1@${sip.domain}`);
    const ringing = await peer.waitForCall((v) => v.state === 'incoming');
    expect(ringing.leadId).toBe(known.id);
    expect(ringing.temperature.kind).toBe('warm');
    const popped = await peer.waitFor('workspace:changed', (w) => w.current?.leadId === known.id);
    expect(popped.current?.stage).toBe('call');
    await peer.request('call:reject', { id: ringing.id });
    await waitForState(inviter, SessionState.Terminated);
    await peer.request('workspace:dispose', { code: 'not-interested', note: '' });

    const stranger = await customer('+48225550143');
    const mark = peer.events.length;
    stranger.call(`sip:agent1@${sip.domain}`);
    const unknownCall = await peer.waitFor('call:state-changed', (v) => v.state === 'incoming', 10_000, mark);
    expect(unknownCall.leadId).not.toBeNull();
    const created = await store.leads.get(unknownCall.leadId as number);
    expect(created?.phones[0].e164).toBe('+48225550143');
    expect(created?.source).toBe('Inbound call');
    expect(created?.campaignId).toBe(c.id);
  });

  it('pauses the agent automatically while not registered, and resumes after', async () => {
    const { store } = tempStore();
    const { peer } = await agent(store, 'agent2');
    const snap = await peer.request('app:ready', { media: true });
    expect(snap.ok && snap.value.workspace.agent.state).toBe('available');
    await sip.stop();
    const paused = await peer.waitFor('workspace:changed', (w) => w.agent.state === 'paused');
    expect(paused.agent.pauseReason).toBe('Not registered');
    const mark = peer.events.length;
    await sip.start();
    await peer.waitFor('workspace:changed', (w) => w.agent.state === 'available', 20_000, mark);
  }, 40_000);

  it('rejects hostile or invalid workspace input without changing anything', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ dialMode: 'manual' }));
    const a = await store.leads.create(c.id, lead('+48225550151'), Date.now());
    const { peer } = await agent(store);
    expect(await peer.raw('lead:update', { id: a.id, patch: { phones: ['12ab'] } })).toMatchObject({ ok: false, code: 'invalid-data' });
    expect(await peer.raw('lead:update', { id: a.id, patch: { email: 'not-an-email' } })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('lead:update', { id: a.id, patch: { status: 'closed' } })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('workspace:capture', { leadId: a.id, field: 'status', value: 'x' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('campaign:import', { json: '{"name": 1' })).toMatchObject({ ok: false, code: 'invalid-data' });
    expect(await peer.raw('campaign:import', { json: JSON.stringify({ name: 'x' }) })).toMatchObject({ ok: false, code: 'invalid-data' });
    expect((await store.leads.get(a.id))?.phones.map((p) => p.e164)).toEqual(['+48225550151']);
    const edited = await peer.request('lead:update', {
      id: a.id,
      patch: { phones: ['22 555 01 52', '+48225550151'], firstName: '<img src=x onerror=alert(1)>' },
    });
    expect(edited.ok && edited.value.lead.phones.map((p) => p.e164)).toEqual(['+48225550152', '+48225550151']);
  });

  it('exports a campaign as JSON and imports it back as a new campaign', async () => {
    const { store } = tempStore();
    const c = await store.campaigns.save(campaign({ name: 'Solar Q4' }));
    const { peer } = await agent(store);
    const exported = await peer.request('campaign:export', { id: c.id });
    if (!exported.ok) throw new Error(exported.message);
    expect(exported.value.fileName).toBe('Solar-Q4.ringside-campaign.json');
    const imported = await peer.request('campaign:import', { json: exported.value.json });
    expect(imported.ok && imported.value.id).not.toBe(c.id);
    expect(imported.ok && imported.value.script).toEqual(c.script);
    expect(await store.campaigns.list(Date.now())).toHaveLength(2);
  });
});
