import type { Migration } from './types.js';

/**
 * The first schema: sources, articles, their figures, content-addressed images, and the search
 * index over title, lead, body text, captions, author and source.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'site' CHECK (kind IN ('site', 'feed')),
        name TEXT NOT NULL,
        url TEXT,                       -- the feed URL for feeds; the site's address when known
        site_url TEXT,
        folder TEXT,
        etag TEXT,
        last_modified TEXT,
        refresh_interval_s INTEGER,
        last_fetched_at INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX sources_feed_url ON sources(url) WHERE kind = 'feed';
      CREATE UNIQUE INDEX sources_site_name ON sources(name) WHERE kind = 'site';

      -- One row per stored picture, named by the SHA-256 of its bytes, so a picture used by many
      -- articles is stored once.
      CREATE TABLE images (
        hash TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        source TEXT,                    -- the publisher as the article names it
        author TEXT,
        attribution TEXT,
        url TEXT,                       -- canonical URL
        guid TEXT,                      -- feed item id, for feeds
        content_hash TEXT NOT NULL,     -- SHA-256 of the normalised title and text
        origin TEXT,                    -- the file or address it was saved from
        published_at INTEGER,           -- ms since the epoch, when the article says
        saved_at INTEGER NOT NULL,
        sort_at INTEGER NOT NULL,       -- published_at, else saved_at: the list order
        lead TEXT NOT NULL DEFAULT '',
        html TEXT NOT NULL,             -- sanitised body HTML
        text TEXT NOT NULL,             -- plain body text
        captions TEXT NOT NULL DEFAULT '', -- the figures' captions, one a line, for search
        word_count INTEGER NOT NULL DEFAULT 0,
        is_read INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
        is_starred INTEGER NOT NULL DEFAULT 0 CHECK (is_starred IN (0, 1))
      );
      CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
      CREATE UNIQUE INDEX articles_content_hash ON articles(content_hash);
      CREATE UNIQUE INDEX articles_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
      CREATE INDEX articles_by_time ON articles(sort_at DESC, id DESC);
      CREATE INDEX articles_unread_by_time ON articles(sort_at DESC, id DESC) WHERE is_read = 0;
      CREATE INDEX articles_starred_by_time ON articles(sort_at DESC, id DESC) WHERE is_starred = 1;
      CREATE INDEX articles_by_source ON articles(source_id, sort_at DESC, id DESC);

      CREATE TABLE figures (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        src TEXT NOT NULL DEFAULT '',   -- the image address in the original ('' when it had none)
        alt TEXT NOT NULL DEFAULT '',
        caption TEXT NOT NULL DEFAULT '',
        image_hash TEXT REFERENCES images(hash),
        PRIMARY KEY (article_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX figures_image ON figures(image_hash) WHERE image_hash IS NOT NULL;

      -- External-content index: the text lives once, in articles. What is indexed is the text
      -- folded by bs_fold() (see db/fold.ts); triggers keep it in step inside the same transaction.
      CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, lead, text, captions, author, source,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      -- Ranking: a match in the title counts most, then the lead, captions, author and source, then the body.
      INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 3.0, 2.0, 2.0)');

      CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, lead, text, captions, author, source)
        VALUES (new.id, bs_fold(new.title), bs_fold(new.lead), bs_fold(new.text),
                bs_fold(new.captions), bs_fold(new.author), bs_fold(new.source));
      END;
      CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, lead, text, captions, author, source)
        VALUES ('delete', old.id, bs_fold(old.title), bs_fold(old.lead), bs_fold(old.text),
                bs_fold(old.captions), bs_fold(old.author), bs_fold(old.source));
      END;
      CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, lead, text, captions, author, source ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, lead, text, captions, author, source)
        VALUES ('delete', old.id, bs_fold(old.title), bs_fold(old.lead), bs_fold(old.text),
                bs_fold(old.captions), bs_fold(old.author), bs_fold(old.source));
        INSERT INTO articles_fts(rowid, title, lead, text, captions, author, source)
        VALUES (new.id, bs_fold(new.title), bs_fold(new.lead), bs_fold(new.text),
                bs_fold(new.captions), bs_fold(new.author), bs_fold(new.source));
      END;
    `);
  },
};
