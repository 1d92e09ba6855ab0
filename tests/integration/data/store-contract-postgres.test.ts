// What only the team store has: several apps on one database at once (migrations, the audit
// chain, imports), a database of a newer Ringside, timeouts, passwords, roles, TLS, a lost
// connection. The semantics both stores share are in store-contract.test.ts.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSeal } from '../../../electron/core/compliance/audit-chain.js';
import { connect } from '../../../electron/core/data/postgres/connection.js';
import { TeamDatabaseError } from '../../../electron/core/data/postgres/errors.js';
import { migratePostgres, pgLatestVersion, pgMigrations, TeamDatabaseTooNewError, type PgMigration } from '../../../electron/core/data/postgres/migrations.js';
import { openPostgresStore } from '../../../electron/core/data/postgres/store.js';
import type { AuditRecord, ImportRow, NewLead, Store } from '../../../electron/core/data/repositories.js';
import { DatabaseNeedsMigrationError, DatabaseTooNewError } from '../../../electron/core/data/sqlite/migrations.js';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import type { DuplicateMode } from '../../../shared/import.js';
import type { TeamDatabase } from '../../../shared/team.js';
import { startPostgres, testCertificates, type PostgresServer } from '../../support/postgres.js';
import { mulberry32 } from '../../support/prng.js';
import { campaignInput, newLead, phone } from '../../unit/data/store-fixtures.js';

const NOW = Date.UTC(2025, 5, 2, 15, 0, 0);

let server: PostgresServer;
beforeAll(async () => {
  const t0 = performance.now();
  server = await startPostgres();
  console.log(`postgres: initdb ${server.startMs.initdb} ms, server ${server.startMs.server} ms, ready in ${Math.round(performance.now() - t0)} ms`);
}, 60_000);
afterAll(() => server?.stop());

/** A store on a new, migrated database of its own. */
async function freshStore(over: Partial<TeamDatabase> = {}): Promise<{ store: Store; database: string }> {
  const database = await server.createDatabase();
  return { store: await openPostgresStore(server.team({ database, ...over })), database };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function record(i: number, app: string): AuditRecord {
  return {
    at: NOW + i,
    path: 'manual',
    target: `+1212555${String(i).padStart(4, '0')}`,
    e164: null,
    leadId: null,
    campaignId: null,
    allowed: i % 3 !== 0,
    summary: `${app} ${i}`,
    checks: '[]',
  };
}

describe('migrations', () => {
  it('two apps opening an empty database at once migrate it once', async () => {
    const database = await server.createDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(server.team({ database }))));
    await Promise.all(stores.map((s, i) => s.campaigns.save(campaignInput(`App ${i}`))));
    expect((await stores[0].campaigns.list(NOW)).map((c) => c.name)).toEqual(['App 0', 'App 1', 'App 2', 'App 3']);
    await Promise.all(stores.map((s) => s.close()));
    const rows = await server.admin((c) => c.query('SELECT version FROM ringside_schema'), database);
    expect(rows.rows).toEqual([{ version: pgLatestVersion }]);
  });

  it('applies each pending migration once under the lock, and a failing one leaves the version as it was', async () => {
    const database = await server.createDatabase();
    const extra: PgMigration[] = [
      ...pgMigrations,
      {
        version: pgLatestVersion + 1,
        up: async (sql) => {
          await sql.run('CREATE TABLE extra (x int)');
          await sql.run('INSERT INTO extra VALUES (1)');
          // Long enough for the other app to reach the lock while this one holds it.
          await sql.run('SELECT pg_sleep(0.2)');
        },
      },
    ];
    const dbs = [connect(server.team({ database })), connect(server.team({ database }))];
    expect(await Promise.all(dbs.map((db) => migratePostgres(db, extra)))).toEqual([pgLatestVersion + 1, pgLatestVersion + 1]);
    expect((await dbs[0].rows('SELECT x FROM extra')).length).toBe(1);

    const broken: PgMigration[] = [
      ...extra,
      {
        version: pgLatestVersion + 2,
        up: async (sql) => {
          await sql.run('CREATE TABLE half (x int)');
          await sql.run('SELECT * FROM no_such_table');
        },
      },
    ];
    await expect(migratePostgres(dbs[1], broken)).rejects.toThrow(/no_such_table/);
    expect(await dbs[0].one('SELECT version FROM ringside_schema')).toEqual({ version: pgLatestVersion + 1 });
    expect(await dbs[0].one(`SELECT to_regclass('half') AS t`)).toEqual({ t: null });
    await Promise.all(dbs.map((db) => db.end()));
  });

  it('refuses a database of a newer Ringside, in words, and changes nothing', async () => {
    const { store, database } = await freshStore();
    await store.campaigns.save(campaignInput());
    await store.close();
    await server.admin((c) => c.query('UPDATE ringside_schema SET version = 99'), database);
    for (const readonly of [false, true]) {
      const error = await rejection(openPostgresStore(server.team({ database }), { readonly }));
      expect(error).toBeInstanceOf(DatabaseTooNewError);
      expect(error).toBeInstanceOf(TeamDatabaseTooNewError);
      expect(error).toMatchObject({ found: 99, known: pgLatestVersion });
      expect(error.message).toBe(`The team database has schema version 99, but this Ringside knows only up to ${pgLatestVersion}: update Ringside to use it.`);
    }
    const after = await server.admin(
      async (c) => ({ v: (await c.query('SELECT version FROM ringside_schema')).rows, n: (await c.query('SELECT count(*)::int AS n FROM campaigns')).rows }),
      database,
    );
    expect(after).toEqual({ v: [{ version: 99 }], n: [{ n: 1 }] });
  });

  it('readonly: an up-to-date database is read but not written; an older one is not migrated', async () => {
    const empty = await server.createDatabase();
    const error = await rejection(openPostgresStore(server.team({ database: empty }), { readonly: true }));
    expect(error).toBeInstanceOf(DatabaseNeedsMigrationError);
    expect(await server.admin((c) => c.query(`SELECT to_regclass('ringside_schema') AS t`), empty)).toMatchObject({ rows: [{ t: null }] });

    const { store, database } = await freshStore();
    const id = (await store.campaigns.save(campaignInput())).id;
    await store.close();
    const reader = await openPostgresStore(server.team({ database }), { readonly: true });
    expect((await reader.campaigns.get(id))?.name).toBe('Spring outbound');
    await expect(reader.dnc.add('+12125550100', 'agent', NOW)).rejects.toThrow(/read-only/);
    await reader.close();
  });

  it('an agent role without the right to create tables: migrating is refused in words, an up-to-date database opens', async () => {
    const database = await server.createDatabase();
    await server.admin(async (c) => {
      await c.query(`DROP ROLE IF EXISTS agent_anna`);
      await c.query(`CREATE ROLE agent_anna LOGIN PASSWORD 'anna-pw'`);
    });
    // PostgreSQL 15 lets nobody but the owner create in the public schema.
    await server.admin((c) => c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC'), database);
    const anna = server.team({ database, url: `postgres://agent_anna@127.0.0.1:${server.port}/${database}`, password: 'anna-pw' });
    const error = await rejection(openPostgresStore(anna));
    expect(error).toBeInstanceOf(TeamDatabaseError);
    expect(error).toMatchObject({ problem: 'permission' });
    expect(error.message).toMatch(/^The team database does not allow user agent_anna to do this \(permission denied/);

    await (await openPostgresStore(server.team({ database }))).close();
    await server.admin(async (c) => {
      await c.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO agent_anna');
      await c.query('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO agent_anna');
    }, database);
    const store = await openPostgresStore(anna);
    const c = await store.campaigns.save(campaignInput());
    expect((await store.campaigns.get(c.id))?.name).toBe('Spring outbound');
    await store.close();
  });
});

describe('several apps at once', () => {
  it('two apps appending to the audit log at once make one valid chain', async () => {
    const { store: a, database } = await freshStore({ poolMax: 4 });
    const b = await openPostgresStore(server.team({ database, poolMax: 4 }));
    const key = randomBytes(32);
    const append = (store: Store, r: AuditRecord) => store.audit.append(r, (prev) => ({ kind: 'hmac-sha256', seal: auditSeal('hmac-sha256', key, prev, r) }));
    const N = 150;
    await Promise.all(Array.from({ length: N }, (_, i) => [append(a, record(i, 'a')), append(b, record(i, 'b'))]).flat());

    let prev = '';
    let rows = 0;
    const seen = new Set<string>();
    let lastId = 0;
    await a.audit.each({}, (r) => {
      expect(r.id).toBeGreaterThan(lastId);
      expect(r.hash).toBe(auditSeal('hmac-sha256', key, prev, r));
      expect(seen.has(r.hash)).toBe(false);
      seen.add(r.hash);
      prev = r.hash;
      lastId = r.id;
      rows++;
    });
    expect(rows).toBe(2 * N);
    expect(await b.audit.count()).toBe(2 * N);
    await Promise.all([a.close(), b.close()]);
  });

  it('the audit log refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { store, database } = await freshStore();
    await store.audit.append(record(1, 'a'), () => ({ kind: 'sha256', seal: 'x' }));
    await store.close();
    for (const sql of ['UPDATE compliance_audit SET summary = $$changed$$', 'DELETE FROM compliance_audit', 'TRUNCATE compliance_audit'])
      await expect(server.admin((c) => c.query(sql), database)).rejects.toThrow('the compliance audit log is append-only');
  });

  it('two apps importing the same numbers into one campaign at once never give a number to two leads', async () => {
    const { store: a, database } = await freshStore();
    const b = await openPostgresStore(server.team({ database }));
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const rows = Array.from({ length: 200 }, (_, i) => ({ row: i + 1, lead: newLead({ phones: [phone(`+1212777${String(i).padStart(4, '0')}`)] }) }));
    const [ra, rb] = await Promise.all([
      a.leads.importRows(campaignId, rows, 'merge', NOW, 'a.csv'),
      b.leads.importRows(campaignId, rows, 'merge', NOW, 'b.csv'),
    ]);
    const outcomes = [...ra, ...rb].map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'imported')).toHaveLength(200);
    expect(outcomes.filter((o) => o === 'merge')).toHaveLength(200);
    expect((await a.leads.list({ campaignId, offset: 0, limit: 1000 })).total).toBe(200);
    const shared = await server.admin((c) => c.query('SELECT e164 FROM lead_phones GROUP BY e164 HAVING count(*) > 1'), database);
    expect(shared.rows).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('two apps recording dispositions on one lead at once: every one is kept, none lost', async () => {
    const { store: a, database } = await freshStore();
    const b = await openPostgresStore(server.team({ database }));
    const campaignId = (await a.campaigns.save(campaignInput())).id;
    const lead = await a.leads.create(campaignId, newLead(), NOW);
    const d = (at: number) => ({
      leadId: lead.id,
      callId: null,
      code: 'no-answer',
      label: 'No answer',
      effect: 'retry' as const,
      success: false,
      note: '',
      at,
      phone: null,
      retryAt: at + 1000,
      callback: null,
      maxAttempts: 99,
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).activity.recordDisposition(d(NOW + i))));
    expect((await a.leads.history(lead.id, 1000)).filter((e) => e.kind === 'disposition')).toHaveLength(40);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('the same answers as the embedded store', () => {
  it('to a seeded mix of imports, edits and dispositions on overlapping numbers', async () => {
    const seed = Number(process.env.CONTRACT_SEED ?? 20250602);
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const numbers = Array.from({ length: 80 }, (_, i) => `+1415555${String(1000 + i)}`);
    const text = ['', '', 'Anna', 'Bob', 'anna', 'Łucja', "O'Brien", '50%_off'];
    const row = (): NewLead =>
      newLead({
        firstName: pick(text),
        lastName: pick(text),
        company: pick(['', 'Acme', 'ACME', 'Other']),
        email: pick(['', 'a@example.com', 'A@example.com']),
        timeZone: pick([null, 'Europe/Warsaw', 'America/Chicago']),
        consentAt: pick([null, '2025-01-01', '2024-06-30']),
        score: pick([0, 0, 10, 500]),
        priority: pick([0, 1, 5]),
        customFields: Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [pick(['tier', 'note', 'size']), pick(['', 'gold', 'x'])])),
        phones: Array.from({ length: 1 + Math.floor(random() * 3) }, () => phone(pick(numbers), pick([null, 'mobile']))),
      });

    const { store: pg } = await freshStore();
    const lite = openSqliteStore(':memory:');
    const both = async <T>(f: (s: Store) => Promise<T>): Promise<T> => {
      const [a, b] = await Promise.allSettled([f(lite), f(pg)]);
      expect(b.status).toBe(a.status);
      if (a.status === 'rejected') throw a.reason;
      expect((b as PromiseFulfilledResult<T>).value).toEqual(a.value);
      return a.value;
    };
    const campaigns = [await both((s) => s.campaigns.save(campaignInput('One'))), await both((s) => s.campaigns.save(campaignInput('Two')))].map((c) => c.id);
    let now = NOW;
    for (let step = 0; step < 60; step++) {
      now += 1000;
      const campaignId = pick(campaigns);
      const r = random();
      if (r < 0.45) {
        const rows: ImportRow[] = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => ({ row: i + 1, lead: row() }));
        const mode = pick<DuplicateMode>(['merge', 'skip', 'replace']);
        await both((s) => s.leads.importRows(campaignId, rows, mode, now, 'seeded.csv'));
      } else if (r < 0.65) {
        const leads = Array.from({ length: 1 + Math.floor(random() * 20) }, row);
        const mode = pick(['merge', 'skip'] as const);
        await both((s) => s.leads.importBatch(campaignId, leads, mode, now));
      } else {
        const { rows } = await both((s) => s.leads.list({ campaignId, offset: 0, limit: 500 }));
        if (rows.length === 0) continue;
        const id = pick(rows).id;
        const lead = (await both((s) => s.leads.get(id)))!;
        if (r < 0.75) {
          const changes = { firstName: pick(text), phones: [...lead.phones.slice(0, 1), phone(pick(numbers))] };
          await both((s) => s.leads.update(lead.id, changes, now));
        } else if (r < 0.85) {
          await both((s) => s.activity.recordAttempt(lead.id, now));
        } else {
          const effect = pick(['retry', 'bad-number', 'dnc', 'callback', 'closed', 'none'] as const);
          const d = {
            leadId: lead.id,
            callId: null,
            code: effect,
            label: effect,
            effect,
            success: effect === 'closed',
            note: '',
            at: now,
            phone: lead.phones.length && random() < 0.7 ? pick(lead.phones).e164 : null,
            retryAt: now + 60_000,
            callback: { dueAt: now + 120_000, timeZone: 'UTC' },
            maxAttempts: 2,
          };
          await both((s) => s.activity.recordDisposition(d));
        }
      }
    }
    for (const campaignId of campaigns) {
      const { rows } = await both((s) => s.leads.list({ campaignId, offset: 0, limit: 10_000 }));
      for (const { id } of rows) {
        await both((s) => s.leads.get(id));
        await both((s) => s.leads.history(id, 1000));
        await both((s) => s.leads.callbacks(id));
      }
      for (const search of ['anna', 'ACME', '%', '_', '4155551', 'ł']) await both((s) => s.leads.list({ campaignId, offset: 0, limit: 10_000, search }));
      const order: number[] = [];
      for (let l = await both((s) => s.leads.next(campaignId, now)); l; l = await both((s) => s.leads.next(campaignId, now, order))) order.push(l.id);
      // Phone ids are the stores' own (SQLite reuses the highest after a delete); their order is the contract.
      const [a, b] = [await lite.scrub.phones(campaignId), await pg.scrub.phones(campaignId)];
      for (const p of [a, b]) expect([...p.phoneId]).toEqual([...p.phoneId].sort((x, y) => x - y));
      expect({ ...b, phoneId: null }).toEqual({ ...a, phoneId: null });
    }
    await both((s) => s.campaigns.list(now));
    await both((s) => s.dnc.count());
    await both((s) => s.activity.stats(NOW, now + 1, 'd'));
    await Promise.all([pg.close(), lite.close()]);
  });
});

describe('connections', () => {
  it('each connection has the statement and idle-in-transaction timeouts and the application name', async () => {
    const database = await server.createDatabase();
    const db = connect(server.team({ database, statementTimeoutMs: 1500 }));
    expect(await db.one('SHOW statement_timeout')).toEqual({ statement_timeout: '1500ms' });
    expect(await db.one('SHOW idle_in_transaction_session_timeout')).toEqual({ idle_in_transaction_session_timeout: '10s' });
    expect(await db.one('SHOW application_name')).toEqual({ application_name: 'ringside' });
    await db.end();
  });

  it('a statement that waits longer than the timeout fails in words, saves nothing, and the store goes on', async () => {
    const { store, database } = await freshStore({ statementTimeoutMs: 300 });
    const campaignId = (await store.campaigns.save(campaignInput())).id;
    const lead = await store.leads.create(campaignId, newLead(), NOW);
    const disposition = {
      leadId: lead.id,
      callId: null,
      code: 'sale',
      label: 'Sale',
      effect: 'closed' as const,
      success: true,
      note: '',
      at: NOW,
      phone: null,
      retryAt: null,
      callback: null,
      maxAttempts: 3,
    };
    // Another app holds the lead (its row locked in an open transaction).
    const other = await server.connect(database);
    await other.query('BEGIN');
    await other.query('SELECT * FROM leads WHERE id = $1 FOR UPDATE', [lead.id]);
    const t0 = performance.now();
    const error = await rejection(store.activity.recordDisposition(disposition));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(error).toBeInstanceOf(TeamDatabaseError);
    expect(error).toMatchObject({ problem: 'timeout' });
    expect(error.message).toBe(
      "The team database took longer than 300 ms to answer, so Ringside stopped waiting; nothing of that step was saved. Try again, or ask IT to look at the database's load.",
    );
    await other.query('ROLLBACK');
    await other.end();
    expect((await store.leads.history(lead.id)).filter((e) => e.kind === 'disposition')).toEqual([]);
    await store.activity.recordDisposition(disposition);
    expect((await store.leads.get(lead.id))?.status).toBe('closed');
    await store.close();
  });

  it('a wrong password is refused in words', async () => {
    const error = await rejection(openPostgresStore(server.team({ password: 'not-the-password' })));
    expect(error).toBeInstanceOf(TeamDatabaseError);
    expect(error).toMatchObject({ problem: 'password' });
    expect(error.message).toBe('The team database refused the password for user ringside_test.');
  });

  it('an address where nothing listens, and a database that does not exist, in words', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const unreachable = await rejection(openPostgresStore({ ...server.team(), url: `postgres://ringside_test@127.0.0.1:${port}/x` }));
    expect(unreachable).toMatchObject({ problem: 'unreachable' });
    expect(unreachable.message).toMatch(new RegExp(`^The team database at 127\\.0\\.0\\.1:${port} cannot be reached \\(connect ECONNREFUSED`));
    const missing = await rejection(openPostgresStore(server.team({ database: 'no_such_db' })));
    expect(missing).toMatchObject({ problem: 'no-database' });
    expect(missing.message).toBe(`The team database no_such_db does not exist on 127.0.0.1:${server.port}.`);
  });

  it('a pooled connection the server ends is reported, not thrown, and the next call reconnects', async () => {
    const database = await server.createDatabase();
    const errors: unknown[] = [];
    const store = await openPostgresStore(server.team({ database }), { onError: (e) => errors.push(e) });
    expect(await store.dnc.count()).toBe(0);
    await server.admin((c) =>
      c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ringside' AND datname = $1`, [database]),
    );
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors[0]).toBeInstanceOf(TeamDatabaseError);
    expect(await store.dnc.count()).toBe(0);
    await store.close();
  });

  it('text with U+0000 (which PostgreSQL text cannot hold) is kept without it', async () => {
    const { store } = await freshStore();
    const campaignId = (await store.campaigns.save(campaignInput())).id;
    const lead = await store.leads.create(campaignId, newLead({ firstName: 'An\u0000n', customFields: { note: 'a\u0000b' } }), NOW);
    expect(lead.firstName).toBe('Ann');
    expect(lead.customFields).toEqual({ note: 'a\u0000b' });
    await store.close();
  });
});

describe('TLS', () => {
  let tlsServer: PostgresServer;
  let certs: ReturnType<typeof testCertificates>;
  beforeAll(async () => {
    // The certificate names 127.0.0.1 only; 127.0.0.2 reaches the same server under another name.
    certs = testCertificates(['127.0.0.1']);
    tlsServer = await startPostgres({ tls: certs, listen: ['127.0.0.1', '127.0.0.2'] });
  }, 60_000);
  afterAll(async () => {
    await tlsServer?.stop();
    certs?.cleanup();
  });

  const sslOfRingside = () =>
    tlsServer.admin(
      async (c) => (await c.query(`SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'ringside'`)).rows,
    );

  it('verify-full with the CA: encrypted, and the certificate checked', async () => {
    const store = await openPostgresStore(tlsServer.team({ ssl: 'verify-full', caFile: certs.caFile }));
    expect(await store.dnc.count()).toBe(0);
    expect(await sslOfRingside()).toEqual([{ ssl: true }]);
    await store.close();
  });

  it('require: encrypted without checking the certificate', async () => {
    const store = await openPostgresStore(tlsServer.team({ ssl: 'require' }));
    expect(await store.dnc.count()).toBe(0);
    expect(await sslOfRingside()).toEqual([{ ssl: true }]);
    await store.close();
  });

  it('verify-full refuses a certificate of an unknown CA, or for another name, in words', async () => {
    const unknownCa = await rejection(openPostgresStore(tlsServer.team({ ssl: 'verify-full' })));
    expect(unknownCa).toMatchObject({ problem: 'tls-unverified' });
    expect(unknownCa.message).toMatch(
      /^The team database at 127\.0\.0\.1:\d+ did not prove who it is: its certificate was signed by a CA this computer does not trust/,
    );
    const otherName = await rejection(
      openPostgresStore({
        ...tlsServer.team({ ssl: 'verify-full', caFile: certs.caFile }),
        url: `postgres://ringside_test@127.0.0.2:${tlsServer.port}/ringside_test`,
      }),
    );
    expect(otherName).toMatchObject({ problem: 'tls-unverified' });
    expect(otherName.message).toMatch(/^The team database at 127\.0\.0\.2:\d+ did not prove who it is: its certificate is for another name/);
    const noCaFile = await rejection(openPostgresStore(tlsServer.team({ ssl: 'verify-full', caFile: '/nonexistent/ca.pem' })));
    expect(noCaFile).toMatchObject({ problem: 'ca-file' });
  });

  it('require against a server without TLS is refused in words', async () => {
    const error = await rejection(openPostgresStore(server.team({ ssl: 'require' })));
    expect(error).toMatchObject({ problem: 'tls-unsupported' });
    expect(error.message).toBe(`The team database at 127.0.0.1:${server.port} does not accept encrypted connections, and this connection requires them.`);
  });
});
