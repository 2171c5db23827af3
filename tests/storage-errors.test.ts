import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary } from '../db/library.js';
import { saveParsed } from '../main/ingest/import.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { SHARED_FIXTURE, tempDir } from './helpers.js';

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
