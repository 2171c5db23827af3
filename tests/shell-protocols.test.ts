import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLibrary } from '../db/library.js';
import { createLibraryMessageHandler } from '../main/shell/library-messages.js';
import { LibraryClient } from '../main/shell/library-client.js';
import { tempDir } from './helpers.js';
import { buildShellOut, libraryWithImage, PNG_1x1, suiteDir } from './shell-helpers.js';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const fake = await import('./shell-electron-fake.js');
const { appPathSegments, createAppHandler, createImageHandler, registerProtocols } = await import('../main/shell/protocols.js');
const { PRIVILEGED_SCHEMES } = await import('../main/shell/origins.js');

const INDEX = '<!doctype html><title>Broadsheet</title><script type="module" src="./assets/app.js"></script>';

/** A renderer folder like out/renderer, a secret next to it, and a symlink that points out. */
function rendererFixture() {
  const base = tempDir('broadsheet-protocol-');
  const root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), INDEX);
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("hi")');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'font.woff2'), 'w2');
  fs.writeFileSync(path.join(root, 'assets', 'blob.xyz'), 'x');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  // (Windows without developer mode cannot make symlinks; the other tricks are still tested there.)
  try {
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    fs.symlinkSync(base, path.join(root, 'escape'), 'junction');
  } catch (err) {
    if (process.platform !== 'win32') throw err;
  }
  return { base, root };
}

const get = (handler: (r: Request) => Promise<Response>, url: string, init?: RequestInit) => handler(new Request(url, init));

describe('app:// serves the built renderer and nothing else', () => {
  let root: string;
  let handler: (r: Request) => Promise<Response>;
  beforeEach(() => {
    root = rendererFixture().root;
    handler = createAppHandler(root);
  });

  it('serves index.html with the content security policy as a header', async () => {
    for (const url of ['app://broadsheet/', 'app://broadsheet/index.html', 'app://broadsheet']) {
      const res = await get(handler, url);
      expect(res.status, url).toBe(200);
      expect(await res.text()).toBe(INDEX);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' bs-image: data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "object-src 'none'",
      ]) {
        expect(csp).toContain(directive);
      }
    }
  });

  it('serves assets with the right content types', async () => {
    const cases: [string, string, string][] = [
      ['assets/app.js', 'text/javascript; charset=utf-8', 'console.log("hi")'],
      ['assets/app.css', 'text/css; charset=utf-8', 'body{}'],
      ['assets/font.woff2', 'font/woff2', 'w2'],
      ['assets/blob.xyz', 'application/octet-stream', 'x'],
      ['assets/app.js?v=1#x', 'text/javascript; charset=utf-8', 'console.log("hi")'],
    ];
    for (const [p, type, body] of cases) {
      const res = await get(handler, `app://broadsheet/${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toBe(type);
      expect(await res.text(), p).toBe(body);
    }
    const head = await get(handler, 'app://broadsheet/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get(handler, 'app://broadsheet/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it.each([
    'app://broadsheet/../../etc/passwd',
    'app://broadsheet/../secret.txt',
    'app://broadsheet/%2e%2e/secret.txt',
    'app://broadsheet/%2E%2E/%2E%2E/etc/passwd',
    'app://broadsheet/assets/..%2f..%2fsecret.txt',
    'app://broadsheet/assets/..%2Fapp.js',
    'app://broadsheet/assets%2fapp.js',
    'app://broadsheet/..%5c..%5csecret.txt',
    'app://broadsheet/assets%5capp.js',
    'app://broadsheet/index.html%00.js',
    'app://broadsheet/index.html%00',
    'app://broadsheet//etc/passwd',
    'app://broadsheet/%2fetc%2fpasswd',
    'app://broadsheet/C:/Windows/win.ini',
    'app://broadsheet/C%3a%5cWindows%5cwin.ini',
    'app://broadsheet/assets/link.txt',
    'app://broadsheet/escape/secret.txt',
    'app://broadsheet/assets',
    'app://broadsheet/assets/',
    'app://broadsheet/missing.js',
    'app://broadsheet/%E0%A4%A',
    'app://evil/index.html',
    'app://broadsheet.evil/index.html',
  ])('%s → 404', async (url) => {
    const res = await get(handler, url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('SECRET');
  });

  it('refuses the same tricks at the path level, before any URL normalisation', () => {
    for (const p of ['/../x', '/%2e%2e/x', '/.%2e/x', '/a/..%2fx', '/a%5cb', '/a\\b', '/%00', '/a/./b', '/a//b', '//x', 'x', '/C:/x', '/%ZZ']) {
      expect(appPathSegments(p), p).toBeNull();
    }
    expect(appPathSegments('/')).toEqual(['index.html']);
    expect(appPathSegments('/assets/app.js')).toEqual(['assets', 'app.js']);
    expect(appPathSegments('/assets/my%20font.woff2')).toEqual(['assets', 'my font.woff2']);
  });

  it('answers 404 while the renderer is not built yet, and serves it once it is', async () => {
    const later = path.join(tempDir(), 'renderer');
    const h = createAppHandler(later);
    expect((await get(h, 'app://broadsheet/index.html')).status).toBe(404);
    fs.mkdirSync(later);
    fs.writeFileSync(path.join(later, 'index.html'), INDEX);
    expect((await get(h, 'app://broadsheet/index.html')).status).toBe(200);
  });
});

describe('bs-image:// serves stored pictures from the library', () => {
  let built: Awaited<ReturnType<typeof buildShellOut>>;
  let client: LibraryClient;
  let hash: string;
  let handler: (r: Request) => Promise<Response>;
  const folder = suiteDir('broadsheet-protocol-');

  beforeAll(async () => {
    built = await buildShellOut();
    const file = path.join(folder.dir, 'library.sqlite');
    hash = libraryWithImage(file);
    client = new LibraryClient({ file, workerUrl: built.workerUrl });
    handler = createImageHandler((h) => client.image(h));
  });
  afterAll(async () => {
    await client.close();
    built.remove();
    folder.remove();
  });

  it('serves a stored image from the worker with its mime type and immutable caching', async () => {
    for (const url of [`bs-image://image/${hash}`, `bs-image://image/${hash}?variant=thumb`, `bs-image://image/${hash}?variant=full`]) {
      const res = await get(handler, url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG_1x1)).toBe(true);
    }
  });

  it.each([
    ['unknown hash', () => `bs-image://image/${'0'.repeat(64)}`],
    ['upper-case hash', () => `bs-image://image/${hash.toUpperCase()}`],
    ['short hash', () => `bs-image://image/${hash.slice(1)}`],
    ['hash plus extension', () => `bs-image://image/${hash}.png`],
    ['extra path', () => `bs-image://image/${hash}/x`],
    ['sub-folder', () => `bs-image://image/x/${hash}`],
    ['wrong host', () => `bs-image://images/${hash}`],
    ['other host', () => `bs-image://evil.example/${hash}`],
    ['traversal', () => 'bs-image://image/../../etc/passwd'],
    ['encoded traversal', () => 'bs-image://image/..%2f..%2fetc%2fpasswd'],
    ['unknown variant', () => `bs-image://image/${hash}?variant=huge`],
    ['wrong scheme', () => `app://image/${hash}`],
  ])('%s → 404', async (_name, url) => {
    const res = await get(handler, url());
    expect(res.status).toBe(404);
  });

  it('refuses a stored blob whose type is not an image', async () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const htmlHash = libraryWithImage(file, 'text/html', Buffer.from('<script>alert(1)</script>'));
    const db = openLibrary(file);
    const worker = createLibraryMessageHandler(db);
    const h = createImageHandler(async (x) => {
      const reply = await worker.handle({ id: 1, kind: 'image', hash: x });
      return reply && reply.ok ? (reply.result as { mime: string; data: Uint8Array } | null) : null;
    });
    expect((await get(h, `bs-image://image/${htmlHash}`)).status).toBe(404);
    await worker.handle({ id: 2, kind: 'close' });
  });

  it('answers 503, not a crash, when the library is unavailable', async () => {
    const h = createImageHandler(async () => {
      throw new Error('The library is not available');
    });
    const res = await get(h, `bs-image://image/${hash}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('scheme registration', () => {
  it('declares app (standard, secure, fetch) and bs-image (standard, secure) as privileged', () => {
    const app = PRIVILEGED_SCHEMES.find((s) => s.scheme === 'app');
    const image = PRIVILEGED_SCHEMES.find((s) => s.scheme === 'bs-image');
    expect(app?.privileges).toEqual({ standard: true, secure: true, supportFetchAPI: true });
    expect(image?.privileges).toEqual({ standard: true, secure: true });
    // Neither may bypass the page's CSP.
    for (const s of PRIVILEGED_SCHEMES) expect((s.privileges as { bypassCSP?: boolean }).bypassCSP).toBeUndefined();
  });

  it('installs both handlers on Electron’s protocol module', async () => {
    const { root } = rendererFixture();
    const images = vi.fn(async () => null);
    registerProtocols(fake.protocol as never, { rendererRoot: root, image: images });
    expect([...fake.protocol.handlers.keys()].sort()).toEqual(['app', 'bs-image']);
    expect((await fake.protocol.handlers.get('app')!(new Request('app://broadsheet/index.html'))).status).toBe(200);
    expect((await fake.protocol.handlers.get('bs-image')!(new Request(`bs-image://image/${'a'.repeat(64)}`))).status).toBe(404);
    expect(images).toHaveBeenCalledWith('a'.repeat(64));
  });
});
