import type { Migration } from './types.js';

/**
 * The search index, rebuilt for scripts other than Latin.
 *
 * - Marks are part of words (`categories 'L* N* Co M*'`). unicode61 took every combining mark
 *   outside the Latin accents for a word break, so Hindi's vowel signs cut words into pieces
 *   (नमस्ते was indexed as नमस + त, and दिन matched दुनिया), and vowelled Arabic and Hebrew came
 *   apart the same way.
 * - bs_fold (db/fold.ts) now also folds Greek accents, ё, Arabic and Hebrew vowel marks, ẞ and
 *   full-width Latin, so `αθηνα` finds Αθήνα and `الشباب` finds الشَّبَابِ.
 * - Chinese and Japanese are indexed a character at a time: bs_fold puts a word joiner between
 *   each pair (splitCjk), so 北京 is found inside 北京市政府 as the phrase 北 京. FTS5 reads an
 *   external-content row again for snippets and highlights and tokenises it to find the offsets of
 *   the hits; the tokens must be the index's, so the content it reads is a view that splits the
 *   same way (bs_cjk), not the articles table itself.
 *
 * All of this changes what the index holds, so the index is made again from the articles table
 * (which holds the text itself; the index only points into it). Triggers, ranking and the
 * vocabulary view are as before.
 */
export const migration: Migration = {
  version: 7,
  name: 'search index for more scripts',
  up(db) {
    db.exec(`
      DROP TABLE articles_vocab;
      DROP TABLE articles_fts;
      CREATE VIEW articles_fts_content AS
        SELECT id, bs_cjk(title) AS title, bs_cjk(lead) AS lead, bs_cjk(text) AS text,
               bs_cjk(captions) AS captions, bs_cjk(author) AS author, bs_cjk(source) AS source
        FROM articles;
      CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, lead, text, captions, author, source,
        content = 'articles_fts_content', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
      );
      INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 3.0, 2.0, 2.0)');
      INSERT INTO articles_fts(rowid, title, lead, text, captions, author, source)
        SELECT id, bs_fold(title), bs_fold(lead), bs_fold(text), bs_fold(captions), bs_fold(author), bs_fold(source)
        FROM articles;
      CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
    `);
  },
};
