import type { Database } from 'better-sqlite3';
import { getFeed, listFeeds, removeFeed } from '../../db/feeds.js';
import type { FeedView, LibraryApi } from '../../preload/api.js';

/**
 * The feed calls of the handler table (main/api/handlers.ts spreads these in). The modules that
 * fetch and parse (jsdom, feedsmith, sharp) are loaded on first use: the other calls never need
 * them. A refused address, an unreachable server or an unreadable feed rejects with its one-line
 * reason, made into the API's own error by `userError`.
 */

type FeedChannels = 'feeds' | 'addFeed' | 'refreshFeeds' | 'removeFeed' | 'importOpml' | 'exportOpml';
type FeedHandlers = { [K in FeedChannels]: (req: Parameters<LibraryApi[K]>[0]) => ReturnType<LibraryApi[K]> | Awaited<ReturnType<LibraryApi[K]>> };

export function createFeedHandlers(db: Database, userError: (message: string) => Error): FeedHandlers {
  const explain = async (err: unknown): Promise<never> => {
    const [{ FetchError }, { FeedError }] = await Promise.all([import('../net/fetch.js'), import('./xml.js')]);
    if (err instanceof FetchError || err instanceof FeedError) throw userError(err.message);
    throw err;
  };
  return {
    feeds() {
      return listFeedViews(db);
    },
    async addFeed({ url, folder, fullText }) {
      const { addFeed } = await import('./refresh.js');
      return addFeed(db, url, { folder: folder?.trim() || null, ...(fullText === undefined ? {} : { fullText }) }).catch(explain);
    },
    async refreshFeeds({ id, due }) {
      if (id !== undefined && !getFeed(db, id)) throw userError(`no feed with id ${id}`);
      const { refreshFeeds } = await import('./refresh.js');
      const results = await refreshFeeds(db, id !== undefined ? { ids: [id] } : { dueOnly: due === true });
      return { results };
    },
    removeFeed({ id }) {
      const removed = removeFeed(db, id);
      return removed ? { ok: true, ...removed } : { ok: false, deleted: 0, keptStarred: 0 };
    },
    async importOpml({ content }) {
      const { importOpml } = await import('./opml.js');
      try {
        return importOpml(db, content);
      } catch (err) {
        return explain(err);
      }
    },
    async exportOpml() {
      const { exportOpml } = await import('./opml.js');
      return { content: exportOpml(db) };
    },
  };
}

export function listFeedViews(db: Database): FeedView[] {
  return listFeeds(db).map((row) => ({
    id: row.id,
    title: row.title,
    url: row.url,
    siteUrl: row.siteUrl,
    folder: row.folder,
    fullText: row.fullText,
    lastFetchedAt: row.lastFetchedAt,
    lastError: row.lastError,
    failures: row.failures,
    nextAttemptAt: row.nextAttemptAt,
    refreshIntervalS: row.refreshIntervalS,
    total: row.total,
    unread: row.unread,
  }));
}
