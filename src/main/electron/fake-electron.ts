/**
 * A stand-in for the `electron` module, for the one test that boots the Electron host in plain
 * Node (no Electron binary can run on our build machines). It records what the host asks of
 * Electron: the window and its preferences, the IPC handlers, the menu, the session rules.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  readonly sent: Array<[string, unknown]> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, message: unknown): void {
    this.sent.push([channel, message]);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static windows: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.windows.push(this);
    fake.app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
}

class FakeApp extends EventEmitter {
  userData = '';
  appPath = '';
  isPackaged = false;
  sandboxed = false;
  quitCalls = 0;
  private readyResolve: () => void = () => undefined;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
    return this.userData;
  }
  getAppPath(): string {
    return this.appPath;
  }
  enableSandbox(): void {
    this.sandboxed = true;
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  fireReady(): void {
    this.readyResolve();
  }
  quit(): void {
    this.quitCalls++;
  }
  exit(code: number): void {
    throw new Error(`app.exit(${code})`);
  }
}

export const fake = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handlers: new Map<string, Listener>(),
    handle(channel: string, listener: Listener): void {
      this.handlers.set(channel, listener);
    },
    removeHandler(channel: string): void {
      this.handlers.delete(channel);
    },
  },
  Menu: {
    current: null as unknown,
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu(menu: unknown): void {
      fake.Menu.current = menu;
    },
  },
  session: {
    defaultSession: {
      permissionRequest: null as Listener | null,
      headers: null as Listener | null,
      setPermissionRequestHandler(h: Listener): void {
        this.permissionRequest = h;
      },
      setPermissionCheckHandler(): void {},
      setDevicePermissionHandler(): void {},
      webRequest: {
        onHeadersReceived(h: Listener): void {
          fake.session.defaultSession.headers = h;
        },
      },
    },
  },
  // As on a Linux box without a keyring: the store must then keep secrets in memory only.
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: (s: string) => Buffer.from(s),
    decryptString: (b: Buffer) => b.toString(),
  },
  shell: { opened: [] as string[], openExternal: async (url: string) => void fake.shell.opened.push(url) },
  dialog: { showErrorBox: (title: string, body: string) => console.error(title, body) },
};
