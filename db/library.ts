import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { foldForSearch, splitCjk } from './fold.js';
import { describeSqliteError, describeSystemError, oneLine, sqliteCode } from './errors.js';
import { articleLang } from './lang.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.js';

export type { Database };

export interface OpenOptions {
  /** Open without writing anything: no migrations, no pragmas that change the file. */
  readonly?: boolean;
  /**
   * Path to a better-sqlite3 `.node` file built for this runtime. The Electron app passes the
   * Electron build here so that the Node build in node_modules keeps serving tests and the CLI.
   */
  nativeBinding?: string;
  /** Migrations to run, for tests that build libraries of older versions. */
  migrations?: readonly Migration[];
  /**
   * Refuse a file that does not exist, or is empty, with LibraryMissingError instead of making a
   * new library there: for whatever only reads, or changes what is already stored (a mistyped
   * --db must not quietly become an empty library).
   */
  mustExist?: boolean;
  /**
   * When SQLite cannot write beside the library (a read-only folder or disk), open it for reading
   * instead of failing: in place when SQLite can (its -wal and -shm files exist), else from a copy
   * in memory. For whatever only reads: changes to such a library go nowhere.
   */
  readOnlyFallback?: boolean;
}

/** The library file was written by a newer Broadsheet. It is left exactly as it was. */
export class LibraryTooNewError extends Error {
  override name = 'LibraryTooNewError';
  constructor(readonly file: string, readonly found: number, readonly known: number) {
    super(
      `${file}: this library was written by a newer version of Broadsheet (schema ${found}; ` +
        `this version knows up to ${known}). It was not changed. Update Broadsheet to open it.`,
    );
  }
}

/** The library could not be opened; the message says why, in one line that names the file. */
export class LibraryOpenError extends Error {
  override name = 'LibraryOpenError';
}

/** There is no library at this path (no file, or an empty one), and the caller asked not to make one. */
export class LibraryMissingError extends LibraryOpenError {
  override name = 'LibraryMissingError';
  constructor(readonly file: string, readonly empty: boolean) {
    super(`no library at ${file}${empty ? ' (the file is empty)' : ''}`);
  }
}

/** The file is a SQLite database that SQLite cannot read: cut short, or overwritten in places. */
export class LibraryDamagedError extends LibraryOpenError {
  override name = 'LibraryDamagedError';
  constructor(readonly file: string) {
    super(`${file}: the library file is damaged (run \`broadsheet doctor\`; restore a backup with \`broadsheet restore\`)`);
  }
}

/** SQLite cannot write beside the library: its folder (or disk) is read-only. */
export class LibraryReadOnlyError extends LibraryOpenError {
  override name = 'LibraryReadOnlyError';
}

/** The most a library in a read-only folder may weigh to be read from a copy in memory. */
export const MAX_COPY_IN_MEMORY_BYTES = 512 * 1024 * 1024;

/** Libraries opened from a copy in memory: the file each is a copy of, and that file's journal mode. */
const copies = new WeakMap<Database, { file: string; journalMode: 'wal' | 'delete' }>();

/** The file a library was opened from (a copy in memory stands for its file). */
export function libraryFile(db: Database): string {
  return copies.get(db)?.file ?? db.name;
}

/** For a copy in memory of a file SQLite could not read in place: that file's journal mode. */
export function copyInMemoryOf(db: Database): { file: string; journalMode: 'wal' | 'delete' } | null {
  return copies.get(db) ?? null;
}

/**
 * Opens (creating if needed) a library file and brings its schema up to date.
 *
 * Order matters: the schema version is read before anything is written, so that a library from
 * the future is refused untouched (not even switched to WAL).
 */
export function openLibrary(file: string, options: OpenOptions = {}): Database {
  const migrations = options.migrations ?? MIGRATIONS;
  const known = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const memory = file === ':memory:';
  if (options.mustExist && !memory) {
    const size = fileSize(file);
    if (size === null || size === 0) throw new LibraryMissingError(file, size === 0);
  }
  if (!options.readonly && !options.mustExist && !memory) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (err) {
      throw new LibraryOpenError(`${file}: the library cannot be created (${describeSystemError(err) ?? (err as Error).message})`);
    }
  }

  let db: Database;
  try {
    db = new BetterSqlite3(file, {
      readonly: options.readonly ?? false,
      fileMustExist: (options.readonly || options.mustExist) ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    if (sqliteCode(err).startsWith('SQLITE_CANTOPEN')) {
      if (fileSize(file) === null && folderIsReadOnly(file)) throw new LibraryReadOnlyError(`${file}: the library cannot be created: its folder is read-only`);
      if (!mayRead(file)) throw new LibraryOpenError(`${file}: cannot open the library (permission denied)`);
    }
    throw new LibraryOpenError(`${file}: cannot open the library (${sqliteCode(err) ? describeSqliteError(err) : oneLine((err as Error).message)})`);
  }

  try {
    db.pragma('busy_timeout = 5000');
    const found = readVersion(db, file);
    if (found > known) throw new LibraryTooNewError(file, found, known);

    registerFunctions(db);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: in WAL mode NORMAL can lose the last transactions on power loss; a saved article is a promise.
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db, found, migrations);
    return db;
  } catch (err) {
    db.close();
    if (options.readOnlyFallback && !options.readonly && cannotWriteBeside(err)) return openForReading(file, options, migrations, known);
    throw err;
  }
}

/** The schema version, the first thing read: its failure says what is wrong with the file. */
function readVersion(db: Database, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    throw openFailure(err, file);
  }
}

/** Why a library could not be read at all, in one line that names it. */
function openFailure(err: unknown, file: string): Error {
  const code = sqliteCode(err);
  if (code.startsWith('SQLITE_CORRUPT')) return new LibraryDamagedError(file);
  if (code === 'SQLITE_NOTADB') return new LibraryOpenError(`${file}: not a Broadsheet library (the file is not a database)`);
  if (code === 'SQLITE_READONLY_DIRECTORY' || (code.startsWith('SQLITE_CANTOPEN') && folderIsReadOnly(file))) {
    const name = path.basename(file);
    return new LibraryReadOnlyError(`${file}: cannot be opened: its folder is read-only (Broadsheet keeps ${name}-wal and ${name}-shm beside the library)`);
  }
  if (code) return new LibraryOpenError(`${file}: cannot be opened: ${describeSqliteError(err)}`);
  return new LibraryOpenError(`${file}: not a Broadsheet library (${oneLine((err as Error).message)})`);
}

/** SQLite could not write, or create, what it needs beside the library. */
function cannotWriteBeside(err: unknown): boolean {
  return err instanceof LibraryReadOnlyError || sqliteCode(err).startsWith('SQLITE_READONLY');
}

/**
 * A library SQLite cannot write beside, opened for reading. In place when SQLite can (the -wal and
 * -shm files exist: someone who may write has it open). Otherwise SQLite cannot read a WAL library
 * where it may not create them, so a copy is read into memory: without a -wal file the file
 * holds everything, and nothing can change it meanwhile (no one can write there either).
 */
function openForReading(file: string, options: OpenOptions, migrations: readonly Migration[], known: number): Database {
  const hasWal = fs.existsSync(`${file}-wal`);
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    db.pragma('busy_timeout = 5000');
    const found = readVersion(db, file);
    if (found > known) throw new LibraryTooNewError(file, found, known);
    // An older schema is upgraded in a copy, when there is one to make; this file stays as it is.
    if (found === known || hasWal) {
      registerFunctions(db);
      db.pragma('foreign_keys = ON');
      return db;
    }
    db.close();
  } catch (err) {
    db?.close();
    if (!cannotWriteBeside(err)) throw err;
    // A copy would miss what is still in the -wal file.
    if (hasWal) throw err;
  }
  return openCopyInMemory(file, options, migrations, known);
}

function openCopyInMemory(file: string, options: OpenOptions, migrations: readonly Migration[], known: number): Database {
  const readOnly = () => `${file}: cannot be opened: its folder is read-only`;
  const size = fileSize(file) ?? 0;
  if (size > MAX_COPY_IN_MEMORY_BYTES) {
    throw new LibraryReadOnlyError(`${readOnly()}, and at ${Math.round(size / 2 ** 20)} MB the library is too big to read from a copy in memory (copy it to a writable folder)`);
  }
  const bytes = fs.readFileSync(file);
  // Bytes 18 and 19 of the header say "WAL" (2); a copy in memory has no -wal file to go with it,
  // so it is read as what it is without one: a rollback-journal database (1).
  const wal = bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2;
  if (wal) bytes[18] = bytes[19] = 1;
  let db: Database;
  try {
    db = new BetterSqlite3(bytes, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    throw openFailure(err, file);
  }
  try {
    const found = readVersion(db, file);
    if (found > known) throw new LibraryTooNewError(file, found, known);
    registerFunctions(db);
    db.pragma('foreign_keys = ON');
    migrate(db, found, migrations);
    copies.set(db, { file, journalMode: wal ? 'wal' : 'delete' });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function mayRead(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * SQLite's integrity check of a file that does not open as a library (LibraryDamagedError): its
 * findings, or null when SQLite cannot read even the file's structure.
 */
export function checkIntegrity(file: string): string[] | null {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** Whether this process may not create files in the library's folder (permissions, or a read-only disk). */
export function folderIsReadOnly(file: string): boolean {
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
  }
}

/** Closes a library, letting SQLite refresh its statistics first (cheap; recommended on close). */
export function closeLibrary(db: Database): void {
  if (!db.open) return;
  if (!db.readonly) {
    try {
      db.pragma('optimize');
    } catch {
      // A busy or read-only file is no reason to fail a close.
    }
  }
  db.close();
}

function registerFunctions(db: Database): void {
  db.function('bs_fold', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? foldForSearch(text) : text,
  );
  // The search index's content view (migration 007): the text split as the index splits it.
  db.function('bs_cjk', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? splitCjk(text) : text));
  // What an article's letters say its language is (migration 009, for articles saved before it).
  db.function('bs_guess_lang', { deterministic: true }, (title: unknown, lead: unknown, text: unknown) =>
    articleLang(null, { title: String(title ?? ''), lead: String(lead ?? ''), text: String(text ?? '') }),
  );
}

function migrate(db: Database, from: number, migrations: readonly Migration[]): void {
  for (const m of migrations) {
    if (m.version <= from) continue;
    // Each version in its own transaction: a failure leaves the library at the last good version.
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export { SCHEMA_VERSION };
