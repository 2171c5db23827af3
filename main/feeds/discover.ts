import { absolute, parseDocument } from './content.js';

/**
 * Feed autodiscovery: the feeds a web page names, in the order to try them.
 *
 * First the <link rel="alternate"> of a feed type, resolved against the page's <base href> (when
 * it is a web address) or the page's own address: RSS, Atom and RDF first, then JSON Feed, then
 * plain application/json (which WordPress also uses for its REST API, never a feed: those wp-json
 * links are left out); comment feeds last (a blog's first choice is its posts). Then, for a page
 * that names none, its <a href> links on the same site whose address or text says feed, RSS or
 * Atom. The caller fetches them in turn and keeps the first that reads as a feed.
 */

const XML_FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/x-rss+xml',
  'application/x-atom+xml',
]);
const JSON_FEED_TYPES = new Map([
  ['application/feed+json', 1],
  ['application/json', 2],
]);

/** Enough to find a blog's feed, few enough that a page of links costs a handful of requests. */
const MAX_CANDIDATES = 6;

/** "feed", "feeds", "rss", "rss2", "atom" as a word of an address or a link's text; not "feedback". */
const SAYS_FEED = /(?:^|[^a-z])(?:feeds?|rss|atom)(?:[^a-z]|$)/i;

export function findFeedLinks(html: string, pageUrl: string): string[] {
  const doc = parseDocument(html);
  const base = baseOf(doc, pageUrl);
  const found: Array<{ url: string; rank: number }> = [];
  for (const link of Array.from(doc.querySelectorAll('link[rel][href]'))) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').split(';')[0]!.trim().toLowerCase();
    const typeRank = XML_FEED_TYPES.has(type) ? 0 : JSON_FEED_TYPES.get(type);
    if (!rel.includes('alternate') || typeRank === undefined) continue;
    const url = absolute(link.getAttribute('href') ?? '', base, false);
    if (!url || isWordPressApi(url) || found.some((f) => f.url === url)) continue;
    const comments = /comments/i.test(`${link.getAttribute('title') ?? ''} ${url}`);
    found.push({ url, rank: typeRank + (comments ? 10 : 0) });
  }
  // A stable sort: document order within each rank.
  return found
    .sort((a, b) => a.rank - b.rank)
    .map((f) => f.url)
    .slice(0, MAX_CANDIDATES);
}

/** Links in the page's body to what looks like a feed on the same site, in document order. */
export function findFeedAnchors(html: string, pageUrl: string): string[] {
  const doc = parseDocument(html);
  const base = baseOf(doc, pageUrl);
  const site = siteOf(pageUrl);
  const found: string[] = [];
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const url = absolute(a.getAttribute('href') ?? '', base, false);
    if (!url || url === pageUrl || found.includes(url) || siteOf(url) !== site || isWordPressApi(url)) continue;
    const { pathname, search } = new URL(url);
    const words = `${a.textContent ?? ''} ${a.getAttribute('title') ?? ''}`;
    if (SAYS_FEED.test(decoded(pathname + search)) || SAYS_FEED.test(words)) found.push(url);
    if (found.length >= MAX_CANDIDATES) break;
  }
  return found;
}

function baseOf(doc: Document, pageUrl: string): string {
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  return (baseHref ? absolute(baseHref, pageUrl, false) : null) ?? pageUrl;
}

/** The host without "www.": blog.example and www.blog.example are one site. */
function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray '%': read as written
  }
}

function isWordPressApi(url: string): boolean {
  const { pathname, search } = new URL(url);
  return pathname.includes('/wp-json/') || search.includes('rest_route=');
}
