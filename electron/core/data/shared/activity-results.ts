/**
 * An agent's day and the team's results, folded from the rows both stores count: each store
 * counts calls and dispositions with its own SQL, the figures are put together here.
 */
import type { TeamResults, TeamResultsRow } from '../../../../shared/team.js';
import type { AgentStats } from '../../../../shared/workspace.js';

/** The day's calls, counted. */
export interface CallCounts {
  calls: number;
  connected: number;
  talkMs: number;
}

/** The day's dispositions of one code, counted. */
export interface CodeCounts {
  code: string;
  n: number;
  successes: number;
}

export function agentStats(day: string, calls: CallCounts, byCode: readonly CodeCounts[]): AgentStats {
  const dispositions: Record<string, number> = {};
  let successes = 0;
  for (const r of byCode) {
    dispositions[r.code] = r.n;
    successes += r.successes;
  }
  return { day, calls: calls.calls, connected: calls.connected, talkSec: toSeconds(calls.talkMs), dispositions, successes };
}

/** One (agent, campaign) of the results, in the results' order; talk time in ms. */
export type ResultsRow = Omit<TeamResultsRow, 'talkSec' | 'byCode'> & { talkMs: number };

/** How many dispositions of one code an (agent, campaign) has. */
export interface ResultsCode {
  agent: string | null;
  campaignId: number;
  code: string;
  n: number;
}

/** The results of `rows` (their order kept), each with its codes (in the order of `codes`) folded in. */
export function teamResults(from: number, to: number, rows: readonly ResultsRow[], codes: readonly ResultsCode[]): TeamResults {
  const byKey = new Map<string, TeamResultsRow>();
  const out = rows.map(({ talkMs, ...r }): TeamResultsRow => {
    const row = { ...r, talkSec: toSeconds(talkMs), byCode: {} };
    byKey.set(JSON.stringify([r.agent, r.campaignId]), row);
    return row;
  });
  for (const c of codes) {
    const row = byKey.get(JSON.stringify([c.agent, c.campaignId]));
    if (row) row.byCode[c.code] = c.n;
  }
  return { from, to, rows: out };
}

function toSeconds(ms: number): number {
  return Math.round(ms / 1000);
}
