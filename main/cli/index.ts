import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkIntegrity,
  closeLibrary,
  folderIsReadOnly,
  copyInMemoryOf,
  LibraryDamagedError,
  LibraryMissingError,
  libraryFile,
  openLibrary,
  type Database,
} from '../../db/library.js';
import { deleteArticles, getArticle, listArticles, markAllRead, setReadMany } from '../../db/articles.js';
import { describeSqliteError, describeSystemError, oneLine, sqliteCode } from '../../db/errors.js';
import { RANK_LIMIT, search } from '../../db/search.js';
import { runDoctor } from '../../db/doctor.js';
import type { ImportItem } from '../ingest/import.js';
import { useParseWorker } from '../ingest/parse-config.js';
import { defaultLibraryPath } from '../paths.js';
import { formatArticle, formatHit, formatListRow } from './format.js';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress goes here (a redrawn line) when stderr is a terminal. */
  progress?: (text: string) => void;
  tty: boolean;
}

/**
 * Set when whoever reads our output has gone (`broadsheet list | head`): what is left to say is
 * dropped, and the command still finishes its work (an import piped to head imports everything).
 */
let stdoutGone = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stdoutGone = true;
});

const processIo: Io = {
  out: (line) => void (stdoutGone || process.stdout.write(`${line}\n`)),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY ? (text) => process.stderr.write(`\r\x1b[2K${text}`) : undefined,
  tty: Boolean(process.stdout.isTTY),
};

const USAGE = `Usage: broadsheet <command> [options]

Commands:
  import PATH...            import article files and folders (.txt, .md, .html), recursively
  save URL                  save a web page with its pictures
  list [--limit N]          saved articles, newest first
  show ID                   one article, as text
  delete ID...              delete articles with their pictures (a feed's stay deleted)
  mark-read ID...|--all     mark articles as read, or every unread one
  search QUERY [--limit N]  ranked full-text search with snippets
  doctor                    check the library file and print what it holds
  backup [FILE|FOLDER]      a consistent copy of the library (default: backups/ beside it)
  restore FILE              replace the library with a backup (checked first; quit the app)
  web [--port N]            serve the reader on 127.0.0.1 (prints its address first)
  feeds add URL             subscribe (a feed, or a page naming one) and fetch it now; --folder NAME
  feeds list [--json]       subscriptions: id, address, last fetched, last error, unread
  feeds refresh [ID|--all]  refresh the feeds that are due, one feed, or all of them now
  feeds remove ID           unsubscribe; starred articles are kept, the feed's others deleted
  opml import FILE          subscribe to the feeds of an OPML file (folders kept)
  opml export [FILE]        the subscriptions as OPML (standard output without FILE)

Options:
  --db PATH    the library file (default: ${defaultLibraryPath()})
  --json       machine-readable output
  -h, --help   this help`;

class UsageError extends Error {}

/** Runs one command; returns the exit status. Never throws for anything a user can type. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // Big inputs are parsed on a worker with a heap limit (main/ingest/parse-pool.ts), built beside
  // this file by build/scripts/build-cli.mjs; run from source there is none, and all parse here.
  useParseWorker(new URL('./parse-worker.mjs', import.meta.url));
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    io.err(`broadsheet: ${(err as Error).message}`);
    io.err('Run `broadsheet --help` for usage.');
    return 2;
  }
  const { values, positionals } = args;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (command || values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.version) {
    io.out('broadsheet 0.1.0');
    return 0;
  }
  const file = values.db ?? defaultLibraryPath();
  // Where the file name came from, for what to check when there is no library there.
  const named = values.db !== undefined ? '--db' : process.env.BROADSHEET_DB ? 'BROADSHEET_DB' : null;
  let db: Database | undefined;
  try {
    if (command === 'restore') return await restore(file, rest, io);
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    const ctx = {
      rest, json: values.json ?? false, limit: parseLimit(values.limit), port: parsePort(values.port), io,
      all: values.all ?? false, folder: values.folder,
    };
    const access = accessOf(command, rest);
    // A backup goes beside the library unless told where: not into a folder that cannot take it.
    const nowhereBeside = () =>
      new UsageError(`${file}: its folder is read-only, so the backup cannot go beside it: name the file to write (broadsheet backup FILE)`);
    if (command === 'backup' && rest.length === 0 && folderIsReadOnly(file)) throw nowhereBeside();
    try {
      db = openFor(file, access, named, command);
    } catch (err) {
      if (command === 'doctor' && err instanceof LibraryDamagedError) return doctorDamaged(file, checkIntegrity(file), ctx.json, io);
      throw err;
    }
    if (command === 'backup' && rest.length === 0 && copyInMemoryOf(db)) throw nowhereBeside();
    return await handler({ ...ctx, db });
  } catch (err) {
    io.err(`broadsheet: ${describeFailure(err, file, named)}`);
    if (err instanceof UsageError) return 2;
    return 1;
  } finally {
    if (db) closeLibrary(db);
  }
}

/**
 * How a command uses the library. `create`: it may make a new one (an import, a first
 * subscription, the web reader). `change`: it changes what is stored, so there must be a library
 * there. `read`: it only reads; a library SQLite cannot write beside (a read-only folder or disk)
 * is read all the same.
 */
type Access = 'create' | 'change' | 'read';

function accessOf(command: string, rest: readonly string[]): Access {
  switch (command) {
    case 'import':
    case 'save':
    case 'web':
      return 'create';
    case 'delete':
    case 'mark-read':
      return 'change';
    case 'feeds':
      if (rest[0] === 'add') return 'create';
      return rest[0] === 'refresh' || rest[0] === 'remove' || rest[0] === 'full-text' ? 'change' : 'read';
    case 'opml':
      return rest[0] === 'import' ? 'create' : 'read';
    default:
      return 'read'; // list, show, search, doctor, backup
  }
}

/**
 * Opens the library as the command needs it. Only `create` commands make a new library: a
 * mistyped --db (or an empty file) is refused by the others, not turned into an empty library.
 * Without --db or BROADSHEET_DB, the app's own library not made yet (a first run) is an empty
 * library for whatever lists or searches, and nothing is created.
 */
function openFor(file: string, access: Access, named: string | null, command: string): Database {
  if (access === 'create') return openLibrary(file);
  try {
    return openLibrary(file, { mustExist: true, readOnlyFallback: access === 'read' });
  } catch (err) {
    if (err instanceof LibraryMissingError && named === null && command !== 'doctor' && command !== 'backup') return openLibrary(':memory:');
    throw err;
  }
}

/** What went wrong, in one line that names the library (or the file) it is about. */
function describeFailure(err: unknown, file: string, named: string | null): string {
  if (err instanceof LibraryMissingError) {
    const check = named ? `, or check ${named}` : '';
    return `no library at ${file}${named ? '' : ' yet'} (${err.empty ? 'the file is empty; ' : ''}import something first${check})`;
  }
  if (sqliteCode(err)) return `${file}: ${describeSqliteError(err)}`;
  return describeSystemError(err) ?? oneLine((err as Error)?.message ?? String(err));
}

/** What stands in for a word that starts with one dash while parseArgs reads the options. */
const DASHED = '\u0000';

/**
 * The options, and the words. A word that starts with one dash is a query's exclusion
 * (`search -russia nato`) or a file's name, not an option (-h is the only short one); parseArgs
 * would refuse it ("Unknown option '-r'"), and `--` would make the options after it words too.
 */
function parse(argv: string[]) {
  const dashed: string[] = [];
  const hide = (arg: string) => (/^-[^-]/.test(arg) && arg !== '-h' ? `${DASHED}${dashed.push(arg) - 1}` : arg);
  const show = <T extends string | undefined>(arg: T): T => (arg?.startsWith(DASHED) ? (dashed[Number(arg.slice(1))] as T) : arg);
  const parsed = parseOptions(argv.map(hide));
  const { db, limit, port, folder } = parsed.values;
  return {
    values: { ...parsed.values, db: show(db), limit: show(limit), port: show(port), folder: show(folder) },
    positionals: parsed.positionals.map(show),
  };
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      port: { type: 'string' },
      all: { type: 'boolean' },
      folder: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
}

/** Article ids given on the command line, each a whole number above 0. */
function articleIds(command: string, rest: readonly string[]): number[] {
  if (rest.length === 0) throw new UsageError(`${command} needs article ids`);
  return rest.map((raw) => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`${command} needs article ids, not "${raw}"`);
    return id;
  });
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a whole number above 0, not "${raw}"`);
  return n;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number (0 picks a free one), not "${raw}"`);
  return n;
}

interface Ctx {
  db: Database;
  rest: string[];
  json: boolean;
  limit: number | undefined;
  port: number;
  io: Io;
  /** feeds refresh --all */
  all: boolean;
  /** feeds add --folder NAME */
  folder: string | undefined;
}

const COMMANDS: Record<string, (ctx: Ctx) => Promise<number> | number> = {
  async import({ db, rest, json, io }) {
    if (rest.length === 0) throw new UsageError('import needs at least one file or folder');
    // Loaded on demand: parsing pulls in jsdom, which the quick commands do not need.
    const [{ importPaths }, { parseWith, sharedParsePool }] = await Promise.all([import('../ingest/import.js'), import('../ingest/parse-pool.js')]);
    // Files over 1 MB are parsed on the worker with a heap limit (parse-pool.ts).
    const pool = sharedParsePool();
    let progressShown = false;
    const summary = await importPaths(db, rest, {
      parse: parseWith(pool),
      onProgress: ({ done, total, item }) => {
        if (progressShown) io.progress?.('');
        if (!json) io.out(describeItem(item));
        if (io.progress && total > 20) {
          io.progress(`importing ${done}/${total}`);
          progressShown = true;
        }
      },
    });
    if (progressShown) io.progress?.('');
    const line = `${summary.imported} imported, ${summary.duplicates} duplicate${summary.duplicates === 1 ? '' : 's'}, ${summary.failed} failed`;
    if (json) io.out(JSON.stringify(summary, null, 2));
    else io.err(line);
    return summary.failed > 0 ? 1 : 0;
  },

  list({ db, json, limit, io }) {
    const rows = listArticles(db, { limit: limit ?? 50 });
    if (json) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.err('The library is empty. Add articles with `broadsheet import PATH`.');
    else rows.forEach((r) => io.out(formatListRow(r)));
    return 0;
  },

  show({ db, rest, json, io }) {
    const id = Number(rest[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`show needs an article id, not "${rest[0] ?? ''}"`);
    const a = getArticle(db, id);
    if (!a) {
      io.err(`broadsheet: no article with id ${id}`);
      return 1;
    }
    if (json) {
      io.out(JSON.stringify({ ...a, figures: a.figures.map((f) => ({ src: f.src, alt: f.alt, caption: f.caption, image: f.imageHash })) }, null, 2));
    } else io.out(formatArticle(a));
    return 0;
  },

  delete({ db, rest, json, io }) {
    const ids = articleIds('delete', rest);
    // One write transaction: what is reported deleted is what was there to delete.
    const found = db.transaction(() => {
      const titles = ids.map((id) => ({ id, title: getArticle(db, id)?.title ?? null }));
      deleteArticles(db, titles.filter((f) => f.title !== null).map((f) => f.id));
      return titles;
    }).immediate();
    if (json) io.out(JSON.stringify(found.map((f) => ({ id: f.id, deleted: f.title !== null })), null, 2));
    for (const f of found) {
      if (json) continue;
      if (f.title === null) io.err(`broadsheet: no article with id ${f.id}`);
      else io.out(`deleted  #${f.id}  ${f.title}`);
    }
    return found.some((f) => f.title === null) ? 1 : 0;
  },

  'mark-read'({ db, rest, json, all, io }) {
    if (all === (rest.length > 0)) throw new UsageError('mark-read needs article ids, or --all');
    const ids = all ? markAllRead(db) : articleIds('mark-read', rest);
    const changed = all ? ids.length : setReadMany(db, ids, true);
    if (json) io.out(JSON.stringify({ marked: changed }, null, 2));
    else io.err(`${changed} marked as read`);
    return 0;
  },

  search({ db, rest, json, limit, io }) {
    const query = rest.join(' ');
    if (!query.trim()) throw new UsageError('search needs a query');
    const { hits, total, rankedSubset } = search(db, query, { limit: limit ?? 20 });
    if (json) io.out(JSON.stringify(hits, null, 2));
    else if (hits.length === 0) io.err(`Nothing matches "${query}".`);
    else hits.forEach((h) => io.out(formatHit(h, io.tty)));
    if (rankedSubset && !json) {
      io.err(`${total.toLocaleString('en')} matches: ranked are the ${RANK_LIMIT.toLocaleString('en')} most recently saved and every one whose title matches; add words to find older ones.`);
    }
    return 0;
  },

  doctor({ db, json, io }) {
    const file = libraryFile(db);
    const copy = copyInMemoryOf(db);
    let r: ReturnType<typeof runDoctor>;
    try {
      r = runDoctor(db);
    } catch (err) {
      // SQLite cannot get through the file: that is the finding.
      if (sqliteCode(err).startsWith('SQLITE_CORRUPT') || sqliteCode(err) === 'SQLITE_NOTADB') return doctorDamaged(file, null, json, io);
      throw err;
    }
    // A library SQLite may only read cannot run the search index's own check (it is a write).
    const indexUnchecked = /readonly/i.test(r.searchIndex);
    const ok = r.ok || (indexUnchecked && integrityProblems(r.integrity).length === 0);
    if (json) io.out(JSON.stringify({ ...r, ok, file, ...(copy ? { journalMode: copy.journalMode } : {}) }, null, 2));
    else {
      io.out(`library:        ${file}${copy ? ' (its folder is read-only: read from a copy in memory)' : ''}`);
      io.out(`schema version: ${r.schemaVersion}`);
      printIntegrity(r.integrity, io);
      io.out(`search index:   ${indexUnchecked ? 'not checked (the library is read-only)' : describeIndex(r.searchIndex)}`);
      io.out(`journal:        ${copy?.journalMode ?? r.journalMode}`);
      const c = r.counts;
      io.out(`articles:       ${c.articles} (${c.unread} unread, ${c.starred} starred)`);
      io.out(`figures:        ${c.figures}, images stored: ${c.images}, sources: ${c.sources}`);
    }
    return ok ? 0 : 1;
  },
};

const RESTORE_HINT = 'restore a backup with `broadsheet restore FILE`';
const INDENT = ' '.repeat('integrity:      '.length);

/**
 * SQLite's findings, one to a line. An entry may hold several lines, the first of them naming the
 * database ("*** in database main ***"), which says nothing here.
 */
function integrityProblems(entries: readonly string[]): string[] {
  return entries
    .flatMap((e) => e.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'ok' && !(line.startsWith('*** in database ') && line.endsWith(' ***')));
}

function printIntegrity(entries: readonly string[], io: Io): void {
  const problems = integrityProblems(entries);
  if (problems.length === 0) {
    io.out('integrity:      ok');
    return;
  }
  io.out(`integrity:      damaged: SQLite found ${problems.length} problem${problems.length === 1 ? '' : 's'} (${RESTORE_HINT})`);
  const shown = 20;
  for (const p of problems.slice(0, shown)) io.out(`${INDENT}${p}`);
  if (problems.length > shown) io.out(`${INDENT}… and ${problems.length - shown} more`);
}

function describeIndex(result: string): string {
  if (result === 'ok') return 'ok';
  if (/malformed|corrupt/i.test(result)) return `damaged (${RESTORE_HINT})`;
  return `could not be checked (${oneLine(result)})`;
}

/** `broadsheet doctor` on a file SQLite cannot open as a library: what its check says, and exit 1. */
function doctorDamaged(file: string, integrity: string[] | null, json: boolean, io: Io): number {
  const unreadable = 'SQLite cannot read the file (cut short, or overwritten in places)';
  const problems = integrity && integrityProblems(integrity).length > 0 ? integrity : null;
  if (json) {
    io.out(JSON.stringify({ ok: false, file, integrity: problems ?? [unreadable] }, null, 2));
    return 1;
  }
  io.out(`library:        ${file}`);
  if (problems) printIntegrity(problems, io);
  else io.out(`integrity:      damaged: ${unreadable}; ${RESTORE_HINT}`);
  return 1;
}

/** `broadsheet save URL`: one web page, its pictures stored with it. Exit 1 only when the page failed. */
async function save({ db, rest, json, io }: Ctx): Promise<number> {
  if (rest.length !== 1) throw new UsageError('save needs one web address (http or https)');
  const { savePage } = await import('../ingest/save-page.js');
  const r = await savePage(db, rest[0]!);
  if (json) {
    io.out(JSON.stringify(r, null, 2));
    return 0;
  }
  const failed = r.imageFailures.length;
  const counts = r.status === 'imported' ? ` (${r.images} image${r.images === 1 ? '' : 's'}, ${failed} failed)` : ' (already in the library)';
  io.out(`${r.status} #${r.id} ${r.title}${counts}`);
  for (const line of r.imageFailures) io.out(`  image failed: ${line}`);
  return 0;
}

COMMANDS.save = save;

// Feeds and OPML (main/cli/feeds.ts), loaded on demand: fetching and parsing pull in jsdom.
COMMANDS.feeds = async (ctx) => (await import('./feeds.js')).feedsCommand(ctx);
COMMANDS.opml = async (ctx) => (await import('./feeds.js')).opmlCommand(ctx);

/** Serves until SIGINT or SIGTERM, then closes the server and (in main) the library. */
async function web({ db, port, io }: Ctx): Promise<number> {
  const { startWebHost } = await import('../web/server.js');
  const host = await startWebHost({ db, port });
  io.out(host.url);
  io.err('Serving the reader on 127.0.0.1 only. Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await host.close();
  io.err('Stopped.');
  return 0;
}

COMMANDS.web = web;

/** `broadsheet backup [FILE]`: through SQLite's backup API, safe while the app is running. */
COMMANDS.backup = async ({ db, rest, io }) => {
  const { backupLibrary, backupName } = await import('../../db/backup.js');
  const dest = rest[0] ?? path.join(path.dirname(db.name), 'backups', backupName(Date.now()));
  const file = await backupLibrary(db, dest);
  io.out(`backed up to ${file}`);
  return 0;
};

/** `broadsheet restore FILE`: runs without opening the library it replaces. */
async function restore(file: string, rest: string[], io: Io): Promise<number> {
  if (!rest[0]) throw new UsageError('restore needs the backup file to restore from');
  const { restoreLibrary } = await import('../../db/backup.js');
  const { articles, previous } = await restoreLibrary(path.resolve(rest[0]), path.resolve(file));
  io.out(`restored ${articles} article${articles === 1 ? '' : 's'} from ${rest[0]}`);
  if (previous) io.err(`The library it replaced is kept as ${previous}.`);
  return 0;
}

function describeItem(item: ImportItem): string {
  switch (item.status) {
    case 'imported':
      return `imported   #${item.id}  ${item.title}  (${item.path})`;
    case 'duplicate':
      return `duplicate  #${item.id}  ${item.title}  (${item.path})`;
    case 'failed':
      return `failed     ${item.path}: ${item.reason}`;
  }
}
