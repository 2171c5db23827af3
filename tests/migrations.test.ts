import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getArticle, saveArticle } from '../db/articles.js';
import { closeLibrary, openLibrary, SCHEMA_VERSION } from '../db/library.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { search } from '../db/search.js';
import { article, tempDir } from './helpers.js';

/**
 * A library written at every earlier schema version opens with this version, upgrades, and keeps
 * its data. Old libraries are built with the migrations as they were at that version (migrations
 * never change once shipped, so this is the same file an old Broadsheet wrote).
 */
describe('upgrading libraries from every earlier version', () => {
  it('has consecutive versions ending at SCHEMA_VERSION', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))('from schema %i', (version) => {
    const file = path.join(tempDir(), `v${version}.sqlite`);
    const old = openLibrary(file, { migrations: MIGRATIONS.slice(0, version) });
    expect(old.pragma('user_version', { simple: true })).toBe(version);
    const { id } = saveArticle(
      old,
      article({ title: `Written by schema ${version}: Nghệ An harbour`, figures: [{ src: '', alt: '', caption: 'The quay at dawn.' }] }),
    );
    old.prepare('UPDATE articles SET is_starred = 1 WHERE id = ?').run(id);
    const other = saveArticle(old, article({ title: 'Αθήνα: नमस्ते दुनिया', text: 'Ο Οδυσσέας περπάτησε. 北京市政府今天宣布。' })).id;
    const vietnamese = saveArticle(old, article({ title: 'Hội nghị', text: 'Chiều nay, Ủy ban nhân dân tỉnh đã tổ chức hội nghị tổng kết công tác phòng chống thiên tai.' })).id;
    closeLibrary(old);

    const db = openLibrary(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const a = getArticle(db, id)!;
    expect(a.title).toBe(`Written by schema ${version}: Nghệ An harbour`);
    expect(a.isStarred).toBe(true);
    expect(a.figures.map((f) => f.caption)).toEqual(['The quay at dawn.']);
    // Articles saved before 009 get the language their letters say; English ones stay unknown.
    expect([a.lang, getArticle(db, vietnamese)!.lang]).toEqual([null, 'vi']);
    expect(search(db, 'nghe an').hits.map((h) => h.id)).toEqual([id]);
    expect(search(db, 'caption:quay').hits.map((h) => h.id)).toEqual([id]);
    // The index is rebuilt for Greek accents and whole Hindi words (007), and stays in step after.
    expect(search(db, 'αθηνα οδυσσεας').hits.map((h) => h.id)).toEqual([other]);
    expect(search(db, 'दिन').hits).toEqual([]);
    expect(search(db, '政府').hits.map((h) => h.snippet)).toEqual([expect.stringContaining('北京市<mark>政府</mark>今天宣布')]);
    db.prepare("UPDATE articles SET title = 'Renamed' WHERE id = ?").run(other);
    expect(search(db, 'αθηνα').hits).toEqual([]);
    expect(search(db, 'renamed').hits.map((h) => h.id)).toEqual([other]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    closeLibrary(db);
  });
});
