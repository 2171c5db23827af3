import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeLibrary, LibraryOpenError, LibraryTooNewError, openLibrary, SCHEMA_VERSION } from '../db/library.js';
import { contentHash, deleteArticle, getArticle, listArticles, saveArticle, setRead, setStarred } from '../db/articles.js';
import { searchArticles } from '../db/search.js';
import { runDoctor } from '../db/doctor.js';
import type { Migration } from '../db/migrations/types.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { article, tempDir } from './helpers.js';

function fresh() {
  const file = path.join(tempDir(), 'library.sqlite');
  return { file, db: openLibrary(file) };
}

describe('opening a library', () => {
  it('creates the file with WAL, foreign keys and the current schema version', () => {
    const { file, db } = fresh();
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    closeLibrary(db);
  });

  it('refuses a library written by a newer version and leaves the file byte for byte as it was', () => {
    const file = path.join(tempDir(), 'future.sqlite');
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE from_the_future (x)');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = fs.readFileSync(file);

    expect(() => openLibrary(file)).toThrow(LibraryTooNewError);
    expect(() => openLibrary(file)).toThrow(/newer version of Broadsheet.*not changed/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('says clearly when the file is not a library at all', () => {
    const file = path.join(tempDir(), 'notes.sqlite');
    fs.writeFileSync(file, 'these are my notes, not a database'.repeat(100));
    expect(() => openLibrary(file)).toThrow(LibraryOpenError);
    expect(() => openLibrary(file)).toThrow(/notes\.sqlite: not a Broadsheet library/);
  });

  it('upgrades an older library one version at a time, keeping its data', () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const v1 = openLibrary(file);
    const { id } = saveArticle(v1, article({ title: 'Kept through the upgrade' }));
    closeLibrary(v1);

    const m2: Migration = { version: SCHEMA_VERSION + 1, name: 'test', up: (db) => db.exec('ALTER TABLE articles ADD COLUMN extra TEXT') };
    const upgraded = openLibrary(file, { migrations: [...MIGRATIONS, m2] });
    expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(getArticle(upgraded, id)?.title).toBe('Kept through the upgrade');
    closeLibrary(upgraded);
  });

  it('rolls back a migration that fails and stays at the last good version', () => {
    const file = path.join(tempDir(), 'broken.sqlite');
    closeLibrary(openLibrary(file));
    const bad: Migration = {
      version: SCHEMA_VERSION + 1,
      name: 'fails halfway',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => openLibrary(file, { migrations: [...MIGRATIONS, bad] })).toThrow('boom');
    const db = openLibrary(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0);
    closeLibrary(db);
  });
});

describe('storing articles', () => {
  it('stores an article with its figures in order and reads it back', () => {
    const { db } = fresh();
    const { status, id } = saveArticle(
      db,
      article({
        title: 'Harbour reopens',
        figures: [
          { src: 'https://example.com/a.jpg', alt: '', caption: 'The harbour at dawn.' },
          { src: '', alt: 'crowd', caption: 'Crowds on the quay.' },
        ],
      }),
    );
    expect(status).toBe('imported');
    const a = getArticle(db, id)!;
    expect(a.title).toBe('Harbour reopens');
    expect(a.figures.map((f) => [f.position, f.src, f.caption])).toEqual([
      [0, 'https://example.com/a.jpg', 'The harbour at dawn.'],
      [1, '', 'Crowds on the quay.'],
    ]);
    expect(a.isRead).toBe(false);
  });

  it('keeps one article when the same URL or the same text is saved twice', () => {
    const { db } = fresh();
    const first = saveArticle(db, article({ title: 'Same place', url: 'https://news.example/a' }));
    const byUrl = saveArticle(db, article({ title: 'Same place, edited', url: 'https://news.example/a' }));
    expect(byUrl).toEqual({ status: 'duplicate', id: first.id });

    const original = article({ title: 'Same words', text: 'Exactly   the same body.' });
    const a = saveArticle(db, original);
    const b = saveArticle(db, { ...original, title: 'same WORDS', text: 'exactly the same body.', lead: 'other lead' });
    expect(b).toEqual({ status: 'duplicate', id: a.id });
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(2);
  });

  it('finds the same text again whatever its whitespace and case, with the hash libraries already store', () => {
    const messy = contentHash('  Đức \t Nghệ An ', 'Line one.\n\n  Line\u00a0two.\r\n\tThree  \u2003 four. ');
    expect(messy).toBe(contentHash('đức nghệ an', 'line one. line two. three four.'));
    // Stored in every library since the first schema: a change here would stop existing
    // libraries from recognising a second save of an article they hold.
    expect(messy).toBe('a3da0de26e96cbb33877170876472f16d0559a6161fbbe47f7a40cd479717904');
    expect(contentHash('Title', 'one two')).not.toBe(contentHash('Title', 'onetwo'));
  });

  it('deletes figures with their article and keeps the search index in step', () => {
    const { db } = fresh();
    const { id } = saveArticle(db, article({ title: 'Ephemeral zebra', figures: [{ src: '', alt: '', caption: 'A zebra.' }] }));
    expect(searchArticles(db, 'zebra')).toHaveLength(1);
    deleteArticle(db, id);
    expect(db.prepare('SELECT count(*) FROM figures').pluck().get()).toBe(0);
    expect(searchArticles(db, 'zebra')).toEqual([]);
    expect(runDoctor(db).ok).toBe(true);
  });

  it('marks read and starred, and lists by filter', () => {
    const { db } = fresh();
    const a = saveArticle(db, article()).id;
    const b = saveArticle(db, article()).id;
    setRead(db, a, true);
    setStarred(db, b, true);
    expect(listArticles(db, { filter: 'unread' }).map((r) => r.id)).toEqual([b]);
    expect(listArticles(db, { filter: 'starred' }).map((r) => r.id)).toEqual([b]);
    expect(getArticle(db, a)!.isRead).toBe(true);
  });

  it('pages the list by key, newest first, with no gaps or repeats', () => {
    const { db } = fresh();
    for (let i = 0; i < 25; i++) saveArticle(db, article({ publishedAt: Date.UTC(2024, 0, 1 + (i % 7)) }));
    const seen: number[] = [];
    let after: { sortAt: number; id: number } | undefined;
    for (;;) {
      const page = listArticles(db, { limit: 10, after });
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.id));
      const last = page[page.length - 1]!;
      after = { sortAt: last.sortAt, id: last.id };
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const all = listArticles(db, { limit: 100 });
    expect(all.map((r) => r.id)).toEqual(seen);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.sortAt).toBeGreaterThanOrEqual(all[i]!.sortAt);
  });

  it('uses an index, not a scan, for every page of the list', () => {
    const { db } = fresh();
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM articles a WHERE (a.sort_at, a.id) < (1, 1) ORDER BY a.sort_at DESC, a.id DESC LIMIT 50`)
      .all() as Array<{ detail: string }>;
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).toMatch(/USING (COVERING )?INDEX articles_by_time/);
    expect(text).not.toMatch(/TEMP B-TREE/);
  });
});

describe('search', () => {
  it('finds accented words without accents and plain words with accents, đ included', () => {
    const { db } = fresh();
    const vn = saveArticle(db, article({ title: 'Ông Nguyễn Đức Anh về thăm Nghệ An', text: 'Một bài viết.' })).id;
    const plain = saveArticle(db, article({ title: 'Duc and the cafe', text: 'A café in Łódź.' })).id;
    const ids = (q: string) => searchArticles(db, q).map((h) => h.id).sort();
    expect(ids('duc')).toEqual([vn, plain].sort());
    expect(ids('Đức')).toEqual([vn, plain].sort());
    expect(ids('nghe an')).toEqual([vn]);
    expect(ids('NGHỆ AN')).toEqual([vn]);
    expect(ids('cafe')).toEqual([plain]);
    expect(ids('lodz')).toEqual([plain]);
  });

  it('highlights the original accented word in the snippet', () => {
    const { db } = fresh();
    saveArticle(db, article({ title: 'Tin tức', text: 'Ông Nguyễn Đức Anh phát biểu tại Nghệ An hôm nay.' }));
    const [hit] = searchArticles(db, 'duc');
    expect(hit!.snippet).toContain('<mark>Đức</mark>');
    expect(hit!.matchedIn).toEqual(['body']);
  });

  it('ranks a title match above a body match and says when the match was in a caption', () => {
    const { db } = fresh();
    const body = saveArticle(db, article({ title: 'Markets', text: 'A note on the lighthouse keeper.' })).id;
    const title = saveArticle(db, article({ title: 'The lighthouse', text: 'Waves.' })).id;
    const caption = saveArticle(db, article({ title: 'Coast', text: 'Gulls.', figures: [{ src: '', alt: '', caption: 'A lighthouse at dusk.' }] })).id;
    const hits = searchArticles(db, 'lighthouse');
    expect(hits[0]!.id).toBe(title);
    expect(hits.map((h) => h.id)).toContain(body);
    const c = hits.find((h) => h.id === caption)!;
    expect(c.matchedIn).toEqual(['caption']);
    expect(c.snippet).toContain('<mark>lighthouse</mark>');
  });

  it('escapes article text in snippets', () => {
    const { db } = fresh();
    saveArticle(db, article({ text: 'The tag <script>alert(1)</script> appeared in a comment about walruses.' }));
    const [hit] = searchArticles(db, 'walruses');
    expect(hit!.snippet).not.toContain('<script>');
    expect(hit!.snippet).toContain('&#60;script&#62;');
  });

  it.each(['"', 'NEAR(', 'AND OR', 'title:', '*', '-', "'; DROP TABLE articles; --", 'a'.repeat(10_000), '((('])(
    'treats hostile input %# as plain words, never an error',
    (q) => {
      const { db } = fresh();
      saveArticle(db, article({ title: 'Near the title and or', text: 'drop table articles' }));
      expect(() => searchArticles(db, q)).not.toThrow();
      expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(1);
    },
  );
});
