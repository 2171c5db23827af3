import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { getArticle } from '../db/articles.js';
import { getImage, getThumbnailInfo, imageHash } from '../db/images.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { createDispatcher } from '../main/api/handlers.js';
import { articleUrl, savePage } from '../main/ingest/save-page.js';
import { sniffHtmlCharset } from '../main/ingest/sniff.js';
import { createLibraryMessageHandler } from '../main/shell/library-messages.js';
import { createImageHandler } from '../main/shell/protocols.js';
import { startWebHost } from '../main/web/server.js';
import { REPO, tempDir } from './helpers.js';
import { startSite } from './net-site.js';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) closeLibrary(db);
});

function library(file = path.join(tempDir(), 'library.sqlite')): { db: Database; file: string } {
  const db = openLibrary(file);
  open.push(db);
  return { db, file };
}

const count = (db: Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('savePage: a web page and its pictures into the library', () => {
  it('saves a page with three figures: a JPEG, a PNG from srcset, and a 404 that keeps its caption', async () => {
    const site = await startSite();
    const { db } = library();
    const pageUrl = site.server.url('/news/harbour-ferry.html');
    const started = performance.now();
    const r = await savePage(db, pageUrl);
    const ms = performance.now() - started;

    expect(r).toMatchObject({ status: 'imported', title: 'Electric ferry starts crossing the harbour', images: 2 });
    // The canonical address names the same site, so it is the one stored.
    expect(r.url).toBe(site.server.url('/news/electric-ferry'));
    expect(r.imageFailures).toEqual([`${site.server.url('/media/missing.jpg')}: the server answered 404 Not Found`]);

    const a = getArticle(db, r.id)!;
    expect(a.origin).toBe(pageUrl);
    expect(a.url).toBe(r.url);
    expect(a.author).toBe('Ines Calder');
    const jpeg = imageHash(site.images.ferry!);
    const png = imageHash(site.images.map800!);
    expect(a.figures.map((f) => [f.imageHash, f.caption, f.mime, f.width, f.height])).toEqual([
      [jpeg, 'The new ferry at the old quay before its first crossing. Photo: Harbour Times', 'image/jpeg', 1200, 800],
      [png, 'The route across the harbour, with the two charging quays marked. Map: Harbour Times', 'image/png', 800, 600],
      [null, 'The crew on the first crossing. Photo: Harbour Times', null, null, null],
    ]);
    // The original addresses stay on the figures (never loaded); srcset gave the 800w candidate.
    expect(a.figures.map((f) => f.src)).toEqual([site.server.url('/media/ferry.jpg'), site.server.url('/media/map-800.png'), site.server.url('/media/missing.jpg')]);
    expect(site.requested('/media/map-800.png')).toBe(1);
    expect(site.requested('/media/map-400.png') + site.requested('/media/map-2400.png')).toBe(0);

    // The stored HTML names only library pictures; the failed figure has its caption and no <img>.
    expect(a.html).toContain(`<img src="bs-image:${jpeg}"`);
    expect(a.html).toContain(`<img src="bs-image:${png}"`);
    expect(a.html).not.toMatch(/<img[^>]*src="(?!bs-image:)/);
    expect(a.html).not.toMatch(/https?:\/\/[^"]*\.(?:jpe?g|png|gif|webp)/);
    expect(a.html).toContain('<figure data-figure="2"><figcaption>The crew on the first crossing. Photo: Harbour Times</figcaption></figure>');
    expect(a.html.match(/<img/g)).toHaveLength(2);

    // The tracking pixel (width="1" height="1") and the site's logo were never even requested.
    expect(site.requested('/track/')).toBe(0);
    expect(site.requested('/assets/')).toBe(0);

    // Both stored pictures have a thumbnail for the list.
    expect(getThumbnailInfo(db, jpeg)).toMatchObject({ mime: 'image/webp', width: 288, height: 192 });
    expect(getThumbnailInfo(db, png)).toMatchObject({ mime: 'image/webp', width: 256, height: 192 });
    expect(count(db, 'images')).toBe(2);
    expect(count(db, 'image_thumbnails')).toBe(2);
    console.log(`saved a page with 3 figures (2 stored, 1 failed) in ${ms.toFixed(0)} ms; thumbnails ${getThumbnailInfo(db, jpeg)!.size} and ${getThumbnailInfo(db, png)!.size} bytes`);
  });

  it('stores a picture used by two pages once, and a second save of a page is a duplicate that fetches nothing', async () => {
    const site = await startSite();
    const { db } = library();
    const first = await savePage(db, site.server.url('/news/harbour-ferry.html'));
    const second = await savePage(db, site.server.url('/news/ferry-timetable.html'));
    expect(second).toMatchObject({ status: 'imported', images: 1, imageFailures: [] });
    // Fetched from another address (a lazy data-src), identical bytes: one row.
    expect(site.requested('/cdn/ferry-copy.jpg')).toBe(1);
    const hash = imageHash(site.images.ferry!);
    expect(getArticle(db, second.id)!.figures[0]!.imageHash).toBe(hash);
    expect(getArticle(db, first.id)!.figures[0]!.imageHash).toBe(hash);
    expect(count(db, 'images')).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM figures WHERE image_hash = ?').get(hash)).toEqual({ n: 2 });

    const before = site.server.requests.length;
    const again = await savePage(db, site.server.url('/news/harbour-ferry.html'));
    expect(again).toEqual({ status: 'duplicate', id: first.id, title: first.title, url: first.url, images: 0, imageFailures: [] });
    expect(site.server.requests.slice(before).map((q) => q.path)).toEqual(['/news/harbour-ferry.html']);
    expect(count(db, 'articles')).toBe(2);
  });

  it('refuses the hostile pictures one by one, each with its reason, and keeps the good one', async () => {
    const site = await startSite();
    const { db } = library();
    const started = performance.now();
    const r = await savePage(db, site.server.url('/news/hostile-images.html'));
    const ms = performance.now() - started;
    const url = (p: string) => site.server.url(p);
    expect(r.status).toBe('imported');
    expect(r.imageFailures).toEqual([
      `${url('/media/fake.jpg')}: not an image (it is text/html)`,
      `${url('/media/drawing.svg')}: SVG pictures are refused (they can carry scripts)`,
      `${url('/media/bomb.jpg')}: too many pixels (64250 × 64250 = 4128 megapixels; the limit is 40)`,
      `${url('/media/beacon.gif')}: too small to be a picture (1 × 1 pixels: a tracking pixel or a spacer)`,
    ]);
    expect(ms).toBeLessThan(3_000);
    const a = getArticle(db, r.id)!;
    expect(a.figures.map((f) => f.imageHash !== null)).toEqual([false, false, false, false, true]);
    expect(a.html).not.toContain('<script');
    expect(a.html).not.toContain('svg');
    expect(a.html.match(/<img/g)).toHaveLength(1);
    // The beacon had no caption: its figure is gone rather than an empty placeholder.
    expect(a.html).not.toContain('data-figure="3"');
    for (const caption of ['Tall ships at the quay.', 'The festival poster.', 'A panorama of the promenade.']) expect(a.html).toContain(caption);
    expect(count(db, 'images')).toBe(1);
  });

  it('then, with the server stopped, reads every article and picture back from the library file', async () => {
    const site = await startSite();
    const { db, file } = library();
    const ids = [];
    for (const page of ['harbour-ferry.html', 'ferry-timetable.html', 'hostile-images.html']) {
      ids.push((await savePage(db, site.server.url(`/news/${page}`))).id);
    }
    await site.server.close();
    closeLibrary(db);

    const { db: reopened } = library(file);
    let pictures = 0;
    for (const id of ids) {
      const a = getArticle(reopened, id)!;
      expect(a.html.length).toBeGreaterThan(200);
      for (const f of a.figures) {
        if (!f.imageHash) continue;
        pictures += 1;
        expect(a.html).toContain(`bs-image:${f.imageHash}`);
        const full = getImage(reopened, f.imageHash)!;
        const meta = await sharp(full.data).metadata();
        expect([meta.width, meta.height]).toEqual([f.width, f.height]);
        expect(imageHash(full.data)).toBe(f.imageHash);
        const thumb = getImage(reopened, f.imageHash, 'thumb')!;
        expect((await sharp(thumb.data).metadata()).height).toBe(192);
      }
    }
    expect(pictures).toBe(4);
  });

  it('serves the thumbnail from the web host for ?variant=thumb, smaller than the full picture', async () => {
    const site = await startSite();
    const { db } = library();
    const r = await savePage(db, site.server.url('/news/harbour-ferry.html'));
    await site.server.close();
    const hash = getArticle(db, r.id)!.figures[0]!.imageHash!;

    const rendererDir = path.join(tempDir(), 'renderer');
    fs.mkdirSync(rendererDir, { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Broadsheet</title>');
    const host = await startWebHost({ db, rendererDir });
    try {
      const get = (variant: string) => fetch(`http://127.0.0.1:${host.port}/images/${hash}?token=${host.token}${variant}`);
      const full = await get('');
      const thumb = await get('&variant=thumb');
      expect(full.headers.get('content-type')).toBe('image/jpeg');
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      const fullBytes = Buffer.from(await full.arrayBuffer());
      const thumbBytes = Buffer.from(await thumb.arrayBuffer());
      expect(Buffer.compare(fullBytes, site.images.ferry!)).toBe(0);
      expect(thumbBytes.byteLength).toBeLessThan(fullBytes.byteLength / 4);
      expect((await sharp(thumbBytes).metadata()).width).toBe(288);
      // A picture without a thumbnail falls back to the full one.
      expect((await get('&variant=full')).headers.get('content-type')).toBe('image/jpeg');
    } finally {
      await host.close();
    }
  });
  it('serves the thumbnail on the app’s bs-image: scheme too, through the library worker’s messages', async () => {
    const site = await startSite();
    const { db } = library();
    const r = await savePage(db, site.server.url('/news/harbour-ferry.html'));
    await site.server.close();
    const hash = getArticle(db, r.id)!.figures[1]!.imageHash!;
    // The worker's side (a plain function) behind the protocol handler, as the app wires them.
    const worker = createLibraryMessageHandler(db);
    let id = 0;
    const handler = createImageHandler(async (h, variant) => {
      const reply = await worker.handle(variant ? { id: ++id, kind: 'image', hash: h, variant } : { id: ++id, kind: 'image', hash: h });
      return reply?.ok ? (reply.result as { mime: string; data: Uint8Array } | null) : null;
    });
    const full = await handler(new Request(`bs-image://image/${hash}`));
    const thumb = await handler(new Request(`bs-image://image/${hash}?variant=thumb`));
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbBytes = Buffer.from(await thumb.arrayBuffer());
    expect(thumbBytes.byteLength).toBeLessThan(Buffer.from(await full.arrayBuffer()).byteLength);
    expect((await sharp(thumbBytes).metadata()).height).toBe(192);
  });
});

describe('savePage: encodings', () => {
  const page = (title: string, body: string, meta = '') =>
    `<!doctype html><html><head>${meta}<title>${title}</title></head><body><article><h1>${title}</h1>` +
    `<p>${body} ${'Filler sentence for the extractor to see a real article here. '.repeat(6)}</p>` +
    `<p>${'A second paragraph, so that the page reads like an article. '.repeat(5)}</p></article></body></html>`;

  it('decodes windows-1252 from the HTTP charset (smart quotes and the euro sign survive)', async () => {
    const html = page('Caf\u00e9 prices rise', '\u201cIt costs \u20ac5 now,\u201d said the owner \u2013 twice.');
    const bytes = encode1252(html);
    const site = await startSite({ '/cp1252.html': { type: 'text/html; charset=windows-1252', body: bytes } });
    const { db } = library();
    const r = await savePage(db, site.server.url('/cp1252.html'));
    const a = getArticle(db, r.id)!;
    expect(a.title).toBe('Café prices rise');
    expect(`${a.lead}\n${a.text}`).toContain('\u201cIt costs \u20ac5 now,\u201d said the owner \u2013 twice.');
  });

  it('decodes windows-1258 from <meta charset> when HTTP names none', async () => {
    // "Mùa lúa" in windows-1258 bytes: M 0xF9 a, l 0xFA a; "Nghệ An": Ngh 0xEA 0xF2 (dot below) space An
    const head = Buffer.from('<!doctype html><html><head><meta charset="windows-1258"><title>');
    const title = Buffer.from([0x4d, 0xf9, 0x61, 0x20, 0x6c, 0xfa, 0x61, 0x20, 0x4e, 0x67, 0x68, 0xea, 0xf2, 0x20, 0x41, 0x6e]);
    const rest = Buffer.from(`</title></head><body><article><p>${'Rice harvest news from the province, told at length. '.repeat(8)}</p><p>${'More about the harvest and the weather this season. '.repeat(6)}</p></article></body></html>`);
    const site = await startSite({ '/vn.html': { type: 'text/html', body: Buffer.concat([head, title, rest]) } });
    const { db } = library();
    const r = await savePage(db, site.server.url('/vn.html'));
    expect(r.title.normalize('NFC')).toBe('Mùa lúa Nghệ An');
  });

  it('lets the HTTP charset win over the page’s own declaration', async () => {
    const html = page('Na\u00efve headline', 'Body \u00e9t\u00e9.', '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
    const site = await startSite({ '/latin.html': { type: 'text/html; charset=iso-8859-1', body: encode1252(html) } });
    const { db } = library();
    const r = await savePage(db, site.server.url('/latin.html'));
    expect(r.title).toBe('Naïve headline');
  });

  it('finds the declared charset the way the HTML prescan does', () => {
    const sniff = (s: string) => sniffHtmlCharset(Buffer.from(s));
    expect(sniff('<meta charset="windows-1258">')).toBe('windows-1258');
    expect(sniff("<META CHARSET='ISO-8859-1'>")).toBe('iso-8859-1');
    expect(sniff('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')).toBe('windows-1252');
    expect(sniff('<meta content="text/html; charset=koi8-r" http-equiv="content-type">')).toBe('koi8-r');
    expect(sniff('<meta name="description" content="the charset=x trick">')).toBeNull();
    expect(sniff('<!-- <meta charset="big5"> --><meta charset="utf-8">')).toBe('utf-8');
    expect(sniff('<meta charset="utf-16le">')).toBe('utf-8');
    expect(sniff('<p>no declaration</p>')).toBeNull();
    expect(sniff('<!-- never closed <meta charset="big5">')).toBeNull();
    expect(sniff('<meta charset = " windows-1251">')).toBe('windows-1251');
    // Shapes that made the old patterns rescan the head from every '<meta' or every tab.
    expect(sniff('<meta<0'.repeat(600))).toBeNull();
    expect(sniff(`${'<METAB'.repeat(680)}>`)).toBeNull();
    expect(sniff(`${'<meta '.repeat(680)}charset=big5>`)).toBe('big5');
    expect(sniff(`<meta charset=${'\t'.repeat(4000)}=x>`)).toBeNull();
  });
});

describe('savePage: pages that cannot be saved', () => {
  it('refuses what is not a web page, with its type, and saves nothing', async () => {
    const site = await startSite({
      '/report.pdf': { type: 'application/pdf', body: Buffer.from('%PDF-1.7\n%%EOF') },
      '/feed.xml': { type: 'application/rss+xml', body: '<rss version="2.0"><channel><title>x</title></channel></rss>' },
      '/untyped': { type: '', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      // Built to make the old "does it look like HTML?" regex backtrack for minutes.
      '/hostile': { type: '', body: '<!-' + '---><!----><!-'.repeat(70) },
    });
    const { db } = library();
    await expect(savePage(db, site.server.url('/report.pdf'))).rejects.toThrow(`${site.server.url('/report.pdf')}: not a web page (it is application/pdf)`);
    await expect(savePage(db, site.server.url('/feed.xml'))).rejects.toThrow('not a web page (it is application/rss+xml: a feed? Subscribe with `broadsheet feeds add`)');
    await expect(savePage(db, site.server.url('/untyped'))).rejects.toThrow('not a web page (the server did not say what it is, and it does not look like HTML)');
    await expect(savePage(db, site.server.url('/hostile'))).rejects.toThrow('not a web page (the server did not say what it is, and it does not look like HTML)');
    await expect(savePage(db, site.server.url('/nothing-here'))).rejects.toThrow(`${site.server.url('/nothing-here')}: the server answered 404 Not Found`);
    await expect(savePage(db, 'file:///etc/passwd')).rejects.toThrow('file:///etc/passwd: only http and https addresses can be fetched, not file');
    expect(count(db, 'articles')).toBe(0);
  });

  it('says which page had no article in it', async () => {
    const site = await startSite({ '/empty.html': { type: 'text/html', body: '<!doctype html><html><head></head><body></body></html>' } });
    const { db } = library();
    await expect(savePage(db, site.server.url('/empty.html'))).rejects.toThrow(`${site.server.url('/empty.html')}: no title`);
  });

  it('trusts a canonical address only on the same site', () => {
    expect(articleUrl('https://www.news.example/a', 'https://amp.news.example/a?amp=1')).toBe('https://www.news.example/a');
    expect(articleUrl('https://news.example/a', 'https://www.news.example/a')).toBe('https://news.example/a');
    expect(articleUrl('https://victim.example/exclusive', 'https://attacker.example/page')).toBe('https://attacker.example/page');
    expect(articleUrl(null, 'https://news.example/a')).toBe('https://news.example/a');
  });
});

describe('broadsheet save and the savePage call', () => {
  function broadsheet(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // Asynchronous: the test server answers from this same process.
    return new Promise((resolve) => {
      execFile(process.execPath, [path.join(REPO, 'main/cli/bin.mjs'), '--db', db, ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  it('prints what was saved and one line per failed picture; exit 1 only when the page failed', async () => {
    const site = await startSite();
    const file = path.join(tempDir(), 'library.sqlite');
    const ok = await broadsheet(file, 'save', site.server.url('/news/harbour-ferry.html'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      'imported #1 Electric ferry starts crossing the harbour (2 images, 1 failed)\n' +
        `  image failed: ${site.server.url('/media/missing.jpg')}: the server answered 404 Not Found\n`,
    );

    const again = await broadsheet(file, 'save', site.server.url('/news/harbour-ferry.html'), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'duplicate', id: 1, images: 0, imageFailures: [] });

    const bad = await broadsheet(file, 'save', site.server.url('/gone.html'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`broadsheet: ${site.server.url('/gone.html')}: the server answered 404 Not Found\n`);

    const usage = await broadsheet(file, 'save');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('save needs one web address');
  });

  it('answers savePage through the handler table, with the page’s failure as the message', async () => {
    const site = await startSite();
    const { db } = library();
    const dispatch = createDispatcher(db);
    const r = (await dispatch('savePage', { url: site.server.url('/news/harbour-ferry.html') })) as { status: string; images: number; imageFailures: string[] };
    expect(r).toMatchObject({ status: 'imported', images: 2 });
    expect(r.imageFailures).toHaveLength(1);
    await expect(dispatch('savePage', { url: site.server.url('/gone.html') })).rejects.toThrow(new RegExp(`^${escape(site.server.url('/gone.html'))}: the server answered 404 Not Found$`));
    await expect(dispatch('savePage', { url: 42 })).rejects.toThrow(/invalid request for savePage \(url\)/);
    await expect(dispatch('savePage', { url: 'https://x.example', extra: true })).rejects.toThrow(/invalid request for savePage/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Encodes text as windows-1252 (what a Latin-script site from 2005 still sends). */
function encode1252(text: string): Buffer {
  const high: Record<string, number> = { '\u20ac': 0x80, '\u201c': 0x93, '\u201d': 0x94, '\u2013': 0x96, '\u2014': 0x97, '\u2019': 0x92 };
  return Buffer.from(
    [...text].map((c) => {
      if (high[c] !== undefined) return high[c]!;
      const code = c.charCodeAt(0);
      if (code > 0xff) throw new Error(`not in windows-1252: ${c}`);
      return code;
    }),
  );
}
