/**
 * Import benchmark: end-to-end import of a generated corpus (read, parse, sanitise, store with
 * figures, index) next to a bare insert of the same rows (no parsing, no FTS) as the floor.
 *
 * End to end is the import as `broadsheet import` runs it (files over 1 MB would go to the
 * heap-limited parse worker; the corpus has none).
 *
 *   npm run bench:import -- [COUNT] [--parse-workers N]
 *
 * COUNT defaults to 5000; the CLI is built first, for its parse worker. With --parse-workers N the
 * end-to-end run reads each file on this thread and parses and sanitises it on one of N worker
 * threads (the experiment behind the README's "more threads do not help"); the CPU line shows
 * what each article costs across all threads.
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
const args = process.argv.slice(2);
const workersAt = args.indexOf('--parse-workers');
const parseWorkers = workersAt >= 0 ? Number(args.splice(workersAt, 2)[1]) : 0;
if (!Number.isInteger(parseWorkers) || parseWorkers < 0) throw new Error('--parse-workers takes a whole number');
const count = Number(args[0] ?? 5000);
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
  const pool = createParsePool({ workerUrl: WORKER, size: Math.max(1, parseWorkers) });
  if (!pool) throw new Error(`no parse worker at ${WORKER.pathname}: run npm run build:cli`);
  const parse = parseWorkers > 0
    ? async (f: string) => pool.parseBytes(path.basename(f), await fs.promises.readFile(f))
    : parseWith(pool);
  if (parseWorkers > 0) {
    // Start the workers (and load their modules) before the clock does.
    const warmUp = () => pool.parseHtml('<title>warm-up</title><p>warm-up</p>', null);
    await Promise.all(Array.from({ length: parseWorkers * 2 }, warmUp));
  }
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const summary = await importPaths(db, [corpusDir], { parse });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const rssGrowth = process.memoryUsage().rss - rssBefore; // the workers' heaps included
  await pool.close();
  if (summary.failed || summary.imported !== count) {
    console.error(`unexpected: ${summary.imported} imported, ${summary.failed} failed`);
    console.error(summary.items.find((i) => i.status === 'failed'));
    process.exit(1);
  }
  return { db, file, ms, rssGrowth, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const { db, file: libFile, ms: e2eMs, rssGrowth, cpuMs } = await endToEnd('library');

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
console.log(`             parsing on ${parseWorkers > 0 ? `${parseWorkers} worker thread${parseWorkers > 1 ? 's' : ''}` : 'the importing thread'}; CPU ${(cpuMs / count).toFixed(2)} ms per article, ${(cpuMs / e2eMs).toFixed(2)} cores busy (all threads)`);
console.log(`bare insert: ${perSec(floorMs).toFixed(0).padStart(6)} articles/s  ${mbPerSec(floorMs).toFixed(2).padStart(6)} MB/s  (${(floorMs / 1000).toFixed(2)} s)`);
console.log(`ratio:       end to end runs at ${((floorMs / e2eMs) * 100).toFixed(1)}% of the floor's speed (${(e2eMs / floorMs).toFixed(1)}× slower)`);
console.log(`memory:      RSS of the importing process grew ${(rssGrowth / 2 ** 20).toFixed(0)} MB during the import `);
console.log(`library:     ${(fs.statSync(libFile).size / 2 ** 20).toFixed(1)} MB on disk`);
fs.rmSync(dir, { recursive: true, force: true });
