// The repository contract for team mode, on every store (the embedded SQLite one in a file, so a
// second connection stands in for a second agent's app; the team's PostgreSQL in a throwaway
// server): a lead claimed by one agent at a time with a lease, callbacks owned by an agent or by
// anyone, the CRM's events written with their change or not at all, and figures per agent.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord, DispositionRecord, LeadClaim, Store } from '../../../electron/core/data/repositories.js';
import type { NewOutboxEntry } from '../../../electron/core/crm/outbox.js';
import type { CrmEventType } from '../../../shared/crm.js';
import { campaignInput, newLead, phone, dispositionRecord } from '../../unit/data/store-fixtures.js';
import { postgresStores, sqliteStores, type ContractStores } from './store-contract-stores.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);
const MIN = 60_000;
const LEASE = 5 * MIN;

let store: Store;
let campaignId: number;
/** Other agents' apps opened by a test, closed after it. */
let peers: Store[] = [];

const disposition = (leadId: number, over: Partial<DispositionRecord>): DispositionRecord => dispositionRecord(leadId, NOW, over);

function claim(agent: string, over: Partial<LeadClaim> = {}): LeadClaim {
  return { agent, now: NOW, leaseMs: LEASE, ...over };
}

let eventSeq = 0;
function event(type: CrmEventType, leadId: number | null): NewOutboxEntry {
  const id = `evt-${++eventSeq}`;
  return { id, type, leadId, createdAt: NOW + eventSeq, body: JSON.stringify({ id, type, timestamp: new Date(NOW).toISOString(), data: { leadId } }) };
}

/** The ids of the events waiting for the CRM, newest first. */
async function pendingEvents(s: Store = store): Promise<string[]> {
  return (await s.outbox.list('pending', 0, 100)).map((e) => e.id);
}

const kinds: ContractStores[] = [sqliteStores({ file: true }), postgresStores()];

describe.each(kinds)('$name store', (kind) => {
  beforeAll(() => kind.start(), 60_000);
  afterAll(() => kind.stop());
  beforeEach(async () => {
    store = await kind.fresh();
    campaignId = (await store.campaigns.save(campaignInput())).id;
  });
  afterEach(async () => {
    await Promise.all(peers.map((p) => p.close()));
    peers = [];
    await store.close();
  });

  /** A second agent's app on the same data. */
  async function otherApp(): Promise<Store> {
    const p = await kind.peer();
    peers.push(p);
    return p;
  }

  /** One agent's work as the app does it: claim, dial, disposition, next, until the pool is empty. */
  async function work(app: Store, agent: string): Promise<number[]> {
    const got: number[] = [];
    for (let l = await app.leads.claimNext(campaignId, claim(agent)); l; l = await app.leads.claimNext(campaignId, claim(agent))) {
      got.push(l.id);
      await app.activity.recordAttempt(l.id, NOW);
      await app.activity.recordDisposition(disposition(l.id, { agent }));
    }
    return got;
  }

  describe('leads.claimNext', () => {
    it('two agents working the same pool at once get every lead once between them, then nothing', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) ids.push((await store.leads.create(campaignId, newLead({ score: i % 4 }), NOW)).id);
      const bobApp = await otherApp();
      const [ann, bob] = await Promise.all([work(store, 'ann'), work(bobApp, 'bob')]);
      expect([...ann, ...bob].sort((a, b) => a - b)).toEqual(ids);
      expect(ann.length + bob.length).toBe(20);
      expect(await store.leads.claimNext(campaignId, claim('ann'))).toBeNull();
      expect(await bobApp.leads.claimNext(campaignId, claim('bob'))).toBeNull();
    });

    it('many claims at the same moment from two apps: each lead to one agent only', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 8; i++) ids.push((await store.leads.create(campaignId, newLead(), NOW)).id);
      const other = await otherApp();
      const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10'];
      const got = await Promise.all(agents.map((a, i) => (i % 2 ? other : store).leads.claimNext(campaignId, claim(a))));
      const claimed = got.filter((l) => l !== null).map((l) => l.id);
      expect(claimed.sort((a, b) => a - b)).toEqual(ids);
      expect(got.filter((l) => l === null)).toHaveLength(2);
      // Each lead is held by the agent that got it.
      for (const [i, l] of got.entries()) if (l) expect(await store.leads.holder(l.id, NOW)).toBe(agents[i]);
    });

    it('one lead, two agents claiming at once: exactly one gets it, every time', async () => {
      const bobApp = await otherApp();
      for (let round = 0; round < 10; round++) {
        const c = (await store.campaigns.save(campaignInput(`Round ${round}`))).id;
        const lead = await store.leads.create(c, newLead(), NOW);
        const [a, b] = await Promise.all([store.leads.claimNext(c, claim('ann')), bobApp.leads.claimNext(c, claim('bob'))]);
        expect([a?.id ?? null, b?.id ?? null].filter((x) => x !== null)).toEqual([lead.id]);
        expect(await store.leads.holder(lead.id, NOW)).toBe(a ? 'ann' : 'bob');
      }
    });

    it('a lead the agent already holds is offered to it again; another agent gets the next one', async () => {
      const first = await store.leads.create(campaignId, newLead({ priority: 5 }), NOW);
      const second = await store.leads.create(campaignId, newLead({ priority: 1 }), NOW);
      expect((await store.leads.claimNext(campaignId, claim('ann')))?.id).toBe(first.id);
      expect((await store.leads.claimNext(campaignId, claim('ann', { now: NOW + MIN })))?.id).toBe(first.id);
      // The second claim started a new lease.
      expect(await store.leads.holder(first.id, NOW + MIN + LEASE - 1)).toBe('ann');
      expect((await store.leads.claimNext(campaignId, claim('bob')))?.id).toBe(second.id);
      expect(await store.leads.claimNext(campaignId, claim('carol'))).toBeNull();
      // exclude: the agent skipped the lead it holds.
      expect(await store.leads.claimNext(campaignId, claim('ann', { exclude: [first.id] }))).toBeNull();
    });

    it('a lease that runs out returns the lead to the pool; the first agent can no longer renew it', async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      expect((await store.leads.claimNext(campaignId, claim('ann', { leaseMs: MIN })))?.id).toBe(lead.id);
      expect(await store.leads.holder(lead.id, NOW + MIN - 1)).toBe('ann');
      expect(await store.leads.claimNext(campaignId, claim('bob', { now: NOW + MIN - 1 }))).toBeNull();
      // Ann's app died: at the end of the lease nobody holds the lead, and bob gets it.
      expect(await store.leads.holder(lead.id, NOW + MIN)).toBeNull();
      expect((await store.leads.claimNext(campaignId, claim('bob', { now: NOW + MIN, leaseMs: MIN })))?.id).toBe(lead.id);
      expect(await store.leads.renewClaim(lead.id, 'ann', NOW + MIN, MIN)).toBe(false);
      expect(await store.leads.holder(lead.id, NOW + MIN)).toBe('bob');
      // Ann letting go of what she no longer holds changes nothing.
      await store.leads.releaseClaim(lead.id, 'ann');
      expect(await store.leads.holder(lead.id, NOW + MIN)).toBe('bob');
      expect(await store.leads.renewClaim(lead.id, 'bob', NOW + 1.5 * MIN, MIN)).toBe(true);
      expect(await store.leads.holder(lead.id, NOW + 2.5 * MIN - 1)).toBe('bob');
      expect(await store.leads.holder(lead.id, NOW + 2.5 * MIN)).toBeNull();
    });

    it('renewClaim: a lease that ran out with nobody taking the lead can still be renewed; never by another agent', async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.claimNext(campaignId, claim('ann', { leaseMs: MIN }));
      expect(await store.leads.renewClaim(lead.id, 'ann', NOW + 3 * MIN, MIN)).toBe(true);
      expect(await store.leads.holder(lead.id, NOW + 3 * MIN)).toBe('ann');
      expect(await store.leads.claimNext(campaignId, claim('bob', { now: NOW + 3 * MIN }))).toBeNull();
      expect(await store.leads.renewClaim(lead.id, 'bob', NOW + 3 * MIN, MIN)).toBe(false);
      expect(await store.leads.holder(lead.id, NOW + 3 * MIN)).toBe('ann');
      expect(await store.leads.renewClaim(999_999, 'ann', NOW, MIN)).toBe(false);
      expect(await store.leads.holder(999_999, NOW)).toBeNull();
    });

    it('releaseClaim gives the lead back at once', async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.claimNext(campaignId, claim('ann'));
      expect(await store.leads.claimNext(campaignId, claim('bob'))).toBeNull();
      await store.leads.releaseClaim(lead.id, 'bob');
      expect(await store.leads.holder(lead.id, NOW)).toBe('ann');
      await store.leads.releaseClaim(lead.id, 'ann');
      expect(await store.leads.holder(lead.id, NOW)).toBeNull();
      expect((await store.leads.claimNext(campaignId, claim('bob')))?.id).toBe(lead.id);
      expect(await store.leads.renewClaim(lead.id, 'ann', NOW, LEASE)).toBe(false);
    });

    it("due callbacks: the agent's own first, then anyone's; another agent's is never offered to it", async () => {
      const callback = async (owner: string | null | undefined, dueAt: number) => {
        const l = await store.leads.create(campaignId, newLead(), NOW);
        await store.activity.recordDisposition(
          disposition(l.id, { code: 'callback', label: 'Callback', effect: 'callback', retryAt: null, callback: { dueAt, timeZone: 'UTC', owner } }),
        );
        return l.id;
      };
      const top = (await store.leads.create(campaignId, newLead({ priority: 10, score: 1000 }), NOW)).id;
      const bobs = await callback('bob', NOW - 60 * MIN);
      const anyones = await callback(null, NOW - 30 * MIN);
      const anyonesToo = await callback(undefined, NOW - 20 * MIN);
      const anns = await callback('ann', NOW - MIN);
      const annsLater = await callback('ann', NOW + MIN);
      expect((await store.leads.callbacks(anns))[0]).toMatchObject({ owner: 'ann', done: false });
      expect((await store.leads.callbacks(anyones))[0].owner).toBeNull();
      expect((await store.leads.callbacks(anyonesToo))[0].owner).toBeNull();

      const order = async (agent: string) => {
        const seen: number[] = [];
        for (let l = await store.leads.claimNext(campaignId, claim(agent)); l; l = await store.leads.claimNext(campaignId, claim(agent, { exclude: seen })))
          seen.push(l.id);
        for (const id of seen) await store.leads.releaseClaim(id, agent);
        return seen;
      };
      expect(await order('ann')).toEqual([anns, anyones, anyonesToo, top]);
      expect(await order('bob')).toEqual([bobs, anyones, anyonesToo, top]);
      expect(await order('carol')).toEqual([anyones, anyonesToo, top]);
      void annsLater;
    });

    it('a due callback another agent holds is skipped', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(
        disposition(l.id, { code: 'callback', effect: 'callback', retryAt: null, callback: { dueAt: NOW - MIN, timeZone: 'UTC', owner: null } }),
      );
      expect((await store.leads.claimNext(campaignId, claim('bob')))?.id).toBe(l.id);
      expect(await store.leads.claimNext(campaignId, claim('ann'))).toBeNull();
    });

    it("claims in next()'s order when no callback has an owner and nobody else holds a lead", async () => {
      const low = await store.leads.create(campaignId, newLead({ priority: 1, score: 900 }), NOW);
      const highScore = await store.leads.create(campaignId, newLead({ priority: 5, score: 80 }), NOW);
      const longAgo = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const recently = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const never = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const never2 = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      await store.activity.recordAttempt(longAgo.id, NOW - 60 * MIN);
      await store.activity.recordAttempt(recently.id, NOW - 5 * MIN);
      const cb = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(
        disposition(cb.id, { code: 'callback', effect: 'callback', retryAt: null, callback: { dueAt: NOW - MIN, timeZone: 'America/New_York' } }),
      );
      const cbLater = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(
        disposition(cbLater.id, { code: 'callback', effect: 'callback', retryAt: null, callback: { dueAt: NOW + MIN, timeZone: 'UTC' } }),
      );
      // Not callable: closed, not due, every number on the DNC list or bad, another campaign's.
      const closed = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(disposition(closed.id, { effect: 'closed', code: 'sale', success: true }));
      const notDue = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(disposition(notDue.id, { retryAt: NOW + MIN }));
      await store.leads.create(campaignId, newLead({ priority: 9, phones: [phone('+12125550301')] }), NOW);
      await store.dnc.add('+12125550301', 'internal', NOW);
      const bad = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(disposition(bad.id, { effect: 'bad-number', code: 'wrong-number' }));
      await store.leads.create((await store.campaigns.save(campaignInput('Other'))).id, newLead({ priority: 10 }), NOW);

      const walk = async (pick: (exclude: number[]) => Promise<{ id: number } | null>) => {
        const seen: number[] = [];
        for (let l = await pick(seen); l; l = await pick(seen)) seen.push(l.id);
        return seen;
      };
      const byNext = await walk((exclude) => store.leads.next(campaignId, NOW, exclude));
      expect(byNext).toEqual([cb.id, highScore.id, never.id, never2.id, longAgo.id, recently.id, low.id]);
      expect(await walk((exclude) => store.leads.claimNext(campaignId, claim('ann', { exclude })))).toEqual(byNext);
    });
  });

  describe('activity.recordDisposition in team mode', () => {
    it("releases the agent's claim and writes its events in the same transaction", async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.claimNext(campaignId, claim('ann'));
      const events = [event('disposition.recorded', lead.id), event('callback.scheduled', lead.id)];
      await store.activity.recordDisposition(
        disposition(lead.id, {
          agent: 'ann',
          code: 'callback',
          label: 'Callback',
          effect: 'callback',
          retryAt: null,
          callback: { dueAt: NOW + 60 * MIN, timeZone: 'UTC', owner: 'ann' },
          events,
        }),
      );
      expect(await store.leads.holder(lead.id, NOW)).toBeNull();
      expect(await store.leads.callbacks(lead.id)).toEqual([
        { id: expect.any(Number), leadId: lead.id, dueAt: NOW + 60 * MIN, timeZone: 'UTC', note: '', done: false, owner: 'ann' },
      ]);
      expect(await store.outbox.list('pending', 0, 10)).toEqual([...events].reverse().map((e) => ({ ...e, attempts: 0, lastError: null, state: 'pending' })));
      // Another agent can take the lead now (it is due again once its callback is).
      expect(await store.leads.claimNext(campaignId, claim('bob'))).toBeNull();
      expect(await store.leads.claimNext(campaignId, claim('ann', { now: NOW + 60 * MIN })).then((l) => l?.id)).toBe(lead.id);
    });

    it("a disposition by another agent leaves the holder's claim alone", async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.claimNext(campaignId, claim('ann'));
      await store.activity.recordDisposition(disposition(lead.id, { agent: 'bob', effect: 'none', code: 'note' }));
      expect(await store.leads.holder(lead.id, NOW)).toBe('ann');
      // Without an agent (a solo desktop) no claim is touched either.
      await store.activity.recordDisposition(disposition(lead.id, { effect: 'none', code: 'note' }));
      expect(await store.leads.holder(lead.id, NOW)).toBe('ann');
    });

    it('a disposition that fails writes nothing: no event, the claim still held', async () => {
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.claimNext(campaignId, claim('ann'));
      await expect(store.activity.recordDisposition(disposition(999_999, { agent: 'ann', events: [event('disposition.recorded', 999_999)] }))).rejects.toThrow(
        /not found/,
      );
      // A callback without its time fails after the disposition row was written: all of it is undone.
      await expect(
        store.activity.recordDisposition(
          disposition(lead.id, {
            agent: 'ann',
            effect: 'callback',
            code: 'callback',
            retryAt: null,
            callback: null,
            events: [event('disposition.recorded', lead.id)],
          }),
        ),
      ).rejects.toThrow();
      expect(await pendingEvents()).toEqual([]);
      expect(await store.leads.holder(lead.id, NOW)).toBe('ann');
      expect((await store.leads.history(lead.id)).filter((e) => e.kind === 'disposition')).toEqual([]);
      expect(await store.activity.stats(NOW - MIN, NOW + MIN, 'd', 'ann')).toMatchObject({ dispositions: {} });
    });

    it('a "do not call" disposition writes its DNC request with the number', async () => {
      const lead = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550401')] }), NOW);
      const events = [event('disposition.recorded', lead.id), event('dnc.requested', lead.id)];
      await store.activity.recordDisposition(disposition(lead.id, { agent: 'ann', effect: 'dnc', code: 'do-not-call', retryAt: null, events }));
      expect(await store.dnc.has('+12125550401')).toBe(true);
      expect(await pendingEvents()).toEqual([events[1].id, events[0].id]);
    });
  });

  describe('events beside other changes', () => {
    it('leads.update writes its event with the change; a failed update writes none', async () => {
      const lead = await store.leads.create(campaignId, newLead({ firstName: 'Anna' }), NOW);
      const e = event('lead.changed', lead.id);
      expect(await store.leads.update(lead.id, { firstName: 'Ania' }, NOW + 1, [e])).toMatchObject({ firstName: 'Ania' });
      expect(await pendingEvents()).toEqual([e.id]);
      await expect(store.leads.update(999_999, { firstName: 'X' }, NOW + 2, [event('lead.changed', 999_999)])).rejects.toThrow(/not found/);
      expect(await pendingEvents()).toEqual([e.id]);
      // Without events, an update writes none.
      await store.leads.update(lead.id, { lastName: 'Nowak' }, NOW + 3);
      expect(await pendingEvents()).toEqual([e.id]);
    });

    it('leads.update that changes nothing is no change: no event', async () => {
      const lead = await store.leads.create(campaignId, newLead({ firstName: 'Anna' }), NOW);
      await store.leads.update(lead.id, { firstName: 'Anna' }, NOW + 1, [event('lead.changed', lead.id)]);
      expect(await pendingEvents()).toEqual([]);
      expect((await store.leads.history(lead.id)).filter((h) => h.kind === 'edit')).toEqual([]);
    });

    it('dnc.add and dnc.addMany write their events with the numbers', async () => {
      const one = event('dnc.requested', null);
      await store.dnc.add('+12125550501', 'agent', NOW, [one]);
      expect(await store.dnc.has('+12125550501')).toBe(true);
      const many = event('dnc.requested', null);
      expect(await store.dnc.addMany(['+12125550501', '+12125550502', '+12125550503'], 'import', NOW, [many])).toBe(2);
      expect(await store.dnc.count()).toBe(3);
      expect(await pendingEvents()).toEqual([many.id, one.id]);
      expect((await store.outbox.list('pending', 0, 10))[1]).toEqual({ ...one, attempts: 0, lastError: null, state: 'pending' });
      // Without events, none.
      await store.dnc.add('+12125550504', 'agent', NOW);
      expect(await pendingEvents()).toHaveLength(2);
    });

    it('an event written by one app is there for the other (any agent may deliver it)', async () => {
      const other = await otherApp();
      const lead = await store.leads.create(campaignId, newLead(), NOW);
      const e = event('disposition.recorded', lead.id);
      await store.activity.recordDisposition(disposition(lead.id, { agent: 'ann', events: [e] }));
      expect(await pendingEvents(other)).toEqual([e.id]);
    });
  });

  describe('figures per agent', () => {
    const call = (
      callId: string,
      leadId: number | null,
      startedAt: number,
      answeredSec: number | null,
      talkSec: number,
      agent?: string | null,
    ): CallRecord => ({
      callId,
      leadId,
      direction: 'outbound',
      phone: '+12125550600',
      startedAt,
      answeredAt: answeredSec === null ? null : startedAt + answeredSec * 1000,
      endedAt: startedAt + ((answeredSec ?? 0) + talkSec) * 1000,
      outcome: answeredSec === null ? 'no-answer' : 'completed',
      agent,
    });

    it("stats with an agent counts that agent's calls and dispositions only; without one, everything", async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordCall(call('a1', l.id, NOW, 5, 60, 'ann'));
      await store.activity.recordCall(call('a2', l.id, NOW + MIN, null, 20, 'ann'));
      await store.activity.recordCall(call('b1', l.id, NOW + 2 * MIN, 2, 30, 'bob'));
      await store.activity.recordCall(call('solo', null, NOW + 3 * MIN, 1, 10));
      await store.activity.recordDisposition(disposition(l.id, { agent: 'ann', code: 'sale', effect: 'closed', success: true, at: NOW + MIN }));
      await store.activity.recordDisposition(disposition(l.id, { agent: 'ann', code: 'no-answer', at: NOW + 2 * MIN }));
      await store.activity.recordDisposition(disposition(l.id, { agent: 'bob', code: 'no-answer', at: NOW + 3 * MIN }));
      await store.activity.recordDisposition(disposition(l.id, { code: 'busy', at: NOW + 4 * MIN }));
      const day = [NOW - 60 * MIN, NOW + 60 * MIN, '2025-06-02'] as const;
      expect(await store.activity.stats(...day, 'ann')).toEqual({
        day: '2025-06-02',
        calls: 2,
        connected: 1,
        talkSec: 60,
        dispositions: { sale: 1, 'no-answer': 1 },
        successes: 1,
      });
      expect(await store.activity.stats(...day, 'bob')).toEqual({
        day: '2025-06-02',
        calls: 1,
        connected: 1,
        talkSec: 30,
        dispositions: { 'no-answer': 1 },
        successes: 0,
      });
      expect(await store.activity.stats(...day, 'carol')).toEqual({ day: '2025-06-02', calls: 0, connected: 0, talkSec: 0, dispositions: {}, successes: 0 });
      const all = { day: '2025-06-02', calls: 4, connected: 3, talkSec: 100, dispositions: { sale: 1, 'no-answer': 2, busy: 1 }, successes: 1 };
      expect(await store.activity.stats(...day)).toEqual(all);
      expect(await store.activity.stats(...day, null)).toEqual(all);
    });

    it('recordCall: the agent is kept when the call is written again', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordCall(call('x', l.id, NOW, null, 0, 'ann'));
      await store.activity.recordCall(call('x', l.id, NOW, 2, 8, 'ann'));
      expect(await store.activity.stats(NOW - MIN, NOW + MIN, 'd', 'ann')).toMatchObject({ calls: 1, connected: 1, talkSec: 8 });
    });

    it('results: one row per agent and campaign in the period, by campaign name then agent (no agent last)', async () => {
      const alpha = (await store.campaigns.save(campaignInput('Alpha'))).id;
      const beta = (await store.campaigns.save(campaignInput('Beta'))).id;
      const a1 = await store.leads.create(alpha, newLead(), NOW);
      const a2 = await store.leads.create(alpha, newLead(), NOW);
      const b1 = await store.leads.create(beta, newLead(), NOW);
      const from = NOW - 60 * MIN;
      const to = NOW + 60 * MIN;
      // Alpha: ann two calls (one answered, 60 s) and two dispositions, one a sale; bob one
      // unanswered call and its disposition; a solo desktop's answered call without a disposition.
      await store.activity.recordCall(call('ann-1', a1.id, NOW, 5, 60, 'ann'));
      await store.activity.recordCall(call('ann-2', a2.id, NOW + MIN, null, 20, 'ann'));
      await store.activity.recordDisposition(disposition(a1.id, { agent: 'ann', code: 'sale', effect: 'closed', success: true, at: NOW + 2 * MIN }));
      await store.activity.recordDisposition(disposition(a2.id, { agent: 'ann', code: 'no-answer', at: NOW + 3 * MIN }));
      await store.activity.recordCall(call('bob-1', a2.id, NOW + 4 * MIN, null, 15, 'bob'));
      await store.activity.recordDisposition(disposition(a2.id, { agent: 'bob', code: 'no-answer', at: NOW + 5 * MIN }));
      await store.activity.recordCall(call('solo-1', a1.id, NOW + 6 * MIN, 1, 30));
      // Beta: bob's dispositions without a call of the period (the call was before it), one a success.
      await store.activity.recordCall(call('bob-early', b1.id, from - MIN, 1, 30, 'bob'));
      await store.activity.recordDisposition(disposition(b1.id, { agent: 'bob', code: 'appointment', effect: 'closed', success: true, at: from }));
      await store.activity.recordDisposition(disposition(b1.id, { agent: 'bob', code: 'note', effect: 'none', at: to - 1 }));
      // Outside the period, or for no lead: not counted.
      await store.activity.recordCall(call('late', a1.id, to, 1, 30, 'ann'));
      await store.activity.recordDisposition(disposition(a1.id, { agent: 'ann', code: 'busy', at: to }));
      await store.activity.recordDisposition(disposition(a1.id, { agent: 'ann', code: 'busy', at: from - 1 }));
      await store.activity.recordCall(call('unknown-caller', null, NOW, 1, 30, 'ann'));

      expect(await store.activity.results(from, to)).toEqual({
        from,
        to,
        rows: [
          {
            agent: 'ann',
            campaignId: alpha,
            campaign: 'Alpha',
            calls: 2,
            connected: 1,
            talkSec: 60,
            dispositions: 2,
            successes: 1,
            byCode: { sale: 1, 'no-answer': 1 },
          },
          { agent: 'bob', campaignId: alpha, campaign: 'Alpha', calls: 1, connected: 0, talkSec: 0, dispositions: 1, successes: 0, byCode: { 'no-answer': 1 } },
          { agent: null, campaignId: alpha, campaign: 'Alpha', calls: 1, connected: 1, talkSec: 30, dispositions: 0, successes: 0, byCode: {} },
          {
            agent: 'bob',
            campaignId: beta,
            campaign: 'Beta',
            calls: 0,
            connected: 0,
            talkSec: 0,
            dispositions: 2,
            successes: 1,
            byCode: { appointment: 1, note: 1 },
          },
        ],
      });
      expect(await store.activity.results(to, to + 60 * MIN)).toMatchObject({
        rows: [{ agent: 'ann', campaignId: alpha, calls: 1, dispositions: 1, byCode: { busy: 1 } }],
      });
      expect(await store.activity.results(NOW + 24 * 60 * MIN, NOW + 48 * 60 * MIN)).toEqual({ from: NOW + 24 * 60 * MIN, to: NOW + 48 * 60 * MIN, rows: [] });
    });
  });
});
