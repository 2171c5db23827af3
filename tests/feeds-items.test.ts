import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { listArticles } from '../db/articles.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { addFeed, refreshFeeds } from '../main/feeds/refresh.js';
import { startFeedServer, type FeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

/**
 * How the items of one feed document become articles: which body is kept, which address is the
 * article's, what relative links are relative to, in what order undated items are listed, which
 * 500 of a long feed are read, and items that look alike but are not the same.
 */

function library(): Database {
  return openLibrary(path.join(tempDir(), 'library.sqlite'));
}

interface Row {
  id: number;
  title: string;
  url: string | null;
  guid: string;
  html: string;
  text: string;
}

function articlesOf(db: Database, sourceId: number): Row[] {
  return db.prepare<[number], Row>('SELECT id, title, url, guid, html, text FROM articles WHERE source_id = ? ORDER BY id').all(sourceId);
}

function figureSources(db: Database, articleId: number): string[] {
  return db.prepare<[number], string>('SELECT src FROM figures WHERE article_id = ? ORDER BY position').pluck().all(articleId);
}

/** A news page Readability can read: a headline and five long paragraphs. */
function articlePage(title: string, sentence: string): string {
  const paragraph = `<p>${sentence} ${'The council met on Tuesday evening to hear from residents about the plans for the quay. '.repeat(3)}</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><header><a href="/">Home</a></header><main><article><h1>${title}</h1>${paragraph.repeat(5)}</article></main><footer>©</footer></body></html>`;
}

function rss(server: FeedServer, items: string): string {
  return `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Test feed</title><link>${server.url('/site/')}</link><description>test</description>
${items}
</channel></rss>`;
}

const COMMENTARY = 'Worth reading: the harbour board finally explains why the dredger sat idle all winter. I disagree with their costing, but the maps are superb.';

describe('full text', () => {
  it("keeps an item's own content (RSS content:encoded, Atom content, JSON content_html) and fetches the page only for a short summary", async () => {
    const server = await startFeedServer();
    server.route('/elsewhere/dredger.html', { body: articlePage('The dredger report', 'The dredger stood idle from November to March.'), type: 'text/html' });
    server.route('/elsewhere/quay.html', { body: articlePage('The quay plans', 'The quay will be widened by four metres.'), type: 'text/html' });
    const linkItem = (guid: string) =>
      `<item><title>Link: the dredger report</title><guid isPermaLink="false">${guid}</guid><link>${server.url('/elsewhere/dredger.html')}</link>
<description>A link to another site.</description><content:encoded><![CDATA[<p>${COMMENTARY}</p>]]></content:encoded></item>`;
    server.route('/feeds/links.rss', {
      type: 'application/rss+xml',
      body: rss(
        server,
        `${linkItem('rss-1')}
<item><title>The quay plans</title><guid isPermaLink="false">rss-2</guid><link>${server.url('/elsewhere/quay.html')}</link><description>The quay is to be widened.</description></item>`,
      ),
    });
    server.route('/feeds/links.atom', {
      type: 'application/atom+xml',
      body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom links</title><id>urn:atom-links</id><updated>2024-04-01T00:00:00Z</updated>
<entry><title>Atom link</title><id>urn:atom-1</id><updated>2024-04-01T00:00:00Z</updated><link href="${server.url('/elsewhere/dredger.html?via=atom')}"/>
<summary>A link.</summary><content type="html">&lt;p&gt;${COMMENTARY}&lt;/p&gt;</content></entry></feed>`,
    });
    server.route('/feeds/links.json', {
      type: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON links',
        items: [{ id: 'json-1', url: server.url('/elsewhere/dredger.html?via=json'), title: 'JSON link', summary: 'A link.', content_html: `<p>${COMMENTARY}</p>` }],
      }),
    });
    const db = library();

    // Each links to the same page (another address each: the library keeps one copy per address).
    for (const feed of ['/feeds/links.rss', '/feeds/links.atom', '/feeds/links.json']) {
      const { feed: added } = await addFeed(db, server.url(feed), { images: false });
      const own = articlesOf(db, added.id)[0]!;
      expect(own.text).toBe(COMMENTARY);
      expect(own.text).not.toContain('stood idle from November');
    }
    // The commentary page is never fetched: the items carry their own text.
    expect(server.hits.get('/elsewhere/dredger.html')).toBeUndefined();
    // A summary-only item is still completed from its page.
    expect(server.hits.get('/elsewhere/quay.html')).toBe(1);
    const quay = db.prepare<[], string>("SELECT text FROM articles WHERE title = 'The quay plans'").pluck().get()!;
    expect(quay).toContain('widened by four metres');
    // And the commentary is what a search finds.
    const found = db
      .prepare<[], string>("SELECT a.title FROM articles_fts f JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH 'costing superb' ORDER BY a.title")
      .pluck()
      .all();
    expect(found).toEqual(['Atom link', 'JSON link', 'Link: the dredger report']);
    closeLibrary(db);
  });
});

describe('undated items', () => {
  it('list in the order the feed gives them, first item newest', async () => {
    const server = await startFeedServer();
    const items = ['Newest', 'Middle', 'Oldest']
      .map((t, i) => `<item><title>${t}</title><guid isPermaLink="false">u-${i}</guid><description>${t} item of an undated feed, long enough to stand alone.</description></item>`)
      .join('\n');
    server.route('/feeds/undated.rss', { type: 'application/rss+xml', body: rss(server, items) });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/undated.rss'), { fullText: false, images: false, now: () => Date.UTC(2024, 3, 12, 9) });
    expect(listArticles(db, { sourceId: feed.id }).map((a) => a.title)).toEqual(['Newest', 'Middle', 'Oldest']);
    closeLibrary(db);
  });
});

describe('guids', () => {
  it('use a guid as the article address only when it is an absolute web address', async () => {
    const server = await startFeedServer();
    server.route('/feeds/12345', { body: articlePage('Not an article', 'This page is not the item.'), type: 'text/html' });
    server.route('/posts/7', { body: articlePage('Post seven', 'Post seven is about the quay.'), type: 'text/html' });
    const items = [
      `<item><title>Numbered item</title><guid>12345</guid><description>A short note.</description></item>`,
      `<item><title>Permalink item</title><guid>${server.url('/posts/7')}</guid><description>Post seven.</description></item>`,
      `<item><title>Not a permalink</title><guid isPermaLink="false">${server.url('/posts/8')}</guid><description>Post eight.</description></item>`,
    ].join('\n');
    server.route('/feeds/guids.rss', { type: 'application/rss+xml', body: rss(server, items) });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/guids.rss'), { images: false });
    const [numbered, permalink, notPermalink] = articlesOf(db, feed.id) as [Row, Row, Row];
    expect(numbered).toMatchObject({ guid: '12345', url: null, text: 'A short note.' });
    expect(server.hits.get('/feeds/12345')).toBeUndefined();
    expect(permalink.url).toBe(server.url('/posts/7'));
    expect(permalink.text).toContain('Post seven is about the quay.');
    expect(notPermalink.url).toBeNull();
    closeLibrary(db);
  });
});

describe('relative addresses', () => {
  it("in RSS and JSON Feed content are relative to the item's link, else the channel's link", async () => {
    const server = await startFeedServer();
    const body = '<p>See <a href="notes.html">the notes</a>. A long enough paragraph about the quay and the boats in it.</p><p><img src="pic.jpg" alt="The quay"></p>';
    const items = [
      `<item><title>With a link</title><guid isPermaLink="false">r-1</guid><link>${server.url('/blog/2024/quay.html')}</link><content:encoded><![CDATA[${body}]]></content:encoded></item>`,
      `<item><title>Without a link</title><guid isPermaLink="false">r-2</guid><content:encoded><![CDATA[${body.replace('quay and', 'slipway and')}]]></content:encoded></item>`,
    ].join('\n');
    server.route('/feeds/relative.rss', { type: 'application/rss+xml', body: rss(server, items) });
    server.route('/feeds/relative.json', {
      type: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Relative JSON',
        home_page_url: server.url('/home/'),
        items: [{ id: 'j-1', url: server.url('/diary/2024/04/beans'), title: 'JSON item', content_html: body.replace('quay and', 'beans and') }],
      }),
    });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/relative.rss'), { fullText: false, images: false });
    const [linked, unlinked] = articlesOf(db, feed.id) as [Row, Row];
    expect(linked.html).toContain(`href="${server.url('/blog/2024/notes.html')}"`);
    expect(figureSources(db, linked.id)).toEqual([server.url('/blog/2024/pic.jpg')]);
    expect(unlinked.html).toContain(`href="${server.url('/site/notes.html')}"`);
    expect(figureSources(db, unlinked.id)).toEqual([server.url('/site/pic.jpg')]);

    const { feed: json } = await addFeed(db, server.url('/feeds/relative.json'), { fullText: false, images: false });
    const [item] = articlesOf(db, json.id) as [Row];
    expect(item.html).toContain(`href="${server.url('/diary/2024/04/notes.html')}"`);
    expect(figureSources(db, item.id)).toEqual([server.url('/diary/2024/04/pic.jpg')]);
    closeLibrary(db);
  });
});

describe('long feeds', () => {
  it('read the newest 500 items of an oldest-first feed of 2,000', async () => {
    const server = await startFeedServer();
    const items = Array.from({ length: 2000 }, (_, i) => {
      const n = i + 1;
      const date = new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toUTCString();
      return `<item><title>Bulletin ${n}</title><guid isPermaLink="false">b-${n}</guid><pubDate>${date}</pubDate><description>Bulletin number ${n} of the harbour office.</description></item>`;
    }).join('\n');
    server.route('/feeds/archive.rss', { type: 'application/rss+xml', body: rss(server, items) });
    const db = library();
    const { feed, result } = await addFeed(db, server.url('/feeds/archive.rss'), { fullText: false, images: false });
    expect(result?.new).toBe(500);
    const list = listArticles(db, { sourceId: feed.id, limit: 1000 });
    expect(list).toHaveLength(500);
    expect(list[0]!.title).toBe('Bulletin 2000');
    expect(list.at(-1)!.title).toBe('Bulletin 1501');
    closeLibrary(db);
  });
});

describe('look-alike items', () => {
  it('stores items with the same title and text but their own guids and links as separate articles, and refreshes them for nothing', async () => {
    const server = await startFeedServer();
    for (const n of [1, 2, 3]) {
      const jpeg = await sharp({ create: { width: 200 + n, height: 100, channels: 3, background: { r: 60 * n, g: 20, b: 200 } } }).jpeg().toBuffer();
      server.route(`/comics/${n}.jpg`, { body: jpeg, type: 'image/jpeg', conditional: false });
      server.route(`/comic/${n}`, { body: `<!doctype html><html><head><title>New comic!</title></head><body><img src="/comics/${n}.jpg" alt=""></body></html>`, type: 'text/html' });
    }
    const items = [3, 2, 1]
      .map(
        (n) => `<item><title>New comic!</title><guid isPermaLink="false">comic-${n}</guid><link>${server.url(`/comic/${n}`)}</link>
<pubDate>${new Date(Date.UTC(2024, 3, n)).toUTCString()}</pubDate><description><![CDATA[<img src="/comics/${n}.jpg" alt="">]]></description></item>`,
      )
      .join('\n');
    server.route('/feeds/comic.rss', { type: 'application/rss+xml', body: rss(server, items), conditional: false });
    const db = library();
    const { feed, result } = await addFeed(db, server.url('/feeds/comic.rss'));
    expect(result).toMatchObject({ new: 3, unreadable: [] });
    const comics = articlesOf(db, feed.id);
    expect(comics.map((c) => [c.guid, c.url])).toEqual([3, 2, 1].map((n) => [`comic-${n}`, server.url(`/comic/${n}`)]));
    for (const c of comics) expect(c.html).toMatch(/<img src="bs-image:[0-9a-f]{64}"/);
    const requests = () => [1, 2, 3].map((n) => [server.hits.get(`/comic/${n}`), server.hits.get(`/comics/${n}.jpg`)]);
    const before = requests();

    const [again] = await refreshFeeds(db, { ids: [feed.id] });
    expect(again).toMatchObject({ status: 'fetched', new: 0, updated: 0, unchanged: 3 });
    expect(requests()).toEqual(before);
    expect(articlesOf(db, feed.id)).toHaveLength(3);

    // The same link in another feed is the same article: the library keeps one copy.
    const repost = `<item><title>New comic!</title><guid isPermaLink="false">repost-1</guid><link>${server.url('/comic/1')}</link><description><![CDATA[<img src="/comics/1.jpg" alt="">]]></description></item>`;
    server.route('/feeds/reposts.rss', { type: 'application/rss+xml', body: rss(server, repost).replace('Test feed', 'Reposts') });
    const other = await addFeed(db, server.url('/feeds/reposts.rss'));
    expect(other.result).toMatchObject({ new: 0, unchanged: 1 });
    expect(listArticles(db)).toHaveLength(3);
    closeLibrary(db);
  });
});

describe('languages', () => {
  it("store the item's declared language (RSS <language>, dc:language, Atom xml:lang), unless the text is in other letters", async () => {
    const server = await startFeedServer();
    const vietnamese = 'Chiều nay, Ủy ban nhân dân tỉnh Nghệ An đã tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm nay.';
    const french = 'Le conseil municipal a voté hier soir la réouverture de la ligne de tramway du port après dix ans de travaux.';
    const item = (guid: string, title: string, text: string, extra = '') =>
      `<item><title>${title}</title><guid isPermaLink="false">${guid}</guid>${extra}<description>${text} ${text}</description></item>`;
    server.route('/feeds/vi.rss', {
      type: 'application/rss+xml',
      body: rss(server, `<language>vi-VN</language>
${item('vi-1', 'Hội nghị', vietnamese)}
${item('vi-2', 'Le tramway', french, '<dc:language xmlns:dc="http://purl.org/dc/elements/1.1/">fr</dc:language>')}`),
    });
    server.route('/feeds/en.atom', {
      type: 'application/atom+xml',
      body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Atom</title><id>urn:a</id><updated>2024-04-12T09:00:00Z</updated>
<entry><id>urn:a:1</id><title>Harbour</title><updated>2024-04-12T09:00:00Z</updated><content type="text">The council voted last night to reopen the harbour tram line after a decade.</content></entry>
<entry xml:lang="fr"><id>urn:a:2</id><title>Le tramway</title><updated>2024-04-12T09:00:00Z</updated><content type="text">${french}</content></entry>
<entry><id>urn:a:3</id><title>Hội nghị</title><updated>2024-04-12T09:00:00Z</updated><content type="text">${vietnamese}</content></entry>
</feed>`,
    });
    const db = library();
    const langs = (sourceId: number) =>
      db.prepare<[number], { title: string; lang: string | null }>('SELECT title, lang FROM articles WHERE source_id = ? ORDER BY id').all(sourceId);
    const vi = await addFeed(db, server.url('/feeds/vi.rss'), { fullText: false, images: false });
    expect(langs(vi.feed.id)).toEqual([
      { title: 'Hội nghị', lang: 'vi-VN' },
      { title: 'Le tramway', lang: 'fr' },
    ]);
    const atom = await addFeed(db, server.url('/feeds/en.atom'), { fullText: false, images: false });
    expect(langs(atom.feed.id)).toEqual([
      { title: 'Harbour', lang: 'en' },
      { title: 'Le tramway', lang: 'fr' },
      { title: 'Hội nghị', lang: 'vi' }, // the feed says English, the letters say Vietnamese
    ]);
    closeLibrary(db);
  });
});
