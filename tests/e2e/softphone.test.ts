/**
 * End to end: the real renderer (vite build) in Debian's Chromium, connected to the real core
 * in browser mode, calling customer phones (separate real SIP user agents, each in its own
 * Chromium) through a real Kamailio. Media is real WebRTC: we read RTP counters with getStats
 * on both ends, and detect DTMF by frequency analysis of the audio the customer receives.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentApp, type AgentApp } from '../support/agent-app.js';
import { launchChromium } from '../support/chromium.js';
import { openCustomer, type CustomerHandle } from '../support/customer-page.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { until } from '../support/agent-ui.js';

let sip: KamailioServer;
let app: AgentApp;
let agentBrowser: Browser;
let agent: Page;
let alice: CustomerHandle; // customer1
let bob: CustomerHandle; // customer2

interface AgentRtp {
  packetsSent: number;
  packetsReceived: number;
  sentAudioEnergy: number | null;
  currentDirection: string | null;
}

const agentSessions = (): Promise<string[]> =>
  agent.evaluate(() => (window as unknown as { ringsideDiagnostics: { sessions(): string[] } }).ringsideDiagnostics.sessions());
const agentRtp = (id: string): Promise<AgentRtp> =>
  agent.evaluate((sid) => (window as unknown as { ringsideDiagnostics: { rtpStats(id: string): Promise<AgentRtp> } }).ringsideDiagnostics.rtpStats(sid), id);

/** RTP packets counted over a window: [agent sent, agent received, customer sent, customer received]. */
async function flow(sessionId: string, customer: CustomerHandle, ms = 1000): Promise<number[]> {
  const a0 = await agentRtp(sessionId);
  const c0 = await customer.rtp();
  await new Promise((r) => setTimeout(r, ms));
  const a1 = await agentRtp(sessionId);
  const c1 = await customer.rtp();
  return [a1.packetsSent - a0.packetsSent, a1.packetsReceived - a0.packetsReceived, c1.packetsSent - c0.packetsSent, c1.packetsReceived - c0.packetsReceived];
}

const button = (name: string | RegExp) => agent.getByRole('button', { name });

beforeAll(async () => {
  sip = await startKamailio();
  app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1 });
  agentBrowser = await launchChromium();
  agent = await agentBrowser.newPage({ viewport: { width: 1280, height: 800 } });
  await agent.goto(app.url);
  await agent
    .getByText(/^Registered$/)
    .first()
    .waitFor({ timeout: 15_000 });
  alice = await openCustomer(sip, 'customer1');
  bob = await openCustomer(sip, 'customer2');
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close(), agentBrowser?.close()]);
  await app?.stop();
  await sip?.stop();
});

describe('softphone in Chromium with real media', () => {
  let callId = '';

  it('dials a customer from the dial box; the customer answers and audio flows both ways', async () => {
    await agent.getByLabel('Number or SIP address').fill(`sip:customer1@${sip.domain}`);
    await button(/^Call$/).click();
    await until(
      'customer rings',
      () => alice.eval((p) => p.state().callState),
      (s) => s === 'ringing-in',
    );
    await alice.eval((p) => p.answer());
    await until(
      'agent shows the call active',
      () => agentSessions(),
      (s) => s.length === 1,
    );
    [callId] = await agentSessions();
    await agent.getByRole('button', { name: /^Hang up$/ }).waitFor();
    const [aSent, aRecv, cSent, cRecv] = await flow(callId, alice);
    expect(aSent).toBeGreaterThan(20);
    expect(aRecv).toBeGreaterThan(20);
    expect(cSent).toBeGreaterThan(20);
    expect(cRecv).toBeGreaterThan(20);
    await mkdir('test-results', { recursive: true });
    await agent.screenshot({ path: 'test-results/call-screen.png' });
  });

  it('DTMF from the keypad arrives at the customer as tones (RFC 4733)', async () => {
    await alice.eval((p) => p.clearDtmf());
    for (const key of ['1', '5', '9', '#']) {
      await agent
        .getByRole('button', { name: new RegExp(`^(Send )?(DTMF )?${key === '#' ? '#|pound|hash' : key}\\b`, 'i') })
        .first()
        .click();
      await new Promise((r) => setTimeout(r, 250));
    }
    const digits = await until(
      'customer hears 159#',
      () => alice.eval((p) => p.dtmfReceived()),
      (d) => d.length >= 4,
      8000,
    );
    expect(digits).toBe('159#');
    expect(await alice.eval((p) => p.infoDtmfReceived())).toBe('');
  });

  it('mute stops outgoing audio; unmute brings it back', async () => {
    const energy = async (): Promise<number> => (await agentRtp(callId)).sentAudioEnergy ?? 0;
    const grows = async (ms: number): Promise<number> => {
      const e0 = await energy();
      await new Promise((r) => setTimeout(r, ms));
      return (await energy()) - e0;
    };
    const talking = await grows(1500);
    expect(talking).toBeGreaterThan(1e-4);
    await button(/^Mute$/).click();
    await agent
      .getByText(/^Muted$/)
      .first()
      .waitFor();
    // Stats lag the track a little: let the last unmuted frames drain first.
    await new Promise((r) => setTimeout(r, 600));
    expect(await grows(1500)).toBeLessThan(talking / 50);
    await button(/^Unmute$/).click();
    await until(
      'the microphone is heard again',
      () => grows(500),
      (d) => d > talking / 10,
      8000,
    );
  });

  it('hold stops RTP both ways (checked on the transceiver) and resume restarts it', async () => {
    await button(/^Hold$/).click();
    await agent
      .getByText(/On hold/)
      .first()
      .waitFor();
    expect((await agentRtp(callId)).currentDirection).toBe('inactive');
    await new Promise((r) => setTimeout(r, 300));
    const held = await flow(callId, alice);
    expect(Math.max(...held)).toBeLessThanOrEqual(2);
    await button(/^Resume$/).click();
    await until(
      'agent transceiver sendrecv',
      () => agentRtp(callId),
      (s) => s.currentDirection === 'sendrecv',
    );
    const resumed = await flow(callId, alice);
    expect(Math.min(...resumed)).toBeGreaterThan(20);
  });

  it('an incoming call rings while on a call; answering holds the first; switching swaps them', async () => {
    await bob.eval((p) => p.call('sip:agent1@127.0.0.1'));
    const accept = agent.getByRole('button', { name: /^Accept call from customer2/ });
    await accept.waitFor({ timeout: 10_000 });
    await agent.screenshot({ path: 'test-results/incoming-call.png' });
    await accept.click();
    await until(
      'bob established',
      () => bob.eval((p) => p.state().callState),
      (s) => s === 'established',
    );
    const ids = await until(
      'two media sessions',
      () => agentSessions(),
      (s) => s.length === 2,
    );
    const bobId = ids.find((id) => id !== callId) as string;
    await until(
      'first call held',
      () => agentRtp(callId),
      (s) => s.currentDirection === 'inactive',
    );
    const withBob = await flow(bobId, bob);
    expect(Math.min(...withBob)).toBeGreaterThan(20);
    const aliceHeld = await flow(callId, alice);
    expect(Math.max(...aliceHeld)).toBeLessThanOrEqual(2);
    await agent.screenshot({ path: 'test-results/two-calls.png' });
    // Swap back to Alice: select her call in the list, then "Switch to this call".
    await agent.getByRole('listitem').filter({ hasText: 'customer1' }).first().click();
    await button(/Switch to this call/).click();
    await until(
      'bob held',
      () => agentRtp(bobId),
      (s) => s.currentDirection === 'inactive',
    );
    await until(
      'alice resumed',
      () => agentRtp(callId),
      (s) => s.currentDirection === 'sendrecv',
    );
    const aliceBack = await flow(callId, alice);
    expect(Math.min(...aliceBack)).toBeGreaterThan(20);
  });

  it('hangs up from the agent; the customers see the BYE', async () => {
    await button(/^Hang up$/).click();
    await until(
      'alice ended',
      () => alice.eval((p) => p.state().callState),
      (s) => s === 'terminated' || s === 'idle',
    );
    await bob.eval((p) => p.hangup());
    await until(
      'agent media closed',
      () => agentSessions(),
      (s) => s.length === 0,
    );
  });

  it('the next outbound call (from the pre-made offer) carries the microphone both ways', async () => {
    await alice.eval((p) => p.clearDtmf());
    await agent.getByLabel('Number or SIP address').fill(`sip:customer1@${sip.domain}`);
    await button(/^Call$/).click();
    await until(
      'customer rings again',
      () => alice.eval((p) => p.state().callState),
      (s) => s === 'ringing-in',
    );
    await alice.eval((p) => p.answer());
    const [id] = await until(
      'one media session',
      () => agentSessions(),
      (s) => s.length === 1,
    );
    expect(await agent.evaluate(() => (window as unknown as { ringsideDiagnostics: { sparesUsed(): number } }).ringsideDiagnostics.sparesUsed())).toBe(1);
    const [aSent, aRecv, cSent, cRecv] = await flow(id, alice);
    expect(Math.min(aSent, aRecv, cSent, cRecv)).toBeGreaterThan(20);
    const e0 = (await agentRtp(id)).sentAudioEnergy ?? 0;
    await new Promise((r) => setTimeout(r, 1500));
    expect(((await agentRtp(id)).sentAudioEnergy ?? 0) - e0).toBeGreaterThan(1e-4);
    await button(/^Hang up$/).click();
    await until(
      'agent media closed',
      () => agentSessions(),
      (s) => s.length === 0,
    );
  });
});
