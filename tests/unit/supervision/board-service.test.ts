/**
 * The supervisor's board logic with an injected clock: who is accepted (asserted identity, team
 * secret, valid body), out-of-order messages, staleness after 3 heartbeats, alerts with their
 * limits, team totals, the per-minute history, and the coalesced emits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoardService, type IncomingPresence } from '../../../electron/core/supervision/board-service.js';
import { presenceAuthParts } from '../../../electron/core/supervision/presence.js';
import { signTeam } from '../../../electron/core/supervision/team-auth.js';
import { supervisionSchema, type AgentPresence, type BoardView } from '../../../shared/supervision.js';

const A1 = 'sip:agent1@127.0.0.1';
const A2 = 'sip:agent2@127.0.0.1';
const SUP = 'sip:supervisor1@127.0.0.1';
const MIN = 60_000;

let clock = 1_800_000_000_000;
const now = () => clock;

function presence(over: Partial<AgentPresence> = {}): AgentPresence {
  return {
    v: 1,
    seq: 1,
    sentAt: clock,
    name: 'Agent One',
    state: 'available',
    pauseReason: null,
    since: clock,
    registered: true,
    call: null,
    campaign: 'Solar',
    today: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
    ...over,
  };
}

function board(over: Partial<Parameters<typeof supervisionSchema.parse>[0]> = {}) {
  const emits: BoardView[] = [];
  const warn = vi.fn();
  const service = new BoardService({
    self: SUP,
    supervision: supervisionSchema.parse({ role: 'supervisor', team: [A1, A2], heartbeatSec: 1, ...over }),
    emit: (v) => emits.push(v),
    log: { info: () => {}, warn },
    now,
    minEmitMs: 100,
  });
  return { service, emits, warn };
}

/** What Kamailio hands over for a message agent1 sent (it asserts the authenticated user). */
function fromAgent(p: AgentPresence | string, over: Partial<IncomingPresence> = {}): IncomingPresence {
  return { from: `sip:agent1@127.0.0.1;transport=ws`, asserted: `<${A1}>`, body: typeof p === 'string' ? p : JSON.stringify(p), auth: null, ...over };
}

const agent = (v: BoardView, aor = A1) => v.agents.find((a) => a.aor === aor)!;

beforeEach(() => {
  clock = 1_800_000_000_000;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BoardService: who is accepted', () => {
  it('accepts an agent on the team by asserted identity, keeps what it said and when it was heard', () => {
    const { service } = board();
    expect(service.receive(fromAgent(presence({ state: 'paused', pauseReason: 'Lunch' })))).toEqual({ accepted: true, status: 200 });
    const a = agent(service.view());
    expect(a).toMatchObject({ aor: A1, name: 'Agent One', state: 'paused', stale: false, lastHeardAt: clock, alerts: [] });
    expect(a.presence?.pauseReason).toBe('Lunch');
    expect(agent(service.view(), A2)).toMatchObject({ presence: null, state: 'offline', stale: false, name: 'agent2' });
  });

  it('identity is the asserted one: a From or display name claiming to be agent1 does not count', () => {
    const { service, warn } = board();
    const forged = fromAgent(presence(), { from: 'sip:agent1@127.0.0.1', asserted: '<sip:customer1@127.0.0.1>' });
    expect(service.receive(forged)).toMatchObject({ accepted: false, status: 403, reason: 'not on the team' });
    expect(agent(service.view()).presence).toBeNull();
    expect(service.view().rejected).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('sip:customer1@127.0.0.1');
  });

  it('without an asserted identity the From decides; case, port and parameters do not matter', () => {
    const { service } = board();
    expect(service.receive({ from: 'sip:Agent1@127.0.0.1:5060;transport=ws', asserted: null, body: JSON.stringify(presence()), auth: null }).accepted).toBe(
      true,
    );
    expect(service.receive({ from: 'sip:agent9@127.0.0.1', asserted: null, body: JSON.stringify(presence({ seq: 2 })), auth: null }).accepted).toBe(false);
  });

  it('counts the agents whose state rests on From alone (no assertion, no secret) as unverified, until one is asserted', () => {
    const { service, emits } = board();
    service.receive({ from: 'sip:agent1@127.0.0.1', asserted: null, body: JSON.stringify(presence()), auth: null });
    service.receive({ from: 'sip:agent2@127.0.0.1', asserted: '<sip:agent2@127.0.0.1>', body: JSON.stringify(presence()), auth: null });
    expect(service.view().unverified).toBe(1);
    // The same state again, now asserted: the board changes (the warning goes) though the state did not.
    clock += 1000;
    const before = emits.length;
    service.receive(fromAgent(presence({ seq: 2, sentAt: clock })));
    vi.advanceTimersByTime(200);
    expect(service.view().unverified).toBe(0);
    expect(emits.length).toBeGreaterThan(before);
    expect(emits.at(-1)?.unverified).toBe(0);
  });

  it('with a team secret nobody is unverified, asserted or not', () => {
    const { service } = board({ teamSecret: 's3cret' });
    const body = JSON.stringify(presence());
    service.receive({ from: A1, asserted: null, body, auth: signTeam('s3cret', presenceAuthParts(A1, SUP, body)) });
    expect(agent(service.view()).presence).not.toBeNull();
    expect(service.view().unverified).toBe(0);
  });

  it('with a team secret: the right HMAC over (sender, supervisor, body) is accepted; wrong, missing or replayed to another body is not', () => {
    const { service } = board({ teamSecret: 's3cret' });
    const body = JSON.stringify(presence());
    const good = signTeam('s3cret', presenceAuthParts(A1, SUP, body));
    expect(service.receive(fromAgent(body, { auth: good })).accepted).toBe(true);
    const body2 = JSON.stringify(presence({ seq: 2, state: 'paused', pauseReason: 'Break' }));
    expect(service.receive(fromAgent(body2, { auth: signTeam('wrong', presenceAuthParts(A1, SUP, body2)) }))).toMatchObject({
      accepted: false,
      status: 403,
      reason: 'wrong or missing team secret',
    });
    expect(service.receive(fromAgent(body2, { auth: null })).accepted).toBe(false);
    expect(service.receive(fromAgent(body2, { auth: good })).accepted).toBe(false);
    // Signed for another supervisor: not valid here.
    expect(service.receive(fromAgent(body2, { auth: signTeam('s3cret', presenceAuthParts(A1, 'sip:supervisor2@127.0.0.1', body2)) })).accepted).toBe(false);
    expect(agent(service.view()).presence?.state).toBe('available');
    expect(service.view().rejected).toBe(4);
  });

  it('an invalid body from a team member is refused (400) and counted', () => {
    const { service } = board();
    expect(service.receive(fromAgent('not json'))).toMatchObject({ accepted: false, status: 400 });
    expect(service.receive(fromAgent(JSON.stringify({ ...presence(), state: 'dancing' })))).toMatchObject({ accepted: false, status: 400 });
    expect(service.receive(fromAgent(JSON.stringify({ ...presence(), extra: '<script>' })))).toMatchObject({ accepted: false, status: 400 });
    expect(service.receive(fromAgent(JSON.stringify({ ...presence(), name: 'x'.repeat(129) })))).toMatchObject({ accepted: false, status: 400 });
    expect(service.view().rejected).toBe(4);
    expect(agent(service.view()).presence).toBeNull();
  });

  it('logs a refused sender at most once a minute per reason', () => {
    const { service, warn } = board();
    for (let i = 0; i < 20; i++) service.receive(fromAgent(presence(), { asserted: '<sip:customer1@127.0.0.1>' }));
    expect(warn).toHaveBeenCalledTimes(1);
    clock += MIN;
    service.receive(fromAgent(presence(), { asserted: '<sip:customer1@127.0.0.1>' }));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(service.view().rejected).toBe(21);
  });

  it('drops a message older than the last one (reordered), without counting it as rejected', () => {
    const { service } = board();
    service.receive(fromAgent(presence({ seq: 10, state: 'paused', pauseReason: 'Break' })));
    expect(service.receive(fromAgent(presence({ seq: 9, state: 'available' })))).toMatchObject({ accepted: false, status: 200 });
    expect(service.receive(fromAgent(presence({ seq: 10, state: 'available' }))).accepted).toBe(false);
    expect(agent(service.view()).presence?.state).toBe('paused');
    expect(service.view().rejected).toBe(0);
    expect(service.receive(fromAgent(presence({ seq: 11, state: 'available' }))).accepted).toBe(true);
  });
});

describe('BoardService: stale, alerts, totals, history', () => {
  it('turns an agent stale after 3 heartbeats of silence, emits it, and takes it back when it speaks again (a new run too)', () => {
    const { service, emits } = board({ heartbeatSec: 1 });
    service.start();
    service.receive(
      fromAgent(
        presence({ seq: 100, state: 'on-call', call: { direction: 'outbound', temperature: 'cold', campaign: 'Solar', answeredAt: clock, startedAt: clock } }),
      ),
    );
    clock += 3000;
    vi.advanceTimersByTime(1000);
    expect(agent(service.view()).stale).toBe(false);
    clock += 100;
    const before = emits.length;
    vi.advanceTimersByTime(500);
    expect(emits.length).toBeGreaterThan(before);
    const stale = agent(emits.at(-1)!);
    expect(stale).toMatchObject({ stale: true, state: 'offline', alerts: [{ kind: 'stale', text: 'No word for over 3 s' }] });
    // The last known call is still there for the supervisor to see, greyed.
    expect(stale.presence?.call?.direction).toBe('outbound');
    expect(service.view().totals.onCall).toBe(0);
    // A restarted app starts its seq at its clock in ms: above the last run's, so it is taken.
    expect(service.receive(fromAgent(presence({ seq: clock }))).accepted).toBe(true);
    expect(agent(service.view())).toMatchObject({ stale: false, state: 'available' });
    service.stop();
  });

  it('an agent who signed off (offline, not registered) is offline but not an alarm', () => {
    const { service } = board({ heartbeatSec: 1 });
    service.receive(fromAgent(presence({ state: 'offline', registered: false })));
    clock += 60_000;
    expect(agent(service.view())).toMatchObject({ stale: false, state: 'offline', alerts: [] });
  });

  it('alerts: long call, long wrap-up, long pause, not registered — with the configured limits, on the sender’s durations', () => {
    const { service } = board({ heartbeatSec: 60, alerts: { longCallMin: 10, longWrapUpMin: 3, longPauseMin: 15 } });
    // The sender's clock is 4 minutes behind: only its own differences count.
    const skew = -4 * MIN;
    const sent = clock + skew;
    service.receive(
      fromAgent(
        presence({
          seq: 1,
          sentAt: sent,
          state: 'on-call',
          since: sent - 9 * MIN,
          call: { direction: 'inbound', temperature: 'warm', campaign: null, answeredAt: sent - 9 * MIN, startedAt: sent - 9.5 * MIN },
        }),
      ),
    );
    expect(agent(service.view()).alerts).toEqual([]);
    clock += MIN;
    expect(agent(service.view()).alerts).toEqual([{ kind: 'long-call', text: 'Call over 10 min' }]);

    const sent2 = clock + skew;
    service.receive(fromAgent(presence({ seq: 2, sentAt: sent2, state: 'wrap-up', since: sent2 - 2 * MIN })));
    expect(agent(service.view()).alerts).toEqual([]);
    clock += MIN;
    expect(agent(service.view()).alerts).toEqual([{ kind: 'long-wrap-up', text: 'Wrap-up over 3 min' }]);

    const sent3 = clock + skew;
    service.receive(fromAgent(presence({ seq: 3, sentAt: sent3, state: 'paused', pauseReason: 'Lunch', since: sent3 - 15 * MIN })));
    expect(agent(service.view()).alerts).toEqual([{ kind: 'long-pause', text: 'Paused over 15 min' }]);

    service.receive(fromAgent(presence({ seq: 4, sentAt: sent3, state: 'paused', pauseReason: 'Not registered', since: sent3, registered: false })));
    expect(agent(service.view()).alerts).toEqual([{ kind: 'unregistered', text: 'Not registered' }]);
  });

  it('an alert that comes due on its own is emitted by the timer', () => {
    const { service, emits } = board({ heartbeatSec: 60, alerts: { longCallMin: 1, longWrapUpMin: 3, longPauseMin: 15 } });
    service.start();
    service.receive(
      fromAgent(presence({ state: 'on-call', call: { direction: 'outbound', temperature: 'cold', campaign: null, answeredAt: clock, startedAt: clock } })),
    );
    vi.advanceTimersByTime(200);
    expect(agent(emits.at(-1)!).alerts).toEqual([]);
    clock += MIN;
    vi.advanceTimersByTime(1000);
    expect(agent(emits.at(-1)!).alerts).toEqual([{ kind: 'long-call', text: 'Call over 1 min' }]);
    service.stop();
  });

  it('team totals: agents, on call, available, today’s sums and conversion = successes / connected', () => {
    const { service } = board();
    service.receive(
      fromAgent(
        presence({
          state: 'on-call',
          call: { direction: 'outbound', temperature: 'cold', campaign: null, answeredAt: clock, startedAt: clock },
          today: { calls: 10, connected: 6, talkSec: 900, successes: 2 },
        }),
      ),
    );
    service.receive({
      from: A2,
      asserted: `<${A2}>`,
      body: JSON.stringify(presence({ name: 'Agent Two', today: { calls: 5, connected: 2, talkSec: 300, successes: 1 } })),
      auth: null,
    });
    expect(service.view().totals).toEqual({ agents: 2, onCall: 1, available: 1, calls: 15, connected: 8, talkSec: 1200, successes: 3, conversion: 3 / 8 });
  });

  it('samples the totals once a minute for the chart, keeping the last 120', () => {
    const { service } = board({ heartbeatSec: 60 });
    service.start();
    expect(service.view().history).toHaveLength(1);
    service.receive(fromAgent(presence({ today: { calls: 3, connected: 2, talkSec: 100, successes: 1 } })));
    for (let i = 0; i < 130; i++) {
      clock += MIN;
      vi.advanceTimersByTime(1000);
    }
    const h = service.view().history;
    expect(h).toHaveLength(120);
    expect(h.at(-1)).toMatchObject({ calls: 3, successes: 1, onCall: 0 });
    expect(h[1]!.at - h[0]!.at).toBe(MIN);
    service.stop();
  });

  it('coalesces emits to at most one per 100 ms', () => {
    const { service, emits } = board();
    for (let i = 1; i <= 50; i++) {
      service.receive(fromAgent(presence({ seq: i, today: { calls: i, connected: 0, talkSec: 0, successes: 0 } })));
      clock += 5;
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    // 250 ms of messages: the first emit at once, then one per 100 ms.
    expect(emits.length).toBeLessThanOrEqual(4);
    expect(agent(emits.at(-1)!).presence?.seq).toBe(50);
  });

  it('a heartbeat that repeats the same state is taken (last heard) but emits nothing of its own', () => {
    const { service, emits } = board({ heartbeatSec: 5 });
    const since = clock;
    service.receive(fromAgent(presence({ seq: 1, state: 'paused', pauseReason: 'Break', since })));
    vi.advanceTimersByTime(200);
    const n = emits.length;
    clock += 5000;
    expect(service.receive(fromAgent(presence({ seq: 2, sentAt: clock, state: 'paused', pauseReason: 'Break', since }))).accepted).toBe(true);
    vi.advanceTimersByTime(200);
    expect(emits).toHaveLength(n);
    expect(agent(service.view())).toMatchObject({ lastHeardAt: clock, presence: { seq: 2 } });
    service.receive(fromAgent(presence({ seq: 3, sentAt: clock, state: 'available' })));
    vi.advanceTimersByTime(200);
    expect(emits).toHaveLength(n + 1);
  });

  it('reconfigure keeps what was heard from agents still on the team', () => {
    const { service } = board();
    service.receive(fromAgent(presence({ state: 'paused', pauseReason: 'Break' })));
    service.reconfigure(supervisionSchema.parse({ role: 'supervisor', team: [A1, 'sip:agent3@127.0.0.1'], heartbeatSec: 1 }));
    const v = service.view();
    expect(v.agents.map((a) => a.aor)).toEqual([A1, 'sip:agent3@127.0.0.1']);
    expect(agent(v).presence?.pauseReason).toBe('Break');
  });
});

describe('BoardService: replayed and stale messages', () => {
  it('refuses a sentAt more than 5 minutes from our clock, either way, and counts it', () => {
    const { service, warn } = board({ heartbeatSec: 5 });
    expect(service.receive(fromAgent(presence({ sentAt: clock - 6 * MIN })))).toMatchObject({
      accepted: false,
      status: 400,
      reason: expect.stringMatching(/too old/),
    });
    expect(service.receive(fromAgent(presence({ sentAt: clock + 6 * MIN })))).toMatchObject({
      accepted: false,
      status: 400,
      reason: expect.stringMatching(/in the future/),
    });
    expect(agent(service.view()).presence).toBeNull();
    expect(service.view().rejected).toBe(2);
    expect(String(warn.mock.calls.at(-1)?.[0])).toMatch(/clock is ahead/);
    // Inside the bound: an agent whose clock is a few minutes off is still heard.
    expect(service.receive(fromAgent(presence({ sentAt: clock + 4 * MIN }))).accepted).toBe(true);
  });

  it('a recorded message replayed after the agent went silent does not bring it back', () => {
    const { service } = board({ heartbeatSec: 1 });
    const recorded = presence({ seq: 100, sentAt: clock, state: 'available' });
    expect(service.receive(fromAgent(recorded)).accepted).toBe(true);
    clock += 1000;
    expect(service.receive(fromAgent(presence({ seq: 101, sentAt: clock, state: 'paused', pauseReason: 'Break' }))).accepted).toBe(true);
    // The agent goes quiet: stale after 3 heartbeats.
    clock += 3500;
    expect(agent(service.view()).stale).toBe(true);
    // Both old messages again, word for word: too late for this agent's clock and behind its seq.
    const replay = service.receive(fromAgent(recorded));
    expect(replay).toMatchObject({ accepted: false, status: 400, reason: expect.stringMatching(/delayed or replayed/) });
    expect(agent(service.view())).toMatchObject({ stale: true, state: 'offline' });
    // A message with the next seq but an old sentAt (held back, then sent on) is as late.
    expect(service.receive(fromAgent(presence({ seq: 102, sentAt: clock - 4000 }))).accepted).toBe(false);
    expect(service.view().rejected).toBe(2);
  });

  it('a replay within the heartbeat tolerance is behind the seq: dropped quietly, nothing changes', () => {
    const { service } = board({ heartbeatSec: 5 });
    const first = presence({ seq: 7, state: 'paused', pauseReason: 'Break' });
    service.receive(fromAgent(first));
    clock += 1000;
    service.receive(fromAgent(presence({ seq: 8, sentAt: clock, state: 'available' })));
    clock += 1000;
    expect(service.receive(fromAgent(first))).toMatchObject({ accepted: false, status: 200, reason: 'older than the last message' });
    expect(agent(service.view()).presence?.state).toBe('available');
  });

  it('learns the sender’s clock offset: a steady clock 4 minutes behind is fine, one message late by more than 3 heartbeats is not', () => {
    const { service } = board({ heartbeatSec: 2 });
    const skew = -4 * MIN;
    let seq = 1;
    for (let i = 0; i < 5; i++) {
      expect(service.receive(fromAgent(presence({ seq: seq++, sentAt: clock + skew - 50 }))).accepted).toBe(true);
      clock += 2000;
    }
    // 5 s late against that offset: within 3 × 2 s.
    expect(service.receive(fromAgent(presence({ seq: seq++, sentAt: clock + skew - 5000 }))).accepted).toBe(true);
    // 7 s late: refused, although well inside the 5-minute bound of our clock.
    expect(service.receive(fromAgent(presence({ seq: seq++, sentAt: clock + skew - 7000 })))).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/arrived 7 s later/),
    });
    // A faster message (the clock moved forward a little) is taken and becomes the new offset.
    expect(service.receive(fromAgent(presence({ seq: seq++, sentAt: clock + skew + 3000 }))).accepted).toBe(true);
    expect(service.receive(fromAgent(presence({ seq: seq++, sentAt: clock + skew - 4000 }))).accepted).toBe(false);
  });

  it('forgets an agent’s clock 10 minutes after it was last heard: a clock set back is heard again, old recordings are by then out of bounds', () => {
    const { service } = board({ heartbeatSec: 1 });
    const recorded = presence({ seq: 50, sentAt: clock });
    service.receive(fromAgent(recorded));
    clock += 1000;
    // The agent's clock is set back a minute: its messages look a minute late, refused...
    expect(service.receive(fromAgent(presence({ seq: 51, sentAt: clock - MIN }))).accepted).toBe(false);
    clock += 9 * MIN;
    expect(service.receive(fromAgent(presence({ seq: 60, sentAt: clock - MIN }))).accepted).toBe(false);
    // ...until the board has not taken a message from it for 10 minutes.
    clock += MIN + 1000;
    expect(service.receive(fromAgent(recorded))).toMatchObject({ accepted: false, reason: expect.stringMatching(/too old/) });
    expect(service.receive(fromAgent(presence({ seq: 70, sentAt: clock - MIN, state: 'paused', pauseReason: 'Back' }))).accepted).toBe(true);
    expect(agent(service.view()).presence?.pauseReason).toBe('Back');
  });
});

describe('BoardService: hostile messages', () => {
  it('an asserted identity with a bad escape, nested brackets or a NUL is refused (403), never read as the From', () => {
    const { service } = board();
    for (const asserted of [
      '<sip:%E0@pbx>',
      '<sip:agent1%E0@127.0.0.1>',
      '<<sip:agent1@127.0.0.1>>',
      '<sip:agent1@127.0.0.1\u0000>',
      `<sip:agent1@127.0.0.1>${' '.repeat(5000)}`,
    ])
      expect(service.receive(fromAgent(presence(), { asserted })), JSON.stringify(asserted.slice(0, 40))).toMatchObject({
        accepted: false,
        status: 403,
        reason: 'unreadable sender identity',
      });
    expect(service.view().rejected).toBe(5);
    expect(agent(service.view()).presence).toBeNull();
  });

  it('a From with a bad escape (no asserted identity) is refused too', () => {
    const { service } = board();
    expect(service.receive({ from: 'sip:%E0@127.0.0.1', asserted: null, body: JSON.stringify(presence()), auth: null })).toMatchObject({ status: 403 });
  });

  it('refuses a huge body (413) without parsing it, and bodies with prototype keys (400)', () => {
    const { service } = board();
    expect(service.receive(fromAgent(`{"pad":"${'x'.repeat(100_000)}"}`))).toMatchObject({ accepted: false, status: 413 });
    const withProto = `{"__proto__":{"polluted":true},${JSON.stringify(presence()).slice(1)}`;
    expect(service.receive(fromAgent(withProto))).toMatchObject({ accepted: false, status: 400, reason: 'body has a prototype key' });
    const nested = JSON.stringify({ ...presence(), today: { calls: 0, connected: 0, talkSec: 0, successes: 0, constructor: { prototype: { x: 1 } } } });
    expect(service.receive(fromAgent(nested))).toMatchObject({ accepted: false, status: 400 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Deep nesting and broken JSON are answered, not thrown.
    expect(service.receive(fromAgent('['.repeat(4000) + ']'.repeat(4000)))).toMatchObject({ accepted: false, status: 400 });
    expect(service.receive(fromAgent('{"v":1,'))).toMatchObject({ accepted: false, status: 400, reason: 'body is not JSON' });
    expect(service.receive(fromAgent(presence())).accepted).toBe(true);
  });
});
