import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getArticle, listArticles, setRead, setStarred } from '../db/articles.js';
import { backoffDelayMs, getFeed, listFeeds, removeFeed } from '../db/feeds.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { addFeed, refreshFeeds } from '../main/feeds/refresh.js';
import { deadPort } from './net-server.js';
import { fixture, IMAGE_PATHS, startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

function library(): { db: Database; file: string } {
  const file = path.join(tempDir(), 'library.sqlite');
  return { db: openLibrary(file), file };
}

interface Row {
  id: number;
  title: string;
  url: string | null;
  guid: string;
  author: string | null;
  published_at: number;
  html: string;
  text: string;
  lead: string;
  is_read: number;
  is_starred: number;
}

function articlesOf(db: Database, sourceId: number): Row[] {
  return db.prepare<[number], Row>('SELECT * FROM articles WHERE source_id = ? ORDER BY id').all(sourceId);
}

function figuresOf(db: Database, articleId: number) {
  return db
    .prepare<[number], { src: string; caption: string; image_hash: string | null }>(
      'SELECT src, caption, image_hash FROM figures WHERE article_id = ? ORDER BY position',
    )
    .all(articleId);
}

describe('subscribing', () => {
  it('subscribes to an RSS 2.0 feed by its address and stores every item, full text and pictures included', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const before = Date.now();
    const r = await addFeed(db, server.url('/feeds/harbour.rss'));
    expect(r.alreadySubscribed).toBe(false);
    expect(r.feed).toMatchObject({ title: 'The Harbour Gazette', url: server.url('/feeds/harbour.rss'), siteUrl: server.url('/harbour/'), lastError: null });
    expect(r.result).toMatchObject({ status: 'fetched', new: 5, updated: 0, unchanged: 0 });

    const rows = articlesOf(db, r.feed.id);
    expect(rows.map((a) => a.title)).toEqual([
      'Tide mill restoration reaches the final wheel',
      'Ferry timetable changes for the spring season',
      'Fish & chips stall wins county award',
      "Harbour master's notice: dredging in the outer channel",
      'Lifeboat crew rescues two kayakers off Gull Point',
    ]);
    const [mill, ferry, chips, dredging, rescue] = rows as [Row, Row, Row, Row, Row];

    // Content with a figure: caption kept, picture stored, relative link made absolute.
    expect(mill.guid).toBe('harbour-2024-0412');
    expect(mill.author).toBe('Marguerite Holloway');
    expect(mill.published_at).toBe(Date.UTC(2024, 3, 12, 12, 15));
    expect(mill.html).toContain('<figcaption>The rebuilt wheel, photographed at low water. Photo: Dan Achterberg</figcaption>');
    expect(mill.html).toContain(`href="${server.url('/harbour/tide-tables')}"`);
    expect(mill.html).toMatch(/<img src="bs-image:[0-9a-f]{64}"/);
    expect(mill.text).toContain('forty oak paddles');
    expect(mill.text).not.toContain('Dan Achterberg'); // captions are not body text
    expect(mill.lead).toBe('Volunteers fitted the last oak paddles to the undershot wheel on Thursday.');
    const millFigures = figuresOf(db, mill.id);
    expect(millFigures).toEqual([
      { src: server.url('/img/mill-wheel.jpg'), caption: 'The rebuilt wheel, photographed at low water. Photo: Dan Achterberg', image_hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);

    // Summary only: the linked page was fetched and its article (with its caption) stored.
    expect(server.hits.get('/articles/ferry-timetable.html')).toBe(1);
    expect(ferry.text).toContain('The Friday crossing leaves the harbour at 21:15');
    expect(ferry.text).toContain('Fares are unchanged for the season');
    expect(ferry.html).toContain('<figcaption>The Morwenna leaves the harbour slipway on the 07:30 crossing. Photo: Elin Rhys</figcaption>');
    expect(figuresOf(db, ferry.id)[0]).toMatchObject({ src: server.url('/img/ferry.jpg'), image_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(ferry.author).toBe('Tomasz Wiśniewski');
    expect(ferry.url).toBe(server.url('/articles/ferry-timetable.html'));

    // Markup in a title is text; the hostile bits of the body are gone; a relative picture path is
    // resolved against the item's own link, as its page would resolve it.
    expect(chips.author).toBe('Priya Raman');
    expect(chips.published_at).toBe(Date.UTC(2024, 3, 7, 10, 0));
    expect(chips.html).not.toMatch(/script|onclick|onerror|javascript:|owned|alert/);
    expect(chips.html).toContain('<figcaption>The queue on a Saturday lunchtime, which owners say now reaches the lifeboat slipway.</figcaption>');
    expect(figuresOf(db, chips.id).map((f) => f.src)).toEqual([server.url('/harbour/img/chip-stall.jpg')]);
    expect(server.hits.get('/pixel.gif')).toBeUndefined(); // a 1×1 tracking pixel is not a picture

    // No guid: the link identifies it. A date in the future is clamped to the fetch time.
    expect(dredging.guid).toBe(server.url('/harbour/notices/dredging'));
    expect(dredging.html).toMatch(/^<p>Dredging of the outer channel will take place[^<]*every morning\.<\/p>$/);
    expect(dredging.published_at).toBeGreaterThanOrEqual(before);
    expect(dredging.published_at).toBeLessThanOrEqual(Date.now());
    // An unreadable date becomes the fetch time.
    expect(rescue.published_at).toBeGreaterThanOrEqual(before);
    expect(rescue.published_at).toBeLessThanOrEqual(Date.now());
    closeLibrary(db);
  });

  it('subscribes by a web page address through <link rel="alternate">, relative to its <base>', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const r = await addFeed(db, server.url('/harbour/'));
    // The comments feed comes first in the page but is not the one chosen.
    expect(r.feed.url).toBe(server.url('/feeds/harbour.rss'));
    expect(r.feed.title).toBe('The Harbour Gazette');
    expect(r.result?.new).toBe(5);
    // Subscribing again, by page or by feed, finds the subscription and fetches nothing more.
    const hits = server.hits.get('/feeds/harbour.rss');
    const again = await addFeed(db, server.url('/feeds/harbour.rss'));
    expect(again).toMatchObject({ alreadySubscribed: true, result: null, feed: { id: r.feed.id } });
    expect(server.hits.get('/feeds/harbour.rss')).toBe(hits);
    expect(listFeeds(db)).toHaveLength(1);
    closeLibrary(db);
  });

  it('refuses a page that names no feed, and stores nothing', async () => {
    const server = await startFeedServer();
    const { db } = library();
    await expect(addFeed(db, server.url('/nofeed.html'))).rejects.toThrow(/no feed found \(the page names none with <link rel="alternate">\)/);
    await expect(addFeed(db, 'file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(addFeed(db, server.url('/missing.xml'))).rejects.toThrow(/answered 404/);
    expect(listFeeds(db)).toHaveLength(0);
    expect(listArticles(db)).toHaveLength(0);
    closeLibrary(db);
  });

  it('reads RSS 1.0 (RDF): rdf:about ids, dc dates and creators, a WordPress caption box', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const r = await addFeed(db, server.url('/feeds/fenland.rdf'));
    expect(r.feed.title).toBe('The Fenland Naturalist');
    const [cranes, eels] = articlesOf(db, r.feed.id) as [Row, Row];
    expect(cranes.guid).toBe(server.url('/fenland/2024/cranes-return'));
    expect(cranes.author).toBe('Oona Fairweather');
    expect(cranes.published_at).toBe(Date.UTC(2024, 2, 28, 6, 45));
    expect(cranes.html).toContain('<figcaption>A pair on the flooded grazing marsh at dawn. Photo: R. Basset</figcaption>');
    expect(figuresOf(db, cranes.id)[0]!.src).toBe(server.url('/fenland/2024/images/crane-pair.jpg'));
    expect(eels.published_at).toBe(Date.UTC(2024, 2, 20));
    expect(eels.text).toContain('brush-lined channel');
    closeLibrary(db);
  });

  it('reads Atom: xml:base at feed, entry and content level, html and xhtml content, text content escaped', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const r = await addFeed(db, server.url('/feeds/quarry.atom'));
    expect(r.feed.title).toBe('The Quarry Journal');
    expect(r.feed.siteUrl).toBe(server.url('/quarry/'));
    const [bridge, kilns, wages] = articlesOf(db, r.feed.id) as [Row, Row, Row];

    // feed base /quarry/ + entry base 2024/ → the entry link; + content base media/ → the picture.
    expect(bridge.url).toBe(server.url('/quarry/2024/stone-bridge.html'));
    expect(bridge.published_at).toBe(Date.UTC(2024, 2, 1, 8, 30));
    expect(figuresOf(db, bridge.id)[0]).toMatchObject({
      src: server.url('/quarry/2024/media/bridge.jpg'),
      caption: 'The arch seen from the stream bed in February. Photo: Ceri Blackwood',
      image_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(bridge.html).toContain(`href="${server.url('/quarry/2024/history/tramway.html')}"`);
    expect(bridge.lead).toBe('A dry-stone arch built by quarrymen in 1811 is now protected.');
    expect(bridge.author).toBe('Ceri Blackwood');

    // xhtml content: markup kept, entities right, relative picture against the feed's base.
    expect(kilns.title).toBe('Lime kilns & the smell of spring');
    expect(kilns.url).toBe(server.url('/quarry/lime-kilns.html'));
    expect(kilns.published_at).toBe(Date.UTC(2024, 1, 29, 17, 0));
    expect(kilns.html).toContain('<figcaption>The middle kiln, with its draw arch half buried by spoil.</figcaption>');
    expect(kilns.text).toContain('fresh stone & culm went in at the top');
    expect(kilns.text).toContain('the roofs are unsafe <and fenced off>.');
    expect(figuresOf(db, kilns.id)[0]!.src).toBe(server.url('/quarry/photos/kiln.jpg'));

    // type="text": shown as text, paragraphs kept, tags in it are words.
    expect(wages.html).toContain('<p>Volunteers have finished transcribing');
    expect(wages.text).toContain('Tags like <b> in this text are not markup');
    expect(wages.html).toContain('Tags like &lt;b&gt; in this text');
    expect(wages.url).toBe(server.url('/quarry/wage-books'));
    closeLibrary(db);
  });

  it('reads JSON Feed 1.1 and 1.0: content_html, content_text, the item image, relative urls, numeric ids', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const a = await addFeed(db, server.url('/feeds/allotment.json'));
    expect(a.feed.title).toBe('Allotment Diary');
    const [beans, compost] = articlesOf(db, a.feed.id) as [Row, Row];
    expect(beans.url).toBe(server.url('/allotment/2024/04/broad-beans'));
    expect(beans.author).toBe('Winifred Osei');
    expect(beans.published_at).toBe(Date.UTC(2024, 3, 2, 18, 5));
    expect(figuresOf(db, beans.id).map((f) => [f.src, f.caption])).toEqual([
      [server.url('/img/beans.jpg'), ''],
      [server.url('/img/netting.jpg'), 'Netting over the rows: the pigeons have already tested it twice.'],
    ]);
    expect(compost.published_at).toBe(Date.UTC(2024, 2, 24, 16, 30));
    expect(compost.html).toContain('<p>Spent the afternoon turning the compost bays');
    expect(compost.html.match(/<p>/g)).toHaveLength(2);

    const m = await addFeed(db, server.url('/feeds/moorland.json'));
    const [weather] = articlesOf(db, m.feed.id) as [Row];
    expect(weather.guid).toBe('20240315');
    expect(weather.author).toBe('Station volunteers');
    expect(weather.lead).toBe('The winter total was 1,042 mm, beating the record set in 2014.');
    closeLibrary(db);
  });
});

describe('refreshing', () => {
  it('asks again with a conditional GET and does nothing on 304', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
    expect(getFeed(db, feed.id)!.etag).toMatch(/^"[0-9a-f]{16}"$/);
    const pageHits = server.hits.get('/articles/ferry-timetable.html');

    const [first] = await refreshFeeds(db, { ids: [feed.id] });
    expect(first).toMatchObject({ status: 'not-modified', new: 0, updated: 0, unchanged: 0, error: null });
    expect(server.notModified.get('/feeds/harbour.rss')).toBe(1);
    const [second] = await refreshFeeds(db, {});
    expect(second!.status).toBe('not-modified');
    expect(server.notModified.get('/feeds/harbour.rss')).toBe(2);
    expect(server.hits.get('/articles/ferry-timetable.html')).toBe(pageHits);
    expect(articlesOf(db, feed.id)).toHaveLength(5);
    closeLibrary(db);
  });

  it('without validators, compares items: unchanged ones cost no page fetch', async () => {
    const server = await startFeedServer();
    server.route('/feeds/harbour.rss', { file: 'harbour.rss', conditional: false });
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
    const [r] = await refreshFeeds(db, { ids: [feed.id] });
    expect(r).toMatchObject({ status: 'fetched', new: 0, updated: 0, unchanged: 5 });
    expect(server.hits.get('/articles/ferry-timetable.html')).toBe(1);
    closeLibrary(db);
  });

  it('counts and names an item it cannot read, stores the others, and tries that item again next time', async () => {
    const server = await startFeedServer();
    const deep = `${'<div>'.repeat(600)}Too deep to read.${'</div>'.repeat(600)}`;
    const rss = (extra: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Quay notes</title><link>${server.url('/')}</link><description>notes</description>
<item><title>Nested far too deep</title><guid isPermaLink="false">deep-1</guid><description><![CDATA[${deep}]]></description></item>
<item><title>Railings repainted</title><guid isPermaLink="false">ok-1</guid><description>${'The railings on the quay were repainted this week. '.repeat(15)}</description></item>${extra}
</channel></rss>`;
    server.route('/feeds/quay.rss', { body: rss(''), type: 'application/rss+xml', conditional: false });
    const { db } = library();
    const added = await addFeed(db, server.url('/feeds/quay.rss'), { fullText: false, images: false });
    const unreadable = [{ title: 'Nested far too deep', reason: 'nested too deeply (more than 512 levels of elements)' }];
    expect(added.result).toMatchObject({ status: 'fetched', new: 1, unchanged: 0, unreadable });
    expect(articlesOf(db, added.feed.id).map((a) => a.title)).toEqual(['Railings repainted']);

    const [again] = await refreshFeeds(db, { ids: [added.feed.id], images: false });
    expect(again).toMatchObject({ status: 'fetched', new: 0, unchanged: 1, unreadable });
    expect(articlesOf(db, added.feed.id)).toHaveLength(1);
    closeLibrary(db);
  });

  it('updates a changed item in place, keeping it read and starred', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
    const mill = articlesOf(db, feed.id)[0]!;
    setRead(db, mill.id, true);
    setStarred(db, mill.id, true);

    server.route('/feeds/harbour.rss', { file: 'harbour-updated.rss' });
    const [r] = await refreshFeeds(db, { ids: [feed.id] });
    expect(r).toMatchObject({ status: 'fetched', new: 0, updated: 1, unchanged: 4 });
    const after = getArticle(db, mill.id)!;
    expect(after.title).toBe('Tide mill turns again after five years');
    expect(after.text).toContain('bringing to an end a restoration');
    expect(after).toMatchObject({ isRead: true, isStarred: true });
    expect(after.figures[0]!.caption).toBe('The rebuilt wheel, photographed at low water. Photo: Dan Achterberg');
    expect(articlesOf(db, feed.id)).toHaveLength(5);
    // And the search index follows the new title.
    const hit = db.prepare("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'title:\"five years\"'").pluck().all();
    expect(hit).toEqual([mill.id]);
    closeLibrary(db);
  });

  it('keeps the summary when the linked page cannot be fetched', async () => {
    const server = await startFeedServer();
    server.route('/articles/ferry-timetable.html', { body: 'gone', status: 500, type: 'text/plain' });
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
    const ferry = articlesOf(db, feed.id).find((a) => a.guid === 'harbour-2024-0409')!;
    expect(ferry.text).toBe('The island ferry moves to its spring timetable on Monday, with an extra evening crossing on Fridays.');
    expect(getFeed(db, feed.id)!.lastError).toBeNull();
    closeLibrary(db);
  });

  it('does not fetch linked pages when the feed has full text turned off', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'), { fullText: false });
    expect(feed.fullText).toBe(false);
    expect(server.hits.get('/articles/ferry-timetable.html')).toBeUndefined();
    closeLibrary(db);
  });

  it('stores a dead server as the feed error, backs off, and clears the error when it answers again', async () => {
    const port = await deadPort();
    const { db } = library();
    const server = await startFeedServer();
    const { feed } = await addFeed(db, server.url('/feeds/fenland.rdf'));
    // The feed moves to a server that is gone.
    db.prepare('UPDATE sources SET url = ? WHERE id = ?').run(`http://127.0.0.1:${port}/feed.xml`, feed.id);

    const t0 = Date.UTC(2024, 3, 12, 10, 0);
    const [r1] = await refreshFeeds(db, { ids: [feed.id], now: () => t0 });
    expect(r1!.status).toBe('failed');
    expect(r1!.error).toBe(`http://127.0.0.1:${port}/feed.xml: connection refused (is the server running?)`);
    let stored = getFeed(db, feed.id)!;
    expect(stored).toMatchObject({ lastError: r1!.error, failures: 1, nextAttemptAt: t0 + 60 * 60_000 });

    // Not due yet: a due-only refresh skips it without a request.
    const [skipped] = await refreshFeeds(db, { dueOnly: true, now: () => t0 + 30 * 60_000 });
    expect(skipped).toMatchObject({ status: 'skipped', nextAttemptAt: t0 + 60 * 60_000 });

    // Due again, fails again: the wait doubles.
    const t1 = t0 + 61 * 60_000;
    const [r2] = await refreshFeeds(db, { dueOnly: true, now: () => t1 });
    expect(r2!.status).toBe('failed');
    stored = getFeed(db, feed.id)!;
    expect(stored).toMatchObject({ failures: 2, nextAttemptAt: t1 + 2 * 60 * 60_000 });
    expect(backoffDelayMs(3600, 3)).toBe(4 * 3600_000);
    expect(backoffDelayMs(3600, 10)).toBe(24 * 3600_000);
    expect(backoffDelayMs(3 * 24 * 3600, 4)).toBe(3 * 24 * 3600_000);
    // The articles stored before are all still there.
    expect(articlesOf(db, feed.id)).toHaveLength(2);

    // Back on the live server: the error is cleared and the backoff reset.
    db.prepare('UPDATE sources SET url = ? WHERE id = ?').run(server.url('/feeds/fenland.rdf'), feed.id);
    const [r3] = await refreshFeeds(db, { ids: [feed.id] });
    expect(r3!.status === 'not-modified' || r3!.status === 'fetched').toBe(true);
    expect(getFeed(db, feed.id)).toMatchObject({ lastError: null, failures: 0 });
    closeLibrary(db);
  });

  it('fetches at most 4 feeds at a time, however many there are (200 feeds)', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const body = fixture('moorland.json').toString('utf8');
    const insert = db.prepare(`INSERT INTO sources (kind, name, url, created_at) VALUES ('feed', ?, ?, 0)`);
    for (let i = 0; i < 200; i++) {
      // Each feed its own items (ids and addresses), so that nothing is a duplicate of another.
      server.route(`/many/${i}.json`, {
        body: body.replace('"id": 20240315', `"id": "many-${i}"`).replaceAll('wettest-winter', `wettest-winter-${i}`).replace('Wettest winter', `Wettest winter #${i}`),
        type: 'application/feed+json',
        delayMs: 5,
      });
      insert.run(`Feed ${i}`, server.url(`/many/${i}.json`));
    }
    const seen: number[] = [];
    const results = await refreshFeeds(db, { onResult: (r) => seen.push(r.id) });
    expect(results).toHaveLength(200);
    expect(seen).toHaveLength(200);
    expect(results.filter((r) => r.status !== 'fetched' || r.new !== 1)).toEqual([]);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2); // and they do run in parallel
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(200);
    closeLibrary(db);
  });

  it('removes a feed: starred articles stay (under the feed\'s name), the rest go', async () => {
    const server = await startFeedServer();
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/feeds/harbour.rss'));
    const [mill] = articlesOf(db, feed.id);
    setStarred(db, mill!.id, true);
    expect(removeFeed(db, feed.id)).toEqual({ deleted: 4, keptStarred: 1 });
    expect(getFeed(db, feed.id)).toBeNull();
    const kept = getArticle(db, mill!.id)!;
    expect(kept.isStarred).toBe(true);
    expect(kept.figures).toHaveLength(1);
    const source = db.prepare<[number], { kind: string; name: string }>('SELECT kind, name FROM sources WHERE id = ?').get(kept.sourceId!);
    expect(source).toEqual({ kind: 'site', name: 'The Harbour Gazette' });
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(1);
    expect(removeFeed(db, feed.id)).toBeNull();
    closeLibrary(db);
  });
});

describe('offline', () => {
  it('reads every stored article, picture and caption back after the server is gone', async () => {
    const server = await startFeedServer();
    const { db, file } = library();
    for (const p of ['/feeds/harbour.rss', '/feeds/fenland.rdf', '/feeds/quarry.atom', '/feeds/allotment.json', '/feeds/moorland.json']) {
      await addFeed(db, server.url(p));
    }
    closeLibrary(db);
    await server.close();

    const offline = openLibrary(file);
    const ids = offline.prepare<[], number>('SELECT id FROM articles ORDER BY id').pluck().all();
    expect(ids).toHaveLength(13);
    let pictures = 0;
    for (const id of ids) {
      const a = getArticle(offline, id)!;
      expect(a.title).not.toBe('');
      expect(a.text.length).toBeGreaterThan(100);
      // Nothing in the stored HTML points at the network for a picture.
      expect(a.html).not.toMatch(/<img[^>]+src="http/);
      for (const f of a.figures) {
        if (!f.imageHash) continue;
        pictures++;
        expect(a.html).toContain(`bs-image:${f.imageHash}`);
        const blob = offline.prepare<[string], { size: number; mime: string }>('SELECT size, mime FROM images WHERE hash = ?').get(f.imageHash);
        expect(blob).toMatchObject({ mime: 'image/jpeg' });
        if (f.caption) expect(a.html).toContain(`<figcaption>${f.caption.replaceAll('&', '&amp;')}</figcaption>`);
      }
    }
    expect(pictures).toBe(IMAGE_PATHS.length);
    closeLibrary(offline);
  });
});
