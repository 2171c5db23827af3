import type { Migration } from './types.js';

/**
 * A small picture for the article list, one per stored image, kept next to it: the full image is
 * what the reader shows, the thumbnail what a list row shows. Deleted with its image.
 */
export const migration: Migration = {
  version: 5,
  name: 'image thumbnails',
  up(db) {
    db.exec(`
      CREATE TABLE image_thumbnails (
        hash TEXT PRIMARY KEY REFERENCES images(hash) ON DELETE CASCADE,
        mime TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        size INTEGER NOT NULL,
        data BLOB NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
