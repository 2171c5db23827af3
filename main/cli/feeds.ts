import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import { getFeed, removeFeed, setFeedFullText } from '../../db/feeds.js';
import type { FeedRefreshResult, FeedView } from '../../preload/api.js';
import { listFeedViews } from '../feeds/api.js';

/**
 * `broadsheet feeds …` and `broadsheet opml …` (registered in index.ts, loaded on demand).
 * Usage mistakes print a sentence and exit 2; a feed that fails to refresh exits 1.
 */

export const FEEDS_USAGE = `Usage:
  broadsheet feeds add URL [--folder NAME]   subscribe by feed address or by a web page that names its feed;
                                             fetches it at once and prints the title and how many are new
  broadsheet feeds list [--json]             id, title, address, last fetched, unread count, last error
  broadsheet feeds refresh                   refresh the feeds that are due (hourly, longer after errors)
  broadsheet feeds refresh ID | --all        refresh one feed, or every feed, now
  broadsheet feeds remove ID                 unsubscribe: STARRED ARTICLES ARE KEPT (moved to a source
                                             named after the feed); the feed's other articles are deleted
  broadsheet feeds full-text ID on|off       fetch the linked page when an item is only a summary (default on)
  broadsheet opml import FILE                subscribe to every feed in an OPML file (folders kept; nothing
                                             is fetched until the next refresh)
  broadsheet opml export [FILE]              write the subscriptions as OPML (to standard output without FILE)`;

export interface FeedsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  tty: boolean;
}

export interface FeedsCtx {
  db: Database;
  rest: string[];
  json: boolean;
  all: boolean;
  folder: string | undefined;
  io: FeedsIo;
}

function usage(io: FeedsIo, message: string): number {
  io.err(`broadsheet: ${message}`);
  io.err('Run `broadsheet feeds help` for usage.');
  return 2;
}

function parseId(raw: string | undefined): number | null {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

export async function feedsCommand(ctx: FeedsCtx): Promise<number> {
  const { db, rest, json, io } = ctx;
  const [sub, ...args] = rest;
  switch (sub) {
    case 'add': {
      if (args.length !== 1) return usage(io, 'feeds add needs one address (a feed, or a web page that names its feed)');
      const [{ addFeed }, { FetchError }, { FeedError }] = await Promise.all([
        import('../feeds/refresh.js'),
        import('../net/fetch.js'),
        import('../feeds/xml.js'),
      ]);
      try {
        const r = await addFeed(db, args[0]!, { folder: ctx.folder ?? null });
        if (json) io.out(JSON.stringify(r, null, 2));
        else if (r.alreadySubscribed) io.out(`#${r.feed.id} ${r.feed.title}: already subscribed (${r.feed.url})`);
        else io.out(`#${r.feed.id} ${r.feed.title}: ${r.result?.new ?? 0} new${describeUnreadable(r.result?.unreadable ?? [])} (${r.feed.url})`);
        return 0;
      } catch (err) {
        if (err instanceof FetchError || err instanceof FeedError) {
          io.err(`broadsheet: ${err.message}`);
          return 1;
        }
        throw err;
      }
    }
    case 'list': {
      const feeds = listFeedViews(db);
      if (json) io.out(JSON.stringify(feeds, null, 2));
      else if (feeds.length === 0) io.err('No feeds yet. Subscribe with `broadsheet feeds add URL`.');
      else feeds.forEach((f) => io.out(formatFeed(f)));
      return 0;
    }
    case 'refresh': {
      if (args.length > 1 || (args.length === 1 && ctx.all)) return usage(io, 'feeds refresh takes one feed id, or --all, or nothing (the feeds that are due)');
      let ids: number[] | undefined;
      if (args.length === 1) {
        const id = parseId(args[0]);
        if (id === null) return usage(io, `feeds refresh needs a feed id, not "${args[0]}"`);
        if (!getFeed(db, id)) {
          io.err(`broadsheet: no feed with id ${id} (see \`broadsheet feeds list\`)`);
          return 1;
        }
        ids = [id];
      }
      const { refreshFeeds } = await import('../feeds/refresh.js');
      const results = await refreshFeeds(db, {
        ...(ids ? { ids } : { dueOnly: !ctx.all }),
        ...(json ? {} : { onResult: (r: FeedRefreshResult) => io.out(formatResult(r)) }),
      });
      if (json) io.out(JSON.stringify(results, null, 2));
      else if (results.length === 0) io.err('No feeds yet. Subscribe with `broadsheet feeds add URL`.');
      return results.some((r) => r.status === 'failed') ? 1 : 0;
    }
    case 'remove': {
      const id = parseId(args[0]);
      if (args.length !== 1 || id === null) return usage(io, 'feeds remove needs one feed id');
      const feed = getFeed(db, id);
      const removed = removeFeed(db, id);
      if (!feed || !removed) {
        io.err(`broadsheet: no feed with id ${id} (see \`broadsheet feeds list\`)`);
        return 1;
      }
      if (json) io.out(JSON.stringify({ id, ...removed }, null, 2));
      else {
        io.out(`Removed #${id} ${feed.title}: ${removed.deleted} article${removed.deleted === 1 ? '' : 's'} deleted, ${removed.keptStarred} starred kept`);
      }
      return 0;
    }
    case 'full-text': {
      const id = parseId(args[0]);
      const mode = args[1];
      if (args.length !== 2 || id === null || (mode !== 'on' && mode !== 'off')) return usage(io, 'feeds full-text needs a feed id and on or off');
      if (!setFeedFullText(db, id, mode === 'on')) {
        io.err(`broadsheet: no feed with id ${id} (see \`broadsheet feeds list\`)`);
        return 1;
      }
      io.out(`#${id}: full text ${mode === 'on' ? 'on (summaries are completed from the linked page)' : 'off (items are kept as the feed has them)'}`);
      return 0;
    }
    case undefined:
    case 'help':
      io.out(FEEDS_USAGE);
      return sub ? 0 : 2;
    default:
      return usage(io, `unknown feeds command "${sub}"`);
  }
}

export async function opmlCommand(ctx: FeedsCtx): Promise<number> {
  const { db, rest, json, io } = ctx;
  const [sub, ...args] = rest;
  const { importOpml, exportOpml, decodeOpml } = await import('../feeds/opml.js');
  switch (sub) {
    case 'import': {
      if (args.length !== 1) return usage(io, 'opml import needs one file');
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(args[0]!);
      } catch (err) {
        io.err(`broadsheet: ${args[0]}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
        return 1;
      }
      const { FeedError } = await import('../feeds/xml.js');
      try {
        const r = importOpml(db, decodeOpml(bytes));
        if (json) io.out(JSON.stringify(r, null, 2));
        else {
          for (const item of r.items) {
            const where = item.folder ? `  [${item.folder}]` : '';
            if (item.status === 'failed') io.out(`failed    ${item.url}: ${item.reason}`);
            else io.out(`${item.status.padEnd(9)} #${item.id} ${item.title}${where}`);
          }
          io.err(`${r.added} added, ${r.existing} already subscribed, ${r.failed} failed. Run \`broadsheet feeds refresh\` to fetch them.`);
        }
        return r.failed > 0 ? 1 : 0;
      } catch (err) {
        if (err instanceof FeedError) {
          io.err(`broadsheet: ${args[0]}: ${err.message}`);
          return 1;
        }
        throw err;
      }
    }
    case 'export': {
      if (args.length > 1) return usage(io, 'opml export takes at most one file');
      // trimEnd drops what /\s*$/ matched (\s and trimEnd's white space are one set), without the quadratic rescan.
      const content = `${exportOpml(db).trimEnd()}\n`;
      if (args.length === 0) io.out(content.slice(0, -1));
      else {
        fs.writeFileSync(args[0]!, content);
        io.err(`Wrote ${listFeedViews(db).length} feeds to ${args[0]}.`);
      }
      return 0;
    }
    default:
      return usage(io, sub ? `unknown opml command "${sub}"` : 'opml needs import FILE or export [FILE]');
  }
}

function formatTime(ms: number | null): string {
  if (ms === null) return 'never';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function formatFeed(f: FeedView): string {
  const lines = [
    `${String(f.id).padStart(5)}  ${f.title}${f.folder ? `  [${f.folder}]` : ''}`,
    `       ${f.url}`,
    `       ${f.unread} unread of ${f.total} · last fetched ${formatTime(f.lastFetchedAt)}${f.fullText ? '' : ' · full text off'}`,
  ];
  if (f.lastError) lines.push(`       last error: ${f.lastError} (${f.failures} in a row; next try ${formatTime(f.nextAttemptAt)})`);
  return lines.join('\n');
}

/** ", 2 unreadable ("Title": reason; and 1 more)" or nothing. */
function describeUnreadable(items: FeedRefreshResult['unreadable']): string {
  if (items.length === 0) return '';
  const first = items[0]!;
  return `, ${items.length} unreadable ("${first.title}": ${first.reason}${items.length > 1 ? `; and ${items.length - 1} more` : ''})`;
}

export function formatResult(r: FeedRefreshResult): string {
  const head = `#${r.id} ${r.title || r.url}`;
  switch (r.status) {
    case 'fetched':
      return `${head}: ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged${describeUnreadable(r.unreadable)}`;
    case 'not-modified':
      return `${head}: unchanged (not modified since the last refresh)`;
    case 'skipped':
      return `${head}: not due until ${formatTime(r.nextAttemptAt)} (use --all or the id to refresh now)`;
    case 'failed':
      return `${head}: error: ${r.error}${r.nextAttemptAt ? ` (next try ${formatTime(r.nextAttemptAt)})` : ''}`;
  }
}
