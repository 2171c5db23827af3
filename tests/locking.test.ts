/**
 * Another program writing to the library (the CLI importing 20,000 files, the app) holds SQLite's
 * write lock while it commits. Everything that writes must wait for it (busy_timeout, 5 s) and then
 * succeed, never fail at once with "database is locked".
 *
 * A transaction that begins with a read and then writes cannot wait: SQLite does not call the busy
 * handler to turn a read transaction into a write one. So each test here holds the lock in a
 * second, real process for a while, and runs the operation meanwhile: on a deferred transaction it
 * failed at once; begun IMMEDIATE, it waits for the lock and succeeds.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteArticles, getArticle, markAllRead, saveArticle, setReadMany, setStarred } from '../db/articles.js';
import { getFeed, insertFeed, recordFeedFailure, removeFeed, storeFeedItem } from '../db/feeds.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { refreshFeeds } from '../main/feeds/refresh.js';
import { deadPort } from './net-server.js';
import { apiHost, article, REPO, tempDir } from './helpers.js';

const BIN = path.join(REPO, 'main/cli/bin.mjs');
/**
 * How long the lock is held while a `broadsheet` command runs: long enough for the command to
 * start (a second or two on a busy machine) and reach its write while the lock is still held,
 * short of the 5 s it waits.
 */
const HOLD_MS = 4000;

/**
 * Another process that takes the library's write lock (BEGIN IMMEDIATE, then a write) and keeps it
 * for `ms` before it commits. Resolves once the lock is held.
 */
async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO settings (key, value) VALUES ('held', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
    process.stdout.write('held\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the process holding the lock ended first (exit ${code})`)));
  });
  return { released };
}

function library(): { file: string; db: Database } {
  const file = path.join(tempDir('broadsheet-locking-'), 'library.sqlite');
  return { file, db: openLibrary(file) };
}

/** Runs `fn` while another process holds the write lock for `ms`; how long it took, and what it returned. */
async function whileLocked<T>(file: string, ms: number, fn: () => T): Promise<{ result: T; waitedMs: number }> {
  const holder = await holdWriteLock(file, ms);
  const start = Date.now();
  try {
    const result = fn();
    return { result, waitedMs: Date.now() - start };
  } finally {
    await holder.released;
  }
}

function broadsheet(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function feedWithArticles(db: Database, url: string, starred: boolean): number {
  const id = insertFeed(db, { url, title: 'Quay notes' });
  for (let i = 0; i < 3; i++) {
    const { id: a } = storeFeedItem(db, id, { ...article(), guid: `${url}#${i}`, itemHash: `h${i}` });
    if (starred && i === 0) setStarred(db, a, true);
  }
  return id;
}

describe('writing while another program holds the write lock', () => {
  it('deleting articles waits for the lock, then deletes them (and remembers the feed items)', async () => {
    const { file, db } = library();
    const feed = feedWithArticles(db, 'https://e.example/feed.xml', false);
    const ids = [saveArticle(db, article()).id, saveArticle(db, article()).id];
    const item = db.prepare<[number], number>('SELECT id FROM articles WHERE source_id = ? LIMIT 1').pluck().get(feed)!;
    const { result, waitedMs } = await whileLocked(file, 600, () => deleteArticles(db, [...ids, item]));
    expect(result).toBe(3);
    expect(waitedMs).toBeGreaterThan(300);
    for (const id of ids) expect(getArticle(db, id)).toBeNull();
    expect(db.prepare('SELECT count(*) FROM dismissed_items').pluck().get()).toBe(1);
    closeLibrary(db);
  });

  it('marking a list read waits for the lock, then marks every unread one', async () => {
    const { file, db } = library();
    const ids = Array.from({ length: 5 }, () => saveArticle(db, article()).id);
    const { result } = await whileLocked(file, 600, () => markAllRead(db));
    expect(result.sort()).toEqual(ids.sort());
    const again = await whileLocked(file, 300, () => setReadMany(db, ids, false));
    expect(again.result).toBe(5);
    closeLibrary(db);
  });

  it('removing a feed waits for the lock, then removes it and keeps its starred article', async () => {
    const { file, db } = library();
    const feed = feedWithArticles(db, 'https://e.example/feed.xml', true);
    const { result } = await whileLocked(file, 600, () => removeFeed(db, feed));
    expect(result).toEqual({ deleted: 2, keptStarred: 1 });
    expect(getFeed(db, feed)).toBeNull();
    closeLibrary(db);
  });

  it("recording a feed's failure waits for the lock, then records it with its backoff", async () => {
    const { file, db } = library();
    const feed = insertFeed(db, { url: 'https://e.example/feed.xml', title: 'Quay notes' });
    const { result } = await whileLocked(file, 600, () => recordFeedFailure(db, feed, 'the server answered 500', 1_000));
    expect(result.failures).toBe(1);
    expect(getFeed(db, feed)).toMatchObject({ failures: 1, lastError: 'the server answered 500', nextAttemptAt: result.nextAttemptAt });
    closeLibrary(db);
  });

  it('a refresh of feeds that fail reports and records every one of them', async () => {
    const { file, db } = library();
    const port = await deadPort();
    const feeds = [1, 2, 3].map((n) => insertFeed(db, { url: `http://127.0.0.1:${port}/feed-${n}.xml`, title: `Feed ${n}` }));
    const holder = await holdWriteLock(file, 800);
    const results = await refreshFeeds(db, { images: false, timeoutMs: 3000 });
    await holder.released;
    expect(results.map((r) => [r.id, r.status])).toEqual(feeds.map((id) => [id, 'failed']));
    for (const id of feeds) expect(getFeed(db, id)).toMatchObject({ failures: 1, lastError: expect.stringContaining(`127.0.0.1:${port}`) });
    closeLibrary(db);
  });

  it('the web API deletes articles and marks them read while the CLI holds the lock', async () => {
    const { file, db } = library();
    const ids = Array.from({ length: 4 }, () => saveArticle(db, article()).id);
    const { host, call } = await apiHost(db);
    try {
      let holder = await holdWriteLock(file, 600);
      expect(await call('markAllRead', {})).toMatchObject({ ok: true });
      await holder.released;
      holder = await holdWriteLock(file, 600);
      expect(await call('deleteArticles', { ids: ids.slice(0, 2) })).toMatchObject({ ok: true });
      await holder.released;
      expect(db.prepare('SELECT count(*) FROM articles WHERE is_read = 1').pluck().get()).toBe(2);
    } finally {
      await host.close();
      closeLibrary(db);
    }
  });
});

describe('the command line while another program holds the write lock', () => {
  it('`delete` and `feeds remove` wait for the lock and succeed', async () => {
    const { file, db } = library();
    const { id } = saveArticle(db, article({ title: 'Harbour fire' }));
    const feed = feedWithArticles(db, 'https://e.example/feed.xml', false);
    closeLibrary(db);

    let holder = await holdWriteLock(file, HOLD_MS);
    const del = await broadsheet(file, 'delete', String(id));
    await holder.released;
    expect(del.stderr).toBe('');
    expect(del.stdout.trim()).toBe(`deleted  #${id}  Harbour fire`);
    expect(del.code).toBe(0);

    holder = await holdWriteLock(file, HOLD_MS);
    const remove = await broadsheet(file, 'feeds', 'remove', String(feed));
    await holder.released;
    expect(remove.stderr).toBe('');
    expect(remove.stdout.trim()).toBe(`Removed #${feed} Quay notes: 3 articles deleted, 0 starred kept`);
    expect(remove.code).toBe(0);
  }, 30_000);

  it('when the lock is not released in time (5 s), says so in one line that names the library', async () => {
    const { file, db } = library();
    saveArticle(db, article());
    closeLibrary(db);
    const holder = await holdWriteLock(file, 9000); // longer than the 5 s it waits, however slow it is to start
    const r = await broadsheet(file, 'mark-read', '1');
    await holder.released;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`broadsheet: ${file}: the library is busy in another program (try again in a moment)\n`);
  }, 30_000);

  it('`feeds refresh --all` reports every feed and records every failure', async () => {
    const { file, db } = library();
    const port = await deadPort();
    const feeds = [1, 2, 3].map((n) => insertFeed(db, { url: `http://127.0.0.1:${port}/feed-${n}.xml`, title: `Feed ${n}` }));
    closeLibrary(db);

    const holder = await holdWriteLock(file, HOLD_MS);
    const r = await broadsheet(file, 'feeds', 'refresh', '--all');
    await holder.released;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // the feeds failed, and said so
    const lines = r.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line.startsWith(`#${feeds[i]} Feed ${i + 1}: error: http://127.0.0.1:${port}/feed-${i + 1}.xml: `)).toBe(true);
      expect(line).toContain('(next try ');
    });
    const check = openLibrary(file);
    for (const id of feeds) expect(getFeed(check, id)?.failures).toBe(1);
    closeLibrary(check);
  }, 30_000);
});
