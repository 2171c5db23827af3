import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { saveArticle } from '../../db/articles.js';
import { describeSqliteError, failsEveryWrite } from '../../db/errors.js';
import { describeFsError, listArticleFiles, readArticleFile, ARTICLE_EXTENSIONS } from './file.js';
import { isLocalPath, reasonOf, type ParsedArticle } from './types.js';

export type ImportItem =
  | { path: string; status: 'imported' | 'duplicate'; id: number; title: string }
  | { path: string; status: 'failed'; reason: string };

export interface ImportProgress {
  done: number;
  total: number;
  item: ImportItem;
}

export interface ImportSummary {
  imported: number;
  duplicates: number;
  failed: number;
  items: ImportItem[];
}

export interface ImportOptions {
  /** Called once per file, after its article is safely committed (or has failed). */
  onProgress?: (p: ImportProgress) => void;
  /** Parses a file; the default reads and parses it on this thread. The CLI passes a ParsePool. */
  parse?: (file: string) => Promise<ParsedArticle>;
  /** How many parsed articles to commit in one transaction. */
  batchSize?: number;
}

/**
 * Imports files and folders (recursively). Each file succeeds or fails on its own: one bad file
 * never stops the batch, and an article is either entirely stored (with its figures and its
 * place in the search index) or not at all. Progress is reported only after a commit, so what
 * is reported as imported is on disk.
 */
export async function importPaths(db: Database, inputs: string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const read = opts.parse ?? readArticleFile;
  // Pictures that sit beside a file (a page saved "complete", a note's images folder) are stored
  // with its article; pictures on the web are not fetched by an import.
  const parse = async (file: string) => withLocalPictures(db, file, await read(file));
  const batchSize = opts.batchSize ?? 100;
  const items: ImportItem[] = [];
  const { files, failures } = await expandInputs(inputs);
  const total = files.length + failures.length;
  let done = 0;
  const report = (item: ImportItem) => {
    items.push(item);
    done += 1;
    opts.onProgress?.({ done, total, item });
  };
  failures.forEach(report);

  // Parse ahead while committing behind: the next window of files is being parsed (on the pool's
  // threads, when there is one) while this one is stored. Files are stored and reported in order.
  const window = Math.max(1, batchSize);
  const parseWindow = (start: number) =>
    Promise.all(
      files.slice(start, start + window).map((file) =>
        parse(file).then(
          (article) => ({ file, article }) as const,
          (err: unknown) => ({ file, error: reasonOf(err) }) as const,
        ),
      ),
    );
  let next = files.length > 0 ? parseWindow(0) : null;
  for (let start = 0; next; start += window) {
    const parsed = await next;
    next = start + window < files.length ? parseWindow(start + window) : null;
    saveParsed(db, parsed).forEach(report);
  }

  return {
    imported: items.filter((i) => i.status === 'imported').length,
    duplicates: items.filter((i) => i.status === 'duplicate').length,
    failed: items.filter((i) => i.status === 'failed').length,
    items,
  };
}

/** The article with the pictures it names by a relative path read from beside its file, if any. */
async function withLocalPictures(db: Database, file: string, article: ParsedArticle): Promise<ParsedArticle> {
  if (!article.figures.some((f) => f.src && isLocalPath(f.src))) return article;
  // Loaded only then: picture decoding (sharp) is not needed for the usual text import.
  const { storeArticleImages } = await import('./images.js');
  const { imageFailures: _failures, imagesStored: _stored, ...stored } = await storeArticleImages(db, article, { localDir: path.dirname(file), network: false });
  return stored;
}

export type Parsed = { file: string; article: ParsedArticle } | { file: string; error: string };

/**
 * Stores parsed articles: one transaction for the batch (one fsync instead of hundreds), one
 * savepoint per article (so a failing article rolls back alone, figures and index included).
 *
 * When the batch as a whole cannot be stored (the disk fills up when it is committed, or SQLite
 * had to roll all of it back), its articles are stored again one at a time, so that only those
 * that do not fit fail: each file succeeds or fails on its own. A library that cannot be written
 * at all (read-only, busy, damaged) is not tried article by article: every file says why.
 */
export function saveParsed(
  db: Database,
  parsed: readonly Parsed[],
  opts: { origin?: (file: string) => string } = {},
): ImportItem[] {
  const origin = opts.origin ?? ((file: string) => path.resolve(file));
  try {
    return saveBatch(db, parsed, origin);
  } catch (err) {
    // Rolled back: nothing of the batch is stored.
    const cause = err instanceof BatchRolledBack ? err.cause : err;
    if (failsEveryWrite(cause) || db.inTransaction) return parsed.map((p) => failedItem(p, cause));
  }
  const out: ImportItem[] = [];
  let fatal: unknown = null;
  for (const p of parsed) {
    if ('error' in p || fatal !== null) {
      out.push(failedItem(p, fatal));
      continue;
    }
    try {
      const r = saveArticle(db, { ...p.article, origin: origin(p.file) });
      out.push({ path: p.file, status: r.status, id: r.id, title: p.article.title });
    } catch (err) {
      out.push(failedItem(p, err));
      if (failsEveryWrite(err)) fatal = err;
    }
  }
  return out;
}

function failedItem(p: Parsed, err: unknown): ImportItem {
  return { path: p.file, status: 'failed', reason: 'error' in p ? p.error : `could not be stored: ${describeSqliteError(err)}` };
}

/** SQLite rolled the whole batch back while storing one of its articles (see saveBatch). */
class BatchRolledBack extends Error {
  constructor(override readonly cause: unknown) {
    super('the batch was rolled back');
  }
}

function saveBatch(db: Database, parsed: readonly Parsed[], origin: (file: string) => string): ImportItem[] {
  const out: ImportItem[] = [];
  db.transaction(() => {
    for (const p of parsed) {
      if ('error' in p) {
        out.push({ path: p.file, status: 'failed', reason: p.error });
        continue;
      }
      try {
        const r = saveArticle(db, { ...p.article, origin: origin(p.file) });
        out.push({ path: p.file, status: r.status, id: r.id, title: p.article.title });
      } catch (err) {
        // A full disk can make SQLite roll back the whole transaction, not only this article's
        // savepoint. Going on would store the next articles each in a transaction of its own
        // and then fail the batch's commit: stop, and let saveParsed store them one by one.
        if (!db.inTransaction) throw new BatchRolledBack(err);
        out.push(failedItem(p, err));
      }
    }
  }).immediate();
  return out;
}

async function expandInputs(inputs: string[]): Promise<{ files: string[]; failures: ImportItem[] }> {
  const files: string[] = [];
  const failures: ImportItem[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(input);
    } catch (err) {
      failures.push({ path: input, status: 'failed', reason: describeFsError(err) });
      continue;
    }
    if (stat.isDirectory()) {
      let found: string[];
      try {
        found = await listArticleFiles(input);
      } catch (err) {
        failures.push({ path: input, status: 'failed', reason: describeFsError(err) });
        continue;
      }
      if (found.length === 0) {
        failures.push({
          path: input,
          status: 'failed',
          reason: `no articles in this folder (looked for ${ARTICLE_EXTENSIONS.join(', ')})`,
        });
      }
      for (const f of found) if (!seen.has(f)) (seen.add(f), files.push(f));
    } else if (!seen.has(input)) {
      seen.add(input);
      files.push(input);
    }
  }
  return { files, failures };
}
