import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SCHEMA_VERSION } from './migrations/index.js';

/**
 * Backups through SQLite's online backup API: a consistent copy of a library that may be open
 * and in use, never a raw copy of a live file (which can catch a half-applied transaction or miss
 * what is still in the -wal file).
 */

export const KEEP_BACKUPS = 5;
const DAY = 24 * 60 * 60 * 1000;
const NAME = /^library-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})\.sqlite$/;

export class BackupError extends Error {
  override name = 'BackupError';
}

/** Copies the open library to `dest` (written next to it first, then renamed into place). */
export async function backupLibrary(db: Database, dest: string): Promise<string> {
  const target = path.resolve(dest);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await db.backup(partial);
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`${target}: the backup could not be written (${(err as Error).message})`);
  }
  return target;
}

export function backupName(now: number): string {
  return `library-${new Date(now).toISOString().slice(0, 19).replace(/:/g, '')}.sqlite`;
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
  for (const old of listBackups(dir).slice(KEEP_BACKUPS)) fs.rmSync(old, { force: true });
  return file;
}

/** Checks a file is a library this version can open and that SQLite finds sound. Throws BackupError. */
export function checkLibraryFile(file: string): { schemaVersion: number; articles: number } {
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') throw new BackupError(`${file}: fails SQLite's integrity check (${problems.slice(0, 3).join('; ')})`);
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > SCHEMA_VERSION) throw new BackupError(`${file}: written by a newer Broadsheet (schema ${schemaVersion}); update Broadsheet to use it`);
    const hasArticles = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'articles'`).pluck().get() === 1;
    if (!hasArticles) throw new BackupError(`${file}: not a Broadsheet library`);
    return { schemaVersion, articles: db.prepare('SELECT count(*) FROM articles').pluck().get() as number };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file}: not a readable library (${(err as Error).message})`);
  } finally {
    db?.close();
  }
}

/**
 * Replaces the library at `target` with the backup `source`, after checking the backup. The
 * library must not be open anywhere (its -wal file would say so): a live library is never
 * overwritten. The current library is kept beside it as `<target>.before-restore`.
 */
export async function restoreLibrary(
  source: string,
  target: string,
  opts: { damaged?: boolean } = {},
): Promise<{ articles: number; previous: string | null }> {
  const { articles } = checkLibraryFile(source);
  // A damaged library (the app's start-up check, after closing it) may leave a -wal behind: it
  // is set aside with the file, never deleted. Otherwise a -wal with content means it is open.
  if (!opts.damaged && fs.existsSync(`${target}-wal`) && fs.statSync(`${target}-wal`).size > 0) {
    throw new BackupError(`${target}: the library is open (quit Broadsheet and any \`broadsheet web\` first)`);
  }
  const src = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  const partial = `${target}.restoring`;
  try {
    fs.rmSync(partial, { force: true });
    await src.backup(partial);
  } finally {
    src.close();
  }
  let previous: string | null = null;
  if (fs.existsSync(target)) {
    previous = opts.damaged ? `${target}.damaged-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}` : `${target}.before-restore`;
    fs.renameSync(target, previous);
    if (opts.damaged && fs.existsSync(`${target}-wal`)) fs.renameSync(`${target}-wal`, `${previous}-wal`);
  }
  for (const extra of [`${target}-wal`, `${target}-shm`]) fs.rmSync(extra, { force: true });
  fs.renameSync(partial, target);
  return { articles, previous };
}
