import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary } from '../db/library.js';
import { createDispatcher } from '../main/api/handlers.js';
import type { AddFeedResult, FeedRefreshResult, FeedView, OpmlImportResult } from '../preload/api.js';
import { fixture, startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

describe('feed calls through the API', () => {
  it('subscribes, lists, refreshes, exports, imports and removes', async () => {
    const server = await startFeedServer();
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const call = createDispatcher(db);

    expect(await call('feeds', {})).toEqual([]);
    const added = (await call('addFeed', { url: server.url('/feeds/fenland.rdf'), folder: 'Nature' })) as AddFeedResult;
    expect(added).toMatchObject({ alreadySubscribed: false, feed: { title: 'The Fenland Naturalist', folder: 'Nature', unread: 2, total: 2, fullText: true }, result: { status: 'fetched', new: 2 } });

    const feeds = (await call('feeds', {})) as FeedView[];
    expect(feeds).toHaveLength(1);
    expect(Object.keys(feeds[0]!).sort()).toEqual(
      ['id', 'title', 'url', 'siteUrl', 'folder', 'fullText', 'lastFetchedAt', 'lastError', 'failures', 'nextAttemptAt', 'refreshIntervalS', 'total', 'unread'].sort(),
    );

    const one = (await call('refreshFeeds', { id: added.feed.id })) as { results: FeedRefreshResult[] };
    expect(one.results).toEqual([expect.objectContaining({ id: added.feed.id, status: 'not-modified' })]);
    const due = (await call('refreshFeeds', { due: true })) as { results: FeedRefreshResult[] };
    expect(due.results[0]!.status).toBe('skipped');

    const { content } = (await call('exportOpml', {})) as { content: string };
    expect(content).toContain(`xmlUrl="${server.url('/feeds/fenland.rdf')}"`);

    const opml = fixture('subscriptions.opml').toString('utf8').replaceAll('{{ORIGIN}}', server.origin);
    const imported = (await call('importOpml', { content: opml })) as OpmlImportResult;
    expect(imported).toMatchObject({ added: 4, existing: 1, failed: 1 });

    expect(await call('removeFeed', { id: added.feed.id })).toEqual({ ok: true, deleted: 2, keptStarred: 0 });
    expect(await call('removeFeed', { id: added.feed.id })).toEqual({ ok: false, deleted: 0, keptStarred: 0 });
    expect((await call('feeds', {})) as FeedView[]).toHaveLength(4);
    closeLibrary(db);
  });

  it('answers failures with a sentence, and refuses malformed requests', async () => {
    const server = await startFeedServer();
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const call = createDispatcher(db);
    await expect(call('addFeed', { url: server.url('/nofeed.html') })).rejects.toThrow(
      `${server.url('/nofeed.html')}: no feed found (the page names none with <link rel="alternate">)`,
    );
    await expect(call('addFeed', { url: 'javascript:alert(1)' })).rejects.toThrow(/^javascript:alert\(1\): only http and https/);
    await expect(call('refreshFeeds', { id: 99 })).rejects.toThrow('no feed with id 99');
    await expect(call('importOpml', { content: '<!DOCTYPE x [<!ENTITY a "b">]><opml/>' })).rejects.toThrow(
      'the OPML file declares XML entities, which Broadsheet does not expand',
    );
    for (const [channel, payload] of [
      ['addFeed', {}],
      ['addFeed', { url: 42 }],
      ['addFeed', { url: 'http://x.invalid/', extra: true }],
      ['refreshFeeds', { id: -1 }],
      ['refreshFeeds', { id: 'all' }],
      ['removeFeed', {}],
      ['importOpml', { content: '' }],
      ['feeds', { all: true }],
      ['exportOpml', { file: '/etc/passwd' }],
    ] as const) {
      await expect(call(channel, payload), `${channel} ${JSON.stringify(payload)}`).rejects.toThrow(/^invalid request for \w+/);
    }
    closeLibrary(db);
  });
});
