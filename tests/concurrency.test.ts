import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCorpus } from '../bench/corpus.js';
import { saveArticle } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { apiHost, article, REPO, tempDir } from './helpers.js';

describe('the app and the command line write to one library at once', () => {
  it('imports from the CLI while the page stars and reads articles, with no error on either side', async () => {
    const dir = tempDir('broadsheet-concurrent-');
    const lib = path.join(dir, 'library.sqlite');
    const files = path.join(dir, 'files');
    fs.mkdirSync(files);
    for (const a of makeCorpus(400, 99)) fs.writeFileSync(path.join(files, a.name), a.text);

    // The "app": the web host on its own connection, as the library worker would be.
    const db = openLibrary(lib);
    const seeded = Array.from({ length: 20 }, () => saveArticle(db, article()).id);
    const { host, call } = await apiHost(db);

    const cli = spawn(process.execPath, [path.join(REPO, 'main/cli/bin.mjs'), '--db', lib, 'import', files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    let running = true;
    void exited.then(() => (running = false));

    const failures: string[] = [];
    let calls = 0;
    while (running) {
      const id = seeded[calls % seeded.length]!;
      for (const r of await Promise.all([
        call('setStarred', { id, starred: calls % 2 === 0 }),
        call('setRead', { id, read: calls % 3 === 0 }),
        call('listArticles', { limit: 50 }),
        call('sidebar', {}),
      ])) {
        if (!r.ok) failures.push(r.error ?? 'unknown');
      }
      calls++;
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('400 imported, 0 duplicates, 0 failed');
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(5);
    expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(420);
    await host.close();
    closeLibrary(db);
  }, 120_000);
});
