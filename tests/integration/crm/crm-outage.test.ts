// CRM sync through an hour-long outage of the CRM, on a simulated clock, against a real HTTP
// server that verifies every signature and keeps each event once by its webhook-id, as a CRM
// does. During the hour the CRM refuses connections, comes back but answers after the sender has
// given up (it did take the event), fails with 500, throttles with 429 and Retry-After (seconds
// and an HTTP date), restarts on the same port, answers 503, then 410 from a wrong route (sync
// turns itself off until IT turns it on again), fails a little longer and recovers. Agents keep
// writing dispositions, callbacks, lead changes and Do-Not-Call requests the whole time. The same
// scenario runs on the embedded store with one app and on the team database with two apps
// delivering from one outbox. The attempt timeout is real time, so it is short here.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrmDelivery, DEFAULT_CRM_RETRY, type ReadyEndpoint } from '../../../electron/core/crm/crm-delivery.js';
import { crmEvent } from '../../../electron/core/crm/crm-events.js';
import type { NewOutboxEntry } from '../../../electron/core/crm/outbox.js';
import { openPostgresStore } from '../../../electron/core/data/postgres/store.js';
import type { Store } from '../../../electron/core/data/repositories.js';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import type { Lead } from '../../../shared/lead.js';
import { crmEventTypes, type CrmEventType } from '../../../shared/crm.js';
import { mulberry32 } from '../../support/prng.js';
import { startCrmServer, type Answer, type Received } from '../../support/crm-server.js';
import { startPostgres } from '../../support/postgres.js';
import { campaignInput, dispositionRecord, newLead } from '../../unit/data/store-fixtures.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const T0 = Date.UTC(2026, 2, 9, 14, 0, 0);
const MIN = 60_000;
const OUTAGE_END = T0 + 60 * MIN;
const MIN_STEP = 30_000;
const MAX_STEP = 60_000;
/** Past the sender's timeout: the CRM takes the event and answers when nobody listens any more. */
const TIMEOUT_MS = 300;
const LATE_MS = 700;
const PARALLEL = 4;
const LEADS = 30;
const silent = { info: () => {}, warn: () => {} };

type Phase = 'refused' | 'late' | 'failing' | 'throttled' | 'restarting' | 'unavailable' | 'gone' | 'still-failing' | 'up';

/** What the CRM does from each minute after the outage began. */
const TIMELINE: ReadonlyArray<{ from: number; phase: Phase }> = [
  { from: 0, phase: 'refused' },
  { from: 15, phase: 'late' },
  { from: 25, phase: 'failing' },
  { from: 33, phase: 'throttled' },
  // Redeployed: nothing on its port for a moment, then back on the same one, warming up.
  { from: 41, phase: 'restarting' },
  { from: 42, phase: 'unavailable' },
  { from: 48, phase: 'gone' },
  // IT fixed the route and turned sync on again; the CRM is not quite well yet.
  { from: 56, phase: 'still-failing' },
  { from: 60, phase: 'up' },
];

const phaseAt = (t: number): Phase => TIMELINE.filter((p) => t >= T0 + p.from * MIN).at(-1)!.phase;

/** One request as the CRM saw it, on the test's clock. */
interface Request {
  id: string;
  at: number;
  phase: Phase;
  status: number;
  /** What its Retry-After asked for (an HTTP date is read back to the second). */
  retryAfterMs: number | null;
  body: string;
  verified: boolean;
}

/** Two stores on one outbox (or one), and how to close them. */
interface Stores {
  stores: Store[];
  close(): Promise<void>;
}

const cases: Array<{ name: string; open: () => Promise<Stores> }> = [
  {
    name: 'the embedded store, one app',
    open: async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-crm-outage-'));
      const store = openSqliteStore(path.join(dir, 'ringside.sqlite'));
      return {
        stores: [store],
        close: async () => {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'the team database, two apps on one outbox',
    open: async () => {
      const pg = await startPostgres();
      const database = await pg.createDatabase();
      // One after the other: the first migrates the new database.
      const a = await openPostgresStore(pg.team({ database }));
      const b = await openPostgresStore(pg.team({ database }));
      return {
        stores: [a, b],
        close: async () => {
          await Promise.all([a.close(), b.close()]);
          await pg.stop();
        },
      };
    },
  },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(cases)('CRM sync through an hour-long outage, on $name', ({ name, open }) => {
  it('every event reaches the CRM exactly once per webhook-id, in order per lead, within the backoff cap of the end', async () => {
    const { stores, close } = await open();
    const crm = await startCrmServer(SECRET);
    try {
      await outage(name, stores, crm);
    } finally {
      await crm.close();
      await close();
    }
  }, 60_000);
});

async function outage(name: string, stores: Store[], crm: Awaited<ReturnType<typeof startCrmServer>>): Promise<void> {
  let clock = T0;
  const rng = mulberry32(20260309);

  // What the agents wrote, in the order each write committed.
  const written = new Map<string, NewOutboxEntry>();
  const perLead = new Map<number, string[]>();

  // The CRM: what came in, and what it kept (once per webhook-id) and in which order per lead.
  const requests: Request[] = [];
  const kept = new Map<string, string>();
  const keptPerLead = new Map<number, string[]>();
  let throttled = 0;
  const answerFor = (phase: Phase): Answer => {
    switch (phase) {
      case 'late':
      case 'up':
        return { status: 200, delayMs: phase === 'late' ? LATE_MS : 0 };
      case 'failing':
      case 'still-failing':
        return { status: 500 };
      case 'throttled':
        // Both forms RFC 9110 allows: delay-seconds and an HTTP date (on the CRM's real clock).
        return throttled++ % 2 === 0
          ? { status: 429, headers: { 'retry-after': '90' } }
          : { status: 429, headers: { 'retry-after': new Date(Date.now() + 150_000).toUTCString() } };
      case 'unavailable':
        return { status: 503 };
      case 'gone':
        return { status: 410 };
      case 'refused':
      case 'restarting':
        throw new Error(`the CRM answered while it was down (${phase})`);
    }
  };
  crm.answerAlways((r: Received) => {
    const phase = phaseAt(clock);
    const answer = answerFor(phase);
    const retryAfter = answer.headers?.['retry-after'];
    requests.push({
      id: r.id,
      at: clock,
      phase,
      status: answer.status,
      // An HTTP date carries whole seconds: the sender may read it up to a second short.
      retryAfterMs: retryAfter === undefined ? null : /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 149_000,
      body: r.body,
      verified: r.verified,
    });
    if (r.verified && answer.status >= 200 && answer.status < 300 && !kept.has(r.id)) {
      kept.set(r.id, r.body);
      const leadId = (JSON.parse(r.body) as { data: { leadId?: number | null } }).data.leadId ?? null;
      if (leadId !== null) keptPerLead.set(leadId, [...(keptPerLead.get(leadId) ?? []), r.id]);
    }
    return answer;
  });

  // What the apps have under way, seen where they send: the CRM cannot tell an attempt the sender
  // gave up on from one still waiting. Also each event's attempts, those that never reached the
  // CRM included; a 410 is not one (it turns sync off and the event waits, uncounted).
  const underWay: Array<{ id: string; leadId: number | null }> = [];
  const clashes: string[] = [];
  const attempts = new Map<string, number>();
  const fetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const id = new Headers(init?.headers).get('webhook-id') ?? '';
    const leadId = (JSON.parse(String(init?.body)) as { data: { leadId?: number | null } }).data.leadId ?? null;
    for (const other of underWay)
      if (other.id === id || (leadId !== null && other.leadId === leadId)) clashes.push(`${id} (lead ${leadId}) while ${other.id} was under way`);
    const sending = { id, leadId };
    underWay.push(sending);
    let status = 0;
    try {
      const response = await fetch(input, init);
      status = response.status;
      return response;
    } finally {
      if (status !== 410) attempts.set(id, (attempts.get(id) ?? 0) + 1);
      underWay.splice(underWay.indexOf(sending), 1);
    }
  });

  // The campaign and its leads, written before the outage.
  const campaignId = (await stores[0].campaigns.save(campaignInput())).id;
  const leads: Lead[] = [];
  for (let i = 0; i < LEADS; i++) leads.push(await stores[0].leads.create(campaignId, newLead(), clock - MIN));

  let dncImport = 0;
  /** One agent's change, through the repository that makes it, with the events it writes. */
  async function change(store: Store, lead: Lead): Promise<void> {
    const events: NewOutboxEntry[] = [];
    const event = (type: CrmEventType, data: Record<string, unknown> = {}) => {
      const e = crmEvent(type, lead.id, clock, { leadId: lead.id, ...data });
      events.push(e);
      return e;
    };
    const phone = lead.phones[0].e164;
    const kind = rng();
    if (kind < 0.35) {
      await store.activity.recordDisposition(
        dispositionRecord(lead.id, clock, { effect: 'none', events: [event('disposition.recorded', { code: 'no-answer' })] }),
      );
    } else if (kind < 0.6) {
      const dueAt = clock + 26 * 60 * MIN;
      await store.activity.recordDisposition(
        dispositionRecord(lead.id, clock, {
          code: 'callback',
          label: 'Call back',
          effect: 'callback',
          retryAt: null,
          callback: { dueAt, timeZone: 'America/Chicago', owner: null },
          events: [event('disposition.recorded', { code: 'callback' }), event('callback.scheduled', { dueAt: new Date(dueAt).toISOString() })],
        }),
      );
    } else if (kind < 0.85) {
      await store.leads.update(lead.id, { company: `Acme ${Math.floor(rng() * 1000)}` }, clock, [event('lead.changed', { changes: ['company'] })]);
    } else if (kind < 0.95) {
      await store.activity.recordDisposition(
        dispositionRecord(lead.id, clock, {
          code: 'dnc',
          label: 'Do not call',
          effect: 'dnc',
          phone,
          retryAt: null,
          events: [event('disposition.recorded', { code: 'dnc' }), event('dnc.requested', { phone })],
        }),
      );
    } else {
      await store.dnc.add(phone, 'agent', clock, [event('dnc.requested', { phone, source: 'agent' })]);
    }
    for (const e of events) {
      written.set(e.id, e);
      perLead.set(lead.id, [...(perLead.get(lead.id) ?? []), e.id]);
    }
  }

  /** A few changes by the team this step, one after another (so their order is the written order). */
  async function writeSome(step: number): Promise<void> {
    const n = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < n; i++) await change(stores[(step + i) % stores.length], leads[Math.floor(rng() * leads.length)]);
    if (step % 17 === 5) {
      // A Do-Not-Call list imported from the compliance side: the CRM's news, tied to no lead.
      const phones = [`+1312555${String(1000 + dncImport++).padStart(4, '0')}`];
      const e = crmEvent('dnc.requested', null, clock, { phones, source: 'import' });
      await stores[0].dnc.addMany(phones, 'import', clock, [e]);
      written.set(e.id, e);
    }
  }

  // Each app delivers from its own connection, and runs another pass at once when it says more
  // may be due, as its own timer does.
  const endpoint: ReadyEndpoint = { url: crm.url, secret: SECRET, events: [...crmEventTypes], timeoutMs: TIMEOUT_MS };
  const apps = stores.map(
    (store, i) =>
      new CrmDelivery({
        outbox: store.outbox,
        endpoint: () => endpoint,
        worker: `agent-${i}`,
        log: silent,
        now: () => clock,
        random: mulberry32(i + 1),
        parallel: PARALLEL,
      }),
  );
  const drain = async (app: CrmDelivery) => {
    for (let i = 0; i < 50 && (await app.runOnce()); i++);
  };

  // What the outbox said at the end of each phase.
  const errorsAt = new Map<Phase, Set<string | null>>();
  const enter = async (phase: Phase) => {
    if (phase === 'late' || phase === 'unavailable') await crm.restart();
    if (phase === 'restarting') await crm.close();
    // IT turns sync back on, from one agent's app.
    if (phase === 'still-failing') await apps[0].enable();
  };
  const leave = async (phase: Phase) => {
    errorsAt.set(phase, new Set((await stores[0].outbox.list('pending', 0, 10_000)).map((e) => e.lastError)));
    if (phase === 'gone') expect((await apps.at(-1)!.status()).disabled?.reason).toMatch(/^The CRM answered 410 Gone/);
  };

  // The outage begins: nothing listens on the CRM's port.
  await crm.close();
  let phase: Phase = 'refused';
  const outbox = stores[0].outbox;
  for (let step = 0; clock <= OUTAGE_END + DEFAULT_CRM_RETRY.capMs + 2 * MAX_STEP; step++) {
    const now = phaseAt(clock);
    if (now !== phase) {
      await leave(phase);
      await enter(now);
      phase = now;
    }
    await Promise.all([clock < OUTAGE_END ? writeSome(step) : null, ...apps.map(drain)]);
    if (clock >= OUTAGE_END) {
      if ((await outbox.counts()).pending === 0) break;
    }
    clock += MIN_STEP + Math.floor(rng() * (MAX_STEP - MIN_STEP + 1));
  }

  // Nothing pending, nothing given up on, in every app's view of the outbox.
  for (const store of stores) expect(await store.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
  expect(await outbox.list('dead', 0, 10)).toEqual([]);

  // Every event written was taken by the CRM, once by its id, with the body as written.
  expect(written.size).toBeGreaterThan(150);
  expect([...kept.keys()].sort()).toEqual([...written.keys()].sort());
  for (const [id, body] of kept) expect(body).toBe(written.get(id)!.body);
  // Every attempt of one id carried the identical body, and every signature verified.
  for (const r of requests) expect(r.body, `the body of ${r.id}`).toBe(written.get(r.id)?.body);
  expect(requests.filter((r) => !r.verified)).toEqual([]);
  // Each event's last attempt was answered 2xx while the sender listened.
  const heard = new Set(requests.filter((r) => r.phase === 'up').map((r) => r.id));
  for (const id of written.keys()) expect(heard.has(id), `a 2xx the sender heard for ${id}`).toBe(true);

  // Per lead, the CRM took the events in the order they were written.
  for (const [leadId, ids] of perLead) expect(keptPerLead.get(leadId), `lead ${leadId}`).toEqual(ids);
  // Never two attempts of one lead's events under way at once (nor of one event), across the apps.
  expect(clashes).toEqual([]);

  // Retry-After was honoured: the next attempt of that event came no sooner.
  const byId = new Map<string, Request[]>();
  for (const r of requests) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  let throttledRetries = 0;
  for (const tries of byId.values())
    tries.forEach((r, i) => {
      const next = tries[i + 1];
      if (r.retryAfterMs === null || !next) return;
      throttledRetries++;
      expect(next.at - r.at, `the retry after a 429 of ${r.id}`).toBeGreaterThanOrEqual(r.retryAfterMs);
    });
  expect(throttledRetries).toBeGreaterThan(0);

  // The CRM that answered late had the event; the sender, not hearing, sent it again, same id and body.
  const lateIds = new Set(requests.filter((r) => r.phase === 'late').map((r) => r.id));
  expect(lateIds.size).toBeGreaterThan(0);
  for (const id of lateIds) expect(byId.get(id)!.filter((r) => r.phase === 'up')).not.toEqual([]);

  // 410 turned sync off at once: only the attempts already under way got it, nothing more was sent until IT turned it on.
  const gone = requests.filter((r) => r.phase === 'gone');
  expect(gone.length).toBeGreaterThan(0);
  expect(gone.length).toBeLessThanOrEqual(PARALLEL * apps.length);
  expect(new Set(gone.map((r) => r.at)).size).toBe(1);

  // Each phase left its reason, in words, on the events waiting.
  const reasons = (p: Phase) => [...(errorsAt.get(p) ?? [])].join('\n');
  expect(reasons('refused')).toMatch(/^The CRM at 127\.0\.0\.1:\d+ refused the connection$/m);
  expect(reasons('late')).toMatch(/^The CRM at 127\.0\.0\.1:\d+ did not answer within 0\.3 s$/m);
  expect(reasons('failing')).toMatch(/^The CRM answered 500 Internal Server Error$/m);
  expect(reasons('throttled')).toMatch(/^The CRM answered 429 Too Many Requests$/m);
  expect(reasons('unavailable')).toMatch(/^The CRM answered 503 Service Unavailable$/m);

  // Bounded work: no event was tried more often than the schedule allows, and the last one
  // arrived within the backoff's cap (plus the step that noticed it) of the CRM's recovery.
  const total = [...attempts.values()].reduce((a, b) => a + b, 0);
  const maxPerEvent = Math.max(...attempts.values());
  expect(maxPerEvent).toBeLessThanOrEqual(DEFAULT_CRM_RETRY.maxAttempts);
  const lastDelivered = Math.max(...requests.filter((r) => r.phase === 'up').map((r) => r.at));
  const afterEnd = lastDelivered - OUTAGE_END;
  expect(afterEnd).toBeLessThanOrEqual(DEFAULT_CRM_RETRY.capMs + MAX_STEP);
  console.log(
    `[crm-outage] ${name}: ${written.size} events, ${total} attempts (${requests.length} reached the CRM), max ${maxPerEvent} per event, ` +
      `last event delivered ${Math.round(afterEnd / 1000)} s after the outage ended`,
  );
}
