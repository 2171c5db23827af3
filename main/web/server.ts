import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { getImage } from '../../db/images.js';
import { LIBRARY_CHANNELS } from '../../preload/api.js';
import { createDispatcher } from '../api/handlers.js';
import { MAX_IMPORT_BYTES } from '../api/schemas.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

/**
 * The local web host: the real page and the real handler table over HTTP, for development and the
 * end-to-end tests. It binds to 127.0.0.1 only and answers only requests that carry its random
 * token (query on the first load, then a SameSite cookie or a header) and name a loopback host,
 * so another site in the browser (DNS rebinding, CSRF) cannot read or change the library.
 */
export interface WebHostOptions {
  db: Database;
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir?: string;
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

const COOKIE = 'bs_token';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The built page, out/renderer. This code runs from the TypeScript source (tests), from the CLI
 * bundle (out/cli/broadsheet.mjs) or from one of its chunks (out/cli/chunks/…): walk up from here
 * until a folder holds out/renderer/index.html.
 */
export function findRendererDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.basename(dir) === 'out' && fs.existsSync(path.join(dir, 'renderer', 'index.html'))) return path.join(dir, 'renderer');
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve('out', 'renderer');
    dir = parent;
  }
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(opts.rendererDir ?? findRendererDir());
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`the page is not built (no ${path.join(rendererDir, 'index.html')}); run \`npm run build\` first`);
  }
  const dispatch = createDispatcher(opts.db);
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, 'text/plain; charset=utf-8', `internal error: ${err.message}`));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostAllowed(req.headers.host, port)) return send(res, 421, 'text/plain', 'wrong host');
    if (!originAllowed(req.headers.origin, port)) return send(res, 403, 'text/plain', 'cross-origin request refused');
    const fromQuery = url.searchParams.get('token');
    const presented = fromQuery ?? header(req, 'x-broadsheet-token') ?? cookie(req, COOKIE);
    if (!presented || !sameSecret(presented, token)) return send(res, 401, 'text/plain', 'missing or wrong token');
    if (fromQuery) res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'use POST');
      return api(decodeURIComponent(url.pathname.slice(5)), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (url.pathname.startsWith('/images/')) return image(url.pathname.slice(8), url.searchParams.get('variant') === 'thumb' ? 'thumb' : 'full', res);
    return staticFile(url.pathname, res);
  }

  async function api(channel: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse((await readBody(req, MAX_IMPORT_BYTES * 2)) || '{}');
    } catch (err) {
      return json(res, 400, { ok: false, error: (err as Error).message.startsWith('request') ? (err as Error).message : 'the request is not valid JSON' });
    }
    if (channel === 'openExternal') return json(res, 200, { ok: true, result: { opened: false } });
    // No save dialog in a browser: the page offers the file as a download instead.
    if (channel === 'saveFile') return json(res, 200, { ok: true, result: { saved: false } });
    if (!(LIBRARY_CHANNELS as readonly string[]).includes(channel)) {
      return json(res, 404, { ok: false, error: `unknown call "${channel.slice(0, 64)}"` });
    }
    try {
      json(res, 200, { ok: true, result: await dispatch(channel, payload) });
    } catch (err) {
      json(res, 400, { ok: false, error: (err as Error).message });
    }
  }

  function image(name: string, variant: 'full' | 'thumb', res: http.ServerResponse): void {
    const img = getImage(opts.db, name, variant);
    if (!img || !img.mime.startsWith('image/')) return send(res, 404, 'text/plain', 'no such image');
    res.writeHead(200, {
      'Content-Type': img.mime,
      'Content-Length': img.data.byteLength,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(img.data);
  }

  async function staticFile(pathname: string, res: http.ServerResponse): Promise<void> {
    const file = await resolveInside(rendererDir, pathname === '/' ? '/index.html' : pathname);
    if (!file) return send(res, 404, 'text/plain', 'not found');
    const body = await fs.promises.readFile(file);
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Maps a URL path to a file inside root, or null: no `..`, no encoded separators, no links out. */
export async function resolveInside(root: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return null;
  const candidate = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  try {
    const real = await fs.promises.realpath(candidate);
    const realRoot = await fs.promises.realpath(root);
    if (!real.startsWith(realRoot + path.sep)) return null;
    return (await fs.promises.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host);
  return Boolean(m && LOOPBACK_HOSTS.has(m[1]!.toLowerCase()) && Number(m[2]) === port);
}

function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // same-origin GETs and non-browser clients send none
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && hostAllowed(u.host, port);
  } catch {
    return false;
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`request too large (over ${Math.round(limit / 1024 / 1024)} MB)`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(text);
}
