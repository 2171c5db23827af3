import type { Database } from 'better-sqlite3';
import {
  articleByUrl,
  allFeedIds,
  dueFeedIds,
  dismissedGuids,
  feedItemStates,
  findFeedByUrl,
  getFeed,
  insertFeed,
  moveFeed,
  recordFeedFailure,
  recordFeedSuccess,
  storeFeedItem,
  type FeedArticleInput,
  type FeedRecord,
} from '../../db/feeds.js';
import type { AddFeedResult, FeedRefreshResult, FeedView } from '../../preload/api.js';
import { parseHtmlBounded } from '../ingest/parse-pool.js';
import { storeArticleImages } from '../ingest/images.js';
import { fetchPage } from '../ingest/save-page.js';
import { articleLang } from '../../db/lang.js';
import { describeSqliteError, sqliteCode } from '../../db/errors.js';
import { reasonOf, type ParsedArticle, type ParsedFigure } from '../ingest/types.js';
import { sniffHtmlCharset, startsWithAfterProlog } from '../ingest/sniff.js';
import { checkUrl, decodeText, fetchBounded, FetchError, type FetchResult } from '../net/fetch.js';
import { listFeedViews } from './api.js';
import { convertFeedHtml, htmlToText, type FeedHtml } from './content.js';
import { parseFeedDate } from './dates.js';
import { findFeedAnchors, findFeedLinks } from './discover.js';
import { looksLikeFeed, parseFeedDocument, type FeedEntry, type ParsedFeed } from './parse.js';
import { decodeFeedBody, FeedError } from './xml.js';

/**
 * Subscribing and refreshing.
 *
 * A refresh of one feed: a conditional GET (ETag / Last-Modified; 304 is "not modified"), the
 * document decoded and parsed (a malformed one fails here, before anything is written), then each
 * item compared with what is stored under its guid: unchanged items cost nothing; new and changed
 * ones are converted, completed from the linked page when they carry only a summary (the feed's
 * fullText setting), their pictures stored (main/ingest/images.ts), and then written together with
 * the feed's new state in one transaction.
 *
 * At most `concurrency` (4) feed and page requests are in flight at once across the whole
 * refresh; pictures are fetched by images.ts, at most 4 at once as well.
 */

/** An item with only a summary shorter than this is completed from its page. */
export const FULL_TEXT_THRESHOLD = 600;
export const DEFAULT_CONCURRENCY = 4;
const FEED_MAX_BYTES = 10 * 1024 * 1024;
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1';

export interface RefreshOptions {
  /** Only these feeds (refreshed now, whatever their schedule). */
  ids?: readonly number[];
  /** Without ids: only the feeds that are due (interval passed, backoff over). Default: every feed. */
  dueOnly?: boolean;
  /** Feed and page requests in flight at once. Default 4. */
  concurrency?: number;
  /** Per request. Default 20 s for feeds, 30 s for pages. */
  timeoutMs?: number;
  /** Store pictures offline (default true). */
  images?: boolean;
  /** The clock (tests). */
  now?: () => number;
  /** Called as each feed finishes, in the order they finish. */
  onResult?: (result: FeedRefreshResult) => void;
}

interface Run {
  db: Database;
  net: Limiter;
  images: Limiter | null;
  now: () => number;
  timeoutMs: number | undefined;
}

export async function refreshFeeds(db: Database, opts: RefreshOptions = {}): Promise<FeedRefreshResult[]> {
  const run = newRun(db, opts);
  const targets = opts.ids ? [...new Set(opts.ids)] : allFeedIds(db);
  const due = !opts.ids && opts.dueOnly ? new Set(dueFeedIds(db, run.now())) : null;
  // Feeds in progress at once: each holds its parsed document until its items are written.
  const feeds = createLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));

  return Promise.all(
    targets.map(async (id): Promise<FeedRefreshResult> => {
      let result: FeedRefreshResult;
      let feed: FeedRecord | null = null;
      try {
        feed = getFeed(db, id);
        const found = feed;
        if (!found) {
          result = failed(id, `no feed with id ${id}`);
        } else if (due && !due.has(id)) {
          result = { ...blank(found), status: 'skipped', nextAttemptAt: found.nextAttemptAt };
        } else {
          result = await feeds(() => refreshOne(run, found));
        }
      } catch (err) {
        // Every feed is reported, whatever happens to one of them (the library unreadable meanwhile).
        result = feed
          ? { ...blank(feed), status: 'failed', error: describeError(err, feed.url) }
          : failed(id, `feed #${id} could not be read: ${describeSqliteError(err)}`);
      }
      opts.onResult?.(result);
      return result;
    }),
  );
}

function failed(id: number, error: string): FeedRefreshResult {
  return { id, title: '', url: '', status: 'failed', new: 0, updated: 0, unchanged: 0, unreadable: [], error, nextAttemptAt: null };
}

function newRun(db: Database, opts: Pick<RefreshOptions, 'concurrency' | 'images' | 'now' | 'timeoutMs'>): Run {
  return {
    db,
    net: createLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY)),
    // storeArticleImages fetches up to `concurrency` pictures per article: two articles at a time, two each.
    images: opts.images === false ? null : createLimiter(2),
    now: opts.now ?? Date.now,
    timeoutMs: opts.timeoutMs,
  };
}

function blank(feed: FeedRecord): FeedRefreshResult {
  return { id: feed.id, title: feed.title, url: feed.url, status: 'fetched', new: 0, updated: 0, unchanged: 0, unreadable: [], error: null, nextAttemptAt: null };
}

async function refreshOne(run: Run, feed: FeedRecord): Promise<FeedRefreshResult> {
  const { db } = run;
  const fetchedAt = run.now();
  try {
    const res = await run.net(() =>
      fetchBounded(feed.url, {
        accept: FEED_ACCEPT,
        maxBytes: FEED_MAX_BYTES,
        etag: feed.etag,
        lastModified: feed.lastModified,
        ...(run.timeoutMs ? { timeoutMs: run.timeoutMs } : {}),
      }),
    );
    if (res.notModified) {
      db.transaction(() => {
        follow(db, feed, res);
        recordFeedSuccess(db, feed.id, { etag: res.etag ?? feed.etag, lastModified: res.lastModified ?? feed.lastModified }, fetchedAt);
      }).immediate();
      const after = getFeed(db, feed.id);
      return { ...blank(feed), url: after?.url ?? feed.url, status: 'not-modified', nextAttemptAt: after?.nextAttemptAt ?? null };
    }
    const parsed = parseFeedDocument(decodeFeedBody(res.body, res.charset), res.url);
    const prepared = await prepareEntries(run, feed, parsed, fetchedAt);
    const counts = db.transaction(() => {
      if (!getFeed(db, feed.id)) throw new FeedError('the feed was removed during the refresh');
      const c = writeEntries(db, feed.id, prepared);
      follow(db, feed, res);
      recordFeedSuccess(db, feed.id, { title: unnamed(feed) ? parsed.title : null, siteUrl: parsed.siteUrl, etag: res.etag, lastModified: res.lastModified }, fetchedAt);
      return c;
    }).immediate();
    const after = getFeed(db, feed.id);
    return { ...blank(feed), title: after?.title ?? feed.title, url: after?.url ?? feed.url, ...counts, unreadable: prepared.unreadable, nextAttemptAt: after?.nextAttemptAt ?? null };
  } catch (err) {
    const error = describeError(err, feed.url);
    try {
      if (!getFeed(db, feed.id)) return { ...blank(feed), status: 'failed', error, nextAttemptAt: null };
      const { nextAttemptAt } = recordFeedFailure(db, feed.id, error, fetchedAt);
      return { ...blank(feed), status: 'failed', error, nextAttemptAt };
    } catch (recordErr) {
      // The failure is still this feed's to report, and the others go on.
      return { ...blank(feed), status: 'failed', error: `${error} (not recorded: ${describeSqliteError(recordErr)})`, nextAttemptAt: null };
    }
  }
}

/**
 * A feed named by nothing but its address (an OPML outline without text): the feed's own title
 * replaces that. Any other name stays: one the user gave in an OPML file, or the title the feed had
 * when it was added by its address.
 */
function unnamed(feed: FeedRecord): boolean {
  const host = hostOf(feed.url);
  return feed.title === feed.url || feed.title === host || feed.title === host.replace(/^www\./, '');
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** A feed that moved for good (301, 308) is asked for at its new address from now on. */
function follow(db: Database, feed: FeedRecord, res: FetchResult): void {
  if (res.permanentUrl !== feed.url) moveFeed(db, feed.id, res.permanentUrl);
}

/** One line a person can act on. FetchError names the address; a FeedError is about the feed. */
function describeError(err: unknown, url: string): string {
  if (err instanceof FetchError) return err.message;
  if (err instanceof FeedError) return err.message;
  if (sqliteCode(err)) return `${url}: could not be stored: ${describeSqliteError(err)}`;
  return `${url}: could not be refreshed (${(err as Error)?.message ?? String(err)})`;
}

// ---------------------------------------------------------------------------------------------
// Items

interface Prepared {
  entry: FeedEntry;
  input: FeedArticleInput;
}

interface PreparedEntries {
  work: Prepared[];
  unchanged: number;
  /** Items that could not be converted: not stored, reported, tried again on the next refresh. */
  unreadable: Array<{ title: string; reason: string }>;
}

/**
 * Decides which entries need work and does it (conversion, full text, pictures) outside any
 * transaction. Unchanged items, and new items already in the library under another source, are
 * counted and skipped here, so they cost no page fetch.
 */
async function prepareEntries(run: Run, feed: FeedRecord | NewFeedInfo, parsed: ParsedFeed, fetchedAt: number): Promise<PreparedEntries> {
  const states = 'id' in feed ? feedItemStates(run.db, feed.id) : new Map<string, { id: number; hash: string | null }>();
  const dismissed = 'id' in feed ? dismissedGuids(run.db, feed.id) : new Set<string>();
  const feedId = 'id' in feed ? feed.id : null;
  const seen = new Set<string>();
  const todo: Array<{ entry: FeedEntry; isNew: boolean; undatedBefore: number }> = [];
  let unchanged = 0;
  let undated = 0;
  for (const entry of parsed.entries) {
    if (seen.has(entry.guid)) continue;
    seen.add(entry.guid);
    const state = states.get(entry.guid);
    // Deleted by the reader: it stays deleted however long the feed keeps it.
    if (dismissed.has(entry.guid) && !state) {
      unchanged++;
      continue;
    }
    if (state && state.hash === entry.fingerprint) {
      unchanged++;
      continue;
    }
    if (!state && entry.url) {
      const owner = articleByUrl(run.db, entry.url);
      if (owner && owner.sourceId !== feedId) {
        unchanged++;
        continue;
      }
    }
    const undatedBefore = undated;
    if (!state && parseFeedDate(entry.date) === null) undated++;
    todo.push({ entry, isNew: !state, undatedBefore });
  }
  const sourceName = parsed.title ?? feed.title;
  const unreadable: PreparedEntries['unreadable'] = [];
  const work = await Promise.all(
    todo.map(async ({ entry, isNew, undatedBefore }): Promise<Prepared | null> => {
      const ctx: BuildContext = { fullText: feed.fullText, sourceName, feedUrl: feed.url, siteUrl: parsed.siteUrl, isNew, fetchedAt, undatedBefore };
      try {
        return { entry, input: await buildArticle(run, entry, ctx) };
      } catch (err) {
        // One item that cannot be read does not fail the feed; it is counted and named.
        unreadable.push({ title: clip(entry.title || entry.url || entry.guid, 120), reason: reasonOf(err) });
        return null;
      }
    }),
  );
  return { work: work.filter((w): w is Prepared => w !== null), unchanged, unreadable };
}

function writeEntries(db: Database, feedId: number, prepared: PreparedEntries): { new: number; updated: number; unchanged: number } {
  const counts = { new: 0, updated: 0, unchanged: prepared.unchanged };
  for (const { input } of prepared.work) {
    const outcome = storeFeedItem(db, feedId, input);
    if (outcome.status === 'new') counts.new++;
    else if (outcome.status === 'updated') counts.updated++;
    else counts.unchanged++;
  }
  return counts;
}

interface BuildContext {
  fullText: boolean;
  sourceName: string;
  feedUrl: string;
  siteUrl: string | null;
  isNew: boolean;
  fetchedAt: number;
  /** New undated items before this one in the feed (see publishedAt in buildArticle). */
  undatedBefore: number;
}

/** A feed entry → the article to store: body from the feed or from the linked page, pictures stored. */
async function buildArticle(run: Run, entry: FeedEntry, ctx: BuildContext): Promise<FeedArticleInput> {
  const content = entry.content ? convertFeedHtml(entry.content.html, entry.content.base) : null;
  const summary = entry.summary ? convertFeedHtml(entry.summary.html, entry.summary.base) : null;
  const summaryText = summary ? summary.text || htmlToText(entry.summary!.html) : '';

  let body = content && content.text.length >= (summary?.text.length ?? 0) ? content : content ?? summary;
  let lead = content && summaryText && !startsAlike(content.text, summaryText) ? clip(summaryText, 600) : '';
  let page: ParsedArticle | null = null;

  // Only a summary is completed from the page: an item's own content, however short (a link
  // post's commentary, a picture), is the post, and the page it links to is someone else's.
  const ownContent = content !== null && (content.text.length > 0 || content.figures.length > 0);
  const short = (body?.text.length ?? 0) < FULL_TEXT_THRESHOLD;
  if (ctx.fullText && !ownContent && short && entry.url && entry.url !== ctx.siteUrl && entry.url !== ctx.feedUrl) {
    page = await fetchFullText(run, entry.url);
    if (page && page.text.length > (body?.text.length ?? 0)) {
      body = { html: page.html, text: page.text, figures: page.figures };
      const pageLead = page.lead.trim();
      lead = pageLead || (summaryText && !startsAlike(page.text, summaryText) ? clip(summaryText, 600) : '');
    } else {
      page = null;
    }
  }

  body = withMedia(body, entry.media, entry.url ?? ctx.feedUrl);

  const title = clip(entry.title || page?.title || clip(body?.text ?? '', 80) || entry.url || 'Untitled', 500);
  const readable = parseFeedDate(entry.date);
  // An unreadable date: a new item gets the fetch time, a millisecond earlier for each undated
  // item before it, so the list (newest first) shows them in the feed's order; an updated one
  // keeps the date it has.
  const publishedAt =
    readable === null ? (ctx.isNew ? ctx.fetchedAt - ctx.undatedBefore : null) : Math.min(readable, ctx.fetchedAt);

  let article: ParsedArticle = {
    title,
    source: ctx.sourceName,
    author: entry.author ?? page?.author ?? null,
    attribution: null,
    url: entry.url,
    publishedAt,
    lead,
    html: body?.html ?? '',
    text: body?.text ?? '',
    figures: body?.figures ?? [],
  };
  // The linked page's own language when its text is the body, else the feed's word for the item.
  article.lang = articleLang(page ? page.lang : entry.lang, article);
  let figures: Array<ParsedFigure & { imageHash?: string | null }> = article.figures;
  if (run.images && article.html.includes('<img')) {
    const withImages = await run.images(() =>
      storeArticleImages(run.db, article, { concurrency: 2, ...(entry.url ? { referrer: entry.url } : {}) }),
    );
    article = withImages;
    figures = withImages.figures;
  }
  return {
    ...article,
    figures,
    guid: entry.guid,
    itemHash: entry.fingerprint,
    origin: ctx.feedUrl,
    savedAt: ctx.fetchedAt,
  };
}

/**
 * The item's picture before the body when the body shows none of its own, its audio and video
 * files after it as links: a YouTube entry or a podcast episode is otherwise an empty article.
 */
function withMedia(body: FeedHtml | null, media: FeedEntry['media'], base: string): FeedHtml | null {
  const picture = media.picture && !body?.figures.length ? convertFeedHtml(media.picture, base) : null;
  const files = media.files ? convertFeedHtml(media.files, base) : null;
  if (!picture && !files) return body;
  return {
    html: [picture?.html, body?.html, files?.html].filter(Boolean).join('\n'),
    text: [picture?.text, body?.text, files?.text].filter(Boolean).join('\n\n'),
    figures: [...(picture?.figures ?? []), ...(body?.figures ?? [])],
  };
}

/** The linked page's article (Readability, captions kept), or null when it cannot be had. */
async function fetchFullText(run: Run, url: string): Promise<ParsedArticle | null> {
  try {
    const page = await run.net(() => fetchPage(url, run.timeoutMs ? { timeoutMs: run.timeoutMs } : {}));
    return await parseHtmlBounded(page.html, page.url);
  } catch {
    return null; // the summary stays
  }
}

function startsAlike(text: string, summary: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/(?<![.…\s])[.…\s]+$/, '').trim().toLowerCase();
  const a = norm(text);
  const b = norm(summary);
  return b.length === 0 || a.startsWith(b.slice(0, Math.min(b.length, 200)));
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------
// Subscribing

interface NewFeedInfo {
  title: string;
  url: string;
  fullText: boolean;
}

export interface AddFeedOptions extends Pick<RefreshOptions, 'concurrency' | 'images' | 'now' | 'timeoutMs'> {
  folder?: string | null;
  fullText?: boolean;
}

/**
 * Subscribes by the feed's address or by a web page that names its feed (autodiscovery), and
 * fetches it at once. Nothing is stored unless the feed could be read: the subscription, its
 * items and its state are written in one transaction. Throws FetchError or FeedError.
 */
export async function addFeed(db: Database, rawUrl: string, opts: AddFeedOptions = {}): Promise<AddFeedResult> {
  const run = newRun(db, opts);
  const given = checkUrl(rawUrl.trim()).href;
  const existing = findFeedByUrl(db, given);
  if (existing) return { feed: feedView(db, existing.id), alreadySubscribed: true, result: null };

  const fetchedAt = run.now();
  const first = await run.net(() => fetchFeedResponse(given, run.timeoutMs));
  const text = decodeFeedBody(first.body, first.charset);
  let found: Found;
  let pageUrl: string | null = null;

  // A web page (and not a feed served as HTML): look for the feed it names. Anything else is
  // read as a feed, which says clearly what is wrong with it if it is not one.
  if (!looksLikeFeed(text) && looksLikeHtml(first, text)) {
    const html = decodeText(first.body, first.charset, sniffHtmlCharset(first.body));
    const links = findFeedLinks(html, first.url);
    const anchors = findFeedAnchors(html, first.url).filter((a) => !links.includes(a));
    pageUrl = first.url;
    const discovered = await firstFeed(run, given, links, anchors);
    if ('known' in discovered) return { feed: feedView(db, discovered.known.id), alreadySubscribed: true, result: null };
    found = discovered;
  } else {
    found = { ...readFeed(text, first), response: first };
  }
  // Subscribed at the address the feed moved to for good, not at the one it moved from.
  const { url: feedUrl, response, parsed } = found;
  if (feedUrl !== given) {
    const known = findFeedByUrl(db, feedUrl);
    if (known) return { feed: feedView(db, known.id), alreadySubscribed: true, result: null };
  }
  const title = parsed.title || new URL(feedUrl).hostname.replace(/^www\./, '');
  const info: NewFeedInfo = { title, url: feedUrl, fullText: opts.fullText !== false };
  const prepared = await prepareEntries(run, info, parsed, fetchedAt);

  const { id, counts } = db.transaction(() => {
    // Subscribed meanwhile (two adds of one address at once): the first one wins.
    const raced = findFeedByUrl(db, feedUrl);
    if (raced) return { id: raced.id, counts: null };
    const feedId = insertFeed(
      db,
      { url: feedUrl, title, siteUrl: parsed.siteUrl ?? pageUrl, folder: opts.folder ?? null, fullText: info.fullText },
      fetchedAt,
    );
    const c = writeEntries(db, feedId, prepared);
    recordFeedSuccess(db, feedId, { etag: response.etag, lastModified: response.lastModified }, fetchedAt);
    return { id: feedId, counts: c };
  }).immediate();

  const feed = feedView(db, id);
  if (!counts) return { feed, alreadySubscribed: true, result: null };
  return {
    feed,
    alreadySubscribed: false,
    result: { id, title: feed.title, url: feed.url, status: 'fetched', ...counts, unreadable: prepared.unreadable, error: null, nextAttemptAt: feed.nextAttemptAt },
  };
}

interface Found {
  url: string;
  response: FetchResult;
  parsed: ParsedFeed;
}

/** A fetched document read as a feed; a FeedError names the address it was asked for at. */
function readFeed(text: string, response: FetchResult): Omit<Found, 'response'> {
  try {
    return { url: response.permanentUrl, parsed: parseFeedDocument(text, response.url) };
  } catch (err) {
    if (err instanceof FeedError) throw new FeedError(`${response.permanentUrl}: ${err.message}`);
    throw err;
  }
}

/**
 * The first of a page's candidate feeds that reads as one, tried in turn: a page's first
 * alternate link may be dead or not a feed at all while the next one is its RSS. A candidate
 * already subscribed ends the search. All failing, the first named feed's reason is the answer;
 * a link that only looked like a feed's is no reason: the page names no feed.
 */
async function firstFeed(run: Run, given: string, links: readonly string[], anchors: readonly string[]): Promise<Found | { known: FeedRecord }> {
  let firstError: unknown = null;
  for (const candidate of [...links, ...anchors]) {
    const known = findFeedByUrl(run.db, candidate);
    if (known) return { known };
    try {
      const response = await run.net(() => fetchFeedResponse(candidate, run.timeoutMs));
      return { ...readFeed(decodeFeedBody(response.body, response.charset), response), response };
    } catch (err) {
      if (!(err instanceof FetchError) && !(err instanceof FeedError)) throw err;
      if (links.includes(candidate)) firstError ??= err;
    }
  }
  throw firstError ?? new FeedError(`${given}: no feed found (the page names none with <link rel="alternate">)`);
}

function fetchFeedResponse(url: string, timeoutMs: number | undefined): Promise<FetchResult> {
  return fetchBounded(url, { accept: FEED_ACCEPT, maxBytes: FEED_MAX_BYTES, ...(timeoutMs ? { timeoutMs } : {}) });
}

const HTML_START = /<(?:!doctype\s+html|html|head|body)[\s>]/iy;

function looksLikeHtml(res: FetchResult, text: string): boolean {
  if (res.contentType === 'text/html' || res.contentType === 'application/xhtml+xml') return true;
  return startsWithAfterProlog(text.slice(0, 4096), HTML_START);
}

function feedView(db: Database, id: number): FeedView {
  const view = listFeedViews(db).find((f) => f.id === id);
  if (!view) throw new FeedError(`no feed with id ${id}`);
  return view;
}

// ---------------------------------------------------------------------------------------------

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` tasks at once; the others wait their turn, first come first served. */
export function createLimiter(n: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
