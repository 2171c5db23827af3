import type { App, Session, WebContents } from 'electron';
import type { PageTrust } from './origins.js';

/**
 * The lines that never move (ARCHITECTURE.md, "Safety lines"), applied to every webContents the
 * app ever creates, including ones nobody meant to create:
 *
 * - navigation only within our own page (VS Code app.ts: will-navigate → preventDefault);
 * - no new windows, ever; an http(s) link asked for one goes to the system browser instead;
 * - no <webview>;
 * - every permission denied (Signal permissions: an offline reader needs none);
 * - no request leaves for anything but our own schemes: article content never reaches the network.
 */

export type OpenExternal = (url: string) => Promise<boolean>;

const isWebLink = (url: string) => /^https?:/i.test(url);

export function guardWebContents(contents: WebContents, trust: PageTrust, openExternal: OpenExternal): void {
  const keepOnPage = (event: { preventDefault(): void; url?: string }, legacyUrl?: string) => {
    const url = typeof event.url === 'string' ? event.url : (legacyUrl ?? '');
    if (!trust.isPage(url)) event.preventDefault();
  };
  contents.on('will-navigate', keepOnPage);
  contents.on('will-redirect', keepOnPage);
  contents.on('will-frame-navigate', (event) => {
    // Our page has no frames (CSP frame-src 'none'); a sub-frame navigation is never ours.
    if (!event.isMainFrame) event.preventDefault();
    else keepOnPage(event);
  });

  contents.setWindowOpenHandler(({ url }) => {
    if (isWebLink(url)) void openExternal(url);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => event.preventDefault());
}

const guardedSessions = new WeakSet<Session>();

/** Guards a session (once; later calls for the same session do nothing). */
export function guardSession(session: Session, trust: PageTrust): void {
  if (guardedSessions.has(session)) return;
  guardedSessions.add(session);
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !trust.mayLoad(details.url) }));
  session.on('will-download', (event) => event.preventDefault());
}

/**
 * Guards every webContents as it is created, and the session of each one once. Call before the
 * first window exists.
 */
export function installGuards(app: App, trust: PageTrust, openExternal: OpenExternal): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, trust, openExternal);
    if (contents.session) guardSession(contents.session, trust);
  });
}
