// The window factory on the stand-in electron module: the hardened options, and a page that can
// neither navigate away, be redirected, attach a webview nor open a window.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { rendererEntry } from '../../../electron/shell/own-page';
import { fake } from './fake-electron';

vi.mock('electron', () => import('./fake-electron').then((m) => m.electronModule()));

const { createWindow } = await import('../../../electron/shell/window');

const entry = rendererEntry('/home/Jan Kowalski/Ringside', false);

beforeEach(() => {
  fake.windows.length = 0;
  fake.openedExternally.length = 0;
});

function open(dev = false) {
  createWindow({ preload: '/home/Jan Kowalski/Ringside/dist/electron/preload/preload.cjs', entry, dev });
  expect(fake.windows).toHaveLength(1);
  return fake.windows[0];
}

describe('createWindow', () => {
  it('is isolated, sandboxed, without Node, webviews or throttling, and keeps web security on', () => {
    const { webPreferences } = open().options;
    expect(webPreferences).toMatchObject({
      preload: '/home/Jan Kowalski/Ringside/dist/electron/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      allowRunningInsecureContent: false,
      backgroundThrottling: false,
      devTools: false,
    });
    // Not disabled: either left at Electron's default (on) or set on explicitly.
    expect(webPreferences?.webSecurity ?? true).toBe(true);
    for (const risky of ['nodeIntegrationInWorker', 'experimentalFeatures', 'enableBlinkFeatures', 'allowpopups'])
      expect(webPreferences).not.toHaveProperty(risky);
  });

  it('has devtools only when asked for', () => {
    expect(open(true).options.webPreferences?.devTools).toBe(true);
  });

  it('loads the canonical entry URL and shows itself once ready', () => {
    const win = open();
    expect(win.loaded).toEqual(['file:///home/Jan%20Kowalski/Ringside/dist/renderer/index.html']);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('blocks navigation away from our page', () => {
    const { webContents } = open();
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///home/Jan%20Kowalski/Ringside/dist/renderer/other.html',
      'javascript:alert(1)',
      '',
    ])
      expect(webContents.emitCancellable('will-navigate', url)).toBe(true);
    // Reloading our own page is no navigation away.
    expect(webContents.emitCancellable('will-navigate', entry)).toBe(false);
  });

  it('blocks every redirect and webview', () => {
    const { webContents } = open();
    expect(webContents.emitCancellable('will-redirect', entry)).toBe(true);
    expect(webContents.emitCancellable('will-redirect', 'https://evil.example/')).toBe(true);
    expect(webContents.emitCancellable('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies window.open and opens nothing outside', async () => {
    const { webContents } = open();
    expect(webContents.windowOpenHandler).not.toBeNull();
    for (const url of ['https://example.com/help', 'https://evil.example/', entry, 'tel:+12025550123', 'about:blank'])
      expect(webContents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(fake.openedExternally).toEqual([]);
  });
});
