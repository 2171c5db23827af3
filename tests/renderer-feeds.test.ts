import { describe, expect, it } from 'vitest';
import type { FeedRefreshResult, FeedView, OpmlImportResult, SavePageResult } from '../preload/api.js';
import { groupByFolder, normaliseAddress, refreshingLine, summarizeOpml, summarizeRefresh, summarizeSavedPage } from '../renderer/feeds.js';

const feed = (id: number, title: string, folder: string | null): FeedView => ({
  id,
  title,
  url: `http://example.com/${id}.xml`,
  siteUrl: null,
  folder,
  fullText: true,
  lastFetchedAt: null,
  lastError: null,
  failures: 0,
  nextAttemptAt: null,
  refreshIntervalS: 3600,
  total: 0,
  unread: 0,
});

const result = (over: Partial<FeedRefreshResult>): FeedRefreshResult => ({
  id: 1,
  title: 'Harbour',
  url: 'http://example.com/h.xml',
  status: 'fetched',
  new: 0,
  updated: 0,
  unchanged: 0,
  unreadable: [],
  error: null,
  nextAttemptAt: null,
  ...over,
});

describe('the feeds section helpers', () => {
  it('groups feeds by folder, the ones in no folder first, keeping the library’s order', () => {
    const groups = groupByFolder([feed(1, 'A', 'History'), feed(2, 'B', 'Local'), feed(3, 'C', 'Local'), feed(4, 'D', null)]);
    expect(groups.map((g) => [g.folder, g.feeds.map((f) => f.title)])).toEqual([
      [null, ['D']],
      ['History', ['A']],
      ['Local', ['B', 'C']],
    ]);
    expect(groupByFolder([])).toEqual([]);
  });

  it('says what a refresh did in one line', () => {
    expect(refreshingLine(12)).toBe('Refreshing 12 feeds…');
    expect(refreshingLine(1)).toBe('Refreshing 1 feed…');
    expect(summarizeRefresh([result({ new: 2 }), result({ new: 1, updated: 1 }), result({ status: 'not-modified' })])).toBe('3 new articles, 1 updated');
    expect(summarizeRefresh([result({ status: 'skipped' })])).toBe('No new articles');
    const deep = { title: 'Nested far too deep', reason: 'nested too deeply (more than 512 levels of elements)' };
    expect(summarizeRefresh([result({ new: 1, unreadable: [deep] })])).toBe(
      '1 new article, 1 item could not be read (“Nested far too deep”: nested too deeply (more than 512 levels of elements))',
    );
    expect(summarizeRefresh([result({ unreadable: [deep] }), result({ unreadable: [deep] })])).toBe('No new articles, 2 items could not be read');
    expect(summarizeRefresh([result({ new: 1 }), result({ status: 'failed', error: 'http://example.com/h.xml: connection refused' })])).toBe(
      '1 new article, 1 feed failed (Harbour: connection refused)',
    );
    expect(summarizeRefresh([result({ status: 'failed', error: 'x' }), result({ status: 'failed', error: 'y' })])).toBe('No new articles, 2 feeds failed');
  });

  it('says what an OPML import did, with the first failure', () => {
    const r: OpmlImportResult = {
      added: 2,
      existing: 1,
      failed: 2,
      items: [
        { url: 'javascript:alert(1)', title: 'Bad', folder: null, status: 'failed', reason: 'not a web address' },
        { url: 'ftp://x', title: '', folder: null, status: 'failed', reason: 'only http and https' },
      ],
    };
    expect(summarizeOpml(r)).toBe('2 feeds added, 1 already subscribed, 2 failed (Bad: not a web address, and 1 more). Refresh all to fetch their articles.');
    expect(summarizeOpml({ added: 0, existing: 3, failed: 0, items: [] })).toBe('0 feeds added, 3 already subscribed');
  });

  it('says what saving a page did, with the pictures that could not be saved', () => {
    const saved: SavePageResult = { status: 'imported', id: 1, title: 'Ferry', url: 'http://x/', images: 1, imageFailures: ['a: 404', 'b: 404'] };
    expect(summarizeSavedPage(saved)).toBe('Saved “Ferry”. 2 pictures could not be saved.');
    expect(summarizeSavedPage({ ...saved, imageFailures: ['a: 404'] })).toBe('Saved “Ferry”. 1 picture could not be saved.');
    expect(summarizeSavedPage({ ...saved, status: 'duplicate', imageFailures: [] })).toBe('“Ferry” was already in the library.');
  });

  it('reads a typed address without a scheme as https', () => {
    expect(normaliseAddress(' example.com/feed ')).toBe('https://example.com/feed');
    expect(normaliseAddress('http://127.0.0.1:8080/feed.xml')).toBe('http://127.0.0.1:8080/feed.xml');
    expect(normaliseAddress('javascript:alert(1)')).toBe('javascript:alert(1)'); // left for the library to refuse
    expect(normaliseAddress('')).toBe('');
  });
});
