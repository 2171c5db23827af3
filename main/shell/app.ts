import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
// sharp (libvips) must be loaded by the main thread before any worker loads it, or glibc's
// thread-local storage teardown can crash the process on exit (lovell/sharp#2263). The library
// worker resizes pictures with it.
import 'sharp';
import { APP_NAME, userDataDir } from '../paths.js';
import { guardSession, installGuards } from './guards.js';
import { registerIpc } from './ipc.js';
import { LibraryClient } from './library-client.js';
import {
  builtOutDir,
  electronNativeBinding,
  libraryFile,
  preloadScript,
  rendererRoot,
  WINDOW_STATE_FILE,
} from './locations.js';
import { menuTemplate } from './menu.js';
import { openExternal } from './open-external.js';
import { devServerOrigin, pageTrust, PRIVILEGED_SCHEMES } from './origins.js';
import { registerProtocols } from './protocols.js';
import { checkLibraryAtStart } from './startup-check.js';
import { createMainWindow } from './window.js';

/**
 * The app's life: what must happen before `ready` (name, schemes, sandbox, single instance), what
 * happens at `ready` (library worker, protocols, IPC, the window), and a clean close of the
 * library file on quit.
 */

export interface StartOptions {
  /** The built app's out/ folder: main/ (with library-worker.js), preload/, renderer/. */
  outDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** better-sqlite3 built for Electron, for an unpackaged app; packaged apps carry their own. */
function nativeBindingFor(env: NodeJS.ProcessEnv): string | null {
  if (app.isPackaged) return null;
  const file = electronNativeBinding(app.getAppPath(), process.versions.electron ?? 'unknown', process.platform, process.arch, env);
  if (fs.existsSync(file)) return file;
  console.warn(
    `Broadsheet: ${file} is missing; the library may fail to open. Run "node build/scripts/electron-native.mjs" (npm start does).`,
  );
  return null;
}

/**
 * Starts the app. Everything before the first `await` runs synchronously while the entry module
 * is evaluated, which is before `ready`, as registerSchemesAsPrivileged and setName require.
 * Returns false when another instance already runs (this one quits).
 */
export async function startApp(options: StartOptions = {}): Promise<boolean> {
  const env = options.env ?? process.env;
  const outDir = options.outDir ?? builtOutDir();

  app.setName(APP_NAME);
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }

  const trust = pageTrust(devServerOrigin(app.isPackaged, env));
  installGuards(app, trust, openExternal);

  let mainWindow: BrowserWindow | null = null;
  let library: LibraryClient | null = null;
  let libraryClosed = false;

  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Close the library file before the process ends: WAL checkpoint, `pragma optimize`.
  app.on('will-quit', (event) => {
    if (!library || libraryClosed) return;
    event.preventDefault();
    const closing = library;
    library = null;
    void closing
      .close()
      .catch((err: Error) => console.error(`Broadsheet: the library did not close cleanly (${err.message})`))
      .finally(() => {
        libraryClosed = true;
        app.quit();
      });
  });

  await app.whenReady();

  const userData = app.getPath('userData');
  if (path.resolve(userData) !== path.resolve(userDataDir(process.platform, env))) {
    // The command line computes the folder without Electron; if the two differ they would
    // silently open different libraries.
    console.warn(`Broadsheet: Electron's userData (${userData}) differs from ${userDataDir(process.platform, env)}.`);
  }

  library = new LibraryClient({
    file: libraryFile(userData, env),
    nativeBinding: nativeBindingFor(env),
    workerUrl: pathToFileURL(path.join(outDir, 'main', 'library-worker.js')),
  });
  const client = library;

  guardSession(session.defaultSession, trust);
  registerProtocols(protocol, { rendererRoot: rendererRoot(outDir), image: (hash, variant) => client.image(hash, variant) });
  registerIpc(ipcMain, { library: client, openExternal, trust });

  const openWindow = () => {
    mainWindow = createMainWindow({
      preload: preloadScript(outDir),
      stateFile: path.join(userData, WINDOW_STATE_FILE),
      url: trust.entry,
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };
  openWindow();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ platform: process.platform, packaged: app.isPackaged, print: () => mainWindow?.webContents.print() })),
  );

  // A library that fails its check is never used or replaced silently (main/shell/startup-check.ts).
  // The check (SQLite's quick_check, in the worker) runs while the window opens: it takes
  // seconds on a large library, and a sound library should not wait for it.
  void checkLibraryAtStart({
    library: client,
    file: libraryFile(userData, env),
    dialog,
    relaunch: () => {
      app.relaunch();
      app.exit(0);
    },
  })
    .then((outcome) => {
      if (outcome === 'quit') app.quit();
    })
    .catch((err: Error) => console.error(`Broadsheet: the start-up check failed (${err.message})`));

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  return true;
}
