// Least privilege on the team database, run as the roles IT makes with team-roles.ts: Ringside
// creates its tables as the owner, the setup grants the group roles their rights and turns on
// row-level security, and stores are opened as the agents anna and piotr and the supervisor sue.
// What an agent does at work goes through the product's own repositories; what it must not do is
// tried through them where they can be made to, and as raw SQL on its own connection where not,
// with the words the product shows for each refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmEvent } from '../../../electron/core/crm/crm-events.js';
import { connect, type Db } from '../../../electron/core/data/postgres/connection.js';
import { TeamDatabaseError } from '../../../electron/core/data/postgres/errors.js';
import { pgLatestVersion } from '../../../electron/core/data/postgres/migrations.js';
import { probeTeamDatabase } from '../../../electron/core/data/postgres/probe.js';
import { openPostgresStore } from '../../../electron/core/data/postgres/store.js';
import { agentRoleSql, supervisorRoleSql, TEAM_ROLES_SCHEMA_VERSION, teamSetupSql } from '../../../electron/core/data/postgres/team-roles.js';
import type { CallRecord, DispositionRecord, Store } from '../../../electron/core/data/repositories.js';
import { startPostgres, type PostgresServer } from '../../support/postgres.js';
import { campaignInput, newLead, phone, dispositionRecord } from '../../unit/data/store-fixtures.js';

const MIN = 60_000;
const LEASE = 5 * MIN;
const PASSWORDS: Record<string, string> = { anna: 'anna-Pa55-word', piotr: 'piotr-Pa55-word', sue: 'sue-Pa55-word' };

let server: PostgresServer;
let database: string;
/** Ringside as the tables' owner (the test server's superuser): sees and may do everything. */
let owner: Store;
let anna: Store;
let piotr: Store;
let sue: Store;
/** Raw SQL on a connection of the role's own, failures in the product's words. */
let annaSql: Db;
let sueSql: Db;

/** The team-database settings of `role` (its password from PASSWORDS unless given). */
function as(role: string, db = database, password = PASSWORDS[role]) {
  return server.team({ database: db, url: `postgres://${role}@127.0.0.1:${server.port}/${db}`, password });
}

/** A database whose tables Ringside created as the owner, with the team's rights set up on it. */
async function teamDatabase(): Promise<{ database: string; store: Store }> {
  const name = await server.createDatabase();
  const store = await openPostgresStore(server.team({ database: name }));
  await server.admin((c) => c.query(teamSetupSql({ owner: server.user })), name);
  return { database: name, store };
}

beforeAll(async () => {
  server = await startPostgres();
  ({ database, store: owner } = await teamDatabase());
  await server.admin(async (c) => {
    await c.query(agentRoleSql('anna', PASSWORDS.anna));
    await c.query(agentRoleSql('piotr', PASSWORDS.piotr));
    await c.query(supervisorRoleSql('sue', PASSWORDS.sue));
  }, database);
  [anna, piotr, sue] = await Promise.all(['anna', 'piotr', 'sue'].map((r) => openPostgresStore(as(r))));
  annaSql = connect(as('anna'));
  sueSql = connect(as('sue'));
}, 60_000);
afterAll(async () => {
  await Promise.all([owner, anna, piotr, sue].map((s) => s?.close()));
  await Promise.all([annaSql, sueSql].map((db) => db?.end()));
  await server?.stop();
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Refused as a permission problem, in the words the product shows for it. */
async function refused(user: string, p: Promise<unknown>, why: string): Promise<void> {
  const error = await rejection(p);
  expect(error).toBeInstanceOf(TeamDatabaseError);
  expect(error).toMatchObject({ problem: 'permission' });
  expect(error.message).toBe(
    /row-level security/.test(why)
      ? `The team database keeps each agent to its own work and refused this to user ${user}: it would write in another agent's name, or change a lead another agent holds (${why}). Check that your name in the team is your database user.`
      : `The team database does not allow user ${user} to do this (${why}).`,
  );
}

const rls = (table: string) => `new row violates row-level security policy for table "${table}"`;
const denied = (table: string) => `permission denied for table ${table}`;

/** A new campaign (made by the owner) with `n` leads, in queue order. */
async function campaignWith(n: number): Promise<{ campaignId: number; ids: number[] }> {
  const campaignId = (await owner.campaigns.save(campaignInput(`Campaign ${Math.random().toString(36).slice(2, 8)}`))).id;
  await owner.leads.importBatch(
    campaignId,
    Array.from({ length: n }, () => newLead()),
    'skip',
    Date.now(),
  );
  const { rows } = await owner.leads.list({ campaignId, offset: 0, limit: n });
  return { campaignId, ids: rows.map((r) => r.id) };
}

const disposition = (leadId: number, over: Partial<DispositionRecord> = {}): DispositionRecord => dispositionRecord(leadId, Date.now(), over);

function call(callId: string, leadId: number | null, agent: string | null, over: Partial<CallRecord> = {}): CallRecord {
  const now = Date.now();
  return {
    callId,
    leadId,
    direction: 'outbound',
    phone: '+12125550100',
    startedAt: now,
    answeredAt: null,
    endedAt: now + 1000,
    outcome: 'no-answer',
    agent,
    ...over,
  };
}

/** What the owner sees of a lead: the columns nobody else may have changed. */
async function leadRow(id: number): Promise<Record<string, unknown>> {
  return (await server.admin((c) => c.query('SELECT first_name, status, attempts, held_by, lease_until, updated_at FROM leads WHERE id = $1', [id]), database))
    .rows[0];
}

describe('the setup', () => {
  it('is written for the schema this Ringside creates', () => {
    // A new migration needs its tables' rights decided here too.
    expect(TEAM_ROLES_SCHEMA_VERSION).toBe(pgLatestVersion);
  });

  it('Test connection says who the desktop is and that the setup is in force (an agent name must be that login)', async () => {
    expect(await probeTeamDatabase(as('anna'))).toMatchObject({ login: 'anna', rowSecurity: true, schemaVersion: pgLatestVersion });
    // The owner's own database before any setup: no row-level security yet.
    const bare = await server.createDatabase();
    await (await openPostgresStore(server.team({ database: bare }))).close();
    expect(await probeTeamDatabase(server.team({ database: bare }))).toMatchObject({ login: server.user, rowSecurity: false });
  });

  it('runs again without error and leaves the same rights', async () => {
    const policies = () =>
      server.admin(
        async (c) => (await c.query(`SELECT tablename, policyname, cmd, roles::text[] AS roles, qual, with_check FROM pg_policies ORDER BY 1, 2`)).rows,
        database,
      );
    const grants = () =>
      server.admin(
        async (c) =>
          (
            await c.query(
              `SELECT table_name, NULL AS column_name, grantee, privilege_type FROM information_schema.role_table_grants
                WHERE grantee IN ('ringside_agent', 'ringside_supervisor')
               UNION ALL
               SELECT table_name, column_name, grantee, privilege_type FROM information_schema.role_column_grants
                WHERE grantee IN ('ringside_agent', 'ringside_supervisor') ORDER BY 1, 2, 3, 4`,
            )
          ).rows,
        database,
      );
    const before = { policies: await policies(), grants: await grants() };
    expect(before.policies.length).toBeGreaterThan(10);
    await server.admin((c) => c.query(teamSetupSql({ owner: server.user })), database);
    await server.admin((c) => c.query(agentRoleSql('anna', PASSWORDS.anna)), database);
    expect({ policies: await policies(), grants: await grants() }).toEqual(before);
  });

  it('refuses a database Ringside has not set up, and an owner that is not the tables', async () => {
    const empty = await server.createDatabase();
    await expect(server.admin((c) => c.query(teamSetupSql({ owner: server.user })), empty)).rejects.toThrow(
      `Ringside has not created its tables in database ${empty} yet: open it once in Ringside as ringside_test, then run this again.`,
    );
    // A name that would end its quotes is only a name: the setup stops at the check, the tables stay.
    const hostile = 'x\'; DROP TABLE leads; --"';
    await expect(server.admin((c) => c.query(teamSetupSql({ owner: hostile })), database)).rejects.toThrow(
      `Ringside's tables in database ${database} belong to ringside_test, not to ${hostile}: name the role that created them.`,
    );
    expect((await server.admin((c) => c.query(`SELECT to_regclass('leads') IS NOT NULL AS kept`), database)).rows).toEqual([{ kept: true }]);
  });

  it('an older schema version is refused in words', async () => {
    const { database: db, store } = await teamDatabase();
    await store.close();
    await server.admin((c) => c.query('UPDATE ringside_schema SET version = 1'), db);
    await expect(server.admin((c) => c.query(teamSetupSql({ owner: server.user })), db)).rejects.toThrow(
      `Database ${db} is at Ringside schema version 1, and these rights are for version ${TEAM_ROLES_SCHEMA_VERSION}: run those of the Ringside version that opened it last.`,
    );
  });
});

describe('roles for people', () => {
  it('refuses a name that is not an agent name, before any SQL', () => {
    for (const name of ['anna"; DROP TABLE leads; --', "anna'; DROP TABLE leads; --", 'Anna Smith', '', 'a'.repeat(64)])
      expect(() => agentRoleSql(name, 'pw')).toThrow(
        `${JSON.stringify(name)} cannot be a Ringside role: it must be the agent's name in the team (1 to 63 letters, digits and . _ - @).`,
      );
    for (const name of ['pg_monitor', 'PG_x', 'public', 'ringside_agent', 'ringside_supervisor'])
      expect(() => supervisorRoleSql(name, 'pw')).toThrow(
        `${JSON.stringify(name)} cannot be a Ringside role: PostgreSQL or Ringside keeps that name for itself.`,
      );
    expect(() => agentRoleSql('anna', '')).toThrow('A Ringside role needs a password.');
  });

  it('the password is never in the statement; any password, quotes and dollars included, logs in', async () => {
    const ascii = `it's $ringside$ a "s3cret" \\ word`;
    const sql = agentRoleSql('quote.test', ascii);
    expect(sql).not.toContain('s3cret');
    expect(sql).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+'/);
    // Not ASCII: sent for the server to hash (PostgreSQL prepares such a password before hashing).
    const unicode = `zażółć'$ringside$ gęślą`;
    await server.admin(async (c) => {
      await c.query(sql);
      await c.query(agentRoleSql('utf8.test', unicode));
    }, database);
    for (const [role, password] of [
      ['quote.test', ascii],
      ['utf8.test', unicode],
    ]) {
      const store = await openPostgresStore(as(role, database, password));
      expect(await store.dnc.count()).toBeGreaterThanOrEqual(0);
      await store.close();
    }
  });

  it('run again, the role gets the new password, and an agent is no longer a supervisor', async () => {
    await server.admin((c) => c.query(supervisorRoleSql('promoted', 'first-Pa55')), database);
    await server.admin((c) => c.query(agentRoleSql('promoted', 'second-Pa55')), database);
    const wrong = await rejection(openPostgresStore(as('promoted', database, 'first-Pa55')));
    expect(wrong).toMatchObject({ problem: 'password' });
    const store = await openPostgresStore(as('promoted', database, 'second-Pa55'));
    await refused('promoted', store.campaigns.save(campaignInput()), denied('campaigns'));
    await store.close();
    const roles = await server.admin(
      async (c) =>
        (
          await c.query(
            `SELECT pg_has_role('promoted', 'ringside_agent', 'MEMBER') AS agent, pg_has_role('promoted', 'ringside_supervisor', 'MEMBER') AS supervisor`,
          )
        ).rows[0],
    );
    expect(roles).toEqual({ agent: true, supervisor: false });
  });

  it('refuses to make an agent of a superuser role, and changes nothing of it', async () => {
    await expect(server.admin((c) => c.query(agentRoleSql(server.user, 'new-Pa55')), database)).rejects.toThrow(
      `Role ${server.user} is a superuser, owns Ringside's tables, or may replicate or bypass row-level security: it cannot be a Ringside agent or supervisor.`,
    );
    // Its password is the one it had.
    expect(await server.admin((c) => c.query('SELECT 1 AS one'))).toMatchObject({ rows: [{ one: 1 }] });
  });

  it("an agent may connect only to its own team's database", async () => {
    const { database: other, store } = await teamDatabase();
    await store.close();
    const error = await rejection(openPostgresStore(as('anna', other)));
    expect(error).toMatchObject({ problem: 'permission' });
    expect(error.message).toBe(`User anna may not connect to the team database ${other}: ask IT to add them to this team.`);
  });
});

describe('an agent at work', () => {
  it('claims a lead, edits it, calls it and dispositions it in its own name; the claim ends with the disposition', async () => {
    const { campaignId, ids } = await campaignWith(2);
    const now = Date.now();
    const lead = await anna.leads.claimNext(campaignId, { agent: 'anna', now, leaseMs: LEASE });
    expect(lead?.id).toBe(ids[0]);
    expect(await owner.leads.holder(ids[0], now)).toBe('anna');
    expect(await anna.leads.renewClaim(ids[0], 'anna', now, LEASE)).toBe(true);
    await anna.activity.recordAttempt(ids[0], now);
    expect((await anna.leads.update(ids[0], { firstName: 'Anka', phones: [phone('+12125550111'), ...lead!.phones] }, now)).firstName).toBe('Anka');

    const first = call('anna-call-1', ids[0], 'anna');
    await anna.activity.recordCall(first);
    // Written again once its end is known: still one call.
    await anna.activity.recordCall({ ...first, answeredAt: first.startedAt + 2000, endedAt: first.startedAt + 62_000, outcome: 'completed' });
    await anna.activity.recordDisposition(
      disposition(ids[0], {
        agent: 'anna',
        callId: first.callId,
        code: 'callback',
        label: 'Callback',
        effect: 'callback',
        callback: { dueAt: now + 24 * 60 * MIN, timeZone: 'UTC', owner: 'anna' },
        events: [crmEvent('disposition.recorded', ids[0], now, { agent: 'anna' })],
      }),
    );
    expect(await owner.leads.holder(ids[0], now)).toBeNull();
    expect((await owner.leads.get(ids[0]))?.status).toBe('callback');
    expect((await owner.leads.callbacks(ids[0])).map((c) => c.owner)).toEqual(['anna']);

    // Another call settles the callback (an UPDATE of it); a wrong number marks the number bad.
    await anna.leads.claimNext(campaignId, { agent: 'anna', now, leaseMs: LEASE });
    await anna.activity.recordDisposition(disposition(ids[1], { agent: 'anna', code: 'wrong-number', label: 'Wrong number', effect: 'bad-number' }));
    expect((await owner.leads.get(ids[1]))?.status).toBe('bad-number');

    const stats = await anna.activity.stats(now - MIN, now + 10 * MIN, 'today', 'anna');
    expect(stats).toMatchObject({ calls: 1, connected: 1, talkSec: 60, dispositions: { callback: 1, 'wrong-number': 1 } });
    expect((await anna.leads.history(ids[0])).map((h) => h.kind)).toEqual(['callback', 'disposition', 'call', 'call', 'edit', 'note']);
  });

  it('adds a caller nobody knows as a lead, and a number to the DNC list that every app sees', async () => {
    const { campaignId } = await campaignWith(0);
    const now = Date.now();
    const caller = await anna.leads.create(campaignId, newLead({ source: 'Inbound call' }), now);
    expect((await owner.leads.get(caller.id))?.source).toBe('Inbound call');
    await anna.dnc.add('+12125550177', 'agent', now, [crmEvent('dnc.requested', null, now, { phone: '+12125550177' })]);
    expect(await piotr.dnc.has('+12125550177')).toBe(true);
    // A "do not call me" disposition puts the number on the list in the disposition's transaction.
    await anna.activity.recordDisposition(
      disposition(caller.id, { agent: 'anna', code: 'dnc', label: 'Do not call', effect: 'dnc', phone: caller.phones[0].e164 }),
    );
    expect(await owner.dnc.has(caller.phones[0].e164)).toBe(true);
  });

  it('appends to the audit log and claims and delivers the outbox', async () => {
    const before = await owner.audit.count();
    const record = {
      at: Date.now(),
      path: 'manual',
      target: '+12125550100',
      e164: null,
      leadId: null,
      campaignId: null,
      allowed: false,
      summary: 'x',
      checks: '[]',
    };
    const a = await anna.audit.append(record, (prev) => ({ kind: 'sha256', seal: `a:${prev}` }));
    const b = await piotr.audit.append(record, (prev) => ({ kind: 'sha256', seal: `b:${prev}` }));
    expect(b.hash).toBe(`b:${a.hash}`);
    expect(await anna.audit.count()).toBe(before + 2);

    await owner.dnc.add('+12125550188', 'owner', Date.now(), [crmEvent('dnc.requested', null, Date.now(), {})]);
    const claimed = await anna.outbox.claimDue(Date.now() + MIN, 100, 'anna-app', MIN);
    expect(claimed.length).toBeGreaterThan(0);
    expect(await piotr.outbox.claimDue(Date.now() + MIN, 100, 'piotr-app', MIN)).toEqual([]);
    for (const e of claimed) await anna.outbox.delivered(e.id, Date.now());
    expect((await anna.outbox.counts()).pending).toBe(0);
    // The CRM said its address is gone: any agent's app turns sync off.
    await anna.outbox.setDisabled({ at: Date.now(), reason: '410 Gone' });
    expect(await piotr.outbox.disabled()).toMatchObject({ reason: '410 Gone' });
  });
});

describe('an agent is refused', () => {
  it("another agent's held lead: an update changes no row, the product says it is not there, the lead is unchanged", async () => {
    const { campaignId, ids } = await campaignWith(1);
    const now = Date.now();
    expect((await piotr.leads.claimNext(campaignId, { agent: 'piotr', now, leaseMs: LEASE }))?.id).toBe(ids[0]);
    const before = await leadRow(ids[0]);
    // Row-level security hides the row from the UPDATE: no error, no row.
    expect(await annaSql.run(`UPDATE leads SET first_name = 'taken', held_by = NULL WHERE id = $1`, [ids[0]])).toBe(0);
    expect(await anna.leads.claimNext(campaignId, { agent: 'anna', now, leaseMs: LEASE })).toBeNull();
    expect(await anna.leads.renewClaim(ids[0], 'piotr', now, LEASE)).toBe(false);
    await anna.leads.releaseClaim(ids[0], 'piotr');
    for (const attempt of [
      () => anna.leads.update(ids[0], { firstName: 'taken' }, now),
      () => anna.activity.recordAttempt(ids[0], now),
      () => anna.activity.recordDisposition(disposition(ids[0], { agent: 'anna' })),
    ])
      expect(await rejection(attempt())).toMatchObject({ name: 'NotFoundError', message: `lead ${ids[0]} not found` });
    expect(await annaSql.run(`UPDATE lead_phones SET bad = true WHERE lead_id = $1`, [ids[0]])).toBe(0);
    expect(await annaSql.run(`DELETE FROM lead_phones WHERE lead_id = $1`, [ids[0]])).toBe(0);
    expect(await leadRow(ids[0])).toEqual(before);
    expect((await owner.leads.get(ids[0]))?.phones).toHaveLength(1);
    expect(await owner.leads.holder(ids[0], now)).toBe('piotr');
    // The customer calls in and anna answers: her call is in the lead's history all the same.
    await anna.activity.recordCall(call('inbound-to-anna', ids[0], 'anna', { direction: 'inbound' }));
    expect((await owner.leads.history(ids[0]))[0]).toMatchObject({ kind: 'call', direction: 'inbound' });

    // Once piotr's lease has run out the lead is anyone's again: worked without a claim (a
    // manual campaign, a lead opened from the list), then claimed.
    await server.admin((c) => c.query('UPDATE leads SET lease_until = $2 WHERE id = $1', [ids[0], now - 1]), database);
    await anna.activity.recordAttempt(ids[0], Date.now());
    expect(await leadRow(ids[0])).toMatchObject({ attempts: 1, held_by: 'piotr' });
    expect((await anna.leads.claimNext(campaignId, { agent: 'anna', now: Date.now(), leaseMs: LEASE }))?.id).toBe(ids[0]);
  });

  it("a claim in piotr's name", async () => {
    const { campaignId, ids } = await campaignWith(1);
    await refused('anna', anna.leads.claimNext(campaignId, { agent: 'piotr', now: Date.now(), leaseMs: LEASE }), rls('leads'));
    expect(await leadRow(ids[0])).toMatchObject({ held_by: null });
  });

  it("a call or a disposition in piotr's name, or in nobody's", async () => {
    const { ids } = await campaignWith(1);
    const history = (await owner.leads.history(ids[0])).length;
    await refused('anna', anna.activity.recordCall(call('as-piotr', ids[0], 'piotr')), rls('calls'));
    await refused('anna', anna.activity.recordCall(call('as-nobody', ids[0], null)), rls('calls'));
    await refused('anna', anna.activity.recordDisposition(disposition(ids[0], { agent: 'piotr' })), rls('dispositions'));
    await refused('anna', anna.activity.recordDisposition(disposition(ids[0], { agent: null })), rls('dispositions'));
    const forPiotr = { dueAt: Date.now() + 60 * MIN, timeZone: 'UTC', owner: 'piotr' };
    await refused('anna', anna.activity.recordDisposition(disposition(ids[0], { agent: 'anna', effect: 'callback', callback: forPiotr })), rls('callbacks'));
    // Nothing of those transactions was kept.
    expect(await owner.leads.history(ids[0])).toHaveLength(history);

    // piotr's call: anna neither sees it nor writes over it.
    await piotr.activity.recordCall(call('piotr-call', ids[0], 'piotr'));
    expect(await annaSql.rows(`SELECT call_id FROM calls WHERE call_id = 'piotr-call'`)).toEqual([]);
    expect(await annaSql.run(`UPDATE calls SET outcome = 'rewritten' WHERE call_id = 'piotr-call'`)).toBe(0);
    await refused(
      'anna',
      anna.activity.recordCall(call('piotr-call', ids[0], 'anna')),
      `new row violates row-level security policy (USING expression) for table "calls"`,
    );
    await anna.activity.recordCall(call('anna-own', ids[0], 'anna'));
    await refused('anna', annaSql.run(`UPDATE calls SET agent = 'piotr' WHERE call_id = 'anna-own'`), rls('calls'));
    expect((await anna.activity.stats(0, Date.now() + MIN, 'd', 'piotr')).calls).toBe(0);
    expect((await owner.activity.stats(0, Date.now() + MIN, 'd', 'piotr')).calls).toBeGreaterThan(0);
  });

  it("acting under its group's name: SET ROLE does not change who the agent is", async () => {
    const { ids } = await campaignWith(1);
    const asGroup = (text: string) =>
      annaSql.tx(async (sql) => {
        await sql.run('SET LOCAL ROLE ringside_agent');
        return sql.run(text, [ids[0]]);
      });
    await refused(
      'anna',
      asGroup(
        `INSERT INTO dispositions (lead_id, code, label, effect, success, note, at, agent) VALUES ($1, 'sale', 'Sale', 'closed', true, '', 0, 'ringside_agent')`,
      ),
      rls('dispositions'),
    );
    await refused('anna', asGroup(`UPDATE leads SET held_by = 'ringside_agent', lease_until = 9e15 WHERE id = $1`), rls('leads'));
    await refused('anna', annaSql.run('SET ROLE ringside_supervisor'), 'permission denied to set role "ringside_supervisor"');
    await refused('anna', annaSql.run('SET ROLE piotr'), 'permission denied to set role "piotr"');
  });

  it('changing or removing history, dispositions, calls or the audit log, or emptying any table', async () => {
    for (const table of ['history', 'dispositions', 'compliance_audit']) {
      await refused('anna', annaSql.run(`UPDATE ${table} SET at = 0`), denied(table));
      await refused('anna', annaSql.run(`DELETE FROM ${table}`), denied(table));
    }
    await refused('anna', annaSql.run('DELETE FROM calls'), denied('calls'));
    await refused('anna', annaSql.run(`UPDATE calls SET call_id = 'x'`), denied('calls'));
    for (const table of ['leads', 'campaigns', 'dnc', 'crm_outbox', 'callbacks', 'ringside_schema'])
      await refused('anna', annaSql.run(`DELETE FROM ${table}`), denied(table));
    await refused('anna', annaSql.run(`UPDATE crm_outbox SET body = '{}'`), denied('crm_outbox'));
    await refused('anna', annaSql.run('UPDATE ringside_schema SET version = 3'), denied('ringside_schema'));
    for (const table of ['leads', 'history', 'dispositions', 'calls', 'compliance_audit', 'dnc', 'crm_outbox'])
      await refused('anna', annaSql.run(`TRUNCATE ${table}`), denied(table));
  });

  it("a supervisor's work: campaigns, scrub verdicts, turning CRM sync back on", async () => {
    const { campaignId } = await campaignWith(1);
    await refused('anna', anna.campaigns.save(campaignInput('Mine')), denied('campaigns'));
    await refused('anna', anna.campaigns.save({ ...campaignInput('Renamed'), id: campaignId }), denied('campaigns'));
    const phones = await anna.scrub.phones(campaignId);
    await refused('anna', anna.scrub.mark([{ phoneId: phones.phoneId[0], blocked: 'national' }]), denied('lead_phones'));
    await refused('anna', anna.outbox.setDisabled(null), denied('crm_state'));
  });

  it('creating tables or rights, and migrating: an older schema is not changed, in words', async () => {
    await refused('anna', annaSql.run('CREATE TABLE mine (x int)'), 'permission denied for schema public');
    await refused('anna', annaSql.run('CREATE TEMP TABLE mine (x int)'), `permission denied to create temporary tables in database "${database}"`);
    await refused('anna', annaSql.run('ALTER TABLE leads DISABLE ROW LEVEL SECURITY'), 'must be owner of table leads');
    await refused('anna', annaSql.run('DROP POLICY ringside_agent_change ON leads'), 'must be owner of relation leads');
    // A right it does not hold it cannot give, itself included (PostgreSQL only warns).
    await annaSql.run('GRANT DELETE ON history TO anna');
    await refused('anna', annaSql.run('DELETE FROM history'), denied('history'));

    await server.admin((c) => c.query('UPDATE ringside_schema SET version = 1'), database);
    try {
      const error = await rejection(openPostgresStore(as('anna')));
      expect(error).toMatchObject({ problem: 'permission' });
      expect(error.message).toBe('The team database does not allow user anna to do this (permission denied for schema public).');
      expect((await server.admin((c) => c.query('SELECT version FROM ringside_schema'), database)).rows).toEqual([{ version: 1 }]);
    } finally {
      await server.admin((c) => c.query('UPDATE ringside_schema SET version = $1', [pgLatestVersion]), database);
    }
  });

  it('reading passwords or changing roles', async () => {
    await refused('anna', annaSql.rows('SELECT rolpassword FROM pg_authid'), denied('pg_authid'));
    await refused('anna', annaSql.run(`CREATE ROLE mallory LOGIN PASSWORD 'x'`), 'permission denied to create role');
    await refused('anna', annaSql.run(`ALTER ROLE piotr PASSWORD 'x'`), 'permission denied');
    await refused('anna', annaSql.run('ALTER ROLE anna BYPASSRLS'), 'must be superuser to change bypassrls attribute');
    await refused('anna', annaSql.run('GRANT ringside_supervisor TO anna'), 'must have admin option on role "ringside_supervisor"');
    await refused('anna', annaSql.run('DROP ROLE piotr'), 'permission denied to drop role');
  });
});

describe('the supervisor', () => {
  it("creates campaigns, imports into one (merging into a lead an agent holds), scrubs it and reads everyone's results", async () => {
    const campaign = await sue.campaigns.save(campaignInput('Sue’s list'));
    await sue.campaigns.save({ ...campaign, name: 'Sue’s autumn list' });
    expect((await owner.campaigns.get(campaign.id))?.name).toBe('Sue’s autumn list');
    const rows = [1, 2, 3].map((i) => ({ row: i, lead: newLead({ phones: [phone(`+1312555000${i}`)] }) }));
    expect((await sue.leads.importRows(campaign.id, rows, 'merge', Date.now(), 'sue.csv')).map((r) => r.outcome)).toEqual(['imported', 'imported', 'imported']);

    const held = await piotr.leads.claimNext(campaign.id, { agent: 'piotr', now: Date.now(), leaseMs: LEASE });
    const again = [{ row: 1, lead: newLead({ phones: held!.phones.map((p) => phone(p.e164)), company: 'Acme' }) }];
    expect((await sue.leads.importRows(campaign.id, again, 'merge', Date.now(), 'again.csv'))[0]).toMatchObject({ outcome: 'merge', leadId: held!.id });
    expect(await owner.leads.get(held!.id)).toMatchObject({ company: 'Acme' });
    expect(await owner.leads.holder(held!.id, Date.now())).toBe('piotr');

    const phones = await sue.scrub.phones(campaign.id);
    await sue.scrub.mark([{ phoneId: phones.phoneId[0], blocked: 'national' }]);
    expect((await owner.scrub.phones(campaign.id)).blocked[0]).toBe(1);

    await piotr.activity.recordDisposition(disposition(held!.id, { agent: 'piotr', code: 'sale', label: 'Sale', effect: 'closed', success: true }));
    const results = await sue.activity.results(0, Date.now() + MIN);
    expect(new Set(results.rows.map((r) => r.agent))).toEqual(new Set(['anna', 'piotr']));
    // An agent's own view of the same: only its own rows.
    expect(new Set((await anna.activity.results(0, Date.now() + MIN)).rows.map((r) => r.agent))).toEqual(new Set(['anna']));

    await sue.outbox.setDisabled(null);
    expect(await sue.outbox.disabled()).toBeNull();
  });

  it('is held to the same audit rules: nothing changed or removed, nothing in another name', async () => {
    for (const table of ['history', 'dispositions', 'compliance_audit']) {
      await refused('sue', sueSql.run(`UPDATE ${table} SET at = 0`), denied(table));
      await refused('sue', sueSql.run(`DELETE FROM ${table}`), denied(table));
      await refused('sue', sueSql.run(`TRUNCATE ${table}`), denied(table));
    }
    await refused('sue', sueSql.run('DELETE FROM calls'), denied('calls'));
    expect(await sueSql.run(`UPDATE calls SET outcome = 'rewritten' WHERE agent = 'anna'`)).toBe(0);
    for (const table of ['dnc', 'leads', 'campaigns']) await refused('sue', sueSql.run(`DELETE FROM ${table}`), denied(table));
    const { ids } = await campaignWith(1);
    await refused('sue', sue.activity.recordDisposition(disposition(ids[0], { agent: 'anna' })), rls('dispositions'));
    await refused('sue', sue.activity.recordCall(call('sue-as-anna', ids[0], 'anna')), rls('calls'));
    await refused('sue', sueSql.run('CREATE TABLE mine (x int)'), 'permission denied for schema public');
  });
});
