/**
 * Opening the team's database at start. A database that does not answer (the network, a wrong
 * password, a certificate not trusted) is said in words by the host — the desktop's dialog, the
 * browser-mode server's console — with "try again" and "quit"; it never falls back to this
 * desktop's own file, which would split the team's results without anyone noticing.
 */
import type { TeamDatabase } from '../../../shared/team.js';
import { recoveriesFor, type Recovery, type StartProblem } from './open-store.js';
import type { Store } from './repositories.js';
import { DatabaseTooNewError } from './sqlite/migrations.js';

export async function openTeamStore(
  database: TeamDatabase,
  choose: (problem: StartProblem, options: Recovery[]) => Recovery | Promise<Recovery>,
  open?: (database: TeamDatabase) => Promise<Store>,
): Promise<Store | null> {
  const openStore = open ?? (await import('./postgres/store.js')).openPostgresStore;
  for (;;) {
    try {
      return await openStore(database);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const tooNew = error instanceof DatabaseTooNewError;
      const problem: StartProblem = {
        kind: tooNew ? 'too-new' : 'team',
        message: `Ringside cannot open the team database: ${message}`,
        detail: error instanceof Error ? `${(error as { problem?: string }).problem ?? error.name}: ${error.message}` : String(error),
        dbPath: where(database.url),
        lastGood: null,
      };
      const options = recoveriesFor(problem);
      const choice = await choose(problem, options);
      if (choice !== 'retry' || !options.includes('retry')) return null;
    }
  }
}

function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)} at ` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the team database';
  }
}
