import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { deleteUnusedImages } from './images.js';

/** An article ready to store: what an importer produced, plus where it came from. */
export interface ArticleInput {
  title: string;
  source: string | null;
  author: string | null;
  attribution: string | null;
  url: string | null;
  publishedAt: number | null;
  lead: string;
  html: string;
  text: string;
  figures: ReadonlyArray<{ src: string; alt: string; caption: string; imageHash?: string | null }>;
  guid?: string | null;
  origin?: string | null;
  savedAt?: number;
  /** BCP 47 tag (db/lang.ts); null when unknown. Left out: the column is not written (see insertArticleSql). */
  lang?: string | null;
}

export type SaveResult = { status: 'imported'; id: number } | { status: 'duplicate'; id: number };

export interface FigureRow {
  position: number;
  src: string;
  alt: string;
  caption: string;
  imageHash: string | null;
  width: number | null;
  height: number | null;
  mime: string | null;
}

export interface ArticleDetail {
  id: number;
  title: string;
  source: string | null;
  sourceId: number | null;
  author: string | null;
  attribution: string | null;
  url: string | null;
  origin: string | null;
  publishedAt: number | null;
  savedAt: number;
  lead: string;
  html: string;
  text: string;
  wordCount: number;
  isRead: boolean;
  isStarred: boolean;
  figures: FigureRow[];
  /** The language it is written in (BCP 47), or null when unknown. */
  lang: string | null;
}

export interface ArticleSummary {
  id: number;
  title: string;
  source: string | null;
  sourceId: number | null;
  author: string | null;
  publishedAt: number | null;
  savedAt: number;
  sortAt: number;
  lead: string;
  isRead: boolean;
  isStarred: boolean;
  /** The stored image of the first figure that has one, for the list's thumbnail. */
  thumbnail: string | null;
  lang: string | null;
}

export interface ListQuery {
  filter?: 'all' | 'unread' | 'starred';
  sourceId?: number;
  limit?: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { sortAt: number; id: number };
}

/** The hash that says "same article" when there is no URL: title and body, case and spacing ignored. */
export function contentHash(title: string, text: string): string {
  // Same result as replacing every /\s+/ with a space, but a lone space (most of them) is left
  // as it is instead of being replaced by itself: 37 → 17 µs an article, NFC and case included.
  const norm = (s: string) => s.normalize('NFC').toLowerCase().replace(/ \s+|[^\S ]\s*/g, ' ').trim();
  return createHash('sha256').update(norm(title)).update('\u0000').update(norm(text)).digest('hex');
}

export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

const statements = new WeakMap<Database, ReturnType<typeof prepare>>();

/**
 * The INSERT of an article row. feed_item_hash only for feed items, lang only when the importer
 * gave one (every importer does): saveArticle also writes to libraries being built at older
 * schema versions (tests/migrations.test.ts), which lack those columns.
 */
function insertArticleSql(feedItem: boolean, lang: boolean): string {
  return `
      INSERT INTO articles (source_id, title, source, author, attribution, url, guid, content_hash, origin,
                            published_at, saved_at, sort_at, lead, html, text, captions, word_count${feedItem ? ', feed_item_hash' : ''}${lang ? ', lang' : ''})
      VALUES (@sourceId, @title, @source, @author, @attribution, @url, @guid, @contentHash, @origin,
              @publishedAt, @savedAt, @sortAt, @lead, @html, @text, @captions, @wordCount${feedItem ? ', @itemHash' : ''}${lang ? ', @lang' : ''})`;
}

function prepare(db: Database) {
  return {
    byUrl: db.prepare<[string], { id: number }>('SELECT id FROM articles WHERE url = ?'),
    byHash: db.prepare<[string], { id: number }>('SELECT id FROM articles WHERE content_hash = ?'),
    sourceId: db.prepare<[string], { id: number }>(`SELECT id FROM sources WHERE kind = 'site' AND name = ?`),
    insertSource: db.prepare(`INSERT INTO sources (kind, name, created_at) VALUES ('site', ?, ?)`),
    insertArticle: new Map<string, Statement>(),
    insertFigure: db.prepare(`
      INSERT INTO figures (article_id, position, src, alt, caption, image_hash) VALUES (?, ?, ?, ?, ?, ?)`),
  };
}

function stmts(db: Database) {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
}

/*
 * Every transaction that writes begins IMMEDIATE, taking the write lock first. One that began
 * with a read (BEGIN DEFERRED) and then writes while another program (the CLI, the app) holds the
 * lock fails at once with "database is locked": SQLite does not wait (busy_timeout) to turn a read
 * transaction into a write one, as waiting could deadlock. tests/locking.test.ts.
 */

/**
 * Stores one article with its figures in one transaction: either all of it is saved or none.
 * A second save of the same article (same canonical URL, or same title and text) keeps the first.
 */
export function saveArticle(db: Database, input: ArticleInput): SaveResult {
  const s = stmts(db);
  const hash = contentHash(input.title, input.text);
  return db.transaction((): SaveResult => {
    const existing = (input.url ? s.byUrl.get(input.url) : undefined) ?? s.byHash.get(hash);
    if (existing) return { status: 'duplicate', id: existing.id };

    const savedAt = input.savedAt ?? Date.now();
    let sourceId: number | null = null;
    if (input.source) {
      sourceId =
        s.sourceId.get(input.source)?.id ?? Number(s.insertSource.run(input.source, savedAt).lastInsertRowid);
    }
    const id = insertArticleRow(db, {
      sourceId,
      title: input.title,
      source: input.source,
      author: input.author,
      attribution: input.attribution,
      url: input.url,
      guid: input.guid ?? null,
      contentHash: hash,
      origin: input.origin ?? null,
      publishedAt: input.publishedAt,
      savedAt,
      lead: input.lead,
      html: input.html,
      text: input.text,
      captions: joinCaptions(input.figures),
      wordCount: countWords(input.lead) + countWords(input.text),
      itemHash: null,
      ...(input.lang !== undefined ? { lang: input.lang } : {}),
    });
    insertFigures(db, id, input.figures);
    return { status: 'imported', id };
  }).immediate();
}

/** Every column of a new article row but the derived sort_at (published, else saved). */
export interface NewArticleRow {
  sourceId: number | null;
  title: string;
  source: string | null;
  author: string | null;
  attribution: string | null;
  url: string | null;
  guid: string | null;
  contentHash: string;
  origin: string | null;
  publishedAt: number | null;
  savedAt: number;
  lead: string;
  html: string;
  text: string;
  captions: string;
  wordCount: number;
  /** How a feed item looked when stored (db/feeds.ts); null for everything else. */
  itemHash: string | null;
  /** Left out only by callers writing to libraries older than schema 9 (tests). */
  lang?: string | null;
}

/** The one INSERT of an article row, for saved files and pages (above) and feed items (feeds.ts). */
export function insertArticleRow(db: Database, row: NewArticleRow): number {
  const { itemHash, lang, ...columns } = row;
  const values = { ...columns, sortAt: row.publishedAt ?? row.savedAt };
  const feedItem = itemHash !== null;
  const withLang = lang !== undefined;
  // Prepared on first use: a statement naming a column the library lacks would not compile.
  const cache = stmts(db).insertArticle;
  const key = `${feedItem}/${withLang}`;
  let insert = cache.get(key);
  if (!insert) cache.set(key, (insert = db.prepare(insertArticleSql(feedItem, withLang))));
  const info = insert.run({ ...values, ...(feedItem ? { itemHash } : {}), ...(withLang ? { lang } : {}) });
  return Number(info.lastInsertRowid);
}

/** An article's figures, in order (inside the caller's transaction). */
export function insertFigures(db: Database, articleId: number, figures: ArticleInput['figures']): void {
  const { insertFigure } = stmts(db);
  figures.forEach((f, i) => insertFigure.run(articleId, i, f.src, f.alt, f.caption, f.imageHash ?? null));
}

interface ArticleRow {
  id: number;
  title: string;
  source: string | null;
  source_id: number | null;
  author: string | null;
  attribution: string | null;
  url: string | null;
  origin: string | null;
  published_at: number | null;
  saved_at: number;
  lead: string;
  html: string;
  text: string;
  word_count: number;
  is_read: number;
  is_starred: number;
  lang: string | null;
}

export function getArticle(db: Database, id: number): ArticleDetail | null {
  const row = db
    .prepare<[number], ArticleRow>(
      `SELECT id, title, source, source_id, author, attribution, url, origin, published_at, saved_at,
              lead, html, text, word_count, is_read, is_starred, lang
       FROM articles WHERE id = ?`,
    )
    .get(id);
  if (!row) return null;
  const figures = db
    .prepare<[number], FigureRow>(
      `SELECT f.position, f.src, f.alt, f.caption, f.image_hash AS imageHash,
              i.width, i.height, i.mime
       FROM figures f LEFT JOIN images i ON i.hash = f.image_hash
       WHERE f.article_id = ? ORDER BY f.position`,
    )
    .all(id);
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    sourceId: row.source_id,
    author: row.author,
    attribution: row.attribution,
    url: row.url,
    origin: row.origin,
    publishedAt: row.published_at,
    savedAt: row.saved_at,
    lead: row.lead,
    html: row.html,
    text: row.text,
    wordCount: row.word_count,
    isRead: row.is_read === 1,
    isStarred: row.is_starred === 1,
    figures,
    lang: row.lang,
  };
}

/**
 * One page of the article list, newest first, paged by key (sort time, id) rather than OFFSET so
 * that page 1,000 costs what page 1 costs.
 */
export function listArticles(db: Database, q: ListQuery = {}): ArticleSummary[] {
  const where: string[] = [];
  const params: Record<string, number> = { limit: Math.max(1, Math.min(q.limit ?? 50, 1000)) };
  if (q.filter === 'unread') where.push('a.is_read = 0');
  if (q.filter === 'starred') where.push('a.is_starred = 1');
  if (q.sourceId !== undefined) {
    where.push('a.source_id = @sourceId');
    params.sourceId = q.sourceId;
  }
  if (q.after) {
    where.push('(a.sort_at, a.id) < (@afterSortAt, @afterId)');
    params.afterSortAt = q.after.sortAt;
    params.afterId = q.after.id;
  }
  const sql = `
    SELECT a.id, a.title, a.source, a.source_id AS sourceId, a.author, a.published_at AS publishedAt,
           a.saved_at AS savedAt, a.sort_at AS sortAt, substr(a.lead, 1, 300) AS lead,
           a.is_read AS isRead, a.is_starred AS isStarred, a.lang,
           (SELECT f.image_hash FROM figures f WHERE f.article_id = a.id AND f.image_hash IS NOT NULL
            ORDER BY f.position LIMIT 1) AS thumbnail
    FROM articles a
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY a.sort_at DESC, a.id DESC
    LIMIT @limit`;
  return db
    .prepare(sql)
    .all(params)
    .map((r) => {
      const row = r as Omit<ArticleSummary, 'isRead' | 'isStarred'> & { isRead: number; isStarred: number };
      return { ...row, isRead: row.isRead === 1, isStarred: row.isStarred === 1 };
    });
}

export function setRead(db: Database, id: number, read: boolean): boolean {
  return db.prepare('UPDATE articles SET is_read = ? WHERE id = ?').run(read ? 1 : 0, id).changes === 1;
}

export function setStarred(db: Database, id: number, starred: boolean): boolean {
  return db.prepare('UPDATE articles SET is_starred = ? WHERE id = ?').run(starred ? 1 : 0, id).changes === 1;
}

/** Sets read or unread on many articles at once (undoing "mark all as read"); returns how many changed. */
export function setReadMany(db: Database, ids: readonly number[], read: boolean): number {
  const set = db.prepare('UPDATE articles SET is_read = ? WHERE id = ? AND is_read <> ?');
  return db.transaction(() => ids.reduce((n, id) => n + set.run(read ? 1 : 0, id, read ? 1 : 0).changes, 0)).immediate();
}

/**
 * Marks as read every unread article of a list (all, starred, or one source's: what listArticles
 * shows for the same filter and source). Returns the ids it changed, so that it can be undone.
 */
export function markAllRead(db: Database, q: Pick<ListQuery, 'filter' | 'sourceId'> = {}): number[] {
  const where = ['a.is_read = 0'];
  const params: Record<string, number> = {};
  if (q.filter === 'starred') where.push('a.is_starred = 1');
  if (q.sourceId !== undefined) {
    where.push('a.source_id = @sourceId');
    params.sourceId = q.sourceId;
  }
  return db.transaction(() => {
    const ids = db.prepare(`SELECT a.id FROM articles a WHERE ${where.join(' AND ')}`).pluck().all(params) as number[];
    const read = db.prepare('UPDATE articles SET is_read = 1 WHERE id = ?');
    for (const id of ids) read.run(id);
    return ids;
  }).immediate();
}

/**
 * Deletes articles with their figures and the pictures no other article uses. A feed item's guid
 * is remembered (dismissed_items), so that the next refresh does not bring back what the reader
 * threw away. All or nothing; returns how many were deleted.
 */
export function deleteArticles(db: Database, ids: readonly number[]): number {
  const row = db.prepare<[number], { sourceId: number | null; guid: string | null }>('SELECT source_id AS sourceId, guid FROM articles WHERE id = ?');
  const pictures = db.prepare<[number], string>('SELECT image_hash FROM figures WHERE article_id = ? AND image_hash IS NOT NULL').pluck();
  const dismiss = db.prepare('INSERT OR IGNORE INTO dismissed_items (source_id, guid, dismissed_at) VALUES (?, ?, ?)');
  const remove = db.prepare('DELETE FROM articles WHERE id = ?');
  return db.transaction(() => {
    const hashes: string[] = [];
    let deleted = 0;
    const now = Date.now();
    for (const id of new Set(ids)) {
      const r = row.get(id);
      if (!r) continue;
      hashes.push(...pictures.all(id));
      if (r.sourceId !== null && r.guid !== null) dismiss.run(r.sourceId, r.guid, now);
      deleted += remove.run(id).changes;
    }
    deleteUnusedImages(db, hashes);
    return deleted;
  }).immediate();
}

export function deleteArticle(db: Database, id: number): boolean {
  return deleteArticles(db, [id]) === 1;
}

export interface SourceCountRow {
  id: number;
  name: string;
  total: number;
  unread: number;
}

/**
 * Counts for the sidebar: everything, unread, starred, and each source. Every count is answered
 * from an index (the partial unread/starred indexes, articles_by_source, articles_source_unread):
 * the articles table itself, heavy with bodies, is never scanned.
 */
export function sidebarCounts(db: Database): { all: number; unread: number; starred: number; sources: SourceCountRow[] } {
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const all = count('SELECT count(*) FROM articles');
  const unread = count('SELECT count(*) FROM articles INDEXED BY articles_unread_by_time WHERE is_read = 0');
  const starred = count('SELECT count(*) FROM articles INDEXED BY articles_starred_by_time WHERE is_starred = 1');
  const sources = db
    .prepare<[], SourceCountRow>(
      `SELECT s.id, s.name,
              (SELECT count(*) FROM articles a INDEXED BY articles_by_source WHERE a.source_id = s.id) AS total,
              (SELECT count(*) FROM articles a INDEXED BY articles_source_unread WHERE a.source_id = s.id AND a.is_read = 0) AS unread
       FROM sources s
       WHERE EXISTS (SELECT 1 FROM articles a WHERE a.source_id = s.id)
       ORDER BY s.name COLLATE NOCASE`,
    )
    .all();
  return { all, unread, starred, sources };
}

/**
 * The captions column that search indexes: every caption, separated so that a snippet running
 * past the end of one caption reads as a new one ("… Photo: Reuters · Minsk hosted …").
 */
export function joinCaptions(figures: ReadonlyArray<{ caption: string }>): string {
  return figures.map((f) => f.caption.trim()).filter(Boolean).join(' · ');
}
