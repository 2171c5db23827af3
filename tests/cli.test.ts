import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ArticleDetail } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { formatArticle, formatSnippet } from '../main/cli/format.js';
import { REPO, SHARED_FIXTURE, tempDir } from './helpers.js';

const BIN = path.join(REPO, 'main/cli/bin.mjs');

/** Runs the real `broadsheet` command, as a user would. */
function broadsheet(db: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function library() {
  return path.join(tempDir(), 'library.sqlite');
}

/** An empty library, as the app makes on its first start (only importing makes one from the command line). */
function emptyLibrary() {
  const file = library();
  closeLibrary(openLibrary(file));
  return file;
}

describe('broadsheet import, show, list, search', () => {
  it('imports the reference article and shows it back with its figures and captions', () => {
    const db = library();
    const imp = broadsheet(db, 'import', SHARED_FIXTURE);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/^imported +#1 +Belarus's Choice: NATO or Russia\?/m);
    expect(imp.stderr).toContain('1 imported, 0 duplicates, 0 failed');

    const show = broadsheet(db, 'show', '1', '--json');
    expect(show.code).toBe(0);
    const a = JSON.parse(show.stdout);
    for (const key of ['id', 'title', 'source', 'author', 'attribution', 'url', 'publishedAt', 'savedAt', 'lead', 'html', 'text', 'figures']) {
      expect(a).toHaveProperty(key);
    }
    expect(a.title).toBe("Belarus's Choice: NATO or Russia?");
    expect(a.source).toBe('Baonghean');
    expect(a.author).toBe('Phu Binh');
    expect(a.attribution).toBe('DW');
    expect(a.figures.map((f: { src: string; caption: string }) => [f.src, f.caption])).toEqual([
      ['', 'Belarusian President Alexander Lukashenko. Photo: Reuters'],
      ['', 'Minsk hosted a joint Russian-Belarusian military parade in 2014. Photo: DW'],
      ['', 'Belarus has signed military cooperation agreements with NATO members Latvia, Poland and Lithuania.'],
    ]);
    expect(a.html).toContain('<h2>Military agreement with Russia</h2>');
    for (const junk of ['RELATED NEWS', '![', '|']) {
      expect(a.html).not.toContain(junk);
      expect(a.text).not.toContain(junk);
    }

    const text = broadsheet(db, 'show', '1');
    expect(text.stdout).toContain('[Figure 2: Minsk hosted a joint Russian-Belarusian military parade in 2014. Photo: DW]');
    expect(text.stdout).toContain('By Phu Binh · Baonghean');
  });

  it('finds the article by a word in its body, in a caption, and without accents', () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE, path.join(REPO, 'tests/fixtures/articles'));
    const body = JSON.parse(broadsheet(db, 'search', 'Jakovlevski', '--json').stdout);
    expect(body[0]).toMatchObject({ title: "Belarus's Choice: NATO or Russia?", source: 'Baonghean', matchedIn: ['body'] });
    expect(body[0].snippet).toContain('<mark>Jakovlevski</mark>');
    for (const key of ['id', 'title', 'source', 'publishedAt', 'snippet', 'matchedIn', 'score']) expect(body[0]).toHaveProperty(key);

    const caption = JSON.parse(broadsheet(db, 'search', 'parade', '--json').stdout);
    expect(caption.map((h: { title: string }) => h.title)).toContain("Belarus's Choice: NATO or Russia?");
    expect(caption.find((h: { title: string }) => h.title.startsWith('Belarus')).matchedIn).toContain('caption');

    const none = broadsheet(db, 'search', 'zzzyzx', '--json');
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it("shows the language an article is written in (the reader's lang attribute; null when the app's own applies)", () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE, path.join(REPO, 'tests/fixtures/pages/vietnamese.html'));
    const langs = JSON.parse(broadsheet(db, 'list', '--json').stdout).map((r: { title: string; lang: string | null }) => [r.title, r.lang]);
    expect(langs).toEqual(
      expect.arrayContaining([
        ["Belarus's Choice: NATO or Russia?", null],
        ['Nông dân miền núi Nghệ An làm giàu từ cây chanh leo', 'vi'],
      ]),
    );
    const id = JSON.parse(broadsheet(db, 'list', '--json').stdout).find((r: { lang: string | null }) => r.lang === 'vi').id;
    expect(JSON.parse(broadsheet(db, 'show', String(id), '--json').stdout).lang).toBe('vi');
  });

  it('keeps one article when the same file is imported twice', () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE);
    const again = broadsheet(db, 'import', SHARED_FIXTURE);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^duplicate +#1 /m);
    expect(JSON.parse(broadsheet(db, 'list', '--json').stdout)).toHaveLength(1);
  });

  it('imports folders recursively and lists newest first', () => {
    const db = library();
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    fs.copyFileSync(SHARED_FIXTURE, path.join(dir, 'a/b/belarus.txt'));
    fs.writeFileSync(path.join(dir, 'a/notes.md'), '# Harbour notes\n\nThe harbour reopened on Monday after the storm.\n\nBoats came back in the evening.\n');
    fs.writeFileSync(path.join(dir, 'a/ignore.pdf.bak'), 'not an article');
    const imp = broadsheet(db, 'import', dir);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toContain('2 imported');
    const list = JSON.parse(broadsheet(db, 'list', '--json').stdout);
    expect(list.map((r: { title: string }) => r.title).sort()).toEqual(["Belarus's Choice: NATO or Russia?", 'Harbour notes']);
    expect(list[0].sortAt).toBeGreaterThanOrEqual(list[1].sortAt);
  });

  it('tells an empty library what to do next', () => {
    const r = broadsheet(emptyLibrary(), 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('broadsheet import');
  });
});

describe('bad input', () => {
  it('names each bad file and the reason, imports the rest, and exits non-zero', () => {
    const db = library();
    const dir = tempDir();
    const f = (name: string, data: string | Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, data);
      return p;
    };
    const good = f('good.txt', fs.readFileSync(SHARED_FIXTURE));
    const empty = f('empty.txt', '');
    const png = f('photo.txt', Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    const badUtf8 = f('latin1.txt', Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n\nA story.\n')]));
    const huge = path.join(dir, 'huge.txt');
    fs.writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const noTitle = f('notitle.txt', '\n\n   \n\t\n');
    const missing = path.join(dir, 'missing.txt');
    const emptyDir = path.join(dir, 'nothing-here');
    fs.mkdirSync(emptyDir);
    fs.writeFileSync(path.join(emptyDir, 'readme.pdf'), 'x');

    const r = broadsheet(db, 'import', missing, emptyDir, empty, png, badUtf8, huge, noTitle, good);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const failed = (p: string) => lines.find((l) => l.startsWith('failed') && l.includes(p));
    expect(failed(missing)).toMatch(/no such file/);
    expect(failed(emptyDir)).toMatch(/no articles in this folder/);
    expect(failed(empty)).toMatch(/empty file/);
    expect(failed(png)).toMatch(/not a text file \(it is a PNG/);
    expect(failed(badUtf8)).toMatch(/not valid UTF-8 \(first bad byte at offset 3\)/);
    expect(failed(huge)).toMatch(/too large \(50\.0 MB; the limit is 16\.0 MB\)/);
    expect(failed(noTitle)).toMatch(/empty file|no title/);
    expect(lines.filter((l) => l.startsWith('failed'))).toHaveLength(7);
    expect(lines.some((l) => l.startsWith('imported') && l.includes(good))).toBe(true);
    expect(r.stderr).toContain('1 imported, 0 duplicates, 7 failed');

    const doctor = broadsheet(db, 'doctor', '--json');
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout);
    expect(report.counts).toMatchObject({ articles: 1, figures: 3 });
    expect(report.integrity).toEqual(['ok']);
  });

  it('imports a page saved in windows-1252 with its curly quotes, dashes and euro sign', () => {
    const db = library();
    const dir = tempDir();
    const prose = '<p>The council voted on Tuesday to allow tables on the pavement, a change owners had asked for.</p>'.repeat(4);
    const html = `<!doctype html><html><head><meta charset="windows-1252"><title>Caf\u00e9 owners welcome \u201csmart\u201d rules \u2013 Le Journal</title></head><body><article>${prose}<p>\u201cIt\u2019s a good compromise,\u201d said one. The fee is \u20ac50.</p></article></body></html>`;
    // Node's own windows-1252 encoder is the broken decoder's mirror image, so the bytes are built by hand.
    const cp1252: Record<string, number> = { '\u201c': 0x93, '\u201d': 0x94, '\u2019': 0x92, '\u2013': 0x96, '\u20ac': 0x80 };
    const bytes = Buffer.from([...html].map((c) => cp1252[c] ?? c.charCodeAt(0)));
    fs.writeFileSync(path.join(dir, 'cafe.html'), bytes);
    expect(broadsheet(db, 'import', path.join(dir, 'cafe.html')).code).toBe(0);
    const a = JSON.parse(broadsheet(db, 'show', '1', '--json').stdout);
    expect(a.title).toBe('Caf\u00e9 owners welcome \u201csmart\u201d rules \u2013 Le Journal');
    expect(a.text).toContain('\u201cIt\u2019s a good compromise,\u201d said one. The fee is \u20ac50.');
  });

  it('imports a .txt file saved by Notepad as "Unicode" (UTF-16 with a byte-order mark)', () => {
    const db = library();
    const dir = tempDir();
    const story = 'Café owners welcome “smart” rules\r\n(Harbour Times) - The council voted on Tuesday to allow tables on the pavement.\r\nThe fee is €50 a year, and owners said it was fair.\r\n';
    fs.writeFileSync(path.join(dir, 'cafe.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(story, 'utf16le')]));
    const r = broadsheet(db, 'import', path.join(dir, 'cafe.txt'));
    expect(r.stdout).not.toContain('not a text file');
    expect(r.code).toBe(0);
    const a = JSON.parse(broadsheet(db, 'show', '1', '--json').stdout);
    expect(a.title).toBe('Café owners welcome “smart” rules');
    expect(a.source).toBe('Harbour Times');
    expect(a.lead).toBe('The council voted on Tuesday to allow tables on the pavement.');
    expect(a.text).toBe('The fee is €50 a year, and owners said it was fair.');
  });

  it('refuses a library from a newer version and leaves it as it was', () => {
    const db = library();
    const raw = new BetterSqlite3(db);
    raw.pragma('user_version = 999');
    raw.close();
    const before = fs.readFileSync(db);
    const r = broadsheet(db, 'list');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/newer version of Broadsheet \(schema 999/);
    expect(fs.readFileSync(db).equals(before)).toBe(true);
  });

  it('stops writing quietly when the reader of its output goes away (broadsheet list | head)', async () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE);
    const child = spawn(process.execPath, [BIN, '--db', db, 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // as head does once it has its lines
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('reads a word that starts with a dash as a word: an exclusion to search for, not an option', () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE, path.join(REPO, 'tests/fixtures/articles'));
    const titles = (r: { stdout: string }) => (JSON.parse(r.stdout) as Array<{ title: string }>).map((h) => h.title);
    const all = titles(broadsheet(db, 'search', 'city', '--json'));
    expect(all.length).toBeGreaterThan(3);
    expect(all).toContain('Harbour City Opens Its First Tram Line in Sixty Years');
    const r = broadsheet(db, 'search', '-tram', 'city', '--json', '--limit', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(titles(r)).toEqual(all.filter((t) => t !== 'Harbour City Opens Its First Tram Line in Sixty Years').slice(0, 3));
  });

  it('answers a mistyped command with usage and status 2', () => {
    const r = broadsheet(library(), 'imprt', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "imprt"');
    expect(broadsheet(emptyLibrary(), 'show', 'abc').code).toBe(2);
    expect(broadsheet(emptyLibrary(), 'list', '--limit', '-3').code).toBe(2);
  });
});

describe('broadsheet doctor', () => {
  it('prints the schema version, the integrity check and counts', () => {
    const db = library();
    broadsheet(db, 'import', SHARED_FIXTURE);
    const r = broadsheet(db, 'doctor');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/schema version: \d+/);
    expect(r.stdout).toContain('integrity:      ok');
    expect(r.stdout).toContain('articles:       1 (1 unread, 0 starred)');
    expect(r.stdout).toContain('figures:        3');
  });
});

describe('terminal formatting', () => {
  const article = (html: string, captions: string[] = []): ArticleDetail => ({
    id: 1, title: 'T', source: null, sourceId: null, author: null, attribution: null, url: null, origin: null,
    publishedAt: null, savedAt: 0, lead: '', html, text: '', wordCount: 0, isRead: false, isStarred: false, lang: null,
    figures: captions.map((caption, position) => ({ position, src: 'https://e.example/p.jpg', alt: '', caption, imageHash: null, width: null, height: null, mime: null })),
  });
  /** The body as formatArticle prints it (after the title, rule, meta line and blank line). */
  const body = (html: string, captions?: string[]) => formatArticle(article(html, captions)).split('\n').slice(4).join('\n');

  it('marks snippet matches: up to the first </mark> on the same line, unclosed ones left alone', () => {
    expect(formatSnippet('a <mark>b</mark> c <mark>d</mark>', false)).toBe('a [b] c [d]');
    expect(formatSnippet('a <mark>b</mark>', true)).toBe('a \x1b[1mb\x1b[22m');
    expect(formatSnippet('<mark>a<mark>b</mark>', false)).toBe('[a<mark>b]');
    expect(formatSnippet('<mark>a\n</mark> <mark>b</mark>', false)).toBe('<mark>a </mark> [b]');
    expect(formatSnippet('<mark>a<mark>b\n</mark>c</mark>', false)).toBe('<mark>a<mark>b </mark>c</mark>');
    expect(formatSnippet('x <mark>y', false)).toBe('x <mark>y');
    expect(formatSnippet('&#60;b&#62; <mark>&#38;</mark>', false)).toBe('<b> [&]');
  });

  it('renders an article body: figures, headings, list items, line breaks, tags and entities', () => {
    const html = [
      '<h2 id="a">Heading</h2>',
      '<p>One<br>two &amp; <a href="https://e.example/">three</a> &lt;x&gt; &quot;q&quot; &#39;s&#39;&nbsp;!</p>',
      '<figure data-figure="1"><img src="p.jpg"><figcaption>ignored</figcaption></figure>',
      '<figure class="x" data-figure="0" data-figure="1">no caption here</figure>',
      '<figure>not numbered</figure>',
      '<ul><li>first</li><li class="b">second</li></ul>',
      '<h3>Open heading',
    ].join('\n');
    expect(body(html, ['', 'The second'])).toBe([
      '## Heading',
      '',
      'One',
      'two & three <x> "q" \'s\' !',
      '',
      '[Figure 2: The second]',
      '',
      '[Figure 2: The second]',
      '',
      'not numbered',
      '  • first',
      '  • second',
      '',
      'Open heading',
    ].join('\n'));
    // A bare '<' (never in stored HTML, where text has &lt;) runs to the next '>', if any.
    expect(body('a <b and> c')).toBe('a  c');
    expect(body('<p>a <b and</p> c')).toBe('a <b and\n c');
    expect(body('<p>a <> b</p>')).toBe('a <> b');
  });

  it('formats hostile markup in linear time (these took seconds to minutes)', () => {
    // '<mark>' with no '</mark>' before the line break: each was scanned to the end of the line.
    expect(formatSnippet(`${'<mark>'.repeat(50_000)}\n<mark>w</mark>`, false)).toBe(`${'<mark>'.repeat(50_000)} [w]`);
    // '<li' and '<' without '>': each one was scanned to the end.
    expect(body('<li'.repeat(50_000))).toBe('<li'.repeat(50_000));
    expect(body('<\0'.repeat(50_000))).toBe('<\0'.repeat(50_000));
    // Opening tags never closed.
    expect(body(`<p>a</p>${'<h2>'.repeat(25_000)}`)).toBe('a');
    expect(body(`${'<figure'.repeat(2_000)}${'data-figure="0"'.repeat(2_000)}`)).toBe(`${'<figure'.repeat(2_000)}${'data-figure="0"'.repeat(2_000)}`);
    expect(body(`${'<figure data-figure="0">'.repeat(20_000)}`, ['c'])).toBe('');
  });
});
