import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary } from '../db/library.js';
import { saveParsed } from '../main/ingest/import.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { REPO, SHARED_FIXTURE, tempDir } from './helpers.js';

const belarus = parseScrapedText(fs.readFileSync(SHARED_FIXTURE, 'utf8'));
const variant = (i: number) => ({ ...belarus, title: `${belarus.title} (${i})`, text: `${belarus.text} ${'Filler sentence. '.repeat(400)} ${i}` });

describe('storage full or read-only', () => {
  it('a full disk fails the articles that do not fit with a clear reason, and keeps everything else whole', () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const db = openLibrary(file);
    const first = saveParsed(db, [{ file: 'first.txt', article: variant(0) }]);
    expect(first[0]!.status).toBe('imported');
    // Pretend the disk is nearly full: SQLite may not grow the file by more than a few pages.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 8}`);
    const items = saveParsed(
      db,
      Array.from({ length: 30 }, (_, i) => ({ file: `more-${i}.txt`, article: variant(i + 1) })),
    );
    const failed = items.filter((i) => i.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.status === 'failed' && f.reason).toBe('could not be stored: the disk is full (nothing was half-written; free some space and try again)');
    const stored = items.filter((i) => i.status === 'imported').length;
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(1 + stored);
    expect(db.prepare('SELECT count(*) FROM figures').pluck().get()).toBe(3 * (1 + stored));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    closeLibrary(db);
    // Nothing half-written after the fact either.
    const again = openLibrary(file);
    expect(again.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(1 + stored);
    closeLibrary(again);
  });

  it('a batch SQLite has to roll back whole is stored again one article at a time: only the one that does not fit fails', () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const db = openLibrary(file);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 60}`);
    // A picture kept as a data: address of 1.5 MB. Writing its figure finds the disk full in a
    // statement SQLite answers by rolling back the whole transaction, not only this article.
    const big = { ...variant(0), title: 'Too big', figures: [{ src: `data:image/png;base64,${'iVBORw0KGgo'.repeat(140_000)}`, alt: '', caption: 'A map' }] };
    const small = Array.from({ length: 20 }, (_, i) => ({ file: `small-${i}.txt`, article: { ...variant(i + 1), text: `Short ${i}.`, figures: [] } }));
    const items = saveParsed(db, [...small.slice(0, 5), { file: 'big.html', article: big }, ...small.slice(5)]);
    expect(items.filter((i) => i.status === 'failed')).toEqual([
      { path: 'big.html', status: 'failed', reason: 'could not be stored: the disk is full (nothing was half-written; free some space and try again)' },
    ]);
    expect(items.filter((i) => i.status === 'imported').map((i) => i.path)).toEqual(small.map((s) => s.file));
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(20);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    closeLibrary(db);
  });

  it.skipIf(process.platform === 'win32')('a real import: one file too big for the space left fails alone, and the files that fit are imported', () => {
    const dir = tempDir();
    const lib = path.join(dir, 'library.sqlite');
    const files = path.join(dir, 'files');
    fs.mkdirSync(files);
    // 1.5 MB of words: with its place in the search index, far more than the library may grow.
    const words = Array.from({ length: 150_000 }, (_, i) => `word${i % 9973}`).join(' ');
    fs.writeFileSync(path.join(files, 'big.txt'), `A very long read\n\n${words.slice(0, 1_500_000)}`);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(files, `tiny-${String(i).padStart(2, '0')}.txt`), `Tiny note ${i}\n\nA short note, number ${i}.`);
    // The disk is nearly full: no file the import writes may grow past 1 MB (RLIMIT_FSIZE, counted
    // in 512-byte blocks). The batch of 21 cannot be committed; files one by one can.
    const r = spawnSync('/bin/sh', ['-c', 'ulimit -f 2048 && exec "$0" "$@"', process.execPath, path.join(REPO, 'main/cli/bin.mjs'), '--db', lib, 'import', files], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr.trim()).toBe('20 imported, 0 duplicates, 1 failed');
    expect(r.status).toBe(1);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('failed'));
    expect(failed).toEqual([
      `failed     ${path.join(files, 'big.txt')}: could not be stored: the disk could not be written (it may be full, failing or disconnected; nothing was half-written)`,
    ]);
    const db = openLibrary(lib);
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(20);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    closeLibrary(db);
  });

  it('a read-only library says so for every file and changes nothing', () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const db = openLibrary(file);
    saveParsed(db, [{ file: 'first.txt', article: variant(0) }]);
    closeLibrary(db);
    const ro = openLibrary(file, { readonly: true });
    const items = saveParsed(ro, [
      { file: 'a.txt', article: variant(1) },
      { file: 'b.txt', error: 'empty file' },
    ]);
    expect(items).toEqual([
      { path: 'a.txt', status: 'failed', reason: 'could not be stored: the library is read-only (check the file and folder permissions)' },
      { path: 'b.txt', status: 'failed', reason: 'empty file' },
    ]);
    expect(ro.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(1);
    closeLibrary(ro);
  });
});
