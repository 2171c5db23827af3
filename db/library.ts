import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { foldForSearch, splitCjk } from './fold.js';
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

/** The file exists but is not a SQLite database (or is damaged beyond opening). */
export class LibraryOpenError extends Error {
  override name = 'LibraryOpenError';
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
  if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

  let db: Database;
  try {
    db = new BetterSqlite3(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new LibraryOpenError(`${file}: cannot open the library (${(err as Error).message})`);
  }

  try {
    db.pragma('busy_timeout = 5000');
    let found: number;
    try {
      found = db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      throw new LibraryOpenError(`${file}: not a Broadsheet library (${(err as Error).message})`);
    }
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
    throw err;
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
