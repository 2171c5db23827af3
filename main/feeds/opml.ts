import type { Database } from 'better-sqlite3';
import { generateOpml, parseOpml, type Opml } from 'feedsmith';
import { findFeedByUrl, insertFeed, listFeeds } from '../../db/feeds.js';
import type { OpmlImportItem, OpmlImportResult } from '../../preload/api.js';
import { checkUrl, FetchError } from '../net/fetch.js';
import { decodeFeedBody, FeedError, prepareXml } from './xml.js';

/**
 * Subscription lists in OPML, the format every feed reader exchanges.
 *
 * Import: every outline with an xmlUrl is a feed; an outline without one that holds others is a
 * folder. Nested folders are stored as one path, "News/Europe", and exported back as nested
 * outlines, so a round trip keeps the tree. Import subscribes without fetching (a list of 200
 * feeds should not take minutes); the next refresh fetches them, they are due at once.
 * The document goes through the same XML checks as a feed (no entity declarations, well-formed).
 */

/** Deeper nesting than this is flattened into the last folder (and guards the recursion). */
const MAX_DEPTH = 32;
const MAX_OUTLINES = 20_000;
const FOLDER_SEPARATOR = '/';

type Outline = Opml.Outline<string>;

export function importOpml(db: Database, content: string, now = Date.now()): OpmlImportResult {
  let doc: Opml.Document<string>;
  try {
    doc = parseOpml(prepareXml(content.replace(/^\uFEFF/, '')));
  } catch (err) {
    if (err instanceof FeedError) throw new FeedError(err.message.replace(/^the feed/, 'the OPML file'));
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new FeedError(`not an OPML file (${cause.replace(/^\[SECURITY\]\s*/, '').slice(0, 200)})`);
  }

  const found: Array<{ url: string; title: string; siteUrl: string | null; folder: string | null } | OpmlImportItem> = [];
  let visited = 0;
  const walk = (outlines: readonly Outline[] | undefined, path: string[]): void => {
    for (const outline of outlines ?? []) {
      if (++visited > MAX_OUTLINES) return;
      const name = clean(outline.title) ?? clean(outline.text);
      const xmlUrl = clean(outline.xmlUrl);
      if (xmlUrl) {
        const folder = path.length ? path.join(FOLDER_SEPARATOR) : null;
        let url: string;
        try {
          url = checkUrl(xmlUrl).href;
        } catch (err) {
          found.push({ url: xmlUrl, title: name ?? xmlUrl, folder, status: 'failed', reason: err instanceof FetchError ? err.reason : String(err) });
          continue;
        }
        const siteUrl = clean(outline.htmlUrl);
        found.push({ url, title: name ?? new URL(url).hostname, siteUrl: siteUrl && isWeb(siteUrl) ? siteUrl : null, folder });
      } else if (outline.outlines?.length) {
        const folderName = name?.replaceAll(FOLDER_SEPARATOR, '-');
        walk(outline.outlines, folderName && path.length < MAX_DEPTH ? [...path, folderName] : path);
      }
    }
  };
  walk(doc.body?.outlines, []);

  const items: OpmlImportItem[] = db.transaction(() =>
    found.map((f): OpmlImportItem => {
      if ('status' in f) return f;
      const existing = findFeedByUrl(db, f.url);
      if (existing) return { url: f.url, title: existing.title, folder: existing.folder, status: 'existing', id: existing.id };
      const id = insertFeed(db, { url: f.url, title: f.title, siteUrl: f.siteUrl, folder: f.folder }, now);
      return { url: f.url, title: f.title, folder: f.folder, status: 'added', id };
    }),
  ).immediate();

  return {
    added: items.filter((i) => i.status === 'added').length,
    existing: items.filter((i) => i.status === 'existing').length,
    failed: items.filter((i) => i.status === 'failed').length,
    items,
  };
}

/** Reads an OPML file's bytes: BOM, then the XML declaration, then UTF-8. */
export function decodeOpml(bytes: Uint8Array): string {
  return decodeFeedBody(bytes, null);
}

/** Every subscription as an OPML 2.0 document, folders as nested outlines. */
export function exportOpml(db: Database, now = Date.now()): string {
  interface Folder {
    name: string;
    folders: Map<string, Folder>;
    feeds: Outline[];
  }
  const root: Folder = { name: '', folders: new Map(), feeds: [] };
  for (const feed of listFeeds(db)) {
    let folder = root;
    for (const part of (feed.folder ?? '').split(FOLDER_SEPARATOR).map((p) => p.trim()).filter(Boolean)) {
      let child = folder.folders.get(part);
      if (!child) {
        child = { name: part, folders: new Map(), feeds: [] };
        folder.folders.set(part, child);
      }
      folder = child;
    }
    folder.feeds.push({
      text: feed.title,
      title: feed.title,
      type: 'rss',
      xmlUrl: feed.url,
      ...(feed.siteUrl ? { htmlUrl: feed.siteUrl } : {}),
    });
  }
  const outlines = (folder: Folder): Outline[] => [
    ...[...folder.folders.values()].map((f) => ({ text: f.name, title: f.name, outlines: outlines(f) })),
    ...folder.feeds,
  ];
  const head = { title: 'Broadsheet subscriptions', dateCreated: new Date(now) };
  const body = outlines(root);
  if (body.length === 0) {
    // feedsmith refuses a document without outlines; an empty subscription list is still a list.
    return `<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n  <head>\n    <title>${head.title}</title>\n    <dateCreated>${head.dateCreated.toUTCString()}</dateCreated>\n  </head>\n  <body/>\n</opml>\n`;
  }
  return generateOpml({ head, body: { outlines: body } });
}

function clean(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.replace(/\s+/g, ' ').trim();
  return v || null;
}

function isWeb(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
