import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const fake = await import('./shell-electron-fake.js');
const { FakeEvent, FakeSession, FakeWebContents } = fake;
const { guardSession, guardWebContents, installGuards } = await import('../main/shell/guards.js');
const { openExternal } = await import('../main/shell/open-external.js');
const { devServerOrigin, pageTrust } = await import('../main/shell/origins.js');

const trust = pageTrust();

function guarded() {
  const contents = new FakeWebContents(new FakeSession());
  const opened = vi.fn(openExternal);
  guardWebContents(contents as never, trust, opened);
  return { contents, opened };
}

/** Fires an event the way Electron 45 does: details object first, deprecated url second. */
function fire(contents: InstanceType<typeof FakeWebContents>, name: string, url: string, extra: Record<string, unknown> = {}) {
  const event = new FakeEvent({ url, isMainFrame: true, ...extra });
  contents.emit(name, event, url);
  return event;
}

beforeEach(() => {
  fake.shell.openExternal.mockClear();
});

describe('navigation', () => {
  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('%s: leaving the app is prevented', (name) => {
    const { contents } = guarded();
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'data:text/html,<h1>hi</h1>',
      'javascript:alert(1)',
      'app://evil/index.html',
      'app://broadsheet.evil.example/',
      'bs-image://image/' + 'a'.repeat(64),
      'about:blank',
      'not a url',
    ]) {
      expect(fire(contents, name, url).defaultPrevented, `${name} ${url}`).toBe(true);
    }
  });

  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('%s: within app://broadsheet is allowed', (name) => {
    const { contents } = guarded();
    for (const url of ['app://broadsheet/index.html', 'app://broadsheet/index.html#article-3', 'app://broadsheet/']) {
      expect(fire(contents, name, url).defaultPrevented, url).toBe(false);
    }
  });

  it('still guards when only the deprecated url argument is given', () => {
    const { contents } = guarded();
    const event = new FakeEvent();
    contents.emit('will-navigate', event, 'https://evil.example/');
    expect(event.defaultPrevented).toBe(true);
  });

  it('prevents any navigation of a sub-frame, even to our own page', () => {
    const { contents } = guarded();
    expect(fire(contents, 'will-frame-navigate', 'app://broadsheet/index.html', { isMainFrame: false }).defaultPrevented).toBe(true);
  });

  it('does not open a link the page tried to navigate to', () => {
    const { contents } = guarded();
    fire(contents, 'will-navigate', 'https://example.com/story');
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses to attach a <webview>', () => {
    const { contents } = guarded();
    const event = new FakeEvent();
    contents.emit('will-attach-webview', event, {}, { src: 'https://evil.example' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('new windows', () => {
  it('are always denied; only http(s) links reach the checked openExternal', async () => {
    const { contents } = guarded();
    const handler = contents.windowOpenHandler!;
    expect(handler).toBeTypeOf('function');
    const cases: [string, string | null][] = [
      ['https://example.com/story', 'https://example.com/story'],
      ['HTTP://EXAMPLE.COM/', 'http://example.com/'],
      ['javascript:alert(1)', null],
      ['file:///etc/passwd', null],
      ['data:text/html,hi', null],
      ['app://broadsheet/index.html', null],
      ['custom-scheme://do-something', null],
      ['about:blank', null],
      [' https://example.com', null],
      ['https://user:pw@example.com', null],
    ];
    for (const [url, expected] of cases) {
      fake.shell.openExternal.mockClear();
      expect(handler({ url }), url).toEqual({ action: 'deny' });
      await vi.waitFor(() => Promise.resolve());
      if (expected) expect(fake.shell.openExternal.mock.calls.map((c) => c[0]), url).toEqual([expected]);
      else expect(fake.shell.openExternal, url).not.toHaveBeenCalled();
    }
  });
});

describe('permissions and requests', () => {
  const permissions = ['media', 'notifications', 'geolocation', 'clipboard-read', 'midiSysex', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'unknown'];

  it('denies every permission request and check', () => {
    const session = new FakeSession();
    guardSession(session as never, trust);
    for (const permission of permissions) {
      const callback = vi.fn();
      session.permissionRequestHandler!({}, permission, callback, { requestingUrl: 'app://broadsheet/index.html' });
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler!({}, permission, 'app://broadsheet', {}), permission).toBe(false);
    }
    expect(session.devicePermissionHandler!({ deviceType: 'usb', origin: 'app://broadsheet' })).toBe(false);
  });

  it('cancels every request that is not for app:, bs-image:, data: or devtools:', () => {
    const session = new FakeSession();
    guardSession(session as never, trust);
    const cancelled = (url: string) => {
      let response: { cancel?: boolean } | undefined;
      session.beforeRequest!({ url }, (r) => (response = r));
      return response?.cancel;
    };
    for (const url of [
      'app://broadsheet/index.html',
      'app://broadsheet/assets/index.js',
      `bs-image://image/${'a'.repeat(64)}`,
      'data:image/png;base64,AAAA',
      'devtools://devtools/bundled/devtools_app.html',
    ]) {
      expect(cancelled(url), url).toBe(false);
    }
    for (const url of [
      'https://tracker.example/pixel.gif',
      'http://localhost:5173/',
      'ws://localhost:5173/',
      'wss://evil.example/socket',
      'file:///etc/passwd',
      'ftp://example.com/',
      'blob:https://evil.example/x',
      'app://evil/index.html',
      'chrome://gpu',
      'not a url',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
  });

  it('cancels downloads', () => {
    const session = new FakeSession();
    guardSession(session as never, trust);
    const event = new FakeEvent();
    session.emit('will-download', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('installGuards', () => {
  it('guards every webContents as it is created, and its session', () => {
    installGuards(fake.app as never, trust, openExternal);
    const session = new FakeSession();
    const contents = new FakeWebContents(session); // emits app 'web-contents-created'
    expect(fire(contents, 'will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const callback = vi.fn();
    session.permissionRequestHandler!({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.beforeRequest).toBeTypeOf('function');
  });
});

describe('the renderer dev server', () => {
  it('is trusted only unpackaged and only on a loopback http address', () => {
    expect(devServerOrigin(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe('http://localhost:5173');
    expect(devServerOrigin(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' })).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBeNull();
    expect(devServerOrigin(false, { ELECTRON_RENDERER_URL: 'https://evil.example' })).toBeNull();
    expect(devServerOrigin(false, { ELECTRON_RENDERER_URL: 'http://localhost.evil.example:5173' })).toBeNull();
    expect(devServerOrigin(false, { ELECTRON_RENDERER_URL: 'http://user:pw@localhost:5173' })).toBeNull();
    expect(devServerOrigin(false, {})).toBeNull();
  });

  it('adds exactly its origin (http and its HMR socket) to what the page may load', () => {
    const dev = pageTrust('http://localhost:5173');
    expect(dev.entry).toBe('http://localhost:5173/');
    expect(dev.isPage('http://localhost:5173/index.html')).toBe(true);
    expect(dev.isPage('app://broadsheet/index.html')).toBe(true);
    expect(dev.isPage('http://localhost:5174/')).toBe(false);
    expect(dev.mayLoad('ws://localhost:5173/')).toBe(true);
    expect(dev.mayLoad('http://localhost:5174/')).toBe(false);
    expect(dev.mayLoad('https://example.com/')).toBe(false);
    expect(trust.entry).toBe('app://broadsheet/index.html');
  });
});
