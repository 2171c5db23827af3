import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIBRARY_FILE } from '../paths.js';

/** Where the shell finds its parts and keeps its files. */

export const WINDOW_STATE_FILE = 'window-state.json';

/** out/ of the built app. This module is bundled into out/main/index.js, so out/ is one level up. */
export function builtOutDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('..', moduleUrl));
}

export function rendererRoot(outDir: string): string {
  return path.join(outDir, 'renderer');
}

export function preloadScript(outDir: string): string {
  return path.join(outDir, 'preload', 'index.cjs');
}

/**
 * The library file: `BROADSHEET_DB` when set, else library.sqlite in Electron's userData folder,
 * which main/paths.ts `userDataDir()` computes the same way for the command line.
 */
export function libraryFile(userData: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.BROADSHEET_DB ? path.resolve(env.BROADSHEET_DB) : path.join(userData, LIBRARY_FILE);
}

/**
 * Where build/scripts/electron-native.mjs puts better-sqlite3 built for this Electron:
 * `<root>/.native/electron-<version>-<platform>-<arch>/better_sqlite3.node`
 * (`BROADSHEET_NATIVE_DIR` replaces `<root>/.native`). Keep the two in step.
 */
export function electronNativeBinding(
  root: string,
  electronVersion: string,
  platform: string = process.platform,
  arch: string = process.arch,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = env.BROADSHEET_NATIVE_DIR ? path.resolve(env.BROADSHEET_NATIVE_DIR) : path.join(root, '.native');
  return path.join(dir, `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}
