/**
 * Which addresses the app trusts. The page lives at app://broadsheet/…; stored pictures at
 * bs-image://image/<sha256>. Everything else (the web, file://, other apps' schemes) is foreign:
 * it may not be navigated to, may not call the API, and may not be loaded at all.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'broadsheet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export const IMAGE_SCHEME = 'bs-image';
export const IMAGE_HOST = 'image';

/** Registered before `ready`: both are standard (real origins, relative URLs) and secure. */
export const PRIVILEGED_SCHEMES = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true } },
];

/** Schemes the page may load from. devtools: so that the developer tools still open. */
const LOADABLE_SCHEMES = new Set([`${APP_SCHEME}:`, `${IMAGE_SCHEME}:`, 'data:', 'devtools:']);

export interface PageTrust {
  /** The address the window opens. */
  readonly entry: string;
  /** True for an address of our own page: the only place navigation may go and IPC may come from. */
  isPage(url: string): boolean;
  /** True for a request the page may make at all. Everything else is cancelled. */
  mayLoad(url: string): boolean;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isAppUrl(u: URL): boolean {
  // URL.origin is "null" for non-special schemes in Node, so compare the parts instead.
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer dev server (electron-vite dev sets ELECTRON_RENDERER_URL), honoured only for an
 * unpackaged app and only on a loopback http address. Returns its origin, or null.
 */
export function devServerOrigin(isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !raw) return null;
  const u = parse(raw);
  if (!u || u.protocol !== 'http:' || !LOOPBACK.has(u.hostname) || u.username || u.password) return null;
  return u.origin;
}

export function pageTrust(devOrigin: string | null = null): PageTrust {
  const dev = devOrigin ? parse(devOrigin) : null;
  const isDev = (u: URL) =>
    dev !== null && (u.protocol === 'http:' || u.protocol === 'ws:') && u.host === dev.host;
  return {
    entry: dev ? `${dev.origin}/` : APP_ENTRY,
    isPage(url) {
      const u = parse(url);
      return u !== null && (isAppUrl(u) || (dev !== null && u.protocol === 'http:' && u.host === dev.host));
    },
    mayLoad(url) {
      const u = parse(url);
      if (!u) return false;
      if (u.protocol === `${APP_SCHEME}:`) return isAppUrl(u);
      return LOADABLE_SCHEMES.has(u.protocol) || isDev(u);
    },
  };
}
