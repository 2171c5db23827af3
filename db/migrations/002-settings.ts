import type { Migration } from './types.js';

/** Reader settings live in the library, so the app and the web host share them. */
export const migration: Migration = {
  version: 2,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL   -- JSON
      ) WITHOUT ROWID;
    `);
  },
};
