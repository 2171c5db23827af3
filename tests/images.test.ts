import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { getImage, getThumbnailInfo, imageHash } from '../db/images.js';
import { ImageRefused, processImage, storeArticleImages, THUMB_SIZE } from '../main/ingest/images.js';
import type { ParsedArticle } from '../main/ingest/types.js';
import { tempDir } from './helpers.js';
import { HTML_ERROR_PAGE, jpegHeaderBomb, picture, siteImages, startSite, SVG_WITH_SCRIPT } from './net-site.js';

const dbs: Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) closeLibrary(db);
});

function library(): Database {
  const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
  dbs.push(db);
  return db;
}

async function refusal(bytes: Uint8Array, opts: Parameters<typeof processImage>[1] = {}): Promise<string> {
  try {
    await processImage(bytes, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageRefused);
    return (err as Error).message;
  }
  throw new Error('expected the picture to be refused');
}

/** An article as parseHtmlPage makes it: figures in order, each <figure data-figure="N"> in the HTML. */
function articleWith(figures: Array<{ src: string; caption?: string }>, extraHtml = ''): ParsedArticle {
  const html =
    '<p>First paragraph.</p>\n' +
    figures
      .map((f, i) => `<figure data-figure="${i}"><img src="${f.src}" alt="Picture ${i}">${f.caption ? `<figcaption>${f.caption}</figcaption>` : ''}</figure>`)
      .join('\n') +
    extraHtml;
  return {
    title: 'Pictures',
    source: null,
    author: null,
    attribution: null,
    url: null,
    publishedAt: null,
    lead: '',
    html,
    text: 'First paragraph.',
    figures: figures.map((f, i) => ({ src: f.src, alt: `Picture ${i}`, caption: f.caption ?? '' })),
  };
}

let images: Record<string, Buffer>;
beforeAll(async () => {
  images = await siteImages();
});

describe('processImage: what a picture is, from its bytes', () => {
  it('reads type and size from a JPEG and makes a WebP thumbnail whose short side is the thumbnail size', async () => {
    const started = performance.now();
    const img = await processImage(images.ferry!);
    const ms = performance.now() - started;
    expect(img).toMatchObject({ mime: 'image/jpeg', width: 1200, height: 800, hash: imageHash(images.ferry!) });
    expect(img.thumbnail).toMatchObject({ mime: 'image/webp', width: 288, height: THUMB_SIZE });
    const meta = await sharp(img.thumbnail!.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 288, 192]);
    expect(img.thumbnail!.bytes.byteLength).toBeLessThan(images.ferry!.byteLength / 4);
    console.log(`1200×800 JPEG ${(images.ferry!.byteLength / 1024).toFixed(0)} KB → thumbnail ${img.thumbnail!.width}×${img.thumbnail!.height} WebP ${(img.thumbnail!.bytes.byteLength / 1024).toFixed(1)} KB in ${ms.toFixed(0)} ms`);
  });

  it('accepts JPEG, PNG, GIF, WebP and AVIF, whatever the address or the server says', async () => {
    for (const [format, mime] of [['jpeg', 'image/jpeg'], ['png', 'image/png'], ['gif', 'image/gif'], ['webp', 'image/webp'], ['avif', 'image/avif']] as const) {
      const bytes = await picture(320, 240, 4, format);
      const img = await processImage(bytes, { declaredType: 'application/octet-stream' });
      expect([img.mime, img.width, img.height]).toEqual([mime, 320, 240]);
    }
  });

  it('refuses an HTML page served as a picture', async () => {
    expect(await refusal(HTML_ERROR_PAGE, { declaredType: 'image/jpeg' })).toBe('not an image (it is text/html)');
    const commented = Buffer.from('<!-- cache: miss -->\n<!---->\n<html><body>Not found</body></html>');
    expect(await refusal(commented, { declaredType: 'image/jpeg' })).toBe('not an image (it is text/html)');
    // Built to make the old sniffing regex backtrack for minutes; now an answer like any other.
    const hostile = Buffer.from('<!-' + '---><!----><!-'.repeat(140));
    expect(await refusal(hostile, { declaredType: 'image/jpeg' })).toBe('not an image (it is text)');
  });

  it('refuses SVG, which can carry scripts', async () => {
    expect(await refusal(SVG_WITH_SCRIPT, { declaredType: 'image/svg+xml' })).toBe('SVG pictures are refused (they can carry scripts)');
    const bare = Buffer.from('  <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    expect(await refusal(bare, { declaredType: 'image/png' })).toBe('SVG pictures are refused (they can carry scripts)');
  });

  it('refuses other picture formats and non-pictures by name', async () => {
    expect(await refusal(await picture(64, 64, 1, 'tiff'))).toBe('image/tiff pictures are not kept (only JPEG, PNG, GIF, WebP and AVIF)');
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
    expect(await refusal(pdf)).toBe('not an image (it is application/pdf)');
    expect(await refusal(Buffer.from('{"error":"not found"}'), { declaredType: 'application/json' })).toBe('not an image (it is JSON)');
    expect(await refusal(Buffer.alloc(0))).toBe('empty (the server sent no bytes)');
  });

  it('refuses the 64250 × 64250 JPEG header bomb from its header, quickly and without decoding it', async () => {
    const bomb = await jpegHeaderBomb();
    expect(bomb.byteLength).toBeLessThan(1024);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const message = await refusal(bomb);
    const ms = performance.now() - started;
    expect(message).toBe('too many pixels (64250 × 64250 = 4128 megapixels; the limit is 40)');
    expect(ms).toBeLessThan(250);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    console.log(`64250×64250 JPEG (${bomb.byteLength} bytes) refused in ${ms.toFixed(1)} ms`);
  });

  it('holds every picture to the pixel budget, frames of an animation included', async () => {
    expect(await refusal(images.ferry!, { maxPixels: 500_000 })).toBe('too many pixels (1200 × 800 = 1 megapixels; the limit is 0.5)');
    const frames = await Promise.all([0, 1, 2, 3].map((i) => picture(100, 100, i * 2, 'png')));
    const animation = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    const meta = await sharp(animation).metadata();
    expect(meta.pages).toBe(4);
    expect(await refusal(animation, { maxTotalPixels: 30_000 })).toBe('too many pixels (4 frames of 100 × 100; the limit is 0 megapixels in all)');
    // Within budget, the animation is kept whole and its thumbnail is one still frame.
    const kept = await processImage(animation);
    expect(kept.mime).toBe('image/gif');
    expect(kept.bytes).toBe(animation);
    expect((await sharp(kept.thumbnail!.bytes).metadata()).pages ?? 1).toBe(1);
  });

  it('refuses a 1 × 1 picture as a tracking pixel', async () => {
    expect(await refusal(images.beacon!)).toBe('too small to be a picture (1 × 1 pixels: a tracking pixel or a spacer)');
  });

  it('refuses a damaged picture: the right magic bytes and nothing sensible after them', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]);
    expect(await refusal(fake)).toMatch(/^damaged JPEG \(.+\)$/);
    const cut = images.map800!.subarray(0, 200);
    expect(await refusal(cut)).toMatch(/^damaged PNG \(.+\)$/);
  });

  it('reports the dimensions as shown, after the EXIF orientation', async () => {
    const rotated = await sharp(await picture(300, 200, 5, 'jpeg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const img = await processImage(rotated);
    expect([img.width, img.height]).toEqual([200, 300]);
    expect([img.thumbnail!.width, img.thumbnail!.height]).toEqual([192, 288]);
  });

  it('needs no thumbnail for a picture already thumbnail-sized and light, and crops a panorama to 3:1', async () => {
    const small = await processImage(await picture(160, 120, 6, 'jpeg'));
    expect(small.thumbnail).toBeNull();
    const panorama = await processImage(await picture(4000, 400, 7, 'jpeg'));
    expect([panorama.thumbnail!.width, panorama.thumbnail!.height]).toEqual([576, 192]);
  });
});

describe('storeArticleImages: an article’s pictures into the library', () => {
  it('stores each picture once with its thumbnail, points the HTML at the library, and keeps the caption of a failure', async () => {
    const site = await startSite();
    const db = library();
    const url = (p: string) => site.server.url(p);
    const article = articleWith([
      { src: url('/media/ferry.jpg'), caption: 'The ferry' },
      { src: url('/media/missing.jpg'), caption: 'The crew' },
      { src: url('/media/ferry.jpg'), caption: 'The ferry again' },
    ]);
    const out = await storeArticleImages(db, article);
    const hash = imageHash(images.ferry!);
    expect(out.figures.map((f) => f.imageHash)).toEqual([hash, null, hash]);
    expect(out.imageFailures).toEqual([`${url('/media/missing.jpg')}: the server answered 404 Not Found`]);
    expect(out.imagesStored).toBe(1);
    expect(site.requested('/media/ferry.jpg')).toBe(1);

    expect(out.html).not.toMatch(/<img[^>]+src="https?:/);
    expect(out.html).toContain(`<figure data-figure="0"><img src="bs-image:${hash}" alt="Picture 0"><figcaption>The ferry</figcaption></figure>`);
    expect(out.html).toContain('<figure data-figure="1"><figcaption>The crew</figcaption></figure>');
    expect(out.html).toContain(`<figure data-figure="2"><img src="bs-image:${hash}"`);

    const full = getImage(db, hash)!;
    expect(Buffer.compare(full.data, images.ferry!)).toBe(0);
    expect(full).toMatchObject({ mime: 'image/jpeg', width: 1200, height: 800 });
    const thumb = getImage(db, hash, 'thumb')!;
    expect(thumb.mime).toBe('image/webp');
    expect(thumb.data.byteLength).toBeLessThan(full.data.byteLength);
    expect(getThumbnailInfo(db, hash)).toMatchObject({ mime: 'image/webp', width: 288, height: 192 });
    expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 1 });
  });

  it('rewrites pictures outside figures too, stores data: pictures, and removes what failed', async () => {
    const site = await startSite();
    const db = library();
    const png = await picture(300, 200, 8, 'png');
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const article = articleWith(
      [{ src: dataUrl, caption: 'Inline data' }],
      `<p>Text <img src="${site.server.url('/media/stalls.webp')}" alt="stalls" srcset="${site.server.url('/media/map-2400.png')} 2400w"> and <img src="${site.server.url('/media/fake.jpg')}" alt="fake"></p>`,
    );
    const out = await storeArticleImages(db, article);
    expect(out.figures[0]!.imageHash).toBe(imageHash(png));
    expect(out.html).toContain(`<img src="bs-image:${imageHash(images.stalls!)}" alt="stalls">`);
    expect(out.html).not.toContain('fake');
    expect(out.html).not.toContain('http');
    expect(out.imageFailures).toEqual([`${site.server.url('/media/fake.jpg')}: not an image (it is text/html)`]);
    expect(site.requested('/media/map-2400.png')).toBe(0);
  });

  it('fetches at most four pictures at a time', async () => {
    const extra: Record<string, { type: string; body: Buffer; delay: number }> = {};
    const figures = [];
    for (let i = 0; i < 10; i++) {
      extra[`/slow/${i}.jpg`] = { type: 'image/jpeg', body: await picture(64 + i, 48, i, 'jpeg'), delay: 80 };
      figures.push({ src: `/slow/${i}.jpg`, caption: `Slow ${i}` });
    }
    const site = await startSite(extra);
    const db = library();
    const out = await storeArticleImages(db, articleWith(figures.map((f) => ({ ...f, src: site.server.url(f.src) }))));
    expect(out.imageFailures).toEqual([]);
    expect(out.imagesStored).toBe(10);
    expect(site.peakInFlight()).toBe(4);
  });

  it('gives one picture its time limit and the article a total one, and reports both', async () => {
    const site = await startSite({
      '/stuck.jpg': { type: 'image/jpeg', body: images.ferry!, delay: 5_000 },
    });
    const db = library();
    const one = await storeArticleImages(db, articleWith([{ src: site.server.url('/stuck.jpg'), caption: 'x' }, { src: site.server.url('/media/ferry.jpg') }]), {
      timeoutMs: 300,
    });
    expect(one.imageFailures).toEqual([`${site.server.url('/stuck.jpg')}: no answer within 300 ms`]);
    expect(one.figures[1]!.imageHash).toBe(imageHash(images.ferry!));

    const started = performance.now();
    const all = await storeArticleImages(db, articleWith([{ src: site.server.url('/stuck.jpg'), caption: 'x' }]), { totalTimeoutMs: 400 });
    expect(all.imageFailures).toEqual([`${site.server.url('/stuck.jpg')}: the 400 ms allowed for this article's pictures ran out`]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('fetches at most maxImages pictures and says which were left out', async () => {
    const site = await startSite();
    const db = library();
    const figures = Array.from({ length: 5 }, (_, i) => ({ src: site.server.url(`/media/ferry.jpg?copy=${i}`) }));
    const out = await storeArticleImages(db, articleWith(figures), { maxImages: 3 });
    expect(out.figures.map((f) => f.imageHash !== null)).toEqual([true, true, true, false, false]);
    expect(out.imageFailures).toEqual([
      `${figures[3]!.src}: not fetched (more than 3 pictures in one article)`,
      `${figures[4]!.src}: not fetched (more than 3 pictures in one article)`,
    ]);
  });

  it('leaves a figure that already points at the library as it is, and fetches nothing for it', async () => {
    const db = library();
    const hash = 'ab'.repeat(32);
    const article = articleWith([{ src: '', caption: 'Stored before' }]);
    article.html = `<figure data-figure="0"><img src="bs-image:${hash}" alt=""><figcaption>Stored before</figcaption></figure>`;
    const out = await storeArticleImages(db, article);
    expect(out.figures[0]!.imageHash).toBe(hash);
    expect(out.html).toBe(article.html);
    expect(out.imageFailures).toEqual([]);
  });

  it('drops a caption-less figure whose picture turns out to be a tracking pixel', async () => {
    const site = await startSite();
    const db = library();
    const out = await storeArticleImages(db, articleWith([{ src: site.server.url('/media/beacon.gif') }, { src: site.server.url('/media/beacon.gif?2'), caption: 'Kept caption' }]));
    expect(out.html).not.toContain('data-figure="0"');
    expect(out.html).toContain('<figure data-figure="1"><figcaption>Kept caption</figcaption></figure>');
    expect(out.figures.map((f) => f.imageHash)).toEqual([null, null]);
    expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 0 });
  });
});
