/**
 * Listen / whisper / barge in plain-proxy mode, signalling only, against a real Kamailio that
 * asserts the authenticated identity (P-Asserted-Identity): cores on Node for the agent and for
 * supervisors (allowed or not), a customer phone. The media engines are fixed-SDP stand-ins
 * that record the media ops; what each party actually hears is tested in
 * tests/e2e/supervision-monitor.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SessionState, type Invitation } from 'sip.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { CallSessionView } from '../../shared/call-session.js';
import type { MonitorView } from '../../shared/supervision.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone, type NodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

interface App {
  core: Core;
  peer: TestPeer;
  warnings: string[];
}

async function app(user: string, supervision: Record<string, unknown>): Promise<App> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:${user}@${sip.domain}`, password: sip.users[user], supervision });
  const warnings: string[] = [];
  const core = createCore({
    ...tempStore(),
    accounts: new ProvisionedAccountStore(account),
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => {}, warn: (m) => warnings.push(m) },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  cleanups.push(() => core.stop());
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  return { core, peer, warnings };
}

const agent1 = `sip:agent1@127.0.0.1`;
const agentApp = (extra: Record<string, unknown> = {}) => app('agent1', { role: 'agent', supervisors: ['sip:supervisor1@127.0.0.1'], ...extra });
const supervisorApp = (user = 'supervisor1', extra: Record<string, unknown> = {}) => app(user, { role: 'supervisor', team: [agent1], ...extra });

async function customer(user = 'customer1'): Promise<NodePhone> {
  const phone = await startNodePhone(sip, user);
  cleanups.push(() => phone.stop());
  return phone;
}

/** The agent calls the customer, who answers; counts re-INVITEs the customer receives. */
async function customerCall(agent: App, phone: NodePhone): Promise<{ id: string; invitation: Invitation; reinvites: () => number }> {
  const dial = await agent.peer.request('call:dial', { target: phone.aor });
  if (!dial.ok) throw new Error(dial.message);
  const invitation = await phone.nextInvitation();
  let reinvites = 0;
  invitation.delegate = { ...invitation.delegate, onInvite: () => void (reinvites += 1) };
  await invitation.accept();
  await agent.peer.waitForCall((c) => c.id === dial.value.id && c.state === 'active');
  return { id: dial.value.id, invitation, reinvites: () => reinvites };
}

const monitorChanged = (p: TestPeer, pred: (m: MonitorView | null) => boolean, timeoutMs?: number) => p.waitFor('monitor:changed', pred, timeoutMs);
const callsOf = (p: TestPeer): CallSessionView[] => p.events.filter((e) => e.channel === 'call:state-changed').map((e) => e.payload as CallSessionView);

describe('monitoring an agent in plain-proxy mode', () => {
  it('an allowed supervisor is answered without ringing; mode changes reach the mix; it ends with the customer call', async () => {
    const agent = await agentApp();
    const sup = await supervisorApp();
    const phone = await customer();
    const talk = await customerCall(agent, phone);

    const started = await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    expect(started.ok).toBe(true);
    const active = await monitorChanged(sup.peer, (m) => m?.state === 'active');
    expect(active).toMatchObject({ agent: agent1, mode: 'listen', via: 'proxy' });
    // The supervisor's call is in its list, marked, never rang, and its microphone muted.
    const supCalls = callsOf(sup.peer).filter((c) => c.id === active?.callId);
    expect(supCalls.at(-1)?.monitor).toEqual({ side: 'supervisor', mode: 'listen', peer: agent1, target: null });
    expect(supCalls.some((c) => c.state === 'ringing')).toBe(false);
    expect(supCalls.at(-1)?.muted).toBe(true);

    // The agent's side: answered at once (never 'incoming'), marked, mixed with the customer call.
    const agentMonitor = await agent.peer.waitForCall((c) => c.monitor?.side === 'agent' && c.state === 'active');
    expect(agentMonitor.monitor).toEqual({ side: 'agent', mode: 'listen', peer: 'sip:supervisor1@127.0.0.1', target: talk.id });
    expect(callsOf(agent.peer).some((c) => c.id === agentMonitor.id && c.state === 'incoming')).toBe(false);
    await until(() => agent.peer.mediaOps.some((o) => o.op === 'monitor-mix'));
    expect(agent.peer.mediaOps.filter((o) => o.op === 'monitor-mix')).toEqual([
      expect.objectContaining({ sessionId: agentMonitor.id, target: talk.id, mode: 'listen' }),
    ]);
    expect(await agent.peer.waitFor('monitored:changed', (m) => m?.mode === 'listen')).toMatchObject({ supervisor: 'sip:supervisor1@127.0.0.1' });
    expect((await agent.core.snapshot()).monitored).toMatchObject({ mode: 'listen' });
    // Not a customer call: the workspace never heard of it.
    expect((await agent.core.workspace.view()).agent.state).toBe('on-call');

    for (const mode of ['whisper', 'barge', 'listen'] as const) {
      const changed = await sup.peer.request('monitor:set-mode', { mode });
      expect(changed.ok && changed.value.mode).toBe(mode);
      // The agent's app answers the INFO only once the mix is applied.
      expect(agent.peer.mediaOps.filter((o) => o.op === 'monitor-mix').at(-1)).toMatchObject({ mode });
      await agent.peer.waitFor('monitored:changed', (m) => m?.mode === mode);
      expect(sup.core.calls.list().find((c) => c.id === active?.callId)?.muted).toBe(mode === 'listen');
    }
    // The customer's call was never renegotiated, and no media op touched it after the answer.
    expect(talk.reinvites()).toBe(0);
    expect(agent.peer.mediaOps.filter((o) => o.sessionId === talk.id && o.op !== 'get-description' && o.op !== 'set-description')).toEqual([]);

    // The customer hangs up: the monitoring call ends on both sides.
    await talk.invitation.bye();
    await agent.peer.waitForCall((c) => c.id === agentMonitor.id && c.state === 'ended');
    expect(await monitorChanged(sup.peer, (m) => m?.state === 'ended')).toMatchObject({ detail: "The agent's call ended." });
    await agent.peer.waitFor('monitored:changed', (m) => m === null);
  });

  it('stop hangs up; the agent keeps talking to the customer', async () => {
    const agent = await agentApp();
    const sup = await supervisorApp();
    const phone = await customer();
    const talk = await customerCall(agent, phone);
    await sup.peer.request('monitor:start', { agent: agent1, mode: 'whisper' });
    await monitorChanged(sup.peer, (m) => m?.state === 'active');
    const agentMonitor = await agent.peer.waitForCall((c) => c.monitor?.side === 'agent' && c.state === 'active');
    expect((await sup.peer.request('monitor:stop', {})).ok).toBe(true);
    await agent.peer.waitForCall((c) => c.id === agentMonitor.id && c.state === 'ended');
    await agent.peer.waitFor('monitored:changed', (m) => m === null);
    expect(agent.core.calls.list().find((c) => c.id === talk.id)?.state).toBe('active');
    expect(talk.invitation.state).toBe(SessionState.Established);
    expect((await sup.core.snapshot()).monitor).toBeNull();
  });

  for (const intruder of ['customer2', 'agent2'] as const) {
    it(`${intruder}, not in the agent's list, is refused with 403: never rings, never shows, nothing is heard`, async () => {
      const agent = await agentApp();
      const bad = await app(intruder, { role: 'supervisor', team: [agent1] });
      const phone = await customer();
      const talk = await customerCall(agent, phone);
      const seen = agent.peer.events.length;
      const opsBefore = agent.peer.mediaOps.length;
      expect((await bad.peer.request('monitor:start', { agent: agent1, mode: 'listen' })).ok).toBe(true);
      const failed = await monitorChanged(bad.peer, (m) => m?.state === 'failed');
      expect(failed?.detail).toMatch(/not one of this agent's supervisors.*\(403\)/);
      const theirCall = bad.core.calls.list().find((c) => c.id === failed?.callId);
      expect(theirCall).toMatchObject({ state: 'ended', statusCode: 403, answeredAt: null });
      expect(callsOf(bad.peer).some((c) => c.id === failed?.callId && c.state === 'ringing')).toBe(false);
      // On the agent: no call appeared, no media was made for it, the refusal is in the log.
      await new Promise((r) => setTimeout(r, 300));
      expect(agent.peer.events.slice(seen).filter((e) => e.channel === 'call:state-changed' || e.channel === 'monitored:changed')).toEqual([]);
      expect(agent.peer.mediaOps.slice(opsBefore)).toEqual([]);
      expect(agent.core.calls.list().map((c) => c.id)).toEqual([talk.id]);
      expect(agent.warnings.join('\n')).toMatch(new RegExp(`monitoring request from <sip:${intruder}@127\\.0\\.0\\.1>.*refused \\(403\\)`));
      expect(talk.reinvites()).toBe(0);
    });
  }

  it('an allowed supervisor is refused (480) while the agent has no call', async () => {
    const agent = await agentApp();
    const sup = await supervisorApp();
    await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    const failed = await monitorChanged(sup.peer, (m) => m?.state === 'failed');
    expect(failed?.detail).toMatch(/no call to listen to.*\(480\)/);
    expect(agent.core.calls.list()).toEqual([]);
    expect(agent.peer.mediaOps).toEqual([]);
  });

  it('with a team secret: no signature or the wrong one is refused, the right one is answered', async () => {
    const agent = await agentApp({ teamSecret: 'right horse battery' });
    const phone = await customer();
    await customerCall(agent, phone);
    for (const secret of [undefined, 'wrong staple']) {
      const sup = await supervisorApp('supervisor1', secret ? { teamSecret: secret } : {});
      await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
      expect((await monitorChanged(sup.peer, (m) => m?.state === 'failed'))?.detail).toMatch(/\(403\)/);
      await sup.core.stop();
    }
    expect(agent.warnings.join('\n')).toMatch(/no team signature/);
    expect(agent.warnings.join('\n')).toMatch(/wrong team signature/);
    expect(agent.core.calls.list().filter((c) => c.monitor)).toEqual([]);
    const sup = await supervisorApp('supervisor1', { teamSecret: 'right horse battery' });
    await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    await monitorChanged(sup.peer, (m) => m?.state === 'active');
    await agent.peer.waitForCall((c) => c.monitor?.side === 'agent' && c.state === 'active');
  });

  it('an agent who may not see monitoring is told nothing', async () => {
    const agent = await agentApp({ showMonitoring: false });
    const sup = await supervisorApp();
    const phone = await customer();
    await customerCall(agent, phone);
    await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    await monitorChanged(sup.peer, (m) => m?.state === 'active');
    await until(() => agent.peer.mediaOps.some((o) => o.op === 'monitor-mix'));
    expect(agent.peer.events.filter((e) => e.channel === 'monitored:changed')).toEqual([]);
    expect((await agent.core.snapshot()).monitored).toBeNull();
  });

  it('PBX mode dials the feature code with the extension (Kamailio has none: 404)', async () => {
    const sup = await supervisorApp('supervisor1', { monitorVia: 'pbx', featureCodes: { listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' } });
    const started = await sup.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    expect(started.ok && started.value.via).toBe('pbx');
    const failed = await monitorChanged(sup.peer, (m) => m?.state === 'failed');
    const placed = sup.core.calls.list().find((c) => c.id === failed?.callId);
    expect(placed?.remoteUri).toBe('sip:*222agent1@127.0.0.1');
    expect(placed?.monitor?.side).toBe('supervisor');
    expect(failed?.detail).toMatch(/not registered \(404\)/);
  });

  it('refuses to start for an agent off the team, or from an agent-only app', async () => {
    const sup = await supervisorApp();
    const off = await sup.peer.request('monitor:start', { agent: 'sip:agent3@127.0.0.1', mode: 'listen' });
    expect(off.ok === false && off.message).toMatch(/not on your team/);
    const agent = await agentApp();
    const notSup = await agent.peer.request('monitor:start', { agent: agent1, mode: 'listen' });
    expect(notSup.ok === false && notSup.message).toMatch(/supervisor role/);
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
