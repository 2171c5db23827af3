/**
 * Deleting articles and marking a whole list read: in the library (a real file), through the API
 * the app calls, and on the command line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { deleteArticles, getArticle, listArticles, markAllRead, saveArticle, setReadMany, setStarred } from '../db/articles.js';
import { getImage, storeImage } from '../db/images.js';
import { openLibrary } from '../db/library.js';
import { searchArticles } from '../db/search.js';
import { createDispatcher } from '../main/api/handlers.js';
import { addFeed, refreshFeeds } from '../main/feeds/refresh.js';
import { removeFeed } from '../db/feeds.js';
import { startFeedServer } from './feeds-server.js';
import { article, REPO, SHARED_FIXTURE, tempDir } from './helpers.js';

function library(): { db: Database; file: string } {
  const file = path.join(tempDir(), 'library.sqlite');
  return { db: openLibrary(file), file };
}

const picture = (db: Database, seed: number) => storeImage(db, { bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, seed]), mime: 'image/png', width: 1, height: 1 });
const count = (db: Database, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('deleting articles', () => {
  it('removes the article, its figures, its place in search, and the pictures nothing else uses', () => {
    const { db } = library();
    const own = picture(db, 1);
    const shared = picture(db, 2);
    const gone = saveArticle(db, article({ title: 'Harbour fire', text: 'The harbour warehouse burned.', figures: [
      { src: 'https://e.example/a.png', alt: '', caption: 'The warehouse', imageHash: own },
      { src: 'https://e.example/b.png', alt: '', caption: 'The quay', imageHash: shared },
    ] })).id;
    const kept = saveArticle(db, article({ title: 'Quay reopens', figures: [{ src: 'https://e.example/b.png', alt: '', caption: 'The quay', imageHash: shared }] })).id;

    expect(deleteArticles(db, [gone, 12345])).toBe(1);
    expect(getArticle(db, gone)).toBeNull();
    expect(searchArticles(db, 'warehouse')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM figures WHERE article_id = ?').pluck().get(gone)).toBe(0);
    expect(getImage(db, own)).toBeNull(); // the library held the only copy: its space comes back
    expect(getImage(db, shared)).not.toBeNull(); // still shown by "Quay reopens"
    expect(getArticle(db, kept)?.figures.map((f) => f.imageHash)).toEqual([shared]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('remembers a deleted feed item by its guid, and nothing for a saved file', () => {
    const { db } = library();
    const source = Number(db.prepare("INSERT INTO sources (name, kind, url, created_at) VALUES ('Quay notes', 'feed', 'https://e.example/feed.xml', 0)").run().lastInsertRowid);
    const item = saveArticle(db, article({ title: 'Ferry times change' })).id;
    db.prepare("UPDATE articles SET source_id = ?, guid = 'tag:e.example,2024:ferry' WHERE id = ?").run(source, item);
    const file = saveArticle(db, article({ title: 'A saved file' })).id;
    expect(deleteArticles(db, [item, file])).toBe(2);
    expect(db.prepare('SELECT source_id AS source, guid FROM dismissed_items').all()).toEqual([{ source, guid: 'tag:e.example,2024:ferry' }]);
  });
});

describe('deleting feed items', () => {
  it('keeps a deleted item deleted when the feed still carries it, and forgets it with the feed', async () => {
    const server = await startFeedServer();
    const item = (n: number) => `<item><title>Tide report ${n}</title><guid isPermaLink="false">tide-${n}</guid><description><![CDATA[<p>${'High water at noon, low water at dusk; the harbour master asks boats to keep clear of the slipway. '.repeat(8)}${n}</p>]]></description></item>`;
    const tides = (...items: number[]) =>
      server.route('/tides.rss', { type: 'application/rss+xml', body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Tides</title><link>${server.url('/')}</link><description>t</description>${items.map(item).join('')}</channel></rss>` });
    tides(1, 2);
    const { db } = library();
    const { feed } = await addFeed(db, server.url('/tides.rss'), { images: false, fullText: false });
    const titles = () => listArticles(db).map((a) => a.title).sort();
    expect(titles()).toEqual(['Tide report 1', 'Tide report 2']);

    const first = listArticles(db).find((a) => a.title === 'Tide report 1')!.id;
    expect(deleteArticles(db, [first])).toBe(1);
    tides(3, 2, 1); // a new item on top: the feed is read again, the deleted one still in it
    const [again] = await refreshFeeds(db, { ids: [feed.id], images: false });
    expect(titles()).toEqual(['Tide report 2', 'Tide report 3']);
    expect(again).toMatchObject({ new: 1 });

    expect(removeFeed(db, feed.id)).toMatchObject({ deleted: 2 });
    expect(count(db, 'dismissed_items')).toBe(0);
    await server.close();
  });
});

describe('marking a list read', () => {
  it('marks every unread article of the list (all, starred, one source), and can be undone', () => {
    const { db } = library();
    const ids = [1, 2, 3, 4].map((i) => saveArticle(db, article({ title: `Story ${i}`, source: i % 2 ? 'Odd Wire' : 'Even Post' })).id);
    setStarred(db, ids[0]!, true);
    const unread = () => listArticles(db, { filter: 'unread' }).map((a) => a.id).sort();

    expect(markAllRead(db, { filter: 'starred' })).toEqual([ids[0]]);
    const even = listArticles(db, {}).find((a) => a.source === 'Even Post')!.sourceId!;
    expect(markAllRead(db, { sourceId: even }).sort()).toEqual([ids[1], ids[3]].sort());
    expect(unread()).toEqual([ids[2]]);
    const changed = markAllRead(db);
    expect(changed).toEqual([ids[2]]);
    expect(unread()).toEqual([]);

    expect(setReadMany(db, changed, false)).toBe(1); // undo
    expect(unread()).toEqual([ids[2]]);
  });
});

describe('through the API the app calls', () => {
  it('deletes, marks all read, undoes, and refuses requests that are not lists of ids', async () => {
    const { db } = library();
    const dispatch = createDispatcher(db);
    const [a, b] = [saveArticle(db, article()).id, saveArticle(db, article()).id];
    expect(await dispatch('markAllRead', {})).toEqual({ ids: [a, b] });
    expect(await dispatch('setReadMany', { ids: [a], read: false })).toEqual({ changed: 1 });
    expect(await dispatch('deleteArticles', { ids: [b] })).toEqual({ deleted: 1 });
    expect(listArticles(db).map((r) => [r.id, r.isRead])).toEqual([[a, false]]);
    for (const bad of [{}, { ids: [] }, { ids: ['1'] }, { ids: [0] }, { ids: [1], extra: true }]) {
      await expect(dispatch('deleteArticles', bad)).rejects.toThrow();
    }
  });
});

describe('on the command line', () => {
  const bin = path.join(REPO, 'main/cli/bin.mjs');
  const broadsheet = (db: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('deletes by id, names an id it does not know, and marks everything read', () => {
    const file = path.join(tempDir(), 'library.sqlite');
    expect(broadsheet(file, 'import', SHARED_FIXTURE, path.join(REPO, 'tests/fixtures/articles')).code).toBe(0);
    const before = JSON.parse(broadsheet(file, 'list', '--json', '--limit', '100').stdout) as Array<{ id: number; title: string }>;
    const belarus = before.find((a) => a.title === "Belarus's Choice: NATO or Russia?")!;

    const del = broadsheet(file, 'delete', String(belarus.id), '9999');
    expect(del.stdout).toBe(`deleted  #${belarus.id}  Belarus's Choice: NATO or Russia?\n`);
    expect(del.stderr).toBe('broadsheet: no article with id 9999\n');
    expect(del.code).toBe(1);
    expect(broadsheet(file, 'search', 'lukashenko').stderr).toBe('Nothing matches "lukashenko".\n');
    expect(broadsheet(file, 'delete', 'first').code).toBe(2);

    const marked = broadsheet(file, 'mark-read', '--all');
    expect(marked.stderr).toBe(`${before.length - 1} marked as read\n`);
    expect(broadsheet(file, 'doctor').stdout).toContain(`articles:       ${before.length - 1} (0 unread, 0 starred)`);
    expect(broadsheet(file, 'mark-read').code).toBe(2);
  });
});
