/**
 * The agent's side of the board: the MESSAGE body built from the workspace, calls and today's
 * figures (valid against the shared schema, monitoring calls left out), and the publisher's
 * timing — coalesced changes, heartbeats, increasing seq, only while registered, signed with the
 * team secret, quiet about offline supervisors.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresencePublisher } from '../../../electron/core/supervision/presence-publisher.js';
import { buildPresence, presenceAuthParts, type PresenceInputs } from '../../../electron/core/supervision/presence.js';
import { verifyTeam } from '../../../electron/core/supervision/team-auth.js';
import { temperatureForDirection, type CallSessionView } from '../../../shared/call-session.js';
import { agentPresenceSchema, PRESENCE_AUTH_HEADER, PRESENCE_CONTENT_TYPE, type AgentPresence } from '../../../shared/supervision.js';

let clock = 1_800_000_000_000;

function call(over: Partial<CallSessionView> = {}): CallSessionView {
  const direction = over.direction ?? 'outbound';
  return {
    id: 'c1',
    direction,
    state: 'active',
    temperature: temperatureForDirection(direction),
    remoteUri: 'sip:+15125550101@x',
    remoteName: 'x',
    muted: false,
    pending: null,
    createdAt: clock - 30_000,
    answeredAt: clock - 20_000,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: true,
    leadId: null,
    compliance: null,
    monitor: null,
    ...over,
  };
}

function inputs(over: Partial<PresenceInputs> = {}): PresenceInputs {
  return {
    agent: { state: 'available', pauseReason: null, since: clock - 60_000, name: 'Agent One' },
    campaign: 'Solar Q4',
    calls: [],
    stats: { calls: 4, connected: 2, talkSec: 300, successes: 1 },
    registered: true,
    ...over,
  };
}

describe('buildPresence', () => {
  it('builds a body the supervisor’s schema accepts, with the customer call’s direction, temperature, campaign and times', () => {
    const p = buildPresence(
      inputs({
        agent: { state: 'on-call', pauseReason: null, since: clock - 20_000, name: 'Agent One' },
        calls: [call({ direction: 'inbound' })],
        campaignOfCall: () => 'Inbound care',
      }),
      7,
      clock,
    );
    expect(agentPresenceSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({
      v: 1,
      seq: 7,
      sentAt: clock,
      state: 'on-call',
      registered: true,
      campaign: 'Solar Q4',
      today: { calls: 4, connected: 2, talkSec: 300, successes: 1 },
    });
    expect(p.call).toEqual({ direction: 'inbound', temperature: 'warm', campaign: 'Inbound care', answeredAt: clock - 20_000, startedAt: clock - 30_000 });
  });

  it('leaves out monitoring calls and ended calls; "on call" only through a monitoring call is not on call', () => {
    const monitoring = call({ id: 'm1', monitor: { side: 'agent', mode: 'listen', peer: 'sip:supervisor1@x', target: 'c9' } });
    const p = buildPresence(
      inputs({ agent: { state: 'on-call', pauseReason: null, since: clock, name: 'A' }, calls: [monitoring, call({ id: 'old', state: 'ended' })] }),
      1,
      clock,
    );
    expect(p.call).toBeNull();
    expect(p.state).toBe('available');
    const q = buildPresence(
      inputs({
        agent: { state: 'on-call', pauseReason: null, since: clock, name: 'A' },
        calls: [monitoring, call({ id: 'c9', state: 'ringing', answeredAt: null })],
      }),
      2,
      clock,
    );
    expect(q.state).toBe('on-call');
    expect(q.call).toMatchObject({ answeredAt: null, direction: 'outbound', temperature: 'cold' });
  });

  it('pause reason only while paused; over-long text is clipped to the schema’s limits', () => {
    const long = 'x'.repeat(500);
    const p = buildPresence(inputs({ agent: { state: 'paused', pauseReason: long, since: clock, name: long }, campaign: long }), 1, clock);
    expect(agentPresenceSchema.safeParse(p).success).toBe(true);
    expect(p.pauseReason).toHaveLength(60);
    expect(buildPresence(inputs({ agent: { state: 'available', pauseReason: 'Lunch', since: clock, name: 'A' } }), 1, clock).pauseReason).toBeNull();
  });
});

describe('PresencePublisher', () => {
  let sent: Array<{ to: string; type: string; body: AgentPresence; text: string; headers: string[] }>;
  let current: PresenceInputs;
  let registered: boolean;
  let answer: number;
  let info: ReturnType<typeof vi.fn<(message: string) => void>>;

  function publisher(over: Partial<ConstructorParameters<typeof PresencePublisher>[0]> = {}) {
    return new PresencePublisher({
      self: 'sip:agent1@127.0.0.1',
      supervisors: ['sip:supervisor1@127.0.0.1', 'sip:supervisor2@127.0.0.1'],
      heartbeatSec: 5,
      inputs: () => current,
      registered: () => registered,
      send: (to, type, text, headers) => {
        sent.push({ to, type, body: JSON.parse(text) as AgentPresence, text, headers });
        return Promise.resolve(answer);
      },
      log: { info, warn: vi.fn() },
      now: () => clock,
      ...over,
    });
  }

  const advance = async (ms: number) => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    clock = 1_800_000_000_000;
    sent = [];
    current = inputs();
    registered = true;
    answer = 200;
    info = vi.fn<(message: string) => void>();
  });
  afterEach(() => vi.useRealTimers());

  it('sends to every supervisor at start, with the presence content type, and seq increasing from the wall clock', async () => {
    const p = publisher();
    p.start();
    await advance(1);
    expect(sent.map((s) => s.to)).toEqual(['sip:supervisor1@127.0.0.1', 'sip:supervisor2@127.0.0.1']);
    expect(sent[0]!.type).toBe(PRESENCE_CONTENT_TYPE);
    expect(sent[0]!.headers).toEqual([]);
    expect(sent[0]!.body.seq).toBeGreaterThan(clock - 10);
    current = inputs({ agent: { state: 'paused', pauseReason: 'Break', since: clock, name: 'Agent One' } });
    p.poke();
    await advance(100);
    expect(sent).toHaveLength(4);
    expect(sent[2]!.body.seq).toBeGreaterThan(sent[0]!.body.seq);
    expect(sent[2]!.body).toMatchObject({ state: 'paused', pauseReason: 'Break' });
    await p.stop();
  });

  it('coalesces a burst into one message, at most one per 100 ms, and the last state always arrives', async () => {
    const p = publisher({ supervisors: ['sip:supervisor1@127.0.0.1'] });
    p.start();
    await advance(1);
    sent = [];
    for (let i = 0; i < 30; i++) {
      current = inputs({ stats: { calls: i, connected: 0, talkSec: 0, successes: 0 } });
      p.poke();
      await advance(10);
    }
    await advance(150);
    // 300 ms of changes every 10 ms: about one message per 100 ms, the last one with the final figures.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)!.body.today.calls).toBe(29);
    const gaps = sent.slice(1).map((s, i) => s.body.sentAt - sent[i]!.body.sentAt);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(100);
    await p.stop();
  });

  it('a poke that changes nothing the board shows sends nothing; the heartbeat goes out after heartbeatSec of silence', async () => {
    const p = publisher({ supervisors: ['sip:supervisor1@127.0.0.1'], heartbeatSec: 2 });
    p.start();
    await advance(1);
    p.poke();
    await advance(500);
    expect(sent).toHaveLength(1);
    await advance(1500);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body.seq).toBe(sent[0]!.body.seq + 1);
    await advance(2000);
    expect(sent).toHaveLength(3);
    await p.stop();
  });

  it('sends only while registered, with one last "not registered" when registration goes', async () => {
    registered = false;
    const p = publisher({ supervisors: ['sip:supervisor1@127.0.0.1'], heartbeatSec: 1 });
    p.start();
    await advance(3000);
    expect(sent).toHaveLength(0);
    registered = true;
    p.poke();
    await advance(10);
    expect(sent).toHaveLength(1);
    registered = false;
    current = inputs({ registered: false, agent: { state: 'paused', pauseReason: 'Not registered', since: clock, name: 'Agent One' } });
    p.poke();
    await advance(200);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toMatchObject({ registered: false, state: 'paused', pauseReason: 'Not registered' });
    await advance(5000);
    expect(sent).toHaveLength(2);
    await p.stop();
  });

  it('signs each message for its supervisor with the team secret', async () => {
    const p = publisher({ teamSecret: 'team-s3cret' });
    p.start();
    await advance(1);
    for (const s of sent) {
      const header = s.headers[0] ?? '';
      expect(header.startsWith(`${PRESENCE_AUTH_HEADER}: `)).toBe(true);
      const signature = header.slice(PRESENCE_AUTH_HEADER.length + 2);
      expect(verifyTeam('team-s3cret', presenceAuthParts('sip:agent1@127.0.0.1', s.to, s.text), signature)).toBe(true);
      expect(verifyTeam('team-s3cret', presenceAuthParts('sip:agent1@127.0.0.1', 'sip:other@127.0.0.1', s.text), signature)).toBe(false);
    }
    await p.stop();
  });

  it('an offline supervisor (480) is logged at most once a minute and does not stop the others', async () => {
    answer = 480;
    const p = publisher({ heartbeatSec: 1 });
    p.start();
    await advance(10_000);
    expect(sent.length).toBeGreaterThanOrEqual(20);
    expect(info).toHaveBeenCalledTimes(2); // once per supervisor
    expect(String(info.mock.calls[0]?.[0])).toMatch(/480 not registered/);
    await advance(60_000);
    expect(info).toHaveBeenCalledTimes(4);
    await p.stop();
  });

  it('stop says "signed off" (offline, not registered, no call) and sends nothing more', async () => {
    current = inputs({ calls: [call()], agent: { state: 'on-call', pauseReason: null, since: clock, name: 'Agent One' } });
    const p = publisher({ supervisors: ['sip:supervisor1@127.0.0.1'], heartbeatSec: 1 });
    p.start();
    await advance(1);
    await p.stop();
    expect(sent.at(-1)!.body).toMatchObject({ state: 'offline', registered: false, call: null });
    const n = sent.length;
    p.poke();
    await advance(5000);
    expect(sent).toHaveLength(n);
  });

  it('with no supervisors configured, sends nothing', async () => {
    const p = publisher({ supervisors: [] });
    p.start();
    p.poke();
    await advance(10_000);
    expect(sent).toHaveLength(0);
    await p.stop();
  });
});
