import type { Database } from 'better-sqlite3';
import { search } from './search.js';

export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  count: number;
}

/** Saved searches with how many articles each finds now. */
export function listSavedSearches(db: Database): SavedSearch[] {
  return db
    .prepare<[], { id: number; name: string; query: string }>('SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE')
    .all()
    .map((s) => ({ ...s, count: search(db, s.query, { limit: 1 }).total }));
}

/** Saves a query under a name; saving the same query again renames it. */
export function saveSearch(db: Database, query: string, name?: string): SavedSearch {
  const label = (name ?? query).trim().slice(0, 200) || query;
  db.prepare(
    `INSERT INTO saved_searches (name, query, created_at) VALUES (?, ?, ?)
     ON CONFLICT (query) DO UPDATE SET name = excluded.name`,
  ).run(label, query, Date.now());
  const row = db.prepare<[string], { id: number; name: string; query: string }>('SELECT id, name, query FROM saved_searches WHERE query = ?').get(query)!;
  return { ...row, count: search(db, query, { limit: 1 }).total };
}

export function deleteSavedSearch(db: Database, id: number): boolean {
  return db.prepare('DELETE FROM saved_searches WHERE id = ?').run(id).changes === 1;
}
