import type { Database } from 'better-sqlite3';
import { foldForSearch } from './fold.js';

export interface RelatedArticle {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
}

/** Words as unicode61 with remove_diacritics 2 sees them, after our own folding. */
export function indexTokens(text: string): string[] {
  const folded = foldForSearch(text).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const STOP = new Set(
  'the a an and or of to in on at for by with from as is are was were be been it its this that these those he she they we you i his her their our not no but if so than then there which who whom what when where why how said says also after before over under more most about into out up down can could would should will may might one two new'.split(
    ' ',
  ),
);

/**
 * Up to `limit` saved articles about the same thing: the article's most distinctive words
 * (frequent in it, rare in the library: tf·idf from the index's own vocabulary, title and lead
 * counting double) searched through the same index, best match first. The offline version of a
 * news site's "related news" box.
 */
export function relatedArticles(db: Database, id: number, limit = 5): RelatedArticle[] {
  const a = db
    .prepare<[number], { title: string; lead: string; text: string; captions: string }>(
      'SELECT title, lead, text, captions FROM articles WHERE id = ?',
    )
    .get(id);
  if (!a) return [];
  const total = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
  if (total < 2) return [];

  const tf = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const t of indexTokens(text).slice(0, 5000)) {
      if (t.length < 3 || STOP.has(t) || /^\d+$/.test(t)) continue;
      tf.set(t, (tf.get(t) ?? 0) + weight);
    }
  };
  add(a.title, 3);
  add(a.lead, 2);
  add(a.captions, 1);
  add(a.text, 1);
  if (tf.size === 0) return [];

  // Document frequencies for the article's 25 most frequent candidates, from the vocabulary table.
  // fts5vocab counts a word's documents by walking its doclist, so each lookup of a common word
  // costs about 2 ms on 100,000 articles: 25 keeps the worst case near 50 ms.
  const candidates = [...tf.entries()].sort((x, y) => y[1] - x[1]).slice(0, 25);
  const df = db.prepare<[string], { doc: number }>('SELECT doc FROM articles_vocab WHERE term = ?');
  const scored: Array<[term: string, score: number]> = [];
  for (const [term, count] of candidates) {
    const d = df.get(term)?.doc ?? 0;
    // Found only here says nothing about other articles; found nearly everywhere, nothing at all.
    if (d < 2 || d > Math.min(total / 2, Math.max(total * 0.25, 20))) continue;
    scored.push([term, count * Math.log(total / d)]);
  }
  const terms = scored.sort((x, y) => y[1] - x[1]).slice(0, 6).map(([t]) => `"${t}"`);
  if (terms.length < 2) return [];

  // "About the same thing" means sharing at least two distinctive words: one shared word is
  // as often a coincidence ("through", a common name) as a subject.
  const pairs: string[] = [];
  for (let i = 0; i < terms.length; i++) for (let j = i + 1; j < terms.length; j++) pairs.push(`(${terms[i]} AND ${terms[j]})`);
  const match = pairs.join(' OR ');
  return db
    .prepare<{ match: string; id: number; limit: number }, RelatedArticle>(
      `SELECT a.id, a.title, a.source, a.published_at AS publishedAt
       FROM (SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH @match ORDER BY rank LIMIT @limit + 1) r
       JOIN articles a ON a.id = r.rowid
       WHERE a.id != @id
       ORDER BY r.rank
       LIMIT @limit`,
    )
    .all({ match, id, limit });
}
