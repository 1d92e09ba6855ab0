/**
 * The CRM screen pop in the core, on Node, against a real Kamailio and the real SQLite store: the
 * `crm:screen-pop` request opens the record of the lead on screen (and no other) through the
 * shell's openExternal, says in words why not when it cannot, and an inbound call matched to a
 * lead opens that lead's record once when the agent answers. In browser mode (no shell) the page
 * is told to open it.
 */
import { describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import { createCore, type Core } from '../../../electron/core/app/create-core.js';
import type { NewLead, Store } from '../../../electron/core/data/repositories.js';
import { MemoryAccountStore, ProvisionedAccountStore } from '../../../electron/core/sip/account-store.js';
import { accountSchema, type Account } from '../../../shared/account.js';
import { campaignSchema, defaultDispositions } from '../../../shared/campaign.js';
import type { KamailioServer } from '../../support/kamailio.js';
import { kamailioHooks } from '../../support/kamailio-hooks.js';
import { startNodePhone, waitForState } from '../../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../../support/sdp-media-peer.js';
import { tempStore } from '../../support/temp-store.js';
import { newLead, phone } from '../../unit/data/store-fixtures.js';

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const TEMPLATE = 'https://crm.example.com/leads/{externalId}?phone={phone}&agent={agent}&campaign={campaign}&lead={leadId}';
const screenPop = { template: TEMPLATE, allowedHosts: ['crm.example.com'] };

function lead(e164: string, over: Partial<NewLead> = {}): NewLead {
  return newLead({
    firstName: 'Anna',
    lastName: 'Nowak',
    country: 'PL',
    timeZone: 'Europe/Warsaw',
    customFields: { crm_id: 'L-77' },
    phones: [phone(e164)],
    ...over,
  });
}

/** A manual campaign (nothing is dialled by itself) with one lead whose CRM id is L-77. */
async function campaignWithLead(store: Store, phone = '+48225550141', over: Partial<NewLead> = {}) {
  const campaign = await store.campaigns.save(
    campaignSchema.parse({
      name: 'Fotowoltaika — Mazowsze',
      kind: 'survey',
      script: { coldStart: 'intro', warmStart: 'intro', steps: [{ id: 'intro', title: 'Intro', text: 'Hello', answers: [], capture: null, next: null }] },
      dispositions: defaultDispositions,
      dialMode: 'manual',
      defaultCountry: 'PL',
    }),
  );
  const created = await store.leads.create(campaign.id, lead(phone, over), Date.now());
  return { campaign, lead: created };
}

interface Agent {
  core: Core;
  peer: TestPeer;
  opened: string[];
}

/** An agent registered with this account's screen pop; `open`: the shell's openExternal (null: browser mode). */
async function agent(store: Store, pop: unknown, open: ((url: string) => Promise<void>) | null = async () => undefined): Promise<Agent> {
  const opened: string[] = [];
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:agent1@${sip.domain}`, password: sip.users.agent1, screenPop: pop });
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => {}, warn: () => {} },
    ...(open
      ? {
          openExternal: async (url: string) => {
            opened.push(url);
            await open(url);
          },
        }
      : {}),
  });
  await core.start();
  cleanups.push(() => core.stop());
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  return { core, peer, opened };
}

const expected = (leadId: number) =>
  `https://crm.example.com/leads/L-77?phone=%2B48225550141&agent=agent1&campaign=Fotowoltaika%20%E2%80%94%20Mazowsze&lead=${leadId}`;

describe('CRM screen pop', () => {
  it('opens the record of the lead on screen through openExternal, and only that lead', async () => {
    const { store } = tempStore();
    const { campaign, lead: onScreen } = await campaignWithLead(store);
    const { peer, opened } = await agent(store, { ...screenPop, open: 'button' });
    expect(await peer.request('crm:screen-pop', {})).toEqual({ ok: false, code: 'illegal-state', message: 'No lead is on screen to open in the CRM.' });

    await peer.request('workspace:select-campaign', { id: campaign.id });
    const shown = await peer.request('workspace:next', {});
    expect(shown.ok && shown.value.current?.leadId).toBe(onScreen.id);
    expect(await peer.request('crm:screen-pop', { leadId: onScreen.id })).toEqual({ ok: true, value: { url: expected(onScreen.id) } });
    expect(await peer.request('crm:screen-pop', {})).toEqual({ ok: true, value: { url: expected(onScreen.id) } });
    expect(opened).toEqual([expected(onScreen.id), expected(onScreen.id)]);

    // A lead the agent saw earlier (another window, a list) is not opened in place of the one on screen.
    expect(await peer.request('crm:screen-pop', { leadId: onScreen.id + 1 })).toEqual({
      ok: false,
      code: 'illegal-state',
      message: 'That lead is no longer on screen: only the lead on screen opens in the CRM.',
    });
    // Hostile payloads are refused before anything runs.
    expect(await peer.raw('crm:screen-pop', { leadId: 'javascript:alert(1)' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('crm:screen-pop', { url: 'https://evil.example/' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(opened).toHaveLength(2);
    // Browser mode's event is not sent where the shell opened it.
    expect(peer.events.some((e) => e.channel === 'crm:open-url')).toBe(false);
  });

  it('says why not, in words: nothing set, a host no longer allowed, a lead without the id, a browser that failed', async () => {
    const { store } = tempStore();
    const { campaign } = await campaignWithLead(store);
    const off = await agent(store, undefined);
    expect(await off.peer.request('crm:screen-pop', {})).toEqual({ ok: false, code: 'not-configured', message: 'No CRM record address is set in Settings.' });
    await off.core.stop();

    // Settings that got past the schema (a hand-edited file) are checked again when the address is made.
    const base = accountSchema.parse({ server: sip.wsUrl, aor: `sip:agent2@${sip.domain}`, password: sip.users.agent2 });
    const account: Account = { ...base, screenPop: { ...screenPop, allowedHosts: ['crm.example.org'], open: 'button' } };
    const opened: string[] = [];
    const core = createCore({
      accounts: new ProvisionedAccountStore(account),
      store,
      log: { info: () => {}, warn: () => {} },
      openExternal: async (url) => void opened.push(url),
    });
    await core.start();
    cleanups.push(() => core.stop());
    const peer = connectSdpPeer(core);
    await peer.request('app:ready', { media: true });
    await peer.request('workspace:select-campaign', { id: campaign.id });
    await peer.request('workspace:next', {});
    expect(await peer.request('crm:screen-pop', {})).toEqual({
      ok: false,
      code: 'invalid-data',
      message: 'The CRM record address goes to crm.example.com, which is not in the allowed hosts.',
    });
    expect(opened).toEqual([]);

    const { store: other } = tempStore();
    const noId = await campaignWithLead(other, '+48225550142', { customFields: {} });
    const failing = await agent(other, { ...screenPop, open: 'button' }, async () => {
      throw new Error('xdg-open: no method available');
    });
    await failing.peer.request('workspace:select-campaign', { id: noId.campaign.id });
    await failing.peer.request('workspace:next', {});
    expect(await failing.peer.request('crm:screen-pop', {})).toEqual({
      ok: false,
      code: 'invalid-data',
      message: 'This lead has no CRM id (its crm_id field is empty), and the CRM record address needs it.',
    });
    await other.leads.update(noId.lead.id, { customFields: { crm_id: 'L-77' } }, Date.now());
    expect(await failing.peer.request('crm:screen-pop', {})).toEqual({
      ok: false,
      code: 'internal',
      message: 'The system browser did not open the CRM record: xdg-open: no method available',
    });
  });

  it('the save of a template whose host is not allowed is refused with the sentence', async () => {
    const { store } = tempStore();
    const core = createCore({ accounts: new MemoryAccountStore(), store, autoRegister: false, log: { info: () => {}, warn: () => {} } });
    await core.start();
    cleanups.push(() => core.stop());
    const peer = connectSdpPeer(core);
    await peer.request('app:ready', { media: true });
    const saved = await peer.request('account:save', {
      server: sip.wsUrl,
      aor: `sip:agent3@${sip.domain}`,
      password: 'pw',
      screenPop: { template: TEMPLATE, allowedHosts: ['crm.example.org'] },
    });
    expect(saved).toMatchObject({ ok: false, code: 'bad-request' });
    expect(saved.ok ? '' : saved.message).toContain('The CRM record address goes to crm.example.com, which is not in the allowed hosts');
  });

  it('an answered inbound call from a known lead opens its record once, with the caller’s number', async () => {
    const { store } = tempStore();
    const { campaign, lead: known } = await campaignWithLead(store);
    const { peer, opened } = await agent(store, screenPop);
    await peer.request('workspace:select-campaign', { id: campaign.id });
    const caller = await startNodePhone(sip, '+48225550141');
    cleanups.push(() => caller.stop());
    const inviter = caller.call(`sip:agent1@${sip.domain}`);
    const ringing = await peer.waitForCall((v) => v.state === 'incoming');
    expect(ringing.leadId).toBe(known.id);
    // Ringing is not answering: nothing opens yet.
    await new Promise((r) => setTimeout(r, 200));
    expect(opened).toEqual([]);

    await peer.request('call:accept', { id: ringing.id });
    await waitForState(inviter, SessionState.Established);
    await peer.waitForCall((v) => v.id === ringing.id && v.state === 'active');
    await expect.poll(() => opened).toEqual([expected(known.id)]);

    // The call changes again while active (muted, unmuted): its record is not opened again.
    const mark = peer.events.length;
    await peer.request('call:mute', { id: ringing.id, muted: true });
    await peer.request('call:mute', { id: ringing.id, muted: false });
    await peer.waitFor('call:state-changed', (v) => v.id === ringing.id && v.state === 'active' && !v.muted, 10_000, mark);
    await new Promise((r) => setTimeout(r, 200));
    expect(opened).toEqual([expected(known.id)]);
    await peer.request('call:hangup', { id: ringing.id });
    await waitForState(inviter, SessionState.Terminated);
  });

  it('in browser mode the page is told to open it; with open: button an answered call opens nothing', async () => {
    const { store } = tempStore();
    const { campaign, lead: known } = await campaignWithLead(store);
    const { peer } = await agent(store, screenPop, null);
    await peer.request('workspace:select-campaign', { id: campaign.id });
    const caller = await startNodePhone(sip, '+48225550141');
    cleanups.push(() => caller.stop());
    caller.call(`sip:agent1@${sip.domain}`);
    const ringing = await peer.waitForCall((v) => v.state === 'incoming');
    await peer.request('call:accept', { id: ringing.id });
    expect(await peer.waitFor('crm:open-url', () => true)).toEqual({ url: expected(known.id) });
    await peer.request('call:hangup', { id: ringing.id });
    await peer.waitForCall((v) => v.id === ringing.id && v.state === 'ended');
    await caller.stop();

    const { store: quiet } = tempStore();
    const second = await campaignWithLead(quiet, '+48225550142');
    const buttonOnly = await agent(quiet, { ...screenPop, open: 'button' });
    await buttonOnly.peer.request('workspace:select-campaign', { id: second.campaign.id });
    const other = await startNodePhone(sip, '+48225550142');
    cleanups.push(() => other.stop());
    const inviter = other.call(`sip:agent1@${sip.domain}`);
    const rung = await buttonOnly.peer.waitForCall((v) => v.state === 'incoming');
    await buttonOnly.peer.request('call:accept', { id: rung.id });
    await waitForState(inviter, SessionState.Established);
    await buttonOnly.peer.waitForCall((v) => v.id === rung.id && v.state === 'active');
    await new Promise((r) => setTimeout(r, 200));
    expect(buttonOnly.opened).toEqual([]);
    // The button still opens it: the popped card is the caller's lead, with the caller's number.
    expect(await buttonOnly.peer.request('crm:screen-pop', { leadId: second.lead.id })).toMatchObject({ ok: true });
    expect(buttonOnly.opened[0]).toContain('phone=%2B48225550142');
  });
});
