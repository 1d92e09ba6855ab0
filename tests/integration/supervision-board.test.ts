/**
 * The live board end to end in Node, through a real Kamailio: agent cores publish their
 * state by SIP MESSAGE, a supervisor core shows it. A change reaches the board within a second; a
 * killed agent (its process SIGKILLed, never unregistered) turns stale after 3 heartbeats; a
 * forged state message from a non-team identity changes nothing and is counted; a wrong team
 * secret is refused; an agent who unregisters raises the "not registered" alert.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Messager, SessionState, UserAgent } from 'sip.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { BoardAgent, BoardView, SupervisionInput } from '../../shared/supervision.js';
import { PRESENCE_CONTENT_TYPE } from '../../shared/supervision.js';
import { startAgentApp } from '../support/agent-app.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone, waitForState } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const aor = (user: string) => `sip:${user}@${sip.domain}`;
const quiet = { info: () => {}, warn: () => {} };

async function app(
  user: string,
  supervision: SupervisionInput,
  log: { info(m: string): void; warn(m: string, e?: unknown): void } = quiet,
): Promise<{ core: Core; peer: TestPeer }> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: aor(user), password: sip.users[user], displayName: `Name of ${user}`, supervision });
  const { store } = tempStore();
  const core = createCore({ accounts: new ProvisionedAccountStore(account), store, backoff: { baseMs: 200, capMs: 1000 }, log });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  cleanups.push(async () => {
    await core.stop();
    await store.close();
  });
  return { core, peer };
}

type Log = { info(m: string): void; warn(m: string, e?: unknown): void };

function supervisor(over: SupervisionInput = {}, log: Log = quiet) {
  return app('supervisor1', { role: 'supervisor', team: [aor('agent1'), aor('agent2'), aor('agent3')], heartbeatSec: 1, ...over }, log);
}
function agentApp(user: string, over: SupervisionInput = {}) {
  return app(user, { role: 'agent', supervisors: [aor('supervisor1')], heartbeatSec: 1, ...over });
}

const row = (board: BoardView, user: string): BoardAgent | undefined => board.agents.find((a) => a.aor === aor(user));

/** Every process below `pid` (tsx runs the app in a child node process). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The first board:changed at or after `from` that satisfies `pred`, and when it arrived (performance.now()). */
async function boardWhere(peer: TestPeer, pred: (b: BoardView) => boolean, from: number, timeoutMs = 5000): Promise<{ board: BoardView; at: number }> {
  const board = await peer.waitFor('board:changed', pred, timeoutMs, from);
  return { board, at: performance.now() };
}

describe('live board through Kamailio', () => {
  it('a pause with its reason, then a call, show up on the supervisor’s board within a second', async () => {
    const { peer: sup } = await supervisor();
    const { peer: a1 } = await agentApp('agent1');
    const { peer: a2 } = await agentApp('agent2');
    // Both agents are heard from (their first message, or the next heartbeat).
    const first = await boardWhere(sup, (b) => row(b, 'agent1')?.presence?.registered === true && row(b, 'agent2')?.presence?.registered === true, 0);
    expect(row(first.board, 'agent1')).toMatchObject({ name: 'Name of agent1', stale: false, state: 'available' });
    expect(first.board.totals).toMatchObject({ agents: 3, available: 2, onCall: 0 });
    // No team secret, but the test Kamailio asserts who authenticated (P-Asserted-Identity): verified.
    expect(first.board.unverified).toBe(0);

    // Pause with a reason.
    let mark = sup.events.length;
    let t0 = performance.now();
    expect((await a1.request('agent:set-state', { state: 'paused', reason: 'Lunch' })).ok).toBe(true);
    const paused = await boardWhere(sup, (b) => row(b, 'agent1')?.state === 'paused', mark);
    const pauseMs = paused.at - t0;
    expect(row(paused.board, 'agent1')?.presence?.pauseReason).toBe('Lunch');
    expect(pauseMs).toBeLessThan(1000);

    // Back to available and a call to a customer, who answers.
    expect((await a1.request('agent:set-state', { state: 'available' })).ok).toBe(true);
    const customer = await startNodePhone(sip, 'customer1');
    cleanups.push(() => customer.stop());
    mark = sup.events.length;
    t0 = performance.now();
    const dialled = await a1.request('call:dial', { target: aor('customer1') });
    expect(dialled.ok).toBe(true);
    const ringing = await boardWhere(sup, (b) => row(b, 'agent1')?.presence?.call != null, mark);
    const callMs = ringing.at - t0;
    expect(callMs).toBeLessThan(1000);
    expect(row(ringing.board, 'agent1')?.presence?.call).toMatchObject({ direction: 'outbound', temperature: 'cold', answeredAt: null });

    const invitation = await customer.nextInvitation();
    mark = sup.events.length;
    t0 = performance.now();
    await invitation.accept();
    await waitForState(invitation, SessionState.Established);
    const talking = await boardWhere(sup, (b) => row(b, 'agent1')?.state === 'on-call' && row(b, 'agent1')?.presence?.call?.answeredAt != null, mark);
    const answerMs = talking.at - t0;
    expect(answerMs).toBeLessThan(1000);
    expect(talking.board.totals).toMatchObject({ onCall: 1, available: 1 });

    // The customer hangs up: the call leaves the board and the agent is in wrap-up or available.
    mark = sup.events.length;
    t0 = performance.now();
    await invitation.bye();
    const after = await boardWhere(sup, (b) => row(b, 'agent1')?.presence?.call === null && row(b, 'agent1')?.state !== 'on-call', mark);
    const hangupMs = after.at - t0;
    expect(hangupMs).toBeLessThan(1000);
    expect(row(after.board, 'agent1')?.presence?.today.calls).toBeGreaterThanOrEqual(1);
    expect(after.board.rejected).toBe(0);
    // agent2 was not touched by any of this.
    expect(row(after.board, 'agent2')).toMatchObject({ state: 'available', stale: false });
    void a2;
    console.log(
      `[board] state change → supervisor's board: pause ${pauseMs.toFixed(0)} ms, dial ${callMs.toFixed(0)} ms, answer ${answerMs.toFixed(0)} ms, hang-up ${hangupMs.toFixed(0)} ms`,
    );
  });

  it('an agent who unregisters (socket still up) shows as not registered, with the alert', async () => {
    const { peer: sup } = await supervisor();
    const { peer: a3 } = await agentApp('agent3');
    await boardWhere(sup, (b) => row(b, 'agent3')?.presence?.registered === true, 0);
    const mark = sup.events.length;
    const t0 = performance.now();
    expect((await a3.request('sip:unregister', {})).ok).toBe(true);
    const gone = await boardWhere(sup, (b) => row(b, 'agent3')?.presence?.registered === false, mark);
    expect(gone.at - t0).toBeLessThan(1000);
    expect(row(gone.board, 'agent3')?.alerts).toContainEqual({ kind: 'unregistered', text: 'Not registered' });
    // And back: registering again clears it.
    expect((await a3.request('sip:register', {})).ok).toBe(true);
    const back = await boardWhere(sup, (b) => row(b, 'agent3')?.presence?.registered === true, sup.events.length);
    expect(row(back.board, 'agent3')?.alerts).toEqual([]);
  });

  it('a forged state message from a non-team identity changes nothing and is counted as rejected', async () => {
    const warnings: string[] = [];
    const { peer: sup, core } = await supervisor({}, { info: () => {}, warn: (m: string) => void warnings.push(m) });
    const { peer: a1 } = await agentApp('agent1');
    await a1.request('agent:set-state', { state: 'paused', reason: 'Training' });
    await boardWhere(sup, (b) => row(b, 'agent1')?.presence?.pauseReason === 'Training', 0);
    const before = (await core.snapshot()).board as BoardView;
    const seqBefore = row(before, 'agent1')?.presence?.seq ?? 0;

    // customer1 (a real, authenticated user of the same server) claims to be agent1: in the From
    // display name, and in a well-formed body with a huge seq that would win if it were taken.
    const forger = await startNodePhone(sip, 'customer1');
    cleanups.push(() => forger.stop());
    const body = JSON.stringify({
      v: 1,
      seq: seqBefore + 1_000_000,
      sentAt: Date.now(),
      name: 'agent1',
      state: 'available',
      pauseReason: null,
      since: Date.now(),
      registered: true,
      call: null,
      campaign: '<img src=x onerror=alert(1)>',
      today: { calls: 999, connected: 999, talkSec: 99_999, successes: 999 },
    });
    const target = UserAgent.makeURI(aor('supervisor1'));
    if (!target) throw new Error('bad uri');
    const status = await new Promise<number>((resolve) => {
      void new Messager(forger.ua, target, body, PRESENCE_CONTENT_TYPE, { params: { fromDisplayName: 'agent1' } }).message({
        requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
      });
    });
    expect(status).toBe(403);
    const after = (await core.snapshot()).board as BoardView;
    expect(after.rejected).toBe(before.rejected + 1);
    expect(row(after, 'agent1')?.presence).toMatchObject({ state: 'paused', pauseReason: 'Training' });
    expect(after.totals.calls).toBe(before.totals.calls);
    expect(warnings.some((w) => w.includes('sip:customer1@127.0.0.1') && w.includes('not on the team'))).toBe(true);

    // The same body from a sender that pretends in its From header is stopped by the server itself
    // (From must be the authenticated user): nothing reaches the board.
    const spoof = await new Promise<number>((resolve) => {
      void new Messager(forger.ua, target, body, PRESENCE_CONTENT_TYPE, { params: { fromUri: aor('agent1'), fromDisplayName: 'agent1' } }).message({
        requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
      });
    });
    expect(spoof).toBe(403);
    expect(row((await core.snapshot()).board as BoardView, 'agent1')?.presence?.state).toBe('paused');
  });

  it('with a team secret, an agent signing with the wrong secret is refused; the right one is accepted', async () => {
    const { peer: sup, core } = await supervisor({ teamSecret: 'right-secret' });
    await agentApp('agent1', { teamSecret: 'right-secret' });
    await agentApp('agent3', { teamSecret: 'wrong-secret' });
    await boardWhere(sup, (b) => row(b, 'agent1')?.presence?.registered === true, 0);
    // agent3 sends every heartbeat (1 s): wait for a couple of refusals.
    await boardWhere(sup, (b) => b.rejected >= 2, 0, 5000);
    const board = (await core.snapshot()).board as BoardView;
    expect(row(board, 'agent3')).toMatchObject({ presence: null, lastHeardAt: null, state: 'offline' });
    expect(row(board, 'agent1')?.state).toBe('available');
    // Signed with the team's secret: verified, whatever the server asserts.
    expect(board.unverified).toBe(0);
  });

  it('a killed agent (process SIGKILLed, never unregistered) turns stale after 3 heartbeats', async () => {
    const { peer: sup } = await supervisor();
    const agent = await startAgentApp({
      wsUrl: sip.wsUrl,
      domain: sip.domain,
      user: 'agent2',
      password: sip.users.agent2 as string,
      extra: { supervision: { role: 'agent', supervisors: [aor('supervisor1')], heartbeatSec: 1 } },
    });
    cleanups.push(() => agent.stop());
    const heard = await boardWhere(sup, (b) => row(b, 'agent2')?.presence?.registered === true, 0, 20_000);
    expect(row(heard.board, 'agent2')?.name).toBe('Agent agent2');
    // Heartbeats keep it fresh.
    await new Promise((r) => setTimeout(r, 2500));
    const fresh = sup.events.filter((e) => e.channel === 'board:changed').at(-1)?.payload as BoardView;
    expect(row(fresh, 'agent2')?.stale).toBe(false);

    const mark = sup.events.length;
    // Killed outright: no un-REGISTER, no last message; the socket just closes.
    for (const pid of [...descendants(agent.proc.pid as number), agent.proc.pid as number]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const killedAt = performance.now();
    const stale = await boardWhere(sup, (b) => row(b, 'agent2')?.stale === true, mark, 8000);
    const after = stale.at - killedAt;
    const r = row(stale.board, 'agent2') as BoardAgent;
    expect(r).toMatchObject({ state: 'offline', alerts: [{ kind: 'stale', text: 'No word for over 3 s' }] });
    // Not before 3 heartbeats of silence (the last one may have left up to 1 s before the kill).
    expect(Date.now() - (r.lastHeardAt as number)).toBeGreaterThanOrEqual(3000);
    expect(after).toBeGreaterThan(1900);
    expect(after).toBeLessThan(5000);
    console.log(`[board] killed agent stale ${after.toFixed(0)} ms after the kill`);
  });
});
