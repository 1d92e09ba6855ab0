/**
 * The line to the SIP server survives what a working day does to it, against a real Kamailio:
 * a link that goes silent (sleep, a NAT that forgot us, a frozen server) is noticed by the
 * keep-alive pings and replaced, a wake from sleep replaces a dead socket at once, and after
 * either the agent is reachable again: a customer's call rings.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { RegistrationView } from '../../shared/registration-state.js';
import { startBlackholeProxy, type BlackholeProxy } from '../support/blackhole-proxy.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { startNodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

let sip: KamailioServer;
let proxy: BlackholeProxy;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  sip = await startKamailio();
});
afterAll(async () => {
  await sip?.stop();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.race([Promise.resolve(c()).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
});

async function agentBehindProxy(keepAliveSec: number): Promise<{ core: Core; peer: TestPeer }> {
  proxy = await startBlackholeProxy(sip.port);
  cleanups.push(() => proxy.close());
  const account = accountSchema.parse({ server: proxy.wsUrl, aor: `sip:agent1@${sip.domain}`, password: sip.users.agent1, keepAliveSec });
  const core = createCore({
    ...tempStore(),
    accounts: new ProvisionedAccountStore(account),
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => {}, warn: () => {} },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  cleanups.push(() => core.stop());
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  return { core, peer };
}

/** The first registration state after event number `from` that passes `pred`; the ms it took since `since`. */
async function nextRegistration(peer: TestPeer, from: number, pred: (r: RegistrationView) => boolean, since: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = peer.events.slice(from).find((e) => e.channel === 'registration:changed' && pred(e.payload as RegistrationView));
    if (hit) return Date.now() - since;
    if (Date.now() > deadline) throw new Error(`no such registration state within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function customerReaches(peer: TestPeer): Promise<void> {
  const phone = await startNodePhone(sip, 'customer1');
  cleanups.push(() => phone.stop());
  phone.call(`sip:agent1@${sip.domain}`);
  await peer.waitForCall((c) => c.state === 'incoming' && c.remoteUri.includes('customer1'));
}

describe('a link that goes silent', () => {
  it('is noticed by the keep-alive ping and replaced; the agent is reachable again', async () => {
    const { peer } = await agentBehindProxy(1);
    const before = peer.events.length;
    const t0 = Date.now();
    proxy.blackhole();
    // Noticed within one ping interval plus its answer time (1 s + 1 s), with slack for a busy machine.
    const noticedMs = await nextRegistration(peer, before, (r) => !r.connected, t0, 6000);
    const backMs = await nextRegistration(peer, before, (r) => r.state === 'registered' && r.connected, t0, 10_000);
    console.log(`[link] silent link noticed after ${noticedMs} ms, registered again after ${backMs} ms (keep-alive 1 s)`);
    expect(noticedMs).toBeLessThan(6000);
    expect(proxy.open()).toBe(1);
    await customerReaches(peer);
  });

  it('after a wake, a dead socket is replaced at once instead of waiting out a REGISTER timeout', async () => {
    // Keep-alive off: only the wake can tell (as when the machine slept through every ping).
    const { core, peer } = await agentBehindProxy(0);
    proxy.blackhole();
    const t0 = Date.now();
    await core.reconnect();
    const backMs = Date.now() - t0;
    console.log(`[link] registered on a new socket ${backMs} ms after the wake`);
    expect(core.registration.state).toBe('registered');
    expect(backMs).toBeLessThan(8000);
    expect(proxy.open()).toBe(1);
    await customerReaches(peer);
  });

  it('a call that lives through the reconnect gets an ICE-restart re-INVITE, answered, and goes on', async () => {
    const { peer } = await agentBehindProxy(1);
    const phone = await startNodePhone(sip, 'customer2');
    cleanups.push(() => phone.stop());
    const dial = await peer.request('call:dial', { target: `sip:customer2@${sip.domain}` });
    if (!dial.ok) throw new Error(dial.message);
    const invitation = await phone.nextInvitation();
    let reinvites = 0;
    invitation.delegate = { onInvite: () => void (reinvites += 1) };
    await invitation.accept();
    await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'active');
    const before = peer.events.length;
    proxy.blackhole();
    await nextRegistration(peer, before, (r) => r.state === 'registered' && r.connected, Date.now(), 10_000);
    // The offer asked of the media engine carries fresh ICE credentials, and the customer's side got it.
    await vi.waitFor(() => expect(reinvites).toBe(1), { timeout: 5000 });
    const restart = peer.events.slice(before).find((e) => e.channel === 'media:request' && (e.payload as { iceRestart?: boolean }).iceRestart === true);
    expect(restart).toBeTruthy();
    const call = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'active' && c.detail === null);
    expect(call.state).toBe('active');
  });

  it('a wake on a healthy link keeps the socket and registers again', async () => {
    const { core } = await agentBehindProxy(0);
    await core.reconnect();
    expect(core.registration.state).toBe('registered');
    expect(proxy.open()).toBe(1);
  });
});
