/**
 * What the command line says when the library cannot do what was asked: one line, naming the
 * library file and the reason in plain words, never SQLite's or Node's own message. And what it
 * does not do: make an empty library out of a mistyped --db.
 *
 * Real files in temporary folders and the real `broadsheet` process. A read-only folder or file
 * is made with permissions; root may write anywhere, so as root the command runs as `nobody`.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveArticle, setStarred } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { article, REPO, tempDir } from './helpers.js';

const BIN = path.join(REPO, 'main/cli/bin.mjs');
const posix = process.platform !== 'win32';
const root = posix && process.getuid?.() === 0;
const NOBODY = 65534;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; asOther?: boolean; limitBlocks?: number } = {}): Run {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env };
  const spawnOpts: SpawnSyncOptions = { encoding: 'utf8', env, ...(opts.asOther && root ? { uid: NOBODY, gid: NOBODY } : {}) };
  const r =
    opts.limitBlocks !== undefined
      ? spawnSync('/bin/sh', ['-c', `ulimit -f ${opts.limitBlocks} && exec "$0" "$@"`, process.execPath, BIN, ...args], spawnOpts)
      : spawnSync(process.execPath, [BIN, ...args], spawnOpts);
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A library of a few articles, in a folder of its own that other users may enter. */
function library(n = 3): { dir: string; file: string } {
  const dir = tempDir('broadsheet-cli-errors-');
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'library.sqlite');
  const db = openLibrary(file);
  db.transaction(() => {
    for (let i = 0; i < n; i++) saveArticle(db, article({ title: `Harbour note ${i + 1}`, text: `The harbour crane number ${i + 1}.` }));
  }).immediate();
  setStarred(db, 1, true);
  closeLibrary(db);
  return { dir, file };
}

/** The one line a failed command says, checked to be one line and free of SQLite's own words. */
function oneLineError(r: Run): string {
  expect(r.code).toBe(1);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  for (const raw of ['attempt to write a readonly database', 'database is locked', 'disk I/O error', 'malformed', 'unable to open database file', 'SQLITE_']) {
    expect(lines[0]).not.toContain(raw);
  }
  return lines[0]!;
}

describe.skipIf(!posix)('a library in a read-only folder', () => {
  it('is read (list, search, show, doctor, backup to another folder) and refused for changes, with the reason', () => {
    const { dir, file } = library();
    const out = tempDir('broadsheet-backup-');
    fs.chmodSync(out, 0o777);
    fs.chmodSync(dir, 0o555);
    try {
      const list = run(['--db', file, 'list', '--json'], { asOther: true });
      expect(list.stderr).toBe('');
      expect(JSON.parse(list.stdout).map((a: { title: string }) => a.title).sort()).toEqual(['Harbour note 1', 'Harbour note 2', 'Harbour note 3']);
      const search = run(['--db', file, 'search', 'crane', '--json'], { asOther: true });
      expect(JSON.parse(search.stdout)).toHaveLength(3);
      expect(run(['--db', file, 'show', '2'], { asOther: true }).stdout).toContain('Harbour note 2');

      const doctor = run(['--db', file, 'doctor'], { asOther: true });
      expect(doctor.stderr).toBe('');
      expect(doctor.code).toBe(0);
      expect(doctor.stdout).toContain(`library:        ${file} (its folder is read-only: read from a copy in memory)`);
      expect(doctor.stdout).toContain('integrity:      ok');
      expect(doctor.stdout).toContain('search index:   ok');
      expect(doctor.stdout).toContain('articles:       3 (3 unread, 1 starred)');

      const copy = path.join(out, 'copy.sqlite');
      const backup = run(['--db', file, 'backup', copy], { asOther: true });
      expect(backup.stderr).toBe('');
      expect(backup.stdout.trim()).toBe(`backed up to ${copy}`);
      const restored = openLibrary(copy);
      expect(restored.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(3);
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      closeLibrary(restored);

      const readOnly = `broadsheet: ${file}: cannot be opened: its folder is read-only (Broadsheet keeps library.sqlite-wal and library.sqlite-shm beside the library)`;
      expect(oneLineError(run(['--db', file, 'mark-read', '1'], { asOther: true }))).toBe(readOnly);
      expect(oneLineError(run(['--db', file, 'import', path.join(REPO, 'tests/fixtures/articles')], { asOther: true }))).toBe(readOnly);
      const beside = run(['--db', file, 'backup'], { asOther: true });
      expect(beside.code).toBe(2);
      expect(beside.stderr.trim().split('\n')[0]).toBe(
        `broadsheet: ${file}: its folder is read-only, so the backup cannot go beside it: name the file to write (broadsheet backup FILE)`,
      );
      expect(fs.readdirSync(dir)).toEqual(['library.sqlite']);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
});

describe.skipIf(!posix)('what a command says when the library cannot be changed', () => {
  it('a read-only library file: mark-read and delete say so in one line; list still works', () => {
    const { dir, file } = library();
    fs.chmodSync(dir, 0o777); // the folder is writable (SQLite keeps its -wal and -shm there); the file is not
    fs.chmodSync(file, 0o444);
    const expected = `broadsheet: ${file}: the library is read-only (check the file and folder permissions)`;
    expect(oneLineError(run(['--db', file, 'mark-read', '1'], { asOther: true }))).toBe(expected);
    expect(oneLineError(run(['--db', file, 'mark-read', '--all'], { asOther: true }))).toBe(expected);
    expect(oneLineError(run(['--db', file, 'delete', '1'], { asOther: true }))).toBe(expected);
    expect(run(['--db', file, 'list'], { asOther: true }).stdout).toContain('Harbour note 1');
  });

  it('a disk that cannot take the change: mark-read --all says so in one line and changes nothing', () => {
    const { file } = library(400);
    // The library may not grow past 32 KB (RLIMIT_FSIZE, in 512-byte blocks): marking 400
    // articles read writes more than that to its -wal file.
    const r = run(['--db', file, 'mark-read', '--all'], { limitBlocks: 64 });
    expect(oneLineError(r)).toBe(`broadsheet: ${file}: the disk could not be written (it may be full, failing or disconnected; nothing was half-written)`);
    const db = openLibrary(file);
    expect(db.prepare('SELECT count(*) FROM articles WHERE is_read = 0').pluck().get()).toBe(400);
    closeLibrary(db);
  });
});

describe('a damaged library', () => {
  it('doctor examines a library cut short and reports it damaged; other commands say so in one line', () => {
    const { file } = library(60);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const doctor = run(['--db', file, 'doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stderr).toBe('');
    expect(doctor.stdout.trim().split('\n')).toEqual([
      `library:        ${file}`,
      'integrity:      damaged: SQLite cannot read the file (cut short, or overwritten in places); restore a backup with `broadsheet restore FILE`',
    ]);
    expect(JSON.parse(run(['--db', file, 'doctor', '--json']).stdout)).toMatchObject({ ok: false, file });
    const damaged = `broadsheet: ${file}: the library file is damaged (run \`broadsheet doctor\`; restore a backup with \`broadsheet restore\`)`;
    expect(oneLineError(run(['--db', file, 'list']))).toBe(damaged);
    expect(oneLineError(run(['--db', file, 'mark-read', '--all']))).toBe(damaged);
  });

  it("doctor prints SQLite's findings one to a line, indented under the integrity line", () => {
    const { file } = library(40);
    const db = openLibrary(file);
    db.prepare('DELETE FROM articles WHERE id > 3').run(); // pages go on the free list
    closeLibrary(db);
    // Lose the free list: the header's first trunk page and count (bytes 32-39) zeroed.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(8), 0, 8, 32);
    fs.closeSync(fd);

    const doctor = run(['--db', file, 'doctor']);
    expect(doctor.code).toBe(1);
    const lines = doctor.stdout.trim().split('\n');
    const at = lines.findIndex((l) => l.startsWith('integrity:'));
    expect(lines[at]).toMatch(/^integrity: {6}damaged: SQLite found \d+ problems? \(restore a backup with `broadsheet restore FILE`\)$/);
    const findings = lines.slice(at + 1, lines.findIndex((l) => l.startsWith('search index:')));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f).toMatch(/^ {16}Page \d+: never used$/);
    // Every other line is a labelled one: nothing of SQLite's runs on unindented.
    for (const l of lines.filter((x) => !findings.includes(x))) expect(l).toMatch(/^[a-z ]+: /);
  });
});

describe('a library that is not there', () => {
  it('commands that only read, or change what is stored, refuse a --db that does not exist, and create nothing', () => {
    const dir = tempDir();
    const typo = path.join(dir, 'typo.sqlite');
    for (const args of [['doctor'], ['list'], ['show', '1'], ['search', 'harbour'], ['backup', path.join(dir, 'x.sqlite')], ['feeds', 'list'], ['opml', 'export'], ['delete', '1'], ['mark-read', '--all'], ['feeds', 'refresh']]) {
      const r = run(['--db', typo, ...args]);
      expect(oneLineError(r), args.join(' ')).toBe(`broadsheet: no library at ${typo} (import something first, or check --db)`);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    // An import makes one, as before.
    expect(run(['--db', typo, 'import', path.join(REPO, 'tests/fixtures/articles')]).stderr).toMatch(/^\d+ imported/);
    expect(run(['--db', typo, 'doctor']).code).toBe(0);
  });

  it('an empty file is not a library either, and is left as it was', () => {
    const file = path.join(tempDir(), 'empty.sqlite');
    fs.writeFileSync(file, '');
    expect(oneLineError(run(['--db', file, 'doctor']))).toBe(`broadsheet: no library at ${file} (the file is empty; import something first, or check --db)`);
    expect(oneLineError(run(['--db', file, 'backup', `${file}.bak`]))).toContain(`no library at ${file}`);
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
  });

  it("the app's own library on a first run (no --db): lists as empty, doctor says there is none yet, nothing is created", () => {
    const home = tempDir('broadsheet-home-');
    const env: NodeJS.ProcessEnv = { HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), APPDATA: path.join(home, 'AppData'), BROADSHEET_DB: '' };
    const list = run(['list'], { env });
    expect(list.code).toBe(0);
    expect(list.stderr.trim()).toBe('The library is empty. Add articles with `broadsheet import PATH`.');
    expect(JSON.parse(run(['list', '--json'], { env }).stdout)).toEqual([]);
    expect(run(['search', 'harbour'], { env }).code).toBe(0);
    const doctor = run(['doctor'], { env });
    expect(oneLineError(doctor)).toMatch(/^broadsheet: no library at .*library\.sqlite yet \(import something first\)$/);
    expect(fs.readdirSync(home)).toEqual([]);
    const imported = run(['import', path.join(REPO, 'tests/fixtures/articles')], { env });
    expect(imported.stderr).toMatch(/^\d+ imported/);
    expect(run(['doctor'], { env }).code).toBe(0);
  });
});
