import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getFeed, listFeeds } from '../db/feeds.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { convertFeedHtml } from '../main/feeds/content.js';
import { looksLikeFeed, parseFeedDocument } from '../main/feeds/parse.js';
import { addFeed, refreshFeeds } from '../main/feeds/refresh.js';
import { ENTITY_MESSAGE, FeedError, prepareXml } from '../main/feeds/xml.js';
import { fixture, startFeedServer, type FeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

const ENTITY_ERROR = 'the feed declares XML entities, which Broadsheet does not expand';

function library(): { db: Database; file: string } {
  const file = path.join(tempDir(), 'library.sqlite');
  return { db: openLibrary(file), file };
}

function snapshot(db: Database, feedId: number) {
  return db.prepare('SELECT id, title, html, text, lead, guid, url, published_at, is_read, is_starred FROM articles WHERE source_id = ? ORDER BY id').all(feedId);
}

/** A library subscribed to the harbour feed, whose address then starts serving `route`. */
async function subscribedThenServing(server: FeedServer, body: string | Buffer) {
  const { db, file } = library();
  const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
  const before = snapshot(db, feed.id);
  expect(before).toHaveLength(5);
  server.route('/feeds/harbour.rss', { body, type: 'application/rss+xml' });
  return { db, file, feed, before };
}

/** Bytes of the library file and its WAL, after a checkpoint. */
function libraryBytes(db: Database, file: string): Buffer {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const parts = [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
  return Buffer.concat(parts);
}

describe('hostile XML', () => {
  it('refuses entity declarations before parsing: billion laughs, a large entity, file:///etc/passwd, a secret file, parameter entities', async () => {
    const server = await startFeedServer();
    const dir = tempDir();
    const secretFile = path.join(dir, 'secret.txt');
    const secret = `BROADSHEET-SECRET-${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(secretFile, `${secret}\n`);
    const bigEntity = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY big "${'A'.repeat(100_000)}">]>
<rss version="2.0"><channel><title>Big</title><link>{{ORIGIN}}/</link><description>x</description>
<item><title>big</title><guid>big-1</guid><description>${'&big;'.repeat(20_000)}</description></item></channel></rss>`;
    const xxeSecret = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://${secretFile}">]>
<rss version="2.0"><channel><title>Secret &secret;</title><link>{{ORIGIN}}/</link><description>x</description>
<item><title>&secret;</title><guid>s-1</guid><description>&secret;</description></item></channel></rss>`;
    const cases: Array<[string, string | Buffer]> = [
      ['billion laughs', fixture('hostile/billion-laughs.xml')],
      ['one large entity referenced many times', bigEntity],
      ['an external entity naming /etc/passwd', fixture('hostile/xxe-passwd.xml')],
      ['an external entity naming a local secret', xxeSecret],
      ['a parameter entity naming a remote DTD', fixture('hostile/parameter-entity.xml')],
      ['an entity declared in lower case', '<?xml version="1.0"?><!doctype rss [<!entity x "y">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'],
    ];

    const { db, file, feed, before } = await subscribedThenServing(server, '');
    for (const [name, body] of cases) {
      // As a new subscription: refused, nothing stored.
      server.route(`/hostile/${encodeURIComponent(name)}.xml`, { body, type: 'application/rss+xml' });
      const heap = process.memoryUsage().heapUsed;
      const started = performance.now();
      await expect(addFeed(db, server.url(`/hostile/${encodeURIComponent(name)}.xml`)), name).rejects.toThrow(ENTITY_ERROR);

      // As a refresh of an existing feed: a per-feed error; its articles untouched.
      server.route('/feeds/harbour.rss', { body, type: 'application/rss+xml' });
      const [r] = await refreshFeeds(db, { ids: [feed.id] });
      expect(performance.now() - started, name).toBeLessThan(3000);
      expect(process.memoryUsage().heapUsed - heap, name).toBeLessThan(64 * 1024 * 1024);
      expect(r, name).toMatchObject({ status: 'failed', error: ENTITY_ERROR });
      expect(getFeed(db, feed.id)!.lastError).toBe(ENTITY_ERROR);
      expect(snapshot(db, feed.id), name).toEqual(before);
    }
    expect(listFeeds(db)).toHaveLength(1);
    expect(server.hits.get('/evil.dtd')).toBeUndefined();

    // Nothing from the files named by the entities is anywhere in the library file.
    const bytes = libraryBytes(db, file);
    expect(bytes.includes(secret)).toBe(false);
    if (fs.existsSync('/etc/passwd')) {
      const firstLine = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
      expect(firstLine.length).toBeGreaterThan(5);
      expect(bytes.includes(firstLine)).toBe(false);
    }
    expect(bytes.includes('root:x:0:0')).toBe(false);
    closeLibrary(db);
  });

  it('survives a flood of numeric character references in bounded time', async () => {
    const server = await startFeedServer();
    const flood = '&#65;&#x42;&#9731;&#x1F600;'.repeat(150_000); // 600,000 references, ~4 MB
    server.route('/flood.rss', {
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Flood &#70;&#x6C;ood</title><link>{{ORIGIN}}/</link><description>x</description>
<item><title>Many references</title><guid>flood-1</guid><description>${flood}</description></item></channel></rss>`,
      type: 'application/rss+xml',
    });
    const { db } = library();
    const started = performance.now();
    const r = await addFeed(db, server.url('/flood.rss'), { fullText: false });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.feed.title).toBe('Flood Flood');
    const text = db.prepare<[], string>('SELECT text FROM articles').pluck().get()!;
    expect(text.startsWith('AB☃😀AB☃😀')).toBe(true);
    expect(text.length).toBe(150_000 * 5); // 😀 is two UTF-16 units
    closeLibrary(db);
  });

  it('refuses <__proto__> and <constructor> elements without polluting any prototype', async () => {
    const server = await startFeedServer();
    server.route('/proto.rss', { file: 'hostile/proto.xml', type: 'application/rss+xml' });
    // JSON.parse makes "__proto__" an own key, never the prototype; feedsmith skips an item whose
    // "constructor" key is not Object's. Either way nothing reaches Object.prototype.
    const raw = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Proto JSON',
      items: [
        { id: 'p1', title: 'Item with a prototype key', content_text: 'x '.repeat(400) },
        { id: 'p2', title: 'Item with a constructor key', content_text: 'y '.repeat(400), constructor: { prototype: { polluted: 'ctor' } } },
      ],
    })
      .replace('"title":"Proto JSON"', '"title":"Proto JSON","__proto__":{"polluted":"feed"}')
      .replace('"id":"p1"', '"id":"p1","__proto__":{"polluted":"item"}');
    server.route('/proto.json', { body: raw, type: 'application/feed+json' });
    const { db } = library();
    await expect(addFeed(db, server.url('/proto.rss'))).rejects.toThrow(/the feed could not be read \(Invalid name: "__proto__" is a reserved JavaScript keyword/);
    const json = await addFeed(db, server.url('/proto.json'), { fullText: false });
    expect(json.result?.new).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(listFeeds(db)).toHaveLength(1);
    closeLibrary(db);
  });

  it('gives malformed and truncated feeds a clear per-feed error and leaves stored articles untouched', async () => {
    const server = await startFeedServer();
    const { db, feed, before } = await subscribedThenServing(server, fixture('hostile/malformed.xml'));

    const [malformed] = await refreshFeeds(db, { ids: [feed.id] });
    expect(malformed!.status).toBe('failed');
    expect(malformed!.error).toMatch(/^the feed is not well-formed XML \(line 4, column \d+: Expected closing tag 'b'/);
    expect(getFeed(db, feed.id)).toMatchObject({ lastError: malformed!.error, failures: 1 });
    expect(snapshot(db, feed.id)).toEqual(before);

    const whole = fixture('harbour.rss').toString('utf8');
    const cut = whole.indexOf('<item>', whole.indexOf('<item>') + 10) + 200; // in the middle of the second item
    server.route('/feeds/harbour.rss', { body: whole.slice(0, cut), type: 'application/rss+xml' });
    const [truncated] = await refreshFeeds(db, { ids: [feed.id] });
    expect(truncated!.status).toBe('failed');
    expect(truncated!.error).toMatch(/^the feed (is incomplete or malformed: it ends before <rss>, <channel>, <item>|is not well-formed XML)/);
    expect(getFeed(db, feed.id)!.failures).toBe(2);
    expect(snapshot(db, feed.id)).toEqual(before);

    // Cut right after a closing tag: still incomplete, still refused.
    server.route('/feeds/harbour.rss', { body: whole.slice(0, whole.indexOf('</item>') + 7), type: 'application/rss+xml' });
    const [cleanCut] = await refreshFeeds(db, { ids: [feed.id] });
    expect(cleanCut!.error).toBe('the feed is incomplete or malformed: it ends before <rss>, <channel> are closed');
    expect(snapshot(db, feed.id)).toEqual(before);

    for (const [body, error] of [
      ['', /this is not a feed/],
      ['<html><body>Oops</body></html>', /this is not a feed/],
      // Built to make the old "is it a web page?" regex backtrack for minutes.
      ['<!-' + '---><!----><!-'.repeat(290), /^the feed is not well-formed XML/],
      ['{"version": "https://jsonfeed.org/version/1.1", "title": "Cut', /the JSON feed is not valid JSON/],
    ] as const) {
      server.route('/feeds/harbour.rss', { body, type: 'application/rss+xml' });
      const [r] = await refreshFeeds(db, { ids: [feed.id] });
      expect(r!.error).toMatch(error);
    }
    expect(snapshot(db, feed.id)).toEqual(before);
    closeLibrary(db);
  });

  it('accepts a harmless public DOCTYPE, a bare ampersand and an HTML entity', async () => {
    const server = await startFeedServer();
    server.route('/old.rss', { file: 'hostile/doctype-only.xml', type: 'text/xml' });
    const { db } = library();
    const r = await addFeed(db, server.url('/old.rss'), { fullText: false });
    expect(r.feed.title).toBe('Old & Netscape');
    const text = db.prepare<[], string>('SELECT text FROM articles').pluck().get()!;
    expect(text).toMatch(/^AT&T and friends still write feeds by hand\. This one has a bare ampersand/);
    closeLibrary(db);
  });
});

describe('the XML gate itself', () => {
  const refuse = (xml: string) => {
    expect(() => prepareXml(xml)).toThrow(FeedError);
    expect(() => prepareXml(xml)).toThrow(ENTITY_MESSAGE);
  };

  it('finds entity declarations wherever markup can hold them', () => {
    refuse('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>');
    refuse('<?xml version="1.0"?>\n<!-- c --><!DOCTYPE a [ <!-- ] --> <!ENTITY x "]>"> ]><a/>');
    refuse('<!DOCTYPE a SYSTEM "x.dtd" [<!ENTITY % p SYSTEM "http://example.invalid/p">%p;]><a/>');
    refuse('<a><!ENTITY x "y"></a>');
  });

  it('leaves the same words alone inside CDATA and comments, and cuts a DOCTYPE without entities', () => {
    expect(prepareXml('<a><![CDATA[<!ENTITY x "y">]]></a>')).toBe('<a><![CDATA[<!ENTITY x "y">]]></a>');
    expect(prepareXml('<a><!-- <!ENTITY x "y"> --></a>')).toBe('<a><!-- <!ENTITY x "y"> --></a>');
    expect(prepareXml('<!DOCTYPE a PUBLIC "-//X//Y" "http://example.invalid/a.dtd"><a>b</a>')).toBe('<a>b</a>');
    expect(prepareXml('\uFEFF  <a>AT&T &amp; &#38; &nbsp;</a>')).toBe('<a>AT&amp;T &amp; &#38; &nbsp;</a>');
  });

  it('turns every error into a FeedError, never a crash', () => {
    for (const input of ['<', '<a', '<a></b>', '<a><b></a>', '\u0000\u0001', '<a x="1" x="2"/>', '<?xml version="1.0"?>', '<rss><channel>']) {
      expect(() => parseFeedDocument(input, 'http://example.invalid/feed'), JSON.stringify(input)).toThrow(FeedError);
    }
  });
});

describe('hostile item markup and feed sniffing', () => {
  const BASE = 'https://e.example/a/';
  const picture = (srcset: string) => convertFeedHtml(`<p>Text</p><img srcset="${srcset}" alt="x">`, BASE).figures[0]?.src;

  it('reads srcset as browsers do: a candidate is a URL up to white space, commas and all, then its descriptor', () => {
    expect(picture('a.jpg 400w, b.jpg 1600w, c.jpg 3200w')).toBe(`${BASE}b.jpg`);
    expect(picture('a.jpg 400w,\n\tb.jpg 1600w,  c.jpg 3200w')).toBe(`${BASE}b.jpg`);
    expect(picture('a.jpg 3200w,,b.jpg 2400w')).toBe(`${BASE}b.jpg`);
    expect(picture('a,b.jpg')).toBe(`${BASE}a,b.jpg`);
    expect(picture('a,b.jpg x')).toBe(`${BASE}a,b.jpg`);
    // Resizing CDNs put commas in their addresses; these used to be cut at the first comma.
    const cdn = 'https://res.cloudinary.com/demo/image/upload';
    expect(picture(`${cdn}/w_300,h_200,c_fill/cat.jpg 300w, ${cdn}/w_800,h_533,c_fill/cat.jpg 800w`)).toBe(`${cdn}/w_800,h_533,c_fill/cat.jpg`);
    // No white space after a comma: Chromium loads "one.jpg,two.jpg" for 2x, and so do we.
    expect(picture('one.jpg,two.jpg 2x,three.jpg 3x')).toBe(`${BASE}one.jpg,two.jpg`);
  });

  it('reads a srcset made of commas in linear time (this took seconds)', () => {
    // One URL of 200,000 characters, nearly all commas, then a descriptor.
    expect(picture(`a.jpg,${'x,'.repeat(100_000)}b.jpg 2x`)).toBe(`${BASE}a.jpg,${'x,'.repeat(100_000)}b.jpg`);
    expect(picture(`${',x'.repeat(50_000)} 1x`)).toBe(`${BASE}x${',x'.repeat(49_999)}`);
    expect(picture(`${','.repeat(100_000)}a.jpg${','.repeat(100_000)} 1x`)).toBe(`${BASE}a.jpg`);
  });

  it('turns white space with a line break between tags into one line break, in linear time', () => {
    expect(convertFeedHtml('<ul>\n  <li>a</li>  \n\n <li>b</li> <li>c</li>\n</ul>', BASE).html).toBe('<ul>\n<li>a</li>\n<li>b</li> <li>c</li>\n</ul>');
    // A long run of line breaks after a tag and before text, not a tag: each split of it was tried.
    const html = convertFeedHtml(`<p><b>a</b>${'\n'.repeat(100_000)}b</p>`, BASE).html;
    expect(html).toBe(`<p><b>a</b>${'\n'.repeat(100_000)}b</p>`);
  });

  it('skips comments before the root element when sniffing a feed', () => {
    expect(looksLikeFeed('<?xml version="1.0"?><!-- <html> --><rss version="2.0">')).toBe(true);
    expect(looksLikeFeed('<!-- a --><!-- <rss> --><html>')).toBe(false);
    expect(looksLikeFeed('<!--><html> --><feed>')).toBe(true);
    expect(looksLikeFeed('<!-- never closed <html>')).toBe(false);
    expect(looksLikeFeed('<!-- never closed --><!-- <html> <feed>')).toBe(false);
    // The 4 KB it reads, all comment openings: every one used to look for '-->' to the end.
    expect(looksLikeFeed(`${'<!--'.repeat(1_100)}<feed>`)).toBe(false);
    expect(looksLikeFeed(`<!---->${'<!--'.repeat(1_000)}-->\n<feed>`)).toBe(true);
  });
});
