import type { Migration } from './types.js';

/** Saved searches (shown in the sidebar with their counts) and a vocabulary view for related articles. */
export const migration: Migration = {
  version: 4,
  name: 'saved searches and vocabulary',
  up(db) {
    db.exec(`
      CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        query TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      -- Document frequency of every indexed word: what makes a word distinctive.
      CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
    `);
  },
};
