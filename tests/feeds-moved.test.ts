import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFeeds } from '../db/feeds.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { addFeed, refreshFeeds } from '../main/feeds/refresh.js';
import { startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

/**
 * A feed that moves for good (301, 308) is followed: subscribed, and from then on fetched, at its
 * new address. One that moves for now (302, 307) keeps the address the user gave.
 */

function library(): Database {
  return openLibrary(path.join(tempDir(), 'library.sqlite'));
}

const urls = (db: Database) => listFeeds(db).map((f) => [f.title, f.url]);

describe('feeds that moved', () => {
  it('subscribes at the address a 308 points to, so subscribing there later is the same feed', async () => {
    const server = await startFeedServer();
    server.route('/old.xml', { redirect: '/new.xml', status: 308 });
    server.route('/new.xml', { file: 'harbour.rss', type: 'application/rss+xml' });
    const db = library();

    const added = await addFeed(db, server.url('/old.xml'), { fullText: false, images: false });
    expect(added.feed.url).toBe(server.url('/new.xml'));
    expect(added.result).toMatchObject({ url: server.url('/new.xml'), new: 5 });
    const again = await addFeed(db, server.url('/new.xml'));
    expect(again).toMatchObject({ alreadySubscribed: true, feed: { id: added.feed.id } });
    const old = await addFeed(db, server.url('/old.xml'));
    expect(old).toMatchObject({ alreadySubscribed: true, feed: { id: added.feed.id } });
    expect(urls(db)).toEqual([['The Harbour Gazette', server.url('/new.xml')]]);
    closeLibrary(db);
  });

  it('moves a subscription on a refresh that meets a 301, and keeps it on a 302', async () => {
    const server = await startFeedServer();
    const db = library();
    const opts = { fullText: false, images: false } as const;
    const harbour = (await addFeed(db, server.url('/feeds/harbour.rss'), opts)).feed;
    const quarry = (await addFeed(db, server.url('/feeds/quarry.atom'), opts)).feed;

    server.route('/feeds/harbour.rss', { redirect: server.url('/gazette/feed.rss'), status: 301 });
    server.route('/gazette/feed.rss', { file: 'harbour.rss', type: 'application/rss+xml' });
    server.route('/feeds/quarry.atom', { redirect: '/mirror/quarry.atom', status: 302 });
    server.route('/mirror/quarry.atom', { file: 'quarry.atom' });

    const results = await refreshFeeds(db, opts);
    // The moved feed answered 304 at its new address: still "moved".
    expect(results.map((r) => [r.id, r.status, r.url])).toEqual([
      [harbour.id, 'not-modified', server.url('/gazette/feed.rss')],
      [quarry.id, 'not-modified', server.url('/feeds/quarry.atom')],
    ]);
    expect(urls(db)).toEqual([
      ['The Harbour Gazette', server.url('/gazette/feed.rss')],
      ['The Quarry Journal', server.url('/feeds/quarry.atom')],
    ]);

    const before = server.hits.get('/feeds/harbour.rss');
    await refreshFeeds(db, opts);
    expect(server.hits.get('/feeds/harbour.rss')).toBe(before);
    expect(server.hits.get('/feeds/quarry.atom')).toBe(3);

    // Moved to an address another subscription already has: left where it is, without an error.
    server.route('/copy.rss', { file: 'harbour.rss', type: 'application/rss+xml' });
    const copy = (await addFeed(db, server.url('/copy.rss'), opts)).feed;
    server.route('/copy.rss', { redirect: '/gazette/feed.rss', status: 308 });
    const [moved] = await refreshFeeds(db, { ...opts, ids: [copy.id] });
    expect(moved).toMatchObject({ error: null, url: server.url('/copy.rss') });
    expect(listFeeds(db).map((f) => f.url)).toContain(server.url('/copy.rss'));
    closeLibrary(db);
  });
});
