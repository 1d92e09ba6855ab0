import { describe, expect, it, vi } from 'vitest';
import { accountSchema, type Account } from '../../../shared/account.js';
import { temperatureForDirection, type CallSessionView } from '../../../shared/call-session.js';
import type { MonitoredView, MonitorView } from '../../../shared/supervision.js';
import { monitorRequestHeaders } from '../../../electron/core/supervision/monitor-request.js';
import { AgentMonitoring, type MonitorRequestFacts } from '../../../electron/core/supervision/agent-monitoring.js';
import { SupervisorMonitoring } from '../../../electron/core/supervision/supervisor-monitoring.js';
import type { DialOptions } from '../../../electron/core/calls/call-manager.js';

const now = Date.UTC(2026, 10, 27, 12, 0, 0);
const quiet = { info: () => {}, warn: () => {} };

function account(user: string, supervision: Record<string, unknown>): Account {
  return accountSchema.parse({ server: 'ws://127.0.0.1:5066', aor: `sip:${user}@127.0.0.1`, password: 'x', supervision });
}

function call(over: Partial<CallSessionView>): CallSessionView {
  return {
    id: 'c1',
    direction: 'outbound',
    state: 'active',
    temperature: temperatureForDirection('outbound'),
    remoteUri: 'sip:customer1@127.0.0.1',
    remoteName: 'customer1',
    muted: false,
    pending: null,
    createdAt: now,
    answeredAt: now,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: false,
    leadId: null,
    compliance: null,
    monitor: null,
    ...over,
  };
}

describe('agent side: who may listen', () => {
  function agent(supervision: Record<string, unknown> = {}, calls: CallSessionView[] = [call({})]) {
    const acct = account('agent1', { supervisors: ['sip:supervisor1@127.0.0.1'], ...supervision });
    const emitted: Array<MonitoredView | null> = [];
    const deps = {
      account: () => acct,
      calls: () => calls,
      hangup: vi.fn(async () => undefined),
      setMonitor: vi.fn(),
      mix: vi.fn(async () => undefined),
      emit: (v: MonitoredView | null) => emitted.push(v),
      log: quiet,
      now: () => now,
    };
    return { service: new AgentMonitoring(deps), deps, emitted, calls };
  }
  const ask = (over: Partial<MonitorRequestFacts> = {}): MonitorRequestFacts => ({
    mode: 'listen',
    auth: undefined,
    pai: '<sip:supervisor1@127.0.0.1>',
    from: 'sip:supervisor1@127.0.0.1',
    ...over,
  });

  it('rings an ordinary call as before', () => {
    expect(agent().service.screen(ask({ mode: undefined }))).toEqual({ kind: 'ring' });
  });

  it('answers an allowed supervisor while a call is active', () => {
    expect(agent().service.screen(ask())).toEqual({
      kind: 'answer',
      monitor: { side: 'agent', mode: 'listen', peer: 'sip:supervisor1@127.0.0.1', target: 'c1' },
    });
  });

  it('tells the agent, at most once a minute, that a listen-in by a supervisor’s name could not be verified', () => {
    const { deps } = agent();
    let clock = now;
    const notify = vi.fn();
    const service = new AgentMonitoring({ ...deps, notify, now: () => clock });
    // A stranger's name: refused without bothering the agent.
    service.screen(ask({ pai: '<sip:customer1@127.0.0.1>' }));
    expect(notify).not.toHaveBeenCalled();
    for (let i = 0; i < 5; i++) service.screen(ask({ pai: undefined, from: 'sip:supervisor1@127.0.0.1' }));
    expect(notify).toHaveBeenCalledTimes(1);
    expect(String(notify.mock.calls[0]?.[0])).toMatch(/request to listen to your calls as sip:supervisor1@127\.0\.0\.1 was refused: it could not be verified/);
    clock += 61_000;
    service.screen(ask({ pai: undefined, from: 'sip:supervisor1@127.0.0.1' }));
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('trusts the asserted identity over a forged From', () => {
    const { service } = agent();
    expect(service.screen(ask({ pai: '<sip:customer1@127.0.0.1>', from: 'sip:supervisor1@127.0.0.1' }))).toMatchObject({ kind: 'reject', code: 403 });
  });

  it('without a team secret, a request the server did not assert (From only) is refused, and the log says why', () => {
    const warn = vi.fn();
    const { service, deps } = agent();
    const unasserted = new AgentMonitoring({ ...deps, log: { info: () => {}, warn } });
    for (const pai of [undefined, '', '<tel:+48225550100>'])
      expect(unasserted.screen(ask({ pai, from: 'sip:supervisor1@127.0.0.1' })), String(pai)).toEqual({ kind: 'reject', code: 403, reason: 'Forbidden' });
    expect(warn).toHaveBeenCalledTimes(3);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /monitoring request from sip:supervisor1@127\.0\.0\.1 refused \(403\): sip:supervisor1@127\.0\.0\.1 is not verified: the SIP server asserted no identity/,
    );
    expect(deps.setMonitor).not.toHaveBeenCalled();
    expect(unasserted.view()).toBeNull();
    // The same supervisor, asserted by the server, is answered.
    expect(service.screen(ask())).toMatchObject({ kind: 'answer' });
  });

  it('with a team secret, the signature verifies the identity: a From-only request signed right is answered', () => {
    const auth = monitorRequestHeaders({
      mode: 'listen',
      supervisorAor: 'sip:supervisor1@127.0.0.1',
      agentAor: 'sip:agent1@127.0.0.1',
      teamSecret: 'team',
      nowMs: now,
    })[1].split(': ')[1];
    expect(agent({ teamSecret: 'team' }).service.screen(ask({ pai: undefined, auth }))).toMatchObject({ kind: 'answer' });
    expect(agent({ teamSecret: 'team' }).service.screen(ask({ pai: undefined }))).toMatchObject({ kind: 'reject', code: 403 });
  });

  it('hostile identities are refused (403), never thrown, and never fall back to the From', () => {
    const warn = vi.fn();
    const { deps } = agent();
    const service = new AgentMonitoring({ ...deps, log: { info: () => {}, warn } });
    for (const pai of [
      '<sip:%E0@pbx>',
      '<sip:supervisor1%E0@127.0.0.1>',
      '"\u0000" <sip:supervisor1@127.0.0.1>',
      '<<sip:supervisor1@127.0.0.1>>',
      'x'.repeat(100_000),
    ])
      expect(service.screen(ask({ pai })), pai.slice(0, 30)).toMatchObject({ kind: 'reject', code: 403 });
    expect(service.screen(ask({ pai: undefined, from: 'sip:%E0@127.0.0.1' }))).toMatchObject({ kind: 'reject', code: 403 });
    expect(service.screen(ask({ mode: 'listen\u0000'.repeat(1000) }))).toMatchObject({ kind: 'reject', code: 400 });
    // The log line quotes nothing raw: no control characters, clipped.
    for (const [line] of warn.mock.calls as Array<[string]>) {
      // eslint-disable-next-line no-control-regex -- the point: no raw control character reaches the log
      expect(line).not.toMatch(/[\u0000-\u001f]/);
      expect(line.length).toBeLessThan(600);
    }
  });

  it('an INFO mode change with a prototype key or an oversized body is refused (400)', async () => {
    const { service } = agent();
    service.screen(ask());
    const monitor = { side: 'agent' as const, mode: 'listen' as const, peer: 'sip:supervisor1@127.0.0.1', target: 'c1' };
    service.onCall(call({ id: 'm1', direction: 'inbound', state: 'answering', monitor }));
    const m1 = call({ id: 'm1', monitor });
    expect(await service.onInfo(m1, 'application/vnd.ringside.monitor+json', '{"mode":"whisper","__proto__":{"x":1}}')).toMatchObject({ code: 400 });
    expect(await service.onInfo(m1, 'application/vnd.ringside.monitor+json', `{"mode":"whisper","pad":"${'x'.repeat(1000)}"}`)).toMatchObject({ code: 400 });
    expect(service.onInfo(m1, 'application/vnd.ringside.monitor+json\u0000', '{"mode":"whisper"}')).toBeNull();
    expect(await service.onInfo(m1, 'Application/Vnd.Ringside.Monitor+JSON; charset=utf-8', '{"mode":"whisper"}')).toEqual({ code: 200, reason: 'OK' });
  });

  it('refuses strangers with 403 before saying anything about calls', () => {
    expect(agent({}, []).service.screen(ask({ pai: '<sip:agent2@127.0.0.1>' }))).toMatchObject({ kind: 'reject', code: 403 });
    expect(agent({ role: 'supervisor' }).service.screen(ask())).toMatchObject({ kind: 'reject', code: 403 });
  });

  it('480 with no customer call, 486 when already monitored, 400 for an unknown mode', () => {
    expect(agent({}, []).service.screen(ask())).toMatchObject({ kind: 'reject', code: 480 });
    expect(agent({}, [call({ state: 'ended' })]).service.screen(ask())).toMatchObject({ kind: 'reject', code: 480 });
    expect(agent({}, [call({ state: 'held' })]).service.screen(ask())).toMatchObject({ kind: 'answer' });
    const { service } = agent();
    expect(service.screen(ask())).toMatchObject({ kind: 'answer' });
    expect(service.screen(ask())).toMatchObject({ kind: 'reject', code: 486 });
    expect(agent().service.screen(ask({ mode: 'spy' }))).toMatchObject({ kind: 'reject', code: 400 });
  });

  it('with a team secret: a fresh, right, unused signature only', () => {
    const signed = (secret: string, at = now) =>
      monitorRequestHeaders({
        mode: 'listen',
        supervisorAor: 'sip:supervisor1@127.0.0.1',
        agentAor: 'sip:agent1@127.0.0.1',
        teamSecret: secret,
        nowMs: at,
      })[1].split(': ')[1];
    expect(agent({ teamSecret: 'team' }).service.screen(ask())).toMatchObject({ kind: 'reject', code: 403 });
    expect(agent({ teamSecret: 'team' }).service.screen(ask({ auth: signed('wrong') }))).toMatchObject({ kind: 'reject', code: 403 });
    expect(agent({ teamSecret: 'team' }).service.screen(ask({ auth: signed('team', now - 10 * 60_000) }))).toMatchObject({ kind: 'reject', code: 403 });
    const { service, calls } = agent({ teamSecret: 'team' });
    const auth = signed('team');
    expect(service.screen(ask({ auth }))).toMatchObject({ kind: 'answer' });
    // The session ends; the same signature again is a replay.
    service.onCall(
      call({ id: 'm1', direction: 'inbound', state: 'answering', monitor: { side: 'agent', mode: 'listen', peer: 'sip:supervisor1@127.0.0.1', target: 'c1' } }),
    );
    service.onCall(call({ id: 'm1', state: 'ended', monitor: { side: 'agent', mode: 'listen', peer: 'sip:supervisor1@127.0.0.1', target: 'c1' } }));
    expect(calls.length).toBe(1);
    expect(service.screen(ask({ auth }))).toMatchObject({ kind: 'reject', code: 403 });
  });

  it('mixes once answered, follows INFO mode changes, hangs up when the customer call ends', async () => {
    const { service, deps, emitted } = agent();
    service.screen(ask());
    const monitor = { side: 'agent' as const, mode: 'listen' as const, peer: 'sip:supervisor1@127.0.0.1', target: 'c1' };
    service.onCall(call({ id: 'm1', direction: 'inbound', state: 'answering', monitor }));
    expect(deps.mix).not.toHaveBeenCalled();
    service.onCall(call({ id: 'm1', direction: 'inbound', state: 'active', monitor }));
    expect(deps.mix).toHaveBeenCalledWith('m1', 'c1', 'listen');
    expect(emitted.at(-1)).toEqual({ supervisor: 'sip:supervisor1@127.0.0.1', mode: 'listen', since: now });

    const m1 = call({ id: 'm1', monitor });
    expect(await service.onInfo(m1, 'application/vnd.ringside.monitor+json', '{"mode":"whisper"}')).toEqual({ code: 200, reason: 'OK' });
    expect(deps.mix).toHaveBeenLastCalledWith('m1', 'c1', 'whisper');
    expect(deps.setMonitor).toHaveBeenLastCalledWith('m1', { ...monitor, mode: 'whisper' });
    expect(await service.onInfo(m1, 'application/vnd.ringside.monitor+json', '{"mode":"shout"}')).toMatchObject({ code: 400 });
    expect(await service.onInfo(m1, 'application/vnd.ringside.monitor+json', 'not json')).toMatchObject({ code: 400 });
    expect(service.onInfo(m1, 'application/dtmf-relay', 'Signal=1')).toBeNull();
    expect(service.onInfo(call({ id: 'c1' }), 'application/vnd.ringside.monitor+json', '{"mode":"barge"}')).toBeNull();

    service.onCall(call({ id: 'c1', state: 'ended' }));
    expect(deps.hangup).toHaveBeenCalledWith('m1');
    service.onCall(call({ id: 'm1', state: 'ended', monitor }));
    expect(emitted.at(-1)).toBeNull();
    expect(service.view()).toBeNull();
  });

  it('a failed mix hangs the monitoring call up (nobody hears what the mode forbids)', async () => {
    const { service, deps } = agent();
    deps.mix.mockRejectedValueOnce(new Error('no media'));
    service.screen(ask());
    const monitor = { side: 'agent' as const, mode: 'listen' as const, peer: 'sip:supervisor1@127.0.0.1', target: 'c1' };
    service.onCall(call({ id: 'm1', state: 'answering', monitor }));
    service.onCall(call({ id: 'm1', state: 'active', monitor }));
    await new Promise((r) => setTimeout(r, 0));
    expect(deps.hangup).toHaveBeenCalledWith('m1');
  });

  it('tells the agent nothing when showMonitoring is off', () => {
    const { service, emitted } = agent({ showMonitoring: false });
    service.screen(ask());
    service.onCall(call({ id: 'm1', state: 'answering', monitor: { side: 'agent', mode: 'listen', peer: 'sip:supervisor1@127.0.0.1', target: 'c1' } }));
    expect(emitted).toEqual([]);
    expect(service.view()).toBeNull();
  });
});

describe('supervisor side', () => {
  function supervisor(supervision: Record<string, unknown> = {}) {
    const acct = account('supervisor1', { role: 'supervisor', team: ['sip:agent1@127.0.0.1'], ...supervision });
    const emitted: Array<MonitorView | null> = [];
    let n = 0;
    const deps = {
      account: () => acct,
      dial: vi.fn(async (target: string, _options: DialOptions) => call({ id: `m${++n}`, remoteUri: target, state: 'dialing' })),
      hangup: vi.fn(async () => undefined),
      mute: vi.fn(async (id: string, muted: boolean) => call({ id, muted })),
      sendInfo: vi.fn(async (_id: string, _contentType: string, _body: string): Promise<void> => undefined),
      setMonitor: vi.fn(),
      emit: (v: MonitorView | null) => emitted.push(v),
      log: quiet,
      now: () => now,
    };
    return { service: new SupervisorMonitoring(deps), deps, emitted };
  }

  it('calls the agent with the monitoring header, muted in listen mode', async () => {
    const { service, deps } = supervisor();
    const view = await service.start('sip:Agent1@127.0.0.1', 'listen');
    expect(view).toMatchObject({ agent: 'sip:agent1@127.0.0.1', mode: 'listen', via: 'proxy', state: 'connecting', callId: 'm1' });
    expect(deps.dial).toHaveBeenCalledWith('sip:agent1@127.0.0.1', {
      monitor: { side: 'supervisor', mode: 'listen', peer: 'sip:agent1@127.0.0.1', target: null },
      muted: true,
      extraHeaders: ['X-Ringside-Monitor: listen'],
    });
  });

  it('signs with the team secret', async () => {
    const { service, deps } = supervisor({ teamSecret: 'team' });
    await service.start('sip:agent1@127.0.0.1', 'whisper');
    const options = deps.dial.mock.calls[0][1] as { extraHeaders: string[]; muted: boolean };
    expect(options.muted).toBe(false);
    expect(options.extraHeaders[1]).toMatch(/^X-Ringside-Auth: ts=\d+; sig=[0-9a-f]{64}$/);
  });

  it('refuses agents off the team, and the agent role', async () => {
    await expect(supervisor().service.start('sip:agent2@127.0.0.1', 'listen')).rejects.toThrow(/not on your team/);
    await expect(supervisor({ role: 'agent' }).service.start('sip:agent1@127.0.0.1', 'listen')).rejects.toThrow(/supervisor role/);
  });

  it('switches mode in the same session by INFO, muting before listen and unmuting after', async () => {
    const { service, deps } = supervisor();
    await service.start('sip:agent1@127.0.0.1', 'listen');
    service.onCall(call({ id: 'm1', state: 'active', monitor: { side: 'supervisor', mode: 'listen', peer: 'sip:agent1@127.0.0.1', target: null } }));
    expect(service.view()?.state).toBe('active');
    const order: string[] = [];
    deps.sendInfo.mockImplementation(async (_id: string, _ct: string, body: string) => {
      order.push(`info ${body}`);
    });
    deps.mute.mockImplementation(async (id: string, muted: boolean) => (order.push(`mute ${muted}`), call({ id, muted })));
    await service.setMode('whisper');
    await service.setMode('listen');
    expect(order).toEqual(['info {"mode":"whisper"}', 'mute false', 'mute true', 'info {"mode":"listen"}']);
    expect(service.view()).toMatchObject({ mode: 'listen', callId: 'm1', state: 'active' });
    // start() again on the same agent is a mode change, not a second call.
    await service.start('sip:agent1@127.0.0.1', 'barge');
    expect(deps.dial).toHaveBeenCalledTimes(1);
    expect(service.view()?.mode).toBe('barge');
  });

  it('an INFO the agent refuses leaves the mode (and the mute) as it was', async () => {
    const { service, deps } = supervisor();
    await service.start('sip:agent1@127.0.0.1', 'whisper');
    deps.sendInfo.mockRejectedValueOnce(new Error('415'));
    await expect(service.setMode('listen')).rejects.toThrow(/did not switch/);
    expect(deps.mute.mock.calls.map((c) => c[1])).toEqual([true, false]);
    expect(service.view()?.mode).toBe('whisper');
  });

  it('says why the agent refused', async () => {
    const { service } = supervisor();
    await service.start('sip:agent1@127.0.0.1', 'listen');
    service.onCall(call({ id: 'm1', state: 'ended', answeredAt: null, statusCode: 403, detail: '403 Forbidden' }));
    expect(service.view()).toMatchObject({ state: 'failed' });
    expect(service.view()?.detail).toMatch(/not one of this agent's supervisors/);
  });

  it('PBX mode dials the feature code, and a mode change dials the other one', async () => {
    const { service, deps } = supervisor({
      monitorVia: 'pbx',
      featureCodes: { listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' },
      team: ['sip:1001@127.0.0.1'],
    });
    await service.start('sip:1001@127.0.0.1', 'listen');
    expect(deps.dial).toHaveBeenLastCalledWith('sip:*2221001@127.0.0.1', expect.objectContaining({ muted: true }));
    expect((deps.dial.mock.calls[0][1] as { extraHeaders?: string[] }).extraHeaders).toBeUndefined();
    await service.setMode('barge');
    expect(deps.hangup).toHaveBeenCalledWith('m1');
    expect(deps.dial).toHaveBeenLastCalledWith('sip:*2241001@127.0.0.1', expect.objectContaining({ muted: false }));
    // The old call's end is not the session's.
    service.onCall(call({ id: 'm1', state: 'ended' }));
    expect(service.view()).toMatchObject({ mode: 'barge', callId: 'm2', state: 'connecting' });
    expect(deps.sendInfo).not.toHaveBeenCalled();
  });

  it('stop hangs up and clears the session', async () => {
    const { service, deps, emitted } = supervisor();
    await service.start('sip:agent1@127.0.0.1', 'listen');
    expect(await service.stop()).toBeNull();
    expect(deps.hangup).toHaveBeenCalledWith('m1');
    expect(emitted.at(-1)).toBeNull();
  });
});
