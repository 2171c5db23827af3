import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { startServer, type TestServer } from './net-server.js';
import { REPO } from './helpers.js';

/**
 * The feed tests' web: a real HTTP server on 127.0.0.1 (tests/net-server.ts) serving the fixture
 * feeds of tests/fixtures/feeds, the article pages they link to, and real JPEG pictures. Every
 * text answer carries an ETag and a Last-Modified and honours a conditional GET with 304 (counted).
 * The server also counts how many requests are in flight at once, to check the refresh's limit.
 * `{{ORIGIN}}` in a fixture becomes the server's own address.
 */

export const FIXTURES = path.join(REPO, 'tests/fixtures/feeds');

export interface Route {
  /** A fixture file under tests/fixtures/feeds. */
  file?: string;
  body?: string | Uint8Array;
  type?: string;
  status?: number;
  /** Wait this long before answering (to overlap requests). */
  delayMs?: number;
  /** Send ETag/Last-Modified and answer 304 to a matching conditional GET (default true). */
  conditional?: boolean;
  /** A redirect: answered with `status` (default 301) and this Location, nothing else. */
  redirect?: string;
}

export interface FeedServer extends TestServer {
  route(path: string, route: Route): void;
  /** Requests answered 304, by path. */
  notModified: Map<string, number>;
  /** Requests answered, by path. */
  hits: Map<string, number>;
  /** Most requests in flight at the same time. */
  maxInFlight: number;
}

const TYPES: Record<string, string> = {
  '.rss': 'application/rss+xml; charset=utf-8',
  '.rdf': 'application/rdf+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
  '.html': 'text/html; charset=utf-8',
  '.opml': 'text/x-opml',
  '.xml': 'application/xml',
};

/** Picture paths the fixtures use; each gets its own JPEG (distinct colours, so distinct hashes). */
export const IMAGE_PATHS = [
  '/img/mill-wheel.jpg',
  '/harbour/img/chip-stall.jpg',
  '/img/ferry.jpg',
  '/fenland/2024/images/crane-pair.jpg',
  '/quarry/2024/media/bridge.jpg',
  '/quarry/photos/kiln.jpg',
  '/img/beans.jpg',
  '/img/netting.jpg',
];

let images: Promise<Map<string, Buffer>> | undefined;
function pictures(): Promise<Map<string, Buffer>> {
  images ??= Promise.all(
    IMAGE_PATHS.map(async (p, i) => {
      const jpeg = await sharp({ create: { width: 160 + i * 8, height: 120, channels: 3, background: { r: 30 * i, g: 200 - 20 * i, b: 90 } } })
        .jpeg()
        .toBuffer();
      return [p, jpeg] as const;
    }),
  ).then((entries) => new Map(entries));
  return images;
}

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

const DEFAULT_ROUTES: Record<string, Route> = {
  '/feeds/harbour.rss': { file: 'harbour.rss' },
  '/feeds/fenland.rdf': { file: 'fenland.rdf' },
  '/feeds/quarry.atom': { file: 'quarry.atom' },
  '/feeds/allotment.json': { file: 'allotment.json' },
  '/feeds/moorland.json': { file: 'moorland.json', type: 'application/json' },
  '/harbour/': { file: 'site.html' },
  '/nofeed.html': { file: 'nofeed.html' },
  '/articles/ferry-timetable.html': { file: 'articles/ferry-timetable.html' },
};

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>(Object.entries(DEFAULT_ROUTES));
  const pics = await pictures();
  let inFlight = 0;
  const state = { notModified: new Map<string, number>(), hits: new Map<string, number>(), maxInFlight: 0 };
  const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

  const server = await startServer(async (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      bump(state.hits, pathname);
      const picture = pics.get(pathname);
      if (picture) {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': picture.length });
        res.end(picture);
        return;
      }
      const route = routes.get(pathname);
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
      if (route.redirect) {
        res.writeHead(route.status ?? 301, { location: route.redirect });
        res.end();
        return;
      }
      let body: Buffer =
        route.body !== undefined ? Buffer.from(route.body) : route.file ? fixture(route.file) : Buffer.alloc(0);
      body = Buffer.from(body.toString('latin1').replaceAll('{{ORIGIN}}', server.origin), 'latin1');
      const type = route.type ?? TYPES[path.extname(route.file ?? pathname)] ?? 'application/octet-stream';
      const headers: Record<string, string | number> = { 'content-type': type, 'content-length': body.length };
      if (route.conditional !== false) {
        const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
        headers.etag = etag;
        headers['last-modified'] = 'Fri, 12 Apr 2024 09:00:00 GMT';
        if (req.headers['if-none-match'] === etag) {
          bump(state.notModified, pathname);
          res.writeHead(304, { etag });
          res.end();
          return;
        }
      }
      res.writeHead(route.status ?? 200, headers);
      res.end(body);
    } finally {
      inFlight--;
    }
  });
  const feedServer = Object.assign(server, {
    route: (p: string, r: Route) => void routes.set(p, r),
    notModified: state.notModified,
    hits: state.hits,
    maxInFlight: 0,
  });
  Object.defineProperty(feedServer, 'maxInFlight', { get: () => state.maxInFlight });
  return feedServer;
}
