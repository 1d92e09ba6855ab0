/**
 * Browser mode: the same main-process core on plain Node, serving the same renderer to a browser
 * on 127.0.0.1. `npm run start:browser`. The account comes from RINGSIDE_CONFIG (a provisioning
 * file) or is entered in the UI and kept in memory for this run.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryAccountStore, ProvisionedAccountStore, readProvisioningFile, type AccountStore } from '../sip/account-store.js';
import { startBrowserServer } from '../ipc/browser-server.js';
import { createCore } from './create-core.js';
import { defaultDataDir } from './data-dir.js';
import { keepLastGood, openWithRecovery, RECOVERY_LABELS, type Recovery, type StartProblem } from '../data/open-store.js';
import { openTeamStore } from '../data/open-team-store.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const configPath = process.env.RINGSIDE_CONFIG;
  const accounts: AccountStore = configPath ? new ProvisionedAccountStore(await readProvisioningFile(configPath)) : new MemoryAccountStore();
  const dbPath = resolve(defaultDataDir(), 'ringside.db');
  // No window to ask in before the page is served: the choice is given ahead, or the way out is printed.
  const chosen = process.env.RINGSIDE_ON_DAMAGED_DATA;
  const team = (await accounts.load())?.account.team;
  let teamTries = 0;
  const ask = async (problem: StartProblem, options: Recovery[]): Promise<Recovery> => {
    // The team database may be starting too: a few tries, 3 s apart, before giving up in words.
    if (problem.kind === 'team' && ++teamTries < 4 && options.includes('retry')) {
      console.error(`Ringside: ${problem.message} Trying again in 3 s.`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      return 'retry';
    }
    const pick = options.find((o) => o === chosen);
    if (pick) return pick;
    console.error(`Ringside: ${problem.message}\n  (${problem.detail})`);
    const ways = options.filter((o) => o !== 'quit' && o !== 'retry');
    if (ways.length)
      console.error(
        `  To go on, start again with RINGSIDE_ON_DAMAGED_DATA=${ways.join(' or ')} (${ways.map((w) => RECOVERY_LABELS[w].toLowerCase()).join(' / ')}).`,
      );
    return 'quit';
  };
  const opened = team ? await openTeamStore(team.database, ask).then((s) => s && { store: s, recovered: null }) : await openWithRecovery(dbPath, ask);
  if (!opened) process.exit(2);
  const { store } = opened;
  if (opened.recovered) console.log(`Ringside: ${opened.recovered}`);
  const core = createCore({ accounts, store, ...(team ? { dataDir: defaultDataDir() } : { dbPath }) });
  await core.start();
  keepLastGood(store, dbPath).catch((e: unknown) => console.warn('Ringside: could not keep a good copy of the data', e));
  const rendererDir = process.env.RINGSIDE_RENDERER_DIR ?? resolve(here, '../../dist/renderer');
  const port = process.env.RINGSIDE_PORT ? Number(process.env.RINGSIDE_PORT) : 0;
  const server = await startBrowserServer(core, { rendererDir, port });
  // The one line tests and people read: where to point the browser.
  console.log(`RINGSIDE_URL ${server.url}`);
  console.log(`RINGSIDE_DB ${team ? 'team database' : dbPath}`);
  const shutdown = async (): Promise<void> => {
    await core.stop();
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(`[ringside] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
