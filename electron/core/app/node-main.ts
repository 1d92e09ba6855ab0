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
import { openSqliteStore } from '../data/sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const configPath = process.env.RINGSIDE_CONFIG;
  const accounts: AccountStore = configPath ? new ProvisionedAccountStore(await readProvisioningFile(configPath)) : new MemoryAccountStore();
  const dbPath = resolve(defaultDataDir(), 'ringside.db');
  const store = openSqliteStore(dbPath);
  const core = createCore({ accounts, store, dbPath });
  await core.start();
  const rendererDir = process.env.RINGSIDE_RENDERER_DIR ?? resolve(here, '../../dist/renderer');
  const port = process.env.RINGSIDE_PORT ? Number(process.env.RINGSIDE_PORT) : 0;
  const server = await startBrowserServer(core, { rendererDir, port });
  // The one line tests and people read: where to point the browser.
  console.log(`RINGSIDE_URL ${server.url}`);
  console.log(`RINGSIDE_DB ${dbPath}`);
  const shutdown = async (): Promise<void> => {
    await core.stop();
    await server.close();
    store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(`[ringside] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
