import type { Database } from 'better-sqlite3';
import {
  getArticle,
  listArticles,
  setRead,
  setStarred,
  markAllRead,
  setReadMany,
  deleteArticles,
  sidebarCounts,
} from '../../db/articles.js';
import { describeSqliteError, sqliteCode } from '../../db/errors.js';
import { search } from '../../db/search.js';
import { relatedArticles } from '../../db/related.js';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../../db/saved-searches.js';
import { readSettings, writeSettings } from '../../db/settings.js';
import {
  DEFAULT_SETTINGS,
  LIBRARY_CHANNELS,
  type ArticleView,
  type LibraryApi,
  type Settings,
} from '../../preload/api.js';
import { parseBytesBounded } from '../ingest/parse-pool.js';
import { saveParsed } from '../ingest/import.js';
import { IngestError } from '../ingest/types.js';
import { createFeedHandlers } from '../feeds/api.js';
import { addSampleArticle } from '../sample/sample.js';
import { REQUEST_SCHEMAS } from './schemas.js';

/** An error whose message is meant for the person using the app. */
export class ApiError extends Error {
  override name = 'ApiError';
}

type Handlers = { [K in keyof LibraryApi]: (req: Parameters<LibraryApi[K]>[0]) => Awaited<ReturnType<LibraryApi[K]>> | ReturnType<LibraryApi[K]> };

/**
 * The one handler table. Electron IPC (through the library worker), the web host and the
 * command line all call these; a feature is written once.
 */
export function createHandlers(db: Database): Handlers {
  return {
    listArticles(req) {
      const limit = req.limit ?? 100;
      const rows = listArticles(db, { ...req, limit });
      const last = rows[rows.length - 1];
      return { rows, next: rows.length === limit && last ? { sortAt: last.sortAt, id: last.id } : null };
    },
    getArticle({ id }) {
      const a = getArticle(db, id);
      if (!a) return null;
      const view: ArticleView = {
        id: a.id,
        title: a.title,
        source: a.source,
        author: a.author,
        attribution: a.attribution,
        url: a.url,
        publishedAt: a.publishedAt,
        savedAt: a.savedAt,
        lead: a.lead,
        html: a.html,
        wordCount: a.wordCount,
        isRead: a.isRead,
        isStarred: a.isStarred,
        lang: a.lang,
        figures: a.figures.map((f) => ({
          position: f.position,
          src: f.src,
          alt: f.alt,
          caption: f.caption,
          image: f.imageHash,
          width: f.width,
          height: f.height,
        })),
      };
      return view;
    },
    setRead({ id, read }) {
      return { ok: setRead(db, id, read) };
    },
    setStarred({ id, starred }) {
      return { ok: setStarred(db, id, starred) };
    },
    markAllRead({ filter, sourceId }) {
      return { ids: markAllRead(db, { ...(filter ? { filter } : {}), ...(sourceId !== undefined ? { sourceId } : {}) }) };
    },
    setReadMany({ ids, read }) {
      return { changed: setReadMany(db, ids, read) };
    },
    deleteArticles({ ids }) {
      return { deleted: deleteArticles(db, ids) };
    },
    sidebar() {
      return sidebarCounts(db);
    },
    search({ query, limit, after }) {
      return search(db, query, { limit: limit ?? 50, ...(after ? { after } : {}) });
    },
    related({ id, limit }) {
      return relatedArticles(db, id, limit ?? 5);
    },
    savedSearches() {
      return listSavedSearches(db);
    },
    saveSearch({ query, name }) {
      return saveSearch(db, query, name);
    },
    deleteSavedSearch({ id }) {
      return { ok: deleteSavedSearch(db, id) };
    },
    async importFiles({ files }) {
      const parsed = await Promise.all(
        files.map((f) =>
          parseBytesBounded(f.name, f.data !== undefined ? Buffer.from(f.data, 'base64') : new TextEncoder().encode(f.content ?? '')).then(
            (article) => ({ file: f.name, article }),
            (err: Error) => ({ file: f.name, error: err.message }),
          ),
        ),
      );
      const items = saveParsed(db, parsed, { origin: (name) => `upload:${name}` }).map((i) => {
        const { path: name, ...rest } = i;
        return { name, ...rest };
      });
      return {
        imported: items.filter((i) => i.status === 'imported').length,
        duplicates: items.filter((i) => i.status === 'duplicate').length,
        failed: items.filter((i) => i.status === 'failed').length,
        items,
      };
    },
    async savePage({ url }) {
      // Loaded on first use: fetching pulls in sharp and file-type, which the other calls never need.
      const [{ savePage }, { FetchError }] = await Promise.all([import('../ingest/save-page.js'), import('../net/fetch.js')]);
      try {
        return await savePage(db, url);
      } catch (err) {
        // "address: reason" is already a sentence for the person who asked.
        if (err instanceof FetchError || err instanceof IngestError) throw new ApiError(err.message);
        throw err;
      }
    },
    ...createFeedHandlers(db, (message) => new ApiError(message)),
    addSample() {
      return { id: addSampleArticle(db) };
    },
    getSettings() {
      return currentSettings(db);
    },
    setSettings(req) {
      writeSettings(db, req);
      return currentSettings(db);
    },
  };
}

function currentSettings(db: Database): Settings {
  const stored = readSettings(db);
  const parsed = REQUEST_SCHEMAS.setSettings.safeParse(stored);
  return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}

export type Dispatch = (channel: string, payload: unknown) => Promise<unknown>;

/**
 * Validates and runs one call. Unknown channels and malformed payloads are refused with a
 * sentence, never a stack trace; a handler's unexpected failure becomes a short message too.
 */
export function createDispatcher(db: Database): Dispatch {
  const handlers = createHandlers(db);
  const known = new Set<string>(LIBRARY_CHANNELS);
  return async (channel, payload) => {
    if (typeof channel !== 'string' || !known.has(channel)) throw new ApiError(`unknown call "${String(channel).slice(0, 64)}"`);
    const schema = REQUEST_SCHEMAS[channel as keyof typeof REQUEST_SCHEMAS];
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
      throw new ApiError(`invalid request for ${channel}${where}: ${issue?.message ?? 'malformed'}`);
    }
    const handler = handlers[channel as keyof Handlers] as (req: unknown) => unknown;
    try {
      return await handler(parsed.data);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // The page shows this after "Could not …": SQLite's reasons in plain words, not its own.
      throw new ApiError(sqliteCode(err) ? describeSqliteError(err) : `${channel} failed: ${(err as Error).message}`);
    }
  };
}
