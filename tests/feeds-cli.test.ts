import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from './helpers.js';
import { fixture, startFeedServer } from './feeds-server.js';

const BIN = path.join(REPO, 'main/cli/bin.mjs');

/**
 * Runs the real `broadsheet` command. Asynchronously: the test's HTTP server lives in this
 * process and must keep answering while the command runs.
 */
function broadsheet(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('broadsheet feeds and opml', () => {
  it('adds, lists, refreshes and removes feeds', async () => {
    const server = await startFeedServer();
    const db = path.join(tempDir(), 'library.sqlite');

    const add = await broadsheet(db, 'feeds', 'add', server.url('/harbour/'));
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout.trim()).toBe(`#1 The Harbour Gazette: 5 new (${server.url('/feeds/harbour.rss')})`);
    const again = await broadsheet(db, 'feeds', 'add', server.url('/feeds/harbour.rss'));
    expect(again.stdout.trim()).toBe(`#1 The Harbour Gazette: already subscribed (${server.url('/feeds/harbour.rss')})`);
    const atom = await broadsheet(db, 'feeds', 'add', server.url('/feeds/quarry.atom'), '--folder', 'History');
    expect(atom.stdout.trim()).toBe(`#2 The Quarry Journal: 3 new (${server.url('/feeds/quarry.atom')})`);

    const list = await broadsheet(db, 'feeds', 'list', '--json');
    expect(list.code).toBe(0);
    const feeds = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(feeds.map((f) => [f.id, f.title, f.url, f.folder, f.unread, f.lastError])).toEqual([
      [2, 'The Quarry Journal', server.url('/feeds/quarry.atom'), 'History', 3, null],
      [1, 'The Harbour Gazette', server.url('/feeds/harbour.rss'), null, 5, null],
    ]);
    for (const f of feeds) expect(typeof f.lastFetchedAt).toBe('number');
    const text = await broadsheet(db, 'feeds', 'list');
    expect(text.stdout).toContain('    1  The Harbour Gazette');
    expect(text.stdout).toContain('5 unread of 5 · last fetched ');

    // Nothing is due an hour after a fetch; --all and an id refresh now (conditional GET: 304).
    const due = await broadsheet(db, 'feeds', 'refresh');
    expect(due.code).toBe(0);
    expect(due.stdout).toMatch(/^#1 The Harbour Gazette: not due until \d{4}-\d\d-\d\d \d\d:\d\d/m);
    const all = await broadsheet(db, 'feeds', 'refresh', '--all');
    expect(all.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '#1 The Harbour Gazette: unchanged (not modified since the last refresh)',
      '#2 The Quarry Journal: unchanged (not modified since the last refresh)',
    ]);
    server.route('/feeds/harbour.rss', { file: 'harbour-updated.rss' });
    const one = await broadsheet(db, 'feeds', 'refresh', '1');
    expect(one.stdout.trim()).toBe('#1 The Harbour Gazette: 0 new, 1 updated, 4 unchanged');

    // A failing feed: the error on its line, exit status 1, and in the list.
    server.route('/feeds/quarry.atom', { body: '<feed xmlns="http://www.w3.org/2005/Atom"><title>cut', type: 'application/atom+xml' });
    const failing = await broadsheet(db, 'feeds', 'refresh', '2');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^#2 The Quarry Journal: error: the feed is (incomplete or malformed|not well-formed XML)/);
    const listed = JSON.parse((await broadsheet(db, 'feeds', 'list', '--json')).stdout) as Array<{ id: number; lastError: string | null }>;
    expect(listed.find((f) => f.id === 2)!.lastError).toMatch(/^the feed is/);

    const remove = await broadsheet(db, 'feeds', 'remove', '2');
    expect(remove.stdout.trim()).toBe('Removed #2 The Quarry Journal: 3 articles deleted, 0 starred kept');
    expect((await broadsheet(db, 'feeds', 'remove', '2')).code).toBe(1);

    // Mistakes are usage errors (exit 2) with a sentence.
    for (const args of [['feeds', 'add'], ['feeds', 'refresh', 'x'], ['feeds', 'refresh', '1', '--all'], ['feeds', 'frobnicate'], ['opml']]) {
      const r = await broadsheet(db, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^broadsheet: /);
    }
    const help = await broadsheet(db, 'feeds', 'help');
    expect(help.stdout).toContain('STARRED ARTICLES ARE KEPT');
    const bad = await broadsheet(db, 'feeds', 'add', server.url('/nofeed.html'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`broadsheet: ${server.url('/nofeed.html')}: no feed found (the page names none with <link rel="alternate">)`);
  });

  it('imports and exports OPML through files and standard output', async () => {
    const server = await startFeedServer();
    const dir = tempDir();
    const db = path.join(dir, 'library.sqlite');
    const opml = path.join(dir, 'in.opml');
    fs.writeFileSync(opml, fixture('subscriptions.opml').toString('utf8').replaceAll('{{ORIGIN}}', server.origin));

    const imp = await broadsheet(db, 'opml', 'import', opml);
    expect(imp.code).toBe(1); // one outline is not a web address
    expect(imp.stdout).toMatch(/^added +#1 The Harbour Gazette {2}\[Local\]$/m);
    expect(imp.stdout).toMatch(/^added +#2 The Fenland Naturalist {2}\[Local\/Nature\]$/m);
    expect(imp.stdout).toMatch(/^failed +javascript:alert\(1\): only http and https/m);
    expect(imp.stderr).toContain('5 added, 0 already subscribed, 1 failed.');

    const out = await broadsheet(db, 'opml', 'export');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<opml version="2.0">/);
    expect(out.stdout).toContain(`xmlUrl="${server.url('/feeds/fenland.rdf')}"`);

    const file = path.join(dir, 'out.opml');
    const exp = await broadsheet(db, 'opml', 'export', file);
    expect(exp.code).toBe(0);
    // The same document (its creation date aside, which is the second it was written).
    const undated = (opml: string) => opml.replace(/<dateCreated>[^<]*<\/dateCreated>/, '');
    expect(undated(fs.readFileSync(file, 'utf8'))).toBe(undated(out.stdout));
    expect(fs.readFileSync(file, 'utf8')).toMatch(/<\/opml>\n$/); // trailing white space: one line break

    const other = path.join(dir, 'other.sqlite');
    const round = await broadsheet(other, 'opml', 'import', file);
    expect(round.code).toBe(0);
    expect(round.stderr).toContain('5 added, 0 already subscribed, 0 failed.');

    const missing = await broadsheet(db, 'opml', 'import', path.join(dir, 'nope.opml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.opml: no such file');
    expect(server.requests).toHaveLength(0); // importing fetched nothing
  });
});
