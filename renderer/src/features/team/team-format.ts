/** Words for team mode: the test connection's answer, the TLS modes, the agent's default name. */
import type { TeamSslMode, TeamTestResult } from '../../../../shared/team';
import { formatCount } from '../compliance/compliance-format';

const counted = (n: number, one: string, many: string): string => (n === 0 ? `no ${many}` : `${formatCount(n)} ${n === 1 ? one : many}`);

/** "PostgreSQL 15.8 — a new database: Ringside will create its tables" / "… — holds 3 campaigns and 12,400 leads". */
export function testResultText(r: TeamTestResult): string {
  if (r.schemaVersion === 0) return `${r.server} — a new database: Ringside will create its tables`;
  return `${r.server} — holds ${counted(r.campaigns, 'campaign', 'campaigns')} and ${counted(r.leads, 'lead', 'leads')}`;
}

/** Each TLS mode with what it protects against, strongest first: one line each. */
export const sslModeText: ReadonlyArray<{ mode: TeamSslMode; means: string }> = [
  { mode: 'verify-full', means: 'encrypted, server’s identity checked (safest)' },
  { mode: 'require', means: 'encrypted, server’s identity not checked' },
  { mode: 'disable', means: 'not encrypted: a database on this computer only' },
];

/**
 * Who the agent is in the shared data when Settings leaves the name empty: the SIP user of its
 * address, as the core derives it, so the placeholder shows the name that will really be used.
 */
export function defaultAgentId(aor: string): string {
  const user = /^sips?:([^@;]+)@/i.exec(aor.trim())?.[1] ?? '';
  return user.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 64);
}
