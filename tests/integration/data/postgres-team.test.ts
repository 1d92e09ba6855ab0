// Team mode on the team store, with several apps on one database at once, each with its own pool:
// leads claimed with a lease, the CRM outbox delivered by every app, DNC additions heard through
// LISTEN/NOTIFY (across a lost connection too), events written in their change's transaction. The
// semantics both stores share are in store-contract-team.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmEvent } from '../../../electron/core/crm/crm-events.js';
import type { OutboxEntry } from '../../../electron/core/crm/outbox.js';
import { openPostgresStore } from '../../../electron/core/data/postgres/store.js';
import type { DispositionRecord, Store } from '../../../electron/core/data/repositories.js';
import { startPostgres, type PostgresServer } from '../../support/postgres.js';
import { campaignInput, newLead, phone, dispositionRecord } from '../../unit/data/store-fixtures.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);
const MIN = 60_000;

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

/** Two apps on one new, migrated database, each with its own pool. */
async function twoApps(opts: { onError?: (e: unknown) => void } = {}): Promise<{ a: Store; b: Store; database: string; close(): Promise<void> }> {
  const database = await server.createDatabase();
  const a = await openPostgresStore(server.team({ database, poolMax: 8 }));
  const b = await openPostgresStore(server.team({ database, poolMax: 8 }), opts);
  return { a, b, database, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

const disposition = (leadId: number, over: Partial<DispositionRecord> = {}): DispositionRecord =>
  dispositionRecord(leadId, NOW, { code: 'sale', label: 'Sale', effect: 'closed', success: true, retryAt: null, ...over });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

/** The sessions that are LISTENing (the last statement of a listener's session is its LISTEN). */
async function listeners(database: string): Promise<number[]> {
  const r = await server.admin((c) => c.query(`SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = $1`, [database]));
  return r.rows.map((row: { pid: number }) => row.pid);
}

describe('leads claimed by many agents at once', () => {
  it('two apps with 8 claimers each empty a pool of 200 leads: every lead claimed exactly once', async () => {
    const { a, b, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    await a.leads.importBatch(
      campaignId,
      Array.from({ length: 200 }, (_, i) => newLead({ priority: i % 3, score: i % 7 })),
      'skip',
      NOW,
    );
    const claims: Array<{ agent: string; leadId: number }> = [];
    const claimer = async (store: Store, agent: string) => {
      for (;;) {
        const lead = await store.leads.claimNext(campaignId, { agent, now: NOW, leaseMs: 5 * MIN });
        if (!lead) return;
        claims.push({ agent, leadId: lead.id });
        // The disposition ends the claim and takes the lead out of the queue.
        await store.activity.recordDisposition(disposition(lead.id, { agent }));
      }
    };
    await Promise.all([...Array.from({ length: 8 }, (_, i) => claimer(a, `a${i}`)), ...Array.from({ length: 8 }, (_, i) => claimer(b, `b${i}`))]);
    expect(claims).toHaveLength(200);
    expect(new Set(claims.map((c) => c.leadId)).size).toBe(200);
    // Both apps got a share, and every claim was released by its disposition.
    expect(claims.some((c) => c.agent.startsWith('a')) && claims.some((c) => c.agent.startsWith('b'))).toBe(true);
    expect(await a.leads.holder(claims[0].leadId, NOW)).toBeNull();
    await close();
  });

  it('claims held by their leases: 16 agents each holding what they claimed never share a lead, and the lead is back after its lease', async () => {
    const { a, b, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    await a.leads.importBatch(
      campaignId,
      Array.from({ length: 200 }, () => newLead()),
      'skip',
      NOW,
    );
    // No disposition: each agent keeps what it claims and excludes it from its next claim.
    const held = new Map<string, number[]>();
    const claimer = async (store: Store, agent: string) => {
      const mine: number[] = [];
      held.set(agent, mine);
      for (;;) {
        const lead = await store.leads.claimNext(campaignId, { agent, now: NOW, leaseMs: MIN, exclude: mine });
        if (!lead) return;
        mine.push(lead.id);
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => claimer(i % 2 ? a : b, `agent${i}`)));
    const all = [...held.values()].flat();
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    const [agent, ids] = [...held.entries()].find(([, list]) => list.length > 0)!;
    expect(await b.leads.holder(ids[0], NOW + MIN - 1)).toBe(agent);
    // Nothing left for anyone while the leases run...
    expect(await a.leads.claimNext(campaignId, { agent: 'late', now: NOW + MIN - 1, leaseMs: MIN })).toBeNull();
    // ...and every lead is back once they have run out.
    expect(await a.leads.holder(ids[0], NOW + MIN)).toBeNull();
    expect(await a.leads.claimNext(campaignId, { agent: 'late', now: NOW + MIN, leaseMs: MIN })).not.toBeNull();
    // The first holder lost it: renewing says so.
    const late = (await a.leads.claimNext(campaignId, { agent: 'late', now: NOW + MIN, leaseMs: MIN, exclude: [] }))!;
    const owner = [...held.entries()].find(([, list]) => list.includes(late.id))![0];
    expect(await a.leads.renewClaim(late.id, owner, NOW + MIN, MIN)).toBe(false);
    expect(await a.leads.renewClaim(late.id, 'late', NOW + MIN, MIN)).toBe(true);
    await close();
  });

  it('a claim takes its agent’s own due callback before anyone’s, never another agent’s; a disposition by another agent does not end the claim', async () => {
    const { a, b, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const [anyone, alices, bobs, plain] = await Promise.all([1, 2, 3, 4].map(() => a.leads.create(campaignId, newLead({ priority: 9 }), NOW - 60 * MIN)));
    const callback = (leadId: number, owner: string | null, dueAt: number) =>
      a.activity.recordDisposition(
        disposition(leadId, { effect: 'callback', code: 'callback', label: 'Callback', success: false, callback: { dueAt, timeZone: 'UTC', owner } }),
      );
    // Anyone's is the longest overdue: by `next`'s order alone it would come first.
    await callback(anyone.id, null, NOW - 30 * MIN);
    await callback(alices.id, 'alice', NOW - 10 * MIN);
    await callback(bobs.id, 'bob', NOW - 20 * MIN);
    expect((await a.leads.callbacks(alices.id))[0].owner).toBe('alice');
    expect((await a.leads.next(campaignId, NOW))?.id).toBe(anyone.id);

    const claim = (store: Store, agent: string) => store.leads.claimNext(campaignId, { agent, now: NOW, leaseMs: MIN });
    expect((await claim(b, 'alice'))?.id).toBe(alices.id);
    expect((await claim(a, 'carol'))?.id).toBe(anyone.id);
    // Bob's callback is Bob's: carol gets the queue's lead, not it.
    expect((await claim(a, 'carol'))?.id).toBe(anyone.id);
    expect((await b.leads.claimNext(campaignId, { agent: 'carol', now: NOW, leaseMs: MIN, exclude: [anyone.id] }))?.id).toBe(plain.id);
    expect((await claim(b, 'bob'))?.id).toBe(bobs.id);
    expect(await claim(a, 'dave')).toBeNull();

    // Carol's disposition on alice's lead leaves alice's claim alone; alice's own ends it.
    await b.activity.recordDisposition(disposition(alices.id, { effect: 'none', agent: 'carol' }));
    expect(await a.leads.holder(alices.id, NOW)).toBe('alice');
    await b.activity.recordDisposition(disposition(alices.id, { effect: 'none', agent: 'alice' }));
    expect(await a.leads.holder(alices.id, NOW)).toBeNull();
    await a.leads.releaseClaim(plain.id, 'bob');
    expect(await a.leads.holder(plain.id, NOW)).toBe('carol');
    await a.leads.releaseClaim(plain.id, 'carol');
    expect(await a.leads.holder(plain.id, NOW)).toBeNull();
    await close();
  });
});

describe('statements prepared once per connection', () => {
  it("a column another desktop's newer Ringside adds mid-shift does not break this one's claims, alone or in a transaction", async () => {
    const { a, database, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    await a.leads.importBatch(campaignId, [newLead(), newLead(), newLead()], 'skip', NOW);
    // Prepared on the connection: a claim and an edit both read whole rows (l.*, RETURNING *).
    const first = await a.leads.claimNext(campaignId, { agent: 'anna', now: NOW, leaseMs: MIN });
    expect(first).not.toBeNull();
    await a.leads.update(first!.id, { company: 'Before' }, NOW);
    await a.activity.recordDisposition(disposition(first!.id, { agent: 'anna' }));
    await server.admin((c) => c.query('ALTER TABLE leads ADD COLUMN added_by_a_newer_version TEXT'), database);
    const next = await a.leads.claimNext(campaignId, { agent: 'anna', now: NOW, leaseMs: MIN });
    expect(next).not.toBeNull();
    expect(next!.id).not.toBe(first!.id);
    // The edit's transaction meets the stale statement, is rolled back whole and made again once.
    expect((await a.leads.update(next!.id, { company: 'After' }, NOW)).company).toBe('After');
    expect((await a.leads.history(next!.id)).filter((h) => h.kind === 'edit')).toHaveLength(1);
    await a.activity.recordDisposition(disposition(next!.id, { agent: 'anna' }));
    expect(await a.leads.holder(next!.id, NOW)).toBeNull();
    await close();
  });
});

describe('the CRM outbox delivered by every app', () => {
  it('two apps with 4 deliverers each never get the same event, and a lead’s events go out in order', async () => {
    const { a, b, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const leads = await Promise.all(Array.from({ length: 30 }, () => a.leads.create(campaignId, newLead(), NOW)));
    // Events written the way changes write them: beside the change, in its transaction.
    for (let round = 0; round < 10; round++)
      await Promise.all(
        leads.map((l, i) =>
          (i % 2 ? a : b).activity.recordDisposition(
            disposition(l.id, {
              effect: 'none',
              at: NOW + round,
              events: [crmEvent('disposition.recorded', l.id, NOW + round, { round })],
            }),
          ),
        ),
      );
    await a.dnc.addMany(['+12125550999'], 'agent', NOW, [crmEvent('dnc.requested', null, NOW, {})]);
    expect((await a.outbox.counts()).pending).toBe(301);

    const got: Array<{ worker: string; entry: OutboxEntry }> = [];
    const deliverer = async (store: Store, worker: string) => {
      for (let idle = 0; idle < 3;) {
        const batch = await store.outbox.claimDue(NOW + 1000, 3, worker, MIN);
        if (batch.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        idle = 0;
        for (const entry of batch) {
          got.push({ worker, entry });
          await store.outbox.delivered(entry.id, NOW + 2000);
        }
      }
    };
    await Promise.all([1, 2, 3, 4].flatMap((i) => [deliverer(a, `a-${i}`), deliverer(b, `b-${i}`)]));
    expect(got).toHaveLength(301);
    expect(new Set(got.map((g) => g.entry.id)).size).toBe(301);
    expect(new Set(got.map((g) => g.worker[0]))).toEqual(new Set(['a', 'b']));
    for (const l of leads) {
      const rounds = got.filter((g) => g.entry.leadId === l.id).map((g) => (JSON.parse(g.entry.body) as { data: { round: number } }).data.round);
      expect(rounds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(await a.outbox.counts()).toEqual({ pending: 0, dead: 0, lastDeliveredAt: NOW + 2000 });
    await close();
  });

  it('an event claimed by an app that died is claimed again once its lease runs out; a dead one no longer holds its lead', async () => {
    const { a, b, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const lead = await a.leads.create(campaignId, newLead(), NOW);
    const events = [1, 2, 3].map((n) => crmEvent('lead.changed', lead.id, NOW + n, { n }));
    await a.leads.update(lead.id, { firstName: 'Ann' }, NOW, events);
    const t = NOW + 10;
    expect((await a.outbox.claimDue(t, 10, 'a', 1000)).map((e) => e.id)).toEqual([events[0].id]);
    expect(await b.outbox.claimDue(t + 999, 10, 'b', 1000)).toEqual([]);
    expect((await b.outbox.claimDue(t + 1000, 10, 'b', 1000)).map((e) => e.id)).toEqual([events[0].id]);
    await b.outbox.dead(events[0].id, 'HTTP 500');
    expect((await a.outbox.claimDue(t + 1000, 10, 'a', 1000)).map((e) => e.id)).toEqual([events[1].id]);
    expect(await a.outbox.list('dead', 0, 10)).toMatchObject([{ id: events[0].id, attempts: 1, lastError: 'HTTP 500', state: 'dead' }]);
    await close();
  });

  it('a change that fails writes no event: the events are in its transaction', async () => {
    const { a, close } = await twoApps();
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const lead = await a.leads.create(campaignId, newLead(), NOW);
    const event = crmEvent('disposition.recorded', lead.id, NOW, {});
    // A callback disposition without its time fails after its rows were written.
    await expect(a.activity.recordDisposition(disposition(lead.id, { effect: 'callback', callback: null, events: [event] }))).rejects.toThrow();
    await expect(a.activity.recordDisposition(disposition(lead.id + 99, { events: [event] }))).rejects.toThrow();
    expect((await a.outbox.counts()).pending).toBe(0);
    await a.activity.recordDisposition(disposition(lead.id, { events: [event] }));
    // The same event again (a retried save) is kept once.
    await a.dnc.add('+12125550100', 'agent', NOW, [event]);
    expect((await a.outbox.counts()).pending).toBe(1);
    expect(await a.dnc.has('+12125550100')).toBe(true);
    await close();
  });
});

describe('DNC additions heard by every app', () => {
  it('app B hears app A’s addition within a second; after the server ends B’s listening connection, B is told it missed some and hears later ones', async () => {
    const errors: unknown[] = [];
    const { a, b, database, close } = await twoApps({ onError: (e) => errors.push(e) });
    const heard: Array<string[] | null> = [];
    const stop = b.dnc.watch!((added) => heard.push(added));
    await until('B listening', async () => (await listeners(database)).length === 1);

    await a.dnc.add('+12125550100', 'agent', NOW);
    const ms = await until('B hearing the addition', () => heard.length === 1, 1000);
    expect(heard).toEqual([['+12125550100']]);
    console.log(`DNC addition heard by the other app in ${Math.round(ms)} ms`);
    // A number already on the list is no news.
    await a.dnc.add('+12125550100', 'agent', NOW);
    // A "do not call" disposition is an addition too.
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const lead = await a.leads.create(campaignId, newLead({ phones: [phone('+12125550101')] }), NOW);
    await a.activity.recordDisposition(disposition(lead.id, { effect: 'dnc', code: 'dnc', label: 'Do not call', success: false }));
    await until('B hearing the disposition', () => heard.length === 2, 1000);
    expect(heard[1]).toEqual(['+12125550101']);

    const [pid] = await listeners(database);
    await server.admin((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'`));
    await until('B told it may have missed some', () => heard.length === 3);
    expect(heard[2]).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
    const [again] = await listeners(database);
    expect(again).not.toBe(pid);

    await a.dnc.addMany(['+12125550102', '+12125550103'], 'import', NOW);
    await until('B hearing after reconnecting', () => heard.length === 4, 1000);
    expect(heard[3]).toEqual(['+12125550102', '+12125550103']);

    stop();
    await until('B no longer listening', async () => (await listeners(database)).length === 0);
    await a.dnc.add('+12125550104', 'agent', NOW);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toHaveLength(4);
    await close();
  });

  it('large additions: notices stay under the 8000-byte limit (a few chunks, or one "read it again"), and the transaction commits', async () => {
    const { a, b, database, close } = await twoApps();
    const heard: Array<string[] | null> = [];
    const stop = b.dnc.watch!((added) => heard.push(added));
    await until('B listening', async () => (await listeners(database)).length === 1);

    const numbers = (n: number, from: number) => Array.from({ length: n }, (_, i) => `+1646${String(from + i).padStart(7, '0')}`);
    const some = numbers(1000, 0);
    expect(await a.dnc.addMany(some, 'import', NOW)).toBe(1000);
    await until('the chunks of 1000', () => heard.flat().length === 1000);
    expect(heard.length).toBeGreaterThan(1);
    expect(heard.flat()).toEqual(some);

    heard.length = 0;
    const many = numbers(5000, 1000);
    expect(await a.dnc.addMany(many, 'import', NOW)).toBe(5000);
    expect(await b.dnc.count()).toBe(6000);
    await until('the notice of 5000', () => heard.length === 1);
    expect(heard).toEqual([null]);
    stop();
    await close();
  });

  it('closing the store stops its listener', async () => {
    const { b, database, close } = await twoApps();
    b.dnc.watch!(() => undefined);
    await until('B listening', async () => (await listeners(database)).length === 1);
    await close();
    await until('B no longer listening', async () => (await listeners(database)).length === 0);
  });

  it('a listener that cannot connect keeps trying without throwing, and says it missed some once it is in', async () => {
    const errors: unknown[] = [];
    const database = await server.createDatabase();
    const store = await openPostgresStore(server.team({ database }), { onError: (e) => errors.push(e) });
    // The role may not connect for a while: the listener's first attempts fail.
    await server.admin((c) => c.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`));
    const heard: Array<string[] | null> = [];
    const stop = store.dnc.watch!((added) => heard.push(added));
    await until('a failed attempt reported', () => errors.length > 0);
    await server.admin((c) => c.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    await until('in, and told it may have missed some', () => heard.length === 1);
    expect(heard).toEqual([null]);
    stop();
    await store.close();
  });
});

describe('results and stats by agent', () => {
  it('results: one row per agent and campaign, by campaign name then agent (no agent last); stats of one agent or all', async () => {
    const { a, b, close } = await twoApps();
    const zulu = (await a.campaigns.save(campaignInput('Zulu'))).id;
    const alpha = (await a.campaigns.save(campaignInput('Alpha'))).id;
    const [z1, a1, a2] = await Promise.all([zulu, alpha, alpha].map((c) => a.leads.create(c, newLead(), NOW)));
    const call = (store: Store, id: string, leadId: number | null, agent: string | null, answered: boolean, at = NOW) =>
      store.activity.recordCall({
        callId: id,
        leadId,
        direction: 'outbound',
        phone: '+12125550100',
        startedAt: at,
        answeredAt: answered ? at + 1000 : null,
        endedAt: at + 61_500,
        outcome: answered ? 'answered' : 'no-answer',
        agent,
      });
    await call(a, 'c1', a1.id, 'bob', true);
    await call(b, 'c2', a2.id, 'bob', false);
    await call(a, 'c3', a1.id, 'amy', true);
    await call(b, 'c4', z1.id, null, true);
    await call(a, 'c5', null, 'amy', true);
    await call(a, 'c6', a1.id, 'amy', true, NOW + 60 * MIN);
    await a.activity.recordDisposition(disposition(a1.id, { agent: 'bob' }));
    await b.activity.recordDisposition(disposition(a2.id, { agent: 'bob', code: 'no-answer', label: 'No answer', effect: 'retry', success: false }));
    await b.activity.recordDisposition(disposition(z1.id, { agent: 'amy', effect: 'none', code: 'no-answer', success: false }));

    const results = await b.activity.results(NOW, NOW + 60 * MIN);
    expect(results).toEqual({
      from: NOW,
      to: NOW + 60 * MIN,
      rows: [
        { agent: 'amy', campaignId: alpha, campaign: 'Alpha', calls: 1, connected: 1, talkSec: 61, dispositions: 0, successes: 0, byCode: {} },
        {
          agent: 'bob',
          campaignId: alpha,
          campaign: 'Alpha',
          calls: 2,
          connected: 1,
          talkSec: 61,
          dispositions: 2,
          successes: 1,
          byCode: { sale: 1, 'no-answer': 1 },
        },
        { agent: 'amy', campaignId: zulu, campaign: 'Zulu', calls: 0, connected: 0, talkSec: 0, dispositions: 1, successes: 0, byCode: { 'no-answer': 1 } },
        { agent: null, campaignId: zulu, campaign: 'Zulu', calls: 1, connected: 1, talkSec: 61, dispositions: 0, successes: 0, byCode: {} },
      ],
    });
    expect(await a.activity.stats(NOW, NOW + 60 * MIN, '2025-06-02', 'amy')).toEqual({
      day: '2025-06-02',
      calls: 2,
      connected: 2,
      talkSec: 121,
      dispositions: { 'no-answer': 1 },
      successes: 0,
    });
    expect((await a.activity.stats(NOW, NOW + 60 * MIN, '2025-06-02')).calls).toBe(5);
    expect((await a.activity.stats(NOW, NOW + 60 * MIN, '2025-06-02', null)).dispositions).toEqual({ sale: 1, 'no-answer': 2 });
    await close();
  });
});
