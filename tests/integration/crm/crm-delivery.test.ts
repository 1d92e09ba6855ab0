// CRM sync against a real HTTP server that verifies Standard Webhooks signatures, from the
// embedded store's outbox. The clock is the test's, so backoffs are checked without waiting them out.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrmDelivery, type ReadyEndpoint } from '../../../electron/core/crm/crm-delivery.js';
import type { OutboxRepository } from '../../../electron/core/crm/outbox.js';
import { insertOutbox, OUTBOX_SCHEMA, outboxRepository } from '../../../electron/core/data/sqlite/outbox-repository.js';
import { statementCache } from '../../../electron/core/data/sqlite/statements.js';
import { crmEventTypes, type CrmEventType } from '../../../shared/crm.js';
import { startCrmServer, type CrmServer } from '../../support/crm-server.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const silent = { info: () => {}, warn: () => {} };

let dir: string;
let crm: CrmServer;
let clock: number;
let dbs: Database.Database[];

function openOutbox(): { outbox: OutboxRepository; write(type: CrmEventType, leadId: number | null, data?: object): string } {
  const db = new Database(path.join(dir, 'outbox.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'crm_outbox'`).get()) db.exec(OUTBOX_SCHEMA);
  dbs.push(db);
  const { q } = statementCache(db);
  return {
    outbox: outboxRepository(db, q),
    write: (type, leadId, data = {}) => {
      const id = `evt_${randomUUID()}`;
      const body = JSON.stringify({ id, type, timestamp: new Date(clock).toISOString(), data: { leadId, ...data } });
      insertOutbox(q, [{ id, type, leadId, createdAt: clock, body }]);
      return id;
    },
  };
}

function delivery(outbox: OutboxRepository, endpoint: Partial<ReadyEndpoint> = {}, worker = 'agent-anna'): CrmDelivery {
  const ready: ReadyEndpoint = { url: crm.url, secret: SECRET, events: [...crmEventTypes], timeoutMs: 2000, ...endpoint };
  return new CrmDelivery({
    outbox,
    endpoint: () => ready,
    worker,
    log: silent,
    now: () => clock,
    random: () => 1,
    retry: { baseMs: 10_000, capMs: 3600_000, maxAttempts: 4 },
  });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-crm-'));
  crm = await startCrmServer(SECRET);
  clock = T0;
  dbs = [];
});
afterEach(async () => {
  await crm.close();
  for (const db of dbs) db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CRM webhooks', () => {
  it('signs each event as Standard Webhooks says, with its outbox id as webhook-id', async () => {
    const { outbox, write } = openOutbox();
    const id = write('disposition.recorded', 7, { disposition: 'Sale', note: 'Zażółć gęślą jaźń' });
    await delivery(outbox).runOnce();
    expect(crm.received).toHaveLength(1);
    const [got] = crm.received;
    expect(got.verified).toBe(true);
    expect(got.id).toBe(id);
    // The signature's time is the sending moment (a CRM refuses one minutes off its clock), not the event's.
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(got.body)).toMatchObject({ id, type: 'disposition.recorded', data: { leadId: 7, disposition: 'Sale', note: 'Zażółć gęślą jaźń' } });
    expect(got.headers['content-type']).toBe('application/json');
    expect(await outbox.counts()).toEqual({ pending: 0, dead: 0, lastDeliveredAt: T0 });
  });

  it('a CRM with another secret rejects the signature', async () => {
    const { outbox, write } = openOutbox();
    write('lead.changed', 1);
    await delivery(outbox, { secret: `whsec_${randomBytes(24).toString('base64')}` }).runOnce();
    expect(crm.received.map((r) => r.verified)).toEqual([false]);
  });

  it('retries a failed event with the same webhook-id after the backoff, and honours Retry-After', async () => {
    const { outbox, write } = openOutbox();
    const id = write('disposition.recorded', 1);
    const d = delivery(outbox);
    crm.script({ status: 500 }, { status: 429, headers: { 'retry-after': '120' } });
    await d.runOnce();
    // random() = 1: the first retry waits the full 10 s.
    clock += 9_999;
    await d.runOnce();
    expect(crm.received).toHaveLength(1);
    clock += 1;
    await d.runOnce();
    expect(crm.received).toHaveLength(2);
    const [pending] = await outbox.list('pending', 0, 10);
    expect(pending).toMatchObject({ attempts: 2, lastError: 'The CRM answered 429 Too Many Requests' });
    clock += 119_999;
    await d.runOnce();
    expect(crm.received).toHaveLength(2);
    clock += 1;
    await d.runOnce();
    expect(crm.received.map((r) => r.id)).toEqual([id, id, id]);
    expect(crm.received.every((r) => r.verified)).toBe(true);
    expect((await outbox.counts()).pending).toBe(0);
  });

  it('a short Retry-After never brings the next attempt sooner than the schedule would', async () => {
    const { outbox, write } = openOutbox();
    const id = write('lead.changed', 1);
    const d = delivery(outbox);
    // random() = 1: the schedule waits 10 s, then 20 s, then 40 s.
    crm.script({ status: 500 }, { status: 500 }, { status: 429, headers: { 'retry-after': '5' } });
    await d.runOnce();
    clock += 10_000;
    await d.runOnce();
    clock += 20_000;
    await d.runOnce();
    expect(crm.received).toHaveLength(3);
    // The CRM asked for 5 s; the third retry still waits its 40 s, so throttling does not use up the attempts.
    clock += 39_999;
    await d.runOnce();
    expect(crm.received).toHaveLength(3);
    clock += 1;
    await d.runOnce();
    expect(crm.received.map((r) => r.id)).toEqual([id, id, id, id]);
  });

  it("a lead's events queued behind one another go out together, not one per poll", async () => {
    const { outbox, write } = openOutbox();
    const ids = [write('disposition.recorded', 1), write('callback.scheduled', 1), write('dnc.requested', 1)];
    const d = new CrmDelivery({
      outbox,
      endpoint: () => ({ url: crm.url, secret: SECRET, events: [...crmEventTypes], timeoutMs: 2000 }),
      worker: 'agent-anna',
      log: silent,
      now: () => clock,
      pollMs: 60_000,
    });
    d.start();
    const t0 = performance.now();
    while (crm.received.length < 3 && performance.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    await d.stop();
    expect(crm.received.map((r) => r.id)).toEqual(ids);
  });

  it("keeps a lead's events in order: a later change waits for the earlier one; other leads go on", async () => {
    const { outbox, write } = openOutbox();
    const first = write('disposition.recorded', 1);
    clock += 1;
    const second = write('callback.scheduled', 1);
    const other = write('lead.changed', 2);
    const d = delivery(outbox);
    crm.script({ status: 503 });
    await d.runOnce();
    // Lead 1's first failed; its second was not sent; lead 2's went.
    expect(crm.received.map((r) => r.id)).toEqual([first, other]);
    clock += 10_000;
    await d.runOnce();
    await d.runOnce();
    expect(crm.received.map((r) => r.id)).toEqual([first, other, first, second]);
  });

  it('gives up after the last attempt into the dead-letter list, and "retry" sends it again', async () => {
    const { outbox, write } = openOutbox();
    const id = write('dnc.requested', 3, { phone: '+48225550143' });
    const d = delivery(outbox);
    crm.answerAlways({ status: 500 });
    for (let i = 0; i < 4; i++) {
      await d.runOnce();
      clock += 3600_000;
    }
    expect(crm.received).toHaveLength(4);
    expect(await d.status()).toMatchObject({ pending: 0, dead: 1 });
    const [dead] = await d.deadLetters(0, 10);
    expect(dead).toMatchObject({ id, type: 'dnc.requested', leadId: 3, attempts: 4, state: 'dead', lastError: 'The CRM answered 500 Internal Server Error' });
    // A dead event no longer holds the lead's later ones.
    const later = write('lead.changed', 3);
    crm.answerAlways(null);
    await d.runOnce();
    expect(crm.received.at(-1)?.id).toBe(later);
    expect(await d.revive(id)).toBe(true);
    await d.runOnce();
    expect(crm.received.at(-1)?.id).toBe(id);
    expect(await d.status()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('410 Gone turns the endpoint off with the reason; nothing is lost and it resumes when turned on', async () => {
    const { outbox, write } = openOutbox();
    const a = write('disposition.recorded', 1);
    const d = delivery(outbox, { events: [...crmEventTypes] });
    crm.script({ status: 410 });
    await d.runOnce();
    const status = await d.status();
    expect(status.disabled?.reason).toBe('The CRM answered 410 Gone: it says this address no longer takes events');
    expect(status.pending).toBe(1);
    write('lead.changed', 2);
    clock += 86_400_000;
    await d.runOnce();
    expect(crm.received).toHaveLength(1);
    await d.enable();
    await d.runOnce();
    expect(crm.received.slice(1).map((r) => JSON.parse(r.body).type)).toEqual(['disposition.recorded', 'lead.changed']);
    expect(crm.received[1].id).toBe(a);
    expect((await d.status()).disabled).toBeNull();
  });

  it('says in words why the CRM could not be reached, and does not follow a redirect', async () => {
    const { outbox, write } = openOutbox();
    write('lead.changed', 1);
    await crm.close();
    await delivery(outbox).runOnce();
    const [entry] = await outbox.list('pending', 0, 1);
    expect(entry.lastError).toMatch(/^The CRM at 127\.0\.0\.1:\d+ refused the connection$/);

    crm = await startCrmServer(SECRET);
    crm.script({ status: 302, headers: { location: 'https://elsewhere.example/' } });
    clock += 3600_000;
    await delivery(outbox).runOnce();
    const [again] = await outbox.list('pending', 0, 1);
    expect(again.lastError).toBe('The CRM answered 302 Found (a redirect, which is not followed)');

    crm.script({ status: 200, delayMs: 3000 });
    clock += 3600_000;
    await delivery(outbox).runOnce();
    const [slow] = await outbox.list('pending', 0, 1);
    expect(slow.lastError).toMatch(/did not answer within 2 s$/);
  });

  it('an event the endpoint did not ask for is not sent', async () => {
    const { outbox, write } = openOutbox();
    write('lead.changed', 1);
    write('disposition.recorded', 2);
    await delivery(outbox, { events: ['disposition.recorded'] }).runOnce();
    expect(crm.received.map((r) => JSON.parse(r.body).type)).toEqual(['disposition.recorded']);
    expect((await outbox.counts()).pending).toBe(0);
  });

  it('two apps on one outbox deliver each event once', async () => {
    const a = openOutbox();
    const b = openOutbox();
    const ids = new Set<string>();
    for (let lead = 1; lead <= 30; lead++) ids.add(a.write('disposition.recorded', lead));
    crm.answerAlways({ status: 200, delayMs: 5 });
    const anna = delivery(a.outbox, {}, 'agent-anna');
    const piotr = delivery(b.outbox, {}, 'agent-piotr');
    for (let i = 0; i < 10; i++) await Promise.all([anna.runOnce(), piotr.runOnce()]);
    expect(crm.received.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect((await a.outbox.counts()).pending).toBe(0);
  });
});
