import type { Migration } from './types.js';

/**
 * Feed items the reader deleted. A feed keeps publishing an item for days after it was read; without
 * a note of its guid the next refresh would bring back what the reader threw away. Gone with the
 * feed (unsubscribing forgets them).
 */
export const migration: Migration = {
  version: 8,
  name: 'dismissed feed items',
  up(db) {
    db.exec(`
      CREATE TABLE dismissed_items (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        dismissed_at INTEGER NOT NULL,
        PRIMARY KEY (source_id, guid)
      ) WITHOUT ROWID;
    `);
  },
};
