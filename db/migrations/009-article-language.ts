import type { Migration } from './types.js';

/**
 * The language each article is written in (db/lang.ts), for the reader's `lang` attribute: a screen
 * reader picks its voice by it, and Chinese and Japanese pick their glyphs. New articles get what
 * their page or feed declares, checked against their letters. Articles already saved declare
 * nothing any more (the page is gone), so their letters alone decide; Latin-script text other than
 * Vietnamese stays NULL, as it is for a new article that declares nothing.
 */
export const migration: Migration = {
  version: 9,
  name: 'article language',
  up(db) {
    db.exec(`
      ALTER TABLE articles ADD COLUMN lang TEXT;
      UPDATE articles SET lang = bs_guess_lang(title, lead, substr(text, 1, 1200));
    `);
  },
};
