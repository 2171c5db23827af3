import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { contentHash, countWords, deleteArticles, insertArticleRow, insertFigures, joinCaptions, type ArticleInput } from './articles.js';

/**
 * Feed subscriptions (sources of kind 'feed') and their items.
 *
 * Items are articles with a guid: one per (feed, guid). A refresh stores a new guid as a new
 * article and rewrites an existing one in place when the item changed, so read and starred
 * survive an edited headline. `feed_item_hash` remembers what the item looked like in the feed,
 * which is how an unchanged item is recognised without re-extracting it.
 */

export const DEFAULT_REFRESH_INTERVAL_S = 60 * 60;
/** The backoff never waits longer than this (or the feed's own interval, when that is longer). */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

export interface FeedRecord {
  id: number;
  title: string;
  url: string;
  siteUrl: string | null;
  folder: string | null;
  etag: string | null;
  lastModified: string | null;
  refreshIntervalS: number;
  lastFetchedAt: number | null;
  lastError: string | null;
  failures: number;
  nextAttemptAt: number | null;
  fullText: boolean;
  createdAt: number;
}

export interface FeedListRow extends FeedRecord {
  total: number;
  unread: number;
}

interface SourceRow {
  id: number;
  name: string;
  url: string;
  site_url: string | null;
  folder: string | null;
  etag: string | null;
  last_modified: string | null;
  refresh_interval_s: number | null;
  last_fetched_at: number | null;
  last_error: string | null;
  failures: number;
  next_attempt_at: number | null;
  full_text: number;
  created_at: number;
}

const COLUMNS = `s.id, s.name, s.url, s.site_url, s.folder, s.etag, s.last_modified, s.refresh_interval_s,
  s.last_fetched_at, s.last_error, s.failures, s.next_attempt_at, s.full_text, s.created_at`;

function toRecord(r: SourceRow): FeedRecord {
  return {
    id: r.id,
    title: r.name,
    url: r.url,
    siteUrl: r.site_url,
    folder: r.folder,
    etag: r.etag,
    lastModified: r.last_modified,
    refreshIntervalS: r.refresh_interval_s ?? DEFAULT_REFRESH_INTERVAL_S,
    lastFetchedAt: r.last_fetched_at,
    lastError: r.last_error,
    failures: r.failures,
    nextAttemptAt: r.next_attempt_at,
    fullText: r.full_text === 1,
    createdAt: r.created_at,
  };
}

/** Every feed, by folder (unfiled ones last) then title, with its article and unread counts (from indexes). */
export function listFeeds(db: Database): FeedListRow[] {
  return db
    .prepare<[], SourceRow & { total: number; unread: number }>(
      `SELECT ${COLUMNS},
              (SELECT count(*) FROM articles a INDEXED BY articles_by_source WHERE a.source_id = s.id) AS total,
              (SELECT count(*) FROM articles a INDEXED BY articles_source_unread WHERE a.source_id = s.id AND a.is_read = 0) AS unread
       FROM sources s WHERE s.kind = 'feed'
       ORDER BY s.folder IS NULL, s.folder COLLATE NOCASE, s.name COLLATE NOCASE, s.id`,
    )
    .all()
    .map((r) => ({ ...toRecord(r), total: r.total, unread: r.unread }));
}

export function getFeed(db: Database, id: number): FeedRecord | null {
  const row = db.prepare<[number], SourceRow>(`SELECT ${COLUMNS} FROM sources s WHERE s.kind = 'feed' AND s.id = ?`).get(id);
  return row ? toRecord(row) : null;
}

export function findFeedByUrl(db: Database, url: string): FeedRecord | null {
  const row = db.prepare<[string], SourceRow>(`SELECT ${COLUMNS} FROM sources s WHERE s.kind = 'feed' AND s.url = ?`).get(url);
  return row ? toRecord(row) : null;
}

export interface NewFeed {
  url: string;
  title: string;
  siteUrl?: string | null;
  folder?: string | null;
  fullText?: boolean;
  refreshIntervalS?: number | null;
  etag?: string | null;
  lastModified?: string | null;
}

/** Adds a subscription (not yet fetched: due at once). Returns its id. */
export function insertFeed(db: Database, feed: NewFeed, now = Date.now()): number {
  const info = db
    .prepare(
      `INSERT INTO sources (kind, name, url, site_url, folder, etag, last_modified, refresh_interval_s, full_text, created_at)
       VALUES ('feed', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      feed.title,
      feed.url,
      feed.siteUrl ?? null,
      feed.folder ?? null,
      feed.etag ?? null,
      feed.lastModified ?? null,
      feed.refreshIntervalS ?? null,
      feed.fullText === false ? 0 : 1,
      now,
    );
  return Number(info.lastInsertRowid);
}

/**
 * The feed's address after a permanent redirect. Left as it is when another subscription already
 * has the new address (two subscriptions to one feed: the user chooses which to remove).
 */
export function moveFeed(db: Database, id: number, url: string): boolean {
  return (
    db
      .prepare(
        `UPDATE sources SET url = @url WHERE kind = 'feed' AND id = @id
           AND NOT EXISTS (SELECT 1 FROM sources WHERE kind = 'feed' AND url = @url AND id <> @id)`,
      )
      .run({ id, url }).changes === 1
  );
}

export function setFeedFullText(db: Database, id: number, on: boolean): boolean {
  return db.prepare(`UPDATE sources SET full_text = ? WHERE kind = 'feed' AND id = ?`).run(on ? 1 : 0, id).changes === 1;
}

export function setFeedFolder(db: Database, id: number, folder: string | null): boolean {
  return db.prepare(`UPDATE sources SET folder = ? WHERE kind = 'feed' AND id = ?`).run(folder, id).changes === 1;
}

/** Feeds whose next attempt is due at `now` (never fetched, interval passed, or backoff over). */
export function dueFeedIds(db: Database, now: number): number[] {
  return db
    .prepare<[number], number>(`SELECT id FROM sources WHERE kind = 'feed' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id`)
    .pluck()
    .all(now);
}

export function allFeedIds(db: Database): number[] {
  return db.prepare<[], number>(`SELECT id FROM sources WHERE kind = 'feed' ORDER BY id`).pluck().all();
}

/**
 * How long to wait after `failures` errors in a row: the feed's interval doubled for each failure
 * after the first (60 min → 1 h, 2 h, 4 h, 8 h, 16 h), never more than 24 h, never less than the
 * interval.
 */
export function backoffDelayMs(intervalS: number, failures: number): number {
  const interval = intervalS * 1000;
  const doubled = interval * 2 ** Math.min(Math.max(failures - 1, 0), 20);
  return Math.max(interval, Math.min(doubled, MAX_BACKOFF_MS));
}

export interface FetchSuccess {
  title?: string | null;
  siteUrl?: string | null;
  etag: string | null;
  lastModified: string | null;
}

/** A good fetch (200 or 304): error cleared, failures reset, next attempt after the interval. */
export function recordFeedSuccess(db: Database, id: number, ok: FetchSuccess, now: number): void {
  db.prepare(
    `UPDATE sources SET
       name = coalesce(@title, name), site_url = coalesce(@siteUrl, site_url),
       etag = @etag, last_modified = @lastModified, last_fetched_at = @now, last_error = NULL, failures = 0,
       next_attempt_at = @now + coalesce(refresh_interval_s, ${DEFAULT_REFRESH_INTERVAL_S}) * 1000
     WHERE kind = 'feed' AND id = @id`,
  ).run({ id, title: ok.title || null, siteUrl: ok.siteUrl ?? null, etag: ok.etag, lastModified: ok.lastModified, now });
}

/** A failed fetch or parse: the reason stored for the app to show, and the backoff applied. */
export function recordFeedFailure(db: Database, id: number, error: string, now: number): { failures: number; nextAttemptAt: number } {
  return db.transaction(() => {
    const row = db
      .prepare<[number], { failures: number; refresh_interval_s: number | null }>(`SELECT failures, refresh_interval_s FROM sources WHERE id = ?`)
      .get(id);
    const failures = (row?.failures ?? 0) + 1;
    const nextAttemptAt = now + backoffDelayMs(row?.refresh_interval_s ?? DEFAULT_REFRESH_INTERVAL_S, failures);
    db.prepare(`UPDATE sources SET last_error = ?, failures = ?, next_attempt_at = ? WHERE kind = 'feed' AND id = ?`).run(
      error,
      failures,
      nextAttemptAt,
      id,
    );
    return { failures, nextAttemptAt };
  }).immediate(); // reads, then writes: see the note on IMMEDIATE in articles.ts
}

/** The guids of this feed's items the reader deleted (db/articles.ts deleteArticles): never stored again. */
export function dismissedGuids(db: Database, sourceId: number): Set<string> {
  return new Set(db.prepare<[number], string>(`SELECT guid FROM dismissed_items WHERE source_id = ?`).pluck().all(sourceId));
}

/** guid → (article id, stored item hash) for one feed: what a refresh compares against. */
export function feedItemStates(db: Database, sourceId: number): Map<string, { id: number; hash: string | null }> {
  const rows = db
    .prepare<[number], { guid: string; id: number; hash: string | null }>(
      `SELECT guid, id, feed_item_hash AS hash FROM articles WHERE source_id = ? AND guid IS NOT NULL`,
    )
    .all(sourceId);
  return new Map(rows.map((r) => [r.guid, { id: r.id, hash: r.hash }]));
}

/** The article stored under this address and its source, if any. */
export function articleByUrl(db: Database, url: string): { id: number; sourceId: number | null } | null {
  return db.prepare<[string], { id: number; sourceId: number | null }>(`SELECT id, source_id AS sourceId FROM articles WHERE url = ?`).get(url) ?? null;
}

export interface FeedArticleInput extends ArticleInput {
  guid: string;
  /** The item's fingerprint in the feed (see main/feeds/parse.ts). */
  itemHash: string;
}

export type StoreOutcome =
  | { status: 'new'; id: number }
  | { status: 'updated'; id: number }
  | { status: 'unchanged'; id: number }
  /** Already in the library under another source (same address, or same title and text). */
  | { status: 'duplicate'; id: number };

/**
 * Stores one feed item: inserted when its guid is new to the feed, rewritten in place (read and
 * starred kept, figures replaced) when the item changed, left alone when it did not. Runs in a
 * savepoint, so a failing item leaves nothing behind.
 */
export function storeFeedItem(db: Database, sourceId: number, input: FeedArticleInput): StoreOutcome {
  return db.transaction((): StoreOutcome => {
    const captions = joinCaptions(input.figures);
    const wordCount = countWords(input.lead) + countWords(input.text);
    const existing = db
      .prepare<[number, string], { id: number; hash: string | null; url: string | null; published_at: number | null; saved_at: number }>(
        `SELECT id, feed_item_hash AS hash, url, published_at, saved_at FROM articles WHERE source_id = ? AND guid = ?`,
      )
      .get(sourceId, input.guid);

    if (existing) {
      if (existing.hash === input.itemHash) return { status: 'unchanged', id: existing.id };
      // Keep the old address when the new one belongs to another article.
      const url = input.url && (articleByUrl(db, input.url)?.id ?? existing.id) === existing.id ? input.url : existing.url;
      const hash = itemContentHash(db, sourceId, input, url, existing.id);
      if (typeof hash !== 'string') return { status: 'duplicate', id: hash.duplicateOf };
      const publishedAt = input.publishedAt ?? existing.published_at;
      db.prepare(
        `UPDATE articles SET title = @title, source = @source, author = @author, url = @url, content_hash = @hash,
           published_at = @publishedAt, sort_at = @sortAt, lead = @lead, html = @html, text = @text,
           captions = @captions, word_count = @wordCount, feed_item_hash = @itemHash, lang = @lang
         WHERE id = @id`,
      ).run({
        id: existing.id,
        title: input.title,
        source: input.source,
        author: input.author,
        url,
        hash,
        publishedAt,
        sortAt: publishedAt ?? existing.saved_at,
        lead: input.lead,
        html: input.html,
        text: input.text,
        captions,
        wordCount,
        itemHash: input.itemHash,
        lang: input.lang ?? null,
      });
      db.prepare('DELETE FROM figures WHERE article_id = ?').run(existing.id);
      insertFigures(db, existing.id, input.figures);
      return { status: 'updated', id: existing.id };
    }

    let url = input.url;
    if (url) {
      const owner = articleByUrl(db, url);
      // Another feed or a saved page has it: the library keeps one copy.
      if (owner && owner.sourceId !== sourceId) return { status: 'duplicate', id: owner.id };
      // Items of this feed that all link to one page (a home page): keep each, without the address.
      if (owner) url = null;
    }
    const hash = itemContentHash(db, sourceId, input, url, null);
    if (typeof hash !== 'string') return { status: 'duplicate', id: hash.duplicateOf };

    const savedAt = input.savedAt ?? Date.now();
    const id = insertArticleRow(db, {
      sourceId,
      title: input.title,
      source: input.source,
      author: input.author,
      attribution: input.attribution,
      url,
      guid: input.guid,
      contentHash: hash,
      origin: input.origin ?? null,
      publishedAt: input.publishedAt,
      savedAt,
      lead: input.lead,
      html: input.html,
      text: input.text,
      captions,
      wordCount,
      itemHash: input.itemHash,
      lang: input.lang ?? null,
    });
    insertFigures(db, id, input.figures);
    return { status: 'new', id };
  }).immediate();
}

/**
 * The content hash to store for a feed item, or the article it duplicates. Same title and text
 * is the same article, except within one feed between items with their own guids and their own
 * links: a comic's "New comic!" posts whose body is only the picture are each a post. Those get
 * the hash of their text and address, so the unique index still holds and none is rebuilt (its
 * pages and pictures fetched again) on every refresh for want of a stored guid.
 */
function itemContentHash(db: Database, sourceId: number, input: FeedArticleInput, url: string | null, self: number | null): string | { duplicateOf: number } {
  const plain = contentHash(input.title, input.text);
  const clash = db
    .prepare<[string, number], { id: number; source_id: number | null; url: string | null; guid: string | null }>(
      `SELECT id, source_id, url, guid FROM articles WHERE content_hash = ? AND id <> ?`,
    )
    .get(plain, self ?? -1);
  if (!clash) return plain;
  const distinct = clash.source_id === sourceId && clash.guid !== null && clash.guid !== input.guid && url !== null && clash.url !== null && clash.url !== url;
  if (!distinct) return { duplicateOf: clash.id };
  const own = createHash('sha256').update(plain).update('\u0000').update(url).digest('hex');
  const taken = db.prepare<[string, number], { id: number }>(`SELECT id FROM articles WHERE content_hash = ? AND id <> ?`).get(own, self ?? -1);
  return taken ? { duplicateOf: taken.id } : own;
}

/**
 * Unsubscribes. Starred articles are kept (moved to a site source named after the feed, so they
 * stay grouped in the sidebar); every other article of the feed is deleted with its figures.
 */
export function removeFeed(db: Database, id: number, now = Date.now()): { deleted: number; keptStarred: number } | null {
  return db.transaction(() => {
    const feed = getFeed(db, id);
    if (!feed) return null;
    const starred = db.prepare<[number], number>(`SELECT count(*) FROM articles WHERE source_id = ? AND is_starred = 1`).pluck().get(id) ?? 0;
    if (starred > 0) {
      const site =
        db.prepare<[string], number>(`SELECT id FROM sources WHERE kind = 'site' AND name = ?`).pluck().get(feed.title) ??
        Number(db.prepare(`INSERT INTO sources (kind, name, url, created_at) VALUES ('site', ?, ?, ?)`).run(feed.title, feed.siteUrl, now).lastInsertRowid);
      db.prepare(`UPDATE articles SET source_id = ?, guid = NULL, feed_item_hash = NULL WHERE source_id = ? AND is_starred = 1`).run(site, id);
    }
    // Through deleteArticles: the pictures only these articles used go too.
    const ids = db.prepare<[number], number>(`SELECT id FROM articles WHERE source_id = ?`).pluck().all(id);
    const deleted = deleteArticles(db, ids);
    db.prepare(`DELETE FROM sources WHERE id = ?`).run(id);
    return { deleted, keptStarred: starred };
  }).immediate();
}
