/**
 * The main-process core on Node against a real Kamailio: registration (digest auth, wrong
 * password, re-register after the server restarts, one REGISTER in flight), calls both ways,
 * cancel, 404, busy, BYE from either side, DTMF fallback over SIP INFO, and bad input.
 * The renderer's media engine is replaced by a fixed-SDP peer here; real WebRTC media is in
 * tests/e2e.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import WebSocket from 'ws';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { tempStore } from '../support/temp-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { startNodePhone, waitForState, type NodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';

let sip: KamailioServer;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  sip = await startKamailio();
});
afterAll(async () => {
  await sip?.stop();
});
afterEach(async () => {
  // A user agent whose server vanished may not stop cleanly; never let that hang the suite.
  for (const c of cleanups.splice(0).reverse()) await Promise.race([Promise.resolve(c()).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
});

async function agent(user = 'agent1', password = sip.users[user], extra: Record<string, unknown> = {}): Promise<{ core: Core; peer: TestPeer }> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:${user}@${sip.domain}`, password, ...extra });
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
  return { core, peer };
}

async function registeredAgent(user = 'agent1'): Promise<{ core: Core; peer: TestPeer }> {
  const a = await agent(user);
  await a.peer.waitFor('registration:changed', (r) => r.state === 'registered');
  return a;
}

async function customer(user = 'customer1'): Promise<NodePhone> {
  const phone = await startNodePhone(sip, user);
  cleanups.push(() => phone.stop());
  return phone;
}

describe('registration', () => {
  it('registers with digest auth and shows each state in order', async () => {
    const { peer } = await registeredAgent();
    const states = peer.events.filter((e) => e.channel === 'registration:changed').map((e) => (e.payload as { state: string }).state);
    expect(states).toContain('registering');
    expect(states.at(-1)).toBe('registered');
  });

  it('a wrong password fails with a clear reason and is not retried', async () => {
    const { peer, core } = await agent('agent2', 'not-the-password');
    const failed = await peer.waitFor('registration:changed', (r) => r.state === 'failed');
    expect(failed.error).toMatch(/refused the user name or password/);
    expect(failed.retryAt).toBeNull();
    await new Promise((r) => setTimeout(r, 600));
    expect(core.registration.state).toBe('failed');
  });

  it('an unreachable server fails with the address in the message and schedules a retry', async () => {
    const { peer } = await agent('agent2', sip.users.agent2, { server: 'ws://127.0.0.1:9' });
    const failed = await peer.waitFor('registration:changed', (r) => r.state === 'failed');
    expect(failed.error).toContain('ws://127.0.0.1:9');
    expect(failed.retryAt).toBeGreaterThan(Date.now() - 1000);
    expect(failed.connected).toBe(false);
  });

  it('never has two REGISTERs in flight, however often register is asked', async () => {
    const sent: string[] = [];
    const Original = (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    class Counting extends Original {
      override send(data: unknown, ...rest: unknown[]): void {
        if (String(data).startsWith('REGISTER ')) sent.push(String(data));
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    (globalThis as { WebSocket: unknown }).WebSocket = Counting;
    cleanups.push(() => ((globalThis as { WebSocket: unknown }).WebSocket = Original));
    const { peer } = await registeredAgent('agent3');
    const before = sent.length;
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => peer.request('sip:register', {})));
    expect(results.every((r) => r.ok && r.value.state === 'registered')).toBe(true);
    // Five requests while one attempt runs: exactly one REGISTER (digest may add its retry with credentials).
    const registers = sent.slice(before);
    const cseqs = new Set(registers.map((m) => /CSeq: (\d+)/i.exec(m)?.[1]));
    expect(cseqs.size).toBeLessThanOrEqual(2);
    expect(registers.length).toBeLessThanOrEqual(2);
  });

  it('re-registers by itself after Kamailio is stopped and started again', async () => {
    const { peer, core } = await registeredAgent('agent1');
    await sip.stop();
    await peer.waitFor('registration:changed', (r) => r.state === 'failed' && !r.connected, 10_000);
    const seen = peer.events.length;
    await sip.start();
    await peer.waitFor('registration:changed', (r) => r.state === 'registered', 20_000, seen);
    expect(core.registration.state).toBe('registered');
    // And the server really knows us again: a customer can reach the agent.
    const phone = await customer('customer2');
    phone.call(`sip:agent1@${sip.domain}`);
    await peer.waitForCall((c) => c.state === 'incoming' && c.remoteUri.includes('customer2'));
  }, 45_000);
});

/** The agent dials customer1, who answers: the call is active on both sides. */
async function talking(peer: TestPeer, phone: NodePhone) {
  const dial = await peer.request('call:dial', { target: `sip:customer1@${sip.domain}` });
  if (!dial.ok) throw new Error(dial.message);
  const invitation = await phone.nextInvitation();
  await invitation.accept();
  const active = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'active');
  return { id: dial.value.id, invitation, active };
}

describe('a call whose audio went with its window', () => {
  it('a reload of the page that held the audio ends the call honestly: BYE to the customer, the reason on the call', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer();
    const { id, invitation } = await talking(peer, phone);
    const byeAtCustomer = waitForState(invitation, SessionState.Terminated);
    // The reloaded page says it is ready again, with a new media engine and none of the old calls.
    await peer.request('app:ready', { media: true });
    const ended = await peer.waitForCall((c) => c.id === id && c.state === 'ended');
    expect(ended.detail).toMatch(/window holding the call’s audio was reloaded or closed/);
    await byeAtCustomer;
  });

  it('closing the window that held the audio ends its calls too; another window opening meanwhile does not', async () => {
    const { core, peer } = await registeredAgent();
    const phone = await customer();
    const { id, invitation } = await talking(peer, phone);
    // A second window (browser mode: another tab) connects: the first one keeps the media.
    const second = connectSdpPeer(core);
    await second.request('app:ready', { media: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(core.calls.list().find((c) => c.id === id)?.state).toBe('active');
    const byeAtCustomer = waitForState(invitation, SessionState.Terminated);
    peer.close();
    await byeAtCustomer;
    const ended = await second.waitForCall((c) => c.id === id && c.state === 'ended');
    expect(ended.detail).toMatch(/reloaded or closed/);
    second.close();
  });
});

describe('calls', () => {
  it('dials a customer, talks, and hangs up (BYE from the agent)', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer();
    const dial = await peer.request('call:dial', { target: `sip:customer1@${sip.domain}` });
    expect(dial.ok).toBe(true);
    if (!dial.ok) return;
    expect(dial.value.temperature.kind).toBe('cold');
    const invitation = await phone.nextInvitation();
    await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ringing');
    await invitation.accept();
    const active = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'active');
    expect(active.answeredAt).not.toBeNull();
    const hang = await peer.request('call:hangup', { id: dial.value.id });
    expect(hang.ok).toBe(true);
    await waitForState(invitation, SessionState.Terminated);
    const ended = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ended');
    expect(ended.outcome).toBe('completed');
    expect(ended.detail).toBe('You hung up.');
  });

  it('the customer hangs up (BYE from the far end)', async () => {
    const { peer } = await registeredAgent();
    const { id, invitation } = await talking(peer, await customer());
    await invitation.bye();
    const ended = await peer.waitForCall((c) => c.id === id && c.state === 'ended');
    expect(ended.outcome).toBe('completed');
    expect(ended.detail).toBe('The other party hung up.');
  });

  it('cancels while the customer rings: the customer stops ringing, outcome cancelled', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer();
    const dial = await peer.request('call:dial', { target: `sip:customer1@${sip.domain}` });
    if (!dial.ok) throw new Error(dial.message);
    const invitation = await phone.nextInvitation();
    await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ringing');
    await peer.request('call:hangup', { id: dial.value.id });
    await waitForState(invitation, SessionState.Terminated);
    const ended = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ended');
    expect(ended.outcome).toBe('cancelled');
    expect(ended.statusCode).toBe(487);
  });

  it('an unknown extension ends as "not found" (404)', async () => {
    const { peer } = await registeredAgent();
    const dial = await peer.request('call:dial', { target: '4040' });
    if (!dial.ok) throw new Error(dial.message);
    const ended = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ended');
    expect(ended.outcome).toBe('not-found');
    expect(ended.statusCode).toBe(404);
  });

  it('a busy customer ends as "busy" (486)', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer();
    const dial = await peer.request('call:dial', { target: `sip:customer1@${sip.domain}` });
    if (!dial.ok) throw new Error(dial.message);
    const invitation = await phone.nextInvitation();
    await invitation.reject({ statusCode: 486 });
    const ended = await peer.waitForCall((c) => c.id === dial.value.id && c.state === 'ended');
    expect(ended.outcome).toBe('busy');
    expect(ended.statusCode).toBe(486);
  });

  it('an incoming call rings (warm), is answered, and the caller hangs up', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer('customer3');
    const inviter = phone.call(`sip:agent1@${sip.domain}`);
    const ringing = await peer.waitForCall((c) => c.state === 'incoming');
    expect(ringing.direction).toBe('inbound');
    expect(ringing.temperature.kind).toBe('warm');
    expect(ringing.remoteUri).toContain('customer3');
    const accepted = await peer.request('call:accept', { id: ringing.id });
    expect(accepted.ok).toBe(true);
    await waitForState(inviter, SessionState.Established);
    await peer.waitForCall((c) => c.id === ringing.id && c.state === 'active');
    await inviter.bye();
    const ended = await peer.waitForCall((c) => c.id === ringing.id && c.state === 'ended');
    expect(ended.detail).toBe('The other party hung up.');
  });

  it('an incoming call the agent rejects gets 486 at the caller', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer('customer3');
    const inviter = phone.call(`sip:agent1@${sip.domain}`);
    const ringing = await peer.waitForCall((c) => c.state === 'incoming');
    await peer.request('call:reject', { id: ringing.id });
    await waitForState(inviter, SessionState.Terminated);
    const ended = await peer.waitForCall((c) => c.id === ringing.id && c.state === 'ended');
    expect(ended.outcome).toBe('declined');
    expect(phone.lastFinalStatus).toBe(486);
  });

  it('DTMF falls back to SIP INFO when in-band RFC 4733 is not available', async () => {
    const { peer } = await registeredAgent();
    const phone = await customer();
    const { id } = await talking(peer, phone);
    const sent = await peer.request('call:dtmf', { id, tones: '12#' });
    expect(sent).toEqual({ ok: true, value: { via: 'sip-info' } });
    // Each INFO is sent after the previous one was answered, so all have arrived, in order.
    expect(phone.infoDigits.join('')).toBe('12#');
  });

  it('holds and resumes by re-INVITE, checking the negotiated direction', async () => {
    const { peer } = await registeredAgent();
    const { id, invitation } = await talking(peer, await customer());
    const held = await peer.request('call:hold', { id, hold: true });
    expect(held.ok && held.value.state).toBe('held');
    const sdh = invitation.sessionDescriptionHandler as unknown as { remoteDescriptions: string[] };
    expect(sdh.remoteDescriptions.at(-1)).toMatch(/a=inactive/);
    const resumed = await peer.request('call:hold', { id, hold: false });
    expect(resumed.ok && resumed.value.state).toBe('active');
    expect(sdh.remoteDescriptions.at(-1)).toMatch(/a=sendrecv/);
  });
});

describe('bad input changes nothing', () => {
  it('a server that closes the socket mid-call: the call is kept and flagged, hang-up still ends it, registration comes back', async () => {
    const { peer, core } = await registeredAgent();
    const { id } = await talking(peer, await customer());
    await sip.stop();
    const flagged = await peer.waitForCall((c) => c.id === id && /Connection to the SIP server lost/.test(c.detail ?? ''));
    expect(flagged.state).toBe('active');
    const failed = await peer.waitFor('registration:changed', (r) => r.state === 'failed');
    expect(failed.error).toMatch(/Lost the connection|Cannot reach/);
    const hang = await peer.request('call:hangup', { id });
    expect(hang.ok).toBe(true);
    const ended = await peer.waitForCall((c) => c.id === id && c.state === 'ended', 8000);
    expect(ended.detail).toMatch(/Ended here/);
    const seen = peer.events.length;
    await sip.start();
    await peer.waitFor('registration:changed', (r) => r.state === 'registered', 20_000, seen);
    expect(core.calls.liveCount).toBe(0);
  }, 40_000);

  it('rejects an invalid number without placing a call', async () => {
    const { peer, core } = await registeredAgent();
    const r = await peer.request('call:dial', { target: 'call mom' });
    expect(r).toMatchObject({ ok: false, code: 'invalid-target' });
    expect(core.calls.list()).toHaveLength(0);
  });

  it('rejects malformed and unknown IPC messages with a result, never a throw', async () => {
    const { peer, core } = await registeredAgent();
    expect(await peer.raw('call:dial', { target: 42 })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('call:dial', { target: 'x', extra: 'field' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, code: 'unknown-channel' });
    expect(await peer.raw('call:hangup', { id: '../../etc' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await peer.raw('call:hangup', { id: 'nope' })).toMatchObject({ ok: false, code: 'no-such-call' });
    expect(await peer.raw('media:respond', { requestId: 'm999', ok: true, value: {} })).toMatchObject({ ok: true });
    expect(core.registration.state).toBe('registered');
  });

  it('refuses to dial when not registered', async () => {
    const { peer } = await agent('agent2', 'wrong');
    await peer.waitFor('registration:changed', (r) => r.state === 'failed');
    expect(await peer.request('call:dial', { target: `sip:customer1@${sip.domain}` })).toMatchObject({ ok: false, code: 'not-registered' });
  });
});
