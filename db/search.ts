import type { Database } from 'better-sqlite3';
import { foldForSearch } from './fold.js';

export type MatchedIn = 'title' | 'lead' | 'body' | 'caption' | 'author' | 'source';

export interface SearchHit {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
  /** A short passage around the match, HTML-escaped, with the matched words in <mark>. */
  snippet: string;
  /** Where the words were found; the snippet comes from the first of these. */
  matchedIn: MatchedIn[];
  /** bm25 with column weights; lower is better (SQLite's convention). */
  score: number;
}

// Markers that cannot occur in stored text, swapped for <mark> after the text is escaped.
const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * Turns what a person typed into an FTS5 query that cannot fail: every word becomes a quoted
 * string (so `NEAR(`, `AND`, column names and quotes are just words), a trailing `*` keeps its
 * prefix meaning, and words are folded the same way the index was.
 * The full query language (phrases, OR, -word, field filters) builds on this in a later step.
 */
export function toFtsQuery(input: string): string | null {
  const terms: string[] = [];
  for (const m of input.slice(0, 2000).matchAll(/([\p{L}\p{N}\p{M}_]+)(\*)?/gu)) {
    const word = foldForSearch(m[1]!);
    terms.push(`"${word.replace(/"/g, '""')}"${m[2] ? '*' : ''}`);
    if (terms.length >= 64) break;
  }
  return terms.length ? terms.join(' ') : null;
}

const COLUMNS: Array<[index: number, name: MatchedIn]> = [
  [2, 'body'],
  [3, 'caption'],
  [1, 'lead'],
  [0, 'title'],
  [4, 'author'],
  [5, 'source'],
];

interface HitRow {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
  score: number;
  h0: string | null;
  h1: string | null;
  s2: string | null;
  s3: string | null;
  h4: string | null;
  h5: string | null;
}

/** Ranked full-text search. FTS5 orders by rank itself, so snippets are built only for rows returned. */
export function searchArticles(db: Database, query: string, opts: { limit?: number } = {}): SearchHit[] {
  const match = toFtsQuery(query);
  if (!match) return [];
  const limit = Math.max(1, Math.min(opts.limit ?? 20, 500));
  const rows = db
    .prepare<[{ match: string; open: string; close: string; limit: number }], HitRow>(
      `SELECT a.id, a.title, a.source, a.published_at AS publishedAt, articles_fts.rank AS score,
              highlight(articles_fts, 0, @open, @close) AS h0,
              highlight(articles_fts, 1, @open, @close) AS h1,
              snippet(articles_fts, 2, @open, @close, '…', 24) AS s2,
              snippet(articles_fts, 3, @open, @close, '…', 24) AS s3,
              highlight(articles_fts, 4, @open, @close) AS h4,
              highlight(articles_fts, 5, @open, @close) AS h5
       FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
       WHERE articles_fts MATCH @match
       ORDER BY articles_fts.rank, a.sort_at DESC
       LIMIT @limit`,
    )
    .all({ match, open: OPEN, close: CLOSE, limit });
  return rows.map((r) => {
    const fields: Record<number, string | null> = { 0: r.h0, 1: r.h1, 2: r.s2, 3: r.s3, 4: r.h4, 5: r.h5 };
    const matchedIn = COLUMNS.filter(([i]) => fields[i]?.includes(OPEN)).map(([, name]) => name);
    const first = COLUMNS.find(([i]) => fields[i]?.includes(OPEN));
    const raw = first ? fields[first[0]]! : (r.s2 ?? '');
    return {
      id: r.id,
      title: r.title,
      source: r.source,
      publishedAt: r.publishedAt,
      snippet: markup(first && (first[0] === 0 || first[0] === 1) ? trimAround(raw) : raw),
      matchedIn,
      score: r.score,
    };
  });
}

/** Escape the passage for HTML, then turn the markers into <mark>. */
function markup(passage: string): string {
  return passage
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replaceAll(OPEN, '<mark>')
    .replaceAll(CLOSE, '</mark>');
}

/** A highlighted lead or title can be long; keep a window of words around the first match. */
function trimAround(text: string, words = 24): string {
  const parts = text.split(/(\s+)/);
  if (parts.length <= words * 2) return text;
  const at = parts.findIndex((p) => p.includes(OPEN));
  const start = Math.max(0, at - words);
  const end = Math.min(parts.length, at + words);
  return `${start > 0 ? '…' : ''}${parts.slice(start, end).join('')}${end < parts.length ? '…' : ''}`;
}
