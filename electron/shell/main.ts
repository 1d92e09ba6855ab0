/**
 * The Electron shell: app lifecycle, the window, and IPC wiring. Thin on purpose: everything
 * with logic is in electron/core, which runs (and is tested) without Electron; what the shell
 * decides itself (sender, permissions, quitting) is in small modules beside this one.
 */
import { app, dialog, ipcMain, powerMonitor, session, shell } from 'electron';
import { join } from 'node:path';
import { ProvisionedAccountStore, readProvisioningFile, type AccountStore } from '../core/sip/account-store';
import { createCore } from '../core/app/create-core';
import { drop } from '../core/lib/drop';
import { keepLastGood, openWithRecovery, type Recovery, type StartProblem } from '../core/data/open-store';
import { openTeamStore } from '../core/data/open-team-store';
import { registerRequestHandlers } from './ipc';
import { claimSingleInstance, stopBeforeQuit } from './lifecycle';
import { rendererEntry } from './own-page';
import { installPermissionHandlers } from './permissions';
import { SecureAccountStore } from './secure-account-store';
import { askAboutData } from './start-dialog';
import { createWindow } from './window';

const dev = !app.isPackaged && process.env.RINGSIDE_DEV === '1';
const appRoot = app.getAppPath();

/** tel: and sip: links open Ringside (the OS hands them over); each goes through the dial gate. */
const LINK = /^(tel|sips?):/i;
const pendingLinks: string[] = process.argv.filter((a) => LINK.test(a));
let openLink: ((url: string) => void) | null = null;
// A link that arrives before the core is up waits for it.
const takeLink = (url: string): void => {
  if (openLink) openLink(url);
  else pendingLinks.push(url);
};

async function boot(): Promise<void> {
  await app.whenReady();
  const configPath = process.env.RINGSIDE_CONFIG;
  const secure = new SecureAccountStore();
  const accounts: AccountStore = configPath ? new ProvisionedAccountStore(await readProvisioningFile(configPath)) : secure;
  const dataDir = app.getPath('userData');
  const dbPath = join(dataDir, 'ringside.db');
  const ask = (problem: StartProblem, options: Recovery[]) => askAboutData(dialog, problem, options);
  // A team agent works on the team's database; everyone else on this desktop's own file.
  const team = (await accounts.load())?.account.team;
  // A damaged or too-new data file, an unreachable team database: a dialog with what can be done, never a silent exit.
  const opened = team ? await openTeamStore(team.database, ask).then((s) => s && { store: s, recovered: null }) : await openWithRecovery(dbPath, ask);
  if (!opened) {
    app.exit(1);
    return;
  }
  const { store } = opened;
  if (opened.recovered) dialog.showMessageBoxSync({ type: 'info', title: 'Ringside', message: opened.recovered });
  const auditKeys = secure.auditKeyStore(join(dataDir, 'audit-key'));
  // A CRM record (the screen pop) opens in the system browser; the core made and checked its address.
  const openExternal = (url: string): Promise<void> => shell.openExternal(url);
  const core = createCore({ accounts, store, ...(team ? { dataDir } : { dbPath }), auditKeys, openExternal });
  const entry = rendererEntry(appRoot);

  // Only the microphone, only for our own page.
  installPermissionHandlers(session.defaultSession, entry);
  // Every request must come from our own top frame; its payload is validated inside the core.
  registerRequestHandlers(ipcMain, core, entry);

  await core.start();
  // The data opened and migrated: it is the good copy to go back to if the file is ever damaged.
  drop(keepLastGood(store, dbPath), undefined, 'keep a good copy of the data');
  for (const scheme of ['tel', 'sip']) if (!app.isDefaultProtocolClient(scheme)) app.setAsDefaultProtocolClient(scheme);
  openLink = (url) => {
    if (!LINK.test(url) || url.length > 512) return;
    // The number opens in the window's dial box for the agent to confirm (or dials, where the
    // account trusts links); what went wrong is shown there too, and logged.
    drop(
      core.openLink(url).then((r) => (r.ok ? undefined : console.warn(`[ringside] link not opened: ${r.message}`))),
      undefined,
      'open link',
    );
  };
  const preload = join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs');
  createWindow({ preload, entry, dev });

  // After sleep the socket is dead long before TCP notices: reconnect right away.
  powerMonitor.on('resume', () => drop(core.reconnect(), undefined, 'reconnect after resume'));
  // Quitting waits for the core: calls hung up and the SIP account unregistered before the process goes.
  stopBeforeQuit(app, { stop: () => core.stop().finally(() => store.close()) });
  app.on('window-all-closed', () => app.quit());
  for (const url of pendingLinks.splice(0)) openLink(url);
}

// A second instance only hands its command line (a link) to the first one and goes.
if (claimSingleInstance(app)) {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    takeLink(url);
  });
  app.on('second-instance', (_event, argv) => {
    for (const a of argv) if (LINK.test(a)) takeLink(a);
  });
  drop(
    boot(),
    (m, e) => {
      console.error(`[ringside] ${m}`, e);
      app.exit(1);
    },
    'boot',
  );
}
