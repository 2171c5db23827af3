import fs from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../web/csp.js';
import { APP_HOST, APP_SCHEME, IMAGE_HOST, IMAGE_SCHEME } from './origins.js';

/**
 * The two schemes the page loads from, as plain `Request → Response` functions so that they can
 * be tested in Node without Electron.
 *
 * app://broadsheet/<path> serves the built renderer, and nothing outside its folder: the path is
 * decoded once, anything that could climb or smuggle a separator is refused, and the real path
 * (symlinks resolved) must still lie inside the real root (the check Signal's protocol_filter
 * makes). bs-image://image/<sha256> serves a stored picture from the library worker.
 */

export type ProtocolHandler = (request: Request) => Promise<Response>;

export interface StoredImageData {
  mime: string;
  data: Uint8Array;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

function methodNotAllowed(): Response {
  return new Response('Method not allowed', {
    status: 405,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' },
  });
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True when `child` is `root` or lies below it (both already resolved). */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// Encoded separators, NUL and dots are never needed by our own files; their only use is a trick.
const ENCODED_TRICK = /%(?:2f|5c|00|2e)/i;
// After decoding: control characters, backslashes, and ':' (Windows drives and alternate streams).
// eslint-disable-next-line no-control-regex
const BAD_DECODED = /[\u0000-\u001f\u007f\\:]/;

/**
 * Maps an app:// path (as it appears in the URL, still percent-encoded) to the segments of a file
 * below the root, or null when the path is anything but a plain relative file path.
 */
export function appPathSegments(pathname: string): string[] | null {
  if (ENCODED_TRICK.test(pathname)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (BAD_DECODED.test(decoded)) return null;
  if (decoded === '/' || decoded === '') decoded = '/index.html';
  if (!decoded.startsWith('/') || decoded.startsWith('//')) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return segments;
}

export function createAppHandler(rendererRoot: string): ProtocolHandler {
  const root = path.resolve(rendererRoot);
  let realRoot: Promise<string> | null = null;

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed();
    const url = parseUrl(request.url);
    if (!url || url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
    const segments = appPathSegments(url.pathname);
    if (!segments) return notFound();

    const candidate = path.join(root, ...segments);
    if (!isInside(root, candidate)) return notFound();

    let file: string;
    let body: Buffer;
    try {
      realRoot ??= fs.realpath(root);
      const base = await realRoot;
      file = await fs.realpath(candidate);
      if (!isInside(base, file)) return notFound();
      const stat = await fs.stat(file);
      if (!stat.isFile()) return notFound();
      body = await fs.readFile(file);
    } catch {
      realRoot = null; // the root may appear later (a build in progress); look again next time
      return notFound();
    }

    const headers = {
      ...COMMON_HEADERS,
      'Content-Type': contentTypeFor(file),
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

const HASH_PATH = /^\/([0-9a-f]{64})$/;
const IMAGE_MIME = /^image\/[a-z0-9][a-z0-9.+-]*$/i;

/**
 * Serves stored pictures. The address is content-addressed, so a found image never changes and
 * may be cached for good. `?variant=thumb` is the list thumbnail (the full picture when it has none).
 */
export function createImageHandler(lookup: (hash: string, variant?: 'thumb') => Promise<StoredImageData | null>): ProtocolHandler {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed();
    const url = parseUrl(request.url);
    if (!url || url.protocol !== `${IMAGE_SCHEME}:` || url.host !== IMAGE_HOST) return notFound();
    const match = HASH_PATH.exec(url.pathname);
    const variant = url.searchParams.get('variant');
    if (!match || (variant !== null && variant !== 'thumb' && variant !== 'full')) return notFound();

    let image: StoredImageData | null;
    try {
      image = await (variant === 'thumb' ? lookup(match[1]!, 'thumb') : lookup(match[1]!));
    } catch {
      return new Response('The library is not available', {
        status: 503,
        headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    }
    if (!image || !IMAGE_MIME.test(image.mime)) return notFound();

    const headers = {
      ...COMMON_HEADERS,
      'Content-Type': image.mime,
      'Content-Length': String(image.data.byteLength),
      'Cache-Control': 'private, max-age=31536000, immutable',
      // An SVG opened on its own must not run anything.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(image.data), { status: 200, headers });
  };
}

export interface ProtocolSources {
  rendererRoot: string;
  image(hash: string, variant?: 'thumb'): Promise<StoredImageData | null>;
}

/** Installs both handlers on Electron's protocol module (default session). After `ready`. */
export function registerProtocols(protocol: Protocol, sources: ProtocolSources): void {
  protocol.handle(APP_SCHEME, createAppHandler(sources.rendererRoot));
  protocol.handle(IMAGE_SCHEME, createImageHandler((hash, variant) => (variant ? sources.image(hash, variant) : sources.image(hash))));
}
