import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultLibraryPath, userDataDir } from '../main/paths.js';
import { ipcName } from '../preload/api.js';
import { tempDir } from './helpers.js';
import { buildShellOut } from './shell-helpers.js';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const fake = await import('./shell-electron-fake.js');
const { FakeEvent } = fake;
const { createMainWindow, placeWindow, readWindowState, writeWindowState, DEFAULT_SIZE } = await import('../main/shell/window.js');
const { startApp } = await import('../main/shell/app.js');
const { electronNativeBinding, libraryFile } = await import('../main/shell/locations.js');

beforeEach(() => {
  fake.resetFakeElectron();
});

const lastWindow = () => fake.BrowserWindow.instances[fake.BrowserWindow.instances.length - 1]!;

describe('the window', () => {
  function open(stateFile = path.join(tempDir(), 'window-state.json')) {
    const win = createMainWindow({ preload: '/app/out/preload/index.cjs', stateFile, url: 'app://broadsheet/index.html' });
    return { win: win as unknown as InstanceType<typeof fake.BrowserWindow>, stateFile };
  }

  it('is isolated and sandboxed, with our preload and nothing of Node', () => {
    const { win } = open();
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.experimentalFeatures).toBeFalsy();
  });

  it('opens hidden on the page’s background colour and shows when ready', () => {
    const { win } = open();
    expect(win.options.show).toBe(false);
    expect(win.options.backgroundColor).toBe('#ffffff');
    expect(win.loadedUrl).toBe('app://broadsheet/index.html');
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
    fake.nativeTheme.shouldUseDarkColors = true;
    expect(open().win.options.backgroundColor).toBe('#1c1d1f');
  });

  it('remembers size, position and maximised state across runs, written atomically', () => {
    const { win, stateFile } = open();
    expect(win.options).toMatchObject(DEFAULT_SIZE);
    win.normalBounds = { x: 200, y: 150, width: 1000, height: 700 };
    win.maximized = true;
    win.emit('close');
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toEqual({ x: 200, y: 150, width: 1000, height: 700, maximized: true });
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['window-state.json']); // no temp file left

    const again = open(stateFile).win;
    expect(again.options).toMatchObject({ x: 200, y: 150, width: 1000, height: 700 });
    expect(again.maximized).toBe(false);
    again.emit('ready-to-show');
    expect(again.maximized).toBe(true);
    expect(again.shown).toBe(true);
  });

  it('does not reopen off-screen when the display it was on is gone', () => {
    const stateFile = path.join(tempDir(), 'window-state.json');
    writeWindowState(stateFile, { x: 2500, y: 100, width: 1000, height: 700, maximized: false });
    fake.screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
    const { win } = open(stateFile);
    expect(win.options.x).toBeUndefined();
    expect(win.options.y).toBeUndefined();
    expect(win.options).toMatchObject({ width: 1000, height: 700 });
  });

  it('keeps going when the state cannot be saved', () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { win } = open(path.join(blocker, 'window-state.json'));
    expect(() => win.emit('close')).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not save the window position/));
    warn.mockRestore();
  });
});

describe('window state', () => {
  it('reads back what it wrote, replacing the old file', () => {
    const file = path.join(tempDir(), 'sub', 'window-state.json');
    writeWindowState(file, { x: 1, y: 2, width: 800, height: 600, maximized: false });
    writeWindowState(file, { x: 3, y: 4, width: 1100, height: 650, maximized: true });
    expect(readWindowState(file)).toEqual({ x: 3, y: 4, width: 1100, height: 650, maximized: true });
  });

  it.each([
    ['missing', null],
    ['damaged', '{"width": 800, "hei'],
    ['not an object', '42'],
    ['too small', '{"width": 10, "height": 10}'],
    ['absurd', '{"width": 1e9, "height": 800}'],
    ['wrong types', '{"width": "800", "height": 600}'],
  ])('ignores a %s file', (_name, content) => {
    const file = path.join(tempDir(), 'window-state.json');
    if (content !== null) fs.writeFileSync(file, content);
    expect(readWindowState(file)).toBeNull();
  });

  it('drops a position that is not a whole number, keeps the size', () => {
    const file = path.join(tempDir(), 'window-state.json');
    fs.writeFileSync(file, '{"x": "left", "y": 1.5, "width": 1000, "height": 600}');
    expect(readWindowState(file)).toEqual({ width: 1000, height: 600, maximized: false });
  });

  it('places the window only where a display can show it', () => {
    const one = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const two = [...one, { x: -1280, y: 0, width: 1280, height: 1024 }];
    const saved = { x: -1000, y: 100, width: 1100, height: 700, maximized: false };
    expect(placeWindow(saved, two)).toEqual({ x: -1000, y: 100, width: 1100, height: 700 });
    expect(placeWindow(saved, one)).toEqual({ width: 1100, height: 700 });
    // A sliver on screen is not enough to grab the window.
    expect(placeWindow({ ...saved, x: 1900 }, one)).toEqual({ width: 1100, height: 700 });
    expect(placeWindow({ ...saved, x: 1000 }, one)).toEqual({ x: 1000, y: 100, width: 1100, height: 700 });
    // Too big for every display: shrunk to fit.
    expect(placeWindow({ width: 5000, height: 3000, maximized: false }, one)).toEqual({ width: 1920, height: 1080 });
    expect(placeWindow(null, one)).toEqual(DEFAULT_SIZE);
  });
});

describe('where the app keeps its library', () => {
  it('is library.sqlite in Electron’s userData, the same file the command line opens', () => {
    const env = { HOME: '/home/reader', XDG_CONFIG_HOME: '/home/reader/.config', APPDATA: 'C:\\Users\\reader\\AppData\\Roaming' };
    // Electron's app.getPath('userData') for the name Broadsheet is what userDataDir() computes.
    expect(libraryFile(userDataDir(process.platform, env), env)).toBe(defaultLibraryPath(env));
  });

  it('is BROADSHEET_DB when set', () => {
    const env = { BROADSHEET_DB: 'relative/lib.sqlite' };
    expect(libraryFile('/ignored', env)).toBe(path.resolve('relative/lib.sqlite'));
    expect(libraryFile('/ignored', env)).toBe(defaultLibraryPath(env));
  });

  it('names the Electron build of better-sqlite3 as build/scripts/electron-native.mjs does', () => {
    expect(electronNativeBinding('/repo', '45.5.0', 'linux', 'x64', {})).toBe(
      path.join('/repo', '.native', 'electron-45.5.0-linux-x64', 'better_sqlite3.node'),
    );
    expect(electronNativeBinding('/repo', '45.5.0', 'darwin', 'arm64', { BROADSHEET_NATIVE_DIR: '/tmp/n' })).toBe(
      path.join('/tmp/n', 'electron-45.5.0-darwin-arm64', 'better_sqlite3.node'),
    );
  });
});

describe('startApp', () => {
  let built: Awaited<ReturnType<typeof buildShellOut>>;
  beforeAll(async () => {
    built = await buildShellOut();
    fs.mkdirSync(path.join(built.outDir, 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(built.outDir, 'renderer', 'index.html'), '<!doctype html><title>Broadsheet</title>');
  });
  afterAll(() => built.remove());

  /** Starts the app against the fake Electron, with its own userData and library. */
  async function start(envOver: NodeJS.ProcessEnv = {}) {
    const userData = tempDir('broadsheet-userdata-');
    fake.app.setPath('userData', userData);
    const env = { BROADSHEET_NATIVE_DIR: path.join(userData, 'native'), ...envOver };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = await startApp({ outDir: built.outDir, env });
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    return { started, userData, env, warnings };
  }

  async function quit() {
    const event = new FakeEvent();
    fake.app.emit('will-quit', event);
    if (event.defaultPrevented) await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled(), { timeout: 15_000 });
    return event;
  }

  async function call(channel: string, payload: unknown) {
    const event = fake.invokeEvent();
    return fake.ipcMain.handlers.get(ipcName(channel as never))!(event, payload);
  }

  it('does the before-ready work before waiting for ready', async () => {
    const { started } = await start();
    expect(started).toBe(true);
    const order = (f: { mock: { invocationCallOrder: number[] } }) => f.mock.invocationCallOrder[0]!;
    expect(fake.app.setName).toHaveBeenCalledWith('Broadsheet');
    expect(order(fake.app.setName)).toBeLessThan(order(fake.app.whenReady));
    expect(order(fake.app.enableSandbox)).toBeLessThan(order(fake.app.whenReady));
    expect(order(fake.protocol.registerSchemesAsPrivileged)).toBeLessThan(order(fake.app.whenReady));
    expect(order(fake.app.requestSingleInstanceLock)).toBeLessThan(order(fake.app.whenReady));
    expect(order(fake.app.setName)).toBeLessThan(order(fake.app.getPath));
    expect(fake.protocol.privileged.map((s) => (s as { scheme: string }).scheme).sort()).toEqual(['app', 'bs-image']);
    await quit();
  });

  it('opens one guarded window on app://broadsheet with the built preload', async () => {
    await start();
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    const win = lastWindow();
    expect(win.loadedUrl).toBe('app://broadsheet/index.html');
    expect(win.options.webPreferences.preload).toBe(path.join(built.outDir, 'preload', 'index.cjs'));
    // Guards were installed for the window's webContents before it could navigate.
    const nav = new FakeEvent({ url: 'https://evil.example/' });
    win.webContents.emit('will-navigate', nav, nav.url);
    expect(nav.defaultPrevented).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const session = fake.session.defaultSession;
    const granted = vi.fn();
    session.permissionRequestHandler!({}, 'geolocation', granted, {});
    expect(granted).toHaveBeenCalledWith(false);
    expect(session.beforeRequest).toBeTypeOf('function');
    await quit();
  });

  it('sets its own menu: Print… prints the window, and a packaged app has no developer tools', async () => {
    fake.app.isPackaged = true;
    await start();
    type Item = { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
    const items = (list: Item[]): Item[] => list.flatMap((i) => [i, ...items(i.submenu ?? [])]);
    const all = items(fake.Menu.current!.template as Item[]);
    const print = all.find((i) => i.label === 'Print…')!;
    expect(print.accelerator).toBe('CmdOrCtrl+P');
    print.click!();
    expect(lastWindow().webContents.print).toHaveBeenCalledTimes(1);
    expect(all.map((i) => i.role).filter((r) => r && /devtools|reload/i.test(r))).toEqual([]);
    await quit();
  });

  it('serves the renderer and answers the API from the library worker on BROADSHEET_DB', async () => {
    const db = path.join(tempDir(), 'chosen.sqlite');
    await start({ BROADSHEET_DB: db });
    const page = await fake.protocol.handlers.get('app')!(new Request('app://broadsheet/index.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Broadsheet</title>');
    const { id } = (await call('addSample', {})) as { id: number };
    expect(await call('getArticle', { id })).toMatchObject({ id });
    expect(fs.existsSync(db)).toBe(true);
    expect((await fake.protocol.handlers.get('bs-image')!(new Request(`bs-image://image/${'0'.repeat(64)}`))).status).toBe(404);

    // Quitting closes the library file first, then quits for real.
    const event = await quit();
    expect(event.defaultPrevented).toBe(true);
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
    await expect(call('sidebar', {})).rejects.toThrow(/closed/);
    expect((await quit()).defaultPrevented).toBe(false);
  });

  it('keeps the library in userData by default, next to the window state', async () => {
    const { userData } = await start({ BROADSHEET_DB: '' });
    await call('sidebar', {});
    expect(fs.existsSync(path.join(userData, 'library.sqlite'))).toBe(true);
    lastWindow().emit('close');
    expect(fs.existsSync(path.join(userData, 'window-state.json'))).toBe(true);
    await quit();
  });

  it('passes the Electron build of better-sqlite3 to the worker when there is one', async () => {
    const userDataNative = tempDir('broadsheet-native-');
    const binding = electronNativeBinding(process.cwd(), process.versions.electron ?? 'unknown', process.platform, process.arch, {
      BROADSHEET_NATIVE_DIR: userDataNative,
    });
    fs.mkdirSync(path.dirname(binding), { recursive: true });
    fs.writeFileSync(binding, 'not really a native module');
    await start({ BROADSHEET_NATIVE_DIR: userDataNative, BROADSHEET_DB: path.join(tempDir(), 'l.sqlite') });
    // The worker tried to load exactly that file, and says so instead of crashing.
    await expect(call('sidebar', {})).rejects.toThrow(/cannot open the library/);
    await quit();

    // A packaged app ignores it (electron-builder rebuilt node_modules for Electron).
    fake.resetFakeElectron();
    fake.app.isPackaged = true;
    await start({ BROADSHEET_NATIVE_DIR: userDataNative, BROADSHEET_DB: path.join(tempDir(), 'l.sqlite') });
    await expect(call('sidebar', {})).resolves.toMatchObject({ all: 0 });
    await quit();
  });

  it('warns, and still starts, when the Electron build of better-sqlite3 is missing', async () => {
    const { warnings } = await start({ BROADSHEET_DB: path.join(tempDir(), 'l.sqlite') });
    expect(warnings.some((w) => /better_sqlite3\.node is missing.*electron-native\.mjs/.test(w))).toBe(true);
    await quit();
  });

  it('quits at once when another instance already runs', async () => {
    fake.app.requestSingleInstanceLock.mockImplementation(() => false);
    const { started } = await start();
    expect(started).toBe(false);
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await start();
    const win = lastWindow();
    const focus = vi.spyOn(win, 'focus');
    fake.app.emit('second-instance');
    expect(focus).toHaveBeenCalled();
    await quit();
  });
});
