import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFeeds } from '../db/feeds.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { addFeed } from '../main/feeds/refresh.js';
import { startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

/**
 * Subscribing by a web page's address: every feed the page names is tried in turn until one reads
 * as a feed, and a page that names none is searched for links to one.
 */

function library(): Database {
  return openLibrary(path.join(tempDir(), 'library.sqlite'));
}

function page(head: string, body = '<p>Latest from the quay.</p>'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Harbour Gazette</title>${head}</head><body>${body}</body></html>`;
}

describe('autodiscovery', () => {
  it("subscribes to a WordPress blog's RSS, not the REST API link that comes first", async () => {
    const server = await startFeedServer();
    server.route('/blog/', {
      type: 'text/html; charset=utf-8',
      body: page(`<link rel="https://api.w.org/" href="/wp-json/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/7">
<link rel="alternate" type="application/rss+xml" title="Harbour » Feed" href="/feeds/harbour.rss">
<link rel="alternate" type="application/rss+xml" title="Harbour » Comments Feed" href="/blog/comments/feed/">`),
    });
    const db = library();
    const { feed, result } = await addFeed(db, server.url('/blog/'), { fullText: false, images: false });
    expect(feed).toMatchObject({ title: 'The Harbour Gazette', url: server.url('/feeds/harbour.rss') });
    expect(result).toMatchObject({ status: 'fetched', new: 5 });
    expect(server.requests.map((r) => r.path)).not.toContain('/wp-json/wp/v2/pages/7');
    closeLibrary(db);
  });

  it('tries the next feed a page names when the first is gone, RSS and Atom before JSON', async () => {
    const server = await startFeedServer();
    server.route('/quarry/', {
      type: 'text/html',
      body: page(`<link rel="alternate" type="application/feed+json" href="/feeds/allotment.json">
<link rel="alternate" type="application/rss+xml" href="/feeds/gone.rss">
<link rel="alternate" type="application/atom+xml" href="/feeds/quarry.atom">`),
    });
    const db = library();
    const { feed } = await addFeed(db, server.url('/quarry/'), { fullText: false, images: false });
    expect(feed).toMatchObject({ title: 'The Quarry Journal', url: server.url('/feeds/quarry.atom') });
    expect(server.requests.map((r) => r.path)).toEqual(['/quarry/', '/feeds/gone.rss', '/feeds/quarry.atom']);

    // None of them readable: the first one's reason, and nothing subscribed.
    server.route('/dead/', {
      type: 'text/html',
      body: page(`<link rel="alternate" type="application/rss+xml" href="/feeds/gone.rss"><link rel="alternate" type="application/atom+xml" href="/nofeed.html">`),
    });
    await expect(addFeed(db, server.url('/dead/'))).rejects.toThrow(`${server.url('/feeds/gone.rss')}: the server answered 404 Not Found`);
    expect(listFeeds(db).map((f) => f.url)).toEqual([server.url('/feeds/quarry.atom')]);
    closeLibrary(db);
  });

  it('follows a link on the page that says RSS when the page names no feed in its head', async () => {
    const server = await startFeedServer();
    server.route('/about-rss', { type: 'text/html', body: page('', '<p>What RSS is and how to use it.</p>') });
    server.route('/fenland/', {
      type: 'text/html',
      body: page(
        '',
        `<p>Nature notes from the fen.</p>
<nav><a href="/feedback">Feedback</a> <a href="http://localhost:1/feed/">Their feed</a> <a href="/about-rss">What is RSS?</a>
<a href="/feeds/fenland.rdf"><img src="/icons/subscribe.png" alt="">Subscribe</a></nav>`,
      ),
    });
    const db = library();
    const { feed } = await addFeed(db, server.url('/fenland/'), { fullText: false, images: false });
    expect(feed).toMatchObject({ title: 'The Fenland Naturalist', url: server.url('/feeds/fenland.rdf') });
    // Not the feedback page; not another site's feed.
    expect(server.requests.map((r) => r.path)).toEqual(['/fenland/', '/about-rss', '/feeds/fenland.rdf']);
    closeLibrary(db);
  });
});
