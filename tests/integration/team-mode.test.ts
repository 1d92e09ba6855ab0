/**
 * Team mode end to end in Node: two agents' cores on one real PostgreSQL database, each with its
 * own connection pool, as two desktops would be, and a real HTTP server as the company's CRM
 * (it verifies every Standard Webhooks signature). Agents taking leads as fast as they can never
 * get the same one; every disposition reaches the CRM once, signed; a number one agent puts on
 * the Do-Not-Call list blocks the other agent's card at once; a team database that stops
 * answering is shown as down, and as up again when it is back.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { openPostgresStore } from '../../electron/core/data/postgres/store.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import type { Store } from '../../electron/core/data/repositories.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { accountSchema } from '../../shared/account.js';
import type { TeamStatusView } from '../../shared/team.js';
import type { WorkspaceView } from '../../shared/workspace.js';
import { startCrmServer, type CrmServer } from '../support/crm-server.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { campaignInput, newLead, phone } from '../unit/data/store-fixtures.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const LEADS = 40;

let pg: PostgresServer;
let crm: CrmServer;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [pg, crm] = await Promise.all([startPostgres(), startCrmServer(SECRET)]);
}, 60_000);
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await crm?.close();
  await pg?.stop();
});

interface Agent {
  core: Core;
  peer: TestPeer;
  store: Store;
}

async function agent(user: string, database: string, role: 'agent' | 'both' = 'agent', port?: number, dataDir?: string): Promise<Agent> {
  const team = { name: 'Warsaw outbound', database: pg.team({ database, ...(port ? { url: `postgres://${pg.user}@127.0.0.1:${port}/${database}` } : {}) }) };
  const account = accountSchema.parse({
    server: 'wss://127.0.0.1:9/ws',
    aor: `sip:${user}@pbx.test`,
    password: 'x',
    team,
    crm: { url: crm.url, secret: SECRET },
    supervision: { role },
  });
  const store = await openPostgresStore(team.database);
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    autoRegister: false,
    dataDir: dataDir ?? mkdtempSync(join(tmpdir(), `ringside-team-${user}-`)),
    log: { info: () => undefined, warn: () => undefined },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: false });
  stops.push(async () => {
    await core.stop();
    await store.close();
  });
  return { core, peer, store };
}

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('team mode on one PostgreSQL', () => {
  it('two agents taking leads as fast as they can never get the same one; each disposition reaches the CRM once, signed, with its agent', async () => {
    const database = await pg.createDatabase();
    // Anna also supervises the team.
    const [anna, piotr] = await Promise.all([agent('anna', database, 'both'), agent('piotr', database)]);
    const campaign = await anna.store.campaigns.save(campaignInput('Team pool', { defaultCountry: 'US' }));
    for (let i = 0; i < LEADS; i++) await anna.store.leads.create(campaign.id, newLead(), Date.now());

    const work = async (a: Agent): Promise<number[]> => {
      const taken: number[] = [];
      let view = value(await a.peer.request('workspace:select-campaign', { id: campaign.id })) as WorkspaceView;
      if (!view.current) view = value(await a.peer.request('workspace:next', {})) as WorkspaceView;
      while (view.current) {
        taken.push(view.current.leadId);
        value(await a.peer.request('workspace:dispose', { code: 'not-interested', note: '' }));
        view = value(await a.peer.request('workspace:next', {})) as WorkspaceView;
      }
      return taken;
    };
    const [byAnna, byPiotr] = await Promise.all([work(anna), work(piotr)]);
    const all = [...byAnna, ...byPiotr];
    console.log(`[team] ${LEADS} leads: anna took ${byAnna.length}, piotr ${byPiotr.length}, both ${byAnna.filter((id) => byPiotr.includes(id)).length}`);
    expect(new Set(all).size).toBe(LEADS);
    expect(all).toHaveLength(LEADS);
    expect(byAnna.length).toBeGreaterThan(0);
    expect(byPiotr.length).toBeGreaterThan(0);

    // Delivery runs in both apps; each event is claimed by one of them.
    const deadline = Date.now() + 20_000;
    while (crm.received.length < LEADS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const ids = crm.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(crm.received.every((r) => r.verified)).toBe(true);
    const bodies = crm.received.map((r) => JSON.parse(r.body) as { type: string; data: { leadId: number; agent: string; code: string } });
    expect(
      bodies
        .filter((b) => b.type === 'disposition.recorded')
        .map((b) => b.data.leadId)
        .sort((x, y) => x - y),
    ).toEqual([...all].sort((x, y) => x - y));
    expect(new Set(bodies.map((b) => b.data.agent))).toEqual(new Set(['anna', 'piotr']));
    // The CRM has the body before the sender has its answer and marks the event done, so
    // the outbox empties a moment after the last request arrives.
    let status = value(await anna.peer.request('crm:status', {}));
    while (status.pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = value(await anna.peer.request('crm:status', {}));
    }
    expect(status).toMatchObject({ configured: true, pending: 0, dead: 0 });

    // The supervisor's results come from the shared data, per agent; an agent is not shown them.
    const results = value(await anna.peer.request('team:results', { from: Date.now() - 3_600_000, to: Date.now() + 1000 }));
    const rows = Object.fromEntries(results.rows.map((r) => [r.agent, [r.dispositions, r.byCode['not-interested']]]));
    expect(rows).toEqual({ anna: [byAnna.length, byAnna.length], piotr: [byPiotr.length, byPiotr.length] });
    const refused = await piotr.peer.request('team:results', { from: Date.now() - 3_600_000, to: Date.now() });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/for supervisors/) });
  }, 90_000);

  it("a number one agent puts on the Do-Not-Call list blocks the other agent's card at once", async () => {
    const database = await pg.createDatabase();
    const [anna, piotr] = await Promise.all([agent('anna', database), agent('piotr', database)]);
    const campaign = await anna.store.campaigns.save(campaignInput('DNC race', { defaultCountry: 'GB' }));
    await anna.store.leads.create(campaign.id, newLead({ country: 'GB', phones: [phone('+442079460000')] }), Date.now());
    const shown = value(await piotr.peer.request('workspace:select-campaign', { id: campaign.id })) as WorkspaceView;
    const first = shown.current ?? (value(await piotr.peer.request('workspace:next', {})) as WorkspaceView).current;
    expect(first?.compliance?.checks.find((c) => c.rule === 'internal-dnc')?.outcome).toBe('pass');
    const from = piotr.peer.events.length;
    const t0 = Date.now();
    value(await anna.peer.request('compliance:dnc-add', { numbers: ['+44 20 7946 0000'], source: 'manual' }));
    const blocked = await piotr.peer.waitFor(
      'workspace:changed',
      (w) => w.current?.compliance?.checks.find((c) => c.rule === 'internal-dnc')?.outcome === 'block',
      5000,
      from,
    );
    console.log(`[team] DNC added by anna → piotr's card blocked after ${Date.now() - t0} ms`);
    expect(blocked.current?.compliance?.allowed).toBe(false);
  }, 60_000);

  it('the database lost mid-shift: the result is kept on this computer, no new lead is taken, and it is written (once) when the database is back', async () => {
    const database = await pg.createDatabase();
    const link = await relay(pg.port);
    stops.push(() => link.close());
    const anna = await agent('anna', database, 'agent', link.port);
    const campaign = await anna.store.campaigns.save(campaignInput('Lost link', { defaultCountry: 'US' }));
    for (let i = 0; i < 3; i++) await anna.store.leads.create(campaign.id, newLead(), Date.now());
    let view = value(await anna.peer.request('workspace:select-campaign', { id: campaign.id })) as WorkspaceView;
    if (!view.current) view = value(await anna.peer.request('workspace:next', {})) as WorkspaceView;
    const leadId = view.current?.leadId;
    expect(leadId).toBeDefined();

    await link.down();
    const kept = value(await anna.peer.request('workspace:dispose', { code: 'not-interested', note: 'said no, politely' })) as WorkspaceView;
    expect(kept.dispositionRequired).toBe(false);
    expect(kept.current).toBeNull();
    expect(kept.notice).toMatch(/kept on this computer, and written to the team database as soon as it answers again/);
    const status = value(await anna.peer.request('team:status', {}));
    expect(status).toMatchObject({ state: 'down', waiting: 1 });
    // Nor by asking: no lead is claimed while the database is away.
    const refused = await anna.peer.request('workspace:next', {});
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/no new lead is taken until it does/) });

    const from = anna.peer.events.length;
    await link.up();
    const back = await waitTeam(anna, from, (t) => t.state === 'up' && t.waiting === 0);
    expect(back.problem).toBeNull();
    const history = await pg.admin(
      (c) => c.query<{ n: string }>(`SELECT count(*) AS n FROM dispositions WHERE lead_id = $1 AND code = 'not-interested' AND agent = 'anna'`, [leadId]),
      database,
    );
    expect(Number(history.rows[0].n)).toBe(1);
    // The CRM hears of it too, once.
    const deadline = Date.now() + 10_000;
    const about = () =>
      crm.received.filter((r) => (JSON.parse(r.body) as { data: { leadId: number } }).data.leadId === leadId && r.body.includes('"Lost link"') === false);
    while (about().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(about().filter((r) => r.body.includes('said no, politely'))).toHaveLength(1);
  }, 90_000);

  it('switching a desktop to team mode: its own campaigns, open leads and DNC list go up once; finished leads stay; the local file is untouched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ringside-solo-'));
    const solo = openSqliteStore(join(dataDir, 'ringside.db'));
    const mine = await solo.campaigns.save(campaignInput('Solar Łódź', { defaultCountry: 'PL' }));
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await solo.leads.create(mine.id, newLead({ country: 'PL', phones: [phone(`+4822555010${i}`)] }), Date.now()));
    const sold = await solo.leads.create(mine.id, newLead({ country: 'PL', phones: [phone('+48225550199')] }), Date.now());
    await solo.activity.recordDisposition({
      leadId: sold.id,
      callId: null,
      code: 'sale',
      label: 'Sale',
      effect: 'closed',
      success: true,
      note: '',
      at: Date.now(),
      phone: null,
      retryAt: null,
      callback: null,
      maxAttempts: 3,
    });
    await solo.dnc.addMany(['+48225550901', '+48225550902'], 'manual', Date.now());
    await solo.close();

    const database = await pg.createDatabase();
    const anna = await agent('anna', database, 'agent', undefined, dataDir);
    // The team has a campaign of that name already: the leads join it.
    await anna.store.campaigns.save(campaignInput('Solar Łódź', { defaultCountry: 'PL' }));
    expect(value(await anna.peer.request('team:local-data', {}))).toEqual({ campaigns: 1, openLeads: 3, finishedLeads: 1, dnc: 2 });
    const report = value(await anna.peer.request('team:upload', {}));
    expect(report).toEqual({ campaignsCreated: 0, campaignsJoined: 1, leadsImported: 3, leadsMerged: 0, leadsKeptHere: 1, dncAdded: 2 });
    expect(await anna.store.dnc.has('+48225550901')).toBe(true);
    expect((await anna.store.leads.findByPhone('+48225550101'))?.firstName).toBe(open[1].firstName);
    expect(await anna.store.leads.findByPhone('+48225550199')).toBeNull();
    // Again: nothing twice.
    const again = value(await anna.peer.request('team:upload', {}));
    expect(again).toMatchObject({ leadsImported: 0, leadsMerged: 3, dncAdded: 0 });
    const reopened = openSqliteStore(join(dataDir, 'ringside.db'));
    expect((await reopened.leads.get(sold.id))?.status).toBe('closed');
    await reopened.close();
  }, 60_000);

  it('a team database that stops answering is shown as down with the reason, and as up when it is back', async () => {
    const database = await pg.createDatabase();
    const anna = await agent('anna', database);
    expect((value(await anna.peer.request('team:status', {})) as TeamStatusView).state).toBe('up');
    // Every connection of the team's user ended, and new ones refused, as a database taken down would.
    await pg.admin((c) => c.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`));
    await pg.admin((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]));
    const from = anna.peer.events.length;
    const down = await waitTeam(anna, from, (t) => t.state === 'down');
    expect(down.problem).toBeTruthy();
    expect(down.since).not.toBeNull();
    await pg.admin((c) => c.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`));
    const up = await waitTeam(anna, anna.peer.events.length, (t) => t.state === 'up');
    expect(up.problem).toBeNull();
  }, 60_000);
});

/**
 * A TCP relay to PostgreSQL that can go down (every connection cut, new ones refused: the
 * desktop's network gone) and come back on the same port.
 */
async function relay(target: number): Promise<{ port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const make = () =>
    net.createServer((client) => {
      const upstream = net.connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const down = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return {
    port,
    down,
    up: async () => {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: down,
  };
}

/** The core asks the database every 10 s whether it answers. */
function waitTeam(a: Agent, from: number, ok: (t: TeamStatusView) => boolean): Promise<TeamStatusView> {
  return a.peer.waitFor('team:changed', ok, 25_000, from);
}
