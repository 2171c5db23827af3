/**
 * A stand-in for the 'electron' module, for the shell tests (the Electron binary cannot run
 * here). Use it with
 *   vi.mock('electron', () => import('./shell-electron-fake.js'));
 * It records what the shell asks of Electron (window options, handlers, registered schemes) and
 * lets a test fire the events Electron would. Only Electron is faked; our own code runs for real.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** An Electron event: records preventDefault, carries the details as properties. */
export class FakeEvent {
  defaultPrevented = false;
  [key: string]: unknown;
  constructor(props: Record<string, unknown> = {}) {
    Object.assign(this, props);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

type PermissionRequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type BeforeRequest = (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void;

export class FakeSession extends EventEmitter {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  devicePermissionHandler: ((details: unknown) => boolean) | null = null;
  beforeRequest: BeforeRequest | null = null;
  webRequest = {
    onBeforeRequest: (listener: BeforeRequest) => {
      this.beforeRequest = listener;
    },
  };
  setPermissionRequestHandler(h: PermissionRequestHandler | null) {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: ((...args: unknown[]) => boolean) | null) {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: ((details: unknown) => boolean) | null) {
    this.devicePermissionHandler = h;
  }
}

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  print = vi.fn();
  constructor(
    public session: FakeSession = electronSession.defaultSession,
    url = 'app://broadsheet/index.html',
  ) {
    super();
    this.mainFrame = new FakeFrame(url);
    app.emit('web-contents-created', new FakeEvent(), this);
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows = () => BrowserWindow.instances.filter((w) => !w.destroyed);
  webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  maximized = false;
  destroyed = false;
  normalBounds: { x: number; y: number; width: number; height: number };
  constructor(public options: Record<string, any>) {
    super();
    this.normalBounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width, height: options.height };
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {
    this.shown = true;
  }
  maximize() {
    this.maximized = true;
    this.shown = true;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return { ...this.normalBounds };
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}

const paths: Record<string, string> = {};

export const app = Object.assign(new EventEmitter(), {
  name: 'electron',
  isPackaged: false,
  setName: vi.fn((name: string) => {
    app.name = name;
  }),
  enableSandbox: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  exit: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
  isReady: vi.fn(() => true),
  getPath: vi.fn((name: string) => {
    const p = paths[name];
    if (!p) throw new Error(`fake app.getPath: no path "${name}"`);
    return p;
  }),
  setPath: (name: string, value: string) => {
    paths[name] = value;
  },
  getAppPath: vi.fn(() => process.cwd()),
});

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle: vi.fn((channel: string, handler: InvokeHandler) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => {
    ipcMain.handlers.delete(channel);
  }),
};

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (req: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => {
    protocol.privileged.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: (req: Request) => Promise<Response>) => {
    protocol.handlers.set(scheme, handler);
  }),
};

const electronSession = { defaultSession: new FakeSession() };
export { electronSession as session };

export const shell = { openExternal: vi.fn(async (_url: string, _options?: unknown) => {}) };

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays: vi.fn(() => screen.displays),
};

export const nativeTheme = { shouldUseDarkColors: false };

export const dialog = { showErrorBox: vi.fn() };

/** The application menu: the template the app built, as set (buildFromTemplate keeps it whole). */
export const Menu = {
  current: null as { template: Array<Record<string, unknown>> } | null,
  buildFromTemplate: vi.fn((template: Array<Record<string, unknown>>) => ({ template })),
  setApplicationMenu: vi.fn((menu: { template: Array<Record<string, unknown>> } | null) => {
    Menu.current = menu;
  }),
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, value: unknown) => {
    contextBridge.exposed.set(key, value);
  }),
};

export const ipcRenderer = { invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined) };

/** An ipcMain.handle event as Electron builds it: sender webContents and the sending frame. */
export function invokeEvent(opts: { url?: string; subframe?: boolean; noFrame?: boolean; foreignMainFrame?: boolean } = {}) {
  const url = opts.url ?? 'app://broadsheet/index.html';
  const sender = { mainFrame: new FakeFrame(url) };
  let senderFrame: FakeFrame | null = sender.mainFrame;
  if (opts.subframe) senderFrame = new FakeFrame(url, sender.mainFrame);
  if (opts.foreignMainFrame) senderFrame = new FakeFrame(url); // a top frame that is not sender.mainFrame
  if (opts.noFrame) senderFrame = null;
  return { sender, senderFrame, processId: 1, frameId: 1 };
}

/** Forgets everything the previous test registered (listeners, handlers, windows, calls). */
export function resetFakeElectron(): void {
  app.removeAllListeners();
  app.isPackaged = false;
  app.requestSingleInstanceLock.mockImplementation(() => true);
  for (const f of [app.setName, app.enableSandbox, app.requestSingleInstanceLock, app.quit, app.exit, app.whenReady, app.getPath]) f.mockClear();
  ipcMain.handlers.clear();
  ipcMain.handle.mockClear();
  protocol.handlers.clear();
  protocol.privileged.length = 0;
  protocol.registerSchemesAsPrivileged.mockClear();
  protocol.handle.mockClear();
  BrowserWindow.instances.length = 0;
  electronSession.defaultSession = new FakeSession();
  shell.openExternal.mockClear();
  Menu.current = null;
  nativeTheme.shouldUseDarkColors = false;
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
}
