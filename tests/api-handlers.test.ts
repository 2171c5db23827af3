import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveArticle } from '../db/articles.js';
import { openLibrary } from '../db/library.js';
import { createDispatcher } from '../main/api/handlers.js';
import type { ArticleView, ImportResult, ListPage, Settings, Sidebar } from '../preload/api.js';
import { SHARED_FIXTURE, article, tempDir } from './helpers.js';

function library() {
  const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
  return { db, dispatch: createDispatcher(db) };
}

describe('failures', () => {
  it("say SQLite's reason in plain words, for the page to show after \"Could not …\"", async () => {
    const file = path.join(tempDir(), 'library.sqlite');
    const writable = openLibrary(file);
    saveArticle(writable, article());
    writable.close();
    const dispatch = createDispatcher(openLibrary(file, { readonly: true }));
    await expect(dispatch('markAllRead', {})).rejects.toThrow(/^the library is read-only \(check the file and folder permissions\)$/);
  });
});

describe('the handler table', () => {
  it('imports files sent by the page, one outcome per file', async () => {
    const { dispatch } = library();
    const res = (await dispatch('importFiles', {
      files: [
        { name: 'belarus.txt', content: fs.readFileSync(SHARED_FIXTURE, 'utf8') },
        { name: 'empty.md', content: '' },
        { name: 'slides.pdf', content: '%PDF-1.7' },
      ],
    })) as ImportResult;
    expect(res).toMatchObject({ imported: 1, duplicates: 0, failed: 2 });
    expect(res.items.map((i) => [i.name, i.status])).toEqual([
      ['belarus.txt', 'imported'],
      ['empty.md', 'failed'],
      ['slides.pdf', 'failed'],
    ]);
    const page = (await dispatch('listArticles', {})) as ListPage;
    expect(page.rows.map((r) => r.title)).toEqual(["Belarus's Choice: NATO or Russia?"]);
    expect(page.next).toBeNull();
  });

  it('reads files sent as bytes the way `broadsheet import` does: the page\'s charset, and no guessing for text', async () => {
    const { dispatch } = library();
    const prose = '<p>The council voted on Tuesday to allow tables on the pavement, a change owners had asked for.</p>'.repeat(4);
    const page = `<!doctype html><meta charset="windows-1252"><title>Caf\u00e9 \u201csmart\u201d rules</title><article>${prose}</article>`;
    const cp1252 = (text: string) => Buffer.from([...text].map((c) => ({ '\u201c': 0x93, '\u201d': 0x94 })[c] ?? c.charCodeAt(0)));
    const res = (await dispatch('importFiles', {
      files: [
        { name: 'cafe.html', data: cp1252(page).toString('base64') },
        { name: 'notes.txt', data: cp1252('Caf\u00e9 notes\n\nWritten in an old editor.\n').toString('base64') },
        { name: 'scan.txt', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]).toString('base64') },
      ],
    })) as ImportResult;
    expect(res.items.map((i) => [i.name, i.status, 'reason' in i ? i.reason : i.title])).toEqual([
      ['cafe.html', 'imported', 'Caf\u00e9 \u201csmart\u201d rules'],
      ['notes.txt', 'failed', 'not valid UTF-8 (first bad byte at offset 3)'],
      ['scan.txt', 'failed', expect.stringMatching(/^not a text file/)],
    ]);
    await expect(dispatch('importFiles', { files: [{ name: 'a.txt', content: 'x', data: 'eA==' }] })).rejects.toThrow();
    await expect(dispatch('importFiles', { files: [{ name: 'a.txt' }] })).rejects.toThrow();
  });

  it('adds the sample article once, with its stored picture and caption', async () => {
    const { dispatch } = library();
    const { id } = (await dispatch('addSample', {})) as { id: number };
    expect(((await dispatch('addSample', {})) as { id: number }).id).toBe(id);
    const a = (await dispatch('getArticle', { id })) as ArticleView;
    expect(a.title).toBe('Welcome to Broadsheet');
    expect(a.figures).toHaveLength(1);
    expect(a.figures[0]!.image).toMatch(/^[0-9a-f]{64}$/);
    expect(a.figures[0]!.caption).toMatch(/caption/);
    expect(a.html).toContain('<figure data-figure="0">');
    const rows = ((await dispatch('listArticles', {})) as ListPage).rows;
    expect(rows[0]!.thumbnail).toBe(a.figures[0]!.image);
  });

  it('marks read and starred, and the sidebar counts follow', async () => {
    const { dispatch } = library();
    const { id } = (await dispatch('addSample', {})) as { id: number };
    await dispatch('setStarred', { id, starred: true });
    await dispatch('setRead', { id, read: true });
    const s = (await dispatch('sidebar', {})) as Sidebar;
    expect(s).toMatchObject({ all: 1, unread: 0, starred: 1 });
    expect(s.sources).toEqual([{ id: expect.any(Number), name: 'Broadsheet', total: 1, unread: 0 }]);
  });

  it('keeps reader settings, with defaults for what was never set', async () => {
    const { dispatch } = library();
    expect(await dispatch('getSettings', {})).toEqual({ theme: 'system', fontSize: 18, lineWidth: 'medium' });
    const s = (await dispatch('setSettings', { theme: 'sepia', fontSize: 20 })) as Settings;
    expect(s).toEqual({ theme: 'sepia', fontSize: 20, lineWidth: 'medium' });
    await expect(dispatch('setSettings', { theme: 'neon' })).rejects.toThrow(/invalid request for setSettings \(theme\)/);
    expect(((await dispatch('getSettings', {})) as Settings).theme).toBe('sepia');
  });

  const bad: Array<[string, unknown]> = [
    ['getArticle', undefined],
    ['getArticle', { id: -1 }],
    ['getArticle', { id: 1.5 }],
    ['getArticle', { id: '1' }],
    ['getArticle', { id: 1, extra: true }],
    ['getArticle', [1]],
    ['getArticle', 'id=1'],
    ['setRead', { id: 1 }],
    ['setStarred', { id: 1, starred: 'yes' }],
    ['listArticles', { limit: 1e9 }],
    ['listArticles', { filter: 'everything' }],
    ['listArticles', { after: { sortAt: 'x', id: 1 } }],
    ['search', { query: 'x'.repeat(20_000) }],
    ['search', { query: 42 }],
    ['importFiles', { files: [] }],
    ['importFiles', { files: [{ name: 'a.txt' }] }],
    ['importFiles', { files: Array.from({ length: 501 }, (_, i) => ({ name: `${i}.txt`, content: 'x' })) }],
    ['setSettings', { fontSize: 400 }],
    ['__proto__', {}],
    ['constructor', {}],
    ['openExternal', { url: 'https://example.com' }],
  ];
  it.each(bad)('refuses %s with %j with a clear error, and keeps working', async (channel, payload) => {
    const { dispatch } = library();
    await expect(dispatch(channel, payload)).rejects.toThrow(/^(invalid request for \w+|unknown call)/);
    expect(await dispatch('sidebar', {})).toMatchObject({ all: 0 });
  });

  it('answers an article that does not exist with null, not an error', async () => {
    const { dispatch } = library();
    expect(await dispatch('getArticle', { id: 12345 })).toBeNull();
  });
});
