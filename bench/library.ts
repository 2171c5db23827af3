import fs from 'node:fs';
import { saveArticle } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { makeRows } from './corpus.js';

/** Builds (once, then reuses) a library of `count` generated articles at `file`. */
export function benchLibrary(file: string, count: number): void {
  if (fs.existsSync(file)) {
    const db = openLibrary(file);
    const have = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
    closeLibrary(db);
    if (have === count) return;
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const db = openLibrary(file);
  const rows = makeRows(count);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    db.transaction(() => {
      for (const row of rows.slice(i, i + 1000)) saveArticle(db, row);
    })();
  }
  console.log(`built ${count} articles in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(count / ((performance.now() - t0) / 1000)).toFixed(0)} articles/s with FTS)`);
  closeLibrary(db);
}
