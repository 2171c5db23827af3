import type { Database } from 'better-sqlite3';
import { saveArticle } from '../../db/articles.js';
import { checkUrl, decodeText, fetchBounded, type FetchResult } from '../net/fetch.js';
import { parseHtmlBounded } from './parse-pool.js';
import { storeArticleImages, type ImageOptions } from './images.js';
import { sniffHtmlCharset, startsWithAfterProlog } from './sniff.js';
import { IngestError, type ParsedArticle } from './types.js';

/**
 * Saving one web page by its address: fetch it (through the one fetch module), decode it (HTTP
 * charset, then <meta charset>), extract the article (parseHtmlPage: Readability with captions
 * kept), store its pictures (images.ts) and the article. `broadsheet save URL` and the app's
 * savePage call both come here; the feeds use fetchPage and the same steps for summary-only items.
 */

export interface SavePageOptions {
  /** Largest page, after decompression. Default 8 MB. */
  maxBytes?: number;
  /** The page request, redirects and body included. Default 30 s. */
  timeoutMs?: number;
  images?: ImageOptions;
  signal?: AbortSignal;
}

export const PAGE_LIMITS = { maxBytes: 8 * 1024 * 1024, timeoutMs: 30_000 } as const;

export interface SavePageResult {
  status: 'imported' | 'duplicate';
  id: number;
  title: string;
  /** The address the article is stored (and deduplicated) under: canonical, else the final one. */
  url: string;
  /** Pictures of this article now in the library. */
  images: number;
  /** One line per picture that could not be stored: "address: reason". */
  imageFailures: string[];
}

export interface FetchedPage {
  /** The address that answered, after redirects. */
  url: string;
  html: string;
  response: FetchResult;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const SNIFFABLE_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

/** Fetches a web page and decodes it. Throws FetchError (network) or IngestError (not a page). */
export async function fetchPage(rawUrl: string, opts: SavePageOptions = {}): Promise<FetchedPage> {
  const response = await fetchBounded(rawUrl, {
    maxBytes: opts.maxBytes ?? PAGE_LIMITS.maxBytes,
    timeoutMs: opts.timeoutMs ?? PAGE_LIMITS.timeoutMs,
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const type = response.contentType;
  const isHtml = type ? HTML_TYPES.has(type) : false;
  if (!isHtml && !((type === null || SNIFFABLE_TYPES.has(type)) && looksLikeHtml(response.body))) {
    throw new IngestError(`${response.url}: not a web page (${describeType(type)})`);
  }
  return { url: response.url, html: decodeText(response.body, response.charset, sniffHtmlCharset(response.body)), response };
}

/**
 * Saves the page at `rawUrl` with its pictures. A page already in the library (same canonical
 * address) is reported as a duplicate without fetching its pictures again.
 */
export async function savePage(db: Database, rawUrl: string, opts: SavePageOptions = {}): Promise<SavePageResult> {
  const origin = checkUrl(rawUrl).href;
  const page = await fetchPage(origin, opts);

  let parsed: ParsedArticle;
  try {
    parsed = await parseHtmlBounded(page.html, page.url);
  } catch (err) {
    throw new IngestError(`${page.url}: ${(err as Error).message}`);
  }
  const url = articleUrl(parsed.url, page.url);

  const existing = db.prepare<[string], { id: number; title: string }>('SELECT id, title FROM articles WHERE url = ?').get(url);
  if (existing) return { status: 'duplicate', id: existing.id, title: existing.title, url, images: 0, imageFailures: [] };

  const article = await storeArticleImages(db, parsed, {
    ...opts.images,
    referrer: page.url,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const { imageFailures, imagesStored, ...input } = article;
  const saved = saveArticle(db, { ...input, url, origin });
  const title =
    saved.status === 'duplicate'
      ? db.prepare<[number], { title: string }>('SELECT title FROM articles WHERE id = ?').get(saved.id)?.title ?? parsed.title
      : parsed.title;
  return { status: saved.status, id: saved.id, title, url, images: imagesStored, imageFailures };
}

/**
 * The address to store: the page's canonical one when it names the same site (so an AMP or
 * mobile copy and the original are one article), else the address that answered. A page cannot
 * claim another site's address and so pass for (or block) an article from there.
 */
export function articleUrl(canonical: string | null, finalUrl: string): string {
  if (!canonical || canonical === finalUrl) return finalUrl;
  try {
    const a = new URL(canonical);
    const b = new URL(finalUrl);
    if (a.protocol !== 'http:' && a.protocol !== 'https:') return finalUrl;
    return sameSite(a.hostname, b.hostname) ? a.href : finalUrl;
  } catch {
    return finalUrl;
  }
}

function sameSite(a: string, b: string): boolean {
  const strip = (h: string) => h.toLowerCase().replace(/^(?:www|m|mobile|amp)\./, '');
  const x = strip(a);
  const y = strip(b);
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

const HTML_START = /<(?:!doctype\s+html|html|head|body)[\s>]/iy;
const UTF8_BOM_AS_LATIN1 = /\u00ef\u00bb\u00bf/y;

function looksLikeHtml(body: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(body.subarray(0, 1024));
  return startsWithAfterProlog(head, HTML_START, [UTF8_BOM_AS_LATIN1]);
}

function describeType(type: string | null): string {
  if (!type) return 'the server did not say what it is, and it does not look like HTML';
  if (/(?:rss|atom)\+xml|\/xml$|feed\+json/.test(type)) return `it is ${type}: a feed? Subscribe with \`broadsheet feeds add\``;
  return `it is ${type}`;
}
