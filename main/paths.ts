import os from 'node:os';
import path from 'node:path';

/** The name Electron uses for the user-data folder (package.json productName). */
export const APP_NAME = 'Broadsheet';
export const LIBRARY_FILE = 'library.sqlite';

/**
 * Where the app keeps its data, computed the way Electron's app.getPath('userData') does, so the
 * command line opens the same library as the app without loading Electron:
 * Linux `$XDG_CONFIG_HOME/Broadsheet` (default `~/.config/Broadsheet`), macOS
 * `~/Library/Application Support/Broadsheet`, Windows `%APPDATA%\Broadsheet`.
 */
export function userDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  switch (platform) {
    case 'win32':
      return p.join(env.APPDATA ?? p.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return p.join(env.XDG_CONFIG_HOME || p.join(home, '.config'), APP_NAME);
  }
}

/** The library file: `BROADSHEET_DB` when set, otherwise `library.sqlite` in the user-data folder. */
export function defaultLibraryPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BROADSHEET_DB) return path.resolve(env.BROADSHEET_DB);
  return path.join(userDataDir(process.platform, env), LIBRARY_FILE);
}
