import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeCorpus, rng } from '../bench/corpus.js';
import { openLibrary, closeLibrary } from '../db/library.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { REPO, tempDir } from './helpers.js';
import { picture } from './net-site.js';
import { startServer } from './net-server.js';

const BIN = path.join(REPO, 'main/cli/bin.mjs');
const KILLS = 20;

/**
 * Runs the CLI and SIGKILLs it `ms` after it starts, or with `afterFirstArticle`, `ms` after it
 * reports its first article (so that a slow or busy machine still kills imports mid-work, not only
 * during start-up); resolves with what it printed before dying.
 */
function runAndKill(args: string[], ms: number, afterFirstArticle = false): Promise<{ stdout: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    let timer = afterFirstArticle ? undefined : setTimeout(() => child.kill('SIGKILL'), ms);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!timer && /^(?:imported|duplicate) /m.test(stdout)) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, killed: signal === 'SIGKILL' });
    });
  });
}

function rssFeed(origin: string, round: number): string {
  const items = Array.from({ length: 30 }, (_, i) => {
    const body = `<figure><img src="${origin}/img/${i % 6}.jpg"><figcaption>Picture ${i} of round ${round}</figcaption></figure>` +
      `<p>${`Round ${round} item ${i}: the harbour council met again and the ferry timetable changed. `.repeat(8)}</p>`;
    return `<item><title>Harbour item ${i} (round ${round})</title><link>${origin}/a/${i}</link><guid>${origin}/a/${i}</guid><description><![CDATA[${body}]]></description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour wire</title><link>${origin}/</link>${items.join('')}</channel></rss>`;
}

describe('the library survives being killed at any moment', () => {
  it(`imports and refreshes, SIGKILLed ${KILLS} times at random moments: never damaged, nothing reported lost, nothing half-written`, async () => {
    const dir = tempDir('broadsheet-crash-');
    const lib = path.join(dir, 'library.sqlite');
    const random = rng(20261127);

    // Pictures and a feed whose items change every round (so refreshes rewrite them in place).
    const images = await Promise.all(Array.from({ length: 6 }, (_, i) => picture(400, 260, i, 'jpeg')));
    let round = 0;
    const server = await startServer((req, res) => {
      const m = /^\/img\/(\d)\.jpg$/.exec(req.url ?? '');
      if (m) return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(images[Number(m[1])]);
      if (req.url === '/feed.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(server.origin, round));
      res.writeHead(404).end();
    });

    // Files to import: a fresh batch each round, and how many figures each must have.
    const expectedFigures = new Map<string, number>();
    const batch = (k: number) => {
      const folder = path.join(dir, `batch-${k}`);
      fs.mkdirSync(folder);
      for (const a of makeCorpus(500, 1000 + k)) {
        const file = path.join(folder, a.name);
        fs.writeFileSync(file, a.text);
        expectedFigures.set(file, parseScrapedText(a.text).figures.length);
      }
      return folder;
    };

    closeLibrary(openLibrary(lib));
    const add = await runAndKill(['--db', lib, 'feeds', 'add', `${server.origin}/feed.xml`], 60_000);
    expect(add.killed).toBe(false);

    const reported = new Set<number>();
    let kills = 0;
    for (let k = 0; k < KILLS; k++) {
      round = k + 1;
      const refresh = k % 3 === 2;
      const args = refresh ? ['--db', lib, 'feeds', 'refresh', '--all'] : ['--db', lib, 'import', batch(k)];
      // Odd imports die mid-batch, after their first article; the others at any moment from start.
      const { stdout, killed } = refresh || k % 2 === 0
        ? await runAndKill(args, 100 + Math.floor(random() * 1000))
        : await runAndKill(args, Math.floor(random() * 300), true);
      if (killed) kills++;
      for (const m of stdout.matchAll(/^(?:imported|duplicate) +#(\d+) /gm)) reported.add(Number(m[1]));
      checkLibrary(lib, reported, expectedFigures);
    }
    const db = openLibrary(lib);
    const total = db.prepare('SELECT count(*) FROM articles').pluck().get();
    closeLibrary(db);
    console.log(`${kills} of ${KILLS} runs killed; ${reported.size} articles reported done, ${total} in the library`);
    expect(kills).toBeGreaterThanOrEqual(KILLS / 2);
    expect(reported.size).toBeGreaterThan(0);
  }, 240_000);
});

/** Opens the library as the app would, then checks it the way the issue asks. */
function checkLibrary(file: string, reported: Set<number>, expectedFigures: Map<string, number>): void {
  const db = openLibrary(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const ids = new Set(db.prepare('SELECT id FROM articles').pluck().all() as number[]);
    for (const id of reported) expect(ids.has(id), `reported article #${id} is in the library`).toBe(true);

    // No figures without an article; every imported article has all of its figures.
    expect(db.prepare('SELECT count(*) FROM figures WHERE article_id NOT IN (SELECT id FROM articles)').pluck().get()).toBe(0);
    const rows = db
      .prepare(`SELECT a.id, a.origin, (SELECT count(*) FROM figures f WHERE f.article_id = a.id) AS n FROM articles a WHERE a.origin IS NOT NULL`)
      .all() as Array<{ id: number; origin: string; n: number }>;
    for (const r of rows) {
      const expected = expectedFigures.get(r.origin);
      if (expected !== undefined) expect(r.n, `figures of ${path.basename(r.origin)}`).toBe(expected);
    }

    // The search index holds exactly the articles there are.
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.crash_vocab USING fts5vocab(main, 'articles_fts', 'instance')`);
    const indexed = new Set(db.prepare('SELECT DISTINCT doc FROM temp.crash_vocab').pluck().all() as number[]);
    expect([...indexed].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    db.prepare(`INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')`).run();
  } finally {
    closeLibrary(db);
  }
  // And a plain SQLite connection agrees (no recovery step of ours involved).
  const raw = new BetterSqlite3(file, { readonly: true });
  expect(raw.pragma('quick_check', { simple: true })).toBe('ok');
  raw.close();
}
