/**
 * Team mode benchmark, on a real PostgreSQL started for it (loopback): how fast agents get their
 * next lead from a shared pool of 100,000 while 50 agents, each in its own app, take leads at once (claim,
 * then the disposition that releases it, as a shift does), against the same loop of one agent on
 * the embedded SQLite file (the solo peer); and how soon a Do-Not-Call addition by one app reaches
 * the other through LISTEN/NOTIFY, measured while the claims run. Floors: an agent's next lead
 * within 50 ms (p95) — a pause the agent would notice after each call — a DNC addition on every
 * screen within 200 ms (p95), and the team's goal of 500 claims a second (each with its disposition);
 * and how fast two apps deliver the CRM outbox (5,000 events) against one solo app on SQLite.
 *
 *   npx tsx tests/bench/team-bench.ts                  # 100,000 leads, 5,000 claims
 *   npx tsx tests/bench/team-bench.ts --leads 20000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { CrmDelivery } from '../../electron/core/crm/crm-delivery.js';
import { crmEvent } from '../../electron/core/crm/crm-events.js';
import { openPostgresStore } from '../../electron/core/data/postgres/store.js';
import type { ImportRow, Store } from '../../electron/core/data/repositories.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { startCrmServer } from '../support/crm-server.js';
import { startPostgres } from '../support/postgres.js';
import { pct } from '../support/team-pool.js';
import { campaignInput, newLead, phone } from '../unit/data/store-fixtures.js';

const argv = process.argv.slice(2);
const leadsAt = argv.indexOf('--leads');
const LEADS = leadsAt >= 0 ? Number(argv[leadsAt + 1]) : 100_000;
/** Each agent is its own desktop app with its own small pool, as in a call center. */
const AGENTS = 50;
const CLAIMS_PER_AGENT = 100;
/** Connections per app: an agent does one thing at a time. */
const POOL = 2;
const GOAL_CLAIMS_PER_S = 500;
const FLOOR_CLAIM_P95_MS = 50;
const FLOOR_DNC_MS = 200;
/** Outbox events delivered to the CRM by two apps at once. */
const EVENTS = 5000;

/**
 * CRM delivery throughput: EVENTS events (each for its own lead, so none waits for another) in the
 * outbox, delivered to a real HTTP receiver that checks every signature, by `apps` apps at once
 * until none is pending. Events per second.
 */
async function outboxThroughput(stores: Store[], leadIds: number[]): Promise<{ perSecond: number; verified: boolean }> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const crm = await startCrmServer(secret);
  try {
    const at = Date.now();
    for (let from = 0; from < EVENTS; from += 100) {
      const events = leadIds.slice(from, from + 100).map((id) => crmEvent('lead.changed', id, at, { leadId: id, changed: ['company'] }));
      await stores[0]!.dnc.addMany([`+1305556${String(from / 100).padStart(4, '0')}`], 'bench', at, events);
    }
    const deliveries = stores.map(
      (outboxOf, i) =>
        new CrmDelivery({
          outbox: outboxOf.outbox,
          endpoint: () => ({ url: crm.url, secret, events: ['lead.changed', 'dnc.requested'], timeoutMs: 10_000 }),
          worker: `app-${i}`,
          log: { info: () => undefined, warn: () => undefined },
          parallel: 8,
        }),
    );
    const t0 = performance.now();
    for (;;) {
      await Promise.all(deliveries.map((d) => d.runOnce()));
      if ((await stores[0]!.outbox.counts()).pending === 0) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: crm.received.length / seconds, verified: crm.received.length >= EVENTS && crm.received.every((r) => r.verified) };
  } finally {
    await crm.close();
  }
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function fill(store: Store): Promise<number> {
  const campaign = await store.campaigns.save(campaignInput('Bench pool', { defaultCountry: 'US' }));
  for (let from = 0; from < LEADS; from += 5000) {
    const rows: ImportRow[] = [];
    for (let i = from; i < Math.min(LEADS, from + 5000); i++)
      rows.push({ row: i + 1, lead: newLead({ phones: [phone(`+1212${String(1_000_000 + i).padStart(7, '0')}`)], score: i % 97 }) });
    await store.leads.importRows(campaign.id, rows, 'skip', Date.now(), 'bench');
  }
  return campaign.id;
}

/** One agent's shift: claim, disposition (which releases the claim), again. Returns each claim's time. */
async function shift(store: Store, campaignId: number, agent: string, claims: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < claims; i++) {
    const t0 = performance.now();
    const lead = await store.leads.claimNext(campaignId, { agent, now: Date.now(), leaseMs: 300_000 });
    times.push(performance.now() - t0);
    if (!lead) break;
    await store.activity.recordDisposition({
      leadId: lead.id,
      callId: null,
      code: 'not-interested',
      label: 'Not interested',
      effect: 'closed',
      success: false,
      note: '',
      at: Date.now(),
      phone: null,
      retryAt: null,
      callback: null,
      maxAttempts: 3,
      agent,
    });
  }
  return times;
}

const pg = await startPostgres();
const dir = mkdtempSync(join(tmpdir(), 'ringside-team-bench-'));
try {
  const settings = pg.team({ poolMax: POOL });
  const apps = [];
  for (let i = 0; i < AGENTS; i++) apps.push(await openPostgresStore(settings));
  const [a, b] = [apps[0]!, apps[1]!];
  let t = performance.now();
  const campaignId = await fill(a);
  console.log(`team database: ${LEADS.toLocaleString('en')} leads imported in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // A DNC addition in app A, heard by app B, while the team works.
  const heard: number[] = [];
  let waiting: ((at: number) => void) | null = null;
  const stop = b.dnc.watch?.(() => waiting?.(performance.now())) ?? (() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  let working = true;
  const notices = (async () => {
    for (let i = 0; working && i < 200; i++) {
      const got = new Promise<number>((resolve) => (waiting = resolve));
      const t0 = performance.now();
      await a.dnc.add(`+1305555${String(1000 + i)}`, 'manual', Date.now());
      heard.push((await got) - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  t = performance.now();
  const all = await Promise.all(apps.map((store, i) => shift(store, campaignId, `agent-${i}`, CLAIMS_PER_AGENT)));
  const wall = (performance.now() - t) / 1000;
  working = false;
  await notices;
  stop();
  const claims = all.flat();
  const claimed = await a.activity.results(0, Date.now() + 1000);
  const done = claimed.rows.reduce((n, r) => n + r.dispositions, 0);

  const solo = openSqliteStore(join(dir, 'solo.db'));
  const soloCampaign = await fill(solo);
  t = performance.now();
  const soloTimes = await shift(solo, soloCampaign, 'solo', CLAIMS_PER_AGENT * 2);
  const soloWall = (performance.now() - t) / 1000;
  await solo.close();

  console.log('');
  console.log('| figure | this run | floor or peer |');
  console.log('|---|---|---|');
  console.log(
    `| next lead for one of ${AGENTS} agents (each its own app, ${POOL} connections), p50 / p95 / max | ${ms(pct(claims, 50))} / ${ms(pct(claims, 95))} / ${ms(Math.max(...claims))} | floor p95 ≤ ${FLOOR_CLAIM_P95_MS} ms |`,
  );
  console.log(
    `| claims + dispositions per second, whole team | ${(done / wall).toFixed(0)} /s (${done} in ${wall.toFixed(1)} s) | goal ≥ ${GOAL_CLAIMS_PER_S} /s; solo peer: ${(soloTimes.length / soloWall).toFixed(0)} /s |`,
  );
  console.log(`| next lead, one solo agent on SQLite, p50 / p95 | ${ms(pct(soloTimes, 50))} / ${ms(pct(soloTimes, 95))} | peer |`);
  const twice = await pg.admin(async (c) => {
    const r = await c.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT lead_id) AS d FROM dispositions');
    return Number(r.rows[0]!.n) - Number(r.rows[0]!.d);
  }, pg.database);
  console.log(`| leads given to two agents | ${twice} | 0 |`);
  console.log(
    `| DNC addition in one app → heard by the other while the team works (${heard.length}), p50 / p95 | ${ms(pct(heard, 50))} / ${ms(pct(heard, 95))} | floor p95 ≤ ${FLOOR_DNC_MS} ms |`,
  );
  const ok = pct(claims, 95) <= FLOOR_CLAIM_P95_MS && pct(heard, 95) <= FLOOR_DNC_MS && done === AGENTS * CLAIMS_PER_AGENT && twice === 0;
  console.log(ok ? 'team: every figure within its floor' : 'team: a figure is past its floor');
  const leadIds = (await pg.admin((c) => c.query<{ id: number }>('SELECT id FROM leads ORDER BY id LIMIT $1', [EVENTS]), pg.database)).rows.map((r) =>
    Number(r.id),
  );
  const teamOutbox = await outboxThroughput([a, b], leadIds);
  const soloAgain = openSqliteStore(join(dir, 'solo.db'));
  // The solo file is new: its leads are numbered from 1.
  const soloLeads = Array.from({ length: EVENTS }, (_, i) => i + 1);
  const soloOutbox = await outboxThroughput([soloAgain], soloLeads);
  await soloAgain.close();
  console.log(
    `| CRM events delivered per second (two apps, 8 at once each, to a local receiver checking each signature) | ${teamOutbox.perSecond.toFixed(0)} /s | one solo app on SQLite: ${soloOutbox.perSecond.toFixed(0)} /s |`,
  );
  for (const app of apps) await app.close();
  if (!ok || !teamOutbox.verified || !soloOutbox.verified) process.exitCode = 1;
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
