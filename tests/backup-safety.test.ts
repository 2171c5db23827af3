/**
 * `broadsheet backup` and `broadsheet restore` never lose a library: the real command line, the
 * real web host (`broadsheet web`) as the reader that has the library open, real files in
 * temporary folders, a real SIGKILL for a crash and a real read-only mount (or, run as a normal
 * user, a folder they cannot write) for read-only media.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { saveArticle } from '../db/articles.js';
import { checkLibraryFile } from '../db/backup.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { BIN, broadsheet, listLibrary, startHost, type CliResult, type HostProcess } from './e2e-helpers.js';
import { article, tempDir } from './helpers.js';

const hosts: HostProcess[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
});

async function serve(db: string): Promise<HostProcess> {
  const host = await startHost(db);
  hosts.push(host);
  return host;
}

/** A call to the reader's API, as the page makes it. */
async function call(host: HostProcess, channel: string, body: unknown): Promise<unknown> {
  const token = new URL(host.url).searchParams.get('token')!;
  const res = await fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-broadsheet-token': token },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as { ok: boolean; result?: unknown; error?: string };
  if (!reply.ok) throw new Error(`${channel}: ${reply.error}`);
  return reply.result;
}

/** A library file holding these articles, closed. */
function library(file: string, ...titles: string[]): string {
  const db = openLibrary(file);
  for (const title of titles) saveArticle(db, article({ title }));
  closeLibrary(db);
  return file;
}

const titles = (db: string) => listLibrary(db).map((a) => a.title).sort();
const starred = (db: string) => listLibrary(db).filter((a) => a.isStarred).map((a) => a.title).sort();
const idOf = (db: string, title: string) => listLibrary(db).find((a) => a.title === title)!.id;

/** A backup made by `broadsheet backup FILE`. */
function backupTo(db: string, file: string): string {
  const r = broadsheet(db, 'backup', file);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return file;
}

/** The command failed with one line on stderr (and nothing on stdout) matching `pattern`. */
function refused(r: CliResult, pattern: RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(1);
}

/** The file a restore reports it kept the replaced library as. */
function keptAs(r: CliResult): string {
  const m = /kept as (.+)\.$/m.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return m![1]!;
}

const sideFiles = (file: string) => ['-wal', '-shm', '-journal'].filter((ext) => fs.existsSync(file + ext));

describe('restore never replaces a library that is open', () => {
  it('refuses while `broadsheet web` has just opened it (its -wal still empty), and what the reader saves afterwards stays', async () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'Alpha', 'Beta', 'Gamma');
    const backup = backupTo(lib, path.join(dir, 'backup.sqlite'));

    const host = await serve(lib);
    expect(fs.statSync(`${lib}-wal`).size).toBe(0);
    refused(broadsheet(lib, 'restore', backup), /library\.sqlite: the library is open \(quit Broadsheet/);

    // The reader goes on: a star, reported as done, must be in the library afterwards.
    const id = idOf(lib, 'Beta');
    await call(host, 'setStarred', { id, starred: true });
    expect(await host.stop()).toBe(0);
    expect(titles(lib)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(starred(lib)).toEqual(['Beta']);
    expect(fs.readdirSync(dir).filter((n) => n.includes('before-restore'))).toEqual([]);
  });

  it('follows a link to the library: refused while open, though its -wal is beside the real file', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'disk'));
    const real = library(path.join(dir, 'disk', 'library.sqlite'), 'Old one', 'Old two');
    const link = path.join(dir, 'library.sqlite');
    fs.symlinkSync(real, link);
    const backup = backupTo(link, path.join(dir, 'backup.sqlite'));

    const host = await serve(link);
    await call(host, 'setStarred', { id: idOf(link, 'Old two'), starred: true });
    expect(fs.statSync(`${real}-wal`).size).toBeGreaterThan(0);
    expect(fs.existsSync(`${link}-wal`)).toBe(false);
    refused(broadsheet(link, 'restore', backup), /library\.sqlite: the library is open/);
    expect(await host.stop()).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(starred(real)).toEqual(['Old two']);
  });

  it('through a link, restores the real file, keeps the link, and keeps the replaced library beside the real file', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'disk'));
    const real = library(path.join(dir, 'disk', 'library.sqlite'), 'Old one', 'Old two');
    const link = path.join(dir, 'library.sqlite');
    fs.symlinkSync(real, link);
    const backup = library(path.join(dir, 'backup.sqlite'), 'From the backup');

    const r = broadsheet(link, 'restore', backup);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(real));
    expect(titles(real)).toEqual(['From the backup']);
    const kept = keptAs(r);
    expect(path.dirname(kept)).toBe(path.dirname(fs.realpathSync(real)));
    expect(fs.lstatSync(kept).isFile()).toBe(true);
    expect(titles(kept)).toEqual(['Old one', 'Old two']);
  });

  it('after a crash (SIGKILL) with changes only in the -wal, goes ahead and keeps them in one file', async () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'Kept', 'Also kept');
    const backup = backupTo(lib, path.join(dir, 'backup.sqlite'));

    const host = await serve(lib);
    await call(host, 'setStarred', { id: idOf(lib, 'Kept'), starred: true });
    await call(host, 'importFiles', { files: [{ name: 'late.txt', content: 'Saved just before the crash\n\nIts text, reported as saved.' }] });
    host.child.kill('SIGKILL');
    await host.stop();
    expect(fs.statSync(`${lib}-wal`).size).toBeGreaterThan(0);

    const r = broadsheet(lib, 'restore', backup);
    expect(r.stdout).toContain('restored 2 articles from');
    expect(r.code).toBe(0);
    expect(titles(lib)).toEqual(['Also kept', 'Kept']);
    expect(starred(lib)).toEqual([]);

    const kept = keptAs(r);
    expect(sideFiles(kept)).toEqual([]); // the whole library is in the one file
    expect(titles(kept)).toEqual(['Also kept', 'Kept', 'Saved just before the crash']);
    expect(starred(kept)).toEqual(['Kept']);
    expect(broadsheet(lib, 'doctor').code).toBe(0);
  });
});

describe('restore keeps every library it replaces', () => {
  it('a second restore keeps the first kept copy, and each message names its own', () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'The original');
    const backup = library(path.join(dir, 'other.sqlite'), 'From the backup');

    const first = broadsheet(lib, 'restore', backup);
    expect(first.code).toBe(0);
    const second = broadsheet(lib, 'restore', backup);
    expect(second.code).toBe(0);
    const a = keptAs(first);
    const b = keptAs(second);
    expect(a).not.toBe(b);
    expect(titles(a)).toEqual(['The original']);
    expect(titles(b)).toEqual(['From the backup']);
    expect(titles(lib)).toEqual(['From the backup']);
  });
});

describe('backup never overwrites what is not a backup', () => {
  it('refuses a library in use, one left by a crash, any other file, and the library itself; every one stays whole', async () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'Mine');
    const other = library(path.join(dir, 'other.sqlite'), 'Other one', 'Other two');

    const host = await serve(other);
    await call(host, 'setStarred', { id: idOf(other, 'Other two'), starred: true });
    refused(broadsheet(lib, 'backup', other), /other\.sqlite: .*-wal is beside it.*not replaced/);
    expect(await host.stop()).toBe(0);

    // A library nobody has open, with nothing beside it: still a library, not a backup.
    expect(sideFiles(other)).toEqual([]);
    refused(broadsheet(lib, 'backup', other), /other\.sqlite: already exists and is not a backup \(a library/);

    // Left by a crash: its -wal would be applied to whatever is written there.
    const crashed = await serve(other);
    await call(crashed, 'setStarred', { id: idOf(other, 'Other one'), starred: true });
    crashed.child.kill('SIGKILL');
    await crashed.stop();
    refused(broadsheet(lib, 'backup', other), /other\.sqlite: other\.sqlite-wal is beside it/);
    expect(titles(other)).toEqual(['Other one', 'Other two']);
    expect(starred(other)).toEqual(['Other one', 'Other two']);
    expect(broadsheet(other, 'doctor').code).toBe(0);

    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'my notes');
    refused(broadsheet(lib, 'backup', notes), /notes\.txt: already exists and is not a backup \(not a database\)/);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes');

    refused(broadsheet(lib, 'backup', lib), /library\.sqlite: is the library being backed up/);
    expect(titles(lib)).toEqual(['Mine']);
  });

  it('never writes where a stale -wal would be applied to the backup', () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'Mine');
    const target = path.join(dir, 'copy.sqlite');
    fs.writeFileSync(`${target}-wal`, Buffer.alloc(4096, 7));
    refused(broadsheet(lib, 'backup', target), /copy\.sqlite: copy\.sqlite-wal is beside it/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('replaces a backup it made before (a nightly `backup FILE`), leaving nothing beside it', () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'First');
    const nightly = backupTo(lib, path.join(dir, 'nightly.sqlite'));
    expect(checkLibraryFile(nightly).articles).toBe(1);
    const db = openLibrary(lib);
    saveArticle(db, article({ title: 'Second' }));
    closeLibrary(db);
    backupTo(lib, nightly);
    expect(checkLibraryFile(nightly).articles).toBe(2);
    expect(sideFiles(nightly)).toEqual([]);
  });

  it('puts a backup into the folder it is given, named as the daily ones', () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'First', 'Second');
    const folder = path.join(dir, 'usb');
    fs.mkdirSync(folder);
    const r = broadsheet(lib, 'backup', folder);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const made = /backed up to (.*)$/m.exec(r.stdout)![1]!;
    expect(path.dirname(made)).toBe(fs.realpathSync(folder));
    expect(path.basename(made)).toMatch(/^library-\d{4}-\d{2}-\d{2}T\d{6}\.sqlite$/);
    expect(titles(made)).toEqual(['First', 'Second']);
  });
});

/**
 * Runs the command line with `dir` read-only: as root (whom permissions do not stop) on a read-only
 * bind mount of it in a mount namespace of its own; as anyone else, with the folder's write
 * permission taken away.
 */
function readOnly(dir: string, db: string, ...args: string[]): CliResult {
  if (process.getuid?.() === 0) {
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', script, 'sh', dir, process.execPath, BIN, '--db', db, ...args], { encoding: 'utf8' });
    if (r.error || /mount:|unshare:/.test(r.stderr)) throw new Error(`cannot make ${dir} read-only for the test: ${r.error?.message ?? r.stderr}`);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  fs.chmodSync(dir, 0o555);
  try {
    return broadsheet(db, ...args);
  } finally {
    fs.chmodSync(dir, 0o755);
  }
}

describe('restore and backup say what is wrong, and work from read-only media', () => {
  it('restores into a folder that does not exist yet (a new computer)', () => {
    const dir = tempDir();
    const backup = library(path.join(dir, 'backup.sqlite'), 'Carried over');
    const lib = path.join(dir, 'new-home', 'Broadsheet', 'library.sqlite');
    const r = broadsheet(lib, 'restore', backup);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(titles(lib)).toEqual(['Carried over']);
  });

  it('restores from read-only media, a backup of this version or an older one, and leaves nothing beside it', async () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'On the stick');
    const media = path.join(dir, 'media');
    fs.mkdirSync(media);
    backupTo(lib, path.join(media, 'backup.sqlite'));
    // What Broadsheet wrote before backups were single files: SQLite's backup of a WAL library.
    const db = new BetterSqlite3(lib, { readonly: true });
    await db.backup(path.join(media, 'older.sqlite'));
    db.close();
    expect(fs.readFileSync(path.join(media, 'older.sqlite'))[18]).toBe(2);
    // …and one that an older check left an empty -wal beside (its -shm lost on the way).
    fs.copyFileSync(path.join(media, 'older.sqlite'), path.join(media, 'left.sqlite'));
    fs.writeFileSync(path.join(media, 'left.sqlite-wal'), '');

    const target = path.join(dir, 'restored.sqlite');
    for (const name of ['backup.sqlite', 'older.sqlite', 'left.sqlite']) {
      const r = readOnly(media, target, 'restore', path.join(media, name));
      expect(r.stderr).toMatch(/^(The library it replaced is kept as .*\n)?$/);
      expect(r.code).toBe(0);
      expect(titles(target)).toEqual(['On the stick']);
    }
    expect(fs.readdirSync(media).sort()).toEqual(['backup.sqlite', 'left.sqlite', 'left.sqlite-wal', 'older.sqlite']);
  });

  it('checks an older (WAL-mode) backup without leaving a -shm or -wal beside it', async () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'One', 'Two');
    const old = path.join(dir, 'backups', 'library-2026-01-01T090000.sqlite');
    fs.mkdirSync(path.dirname(old));
    const db = new BetterSqlite3(lib, { readonly: true });
    await db.backup(old);
    db.close();
    expect(checkLibraryFile(old).articles).toBe(2);
    expect(fs.readdirSync(path.dirname(old))).toEqual([path.basename(old)]);
  });

  it('a backup to a folder it cannot create says which and why, in one line', () => {
    const dir = tempDir();
    const lib = library(path.join(dir, 'library.sqlite'), 'Mine');
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    const r = readOnly(ro, lib, 'backup', path.join(ro, 'sub', 'new.sqlite'));
    refused(r, /^broadsheet: \/.*\/ro\/sub\/new\.sqlite: cannot create the folder \/.*\/ro\/sub \((read-only file system|permission denied)\)$/m);
  });
});
