/**
 * End to end through a real TURN server: Debian's coturn on 127.0.0.1 (tests/support/coturn.ts),
 * the agent app (browser-mode core + the built renderer in Chromium) with a relay-only account,
 * and a customer phone (its own Chromium) relay-only too, calling through Kamailio. With relay
 * only, neither side offers a host candidate, so audio can only flow when both got a TURN
 * allocation and coturn relays between them: we check RTP both ways (getStats) and that the
 * candidate pair ICE selected is relay ↔ relay, on one of coturn's relay ports.
 *
 * Cases: (a) fixed TURN user and password (coturn `lt-cred-mech`), twice — the second call goes
 * out on the spare offer made for the relay policy; (b) time-limited credentials the core makes
 * from the TURN server's shared secret (coturn `use-auth-secret`), dialled and then answered —
 * the secret never reaches the renderer; (c) a wrong password: the dial fails with the sentence
 * the agent can act on, and the customer never rings.
 *
 * Loopback: Chromium gathers 127.0.0.1 candidates with `--allow-loopback-in-peer-connection`
 * (tests/support/chromium.ts), and accepts a TURN server and relayed candidates on 127.0.0.1 as
 * they are; coturn only needs `allow-loopback-peers` to relay between two of its own loopback
 * relay addresses. So one loopback address serves everything and no second address or dummy
 * interface is needed in the network namespace.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentApp, type AgentApp } from '../support/agent-app.js';
import { until } from '../support/agent-ui.js';
import { launchChromium } from '../support/chromium.js';
import { restCredentials, startCoturn, type CoturnServer } from '../support/coturn.js';
import { openCustomer, type CustomerHandle } from '../support/customer-page.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';

const STATIC_RELAY_PORTS: [number, number] = [49160, 49199];
const REST_RELAY_PORTS: [number, number] = [49200, 49239];
const TURN_PASSWORDS = { agent1: 'turn-pass-agent1', customer1: 'turn-pass-customer1' };
const SHARED_SECRET = 'coturn-shared-secret-7Hq2';
const NO_RELAYED_ROUTE =
  'No relayed route for the audio: the TURN server did not answer or refused the credentials — check the TURN address, user and password in Settings';

interface Candidate {
  candidateType: string;
  protocol: string;
  address: string | null;
  port: number | null;
  relayProtocol: string | null;
}
interface Diagnostics {
  sessions(): string[];
  sparesUsed(): number;
  rtpStats(id: string): Promise<{ packetsSent: number; packetsReceived: number }>;
  selectedCandidates(id: string): Promise<{ local: Candidate; remote: Candidate } | null>;
}

interface Agent {
  app: AgentApp;
  browser: Browser;
  page: Page;
  /** Every WebSocket frame between this renderer and the core, both ways. */
  frames: string[];
}

let sip: KamailioServer;
let staticTurn: CoturnServer;
let restTurn: CoturnServer;

beforeAll(async () => {
  sip = await startKamailio();
  staticTurn = await startCoturn({ auth: { users: TURN_PASSWORDS }, relayPorts: STATIC_RELAY_PORTS });
  restTurn = await startCoturn({ auth: { secret: SHARED_SECRET }, relayPorts: REST_RELAY_PORTS });
});

afterAll(async () => {
  await Promise.allSettled([staticTurn?.stop(), restTurn?.stop()]);
  await sip?.stop();
});

async function openAgent(account: Record<string, unknown>): Promise<Agent> {
  const app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1, extra: account });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push(String(f.payload)));
    ws.on('framesent', (f) => frames.push(String(f.payload)));
  });
  await page.goto(app.url);
  await page
    .getByText(/^Registered$/)
    .first()
    .waitFor({ timeout: 15_000 });
  return { app, browser, page, frames };
}

async function closeAgent(agent: Agent | undefined): Promise<void> {
  await agent?.browser.close();
  await agent?.app.stop();
}

type Window = { ringsideDiagnostics: Diagnostics };
const sessions = (agent: Agent): Promise<string[]> => agent.page.evaluate(() => (window as unknown as Window).ringsideDiagnostics.sessions());
const sparesUsed = (agent: Agent): Promise<number> => agent.page.evaluate(() => (window as unknown as Window).ringsideDiagnostics.sparesUsed());
const rtpStats = (agent: Agent, id: string) => agent.page.evaluate((sid) => (window as unknown as Window).ringsideDiagnostics.rtpStats(sid), id);
const selectedCandidates = (agent: Agent, id: string) =>
  agent.page.evaluate((sid) => (window as unknown as Window).ringsideDiagnostics.selectedCandidates(sid), id);

async function dial(agent: Agent): Promise<void> {
  await agent.page.getByLabel('Number or SIP address').fill(`sip:customer1@${sip.domain}`);
  await agent.page.getByRole('button', { name: /^Call$/ }).click();
}

/** RTP packets counted over a second: [agent sent, agent received, customer sent, customer received]. */
async function flow(agent: Agent, id: string, customer: CustomerHandle): Promise<number[]> {
  const a0 = await rtpStats(agent, id);
  const c0 = await customer.rtp();
  await new Promise((r) => setTimeout(r, 1000));
  const a1 = await rtpStats(agent, id);
  const c1 = await customer.rtp();
  return [a1.packetsSent - a0.packetsSent, a1.packetsReceived - a0.packetsReceived, c1.packetsSent - c0.packetsSent, c1.packetsReceived - c0.packetsReceived];
}

/**
 * A call between the agent and the customer — the agent dials and the customer answers, or the
 * customer calls and the agent accepts — with audio both ways over a relay ↔ relay pair on this
 * TURN server's ports; the agent hangs up.
 */
async function callThroughRelay(
  agent: Agent,
  customer: CustomerHandle,
  relayPorts: [number, number],
  who: 'agent dials' | 'customer calls' = 'agent dials',
): Promise<void> {
  if (who === 'agent dials') {
    await dial(agent);
    await until(
      'customer rings',
      () => customer.eval((p) => p.state().callState),
      (s) => s === 'ringing-in',
    );
    await customer.eval((p) => p.answer());
  } else {
    await customer.eval((p) => p.call('sip:agent1@127.0.0.1'));
    await agent.page.getByRole('button', { name: /^Accept call from customer1/ }).click();
  }
  const [id] = await until(
    'agent has the call’s media',
    () => sessions(agent),
    (s) => s.length === 1,
  );
  await agent.page.getByRole('button', { name: /^Hang up$/ }).waitFor();
  const pair = await until(
    'ICE selected a candidate pair',
    () => selectedCandidates(agent, id),
    (p) => p !== null,
  );
  const [aSent, aRecv, cSent, cRecv] = await flow(agent, id, customer);
  expect(aSent).toBeGreaterThan(20);
  expect(aRecv).toBeGreaterThan(20);
  expect(cSent).toBeGreaterThan(20);
  expect(cRecv).toBeGreaterThan(20);

  expect(pair!.local).toMatchObject({ candidateType: 'relay', protocol: 'udp', address: '127.0.0.1', relayProtocol: 'udp' });
  expect(pair!.local.port).toBeGreaterThanOrEqual(relayPorts[0]);
  expect(pair!.local.port).toBeLessThanOrEqual(relayPorts[1]);
  expect(pair!.remote.candidateType).toBe('relay');
  expect(pair!.remote.port).toBeGreaterThanOrEqual(relayPorts[0]);
  expect(pair!.remote.port).toBeLessThanOrEqual(relayPorts[1]);
  const customerPair = await customer.rtp();
  expect(customerPair.localCandidate).toMatch(/ relay\/udp$/);
  expect(customerPair.remoteCandidate).toMatch(/ relay\/udp$/);

  await agent.page.getByRole('button', { name: /^Hang up$/ }).click();
  await until(
    'customer hung up on',
    () => customer.eval((p) => p.state().callState),
    (s) => s === 'terminated',
  );
}

describe('calls through coturn with relay only', () => {
  let agent: Agent | undefined;
  let customer: CustomerHandle | undefined;

  const cleanUp = async () => {
    await Promise.allSettled([customer?.close(), closeAgent(agent)]);
    agent = undefined;
    customer = undefined;
  };

  it('(a) a fixed TURN user and password: audio both ways, relayed by coturn', async () => {
    try {
      agent = await openAgent({
        iceServers: [{ urls: staticTurn.url, username: 'agent1', credential: TURN_PASSWORDS.agent1 }],
        iceTransportPolicy: 'relay',
      });
      customer = await openCustomer(sip, 'customer1', {
        iceServers: [{ urls: staticTurn.url, username: 'customer1', credential: TURN_PASSWORDS.customer1 }],
        iceTransportPolicy: 'relay',
      });
      await callThroughRelay(agent, customer, STATIC_RELAY_PORTS);
      // The next call goes out on the spare offer made for this policy, relayed as well.
      await until(
        'agent has no call left',
        () => sessions(agent!),
        (s) => s.length === 0,
      );
      await callThroughRelay(agent, customer, STATIC_RELAY_PORTS);
      expect(await sparesUsed(agent)).toBe(1);
      expect(staticTurn.output()).toMatch(/user <agent1>: incoming packet ALLOCATE processed, success/);
      expect(staticTurn.output()).toMatch(/user <customer1>: incoming packet ALLOCATE processed, success/);
    } finally {
      await cleanUp();
    }
  });

  it('(b) time-limited credentials from the shared secret: made by the core per call, the secret never reaches the renderer', async () => {
    try {
      agent = await openAgent({
        iceServers: [{ urls: restTurn.url, credential: SHARED_SECRET, credentialType: 'ephemeral', ephemeralTtlSec: 600 }],
        iceTransportPolicy: 'relay',
      });
      customer = await openCustomer(sip, 'customer1', {
        iceServers: [{ urls: restTurn.url, ...restCredentials(SHARED_SECRET, 'customer1') }],
        iceTransportPolicy: 'relay',
      });
      await callThroughRelay(agent, customer, REST_RELAY_PORTS);
      // And the other way: the agent's answer is made with credentials of its own.
      await until(
        'agent has no call left',
        () => sessions(agent!),
        (s) => s.length === 0,
      );
      await callThroughRelay(agent, customer, REST_RELAY_PORTS, 'customer calls');
      // coturn took the user the core made, `<expiry>:<SIP user>`, expiring within the lifetime asked for.
      const users = [...restTurn.output().matchAll(/user <(\d+):agent1>: incoming packet ALLOCATE processed, success/g)].map((m) => Number(m[1]));
      expect(users.length).toBeGreaterThan(0);
      const now = Date.now() / 1000;
      for (const expiry of users) {
        expect(expiry).toBeGreaterThan(now + 500);
        expect(expiry).toBeLessThanOrEqual(now + 600);
      }
      // The renderer got the made credentials in its media requests, and never the secret.
      expect(agent.frames.some((f) => f.includes('media:request') && /"username":"\d+:agent1"/.test(f))).toBe(true);
      expect(agent.frames.length).toBeGreaterThan(0);
      for (const frame of agent.frames) expect(frame).not.toContain(SHARED_SECRET);
    } finally {
      await cleanUp();
    }
  });

  it('(c) a wrong TURN password: the dial fails in words at once, and the customer never rings', async () => {
    try {
      agent = await openAgent({
        iceServers: [{ urls: staticTurn.url, username: 'agent1', credential: 'not-the-turn-password' }],
        iceTransportPolicy: 'relay',
      });
      customer = await openCustomer(sip, 'customer1');
      const started = Date.now();
      await dial(agent);
      await agent.page
        .getByText(NO_RELAYED_ROUTE)
        .first()
        .waitFor({ timeout: 10_000 })
        .catch((error: unknown) => {
          // Say what the media engine answered and what coturn saw, so a failure here can be read.
          const replies = agent!.frames.filter((f) => f.includes('media:respond')).map((f) => f.slice(0, 1500));
          throw new Error(`${String(error)}\nmedia replies:\n${replies.join('\n')}\ncoturn:\n${staticTurn.output().slice(-3000)}`);
        });
      const failedAfterMs = Date.now() - started;
      // Gathering stops at the account's bound once the TURN server has said no (not the media bridge's 15 s).
      expect(failedAfterMs).toBeLessThan(5000);
      expect(await agent.page.getByText(`Could not place the call: ${NO_RELAYED_ROUTE}`).count()).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await customer.eval((p) => p.state())).toMatchObject({ calls: 0, callState: 'idle' });
      expect(await sessions(agent)).toEqual([]);
      expect(staticTurn.output()).toMatch(/user <agent1>: incoming packet \w+ processed, error 401/);
    } finally {
      await cleanUp();
    }
  });
});
