import type { FeedRefreshResult, FeedView, OpmlImportResult, SavePageResult } from '../preload/api.js';
import { formatCount } from './format.js';

/** What the OPML picker offers; the library reads the content, whatever the name. */
export const OPML_ACCEPT = '.opml,.xml';
/** The library refuses bigger OPML documents; say so without reading them. */
export const MAX_OPML_FILE_BYTES = 5 * 1024 * 1024;
export const OPML_EXPORT_NAME = 'broadsheet-feeds.opml';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The feeds by folder: those in no folder first (right under the heading), then the folders A–Z. */
export function groupByFolder(feeds: readonly FeedView[]): Array<{ folder: string | null; feeds: FeedView[] }> {
  const groups = new Map<string | null, FeedView[]>();
  for (const f of feeds) {
    const list = groups.get(f.folder) ?? [];
    list.push(f);
    groups.set(f.folder, list);
  }
  const named = [...groups.entries()].filter(([k]) => k !== null).map(([folder, list]) => ({ folder, feeds: list }));
  const loose = groups.get(null);
  return loose ? [{ folder: null, feeds: loose }, ...named] : named;
}

/** "Refreshing 12 feeds…" */
export function refreshingLine(count: number): string {
  return `Refreshing ${plural(count, 'feed')}…`;
}

/** "3 new articles, 1 feed failed" · "No new articles" · "1 new article, 2 updated, 1 item could not be read (…)". */
export function summarizeRefresh(results: readonly FeedRefreshResult[]): string {
  const added = results.reduce((n, r) => n + r.new, 0);
  const updated = results.reduce((n, r) => n + r.updated, 0);
  const failed = results.filter((r) => r.status === 'failed');
  const unreadable = results.flatMap((r) => r.unreadable ?? []);
  const parts = [added ? plural(added, 'new article') : 'No new articles'];
  if (updated) parts.push(`${formatCount(updated)} updated`);
  if (failed.length) parts.push(`${plural(failed.length, 'feed')} failed`);
  if (unreadable.length) parts.push(`${plural(unreadable.length, 'item')} could not be read`);
  let line = parts.join(', ');
  if (failed.length === 1) {
    const f = failed[0]!;
    // The reason often starts with the feed's address; the title already says which feed it is.
    const error = (f.error ?? 'unknown error').replace(`${f.url}: `, '');
    line += ` (${f.title}: ${error})`;
  } else if (failed.length === 0 && unreadable.length === 1) {
    line += ` (“${unreadable[0]!.title}”: ${unreadable[0]!.reason})`;
  }
  return line;
}

/** "2 feeds added, 1 already subscribed, 1 failed (Not a web address: …)". */
export function summarizeOpml(r: OpmlImportResult): string {
  const parts = [`${plural(r.added, 'feed')} added`];
  if (r.existing) parts.push(`${formatCount(r.existing)} already subscribed`);
  if (r.failed) parts.push(`${formatCount(r.failed)} failed`);
  let line = parts.join(', ');
  const firstFailure = r.items.find((i) => i.status === 'failed');
  if (firstFailure && firstFailure.status === 'failed') {
    line += ` (${firstFailure.title || firstFailure.url}: ${firstFailure.reason}${r.failed > 1 ? `, and ${formatCount(r.failed - 1)} more` : ''})`;
  }
  if (r.added) line += '. Refresh all to fetch their articles.';
  return line;
}

/** "Saved “Title”." · "Saved “Title”. 2 pictures could not be saved." */
export function summarizeSavedPage(r: SavePageResult): string {
  const title = r.title.length > 60 ? `${r.title.slice(0, 60)}…` : r.title;
  const head = r.status === 'duplicate' ? `“${title}” was already in the library.` : `Saved “${title}”.`;
  const failed = r.imageFailures.length;
  return failed ? `${head} ${plural(failed, 'picture')} could not be saved.` : head;
}

/** A typed address as the library expects it: "example.com/feed" becomes "https://example.com/feed". */
export function normaliseAddress(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return /^[a-z][a-z0-9+.-]*:/i.test(t) ? t : `https://${t.replace(/^\/+/, '')}`;
}
