/**
 * A stand-in for the `electron` module, for the shell's tests in plain Node (Electron's binary
 * cannot be downloaded on the build machines). Only what the shell uses, behaving as Electron
 * documents it: events carry a preventDefault, app.quit() emits before-quit and stops there when
 * it is prevented, safeStorage refuses a ciphertext made under another key. Wire it with
 * `vi.mock('electron', () => import('./fake-electron').then((m) => m.electronModule()))`.
 * A test that runs main.ts afresh calls vi.resetModules() and vi.doMock('electron', …) again and
 * then imports this file, so that it holds the same fresh instance main.ts gets.
 */
import { EventEmitter } from 'node:events';

/** An Electron event: listeners may cancel the default action. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface WindowOpenDetails {
  url: string;
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  destroyed = false;
  readonly sent: Array<[string, unknown]> = [];
  windowOpenHandler: ((details: WindowOpenDetails) => { action: 'allow' | 'deny' }) | null = null;

  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits `name` with a fresh event first, as Electron does; true when a listener cancelled it. */
  emitCancellable(name: string, ...args: unknown[]): boolean {
    const event = new FakeEvent();
    this.emit(name, event, ...args);
    return event.defaultPrevented;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  shown = false;

  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super();
    fake.windows.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.url = url;
  }
  show(): void {
    this.shown = true;
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  appPath = '/opt/ringside';
  userData = '';
  /** What requestSingleInstanceLock answers: false when another Ringside already runs. */
  singleInstance = true;
  quitAsked = 0;
  /** Set when a quit got past before-quit, as the real app would then end. */
  quitted = false;
  readonly exitCodes: number[] = [];
  readonly protocolClients = new Set<string>();

  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  quit(): void {
    this.quitAsked++;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.quitted = true;
    this.emit('will-quit', new FakeEvent());
  }
  exit(code = 0): void {
    this.exitCodes.push(code);
  }
  /** Set false to hold whenReady() until becomeReady(), as a slow start would. */
  readyAtOnce = true;
  private markReady: () => void = () => undefined;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  whenReady(): Promise<void> {
    if (this.readyAtOnce) this.markReady();
    return this.ready;
  }
  becomeReady(): void {
    this.markReady();
  }
  getAppPath(): string {
    return this.appPath;
  }
  getPath(_name: string): string {
    return this.userData;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  isDefaultProtocolClient(scheme: string): boolean {
    return this.protocolClients.has(scheme);
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.add(scheme);
    return true;
  }
}

type Listener = (...args: unknown[]) => unknown;

export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  /** What ipcRenderer.invoke(channel, payload) would get, from the given sender. */
  async invoke(channel: string, event: { sender: FakeWebContents; senderFrame: unknown }, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, payload);
  }
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean;

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.checkHandler = handler;
  }
}

export type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/** safeStorage over a one-byte XOR key the test can change, as a reset keychain would. */
export class FakeSafeStorage {
  key = 7;
  available = true;
  backend: StorageBackend = 'gnome_libsecret';
  backendAsked = 0;

  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): StorageBackend {
    this.backendAsked++;
    return this.backend;
  }
  encryptString(plain: string): Buffer {
    return Buffer.concat([Buffer.from([this.key]), xor(Buffer.from(plain, 'utf8'), this.key)]);
  }
  decryptString(sealed: Buffer): string {
    // Like Electron: a ciphertext made under another key is refused, not decrypted to garbage.
    if (sealed[0] !== this.key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return xor(sealed.subarray(1), this.key).toString('utf8');
  }
}

function xor(bytes: Buffer, key: number): Buffer {
  return Buffer.from(bytes.map((b) => b ^ key));
}

/** Every stand-in, one instance per evaluation of this file. */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  session: { defaultSession: new FakeSession() },
  powerMonitor: new EventEmitter(),
  safeStorage: new FakeSafeStorage(),
  windows: [] as FakeBrowserWindow[],
  openedExternally: [] as string[],
  /** Message boxes shown, and the button index each answers with (scripted; default the first). */
  dialogs: [] as Array<{ type?: string; message: string; buttons?: string[] }>,
  dialogAnswers: [] as number[],
};

/** The module `electron` as the shell imports it (named exports and the default object). */
export function electronModule(): Record<string, unknown> {
  const named = {
    app: fake.app,
    ipcMain: fake.ipcMain,
    session: fake.session,
    powerMonitor: fake.powerMonitor,
    safeStorage: fake.safeStorage,
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      showMessageBoxSync: (options: { type?: string; message: string; buttons?: string[] }) => {
        fake.dialogs.push(options);
        return fake.dialogAnswers.shift() ?? 0;
      },
    },
    shell: {
      openExternal: async (url: string) => {
        fake.openedExternally.push(url);
      },
    },
  };
  return { ...named, default: named };
}
