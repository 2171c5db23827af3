import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SCHEMA_VERSION } from './migrations/index.js';

/**
 * Backups through SQLite's online backup API: a consistent copy of a library that may be open
 * and in use, never a raw copy of a live file (which can catch a half-applied transaction or miss
 * what is still in the -wal file).
 *
 * A backup is one file in rollback-journal mode: it needs nothing beside it (it can be read from
 * read-only media without a -shm), and its header tells it apart from a library, which is always
 * in WAL mode once Broadsheet has opened it. That is how `broadsheet backup FILE` knows it may
 * replace FILE: only a backup is ever replaced, never a library nor any other file.
 */

export const KEEP_BACKUPS = 5;
const DAY = 24 * 60 * 60 * 1000;
const NAME = /^library-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})\.sqlite$/;
/** The files SQLite keeps beside a database while it is open (or after it was not closed cleanly). */
const COMPANIONS = ['-wal', '-shm', '-journal'] as const;

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * Copies the open library to `dest` (written next to it first, then renamed into place). `dest`
 * may be a folder: the backup goes inside it, named as the daily ones. An existing file is only
 * replaced when it is a backup (see above); anything else there is refused with the reason.
 */
export async function backupLibrary(db: Database, dest: string, now = Date.now()): Promise<string> {
  let target = path.resolve(dest);
  if (statOrNull(target)?.isDirectory()) target = path.join(target, backupName(now));
  target = realPath(target);
  if (sameFile(target, db.name)) throw new BackupError(`${target}: is the library being backed up; choose another file`);
  makeFolder(path.dirname(target), target);
  refuseToReplace(db, target);
  const partial = `${target}.partial`;
  removeDatabaseFile(partial);
  try {
    await db.backup(partial);
    withAttached(db, partial, (schema) => db.pragma(`${schema}.journal_mode = DELETE`));
    refuseToReplace(db, target); // again: something may have appeared there during the copy
    fs.renameSync(partial, target);
  } catch (err) {
    removeDatabaseFile(partial);
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${target}: the backup could not be written (${reason(err)})`);
  }
  return target;
}

export function backupName(now: number): string {
  return `library-${stamp(now)}.sqlite`;
}

/** The newest backup in `dir` that passes its check, or null. */
export function newestGoodBackup(dir: string): { file: string; articles: number; takenAt: number } | null {
  for (const file of listBackups(dir)) {
    try {
      const { articles } = checkLibraryFile(file);
      const m = NAME.exec(path.basename(file))!;
      return { file, articles, takenAt: Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) };
    } catch {
      // a damaged backup is skipped, the next older one tried
    }
  }
  return null;
}

/** Backups in `dir`, newest first. */
export function listBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((n) => path.join(dir, n));
}

/**
 * The daily backup: at most one a day, the last KEEP_BACKUPS kept. Returns the new file, or null
 * when today's backup already exists.
 */
export async function dailyBackup(db: Database, dir: string, now = Date.now()): Promise<string | null> {
  const newest = listBackups(dir)[0];
  if (newest) {
    const m = NAME.exec(path.basename(newest))!;
    const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
    if (now - at < DAY) return null;
  }
  const file = await backupLibrary(db, path.join(dir, backupName(now)));
  for (const old of listBackups(dir).slice(KEEP_BACKUPS)) removeDatabaseFile(old);
  return file;
}

/**
 * Checks a file is a library this version can open and that SQLite finds sound. Throws BackupError.
 * Nothing is written beside the file, so a backup on read-only media can be checked: a WAL-mode
 * file (a library, or a backup from an older Broadsheet) would need a -shm beside it to be opened
 * even read-only, so unless it has a -wal already (open, or left so), a copy in the temporary
 * folder is checked.
 */
export function checkLibraryFile(file: string): { schemaVersion: number; articles: number } {
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  const wal = headerMode(file) === 'wal';
  if (!wal || fs.existsSync(`${file}-wal`)) {
    try {
      return inspect(file, file, true);
    } catch (err) {
      // An empty -wal without its -shm, on read-only media: it holds nothing, the copy will do.
      if (!wal || hasContent(`${file}-wal`) || (err as { code?: unknown }).code !== 'SQLITE_CANTOPEN') throw err;
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-check-'));
  try {
    const copy = path.join(dir, 'library.sqlite');
    try {
      fs.copyFileSync(file, copy);
    } catch (err) {
      throw new BackupError(`${file}: could not be read (${reason(err)})`);
    }
    return inspect(copy, file, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Replaces the library at `target` with the backup `source`, after checking the backup (a copy of
 * it, made beside the library first). Links are followed: the real file is replaced, the link kept.
 * The library must not be open anywhere: that is asked of SQLite's own lock (see `takeOver`), and
 * a library left with changes in its -wal by a crash is taken over with them. The replaced library
 * is kept beside it, one file with all its data, under a name no earlier restore used; the name
 * is returned as `previous`.
 */
export async function restoreLibrary(
  source: string,
  target: string,
  opts: { damaged?: boolean } = {},
): Promise<{ articles: number; previous: string | null; file: string }> {
  const from = path.resolve(source);
  if (!fs.existsSync(from)) throw new BackupError(`${from}: no such file`);
  const file = realPath(target);
  const existing = statOrNull(file);
  if (existing && !existing.isFile()) throw new BackupError(`${file}: is not a file (give the library file, not its folder)`);
  if (existing && sameFile(from, file)) throw new BackupError(`${from}: is the library itself; nothing to restore`);
  if (!existing) {
    for (const ext of ['-wal', '-journal']) {
      if (fs.existsSync(file + ext)) {
        throw new BackupError(`${file}${ext}: is left there without its library; move it away first (SQLite would apply it to the restored file)`);
      }
    }
  }
  makeFolder(path.dirname(file), file);

  const partial = `${file}.restoring`;
  removeDatabaseFile(partial);
  let articles: number;
  try {
    await copyDatabase(from, partial);
    articles = prepareRestored(partial, from);
  } catch (err) {
    removeDatabaseFile(partial);
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${from}: not a readable library (${reason(err)})`);
  }

  let previous: string | null = null;
  try {
    if (existing) {
      takeOver(file, !opts.damaged);
      previous = keptName(file, opts.damaged ? 'damaged' : 'before-restore');
      fs.renameSync(file, previous);
      // What SQLite did not fold into the file (a damaged library's -wal) goes with it.
      for (const ext of ['-wal', '-journal']) if (fs.existsSync(file + ext)) fs.renameSync(file + ext, previous + ext);
    }
    fs.rmSync(`${file}-shm`, { force: true });
    fs.renameSync(partial, file);
  } catch (err) {
    removeDatabaseFile(partial);
    if (previous && !fs.existsSync(file) && fs.existsSync(previous)) {
      try {
        fs.renameSync(previous, file);
        for (const ext of ['-wal', '-journal']) if (fs.existsSync(previous + ext)) fs.renameSync(previous + ext, file + ext);
      } catch {
        // the message below names where the library is
      }
    }
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file}: could not be replaced (${reason(err)})${previous && fs.existsSync(previous) ? `; the library is at ${previous}` : ''}`);
  }
  return { articles, previous, file };
}

// ---- the pieces ---------------------------------------------------------------------------------

/** The checks, on an open connection; messages name `label` (the file the person gave). */
function checkOpen(db: Database, label: string): { schemaVersion: number; articles: number } {
  const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  if (problems.length !== 1 || problems[0] !== 'ok') throw new BackupError(`${label}: fails SQLite's integrity check (${problems.slice(0, 3).join('; ')})`);
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  if (schemaVersion > SCHEMA_VERSION) throw new BackupError(`${label}: written by a newer Broadsheet (schema ${schemaVersion}); update Broadsheet to use it`);
  const hasArticles = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'articles'`).pluck().get() === 1;
  if (!hasArticles) throw new BackupError(`${label}: not a Broadsheet library`);
  return { schemaVersion, articles: db.prepare('SELECT count(*) FROM articles').pluck().get() as number };
}

function inspect(file: string, label: string, readonly: boolean): { schemaVersion: number; articles: number } {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly, fileMustExist: true });
    return checkOpen(db, label);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw Object.assign(new BackupError(`${label}: not a readable library (${(err as Error).message})`), { code: (err as { code?: unknown }).code });
  } finally {
    db?.close();
  }
}

/**
 * Copies a database file. One with no -wal (nor -journal) beside it is complete in itself and not
 * open in WAL mode anywhere, so it is copied as it is, reading only (read-only media do). Otherwise
 * the copy goes through SQLite, which reads the changes in the -wal and never catches a write
 * half-done; an empty -wal that SQLite cannot open there (on read-only media) holds nothing, and
 * the file is copied as it is.
 */
async function copyDatabase(from: string, to: string): Promise<void> {
  const raw = !fs.existsSync(`${from}-wal`) && !fs.existsSync(`${from}-journal`);
  let src: Database | undefined;
  if (!raw) {
    try {
      src = new BetterSqlite3(from, { readonly: true, fileMustExist: true });
      src.pragma('user_version');
    } catch (err) {
      src?.close();
      src = undefined;
      if (hasContent(`${from}-wal`) || fs.existsSync(`${from}-journal`)) {
        throw new BackupError(
          `${from}: cannot be read where it is: its latest changes are in ${path.basename(from)}-wal, which SQLite reads only with a ` +
            `-shm beside it (${reason(err)}); copy both files to a folder you can write to and restore from there`,
        );
      }
    }
  }
  if (!src) {
    fs.copyFileSync(from, to);
    return;
  }
  try {
    await src.backup(to);
  } finally {
    src.close();
  }
}

/** Checks the restored copy and puts it in WAL mode (a library, from now on); returns its articles. */
function prepareRestored(partial: string, label: string): number {
  let db: Database | undefined;
  let articles: number;
  try {
    db = new BetterSqlite3(partial, { fileMustExist: true });
    articles = checkOpen(db, label).articles;
    db.pragma('journal_mode = WAL');
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${label}: not a readable library (${(err as Error).message})`);
  } finally {
    db?.close();
  }
  if (fs.existsSync(`${partial}-wal`)) throw new BackupError(`${partial}: SQLite left its -wal after checking it; nothing was replaced`);
  fs.rmSync(`${partial}-shm`, { force: true });
  return articles;
}

/**
 * Makes sure no connection, in this process or another, has the library open, and (with `fold`)
 * folds a -wal left by a crash into the file, so that the file is the whole library.
 *
 * The test is SQLite's own: every connection to a WAL-mode database holds a shared lock on the
 * file from its first read until it closes (idle, with an empty -wal, too); a connection in
 * exclusive locking mode asks for the exclusive lock when it first reads, and with no busy
 * timeout gets SQLITE_BUSY at once while any other holds it open. This is the lock SQLite itself
 * takes on close to decide whether it is the last connection, the same on Linux, macOS (POSIX
 * locks) and Windows (LockFileEx). A crashed process holds no lock, so its leftover -wal does not
 * count as open. The file's size, or a -wal's, says nothing reliable either way.
 *
 * The connection is closed before the caller renames the file (Windows cannot rename an open
 * file); on close SQLite checkpoints and deletes the -wal (a -shm may stay: the caller removes it).
 */
function takeOver(file: string, fold: boolean): void {
  let db: Database;
  try {
    db = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return; // not a database SQLite can open: nobody is using it as a library
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new BackupError(`${file}: the library is open (quit Broadsheet and any \`broadsheet web\` first); nothing was replaced`);
    }
    // Damaged beyond reading, or a file we may only read (as may anyone else who could have it
    // open): no one is writing to it, and it is set aside as it is.
    if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT') || writeProblem(file)) return;
    throw new BackupError(`${file}: cannot tell whether the library is open (${reason(err)}); nothing was replaced`);
  }
  if (fold) {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // what stays in the -wal is kept with the file
    }
  }
  db.close();
}

/** Refuses to replace `target` unless it is missing, empty or a backup, with nothing beside it. */
function refuseToReplace(db: Database, target: string): void {
  for (const ext of COMPANIONS) {
    if (fs.existsSync(target + ext)) {
      throw new BackupError(
        `${target}: ${path.basename(target)}${ext} is beside it (a database there is open, or was not closed cleanly); not replaced, choose another name`,
      );
    }
  }
  const st = statOrNull(target);
  if (!st || (st.isFile() && st.size === 0)) return;
  let what: string | null = 'not a file';
  if (st.isFile()) {
    const mode = headerMode(target);
    what = mode === 'wal' ? 'a library (a database in WAL mode), or a backup from an older Broadsheet' : mode === 'rollback' ? notABackup(db, target) : 'not a database';
  }
  if (what) throw new BackupError(`${target}: already exists and is not a backup (${what}); not replaced, choose another name or move it away first`);
}

/** Why a rollback-journal database is not one of our backups, or null when it is. */
function notABackup(db: Database, file: string): string | null {
  try {
    const isLibrary = withAttached(db, file, (schema) => db.prepare(`SELECT count(*) FROM ${schema}.sqlite_schema WHERE name = 'articles'`).pluck().get() === 1);
    return isLibrary ? null : 'a database that is not a Broadsheet library';
  } catch (err) {
    return `an unreadable database: ${(err as Error).message}`;
  }
}

/**
 * Runs `fn` with `file` attached to the library's own connection. Backups are made in the app's
 * library thread, whose better-sqlite3 may be a build for Electron: a connection of their own
 * would load the Node build, so anything done to a backup file goes through the library's.
 */
function withAttached<T>(db: Database, file: string, fn: (schema: string) => T): T {
  const schema = 'bs_backup_file';
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
  try {
    return fn(schema);
  } finally {
    db.exec(`DETACH DATABASE ${schema}`);
  }
}

/** The journal mode a database file's header records (bytes 18 and 19), or null for no database. */
function headerMode(file: string): 'wal' | 'rollback' | null {
  const head = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    if (fs.readSync(fd, head, 0, 20, 0) < 20) return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (head.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return null;
  return head[18] === 2 || head[19] === 2 ? 'wal' : 'rollback';
}

function hasContent(file: string): boolean {
  return (statOrNull(file)?.size ?? 0) > 0;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** True when both paths name one existing file (through links and other spellings). */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a, { bigint: true });
    const sb = fs.statSync(b, { bigint: true });
    return sa.dev === sb.dev && sa.ino === sb.ino && (sa.ino !== 0n || fs.realpathSync(a) === fs.realpathSync(b));
  } catch {
    return false;
  }
}

/**
 * Where a path really is: links followed (SQLite keeps a library's -wal beside the real file), and
 * for a path that does not exist yet, its nearest existing folder's real place. A link to nothing
 * is refused rather than replaced by a file.
 */
function realPath(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    // not there (yet), or a link to nothing
  }
  let link: string | null = null;
  try {
    if (fs.lstatSync(abs).isSymbolicLink()) link = fs.readlinkSync(abs);
  } catch {
    // not there at all
  }
  if (link !== null) throw new BackupError(`${abs}: is a link to ${path.resolve(path.dirname(abs), link)}, which does not exist`);
  const parent = path.dirname(abs);
  return parent === abs ? abs : path.join(realPath(parent), path.basename(abs));
}

/** Creates `dir` if needed and makes sure files can be made in it; messages name `file`. */
function makeFolder(dir: string, file: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new BackupError(`${file}: cannot create the folder ${dir} (${reason(writeProblem(dir) ?? err)})`);
  }
  const problem = writeProblem(dir);
  if (problem) throw new BackupError(`${file}: cannot write in the folder ${dir} (${reason(problem)})`);
}

/** Why nothing can be created in `dir` (or the nearest folder of it that exists), or null. */
function writeProblem(dir: string): unknown {
  let at = dir;
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    fs.accessSync(at, fs.constants.W_OK);
    return null;
  } catch (err) {
    return err;
  }
}

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a file is where a folder should be',
  EISDIR: 'is a folder',
  EBUSY: 'in use by another program',
  SQLITE_FULL: 'no space left on the disk',
};

/** A short reason for a file system or SQLite error, without the error code or the path again. */
function reason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const known = typeof e?.code === 'string' ? REASONS[e.code] : undefined;
  if (known) return known;
  const message = String(e?.message ?? err);
  const colon = message.indexOf(': ');
  return colon > 0 && /^E[A-Z]+$/.test(message.slice(0, colon)) ? message.slice(colon + 2) : message;
}

/** A database file and the files SQLite keeps beside it. */
function removeDatabaseFile(file: string): void {
  for (const ext of ['', ...COMPANIONS]) fs.rmSync(file + ext, { force: true });
}

/** `<file>.<what>-<UTC time>`, with -2, -3… when a file (or its -wal) of that name is there already. */
function keptName(file: string, what: string): string {
  const base = `${file}.${what}-${stamp(Date.now())}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!['', ...COMPANIONS].some((ext) => fs.existsSync(name + ext))) return name;
  }
}

function stamp(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace(/:/g, '');
}
