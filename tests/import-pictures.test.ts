/**
 * Pictures beside imported files: a page saved "complete" (page.html + page_files/) and a Markdown
 * note with an images folder are imported with their pictures in the library, readable offline.
 * Nothing outside the file's folder is read, and addresses on the web are not fetched by an import.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getArticle } from '../db/articles.js';
import { getImage } from '../db/images.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { picture } from './net-site.js';
import { REPO, tempDir } from './helpers.js';

const prose = (n: number) =>
  Array.from({ length: n }, (_, i) => `<p>Paragraph ${i} of the report: the ferry timetable changes in spring, and the harbour office explains why at length.</p>`).join('');

function broadsheet(db: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'main/cli/bin.mjs'), '--db', db, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('importing files with their pictures beside them', () => {
  it('stores the pictures a saved page and a note name by relative path, and only those', async () => {
    const root = tempDir();
    const saved = path.join(root, 'saved');
    fs.mkdirSync(path.join(saved, 'Ferry news_files'), { recursive: true });
    fs.mkdirSync(path.join(saved, 'images'));
    fs.writeFileSync(path.join(saved, 'Ferry news_files', 'quay.jpg'), await picture(640, 400, 1, 'jpeg'));
    fs.writeFileSync(path.join(saved, 'images', 'map.png'), await picture(500, 300, 2, 'png'));
    fs.writeFileSync(path.join(root, 'private.jpg'), await picture(300, 200, 3, 'jpeg')); // not under saved/

    fs.writeFileSync(
      path.join(saved, 'Ferry news.html'),
      `<!doctype html><html><head><title>Ferry timetable changes</title></head><body><article><h1>Ferry timetable changes</h1>${prose(2)}
        <figure><img src="Ferry%20news_files/quay.jpg" alt="The quay"><figcaption>The quay at dawn. Photo: Harbour Office</figcaption></figure>${prose(2)}
        <figure><img src="../private.jpg" alt="x"><figcaption>Not from here</figcaption></figure>
        <figure><img src="https://images.example/remote.jpg" alt="remote"><figcaption>On the web</figcaption></figure>${prose(1)}</article></body></html>`,
    );
    fs.writeFileSync(path.join(saved, 'note.md'), '# Ferry routes\n\nThe new routes, drawn by the council.\n\n![The routes](images/map.png)\n*The new routes. Map: Council*\n\nMore text follows here.\n');

    const db = path.join(root, 'library.sqlite');
    const r = broadsheet(db, 'import', saved);
    expect(r.stderr).toContain('2 imported, 0 duplicates, 0 failed');

    const lib = openLibrary(db);
    const articles = lib.prepare('SELECT id, title FROM articles ORDER BY title').all() as Array<{ id: number; title: string }>;
    const page = getArticle(lib, articles.find((a) => a.title === 'Ferry timetable changes')!.id)!;
    const note = getArticle(lib, articles.find((a) => a.title === 'Ferry routes')!.id)!;

    const quay = page.figures.find((f) => f.caption.startsWith('The quay'))!;
    expect(quay.imageHash).toMatch(/^[0-9a-f]{64}$/);
    expect(getImage(lib, quay.imageHash!)?.mime).toBe('image/jpeg');
    expect(page.html).toContain(`src="bs-image:${quay.imageHash}"`);
    // ../private.jpg is outside the folder; the web address is not fetched by an import.
    expect(page.figures.find((f) => f.caption === 'Not from here')?.imageHash ?? null).toBeNull();
    expect(page.figures.find((f) => f.caption === 'On the web')).toMatchObject({ src: 'https://images.example/remote.jpg', imageHash: null });
    expect(lib.prepare('SELECT count(*) FROM images').pluck().get()).toBe(2);

    const map = note.figures[0]!;
    expect(map.caption).toBe('The new routes. Map: Council');
    expect(getImage(lib, map.imageHash!)?.mime).toBe('image/png');
    closeLibrary(lib);
  });
});
