/**
 * Search benchmark on a 100,000-article library: median and 95th percentile of whole searches
 * (count, rank, page of 50 with snippets) for each kind of query.
 *
 *   npm run bench:search -- [COUNT]      (default 100000; the library is cached in out/bench/)
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { closeLibrary, openLibrary } from '../db/library.js';
import { search } from '../db/search.js';
import { benchLibrary } from './library.js';

const count = Number(process.argv[2] ?? 100_000);
const dir = path.resolve('out/bench');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `search-${count}.sqlite`);
benchLibrary(file, count);

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`library: ${count} articles, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB`);
const db = openLibrary(file);
const queries: Array<[string, string]> = [
  ['rare word', 'Kraków harbour festival'],
  ['word in every article', 'bulletin'],
  ['common word', 'minister'],
  ['phrase', '"national budget"'],
  ['prefix', 'parlia*'],
  ['accents folded', 'nghe an duc'],
  ['field: caption', 'caption:reuters'],
  ['OR + exclusion', '(storm OR flood) -festival'],
  ['date + state filter', 'bridge after:2020-01-01 is:unread'],
  ['filters only', 'is:unread before:2016-01-01'],
];
console.log('');
console.log('query                     matches   median     p95');
for (const [name, q] of queries) {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    total = search(db, q, { limit: 50 }).total;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)]!;
  const p95 = times[Math.floor(times.length * 0.95)]!;
  console.log(`${name.padEnd(24)} ${String(total).padStart(8)} ${med.toFixed(1).padStart(7)} ms ${p95.toFixed(1).padStart(6)} ms`);
}
closeLibrary(db);
