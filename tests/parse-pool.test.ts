/**
 * The heap-limited parse worker (main/ingest/parse-pool.ts), as `broadsheet import` uses it: the
 * worker bundle the CLI build writes (out/cli/parse-worker.mjs, built in global setup), real files
 * in a temporary folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readArticleFile } from '../main/ingest/file.js';
import { createHandlers } from '../main/api/handlers.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { useParseWorker } from '../main/ingest/parse-config.js';
import { createParsePool, ISOLATE_ABOVE_BYTES, parseWith, sharedParsePool, type ParsePool } from '../main/ingest/parse-pool.js';
import { savePage } from '../main/ingest/save-page.js';
import { REPO, SHARED_FIXTURE, tempDir } from './helpers.js';
import { startServer } from './net-server.js';

const WORKER = pathToFileURL(path.join(REPO, 'out/cli/parse-worker.mjs'));
const pools: ParsePool[] = [];

function pool(opts: { maxHeapMb?: number } = {}): ParsePool {
  const p = createParsePool({ workerUrl: WORKER, ...opts });
  if (!p) throw new Error(`no parse worker at ${WORKER.pathname}`);
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await sharedParsePool()?.close();
  useParseWorker(null);
});

/** An HTML page of `paragraphs` paragraphs: about 115 bytes each, and a lot of jsdom to parse. */
function pageHtml(paragraphs: number): string {
  const body = Array.from({ length: paragraphs }, (_, i) => `<p>Paragraph ${i} of a long report on the harbour, the council budget and the ferry timetable up north.</p>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Long report</title></head><body><article><h1>Long report</h1>${body.join('\n')}</article></body></html>`;
}

function bigPage(dir: string, paragraphs: number): string {
  const file = path.join(dir, `page-${paragraphs}.html`);
  fs.writeFileSync(file, pageHtml(paragraphs));
  return file;
}

describe('parse worker', () => {
  it('parses an article exactly as this thread does', async () => {
    const inWorker = await pool().parse(SHARED_FIXTURE);
    expect(inWorker).toEqual(await readArticleFile(SHARED_FIXTURE));
    expect(inWorker.figures.map((f) => f.caption)).toHaveLength(3);
  });

  it('gives the same one-line reason as this thread for a file that is not an article', async () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    await expect(pool().parse(empty)).rejects.toThrow(/^empty file$/);
    await expect(pool().parse(path.join(dir, 'missing.md'))).rejects.toThrow(/^no such file/);
  });

  it('fails a file that needs more memory than the worker may use, and parses the next one on a new worker', async () => {
    const dir = tempDir();
    const small = pool({ maxHeapMb: 48 });
    const big = small.parse(bigPage(dir, 40_000));
    const next = small.parse(SHARED_FIXTURE); // queued behind the big one on the same worker
    await expect(big).rejects.toThrow('too large to parse: it needs more than 48 MB of memory');
    expect((await next).title).toBe("Belarus's Choice: NATO or Russia?");
    expect((await small.parse(SHARED_FIXTURE)).title).toBe("Belarus's Choice: NATO or Russia?");
  }, 60_000);

  it('is missing when the worker bundle is not built (running from source): files are parsed here', () => {
    expect(createParsePool({ workerUrl: pathToFileURL(path.join(tempDir(), 'parse-worker.mjs')) })).toBeNull();
  });
});

describe('parseWith: which files go to the worker', () => {
  it(`parses files up to ${ISOLATE_ABOVE_BYTES / 1024 / 1024} MB here and bigger ones on the heap-limited worker`, async () => {
    const dir = tempDir();
    const parse = parseWith(pool({ maxHeapMb: 48 }));
    const under = bigPage(dir, 5_000); // ~0.6 MB: fits in this thread, never sees the 48 MB cap
    const over = bigPage(dir, 40_000); // ~4.6 MB: goes to the worker, which runs out
    expect(fs.statSync(under).size).toBeLessThan(ISOLATE_ABOVE_BYTES);
    expect(fs.statSync(over).size).toBeGreaterThan(ISOLATE_ABOVE_BYTES);
    expect((await parse(under)).title).toBe('Long report');
    await expect(parse(over)).rejects.toThrow('too large to parse: it needs more than 48 MB of memory');
  }, 60_000);
});

describe('big inputs in the app and from the network go to the worker too', () => {
  it('files dropped on the app: a big one fails with the reason, the others import', async () => {
    useParseWorker(WORKER, { maxHeapMb: 48 });
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const r = await createHandlers(db).importFiles({
      files: [
        { name: 'long-report.html', content: pageHtml(40_000) },
        { name: 'belarus.txt', content: fs.readFileSync(SHARED_FIXTURE, 'utf8') },
      ],
    });
    expect(r.items.map((i) => [i.name, i.status === 'failed' ? i.reason : i.status])).toEqual([
      ['long-report.html', 'too large to parse: it needs more than 48 MB of memory'],
      ['belarus.txt', 'imported'],
    ]);
    closeLibrary(db);
  }, 60_000);

  it('a saved page: a big one fails with its address and the reason, and nothing is stored', async () => {
    useParseWorker(WORKER, { maxHeapMb: 48 });
    const html = pageHtml(40_000);
    const server = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const url = `${server.origin}/long-report`;
    await expect(savePage(db, url)).rejects.toThrow(`${url}: too large to parse: it needs more than 48 MB of memory`);
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(0);
    closeLibrary(db);
  }, 60_000);
});
