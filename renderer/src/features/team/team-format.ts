/** Words for team mode: the test connection's answer, the TLS modes, the agent's default name, the upload of this computer's own data. */
import type { LocalDataView, TeamSslMode, TeamTestResult, UploadReport } from '../../../../shared/team';
import { formatCount } from '../compliance/compliance-format';
import { formatNumber } from '../../ui/number-format';

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

const many = (n: number, one: string, more: string): string => `${formatNumber(n)} ${n === 1 ? one : more}`;

/** What this computer's own file holds, for the upload offer. */
export function localDataText(d: LocalDataView): string {
  return (
    `This computer has ${many(d.campaigns, 'campaign', 'campaigns')}, ${many(d.openLeads, 'open lead', 'open leads')} and ` +
    `${many(d.dnc, 'number', 'numbers')} on its Do-Not-Call list from before team mode. Finished leads (${formatNumber(d.finishedLeads)}) stay on this computer.`
  );
}

/** "3 leads added, 2 merged into leads the team had, 1 campaign joined, 12 numbers added to the Do-Not-Call list; 4 finished leads kept here". */
export function uploadReportText(r: UploadReport): string {
  const parts = [`${many(r.leadsImported, 'lead', 'leads')} added`];
  if (r.leadsMerged > 0) parts.push(`${formatNumber(r.leadsMerged)} merged into leads the team had`);
  if (r.campaignsCreated > 0) parts.push(`${many(r.campaignsCreated, 'campaign', 'campaigns')} created`);
  if (r.campaignsJoined > 0) parts.push(`${many(r.campaignsJoined, 'campaign', 'campaigns')} joined`);
  if (r.dncAdded > 0) parts.push(`${many(r.dncAdded, 'number', 'numbers')} added to the Do-Not-Call list`);
  const kept = r.leadsKeptHere > 0 ? `; ${many(r.leadsKeptHere, 'finished lead', 'finished leads')} kept here` : '';
  return parts.join(', ') + kept;
}
