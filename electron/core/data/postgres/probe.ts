/**
 * "Test connection" in Settings: connects to a team database with the settings as typed, says
 * what it is and what it holds, and changes nothing (read-only, no migration). Failures come back
 * as TeamDatabaseError in words (wrong password, unreachable, certificate not trusted, …).
 */
import type { TeamDatabase, TeamTestResult } from '../../../../shared/team.js';
import { teamDatabaseSchema } from '../../../../shared/team.js';
import { connect } from './connection.js';
import { pgSchemaVersion } from './migrations.js';

export async function probeTeamDatabase(database: TeamDatabase, connectTimeoutMs = 5000): Promise<TeamTestResult> {
  const db = connect(teamDatabaseSchema.parse({ ...database, poolMax: 1 }), { readonly: true, connectTimeoutMs });
  try {
    const version = await db.one<{ v: string }>('SHOW server_version');
    const who = await db.one<{ login: string; rls: boolean | null }>(
      `SELECT session_user AS login, (SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('public.leads')) AS rls`,
    );
    const schemaVersion = await pgSchemaVersion(db);
    let campaigns = 0;
    let leads = 0;
    if (schemaVersion > 0) {
      const counts = await db.one<{ campaigns: string; leads: string }>(
        'SELECT (SELECT count(*) FROM campaigns) AS campaigns, (SELECT count(*) FROM leads) AS leads',
      );
      campaigns = Number(counts?.campaigns ?? 0);
      leads = Number(counts?.leads ?? 0);
    }
    return {
      server: `PostgreSQL ${(version?.v ?? '?').split(' ')[0]}`,
      schemaVersion,
      campaigns,
      leads,
      login: who?.login ?? '',
      rowSecurity: who?.rls === true,
    };
  } finally {
    await db.end();
  }
}
