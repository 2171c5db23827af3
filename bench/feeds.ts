/**
 * Feed refresh benchmark: FEEDS local RSS feeds × ITEMS items, each item with a figure (picture
 * and caption), served by a real HTTP server on 127.0.0.1. Measures the first refresh (everything
 * new: fetch, parse, sanitise, download and store pictures, index) and the second (every feed
 * answers 304), with peak memory.
 *
 *   npm run bench:feeds -- [FEEDS] [ITEMS] [PICTURES]     (default 200 50 500)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { insertFeed } from '../db/feeds.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { refreshFeeds } from '../main/feeds/refresh.js';
import { rng } from './corpus.js';

const [feeds = 200, items = 50, pictures = 500] = process.argv.slice(2).map(Number);
const r = rng(11);
const WORDS = 'harbour ferry council river market bridge storm harvest village minister budget railway festival school doctors fishermen announced signed visited promised northern coastal'.split(' ');
const sentence = () => {
  const s = Array.from({ length: 10 + Math.floor(r() * 12) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
};

// Pictures: distinct small JPEGs, referenced round-robin (the library stores each once).
const images: Buffer[] = [];
for (let i = 0; i < pictures; i++) {
  images.push(
    await sharp({ create: { width: 640, height: 400, channels: 3, background: { r: i % 256, g: 40 + 80 * Math.floor(i / 256), b: (i * 53) % 256 } } })
      .jpeg({ quality: 70 })
      .toBuffer(),
  );
}

function feedXml(origin: string, f: number): string {
  const entries = Array.from({ length: items }, (_, i) => {
    const n = f * items + i;
    const body = Array.from({ length: 5 }, () => `<p>${sentence()} ${sentence()} ${sentence()}</p>`).join('');
    const content = `<figure><img src="${origin}/img/${n % pictures}.jpg" alt=""><figcaption>${sentence()} Photo: Wire</figcaption></figure>${body}`;
    return `<item><title>Item ${n}: ${sentence()}</title><link>${origin}/a/${n}</link><guid>${origin}/a/${n}</guid>
      <pubDate>${new Date(Date.UTC(2024, 0, 1) + n * 60_000).toUTCString()}</pubDate>
      <description><![CDATA[${content}]]></description></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ${f}</title><link>${origin}/</link>${entries}</channel></rss>`;
}

const bodies = new Map<string, { body: Buffer; type: string; etag: string }>();
const server = http.createServer((req, res) => {
  const hit = bodies.get(req.url ?? '');
  if (!hit) return void res.writeHead(404).end();
  if (req.headers['if-none-match'] === hit.etag) return void res.writeHead(304, { ETag: hit.etag }).end();
  res.writeHead(200, { 'Content-Type': hit.type, 'Content-Length': hit.body.length, ETag: hit.etag }).end(hit.body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const put = (p: string, body: Buffer, type: string) => bodies.set(p, { body, type, etag: `"${createHash('sha1').update(body).digest('hex')}"` });
images.forEach((img, i) => put(`/img/${i}.jpg`, img, 'image/jpeg'));
for (let f = 0; f < feeds; f++) put(`/feed/${f}.xml`, Buffer.from(feedXml(origin, f)), 'application/rss+xml');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-feeds-bench-'));
const db = openLibrary(path.join(dir, 'library.sqlite'));
for (let f = 0; f < feeds; f++) insertFeed(db, { url: `${origin}/feed/${f}.xml`, title: `Feed ${f}`, fullText: false });

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const rssBefore = process.memoryUsage().rss;

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`feeds:   ${feeds} × ${items} items, each with a picture and caption (${pictures} distinct pictures)`);
let t0 = performance.now();
const first = await refreshFeeds(db);
const firstMs = performance.now() - t0;
const stored = first.reduce((n, x) => n + x.new, 0);
const failed = first.filter((x) => x.status === 'failed');
t0 = performance.now();
const second = await refreshFeeds(db);
const secondMs = performance.now() - t0;
clearInterval(sampler);

const count = (sql: string) => db.prepare(sql).pluck().get() as number;
console.log('');
console.log(`first refresh:  ${stored} new items in ${(firstMs / 1000).toFixed(1)} s = ${((stored / firstMs) * 1000).toFixed(0)} items/s${failed.length ? `, ${failed.length} feeds failed (${failed[0]!.error})` : ''}`);
console.log(`second refresh: ${second.filter((x) => x.status !== 'failed').length} feeds unchanged (304) in ${secondMs.toFixed(0)} ms`);
console.log(`stored:         ${count('SELECT count(*) FROM articles')} articles, ${count('SELECT count(*) FROM figures WHERE image_hash IS NOT NULL')} figures with a stored picture, ${count('SELECT count(*) FROM images')} distinct pictures`);
console.log(`memory:         peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (${((peak - rssBefore) / 2 ** 20).toFixed(0)} MB above the start)`);
closeLibrary(db);
server.close();
fs.rmSync(dir, { recursive: true, force: true });
