/**
 * The one window factory. Every Ringside window is created here, with the same hardened
 * settings (Electron security checklist): isolated, sandboxed, no Node, no webview, no
 * navigation or pop-ups, and no background throttling so an incoming call rings when the
 * window is hidden.
 */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { drop } from '../core/lib/drop';
import { isOwnPage } from './own-page';

export interface WindowOptions {
  preload: string;
  /** The canonical file:// URL of the renderer's index.html (rendererEntry). */
  entry: string;
  dev: boolean;
}

export function createWindow({ preload, entry, dev }: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 880,
    minHeight: 600,
    title: 'Ringside',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      backgroundThrottling: false,
      spellcheck: false,
      devTools: dev,
    },
  });
  harden(win.webContents, entry);
  win.once('ready-to-show', () => win.show());
  drop(win.loadURL(entry), undefined, 'load the window');
  return win;
}

function harden(contents: WebContents, entry: string): void {
  contents.on('will-navigate', (event, url) => {
    // Only a reload of our own page; nothing the page links to replaces it.
    if (!isOwnPage(url, entry)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // No pop-ups. Only our own allow-listed help pages may open in the system browser;
  // links found in lead or script text never reach here (they are rendered as text).
  contents.setWindowOpenHandler(({ url }) => {
    if (ALLOWED_EXTERNAL.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** https: prefixes that may open in the system browser (none yet: the app links nowhere). */
const ALLOWED_EXTERNAL: readonly string[] = [];
