import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveArticle } from '../db/articles.js';
import { BackupError, backupLibrary, checkLibraryFile, dailyBackup, KEEP_BACKUPS, listBackups, restoreLibrary } from '../db/backup.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { article, REPO, tempDir } from './helpers.js';

const count = (file: string) => {
  const db = openLibrary(file, { readonly: true });
  const n = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
  closeLibrary(db);
  return n;
};

describe('backups', () => {
  it('copies an open library with its latest writes, still in the WAL', async () => {
    const dir = tempDir();
    const db = openLibrary(path.join(dir, 'library.sqlite'));
    for (let i = 0; i < 20; i++) saveArticle(db, article());
    expect(fs.statSync(path.join(dir, 'library.sqlite-wal')).size).toBeGreaterThan(0);
    const copy = await backupLibrary(db, path.join(dir, 'copy.sqlite'));
    expect(checkLibraryFile(copy)).toEqual({ schemaVersion: expect.any(Number), articles: 20 });
    closeLibrary(db);
  });

  it('makes at most one backup a day and keeps the last few', async () => {
    const dir = tempDir();
    const db = openLibrary(path.join(dir, 'library.sqlite'));
    saveArticle(db, article());
    const backups = path.join(dir, 'backups');
    const day = 24 * 3600 * 1000;
    const start = Date.UTC(2026, 0, 1, 9);
    expect(await dailyBackup(db, backups, start)).toMatch(/library-2026-01-01T090000\.sqlite$/);
    expect(await dailyBackup(db, backups, start + 3600 * 1000)).toBeNull();
    for (let d = 1; d <= 7; d++) await dailyBackup(db, backups, start + d * day);
    const kept = listBackups(backups).map((f) => path.basename(f));
    expect(kept).toHaveLength(KEEP_BACKUPS);
    expect(kept[0]).toBe('library-2026-01-08T090000.sqlite');
    closeLibrary(db);
  });

  it('restores a good backup and keeps the library it replaced', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.sqlite');
    const db = openLibrary(file);
    saveArticle(db, article({ title: 'Kept in the backup' }));
    const backup = await backupLibrary(db, path.join(dir, 'b.sqlite'));
    saveArticle(db, article({ title: 'Written after the backup' }));
    closeLibrary(db);
    const { articles, previous } = await restoreLibrary(backup, file);
    expect(articles).toBe(1);
    expect(count(file)).toBe(1);
    expect(count(previous!)).toBe(2);
  });

  it('refuses a damaged backup, a backup from the future, and a library that is open', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.sqlite');
    const db = openLibrary(file);
    for (let i = 0; i < 200; i++) saveArticle(db, article({ text: 'x'.repeat(2000) }));
    const good = await backupLibrary(db, path.join(dir, 'good.sqlite'));

    const damaged = path.join(dir, 'damaged.sqlite');
    const bytes = fs.readFileSync(good);
    bytes.fill(0x41, 8192, 40960); // overwrite b-tree pages in the middle
    fs.writeFileSync(damaged, bytes);
    await expect(restoreLibrary(damaged, file)).rejects.toThrow(BackupError);
    await expect(restoreLibrary(damaged, file)).rejects.toThrow(/damaged\.sqlite: (fails SQLite's integrity check|not a readable library)/);

    const notes = path.join(dir, 'notes.sqlite');
    fs.writeFileSync(notes, 'not a database at all');
    await expect(restoreLibrary(notes, file)).rejects.toThrow(/not a readable library/);

    // The library is open (here by this process): never replaced under the running app, not even
    // by the start-up check's restore of a damaged library (the app closes its own connection first).
    await expect(restoreLibrary(good, file)).rejects.toThrow(/the library is open/);
    await expect(restoreLibrary(good, file, { damaged: true })).rejects.toThrow(/the library is open/);
    expect(count(file)).toBe(200);
    expect(fs.readdirSync(dir).filter((n) => /before-restore|damaged-/.test(n))).toEqual([]);
    closeLibrary(db);
  });

  it('writes each backup as one file that needs nothing beside it', async () => {
    const dir = tempDir();
    const db = openLibrary(path.join(dir, 'library.sqlite'));
    saveArticle(db, article());
    const copy = await backupLibrary(db, path.join(dir, 'copy.sqlite'));
    closeLibrary(db);
    expect(fs.readFileSync(copy).subarray(18, 20)).toEqual(Buffer.from([1, 1])); // rollback journal, not WAL
    expect(checkLibraryFile(copy).articles).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['copy.sqlite', 'library.sqlite']);
  });
});

describe('broadsheet backup and restore', () => {
  const bin = path.join(REPO, 'main/cli/bin.mjs');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('backs up beside the library by default and restores from it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.sqlite');
    const db = openLibrary(file);
    saveArticle(db, article({ title: 'Only one' }));
    closeLibrary(db);
    const b = run('--db', file, 'backup');
    expect(b.status).toBe(0);
    const backup = /backed up to (.*)$/m.exec(b.stdout)![1]!;
    expect(path.dirname(backup)).toBe(path.join(dir, 'backups'));

    const db2 = openLibrary(file);
    saveArticle(db2, article({ title: 'Second' }));
    closeLibrary(db2);
    const r = run('--db', file, 'restore', backup);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('restored 1 article from');
    expect(count(file)).toBe(1);

    const bad = run('--db', file, 'restore', path.join(dir, 'nope.sqlite'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/nope\.sqlite: no such file/);
  });
});
