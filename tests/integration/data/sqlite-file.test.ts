// The store on a real file: migrations, durability across connections and processes, and speed
// on 100 k leads (timings are printed, not asserted: machines differ).
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, latestVersion, migrate, migrations } from '../../../electron/core/data/sqlite/migrations.js';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import type { NewLead, Store } from '../../../electron/core/data/repositories.js';
import { campaignInput, newLead, phone } from '../../unit/data/store-fixtures.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringside-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('creates the schema from empty, then re-opening is a no-op', async () => {
    const file = join(dir, 'fresh.db');
    const s = openSqliteStore(file);
    const id = (await s.campaigns.save(campaignInput())).id;
    await s.close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).sort();
    expect(tables).toEqual([
      'callbacks',
      'calls',
      'campaigns',
      'compliance_audit',
      'crm_outbox',
      'crm_state',
      'dispositions',
      'dnc',
      'history',
      'lead_phones',
      'leads',
      'registry_snapshots',
    ]);
    expect(migrate(raw)).toBe(latestVersion);
    raw.close();
    const again = openSqliteStore(file);
    expect((await again.campaigns.get(id))?.name).toBe('Spring outbound');
    await again.close();
  });

  it('applies only pending migrations, each with its version', () => {
    const raw = new Database(join(dir, 'steps.db'));
    const extra = [...migrations, { version: latestVersion + 1, up: (db: Database.Database) => db.exec('CREATE TABLE extra (x)') }];
    expect(migrate(raw, migrations)).toBe(latestVersion);
    expect(migrate(raw, extra)).toBe(latestVersion + 1);
    expect(migrate(raw, extra)).toBe(latestVersion + 1);
    // A failing migration leaves the previous version intact.
    const broken = [
      ...extra,
      {
        version: latestVersion + 2,
        up: (db: Database.Database) => {
          db.exec('CREATE TABLE half (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(raw, broken)).toThrow('boom');
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion + 1);
    expect(raw.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    raw.close();
  });

  it("version 7 (team mode) keeps a version 6 file as it was: nobody holds its leads, its callbacks are anyone's", async () => {
    const file = join(dir, 'v6.db');
    const raw = new Database(file);
    expect(
      migrate(
        raw,
        migrations.filter((m) => m.version <= 6),
      ),
    ).toBe(6);
    raw.exec(`
      INSERT INTO campaigns (id, name, kind, dial_mode, max_attempts, config, created_at, updated_at) VALUES (1, 'Old', 'outbound', 'preview', 3, '{}', 0, 0);
      INSERT INTO leads (id, campaign_id, status, due_at, created_at, updated_at) VALUES (1, 1, 'callback', ${NOW - 1000}, 0, 0);
      INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw) VALUES (1, 1, 0, '+12125550042', '212 555 0042');
      INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at) VALUES (1, ${NOW - 1000}, 'UTC', 'old', 0, 0);
      INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome) VALUES ('c', 1, 'outbound', '+12125550042', ${NOW}, NULL, ${NOW}, 'no-answer');
    `);
    raw.close();
    const s = openSqliteStore(file);
    expect(await s.leads.callbacks(1)).toMatchObject([{ note: 'old', owner: null }]);
    expect(await s.leads.holder(1, NOW)).toBeNull();
    expect(await s.activity.stats(NOW, NOW + 1, 'd')).toMatchObject({ calls: 1 });
    expect(await s.activity.stats(NOW, NOW + 1, 'd', 'ann')).toMatchObject({ calls: 0 });
    // A callback written before owners existed is anyone's: the first agent to ask gets it.
    expect((await s.leads.claimNext(1, { agent: 'ann', now: NOW, leaseMs: 60_000 }))?.id).toBe(1);
    expect(await s.leads.holder(1, NOW)).toBe('ann');
    await s.close();
  });

  it('refuses a file from a newer Ringside, writable or read-only', async () => {
    const file = join(dir, 'newer.db');
    await openSqliteStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestVersion + 5}`);
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(DatabaseTooNewError);
    expect(() => openSqliteStore(file)).toThrow(/update Ringside/);
    expect(() => openSqliteStore(file, { readonly: true })).toThrow(DatabaseTooNewError);
  });

  it('read-only: reads an up-to-date file, refuses writes and a missing file', async () => {
    const file = join(dir, 'ro.db');
    const w = openSqliteStore(file);
    const id = (await w.campaigns.save(campaignInput('RO'))).id;
    const ro = openSqliteStore(file, { readonly: true });
    expect((await ro.campaigns.get(id))?.name).toBe('RO');
    await expect(ro.dnc.add('+12125550000', 'x', NOW)).rejects.toThrow(/readonly/i);
    await ro.close();
    await w.close();
    expect(() => openSqliteStore(join(dir, 'missing.db'), { readonly: true })).toThrow();
  });
});

describe('durability and concurrency', () => {
  it('a disposition is visible to a second connection as soon as recordDisposition returns', async () => {
    const file = join(dir, 'durable.db');
    const a = openSqliteStore(file);
    const c = (await a.campaigns.save(campaignInput())).id;
    const lead = await a.leads.create(c, newLead(), NOW);
    const b = openSqliteStore(file);
    await a.activity.recordDisposition({
      leadId: lead.id,
      callId: 'x',
      code: 'callback',
      label: 'Callback',
      effect: 'callback',
      success: false,
      note: 'ring at 5',
      at: NOW,
      phone: null,
      retryAt: null,
      callback: { dueAt: NOW + 3600_000, timeZone: 'America/New_York' },
      maxAttempts: 5,
    });
    expect(await b.leads.get(lead.id)).toMatchObject({ status: 'callback', dueAt: NOW + 3600_000 });
    expect(await b.leads.callbacks(lead.id)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('survives the writing process dying without close()', async () => {
    const file = join(dir, 'crash.db');
    const s = openSqliteStore(file);
    const c = (await s.campaigns.save(campaignInput())).id;
    const lead = await s.leads.create(c, newLead(), NOW);
    await s.close();
    const script = join(dir, 'crash.ts');
    writeFileSync(
      script,
      `import { openSqliteStore } from ${JSON.stringify(join(process.cwd(), 'electron/core/data/sqlite/store.ts'))};
       const s = openSqliteStore(${JSON.stringify(file)});
       s.activity.recordDisposition({ leadId: ${lead.id}, callId: null, code: 'do-not-call', label: 'Do not call', effect: 'dnc', success: false, note: '', at: ${NOW}, phone: null, retryAt: null, callback: null, maxAttempts: 5 });
       process.kill(process.pid, 'SIGKILL');`,
    );
    try {
      execFileSync(join(process.cwd(), 'node_modules/.bin/tsx'), [script], { stdio: 'pipe' });
    } catch {
      // killed, as intended
    }
    const after = openSqliteStore(file);
    expect((await after.leads.get(lead.id))?.status).toBe('dnc');
    expect(await after.dnc.has(lead.phones[0].e164)).toBe(true);
    await after.close();
  });

  it('an import on one connection and dispositions on another both land', async () => {
    const file = join(dir, 'concurrent.db');
    const agent = openSqliteStore(file);
    const worker = openSqliteStore(file);
    const c = (await agent.campaigns.save(campaignInput())).id;
    const lead = await agent.leads.create(c, newLead(), NOW);
    const rows = Array.from({ length: 2000 }, (_, i) => newLead({ phones: [phone(`+1312${String(2_000_000 + i)}`)] }));
    for (let i = 0; i < rows.length; i += 500) {
      await worker.leads.importBatch(c, rows.slice(i, i + 500), 'skip', NOW);
      await agent.activity.recordAttempt(lead.id, NOW + i);
    }
    expect((await agent.leads.list({ campaignId: c, offset: 0, limit: 1 })).total).toBe(2001);
    expect((await worker.leads.get(lead.id))?.attempts).toBe(4);
    await agent.close();
    await worker.close();
  });
});

describe('speed on 100 k leads', () => {
  let store: Store;
  let campaignId: number;
  const N = 100_000;

  beforeAll(async () => {
    store = openSqliteStore(join(dir, 'big.db'));
    campaignId = (await store.campaigns.save(campaignInput('Big'))).id;
  });
  afterAll(() => store.close());

  function bigRow(i: number): NewLead {
    return {
      firstName: `Name${i}`,
      lastName: `Surname${i % 997}`,
      company: i % 10 === 0 ? `Company ${i % 313}` : '',
      email: `p${i}@example.com`,
      street: '',
      city: 'Springfield',
      region: 'IL',
      postalCode: '62701',
      country: 'US',
      timeZone: 'America/Chicago',
      source: 'list-2025',
      customFields: {},
      consentAt: null,
      inquiryAt: null,
      lastPurchaseAt: null,
      score: i % 1000,
      priority: i % 3,
      phones: [{ e164: `+1217${String(1_000_000 + i)}`, raw: `(217) ${i}`, label: null }],
    };
  }

  it('importBatch: 100 k simple rows (target ≥ 100 k rows/s)', async () => {
    const rows = Array.from({ length: N }, (_, i) => bigRow(i));
    const t0 = performance.now();
    let imported = 0;
    for (let i = 0; i < N; i += 5000) imported += (await store.leads.importBatch(campaignId, rows.slice(i, i + 5000), 'skip', NOW)).imported;
    const ms = performance.now() - t0;
    console.log(`importBatch: ${N} rows in ${ms.toFixed(0)} ms = ${Math.round(N / (ms / 1000))} rows/s (batches of 5000)`);
    expect(imported).toBe(N);
    const t1 = performance.now();
    const again = await store.leads.importBatch(campaignId, rows.slice(0, 20_000), 'merge', NOW + 1);
    const ms2 = performance.now() - t1;
    console.log(`importBatch merge: 20000 duplicates in ${ms2.toFixed(0)} ms = ${Math.round(20_000 / (ms2 / 1000))} rows/s`);
    expect(again).toEqual({ imported: 0, merged: 20_000, skipped: 0 });
  });

  it('next(): fast on 100 k leads, also after a day of calling', async () => {
    const time = async (label: string, f: () => Promise<unknown>) => {
      await f();
      const t0 = performance.now();
      let r: unknown;
      for (let i = 0; i < 200; i++) r = await f();
      console.log(`next() ${label}: ${((performance.now() - t0) / 200).toFixed(3)} ms`);
      return r;
    };
    const first = (await time('fresh list', () => store.leads.next(campaignId, NOW))) as { priority: number; score: number };
    expect(first).toMatchObject({ priority: 2, score: 999 });
    // A day of calling: the 1000 best leads were attempted and are due again later; many on DNC.
    let n = 0;
    for (let i = 0; i < 1000; i++) {
      const l = (await store.leads.next(campaignId, NOW))!;
      await store.activity.recordAttempt(l.id, NOW);
      await store.activity.recordDisposition({
        leadId: l.id,
        callId: null,
        code: 'no-answer',
        label: 'No answer',
        effect: 'retry',
        success: false,
        note: '',
        at: NOW,
        phone: null,
        retryAt: NOW + 7200_000,
        callback: null,
        maxAttempts: 5,
      });
      n++;
    }
    for (let i = 0; i < 2000; i++) await store.dnc.add(`+1217${String(1_000_000 + i * 3 + 2)}`, 'registry', NOW);
    const afterDay = (await time('after 1000 retries + 2000 DNC numbers', () => store.leads.next(campaignId, NOW + 60_000))) as { status: string };
    expect(afterDay.status).toBe('new');
    await time('with 10 excluded ids', () => store.leads.next(campaignId, NOW + 60_000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(n).toBe(1000);
  });

  it('claimNext(): fast on 100 k leads with 20 agents holding the best ones and due callbacks that are theirs', async () => {
    const later = NOW + 3 * 3600_000;
    const agents = Array.from({ length: 20 }, (_, i) => `agent${i}`);
    // 500 due callbacks, 25 per agent: every other agent's are read and passed over.
    for (let i = 0; i < 500; i++) {
      // Claimed before any of them is due, so each is a lead of its own.
      const l = (await store.leads.claimNext(campaignId, { agent: agents[i % 20], now: later - 2, leaseMs: 60_000 }))!;
      await store.activity.recordDisposition({
        leadId: l.id,
        callId: null,
        code: 'callback',
        label: 'Callback',
        effect: 'callback',
        success: false,
        note: '',
        at: later,
        phone: null,
        retryAt: null,
        callback: { dueAt: later - 1, timeZone: 'UTC', owner: agents[i % 20] },
        maxAttempts: 5,
        agent: agents[i % 20],
      });
    }
    expect((await store.leads.list({ campaignId, offset: 0, limit: 1, status: 'callback' })).total).toBe(500);
    const held: number[] = [];
    for (const agent of agents.slice(1)) held.push((await store.leads.claimNext(campaignId, { agent, now: later, leaseMs: 600_000 }))!.id);
    let t0 = performance.now();
    for (let i = 0; i < 200; i++) await store.leads.claimNext(campaignId, { agent: 'outsider', now: later, leaseMs: 600_000 });
    console.log(`claimNext() past 19 held leads and 500 others' callbacks: ${((performance.now() - t0) / 200).toFixed(3)} ms`);
    const mine = await store.leads.claimNext(campaignId, { agent: agents[0], now: later, leaseMs: 600_000 });
    expect(mine?.status).toBe('callback');
    t0 = performance.now();
    for (let i = 0; i < 200; i++) await store.leads.claimNext(campaignId, { agent: agents[0], now: later, leaseMs: 600_000, exclude: [mine!.id] });
    console.log(`claimNext() to an agent with 25 due callbacks: ${((performance.now() - t0) / 200).toFixed(3)} ms`);
    expect(held).toHaveLength(19);
  });

  it('list(): paging, status filter and search on 100 k leads', async () => {
    const time = async (label: string, f: () => Promise<{ total: number }>) => {
      await f();
      const t0 = performance.now();
      let r = await f();
      for (let i = 0; i < 19; i++) r = await f();
      console.log(`list() ${label}: ${((performance.now() - t0) / 20).toFixed(2)} ms (total ${r.total})`);
      return r;
    };
    expect((await time('first page of 100', () => store.leads.list({ campaignId, offset: 0, limit: 100 }))).total).toBe(N);
    await time('page at offset 99 900', () => store.leads.list({ campaignId, offset: 99_900, limit: 100 }));
    await time('status active', () => store.leads.list({ campaignId, offset: 0, limit: 100, status: 'active' }));
    await time('search "Surname42"', () => store.leads.list({ campaignId, offset: 0, limit: 100, search: 'Surname42' }));
    await time('search phone digits "217100"', () => store.leads.list({ campaignId, offset: 0, limit: 100, search: '217100' }));
    const t0 = performance.now();
    const summary = await store.campaigns.list(NOW);
    console.log(`campaigns.list(): ${(performance.now() - t0).toFixed(2)} ms`, summary);
  });
});
