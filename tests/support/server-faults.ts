/**
 * What a working day does to the SIP server, done to a real Kamailio with a real core on it: the
 * server SIGKILLed and started again, frozen (SIGSTOP) and thawed, the link black-holed and the
 * computer waking up. Each scenario measures what an agent would notice — how long after the
 * server answers again the agent is registered, and whether the agent was paused meanwhile (no
 * lead is dialled into a dead line) and available again after. Used by the short test in
 * `npm test` and by the long run (`npm run test:faults`).
 */
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { RegistrationView } from '../../shared/registration-state.js';
import { startBlackholeProxy } from './blackhole-proxy.js';
import type { KamailioServer } from './kamailio.js';
import { connectSdpPeer, type TestPeer } from './sdp-media-peer.js';
import { tempStore } from './temp-store.js';

export interface FaultFigure {
  scenario: string;
  /** From the server answering again (or the wake) to registered on a working socket, ms. */
  backMs: number;
  /** The line never went down (a freeze shorter than the keep-alive noticed): nothing to come back from. */
  stayedRegistered: boolean;
  /** The agent was paused while the line was down, and available again after. */
  pausedMeanwhile: boolean;
  availableAfter: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function agent(server: string, sip: KamailioServer, keepAliveSec: number): Promise<{ core: Core; peer: TestPeer; stop(): Promise<void> }> {
  const account = accountSchema.parse({ server, aor: `sip:agent3@${sip.domain}`, password: sip.users.agent3, keepAliveSec });
  // The product's own backoff: these figures are what agents get.
  const core = createCore({ ...tempStore(), accounts: new ProvisionedAccountStore(account), log: { info: () => {}, warn: () => {} } });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  return { core, peer, stop: () => core.stop() };
}

/** Waits for a registration state after event number `from`; rejects after `timeoutMs`. */
async function registration(peer: TestPeer, from: number, pred: (r: RegistrationView) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = peer.events.slice(from).find((e) => e.channel === 'registration:changed' && pred(e.payload as RegistrationView));
    if (hit) return hit.at;
    if (Date.now() > deadline) throw new Error(`no such registration state within ${timeoutMs} ms`);
    await sleep(10);
  }
}

const agentState = (core: Core): string => core.workspace.agentView().agent.state;

const isDown = (r: RegistrationView): boolean => !r.connected || r.state !== 'registered';

async function pausedThenBack(core: Core, peer: TestPeer, from: number, since: number, timeoutMs: number): Promise<Omit<FaultFigure, 'scenario'>> {
  // Back means registered again after being down; a line that never went down waits for nothing.
  const downAt = (): number => peer.events.findIndex((e, i) => i >= from && e.channel === 'registration:changed' && isDown(e.payload as RegistrationView));
  if (downAt() < 0) return { backMs: 0, stayedRegistered: true, pausedMeanwhile: false, availableAfter: agentState(core) === 'available' };
  const backMs = Math.max(0, (await registration(peer, downAt(), (r) => !isDown(r), timeoutMs)) - since);
  const pausedMeanwhile = peer.events
    .slice(from)
    .some((e) => e.channel === 'workspace:changed' && (e.payload as { agent: { state: string } }).agent.state === 'paused');
  await sleep(50);
  return { backMs, stayedRegistered: false, pausedMeanwhile, availableAfter: agentState(core) === 'available' };
}

/** Kamailio SIGKILLed while the agent is idle, down for `outageMs`, started again. */
export async function killAndRestart(sip: KamailioServer, outageMs: number): Promise<FaultFigure> {
  const a = await agent(sip.wsUrl, sip, 15);
  try {
    const from = a.peer.events.length;
    const pid = sip.pid();
    if (pid) process.kill(-pid, 'SIGKILL');
    await sip.stop();
    await registration(a.peer, from, (r) => !r.connected, 10_000);
    await sleep(outageMs);
    await sip.start();
    return { scenario: `Kamailio SIGKILLed, down ${outageMs / 1000} s, restarted`, ...(await pausedThenBack(a.core, a.peer, from, Date.now(), 15_000)) };
  } finally {
    await a.stop();
  }
}

/** Kamailio frozen with SIGSTOP for `freezeMs` (its sockets stay open, nothing answers), then SIGCONT. */
export async function freezeAndThaw(sip: KamailioServer, freezeMs: number, keepAliveSec: number): Promise<FaultFigure> {
  const a = await agent(sip.wsUrl, sip, keepAliveSec);
  const pid = sip.pid();
  if (!pid) throw new Error('Kamailio is not running');
  try {
    const from = a.peer.events.length;
    process.kill(-pid, 'SIGSTOP');
    await sleep(freezeMs);
    process.kill(-pid, 'SIGCONT');
    const thawed = Date.now();
    // A ping sent into the freeze is answered on the thaw, or has already timed out: a second tells.
    await sleep(1000);
    return {
      scenario: `Kamailio frozen (SIGSTOP) ${freezeMs / 1000} s, keep-alive ${keepAliveSec} s`,
      ...(await pausedThenBack(a.core, a.peer, from, thawed, 15_000)),
    };
  } finally {
    process.kill(-pid, 'SIGCONT');
    await a.stop();
  }
}

/** The link black-holed (as after sleep), then the computer's wake event. */
export async function sleepAndWake(sip: KamailioServer): Promise<FaultFigure> {
  const proxy = await startBlackholeProxy(sip.port);
  // Keep-alive off: the machine slept through every ping; only the wake can tell.
  const a = await agent(proxy.wsUrl, sip, 0);
  try {
    const from = a.peer.events.length;
    proxy.blackhole();
    await sleep(500);
    const since = Date.now();
    await a.core.reconnect();
    return { scenario: 'link black-holed (sleep), then the wake', ...(await pausedThenBack(a.core, a.peer, from, since, 15_000)) };
  } finally {
    await a.stop();
    await proxy.close();
  }
}

export function formatFigure(f: FaultFigure, goalMs: number): string {
  if (f.stayedRegistered) return `${f.scenario}: stayed registered (nothing noticed it), available after ${f.availableAfter ? 'yes' : 'NO'}`;
  return `${f.scenario}: registered ${f.backMs} ms after (goal ≤ ${goalMs} ms), paused meanwhile ${f.pausedMeanwhile ? 'yes' : 'NO'}, available after ${f.availableAfter ? 'yes' : 'NO'}`;
}
