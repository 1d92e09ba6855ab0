// The repository contract: every store (the embedded SQLite one in memory, the team's PostgreSQL
// in a throwaway server) gives the same answers to the same calls. Each test starts from an empty
// store. What only one store has is tested apart (sqlite-file.test.ts, store-contract-postgres.test.ts).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord, DispositionRecord, ImportRow, Store } from '../../../electron/core/data/repositories.js';
import { campaignInput, newLead, phone, dispositionRecord } from '../../unit/data/store-fixtures.js';
import { postgresStores, sqliteStores, type ContractStores } from './store-contract-stores.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);
const MIN = 60_000;

let store: Store;
let campaignId: number;

const disposition = (leadId: number, over: Partial<DispositionRecord>): DispositionRecord => dispositionRecord(leadId, NOW, { retryAt: null, ...over });

const kinds: ContractStores[] = [sqliteStores(), postgresStores()];

describe.each(kinds)('$name store', (kind) => {
  beforeAll(async () => {
    const t0 = performance.now();
    await kind.start();
    if (kind.name === 'postgres') console.log(`contract: PostgreSQL started and migrated in ${Math.round(performance.now() - t0)} ms`);
  }, 60_000);
  afterAll(() => kind.stop());
  beforeEach(async () => {
    store = await kind.fresh();
    campaignId = (await store.campaigns.save(campaignInput())).id;
  });
  afterEach(() => store.close());

  describe('campaigns', () => {
    it('saves, reads back with defaults, updates, and lists counts', async () => {
      const c = (await store.campaigns.get(campaignId))!;
      expect(c.name).toBe('Spring outbound');
      expect(c.dialMode).toBe('preview');
      expect(c.dispositions.find((d) => d.code === 'sale')?.success).toBe(true);
      const updated = await store.campaigns.save({ ...c, name: 'Renamed', dialMode: 'progressive' });
      expect(updated.id).toBe(campaignId);
      expect((await store.campaigns.get(campaignId))!.dialMode).toBe('progressive');
      await expect(store.campaigns.save({ ...c, id: 999 })).rejects.toThrow(/not found/);
      expect(await store.campaigns.get(999)).toBeNull();

      const a = await store.leads.create(campaignId, newLead(), NOW);
      await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(disposition(a.id, { retryAt: NOW + 10 * MIN }));
      const other = (await store.campaigns.save(campaignInput('Another'))).id;
      expect(await store.campaigns.list(NOW)).toEqual([
        { id: other, name: 'Another', kind: 'outbound', dialMode: 'preview', leads: 0, due: 0 },
        { id: campaignId, name: 'Renamed', kind: 'outbound', dialMode: 'progressive', leads: 2, due: 1 },
      ]);
      expect((await store.campaigns.list(NOW + 11 * MIN)).find((s) => s.id === campaignId)?.due).toBe(2);
    });

    it('list: by name with A–Z folded (then by code point), then id; callbacks count as due once due', async () => {
      const ids: Record<string, number> = {};
      for (const name of ['beta', 'Alpha', 'Ähnlich', 'alpha', 'Zeta', '1st']) ids[name] = (await store.campaigns.save(campaignInput(name))).id;
      const l = await store.leads.create(ids.Zeta, newLead(), NOW);
      await store.activity.recordDisposition(disposition(l.id, { effect: 'callback', code: 'callback', callback: { dueAt: NOW + 5 * MIN, timeZone: 'UTC' } }));
      const list = await store.campaigns.list(NOW);
      expect(list.map((c) => c.name)).toEqual(['1st', 'Alpha', 'alpha', 'beta', 'Spring outbound', 'Zeta', 'Ähnlich']);
      expect(list.find((c) => c.name === 'Alpha')!.id).toBeLessThan(list.find((c) => c.name === 'alpha')!.id);
      expect(list.find((c) => c.name === 'Zeta')).toMatchObject({ leads: 1, due: 0 });
      expect((await store.campaigns.list(NOW + 5 * MIN)).find((c) => c.name === 'Zeta')).toMatchObject({ leads: 1, due: 1 });
    });

    it('countries: each campaign default country once', async () => {
      await store.campaigns.save(campaignInput('PL', { defaultCountry: 'PL' }));
      await store.campaigns.save(campaignInput('PL 2', { defaultCountry: 'PL' }));
      await store.campaigns.save(campaignInput('CA', { defaultCountry: 'CA' }));
      const base = (await store.campaigns.get(campaignId))!.defaultCountry;
      expect((await store.campaigns.countries()).sort()).toEqual([...new Set(['PL', 'CA', base])].sort());
    });
  });

  describe('leads.next', () => {
    it('orders by due callback, then priority, score, least recently attempted (never first), id', async () => {
      const low = await store.leads.create(campaignId, newLead({ priority: 1, score: 900 }), NOW);
      const highScore = await store.leads.create(campaignId, newLead({ priority: 5, score: 80 }), NOW);
      const highAttemptedLongAgo = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const highAttemptedRecently = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const highNever = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      const highNever2 = await store.leads.create(campaignId, newLead({ priority: 5, score: 50 }), NOW);
      await store.activity.recordAttempt(highAttemptedLongAgo.id, NOW - 60 * MIN);
      await store.activity.recordAttempt(highAttemptedRecently.id, NOW - 5 * MIN);
      const cb = await store.leads.create(campaignId, newLead({ priority: 0, score: 0 }), NOW);
      await store.activity.recordDisposition(
        disposition(cb.id, { code: 'callback', label: 'Callback', effect: 'callback', callback: { dueAt: NOW - MIN, timeZone: 'America/New_York' } }),
      );

      const order: number[] = [];
      for (let i = 0; i < 8; i++) {
        const l = await store.leads.next(campaignId, NOW, order);
        if (!l) break;
        order.push(l.id);
      }
      expect(order).toEqual([cb.id, highScore.id, highNever.id, highNever2.id, highAttemptedLongAgo.id, highAttemptedRecently.id, low.id]);
    });

    it('a callback not yet due waits; it beats everything once due', async () => {
      const top = await store.leads.create(campaignId, newLead({ priority: 10, score: 1000 }), NOW);
      const cb = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(
        disposition(cb.id, { effect: 'callback', code: 'callback', callback: { dueAt: NOW + 30 * MIN, timeZone: 'Europe/Warsaw' } }),
      );
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(top.id);
      expect(await store.leads.next(campaignId, NOW, [top.id])).toBeNull();
      expect((await store.leads.next(campaignId, NOW + 30 * MIN))?.id).toBe(cb.id);
    });

    it('due callbacks: the longest overdue first, then priority, then id', async () => {
      const mk = async (dueAt: number, priority: number) => {
        const l = await store.leads.create(campaignId, newLead({ priority }), NOW);
        await store.activity.recordDisposition(disposition(l.id, { effect: 'callback', code: 'callback', callback: { dueAt, timeZone: 'UTC' } }));
        return l.id;
      };
      const later = await mk(NOW - MIN, 9);
      const earlyLow = await mk(NOW - 10 * MIN, 1);
      const earlyHigh = await mk(NOW - 10 * MIN, 5);
      const earlyHigh2 = await mk(NOW - 10 * MIN, 5);
      const order: number[] = [];
      for (let l = await store.leads.next(campaignId, NOW); l; l = await store.leads.next(campaignId, NOW, order)) order.push(l.id);
      expect(order).toEqual([earlyHigh, earlyHigh2, earlyLow, later]);
    });

    it('skips closed, max-attempts, bad-number, dnc, not-due, all-bad and all-DNC leads', async () => {
      const closed = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(disposition(closed.id, { effect: 'closed', code: 'sale' }));
      const maxed = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      for (let i = 0; i < 3; i++) await store.activity.recordAttempt(maxed.id, NOW - 10 * MIN);
      await store.activity.recordDisposition(disposition(maxed.id, { maxAttempts: 3, retryAt: NOW - MIN }));
      const notDue = await store.leads.create(campaignId, newLead({ priority: 9 }), NOW);
      await store.activity.recordDisposition(disposition(notDue.id, { retryAt: NOW + MIN }));
      const onDnc = await store.leads.create(campaignId, newLead({ priority: 9, phones: [phone('+12125550001'), phone('+12125550002')] }), NOW);
      await store.dnc.add('+12125550001', 'national-registry', NOW);
      await store.dnc.add('+12125550002', 'internal', NOW);
      const noPhones = await store.leads.create(campaignId, newLead({ priority: 9, phones: [] }), NOW);
      const oneBadOneDnc = await store.leads.create(campaignId, newLead({ priority: 9, phones: [phone('+12125550003'), phone('+12125550004')] }), NOW);
      await store.activity.recordDisposition(disposition(oneBadOneDnc.id, { effect: 'bad-number', code: 'wrong-number', phone: '+12125550003' }));
      await store.dnc.add('+12125550004', 'internal', NOW);

      const callable = await store.leads.create(campaignId, newLead({ priority: 0 }), NOW);
      expect((await store.leads.get(maxed.id))!.status).toBe('max-attempts');
      expect((await store.leads.get(oneBadOneDnc.id))!.status).toBe('active');
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(callable.id);
      expect(await store.leads.next(campaignId, NOW, [callable.id])).toBeNull();
      expect((await store.leads.next(campaignId, NOW + MIN))?.id).toBe(notDue.id);
      void onDnc;
      void noPhones;
    });

    it('skips a lead whose every number a scrub blocked; a cleared verdict makes it callable again', async () => {
      const lead = await store.leads.create(campaignId, newLead({ priority: 9, phones: [phone('+12125550011'), phone('+12125550012')] }), NOW);
      const other = await store.leads.create(campaignId, newLead(), NOW);
      const p = await store.scrub.phones(campaignId);
      const ofLead = [...p.phoneId].filter((_, i) => p.leadId[i] === lead.id);
      await store.scrub.mark([{ phoneId: ofLead[0], blocked: 'national-dnc' }]);
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(lead.id);
      await store.scrub.mark(ofLead.map((phoneId) => ({ phoneId, blocked: 'national-dnc' })));
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(other.id);
      await store.scrub.mark([{ phoneId: ofLead[1], blocked: null }]);
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(lead.id);
    });

    it('only looks at the given campaign', async () => {
      const other = (await store.campaigns.save(campaignInput('Other'))).id;
      await store.leads.create(other, newLead({ priority: 10 }), NOW);
      expect(await store.leads.next(campaignId, NOW)).toBeNull();
    });
  });

  describe('activity.recordDisposition', () => {
    it('closed: status closed, disposition in history, open callback completed', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(
        disposition(l.id, {
          effect: 'callback',
          code: 'callback',
          label: 'Callback',
          note: 'after 5',
          callback: { dueAt: NOW + 60 * MIN, timeZone: 'America/Chicago' },
        }),
      );
      expect(await store.leads.callbacks(l.id)).toEqual([
        { id: expect.any(Number), leadId: l.id, dueAt: NOW + 60 * MIN, timeZone: 'America/Chicago', note: 'after 5', done: false, owner: null },
      ]);
      await store.activity.recordDisposition(disposition(l.id, { effect: 'closed', code: 'sale', label: 'Sale', success: true, at: NOW + 61 * MIN }));
      const after = (await store.leads.get(l.id))!;
      expect(after.status).toBe('closed');
      expect(after.dueAt).toBeNull();
      expect((await store.leads.callbacks(l.id))[0].done).toBe(true);
      const h = await store.leads.history(l.id);
      expect(h[0]).toMatchObject({ kind: 'disposition', disposition: 'Sale', outcome: 'sale', at: NOW + 61 * MIN });
      // Newest first; same time: the later write first.
      expect(h.map((e) => e.kind)).toEqual(['disposition', 'callback', 'disposition', 'note']);
    });

    it('retry: status active and due at retryAt', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(disposition(l.id, { retryAt: NOW + 120 * MIN }));
      expect(await store.leads.get(l.id)).toMatchObject({ status: 'active', dueAt: NOW + 120 * MIN });
    });

    it('callback: status callback, due at the callback time, callback row', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(
        disposition(l.id, { effect: 'callback', code: 'callback', callback: { dueAt: NOW + 5 * MIN, timeZone: 'Europe/Warsaw' } }),
      );
      expect(await store.leads.get(l.id)).toMatchObject({ status: 'callback', dueAt: NOW + 5 * MIN });
      expect(await store.leads.callbacks(l.id)).toHaveLength(1);
      await expect(store.activity.recordDisposition(disposition(l.id, { effect: 'callback', callback: null }))).rejects.toThrow();
      // The failed call changed nothing (one transaction).
      expect(await store.leads.callbacks(l.id)).toHaveLength(1);
      expect((await store.leads.history(l.id)).filter((e) => e.kind === 'disposition')).toHaveLength(1);
    });

    it('bad-number: marks that phone; the lead leaves the queue when no good phone remains', async () => {
      const l = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550100'), phone('+12125550101')] }), NOW);
      await store.activity.recordDisposition(disposition(l.id, { effect: 'bad-number', code: 'wrong-number', phone: '+12125550100' }));
      let after = (await store.leads.get(l.id))!;
      expect(after.phones.map((p) => p.bad)).toEqual([true, false]);
      expect(after.status).toBe('active');
      await store.activity.recordDisposition(disposition(l.id, { effect: 'bad-number', code: 'disconnected', phone: '+12125550101' }));
      after = (await store.leads.get(l.id))!;
      expect(after.phones.every((p) => p.bad)).toBe(true);
      expect(after.status).toBe('bad-number');
    });

    it('bad-number without a phone marks every number; a callback lead with a good number left is active, due now', async () => {
      const all = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550110'), phone('+12125550111')] }), NOW);
      await store.activity.recordDisposition(disposition(all.id, { effect: 'bad-number', code: 'wrong-number', phone: null }));
      expect(await store.leads.get(all.id)).toMatchObject({ status: 'bad-number', dueAt: null, phones: [{ bad: true }, { bad: true }] });
      const cb = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550112'), phone('+12125550113')] }), NOW);
      await store.activity.recordDisposition(disposition(cb.id, { effect: 'callback', code: 'callback', callback: { dueAt: NOW + MIN, timeZone: 'UTC' } }));
      await store.activity.recordDisposition(disposition(cb.id, { effect: 'bad-number', code: 'wrong-number', phone: '+12125550112' }));
      expect(await store.leads.get(cb.id)).toMatchObject({ status: 'active', dueAt: null });
    });

    it('dnc: the phone (or every phone) goes on the DNC list, status dnc', async () => {
      const one = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550200'), phone('+12125550201')] }), NOW);
      await store.activity.recordDisposition(disposition(one.id, { effect: 'dnc', code: 'do-not-call', phone: '+12125550200' }));
      expect(await store.dnc.has('+12125550200')).toBe(true);
      expect(await store.dnc.has('+12125550201')).toBe(false);
      expect((await store.leads.get(one.id))!.status).toBe('dnc');
      const all = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550202'), phone('+12125550203')] }), NOW);
      await store.activity.recordDisposition(disposition(all.id, { effect: 'dnc', code: 'do-not-call', phone: null }));
      expect((await store.dnc.has('+12125550202')) && (await store.dnc.has('+12125550203'))).toBe(true);
    });

    it('none: status and due time unchanged', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordDisposition(disposition(l.id, { retryAt: NOW + MIN }));
      await store.activity.recordDisposition(disposition(l.id, { effect: 'none', code: 'note' }));
      expect(await store.leads.get(l.id)).toMatchObject({ status: 'active', dueAt: NOW + MIN });
    });

    it('max attempts: a retry at the limit moves the lead to max-attempts; closed/callback/dnc/bad do not', async () => {
      const mk = async () => {
        const l = await store.leads.create(campaignId, newLead(), NOW);
        await store.activity.recordAttempt(l.id, NOW);
        await store.activity.recordAttempt(l.id, NOW);
        return l.id;
      };
      const retry = await mk();
      await store.activity.recordDisposition(disposition(retry, { maxAttempts: 2, retryAt: NOW + MIN }));
      expect(await store.leads.get(retry)).toMatchObject({ status: 'max-attempts', attempts: 2, dueAt: null });
      const below = await store.leads.create(campaignId, newLead(), NOW);
      await store.activity.recordAttempt(below.id, NOW);
      await store.activity.recordDisposition(disposition(below.id, { maxAttempts: 2, retryAt: NOW + MIN }));
      expect((await store.leads.get(below.id))!.status).toBe('active');
      const cb = await mk();
      await store.activity.recordDisposition(disposition(cb, { maxAttempts: 2, effect: 'callback', callback: { dueAt: NOW + MIN, timeZone: 'UTC' } }));
      expect((await store.leads.get(cb))!.status).toBe('callback');
      const closed = await mk();
      await store.activity.recordDisposition(disposition(closed, { maxAttempts: 2, effect: 'closed' }));
      expect((await store.leads.get(closed))!.status).toBe('closed');
      const dnc = await mk();
      await store.activity.recordDisposition(disposition(dnc, { maxAttempts: 2, effect: 'dnc' }));
      expect((await store.leads.get(dnc))!.status).toBe('dnc');
    });

    it('throws for an unknown lead', async () => {
      await expect(store.activity.recordDisposition(disposition(12345, {}))).rejects.toThrow(/not found/);
    });
  });

  describe('activity', () => {
    it('recordAttempt: attempts + 1, last attempt time, new becomes active', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      expect(l.status).toBe('new');
      await store.activity.recordAttempt(l.id, NOW + 1000);
      expect(await store.leads.get(l.id)).toMatchObject({ attempts: 1, lastAttemptAt: NOW + 1000, status: 'active' });
      await expect(store.activity.recordAttempt(12345, NOW)).rejects.toThrow('lead 12345 not found');
    });

    it('stats: calls in the window, connected, talk time, dispositions by code, successes', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      const dayStart = NOW - 10 * 3600_000;
      const dayEnd = dayStart + 24 * 3600_000;
      await store.activity.recordCall({
        callId: 'a',
        leadId: l.id,
        direction: 'outbound',
        phone: l.phones[0].e164,
        startedAt: NOW,
        answeredAt: NOW + 5000,
        endedAt: NOW + 65_000,
        outcome: 'completed',
      });
      await store.activity.recordCall({
        callId: 'b',
        leadId: null,
        direction: 'inbound',
        phone: '+48225550123',
        startedAt: NOW + MIN,
        answeredAt: NOW + MIN + 1000,
        endedAt: NOW + MIN + 31_000,
        outcome: 'completed',
      });
      await store.activity.recordCall({
        callId: 'c',
        leadId: l.id,
        direction: 'outbound',
        phone: l.phones[0].e164,
        startedAt: NOW + 2 * MIN,
        answeredAt: null,
        endedAt: NOW + 2 * MIN + 20_000,
        outcome: 'no-answer',
      });
      await store.activity.recordCall({
        callId: 'old',
        leadId: null,
        direction: 'outbound',
        phone: '+1',
        startedAt: dayStart - 1,
        answeredAt: dayStart,
        endedAt: dayStart + 10_000,
        outcome: 'completed',
      });
      await store.activity.recordDisposition(disposition(l.id, { code: 'sale', effect: 'closed', success: true, at: NOW + 2 * MIN }));
      await store.activity.recordDisposition(disposition(l.id, { code: 'no-answer', at: NOW + 3 * MIN }));
      await store.activity.recordDisposition(disposition(l.id, { code: 'no-answer', at: NOW + 4 * MIN }));
      await store.activity.recordDisposition(disposition(l.id, { code: 'sale', effect: 'closed', success: true, at: dayEnd }));
      expect(await store.activity.stats(dayStart, dayEnd, '2025-06-02')).toEqual({
        day: '2025-06-02',
        calls: 3,
        connected: 2,
        talkSec: 90,
        dispositions: { sale: 1, 'no-answer': 2 },
        successes: 1,
      });
      const h = await store.leads.history(l.id);
      expect(h.find((e) => e.kind === 'call' && e.outcome === 'completed')).toMatchObject({ direction: 'outbound', durationSec: 60 });
    });

    it('recordCall: a call written again (its end known later) is one call, each write in the history', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      const call = {
        callId: 'x',
        leadId: l.id,
        direction: 'outbound' as const,
        phone: l.phones[0].e164,
        startedAt: NOW,
        answeredAt: null,
        endedAt: NOW,
        outcome: 'ringing',
      };
      await store.activity.recordCall(call);
      await store.activity.recordCall({ ...call, answeredAt: NOW + 2000, endedAt: NOW + 12_400, outcome: 'completed' });
      expect(await store.activity.stats(NOW - MIN, NOW + MIN, 'd')).toMatchObject({ calls: 1, connected: 1, talkSec: 10 });
      expect((await store.leads.history(l.id)).filter((e) => e.kind === 'call').map((e) => [e.outcome, e.durationSec])).toEqual([
        ['completed', 10],
        ['ringing', 0],
      ]);
      // A call without a lead leaves no history.
      await store.activity.recordCall({ ...call, callId: 'y', leadId: null });
      expect((await store.leads.history(l.id)).filter((e) => e.kind === 'call')).toHaveLength(2);
    });
  });

  describe('leads', () => {
    it('update: changed fields, phones keep their bad mark, an edit entry; findByPhone picks the most recently touched', async () => {
      const a = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550300'), phone('+12125550301')] }), NOW);
      await store.activity.recordDisposition(disposition(a.id, { effect: 'bad-number', phone: '+12125550300' }));
      const b = await store.leads.create((await store.campaigns.save(campaignInput('B'))).id, newLead({ phones: [phone('+12125550301')] }), NOW + 1);
      expect((await store.leads.findByPhone('+12125550301'))?.id).toBe(b.id);
      const u = await store.leads.update(
        a.id,
        { firstName: 'Ann', customFields: { size: 'L' }, phones: [phone('+12125550301'), phone('+12125550300')] },
        NOW + 10,
      );
      expect(u).toMatchObject({ firstName: 'Ann', customFields: { size: 'L' }, updatedAt: NOW + 10 });
      expect(u.phones.map((p) => [p.e164, p.bad])).toEqual([
        ['+12125550301', false],
        ['+12125550300', true],
      ]);
      expect((await store.leads.history(a.id))[0]).toMatchObject({ kind: 'edit', note: 'Changed firstName, customFields, phones' });
      expect((await store.leads.findByPhone('+12125550301'))?.id).toBe(a.id);
      expect(await store.leads.findByPhone('+19999999999')).toBeNull();
      await expect(store.leads.update(999, { firstName: 'x' }, NOW)).rejects.toThrow(/not found/);
    });

    it('update: nothing that differs writes nothing; a bad-number lead given a good number is active again', async () => {
      const l = await store.leads.create(campaignId, newLead({ firstName: 'Same', phones: [phone('+12125550310')] }), NOW);
      const same = await store.leads.update(l.id, { firstName: 'Same', phones: [phone('+12125550310')] }, NOW + 5);
      expect(same).toEqual(l);
      expect((await store.leads.history(l.id)).map((e) => e.kind)).toEqual(['note']);
      await store.activity.recordDisposition(disposition(l.id, { effect: 'bad-number', phone: '+12125550310' }));
      expect((await store.leads.get(l.id))!.status).toBe('bad-number');
      // The bad number kept, a new one added: callable again, due now.
      const back = await store.leads.update(l.id, { phones: [phone('+12125550310'), phone('+12125550311')] }, NOW + 6);
      expect(back).toMatchObject({
        status: 'active',
        dueAt: null,
        phones: [
          { e164: '+12125550310', bad: true },
          { e164: '+12125550311', bad: false },
        ],
      });
      expect((await store.leads.next(campaignId, NOW + 6))?.id).toBe(l.id);
    });

    it('create: a number twice in the list is kept once; every field reads back', async () => {
      const lead = newLead({
        company: 'Acme',
        email: 'a@example.com',
        street: '1 Main St',
        city: 'Springfield',
        region: 'IL',
        postalCode: '62701',
        timeZone: 'America/Chicago',
        customFields: { size: 'L', colour: 'red' },
        consentAt: '2025-01-02',
        inquiryAt: '2025-02-03',
        lastPurchaseAt: null,
        score: 420,
        priority: 3,
        phones: [phone('+12125550320', 'mobile'), phone('+12125550321'), phone('+12125550320', 'again')],
      });
      const created = await store.leads.create(campaignId, lead, NOW);
      const { phones: _phones, ...fields } = lead;
      expect(created).toEqual({
        ...fields,
        id: created.id,
        campaignId,
        status: 'new',
        attempts: 0,
        lastAttemptAt: null,
        dueAt: null,
        createdAt: NOW,
        updatedAt: NOW,
        phones: [
          { e164: '+12125550320', raw: '+12125550320', label: 'mobile', bad: false },
          { e164: '+12125550321', raw: '+12125550321', label: null, bad: false },
        ],
      });
      expect(await store.leads.get(created.id)).toEqual(created);
      expect(await store.leads.get(99_999)).toBeNull();
    });

    it('history: newest first, the creation last, limited; callbacks: open first, then latest due', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      for (let i = 1; i <= 3; i++)
        await store.activity.recordDisposition(
          disposition(l.id, { effect: 'callback', code: 'callback', at: NOW + i * MIN, callback: { dueAt: NOW + (10 - i) * MIN, timeZone: 'UTC' } }),
        );
      const h = await store.leads.history(l.id);
      expect(h.map((e) => [e.kind, e.at])).toEqual([
        ['callback', NOW + 3 * MIN],
        ['disposition', NOW + 3 * MIN],
        ['callback', NOW + 2 * MIN],
        ['disposition', NOW + 2 * MIN],
        ['callback', NOW + MIN],
        ['disposition', NOW + MIN],
        ['note', NOW],
      ]);
      expect(h.at(-1)).toEqual({
        id: 0,
        at: NOW,
        kind: 'note',
        direction: null,
        phone: null,
        outcome: null,
        durationSec: null,
        disposition: null,
        note: 'Lead created',
      });
      expect(h[0]).toMatchObject({ note: `Callback ${new Date(NOW + 7 * MIN).toISOString()} (UTC)`, direction: null, phone: null });
      expect(await store.leads.history(l.id, 2)).toEqual(h.slice(0, 2));
      expect(await store.leads.history(99_999)).toEqual([]);
      // Each disposition settled the open callback before it: only the last is open.
      expect((await store.leads.callbacks(l.id)).map((c) => [c.done, c.dueAt])).toEqual([
        [false, NOW + 7 * MIN],
        [true, NOW + 9 * MIN],
        [true, NOW + 8 * MIN],
      ]);
    });

    it('importBatch: new, merged (non-empty fields win, phones added) and duplicates within the batch', async () => {
      const existing = await store.leads.create(
        campaignId,
        newLead({ firstName: 'Old', company: 'Acme', phones: [phone('+12125550400')], customFields: { a: '1', b: '2' } }),
        NOW,
      );
      const batch = [
        newLead({ firstName: 'New', company: '', score: 70, phones: [phone('+12125550401'), phone('+12125550400')], customFields: { b: '3', c: '' } }),
        newLead({ firstName: 'Fresh', phones: [phone('+12125550500')] }),
        newLead({ firstName: 'Twin', lastName: '', email: 'twin@example.com', phones: [phone('+12125550500')] }),
      ];
      expect(await store.leads.importBatch(campaignId, batch, 'merge', NOW + 5)).toEqual({ imported: 1, merged: 2, skipped: 0 });
      const merged = (await store.leads.get(existing.id))!;
      expect(merged).toMatchObject({ firstName: 'New', company: 'Acme', score: 70, customFields: { a: '1', b: '3' } });
      expect(merged.phones.map((p) => p.e164)).toEqual(['+12125550400', '+12125550401']);
      const fresh = (await store.leads.findByPhone('+12125550500'))!;
      expect(fresh).toMatchObject({ firstName: 'Twin', lastName: batch[1].lastName, email: 'twin@example.com', status: 'new' });

      const again = [
        newLead({ firstName: 'Skip', phones: [phone('+12125550401')] }),
        newLead({ phones: [phone('+12125550600')] }),
        newLead({ phones: [phone('+12125550600')] }),
      ];
      expect(await store.leads.importBatch(campaignId, again, 'skip', NOW + 6)).toEqual({ imported: 1, merged: 0, skipped: 2 });
      expect((await store.leads.get(existing.id))!.firstName).toBe('New');
      // Another campaign may hold the same number: not a duplicate there.
      const other = (await store.campaigns.save(campaignInput('Other'))).id;
      expect(await store.leads.importBatch(other, [newLead({ phones: [phone('+12125550400')] })], 'skip', NOW)).toEqual({ imported: 1, merged: 0, skipped: 0 });
      await expect(store.leads.importBatch(9999, [newLead()], 'skip', NOW)).rejects.toThrow(/not found/);
    });

    it('importBatch merge: the merge is in the history, custom fields keep their order, a number another lead has is added too', async () => {
      const a = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550410')], customFields: { z: '1', a: '2' } }), NOW);
      const b = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550411')] }), NOW);
      const row = newLead({
        firstName: '',
        lastName: '',
        timeZone: 'Europe/Warsaw',
        phones: [phone('+12125550410'), phone('+12125550411')],
        customFields: { m: '3', z: '9' },
      });
      expect(await store.leads.importBatch(campaignId, [row], 'merge', NOW + 7)).toEqual({ imported: 0, merged: 1, skipped: 0 });
      const after = (await store.leads.get(a.id))!;
      expect(Object.entries(after.customFields)).toEqual([
        ['z', '9'],
        ['a', '2'],
        ['m', '3'],
      ]);
      expect(after).toMatchObject({ firstName: a.firstName, timeZone: 'Europe/Warsaw', updatedAt: NOW + 7 });
      expect(after.phones.map((p) => p.e164)).toEqual(['+12125550410', '+12125550411']);
      expect((await store.leads.get(b.id))!.phones.map((p) => p.e164)).toEqual(['+12125550411']);
      expect((await store.leads.history(a.id))[0]).toMatchObject({ kind: 'import', note: 'Merged from an import', at: NOW + 7 });
    });

    it('importRows: imported, merge (fills, conflicts into the history), skip and replace, within the batch too', async () => {
      const existing = await store.leads.create(
        campaignId,
        newLead({ firstName: 'Anna', lastName: 'Nowak', company: 'Acme', email: '', phones: [phone('+12125550700')], customFields: { tier: 'gold' } }),
        NOW,
      );
      const taken = await store.leads.create(campaignId, newLead({ phones: [phone('+12125550799')] }), NOW);
      const rows: ImportRow[] = [
        {
          row: 1,
          lead: newLead({
            firstName: 'Anna',
            lastName: 'Nowak',
            company: 'Other Co',
            email: 'anna@example.com',
            phones: [phone('+12125550700'), phone('+12125550701'), phone('+12125550799')],
            customFields: { tier: 'silver', note: 'hi' },
          }),
        },
        { row: 2, lead: newLead({ firstName: 'Bob', lastName: 'Brown', phones: [phone('+12125550710')] }) },
        { row: 3, lead: newLead({ firstName: 'Bobby', lastName: 'Brown', company: 'B Ltd', phones: [phone('+12125550710')] }) },
      ];
      const results = await store.leads.importRows(campaignId, rows, 'merge', NOW + 10, 'spring.csv');
      const bob = results[1].leadId;
      expect(results).toEqual([
        {
          outcome: 'merge',
          leadId: existing.id,
          name: 'Anna Nowak',
          filled: ['e-mail', 'field "note"', 'number +12125550701'],
          conflicts: [
            { field: 'company', kept: 'Acme', other: 'Other Co' },
            { field: 'field "tier"', kept: 'gold', other: 'silver' },
          ],
        },
        { outcome: 'imported', leadId: bob },
        { outcome: 'merge', leadId: bob, name: 'Bob Brown', filled: ['company'], conflicts: [{ field: 'first name', kept: 'Bob', other: 'Bobby' }] },
      ]);
      const anna = (await store.leads.get(existing.id))!;
      expect(anna).toMatchObject({ company: 'Acme', email: 'anna@example.com', customFields: { tier: 'gold', note: 'hi' }, updatedAt: NOW + 10 });
      // The number another lead has stays that lead's alone.
      expect(anna.phones.map((p) => p.e164)).toEqual(['+12125550700', '+12125550701']);
      expect((await store.leads.get(taken.id))!.phones.map((p) => p.e164)).toEqual(['+12125550799']);
      expect((await store.leads.history(existing.id))[0]).toMatchObject({
        kind: 'import',
        at: NOW + 10,
        note: "Import of spring.csv, row 1 (same number): company in the file was 'Other Co', kept 'Acme'; field \"tier\" in the file was 'silver', kept 'gold'; filled e-mail, field \"note\" and number +12125550701.",
      });
      expect((await store.leads.get(bob))!).toMatchObject({ firstName: 'Bob', company: 'B Ltd' });

      // Skip: nothing written, the lead named as it was.
      const skip = await store.leads.importRows(
        campaignId,
        [{ row: 1, lead: newLead({ firstName: 'Zed', phones: [phone('+12125550701')] }) }],
        'skip',
        NOW + 20,
        'x.csv',
      );
      expect(skip).toEqual([{ outcome: 'skip', leadId: existing.id, name: 'Anna Nowak', filled: [], conflicts: [] }]);
      expect((await store.leads.get(existing.id))!.updatedAt).toBe(NOW + 10);

      // Replace: the row's values over the lead's, the old ones in the history; empty cells erase nothing.
      const replace = await store.leads.importRows(
        campaignId,
        [
          {
            row: 4,
            lead: newLead({ firstName: 'Ania', lastName: '', company: 'New Co', score: 55, phones: [phone('+12125550700')], customFields: { tier: '' } }),
          },
        ],
        'replace',
        NOW + 30,
        '',
      );
      expect(replace).toEqual([
        {
          outcome: 'replace',
          leadId: existing.id,
          name: 'Anna Nowak',
          filled: ['score'],
          conflicts: [
            { field: 'first name', kept: 'Ania', other: 'Anna' },
            { field: 'company', kept: 'New Co', other: 'Acme' },
          ],
        },
      ]);
      expect((await store.leads.get(existing.id))!).toMatchObject({
        firstName: 'Ania',
        lastName: 'Nowak',
        company: 'New Co',
        score: 55,
        customFields: { tier: 'gold', note: 'hi' },
      });
      expect((await store.leads.history(existing.id))[0].note).toBe(
        "Import, row 4 (same number): first name was 'Anna', replaced by 'Ania'; company was 'Acme', replaced by 'New Co'; filled score.",
      );
      await expect(store.leads.importRows(9999, rows, 'merge', NOW, 'x.csv')).rejects.toThrow('campaign 9999 not found');
    });

    it('list: paging, total, status filter, search by name / company / e-mail / phone digits', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 25; i++)
        ids.push(
          (
            await store.leads.create(
              campaignId,
              newLead({
                company: i % 5 === 0 ? 'Acme Corp' : 'Other',
                email: i === 7 ? 'seven@example.com' : '',
                phones: [phone(`+4822555${String(1000 + i)}`)],
              }),
              NOW,
            )
          ).id,
        );
      await store.leads.update(ids[3], { firstName: 'Zoë', lastName: 'O%Brien' }, NOW);
      await store.activity.recordDisposition(disposition(ids[4], { effect: 'closed' }));
      const page = await store.leads.list({ campaignId, offset: 10, limit: 10 });
      expect(page.total).toBe(25);
      expect(page.rows.map((r) => r.id)).toEqual(ids.slice(10, 20));
      expect(page.rows[0]).toMatchObject({ phone: '+48225551010', status: 'new', attempts: 0 });
      expect(await store.leads.list({ campaignId, offset: 0, limit: 10, status: 'closed' })).toMatchObject({ total: 1, rows: [{ id: ids[4] }] });
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: 'acme' })).total).toBe(5);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: 'seven@' })).rows.map((r) => r.id)).toEqual([ids[7]]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: 'zoë o%b' })).rows.map((r) => r.id)).toEqual([ids[3]]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: '%' })).rows.map((r) => r.id)).toEqual([ids[3]]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: '555-1012' })).rows.map((r) => r.id)).toEqual([ids[12]]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 100, search: '(22) 555 10' })).total).toBe(25);
      expect(await store.leads.list({ campaignId, offset: 0, limit: 100, search: 'nobody' })).toEqual({ total: 0, rows: [] });
    });

    it('list: a row is the lead at a glance; search folds A–Z only; _ and \\ are plain characters', async () => {
      const l = await store.leads.create(
        campaignId,
        newLead({ firstName: 'Zoë', lastName: 'Under_Score', company: 'Back\\slash', phones: [phone('+12125550810'), phone('+12125550811')] }),
        NOW,
      );
      await store.leads.create(campaignId, newLead({ firstName: 'Underxscore' }), NOW);
      await store.activity.recordAttempt(l.id, NOW + 1);
      const { rows } = await store.leads.list({ campaignId, offset: 0, limit: 10, search: 'zoë' });
      expect(rows).toEqual([
        {
          id: l.id,
          name: 'Zoë Under_Score',
          company: 'Back\\slash',
          phone: '+12125550810',
          status: 'active',
          attempts: 1,
          score: 0,
          lastAttemptAt: NOW + 1,
          dueAt: null,
        },
      ]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 10, search: 'ZOË' })).total).toBe(0);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 10, search: 'UNDER_' })).rows.map((r) => r.id)).toEqual([l.id]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 10, search: 'k\\s' })).rows.map((r) => r.id)).toEqual([l.id]);
      expect((await store.leads.list({ campaignId, offset: 0, limit: 10, search: '2125550811' })).rows.map((r) => r.id)).toEqual([l.id]);
      expect(await store.leads.list({ campaignId, offset: 30, limit: 10 })).toEqual({ total: 2, rows: [] });
    });
  });

  describe('dnc', () => {
    it('has / add (first entry kept)', async () => {
      expect(await store.dnc.has('+12125550700')).toBe(false);
      await store.dnc.add('+12125550700', 'agent', NOW);
      await store.dnc.add('+12125550700', 'import', NOW + 1);
      expect(await store.dnc.has('+12125550700')).toBe(true);
    });

    it('addMany counts the new numbers only (one twice in the list counts once); count', async () => {
      await store.dnc.add('+12125550900', 'agent', NOW);
      expect(await store.dnc.addMany(['+12125550900', '+12125550901', '+12125550902', '+12125550901'], 'import', NOW)).toBe(2);
      expect(await store.dnc.addMany([], 'import', NOW)).toBe(0);
      expect(await store.dnc.count()).toBe(3);
      const many = Array.from({ length: 25_000 }, (_, i) => `+1313${String(i).padStart(7, '0')}`);
      expect(await store.dnc.addMany(many, 'registry', NOW)).toBe(25_000);
      expect(await store.dnc.count()).toBe(25_003);
    });
  });

  describe('audit', () => {
    const rec = (i: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
      at: NOW + i * 1000,
      path: 'manual',
      target: `+1212555${String(i).padStart(4, '0')}`,
      e164: `+1212555${String(i).padStart(4, '0')}`,
      leadId: i,
      campaignId: 7,
      allowed: i % 2 === 0,
      summary: `decision ${i}`,
      checks: '[{"rule":"dnc"}]',
      ...over,
    });

    it('append chains on the previous seal; list newest first; each oldest first within the range; count', async () => {
      const prevs: string[] = [];
      const stored = [];
      for (let i = 1; i <= 5; i++)
        stored.push(
          await store.audit.append(i === 3 ? rec(i, { e164: null, leadId: null, campaignId: null }) : rec(i), (prev) => {
            prevs.push(prev);
            return { kind: i === 1 ? 'sha256' : 'hmac-sha256', seal: `seal-${i}` };
          }),
        );
      expect(prevs).toEqual(['', 'seal-1', 'seal-2', 'seal-3', 'seal-4']);
      expect(stored[0]).toEqual({ ...rec(1), id: stored[0].id, hash: 'seal-1', seal: 'sha256' });
      expect(stored.map((s) => s.id)).toEqual([...stored.map((s) => s.id)].sort((a, b) => a - b));
      expect(await store.audit.count()).toBe(5);
      const listed = await store.audit.list(1, 2);
      expect(listed).toEqual([stored[3], stored[2]]);
      expect(listed[1]).toMatchObject({ e164: null, leadId: null, campaignId: null, allowed: false });
      const seen: number[] = [];
      await store.audit.each({ from: NOW + 2000, to: NOW + 4000 }, (r) => seen.push(r.id));
      expect(seen).toEqual([stored[1].id, stored[2].id, stored[3].id]);
      const all: unknown[] = [];
      await store.audit.each({}, (r) => all.push(r));
      expect(all).toEqual(stored);
    });

    it('each: a visitor that throws stops the export with its error', async () => {
      for (let i = 1; i <= 3; i++) await store.audit.append(rec(i), () => ({ kind: 'sha256', seal: `s${i}` }));
      let visited = 0;
      await expect(
        store.audit.each({}, () => {
          visited++;
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(visited).toBe(1);
      // The store goes on.
      expect(await store.audit.count()).toBe(3);
    });
  });

  describe('scrub', () => {
    it('phones: columns of the campaign’s phones with their numbers, internal DNC, verdicts and evidence', async () => {
      const plain = await store.leads.create(campaignId, newLead({ phones: [phone('+12125551000'), phone('+442071234567'), phone('+48225550000')] }), NOW);
      const evidence = await store.leads.create(
        campaignId,
        newLead({ consentAt: '2025-01-01', inquiryAt: null, lastPurchaseAt: '2024-12-24', phones: [phone('+12125551001'), phone('+4402071234567')] }),
        NOW,
      );
      const other = (await store.campaigns.save(campaignInput('Other'))).id;
      await store.leads.create(other, newLead({ phones: [phone('+12125551002')] }), NOW);
      await store.dnc.add('+12125551001', 'agent', NOW);
      await store.dnc.add('+48225550000', 'agent', NOW);

      const before = await store.scrub.phones(campaignId);
      const ids = [...before.phoneId];
      expect(ids).toHaveLength(5);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      await store.scrub.mark([
        { phoneId: ids[0], blocked: 'national-dnc' },
        { phoneId: ids[1], blocked: 'tps' },
        { phoneId: ids[3], blocked: 'national-dnc' },
      ]);
      const p = await store.scrub.phones(campaignId);
      expect([...p.phoneId]).toEqual(ids);
      expect([...p.leadId]).toEqual([plain.id, plain.id, plain.id, evidence.id, evidence.id]);
      expect([...p.nanp]).toEqual([2125551000, 0, 0, 2125551001, 0]);
      // +44 followed by a 0 is no national significant number.
      expect([...p.gb]).toEqual([0, 2071234567, 0, 0, 0]);
      expect([...p.internalDnc]).toEqual([0, 0, 1, 1, 0]);
      expect(p.blockedNames).toEqual(['national-dnc', 'tps']);
      expect([...p.blocked]).toEqual([1, 2, 0, 1, 0]);
      expect([...p.evidenceOf]).toEqual([-1, -1, -1, 0, 0]);
      expect(p.evidence).toEqual([['2025-01-01', null, '2024-12-24']]);

      // A share for a worker: from <= id < to.
      const share = await store.scrub.phones(campaignId, { from: ids[1], to: ids[3] });
      expect([...share.phoneId]).toEqual([ids[1], ids[2]]);
      expect([...share.blocked].map((c) => (c ? share.blockedNames[c - 1] : null))).toEqual(['tps', null]);

      const none = await store.scrub.phones(9999);
      expect(none.phoneId).toHaveLength(0);
      expect(none.evidence).toEqual([]);
    });

    it('split: about equal id ranges that cover every phone once; [] for none', async () => {
      expect(await store.scrub.split(campaignId, 4)).toEqual([]);
      for (let i = 0; i < 10; i++) await store.leads.create(campaignId, newLead(), NOW);
      const other = (await store.campaigns.save(campaignInput('Other'))).id;
      await store.leads.create(other, newLead(), NOW);
      const ids = [...(await store.scrub.phones(campaignId)).phoneId];
      const parts = await store.scrub.split(campaignId, 3);
      expect(parts).toEqual([
        { from: ids[0], to: ids[3] },
        { from: ids[3], to: ids[6] },
        { from: ids[6], to: Number.MAX_SAFE_INTEGER },
      ]);
      expect(await store.scrub.split(campaignId, 1)).toEqual([{ from: ids[0], to: Number.MAX_SAFE_INTEGER }]);
      expect(await store.scrub.split(campaignId, 50)).toHaveLength(10);
    });

    it('mark: the last verdict for a phone wins; null makes it callable again', async () => {
      const l = await store.leads.create(campaignId, newLead(), NOW);
      const [id] = (await store.scrub.phones(campaignId)).phoneId;
      await store.scrub.mark([
        { phoneId: id, blocked: 'a' },
        { phoneId: id, blocked: 'b' },
      ]);
      let p = await store.scrub.phones(campaignId);
      expect(p.blockedNames[p.blocked[0] - 1]).toBe('b');
      expect(await store.leads.next(campaignId, NOW)).toBeNull();
      await store.scrub.mark([{ phoneId: id, blocked: null }]);
      p = await store.scrub.phones(campaignId);
      expect(p.blocked[0]).toBe(0);
      expect((await store.leads.next(campaignId, NOW))?.id).toBe(l.id);
      await store.scrub.mark([]);
    });
  });
});
