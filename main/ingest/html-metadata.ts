import { declaredLang } from '../../db/lang.js';
import { clean, cleanByline, isSpace, isWebUrl, parseUrl } from './html-helpers.js';

/**
 * What a saved page says about itself: title, site, author, canonical address, date, description
 * and language, from <meta>, JSON-LD and the markup. Apart from the pipeline because it is read
 * before Readability rewrites the document, and changes nothing in it.
 */

interface PageMetadata {
  title: string;
  source: string | null;
  author: string | null;
  url: string | null;
  publishedAt: number | null;
  description: string | null;
  /** Declared, checked by declaredLang; the text may still overrule it (lang.ts). */
  lang: string | null;
}

export function readMetadata(doc: Document, pageUrl: string | undefined): PageMetadata {
  const metas = metaTable(doc);
  const jsonLd = readJsonLd(doc);
  const url = canonicalUrl(doc, metas, pageUrl);
  const siteName = clean(metas.get('og:site_name')) ?? clean(metas.get('application-name'));
  const source = siteName ?? (url ? new URL(url).hostname.replace(/^www\./, '') : null);
  return {
    title: findTitle(doc, metas, siteName),
    source,
    author: findAuthor(doc, metas, jsonLd),
    url,
    publishedAt: findPublishedAt(doc, metas, jsonLd),
    description: clean(metas.get('description')) ?? clean(metas.get('og:description')),
    lang: declaredPageLang(doc, metas),
  };
}

/** The language the page says it is in: <html lang>, else a Content-Language or locale meta. */
function declaredPageLang(doc: Document, metas: Map<string, string>): string | null {
  const root = doc.documentElement;
  const httpEquiv = Array.from(doc.querySelectorAll('meta[http-equiv][content]')).find(
    (m) => m.getAttribute('http-equiv')!.trim().toLowerCase() === 'content-language',
  );
  const candidates = [
    root.getAttribute('lang'),
    root.getAttribute('xml:lang'),
    httpEquiv?.getAttribute('content'),
    metas.get('og:locale'),
    metas.get('language'),
    metas.get('dc.language'),
    metas.get('inlanguage'),
  ];
  for (const raw of candidates) {
    const tag = declaredLang(raw);
    if (tag) return tag;
  }
  return null;
}

/** property/name/itemprop → content of every <meta>, keys lower-cased, first non-empty value wins. */
function metaTable(doc: Document): Map<string, string> {
  const table = new Map<string, string>();
  for (const meta of Array.from(doc.querySelectorAll('meta[content]'))) {
    const attr = meta.getAttribute('property') ?? meta.getAttribute('name') ?? meta.getAttribute('itemprop');
    const key = (attr ?? '').trim().toLowerCase();
    const content = meta.getAttribute('content')?.trim();
    if (key && content && !table.has(key)) table.set(key, content);
  }
  return table;
}

function findTitle(doc: Document, metas: Map<string, string>, siteName: string | null): string {
  const candidates = [clean(metas.get('og:title')), clean(doc.title), clean(doc.querySelector('h1')?.textContent)];
  const title = candidates.find((t) => t) ?? '';
  return siteName ? stripSiteName(title, siteName) : title;
}

/**
 * "Title | Site", "Title – Site", "Site: Title" → "Title", but only for the site's own name.
 * Compared as text, not through a pattern built from the page: a long og:site_name made the old
 * RegExp fail to compile ("Stack overflow"), and the page with it.
 */
function stripSiteName(title: string, siteName: string): string {
  const n = siteName.length;
  if (title.length <= n) return title;
  const same = (a: string) => a.toLowerCase() === siteName.toLowerCase();
  if (same(title.slice(-n))) {
    const end = separatorBefore(title, title.length - n);
    const head = end === null ? '' : title.slice(0, end).trim();
    if (head) return head;
  }
  if (same(title.slice(0, n))) {
    const start = separatorAfter(title, n);
    const tail = start === null ? '' : title.slice(start).trim();
    if (tail) return tail;
  }
  return title;
}

/** A dash between white space; a colon before white space; a bar, dot, guillemet or slash anywhere. */
const SPACED_SEPARATORS = '-–—';
const BARE_SEPARATORS = '|·•»/';

/** Where the separator that ends just before `at` starts (at its white space), or null. */
function separatorBefore(text: string, at: number): number | null {
  let i = at;
  while (isSpace(text[i - 1])) i--;
  const spaceAfter = i < at;
  const c = text[i - 1];
  if (c === undefined) return null;
  let start = i - 1;
  while (isSpace(text[start - 1])) start--;
  if (BARE_SEPARATORS.includes(c)) return start;
  if (c === ':') return spaceAfter ? start : null;
  return SPACED_SEPARATORS.includes(c) && spaceAfter && start < i - 1 ? start : null;
}

/** Where the text after the separator that starts at `at` begins, or null. */
function separatorAfter(text: string, at: number): number | null {
  let i = at;
  while (isSpace(text[i])) i++;
  const spaceBefore = i > at;
  const c = text[i];
  if (c === undefined) return null;
  let end = i + 1;
  while (isSpace(text[end])) end++;
  if (BARE_SEPARATORS.includes(c)) return end;
  if (c === ':') return end > i + 1 ? end : null;
  return SPACED_SEPARATORS.includes(c) && spaceBefore && end > i + 1 ? end : null;
}

function canonicalUrl(doc: Document, metas: Map<string, string>, pageUrl: string | undefined): string | null {
  const link = Array.from(doc.querySelectorAll('link[rel][href]')).find((l) =>
    (l.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'));
  for (const raw of [link?.getAttribute('href'), metas.get('og:url'), pageUrl]) {
    const url = raw ? parseUrl(raw, doc.baseURI) : null;
    if (url && isWebUrl(url)) {
      url.hash = '';
      return url.href;
    }
  }
  return null;
}

function findAuthor(doc: Document, metas: Map<string, string>, jsonLd: JsonLdArticle): string | null {
  const relAuthor = Array.from(doc.querySelectorAll('a[rel]')).find((a) =>
    (a.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('author'));
  const candidates = [metas.get('author'), metas.get('article:author'), jsonLd.author, relAuthor?.textContent];
  for (const candidate of candidates) {
    const name = cleanByline(candidate);
    // article:author is often a profile URL, which is not a name.
    if (name && !/^(?:https?:)?\/\//i.test(name)) return name;
  }
  return null;
}

/**
 * Publication-date <meta> keys after article:published_time and JSON-LD, most specific first
 * ("date" last: some CMSs put other dates under it).
 */
const PUBLISHED_KEYS = [
  'og:article:published_time', 'datepublished', 'dc.date.issued', 'dcterms.issued', 'pubdate', 'publishdate',
  'publish-date', 'parsely-pub-date', 'sailthru.date', 'dc.date', 'date',
];

function findPublishedAt(doc: Document, metas: Map<string, string>, jsonLd: JsonLdArticle): number | null {
  const raws = [metas.get('article:published_time'), jsonLd.datePublished, ...PUBLISHED_KEYS.map((key) => metas.get(key))];
  for (const raw of raws) {
    const time = parseDate(raw);
    if (time !== null) return time;
  }
  // <time> is the weakest signal: articles also mention other dates. Take the first one in the
  // article, and only when it carries a full calendar date.
  const scope = doc.querySelector('article, main, [role="main"]') ?? doc.body;
  const datetime = scope?.querySelector('time[datetime]')?.getAttribute('datetime')?.trim();
  return datetime && /^\d{4}-\d{2}-\d{2}/.test(datetime) ? parseDate(datetime) : null;
}

function parseDate(raw: string | null | undefined): number | null {
  if (!raw) return null;
  // "20240314" (meta pubdate at some papers), which Date.parse does not read.
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(raw.trim());
  const time = Date.parse(compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : raw.trim());
  return Number.isFinite(time) ? time : null;
}

interface JsonLdArticle {
  datePublished?: string;
  author?: string;
}

const ARTICLE_TYPES = /^(?:\w*Article|Report|BlogPosting|LiveBlogPosting|SocialMediaPosting|DiscussionForumPosting|WebPage)$/;

/** The first Article-like JSON-LD object (top level, in an array or in @graph). Bad JSON is skipped. */
function readJsonLd(doc: Document): JsonLdArticle {
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    const queue: unknown[] = [data];
    for (let i = 0; i < queue.length && i < 200; i++) {
      const node = queue[i];
      if (Array.isArray(node)) { queue.push(...node); continue; }
      if (!node || typeof node !== 'object') continue;
      const obj = node as Record<string, unknown>;
      if (Array.isArray(obj['@graph'])) queue.push(...obj['@graph']);
      const types = ([] as unknown[]).concat(obj['@type']).filter((t): t is string => typeof t === 'string');
      if (types.some((t) => ARTICLE_TYPES.test(t)) && (obj.datePublished || obj.author)) {
        return {
          datePublished: typeof obj.datePublished === 'string' ? obj.datePublished : undefined,
          author: jsonLdNames(obj.author) ?? undefined,
        };
      }
    }
  }
  return {};
}

function jsonLdNames(value: unknown): string | null {
  const names = ([] as unknown[]).concat(value ?? [])
    .map((a) => (typeof a === 'string' ? a : a && typeof a === 'object' ? (a as { name?: unknown }).name : null))
    .filter((n): n is string => typeof n === 'string' && n.trim() !== '')
    .map((n) => n.trim());
  return names.length ? names.join(', ') : null;
}
