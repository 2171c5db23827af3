/**
 * Import benchmark: end-to-end import of a generated corpus (read, parse, sanitise, store with
 * figures, index) next to a bare insert of the same rows (no parsing, no FTS) as the floor.
 *
 * End to end is the import as `broadsheet import` runs it (files over 1 MB would go to the
 * heap-limited parse worker; the corpus has none).
 *
 *   npm run bench:import -- [COUNT]      (default 5000; builds the CLI first, for its parse worker)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { closeLibrary, openLibrary } from '../db/library.js';
import { importPaths } from '../main/ingest/import.js';
import { createParsePool, parseWith } from '../main/ingest/parse-pool.js';
import { makeCorpus } from './corpus.js';

/** The parse worker `npm run build:cli` builds, the one `broadsheet import` uses. */
const WORKER = new URL('../cli/parse-worker.mjs', import.meta.url); // this file runs from out/run/
const count = Number(process.argv[2] ?? 5000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-bench-'));
const corpusDir = path.join(dir, 'corpus');
fs.mkdirSync(corpusDir);
const corpus = makeCorpus(count);
let bytes = 0;
for (const a of corpus) {
  fs.writeFileSync(path.join(corpusDir, a.name), a.text);
  bytes += Buffer.byteLength(a.text);
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`;
console.log(`machine: ${machine}`);
console.log(`corpus:  ${count} articles, ${(bytes / 2 ** 20).toFixed(1)} MB (seed 42)`);

// End to end, as `broadsheet import` runs it.
async function endToEnd(name: string) {
  const file = path.join(dir, `${name}.sqlite`);
  const db = openLibrary(file);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const pool = createParsePool({ workerUrl: WORKER });
  if (!pool) throw new Error(`no parse worker at ${WORKER.pathname}: run npm run build:cli`);
  const summary = await importPaths(db, [corpusDir], { parse: parseWith(pool) });
  await pool.close();
  const ms = performance.now() - t0;
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  if (summary.failed || summary.imported !== count) {
    console.error(`unexpected: ${summary.imported} imported, ${summary.failed} failed`);
    console.error(summary.items.find((i) => i.status === 'failed'));
    process.exit(1);
  }
  return { db, file, ms, rssGrowth };
}

const { db, file: libFile, ms: e2eMs, rssGrowth } = await endToEnd('library');

// Floor: the same stored rows into a plain table, same pragmas and batching, no parsing, no FTS.
const rows = db.prepare('SELECT title, source, author, attribution, lead, html, text, captions FROM articles').all();
closeLibrary(db);
const floor = new BetterSqlite3(path.join(dir, 'floor.sqlite'));
floor.pragma('journal_mode = WAL');
floor.pragma('synchronous = FULL');
floor.exec('CREATE TABLE articles (id INTEGER PRIMARY KEY, title, source, author, attribution, lead, html, text, captions)');
const ins = floor.prepare('INSERT INTO articles (title, source, author, attribution, lead, html, text, captions) VALUES (@title, @source, @author, @attribution, @lead, @html, @text, @captions)');
const t0 = performance.now();
for (let i = 0; i < rows.length; i += 100) {
  floor.transaction(() => {
    for (const r of rows.slice(i, i + 100)) ins.run(r);
  })();
}
const floorMs = performance.now() - t0;
floor.close();

const perSec = (ms: number) => (count / ms) * 1000;
const mbPerSec = (ms: number) => (bytes / 2 ** 20 / ms) * 1000;
console.log('');
console.log(`end to end:  ${perSec(e2eMs).toFixed(0).padStart(6)} articles/s  ${mbPerSec(e2eMs).toFixed(2).padStart(6)} MB/s  (${(e2eMs / 1000).toFixed(2)} s)`);
console.log(`bare insert: ${perSec(floorMs).toFixed(0).padStart(6)} articles/s  ${mbPerSec(floorMs).toFixed(2).padStart(6)} MB/s  (${(floorMs / 1000).toFixed(2)} s)`);
console.log(`ratio:       end to end runs at ${((floorMs / e2eMs) * 100).toFixed(1)}% of the floor's speed (${(e2eMs / floorMs).toFixed(1)}× slower)`);
console.log(`memory:      RSS of the importing process grew ${(rssGrowth / 2 ** 20).toFixed(0)} MB during the import `);
console.log(`library:     ${(fs.statSync(libFile).size / 2 ** 20).toFixed(1)} MB on disk`);
fs.rmSync(dir, { recursive: true, force: true });
