/**
 * The Electron shell: app lifecycle, the window, and IPC wiring. Thin on purpose: everything
 * with logic is in electron/core, which runs (and is tested) without Electron.
 */
import { app, ipcMain, powerMonitor, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { join } from 'node:path';
import { requestSchemas, type RequestChannel } from '../../shared/contract';
import { fail } from '../../shared/result';
import { ProvisionedAccountStore, readProvisioningFile, type AccountStore } from '../core/account-store';
import { createCore, type CoreConnection } from '../core/core';
import { drop } from '../core/drop';
import { openSqliteStore } from '../core/data/sqlite-store';
import { SecureAccountStore } from './secure-account-store';
import { createWindow, rendererEntry } from './window';

const dev = !app.isPackaged && process.env.RINGSIDE_DEV === '1';
const appRoot = app.getAppPath();

if (!app.requestSingleInstanceLock()) app.quit();

async function boot(): Promise<void> {
  await app.whenReady();
  const configPath = process.env.RINGSIDE_CONFIG;
  const accounts: AccountStore = configPath ? new ProvisionedAccountStore(await readProvisioningFile(configPath)) : new SecureAccountStore();
  const dbPath = join(app.getPath('userData'), 'ringside.db');
  const store = openSqliteStore(dbPath);
  const core = createCore({ accounts, store, dbPath });
  const entry = rendererEntry(appRoot);

  // Only the microphone, only for our own page.
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(permission === 'media' && contents.getURL().startsWith(entry.replace(/index\.html$/, '')));
  });

  const connections = new Map<number, CoreConnection>();
  const connectionFor = (contents: WebContents): CoreConnection => {
    let c = connections.get(contents.id);
    if (!c) {
      c = core.connect({ send: (channel, payload) => !contents.isDestroyed() && contents.send(channel, payload) });
      connections.set(contents.id, c);
      contents.once('destroyed', () => {
        c?.close();
        connections.delete(contents.id);
      });
    }
    return c;
  };

  // Every request is checked: it must come from our own top frame, and its payload is
  // validated against the contract inside core.handle.
  for (const channel of Object.keys(requestSchemas) as RequestChannel[]) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !frame.url.startsWith(entry)) return fail('forbidden', 'Request from an unexpected frame');
      return connectionFor(event.sender).handle(channel, payload);
    });
  }

  await core.start();
  const preload = join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs');
  createWindow({ preload, entry, dev });

  // After sleep the socket is dead long before TCP notices: reconnect right away.
  powerMonitor.on('resume', () => drop(core.reconnect(), undefined, 'reconnect after resume'));
  app.on('before-quit', () => drop(core.stop().finally(() => store.close()), undefined, 'stop core'));
  app.on('window-all-closed', () => app.quit());
  app.on('second-instance', () => undefined);
}

drop(boot(), (m, e) => {
  console.error(`[ringside] ${m}`, e);
  app.exit(1);
}, 'boot');
