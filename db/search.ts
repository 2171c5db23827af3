import type { Database } from 'better-sqlite3';
import { CJK_SEPARATOR } from './fold.js';
import { parseQuery, type ParsedQuery } from './query.js';

export { parseQuery };

export type MatchedIn = 'title' | 'lead' | 'body' | 'caption' | 'author' | 'source';

export interface SearchHit {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
  /** When it was saved: the date shown when it has no published date. */
  savedAt: number;
  /** The article's language (BCP 47), or null when unknown. */
  lang: string | null;
  /** A short passage around the match, HTML-escaped, with the matched words in <mark>. */
  snippet: string;
  /** Where the words were found; the snippet comes from the first (the body when it matched, the title last). */
  matchedIn: MatchedIn[];
  /**
   * bm25 with column weights, lower is better (SQLite's convention), minus TITLE_TIER when the
   * title alone matches the whole query. 0 for filter-only queries.
   */
  score: number;
}

export interface SearchCursor {
  score: number;
  sortAt: number;
  id: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Words to highlight when a result is opened (folded; `prefix` words match any ending). */
  terms: Array<{ text: string; prefix: boolean }>;
  /** How many articles match in all (before paging). */
  total: number;
  /** True when more matched than were ranked: ranking then covers the most recently saved. */
  rankedSubset: boolean;
  next: SearchCursor | null;
}

export interface SearchOptions {
  limit?: number;
  after?: SearchCursor;
}

/**
 * Above this many matches only the most recently saved ones are ranked, and every one whose
 * title matches: bm25 has to read every match's statistics, and a word found in every article
 * would otherwise make each keystroke cost the whole library; an old article named by the query
 * is still the one most worth finding.
 */
export const RANK_LIMIT = 5000;

/**
 * Taken off the score of an article whose title alone matches the whole query, so that it ranks
 * above every article that matches only elsewhere. bm25 alone cannot promise that: FTS5 adds the
 * weighted counts of all columns and divides by the whole article's length, so a short note that
 * says "zephyrine" once outranked the long article called "Zephyrine festival returns". Folded
 * into the score (bm25 here stays far above -1000) so that paging by (score, date, id) holds.
 */
export const TITLE_TIER = 1000;

// Markers that cannot occur in stored text, swapped for <mark> after the text is escaped.
const OPEN = '\u0001';
const CLOSE = '\u0002';

/** Back-compatible helper: the first page of hits. */
export function searchArticles(db: Database, query: string, opts: SearchOptions = {}): SearchHit[] {
  return search(db, query, opts).hits;
}

/**
 * Ranked search in three steps: count the matches, rank a bounded set and take one page by key
 * (score, recency, id), then build snippets for that page only.
 */
export function search(db: Database, input: string, opts: SearchOptions = {}): SearchPage {
  const q = parseQuery(input);
  const limit = Math.max(1, Math.min(opts.limit ?? 20, 500));
  if (q.empty) return { hits: [], terms: [], total: 0, rankedSubset: false, next: null };
  if (!q.match) return filterOnly(db, q, limit, opts.after);

  const sql = rankedStatements(q, opts.after);
  const params = { match: q.match, titleMatch: `title : (${q.match})`, ...filterSql(q, 'a').params };
  const total = db.prepare(sql.count).pluck().get(params) as number;
  if (total === 0) return { hits: [], terms: q.terms, total, rankedSubset: false, next: null };

  // Bound the ranked set to the RANK_LIMIT most recently saved matches (rowid order).
  const rankedSubset = total > RANK_LIMIT;
  const floorId = rankedSubset ? ((db.prepare(sql.floor).pluck().get(params) as number | undefined) ?? 0) : 0;

  const after = opts.after;
  const page = db
    .prepare<Record<string, unknown>, { id: number; score: number; sortAt: number }>(sql.page)
    .all({ ...params, floorId, limit, ...(after ? { aScore: after.score, aSortAt: after.sortAt, aId: after.id } : {}) });

  const hits = describe(db, q.match, page);
  const last = page[page.length - 1];
  return {
    hits,
    terms: q.terms,
    total,
    rankedSubset,
    next: page.length === limit && last ? { score: last.score, sortAt: last.sortAt, id: last.id } : null,
  };
}

/**
 * The statements a ranked search runs, exported so that tests can check their query plans: each
 * must drive from the FTS index, never scan the articles table.
 */
export function rankedStatements(q: ParsedQuery, after?: SearchCursor): { count: string; floor: string; page: string } {
  const { where } = filterSql(q, 'a');
  const and = where.length ? ` AND ${where.join(' AND ')}` : '';
  const from = where.length ? 'articles_fts f JOIN articles a ON a.id = f.rowid' : 'articles_fts f';
  return {
    count: `SELECT count(*) FROM ${from} WHERE articles_fts MATCH @match${and}`,
    floor: `SELECT f.rowid FROM ${from} WHERE articles_fts MATCH @match${and} ORDER BY f.rowid DESC LIMIT 1 OFFSET ${RANK_LIMIT - 1}`,
    page: `WITH titled AS MATERIALIZED (SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH @titleMatch),
       ranked AS (
         SELECT f.rowid AS id,
                f.rank - CASE WHEN f.rowid IN titled THEN ${TITLE_TIER} ELSE 0 END AS score,
                a.sort_at AS sortAt
         FROM articles_fts f JOIN articles a ON a.id = f.rowid
         WHERE articles_fts MATCH @match${and} AND (f.rowid >= @floorId OR f.rowid IN titled)
       )
       SELECT id, score, sortAt FROM ranked
       ${after ? 'WHERE (score > @aScore) OR (score = @aScore AND (sortAt < @aSortAt OR (sortAt = @aSortAt AND id < @aId)))' : ''}
       ORDER BY score, sortAt DESC, id DESC
       LIMIT @limit`,
  };
}

function filterSql(q: ParsedQuery, alias: string): { where: string[]; params: Record<string, number> } {
  const where: string[] = [];
  const params: Record<string, number> = {};
  if (q.after !== null) {
    where.push(`${alias}.sort_at >= @fAfter`);
    params.fAfter = q.after;
  }
  if (q.before !== null) {
    where.push(`${alias}.sort_at < @fBefore`);
    params.fBefore = q.before;
  }
  if (q.unread !== null) where.push(`${alias}.is_read = ${q.unread ? 0 : 1}`);
  if (q.starred !== null) where.push(`${alias}.is_starred = ${q.starred ? 1 : 0}`);
  return { where, params };
}

/** Queries with no words to rank (`is:starred`, `-sport after:2024-01-01`): newest first. */
function filterOnly(db: Database, q: ParsedQuery, limit: number, after?: SearchCursor): SearchPage {
  const { where, params } = filterSql(q, 'a');
  const excludeParams: Record<string, string> = {};
  if (q.exclude) {
    where.push('a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH @exclude)');
    excludeParams.exclude = q.exclude;
  }
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare(`SELECT count(*) FROM articles a ${cond}`).pluck().get({ ...params, ...excludeParams }) as number;
  const keyset = after ? `${cond ? `${cond} AND` : 'WHERE'} (a.sort_at, a.id) < (@aSortAt, @aId)` : cond;
  const rows = db
    .prepare<Record<string, unknown>, { id: number; title: string; source: string | null; publishedAt: number | null; savedAt: number; lang: string | null; lead: string; sortAt: number }>(
      `SELECT a.id, a.title, a.source, a.published_at AS publishedAt, a.saved_at AS savedAt, a.lang, substr(a.lead, 1, 240) AS lead, a.sort_at AS sortAt
       FROM articles a ${keyset} ORDER BY a.sort_at DESC, a.id DESC LIMIT @limit`,
    )
    .all({ ...params, ...excludeParams, limit, ...(after ? { aSortAt: after.sortAt, aId: after.id } : {}) });
  const last = rows[rows.length - 1];
  return {
    hits: rows.map((r) => ({ id: r.id, title: r.title, source: r.source, publishedAt: r.publishedAt, savedAt: r.savedAt, lang: r.lang, snippet: escape(r.lead), matchedIn: [], score: 0 })),
    terms: [],
    total,
    rankedSubset: false,
    next: rows.length === limit && last ? { score: 0, sortAt: last.sortAt, id: last.id } : null,
  };
}

// Column order in articles_fts: title, lead, text, captions, author, source.
const COLUMNS: Array<[index: number, name: MatchedIn]> = [
  [0, 'title'],
  [1, 'lead'],
  [3, 'caption'],
  [2, 'body'],
  [4, 'author'],
  [5, 'source'],
];
/** The snippet comes from the body when the body matched, else from the first field that did. */
const SNIPPET_ORDER: MatchedIn[] = ['body', 'caption', 'lead', 'title', 'author', 'source'];

interface DetailRow {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
  savedAt: number;
  lang: string | null;
  c0: string | null;
  c1: string | null;
  c2: string | null;
  c3: string | null;
  c4: string | null;
  c5: string | null;
}

/**
 * Snippets and "matched in" for one page of hits, in the page's order. The page's ids go to FTS5
 * as one rowid range (the unary + keeps SQLite from handing it the IN list instead): with an IN
 * list FTS5 re-evaluates the whole query once per id, which for a prefix query merges its
 * doclists fifty times over (measured 174 ms against 26 ms on 100,000 articles).
 */
function describe(db: Database, match: string, page: Array<{ id: number; score: number }>): SearchHit[] {
  if (page.length === 0) return [];
  const ids = page.map((p) => p.id);
  const rows = db
    .prepare<Record<string, unknown>, DetailRow>(
      `SELECT a.id, a.title, a.source, a.published_at AS publishedAt, a.saved_at AS savedAt, a.lang,
              highlight(articles_fts, 0, @open, @close) AS c0,
              highlight(articles_fts, 1, @open, @close) AS c1,
              snippet(articles_fts, 2, @open, @close, '…', 24) AS c2,
              snippet(articles_fts, 3, @open, @close, '…', 24) AS c3,
              highlight(articles_fts, 4, @open, @close) AS c4,
              highlight(articles_fts, 5, @open, @close) AS c5
       FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
       WHERE articles_fts MATCH @match AND articles_fts.rowid BETWEEN @lo AND @hi
         AND +articles_fts.rowid IN (${ids.map(() => '?').join(',')})`,
    )
    .all(...([{ match, open: OPEN, close: CLOSE, lo: Math.min(...ids), hi: Math.max(...ids) }, ...ids] as unknown as [Record<string, unknown>]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return page.flatMap(({ id, score }) => {
    const r = byId.get(id);
    if (!r) return [];
    const cols: Record<number, string | null> = { 0: r.c0, 1: r.c1, 2: r.c2, 3: r.c3, 4: r.c4, 5: r.c5 };
    const matchedIn = COLUMNS.filter(([i]) => cols[i]?.includes(OPEN)).map(([, name]) => name);
    const from = SNIPPET_ORDER.find((m) => matchedIn.includes(m));
    const index = from ? COLUMNS.find(([, n]) => n === from)![0] : 2;
    const raw = cols[index] ?? '';
    return [
      {
        id,
        title: r.title,
        source: r.source,
        publishedAt: r.publishedAt,
        savedAt: r.savedAt,
        lang: r.lang,
        snippet: markup(index === 0 || index === 1 ? trimAround(raw) : raw),
        matchedIn: SNIPPET_ORDER.filter((m) => matchedIn.includes(m)),
        score,
      },
    ];
  });
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Escape the passage for HTML, then turn the markers into <mark>. The index's content view splits
 * Chinese and Japanese with invisible joiners (db/fold.ts): they go, and the characters of one
 * word, each its own hit, become one <mark>.
 */
function markup(passage: string): string {
  const text = passage.includes(CJK_SEPARATOR) ? passage.replaceAll(CJK_SEPARATOR, '').replaceAll(CLOSE + OPEN, '') : passage;
  return escape(text).replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>');
}

/** A highlighted lead or title can be long; keep a window of words around the first match. */
function trimAround(text: string, words = 24): string {
  const parts = text.split(/(\s+)/);
  if (parts.length <= words * 2) return text;
  const at = Math.max(0, parts.findIndex((p) => p.includes(OPEN)));
  const start = Math.max(0, at - words);
  const end = Math.min(parts.length, at + words);
  return `${start > 0 ? '…' : ''}${parts.slice(start, end).join('')}${end < parts.length ? '…' : ''}`;
}
