import type { Migration } from './types.js';

/**
 * Feed subscriptions. The sources table already had what a feed needs to be fetched politely
 * (url, site_url, folder, etag, last_modified, refresh_interval_s, last_fetched_at, last_error);
 * this adds what refreshing needs:
 *
 * - sources.full_text: fetch the linked page when an item carries only a summary (on by default);
 * - sources.failures: errors in a row, for the backoff; reset by a good fetch;
 * - sources.next_attempt_at: when the feed is next due (ms), after the interval or the backoff;
 * - articles.feed_item_hash: what the item looked like in the feed when it was stored, so that a
 *   refresh can tell an unchanged item (skipped, no page fetched) from an updated one (rewritten in
 *   place, keeping read and starred).
 */
export const migration: Migration = {
  version: 6,
  name: 'feeds',
  up(db) {
    db.exec(`
      ALTER TABLE sources ADD COLUMN full_text INTEGER NOT NULL DEFAULT 1 CHECK (full_text IN (0, 1));
      ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN next_attempt_at INTEGER;
      ALTER TABLE articles ADD COLUMN feed_item_hash TEXT;
    `);
  },
};
