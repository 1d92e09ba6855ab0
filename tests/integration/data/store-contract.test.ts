// The embedded store's semantics, on an in-memory database (files: tests/integration/data).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import type { DispositionRecord, Store } from '../../../electron/core/data/repositories.js';
import { campaignInput, newLead, phone } from '../../unit/data/store-fixtures.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);
const MIN = 60_000;

let store: Store;
let campaignId: number;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  campaignId = (await store.campaigns.save(campaignInput())).id;
});
afterEach(() => store.close());

function disposition(leadId: number, over: Partial<DispositionRecord>): DispositionRecord {
  return {
    leadId,
    callId: null,
    code: 'no-answer',
    label: 'No answer',
    effect: 'retry',
    success: false,
    note: '',
    at: NOW,
    phone: null,
    retryAt: null,
    callback: null,
    maxAttempts: 5,
    ...over,
  };
}

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
      { id: expect.any(Number), leadId: l.id, dueAt: NOW + 60 * MIN, timeZone: 'America/Chicago', note: 'after 5', done: false },
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
});

describe('dnc', () => {
  it('has / add (first entry kept)', async () => {
    expect(await store.dnc.has('+12125550700')).toBe(false);
    await store.dnc.add('+12125550700', 'agent', NOW);
    await store.dnc.add('+12125550700', 'import', NOW + 1);
    expect(await store.dnc.has('+12125550700')).toBe(true);
  });
});
