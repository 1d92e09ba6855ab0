// main.ts as Electron runs it, on the stand-in electron module with a stand-in core: a second
// instance starts nothing; the first wires the sender-checked handlers, the permission handlers
// and one window, and quitting waits for the core to stop and the database to close.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { requestSchemas } from '../../../shared/contract';

const world = vi.hoisted(() => {
  const state = {
    created: 0,
    started: 0,
    stopRequests: 0,
    storeClosed: 0,
    finishStop: () => undefined as void,
    handled: [] as Array<[unknown, unknown]>,
    opened: [] as string[],
    /** What opening the data file throws, if anything (a damaged file). */
    storeError: null as Error | null,
    /** What the shell gave the core. */
    deps: null as { openExternal?: (url: string) => Promise<void> } | null,
  };
  return state;
});

vi.mock('../../../electron/core/app/create-core', () => ({
  createCore: (deps: { openExternal?: (url: string) => Promise<void> }) => {
    world.created++;
    world.deps = deps;
    return {
      start: async () => {
        world.started++;
      },
      stop: () => {
        world.stopRequests++;
        return new Promise<void>((resolve) => {
          world.finishStop = resolve;
        });
      },
      connect: () => ({
        handle: async (channel: unknown, payload: unknown) => {
          world.handled.push([channel, payload]);
          return { ok: true, value: null };
        },
        close: () => undefined,
      }),
      openLink: async (url: string) => {
        world.opened.push(url);
        return { ok: true, value: null };
      },
      reconnect: async () => undefined,
    };
  },
}));

vi.mock('../../../electron/core/data/sqlite/store', () => ({
  openSqliteStore: () => {
    if (world.storeError) throw world.storeError;
    return {
      close: () => {
        world.storeClosed++;
      },
    };
  },
}));

vi.mock('../../../electron/shell/secure-account-store', () => ({
  SecureAccountStore: class {
    async load() {
      return null;
    }
    async save() {}
    auditKeyStore() {
      return { load: () => null, save: () => undefined };
    }
  },
}));

beforeEach(() => {
  Object.assign(world, { created: 0, started: 0, stopRequests: 0, storeClosed: 0, handled: [], opened: [], storeError: null, deps: null });
});

/** Runs main.ts afresh with the stand-in set up by `arrange`; returns the stand-in it used. */
async function runMain(arrange: (fake: (typeof import('./fake-electron'))['fake']) => void = () => undefined) {
  // A fresh main.ts needs a fresh stand-in too: vi.mock's module would outlive resetModules.
  vi.resetModules();
  vi.doMock('electron', () => import('./fake-electron').then((m) => m.electronModule()));
  const { fake } = await import('./fake-electron');
  fake.app.appPath = '/home/Jan Kowalski/Ringside';
  fake.app.userData = '/home/Jan Kowalski/.config/Ringside';
  arrange(fake);
  await import('../../../electron/shell/main');
  return fake;
}

const entry = 'file:///home/Jan%20Kowalski/Ringside/dist/renderer/index.html';

describe('main', () => {
  it('a second instance quits at once and starts nothing', async () => {
    const fake = await runMain((f) => {
      f.app.singleInstance = false;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.app.quitAsked).toBe(1);
    expect(fake.app.quitted).toBe(true);
    expect(world.created).toBe(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.windows).toHaveLength(0);
    expect(fake.app.listenerCount('second-instance')).toBe(0);
  });

  it('a damaged data file is shown in a dialog with what can be done; Quit starts nothing', async () => {
    world.storeError = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    const fake = await runMain((f) => {
      f.dialogs.length = 0;
      f.dialogAnswers.splice(0, Infinity, 1);
    });
    await vi.waitFor(() => expect(fake.app.exitCodes).toEqual([1]));
    expect(fake.dialogs).toHaveLength(1);
    expect(fake.dialogs[0]).toMatchObject({ type: 'error', buttons: ['Start with empty data', 'Quit'] });
    expect(fake.dialogs[0]!.message).toMatch(/data file is damaged and cannot be opened/);
    expect(world.created).toBe(0);
    expect(fake.windows).toHaveLength(0);
  });

  it('boots: sender-checked handlers, permission handlers, one window on the canonical entry', async () => {
    const fake = await runMain();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(world.started).toBe(1);
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(requestSchemas).sort());
    expect(fake.session.defaultSession.requestHandler).not.toBeNull();
    expect(fake.session.defaultSession.checkHandler).not.toBeNull();

    const [win] = fake.windows;
    expect(win.loaded).toEqual([entry]);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win.options.webPreferences?.preload).toBe('/home/Jan Kowalski/Ringside/dist/electron/preload/preload.cjs');

    // The page at the path with a space is trusted; anything else is not.
    const sender = win.webContents;
    expect(await fake.ipcMain.invoke('account:get', { sender, senderFrame: { url: entry, parent: null } }, {})).toEqual({ ok: true, value: null });
    expect(await fake.ipcMain.invoke('account:get', { sender, senderFrame: { url: 'https://evil.example/', parent: null } }, {})).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(world.handled).toEqual([['account:get', {}]]);

    // The microphone for our page, nothing else.
    const granted: boolean[] = [];
    const request = fake.session.defaultSession.requestHandler!;
    request(sender, 'media', (g) => granted.push(g), { mediaTypes: ['audio'], requestingUrl: entry, isMainFrame: true });
    request(sender, 'media', (g) => granted.push(g), { mediaTypes: ['audio', 'video'], requestingUrl: entry, isMainFrame: true });
    request(sender, 'notifications', (g) => granted.push(g), { requestingUrl: entry, isMainFrame: true });
    expect(granted).toEqual([true, false, false]);
  });

  it('gives the core the system browser (shell.openExternal) for the CRM record the core made', async () => {
    const fake = await runMain();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    fake.openedExternally.length = 0;
    expect(world.deps?.openExternal).toBeTypeOf('function');
    await world.deps!.openExternal!('https://crm.example.com/leads/L-77?phone=%2B48225550141');
    expect(fake.openedExternally).toEqual(['https://crm.example.com/leads/L-77?phone=%2B48225550141']);
  });

  it('quitting waits for the core to stop, then closes the database and quits', async () => {
    const fake = await runMain();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));

    // Closing the last window is a quit like any other.
    fake.app.emit('window-all-closed');
    expect(fake.app.quitAsked).toBe(1);
    expect(fake.app.quitted).toBe(false);
    await vi.waitFor(() => expect(world.stopRequests).toBe(1));
    expect(world.storeClosed).toBe(0);

    fake.app.quit();
    expect(fake.app.quitted).toBe(false);

    world.finishStop();
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true));
    expect(world.stopRequests).toBe(1);
    expect(world.storeClosed).toBe(1);
  });

  it('a link handed over by a second instance is opened once the core is up', async () => {
    const fake = await runMain((f) => {
      f.app.readyAtOnce = false;
    });
    // Before the app is ready: kept until the core can dial it.
    fake.app.emit('second-instance', {}, ['ringside', '--flag', 'tel:+12025550123']);
    await new Promise((r) => setTimeout(r, 20));
    expect(world.opened).toEqual([]);
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(world.opened).toEqual(['tel:+12025550123']);
    expect(fake.app.protocolClients).toEqual(new Set(['tel', 'sip']));
    // Once up, a link is dialled as it comes.
    fake.app.emit('second-instance', {}, ['ringside', 'sip:1001@pbx.example.com']);
    expect(world.opened).toEqual(['tel:+12025550123', 'sip:1001@pbx.example.com']);
  });
});
