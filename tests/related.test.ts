import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../db/library.js';
import { saveArticle } from '../db/articles.js';
import { relatedArticles } from '../db/related.js';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../db/saved-searches.js';
import { search } from '../db/search.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { article, REPO, SHARED_FIXTURE, tempDir } from './helpers.js';

function library() {
  const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
  const belarus = saveArticle(db, parseScrapedText(fs.readFileSync(SHARED_FIXTURE, 'utf8'))).id;
  // Everything else in the fixtures folder: other subjects entirely.
  const dir = path.join(REPO, 'tests/fixtures/articles');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
    saveArticle(db, parseScrapedText(fs.readFileSync(path.join(dir, f), 'utf8')));
  }
  for (let i = 0; i < 6; i++) saveArticle(db, article({ title: `Harbour notes ${i}`, text: `Boats, nets and gulls on day ${i}. The ferry was late.` }));
  return { db, belarus };
}

describe('related articles', () => {
  it('finds saved articles about the same thing, best first, never the article itself', () => {
    const { db, belarus } = library();
    const lukashenko = saveArticle(db, article({ title: 'Lukashenko meets Kremlin envoys in Minsk', text: 'Belarusian officials discussed the special forces agreement with Moscow and NATO exercises near the border.' })).id;
    const minsk = saveArticle(db, article({ title: 'Minsk hosts regional talks', text: 'Belarusian diplomats and NATO observers met in Minsk.' })).id;
    const related = relatedArticles(db, belarus);
    expect(related.length).toBeGreaterThanOrEqual(2);
    expect(related.length).toBeLessThanOrEqual(5);
    expect(related.map((r) => r.id).slice(0, 2).sort()).toEqual([lukashenko, minsk].sort());
    expect(related.map((r) => r.id)).not.toContain(belarus);
    expect(related.some((r) => r.title.startsWith('Harbour notes'))).toBe(false);
    expect(related[0]).toMatchObject({ title: expect.any(String), source: expect.anything() });
  });

  it('returns nothing rather than noise when no other article shares its subject', () => {
    const { db } = library();
    const lonely = saveArticle(db, article({ title: 'Xylophone quartet zigzags', lead: 'Zither zephyrs.', text: 'Quixotic xylophonists zigzagged through Zanzibar.' })).id;
    expect(relatedArticles(db, lonely)).toEqual([]);
    expect(relatedArticles(db, 999_999)).toEqual([]);
  });

  it('uses at most five by default and honours a smaller limit', () => {
    const { db } = library();
    const first = saveArticle(db, article({ title: 'Ferry timetable changes', text: 'The ferry and the boats and the gulls.' })).id;
    expect(relatedArticles(db, first).length).toBe(5);
    expect(relatedArticles(db, first, 2).length).toBe(2);
  });
});

describe('saved searches', () => {
  it('keeps a query with its live count, renames on a second save, and deletes', () => {
    const { db } = library();
    const s = saveSearch(db, 'ferry', 'Ferries');
    const before = search(db, 'ferry').total;
    expect(before).toBeGreaterThanOrEqual(6);
    expect(s).toMatchObject({ name: 'Ferries', query: 'ferry', count: before });
    saveArticle(db, article({ title: 'Another ferry', text: 'New route.' }));
    expect(listSavedSearches(db)).toEqual([{ id: s.id, name: 'Ferries', query: 'ferry', count: before + 1 }]);
    expect(saveSearch(db, 'ferry', 'Boats').id).toBe(s.id);
    expect(listSavedSearches(db).map((x) => x.name)).toEqual(['Boats']);
    expect(deleteSavedSearch(db, s.id)).toBe(true);
    expect(listSavedSearches(db)).toEqual([]);
  });
});
