/**
 * The Electron shell: app lifecycle, the window, and IPC wiring. Thin on purpose: everything
 * with logic is in electron/core, which runs (and is tested) without Electron.
 */
import { app, ipcMain, powerMonitor, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { join } from 'node:path';
import { requestSchemas, type RequestChannel } from '../../shared/contract';
import { fail } from '../../shared/result';
import { ProvisionedAccountStore, readProvisioningFile, type AccountStore } from '../core/sip/account-store';
import { createCore, type CoreConnection } from '../core/app/create-core';
import { drop } from '../core/lib/drop';
import { openSqliteStore } from '../core/data/sqlite-store';
import { SecureAccountStore } from './secure-account-store';
import { createWindow, rendererEntry } from './window';

const dev = !app.isPackaged && process.env.RINGSIDE_DEV === '1';
const appRoot = app.getAppPath();

if (!app.requestSingleInstanceLock()) app.quit();

/** tel: and sip: links open Ringside (the OS hands them over); each goes through the dial gate. */
const LINK = /^(tel|sips?):/i;
const pendingLinks: string[] = process.argv.filter((a) => LINK.test(a));
let openLink: ((url: string) => void) | null = null;
app.on('open-url', (event, url) => {
  event.preventDefault();
  if (openLink) openLink(url);
  else pendingLinks.push(url);
});

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
  for (const scheme of ['tel', 'sip']) if (!app.isDefaultProtocolClient(scheme)) app.setAsDefaultProtocolClient(scheme);
  openLink = (url) => {
    if (!LINK.test(url) || url.length > 512) return;
    // The result (a call, or the gate's refusal) reaches the window as usual; a refusal is logged.
    drop(
      core.dialLink(url).then((r) => (r.ok ? undefined : console.warn(`[ringside] link not dialled: ${r.message}`))),
      undefined,
      'dial link',
    );
  };
  const preload = join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs');
  createWindow({ preload, entry, dev });

  // After sleep the socket is dead long before TCP notices: reconnect right away.
  powerMonitor.on('resume', () => drop(core.reconnect(), undefined, 'reconnect after resume'));
  app.on('before-quit', () =>
    drop(
      core.stop().finally(() => store.close()),
      undefined,
      'stop core',
    ),
  );
  app.on('window-all-closed', () => app.quit());
  app.on('second-instance', (_event, argv) => {
    for (const a of argv) if (LINK.test(a)) openLink?.(a);
  });
  for (const url of pendingLinks.splice(0)) openLink(url);
}

drop(
  boot(),
  (m, e) => {
    console.error(`[ringside] ${m}`, e);
    app.exit(1);
  },
  'boot',
);
