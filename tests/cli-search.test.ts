/**
 * `broadsheet search` says when a query matched more articles than it ranks (db/search.ts
 * RANK_LIMIT), so that a reader who does not see an old article knows why and what to do.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveArticle } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { RANK_LIMIT } from '../db/search.js';
import { article, REPO, tempDir } from './helpers.js';

describe('broadsheet search on a large library', () => {
  it('says how many matched and which were ranked when there are too many to rank', () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const db = openLibrary(file);
    db.transaction(() => {
      for (let i = 0; i <= RANK_LIMIT; i++) saveArticle(db, article({ title: `Bulletin ${i}`, text: `Tide tables for day ${i}.` }));
    })();
    closeLibrary(db);
    const run = (query: string) => spawnSync(process.execPath, [path.join(REPO, 'main/cli/bin.mjs'), '--db', file, 'search', query, '--limit', '1'], { encoding: 'utf8' });
    const many = run('tide');
    expect(many.status).toBe(0);
    expect(many.stderr).toBe('5,001 matches: ranked are the 5,000 most recently saved and every one whose title matches; add words to find older ones.\n');
    expect(run('bulletin 17').stderr).toBe('');
  });
});
