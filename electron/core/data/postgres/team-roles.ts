/**
 * Least privilege on the team database: the SQL that IT runs so that every agent connects as a
 * role of its own, with only the rights its work needs, and row-level security keeps it to the
 * leads it holds (or nobody holds) and to results in its own name. These are plain statements, so
 * the README can show exactly what the tests run; each may be run again and converges on the same
 * rights (a role's password is set anew).
 *
 * Two group roles, NOLOGIN, hold the rights; a person's login role is a member of one:
 * - ringside_agent: reads the team's data; claims, calls and dispositions leads; edits a lead
 *   nobody else holds; adds a caller nobody knows as a lead; adds DNC numbers; appends to the
 *   audit log; delivers the CRM outbox. Writes a call or a disposition only in its own name.
 * - ringside_supervisor (a member of ringside_agent): also campaigns, imports (merging into any
 *   lead), list scrubs, everyone's results, turning CRM sync back on.
 * Nobody but the tables' owner may change or remove history, dispositions or the audit log,
 * truncate a table, create one, or migrate the schema: a new Ringside version is opened first by
 * the owner, then this setup of that version is run again.
 *
 * Policies compare with `session_user` (the login), not `current_user`: an agent may SET ROLE to
 * its group, which would let it act under the group's name; only a superuser can change the
 * session's user. So the agent's name in the team (the account's agent id) must be its role name.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';

export const AGENT_GROUP = 'ringside_agent';
export const SUPERVISOR_GROUP = 'ringside_supervisor';

/** The schema version (migrations.ts) whose tables these rights are written for. */
export const TEAM_ROLES_SCHEMA_VERSION = 3;

/** PBKDF2 rounds of a SCRAM-SHA-256 verifier: PostgreSQL's default (scram_iterations). */
const SCRAM_ITERATIONS = 4096;

/** Now as the leases are kept: epoch milliseconds. */
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
const ME = 'session_user::text';

/**
 * Nobody else holds the lead with a live lease. Written for the lead's own row, and (below) for a
 * row of another table about a lead.
 */
const FREE_OR_MINE = `held_by IS NULL OR held_by = ${ME} OR lease_until <= ${NOW_MS}`;
const leadFreeOrMine = (leadId: string) =>
  `NOT EXISTS (SELECT FROM public.leads l WHERE l.id = ${leadId} AND (l.held_by IS NULL OR l.held_by = ${ME} OR l.lease_until <= ${NOW_MS}) IS NOT TRUE)`;

/** The leads columns an agent may change: all but which lead it is, its campaign and its creation. */
const LEAD_UPDATE_COLUMNS = [
  'first_name',
  'last_name',
  'company',
  'email',
  'street',
  'city',
  'region',
  'postal_code',
  'country',
  'time_zone',
  'source',
  'custom_fields',
  'consent_at',
  'inquiry_at',
  'last_purchase_at',
  'score',
  'priority',
  'status',
  'attempts',
  'last_attempt_at',
  'due_at',
  'updated_at',
  'held_by',
  'lease_until',
];

const TEAM_TABLES = [
  'ringside_schema',
  'campaigns',
  'leads',
  'lead_phones',
  'calls',
  'dispositions',
  'callbacks',
  'history',
  'dnc',
  'compliance_audit',
  'crm_outbox',
  'crm_state',
  'registry_snapshots',
];

/** PostgreSQL reserves these names (and every pg_ name) for itself. */
const RESERVED = new Set(['public', 'none', AGENT_GROUP, SUPERVISOR_GROUP]);

/**
 * An agent's role name is its name in the team (shared/team.ts: letters, digits and . _ - @),
 * within the 63 bytes PostgreSQL keeps of a name: a longer one would be cut short silently and no
 * longer match the name on the agent's claims.
 */
const ROLE_NAME = /^[A-Za-z0-9._@-]{1,63}$/;

function checkRoleName(name: string): void {
  if (!ROLE_NAME.test(name))
    throw new TypeError(`${JSON.stringify(name)} cannot be a Ringside role: it must be the agent's name in the team (1 to 63 letters, digits and . _ - @).`);
  if (RESERVED.has(name) || name.toLowerCase().startsWith('pg_'))
    throw new TypeError(`${JSON.stringify(name)} cannot be a Ringside role: PostgreSQL or Ringside keeps that name for itself.`);
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new TypeError('A Ringside role needs a password.');
  if (password.includes('\0')) throw new TypeError('A password cannot hold the character U+0000.');
}

/** `body` in dollar quotes whose tag it does not contain, so nothing in it can end them. */
function dollarQuoted(body: string): string {
  let tag = '$ringside$';
  for (let i = 1; body.includes(tag); i++) tag = `$ringside${i}$`;
  return `${tag}${body}${tag}`;
}

/**
 * The password as PostgreSQL stores it (a SCRAM-SHA-256 verifier), so the statement, a server log
 * of it or a shell's history never holds the password itself. PostgreSQL prepares a password
 * with SASLprep before hashing it; printable ASCII is left as it is, so only such a password is
 * hashed here. Any other is sent as text for the server to hash (psql's \password avoids that).
 */
function passwordLiteral(password: string): string {
  if (!/^[\x20-\x7e]+$/.test(password)) return pg.escapeLiteral(password);
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return pg.escapeLiteral(`SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`);
}

/**
 * Run once by the owner of Ringside's tables (the role whose Ringside created them), connected to
 * the team's database, after Ringside opened it; again after every Ringside version that changes
 * the schema. Creates the group roles when the server has none, keeps everyone not added to this
 * team out of its database, grants each group its rights and turns on row-level security.
 */
export function teamSetupSql({ owner }: { owner: string }): string {
  if (owner.length === 0 || owner.includes('\0') || Buffer.byteLength(owner) > 63) throw new TypeError(`${JSON.stringify(owner)} cannot be the owner's role.`);
  const ownerName = pg.escapeLiteral(owner);
  const ownerRole = pg.escapeIdentifier(owner);
  const A = AGENT_GROUP;
  const S = SUPERVISOR_GROUP;
  const v = TEAM_ROLES_SCHEMA_VERSION;
  const tables = (names: string[]) => names.map((t) => `public.${t}`).join(', ');
  const checks = dollarQuoted(`
DECLARE
  found integer;
  tables_owner name;
  p record;
BEGIN
  IF to_regclass('public.ringside_schema') IS NULL THEN
    RAISE EXCEPTION 'Ringside has not created its tables in database % yet: open it once in Ringside as %, then run this again.', current_database(), ${ownerName};
  END IF;
  SELECT version INTO found FROM public.ringside_schema;
  IF found IS DISTINCT FROM ${v} THEN
    RAISE EXCEPTION 'Database % is at Ringside schema version %, and these rights are for version ${v}: run those of the Ringside version that opened it last.', current_database(), found;
  END IF;
  SELECT tableowner INTO tables_owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'leads';
  IF tables_owner IS DISTINCT FROM ${ownerName} THEN
    RAISE EXCEPTION 'Ringside''s tables in database % belong to %, not to %: name the role that created them.', current_database(), tables_owner, ${ownerName};
  END IF;
  -- Only the database's owner can keep everyone else out of it (below); anyone else's REVOKE
  -- would do nothing, with a mere warning.
  IF NOT pg_has_role(current_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') THEN
    RAISE EXCEPTION 'Run this as the owner of database % (or a superuser), not as %.', current_database(), current_user;
  END IF;

  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${A}') THEN
    CREATE ROLE ${A} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${S}') THEN
    CREATE ROLE ${S} NOLOGIN;
  END IF;
  -- The groups hold rights, nobody logs in as one.
  IF EXISTS (SELECT FROM pg_roles WHERE rolname IN ('${A}', '${S}') AND rolcanlogin) THEN
    ALTER ROLE ${A} NOLOGIN;
    ALTER ROLE ${S} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
                  WHERE g.rolname = '${A}' AND r.rolname = '${S}') THEN
    GRANT ${A} TO ${S};
  END IF;

  -- The group roles are the server's, shared by every team database on it: only the people
  -- added to this team (each agent's and supervisor's statements) may connect to this one.
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${ownerName});

  -- Policies of an earlier run (or version) go: the ones below are the whole set.
  FOR p IN SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public' AND policyname LIKE 'ringside\\_%' LOOP
    EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, p.tablename);
  END LOOP;
END
`);
  return `-- Ringside: least privilege on the team database (schema version ${v}).
-- Run as ${owner}, connected to the team's database, after Ringside created its tables:
--   psql --single-transaction -v ON_ERROR_STOP=1 -f ringside-roles.sql
DO ${checks};

-- From nothing: a right an earlier version granted and this one does not is gone.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${A}, ${S};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${A}, ${S};
-- Nobody but the owner creates tables (PostgreSQL 15 does this already; older ones do not).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- The owner still does: the next Ringside version's migration runs as the owner.
GRANT ALL ON SCHEMA public TO ${ownerRole};
GRANT USAGE ON SCHEMA public TO ${A};
-- New lead ids (a caller nobody knows becomes a lead) and outbox sequence numbers.
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${A};

-- ringside_agent: read everything (row-level security narrows calls and dispositions below).
GRANT SELECT ON ${tables(TEAM_TABLES)} TO ${A};
-- Claims, attempts, dispositions and edits change a lead; a caller nobody knows becomes one.
GRANT INSERT, UPDATE (${LEAD_UPDATE_COLUMNS.join(', ')}) ON public.leads TO ${A};
-- An edit writes the lead's numbers anew; a bad-number disposition marks one. A scrub's verdict
-- (blocked) is the supervisor's.
GRANT INSERT (lead_id, campaign_id, position, e164, raw, label, bad), UPDATE (bad), DELETE ON public.lead_phones TO ${A};
-- A call is written again when its end is known (its own only, by the policy below).
GRANT INSERT, UPDATE (lead_id, direction, phone, started_at, answered_at, ended_at, outcome, agent) ON public.calls TO ${A};
-- Append only: no UPDATE, DELETE or TRUNCATE for anyone but the owner. A customer's "do not call
-- me" must always be recordable; the audit log's triggers refuse changes even to the owner.
GRANT INSERT ON public.dispositions, public.history, public.dnc, public.compliance_audit TO ${A};
-- Each desktop imports the national registries itself and says which snapshot it has.
GRANT INSERT ON public.registry_snapshots TO ${A};
-- A disposition settles the lead's open callback and may schedule one.
GRANT INSERT, UPDATE (done, done_at) ON public.callbacks TO ${A};
-- Every app claims and delivers the CRM outbox; an event's body (what is signed) is never changed.
GRANT INSERT, UPDATE (state, attempts, next_at, last_error, claimed_by, lease_until, done_at) ON public.crm_outbox TO ${A};
GRANT INSERT, UPDATE (value) ON public.crm_state TO ${A};

-- ringside_supervisor: everything an agent may, and campaigns, imports, scrubs, and turning CRM
-- sync back on after the CRM said its address is gone.
GRANT INSERT, UPDATE (name, kind, dial_mode, max_attempts, config, updated_at) ON public.campaigns TO ${S};
GRANT UPDATE (blocked) ON public.lead_phones TO ${S};
GRANT DELETE ON public.crm_state TO ${S};

-- Row-level security. The owner is not bound by it (it migrates and repairs); members of the
-- groups are, through the policies below (none: no row).
ALTER TABLE public.leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.lead_phones ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.callbacks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.dispositions ENABLE ROW LEVEL SECURITY;

-- Leads: every agent sees the team's leads (one team per database), and changes one only while
-- nobody else holds it with a live lease (lease_until is epoch milliseconds); the lead is then
-- held by the agent itself or by nobody (a hold whose lease ran out is nobody's).
CREATE POLICY ringside_agent_read ON public.leads FOR SELECT TO ${A} USING (true);
CREATE POLICY ringside_agent_add ON public.leads FOR INSERT TO ${A} WITH CHECK (held_by IS NULL OR held_by = ${ME});
CREATE POLICY ringside_agent_change ON public.leads FOR UPDATE TO ${A}
  USING (${FREE_OR_MINE})
  WITH CHECK (${FREE_OR_MINE});
-- An import merges into any lead, a supervisor may give a lead back to the pool.
CREATE POLICY ringside_supervisor_all ON public.leads FOR ALL TO ${S} USING (true) WITH CHECK (true);

-- A lead's numbers and callbacks: changed with the lead, so on the same terms.
CREATE POLICY ringside_agent_read ON public.lead_phones FOR SELECT TO ${A} USING (true);
CREATE POLICY ringside_agent_add ON public.lead_phones FOR INSERT TO ${A} WITH CHECK (${leadFreeOrMine('lead_phones.lead_id')});
CREATE POLICY ringside_agent_change ON public.lead_phones FOR UPDATE TO ${A}
  USING (${leadFreeOrMine('lead_phones.lead_id')})
  WITH CHECK (${leadFreeOrMine('lead_phones.lead_id')});
CREATE POLICY ringside_agent_remove ON public.lead_phones FOR DELETE TO ${A} USING (${leadFreeOrMine('lead_phones.lead_id')});
CREATE POLICY ringside_supervisor_all ON public.lead_phones FOR ALL TO ${S} USING (true) WITH CHECK (true);

-- Every agent sees callbacks (the queue passes over another agent's); one is the agent's own or
-- anyone's.
CREATE POLICY ringside_agent_read ON public.callbacks FOR SELECT TO ${A} USING (true);
CREATE POLICY ringside_agent_add ON public.callbacks FOR INSERT TO ${A}
  WITH CHECK ((owner IS NULL OR owner = ${ME}) AND ${leadFreeOrMine('callbacks.lead_id')});
CREATE POLICY ringside_agent_change ON public.callbacks FOR UPDATE TO ${A}
  USING (${leadFreeOrMine('callbacks.lead_id')})
  WITH CHECK (${leadFreeOrMine('callbacks.lead_id')});
CREATE POLICY ringside_supervisor_all ON public.callbacks FOR ALL TO ${S} USING (true) WITH CHECK (true);

-- Calls and dispositions carry who made them, always: never someone else, never nobody (a row
-- without an agent would fall out of everyone's results). An agent reads its own; a supervisor
-- reads everyone's and still writes only in its own name.
CREATE POLICY ringside_agent_read ON public.calls FOR SELECT TO ${A} USING (agent = ${ME});
CREATE POLICY ringside_agent_add ON public.calls FOR INSERT TO ${A} WITH CHECK (agent = ${ME});
CREATE POLICY ringside_agent_change ON public.calls FOR UPDATE TO ${A} USING (agent = ${ME}) WITH CHECK (agent = ${ME});
CREATE POLICY ringside_supervisor_read ON public.calls FOR SELECT TO ${S} USING (true);
CREATE POLICY ringside_agent_read ON public.dispositions FOR SELECT TO ${A} USING (agent = ${ME});
CREATE POLICY ringside_agent_add ON public.dispositions FOR INSERT TO ${A} WITH CHECK (agent = ${ME});
CREATE POLICY ringside_supervisor_read ON public.dispositions FOR SELECT TO ${S} USING (true);
`;
}

/** One person's login role, a member of `group` only, allowed to connect to this database. */
function personSql(name: string, password: string, group: string, notGroup: string | null): string {
  checkRoleName(name);
  checkPassword(password);
  const role = pg.escapeIdentifier(name);
  const literal = pg.escapeLiteral(name);
  const secret = passwordLiteral(password);
  const isMember = (g: string) =>
    `EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = '${g}' AND r.rolname = ${literal})`;
  const body = `
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal}) THEN
    CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${secret};
  ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal} AND (rolsuper OR rolreplication OR rolbypassrls))
     OR EXISTS (SELECT FROM pg_tables WHERE schemaname = 'public' AND tablename = 'leads' AND tableowner = ${literal}) THEN
    -- Row-level security would not bind it: give the person a role of their own.
    RAISE EXCEPTION 'Role % is a superuser, owns Ringside''s tables, or may replicate or bypass row-level security: it cannot be a Ringside agent or supervisor.', ${literal};
  ELSE
    ALTER ROLE ${role} LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${secret};
  END IF;
  IF NOT ${isMember(group)} THEN
    GRANT ${group} TO ${role};
  END IF;${
    notGroup
      ? `
  IF ${isMember(notGroup)} THEN
    REVOKE ${notGroup} FROM ${role};
  END IF;`
      : ''
  }
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${literal});
END
`;
  return `-- Ringside ${group === AGENT_GROUP ? 'agent' : 'supervisor'} ${name}: run connected to the team's database, after the team setup.
DO ${dollarQuoted(body)};
`;
}

/**
 * An agent's login role, named as the agent is in the team (its claims, calls and dispositions
 * carry that name): created, or given this password and made an agent (not a supervisor) again.
 */
export function agentRoleSql(name: string, password: string): string {
  return personSql(name, password, AGENT_GROUP, SUPERVISOR_GROUP);
}

/** A supervisor's login role, likewise: an agent's rights and the supervisor's. */
export function supervisorRoleSql(name: string, password: string): string {
  return personSql(name, password, SUPERVISOR_GROUP, null);
}
