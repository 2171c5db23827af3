import { createHash } from 'node:crypto';
import { DetectError, parseFeed, parseJsonFeed } from 'feedsmith';
import { absolute, htmlToText, textToHtml } from './content.js';
import { parseFeedDate } from './dates.js';
import { MediaCollector, type ItemMedia } from './media.js';
import { FeedError, prepareXml } from './xml.js';
import { withoutComments } from '../ingest/sniff.js';

/**
 * A fetched feed document (RSS 2.0, RSS 1.0/RDF, Atom 1.0, JSON Feed 1.0/1.1) → one flat shape.
 *
 * feedsmith does the parsing; this module decides what each format's fields mean for an
 * article: which id deduplicates, which link is the article, which text is the body and which
 * only a summary, and which base address relative links are resolved against (xml:base at feed,
 * entry and content level; else the item's own link, as its page would resolve them; else the
 * channel's link; else the feed's own address).
 */

export interface FeedEntry {
  /** What identifies the item across refreshes: its guid/id, else its link, else a hash of it. */
  guid: string;
  /** The article's address (absolute http/https), or null. */
  url: string | null;
  /** Plain text; '' when the item has none. */
  title: string;
  author: string | null;
  /** The date as the feed wrote it; read by dates.ts. */
  date: string | null;
  /**
   * The item's own body (RSS content:encoded, Atom content, JSON content_html/content_text), as
   * HTML, and the address its relative links are relative to. When present it is the post.
   */
  content: { html: string; base: string } | null;
  /** A summary or description, as HTML: what may be completed from the linked page. */
  summary: { html: string; base: string } | null;
  /** Its picture and audio/video files (media:*, enclosures, attachments), to show beside the body. */
  media: Pick<ItemMedia, 'picture' | 'files'>;
  /** Changes when anything shown of the item changes (not its date): the "updated" signal. */
  fingerprint: string;
  /** The language the feed declares for it (item, else feed level), as written; lang.ts checks it. */
  lang: string | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string | null;
  siteUrl: string | null;
  entries: FeedEntry[];
}

/**
 * More items than this in one document are not read (a feed is a window, not an archive): the
 * newest ones by date are kept, in document order (the first ones when none is dated).
 */
export const MAX_ITEMS = 500;

/** True when a fetched body looks like a feed rather than a web page. */
export function looksLikeFeed(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF?\s+/, '');
  if (head.startsWith('{')) return /"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\//.test(text.slice(0, 65536));
  if (!head.startsWith('<')) return false;
  const root = /<(?!\?|!)([A-Za-z_][\w.:-]*)/.exec(withoutComments(head));
  const name = root?.[1]?.toLowerCase() ?? '';
  return name === 'rss' || name === 'feed' || name === 'rdf:rdf' || name.endsWith(':rss') || name.endsWith(':feed') || name === 'channel';
}

/** Parses a decoded feed document. Throws FeedError with a reason for anything unreadable. */
export function parseFeedDocument(text: string, feedUrl: string): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF?\s+/, '');
  if (trimmed.startsWith('{')) return parseJson(trimmed, feedUrl);
  if (!trimmed.startsWith('<')) throw new FeedError('this is not a feed (not RSS, Atom or JSON Feed)');
  const xml = prepareXml(trimmed);
  let result: ReturnType<typeof parseFeed>;
  try {
    // Every item is read (the 10 MB fetch limit bounds them), so that the newest can be kept.
    result = parseFeed(xml);
  } catch (err) {
    throw describeParseError(err);
  }
  switch (result.format) {
    case 'rss':
    case 'rdf':
      return fromRss(result.format, result.feed as RssLike, feedUrl);
    case 'atom':
      return fromAtom(result.feed as AtomLike, feedUrl);
    case 'json':
      return fromJson(result.feed as JsonLike, feedUrl);
  }
}

function parseJson(text: string, feedUrl: string): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FeedError(`the JSON feed is not valid JSON (${(err as Error).message})`);
  }
  try {
    return fromJson(parseJsonFeed(json) as JsonLike, feedUrl);
  } catch (err) {
    throw describeParseError(err);
  }
}

function describeParseError(err: unknown): FeedError {
  if (err instanceof FeedError) return err;
  if (err instanceof DetectError) return new FeedError('this is not a feed (not RSS, Atom or JSON Feed)');
  const cause = (err as { cause?: { message?: string } }).cause?.message;
  const reason = (cause ?? (err as Error)?.message ?? String(err)).replace(/^\[SECURITY\]\s*/, '').replace(/\s+/g, ' ').slice(0, 200);
  return new FeedError(`the feed could not be read (${reason})`);
}

// ---------------------------------------------------------------------------------------------
// The shapes we read from feedsmith's output. Every field is checked before use: whatever a feed
// contains, only strings we asked for come out.

type Loose = Record<string, unknown> | undefined;

interface RssLike {
  title?: unknown;
  link?: unknown;
  language?: unknown;
  items?: unknown;
  xml?: Loose;
}
interface AtomLike {
  title?: unknown;
  links?: unknown;
  authors?: unknown;
  entries?: unknown;
  xml?: Loose;
}
interface JsonLike {
  title?: unknown;
  language?: unknown;
  home_page_url?: unknown;
  authors?: unknown;
  items?: unknown;
}

function str(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed || null;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function first(value: unknown): unknown {
  return arr(value)[0];
}

/** Resolves an xml:base against the base in force; a base that is not http(s) is ignored. */
function rebase(base: string, xmlBase: unknown): string {
  const raw = str(xmlBase);
  return raw ? absolute(raw, base, false) ?? base : base;
}

/** The xml:base an element declares, resolved; null when it declares none we can use. */
function xmlBase(xml: unknown, base: string): string | null {
  const raw = str(obj(xml)?.base);
  return raw ? absolute(raw, base, false) : null;
}

function plain(value: unknown): string | null {
  const raw = str(value);
  return raw ? htmlToText(raw) || null : null;
}

/**
 * The items to read: all of them up to MAX_ITEMS; beyond that the newest MAX_ITEMS by date (an
 * oldest-first archive feed otherwise never shows its new posts), undated ones counting as
 * oldest, kept in document order.
 */
function newest(items: unknown, dateOf: (item: Record<string, unknown>) => string | null): Array<Record<string, unknown>> {
  const all = arr(items).map(obj).filter((i): i is Record<string, unknown> => Boolean(i));
  if (all.length <= MAX_ITEMS) return all;
  const dated = all.map((item, index) => ({ index, time: parseFeedDate(dateOf(item)) ?? -Infinity }));
  if (dated.every((d) => d.time === -Infinity)) return all.slice(0, MAX_ITEMS);
  const keep = dated
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .slice(0, MAX_ITEMS)
    .map((d) => d.index)
    .sort((a, b) => a - b);
  return keep.map((i) => all[i]!);
}

/** An absolute http(s) address as written, or null: a guid like "12345" is not a link. */
function webAddress(value: string | null): string | null {
  return value && /^https?:\/\//i.test(value) ? absolute(value, value, false) : null;
}

function fingerprint(parts: Array<string | null>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The item's media; its media:description becomes the body of an item that has neither content
 * nor summary (a YouTube entry), as the item's own content: it is the post.
 */
function withMedia(
  media: MediaCollector,
  title: string,
  content: { html: string; base: string } | null,
  summary: { html: string; base: string } | null,
  base: string,
): { content: { html: string; base: string } | null; summary: typeof summary; media: FeedEntry['media'] } {
  const { picture, files, description } = media.result(title, Boolean(content || summary));
  const body = description ? { html: description, base } : content;
  return { content: body, summary, media: { picture, files } };
}

function finish(entry: Omit<FeedEntry, 'guid' | 'fingerprint'> & { id: string | null }): FeedEntry {
  const shown = [entry.title, entry.url, entry.author, entry.content?.html ?? null, entry.summary?.html ?? null];
  // Only when present: an item without media keeps the fingerprint it was stored with.
  if (entry.media.picture || entry.media.files) shown.push(entry.media.picture, entry.media.files);
  const fp = fingerprint(shown);
  const { id, ...rest } = entry;
  return { ...rest, guid: id ?? entry.url ?? `sha256:${fp}`, fingerprint: fp };
}

// ---------------------------------------------------------------------------------------------
// RSS 2.0 and RSS 1.0 (RDF): the same fields, the id in <guid> or rdf:about.

function fromRss(format: 'rss' | 'rdf', feed: RssLike, feedUrl: string): ParsedFeed {
  const channelBase = xmlBase(feed.xml, feedUrl);
  const feedBase = channelBase ?? feedUrl;
  const siteLink = str(feed.link);
  const siteUrl = siteLink ? absolute(siteLink, feedBase, false) : null;
  const feedLang = str(feed.language) ?? str(obj(feed.xml)?.lang);
  const entries = newest(feed.items, rssDate).map((item) => {
    const itemBase = xmlBase(item.xml, feedBase);
    const base = itemBase ?? feedBase;
    const guid = obj(item.guid);
    const guidValue = str(guid?.value) ?? str(item.guid);
    const rdfAbout = str(obj(item.rdf)?.about);
    const dc = obj(item.dc);
    const permalink = guid?.isPermaLink !== false ? webAddress(guidValue) : null;
    const link = str(item.link);
    const url = (link ? absolute(link, base, false) : null) ?? permalink ?? (rdfAbout ? absolute(rdfAbout, base, false) : null);
    // Without xml:base, the body was written for the item's page: resolve as that page would.
    const bodyBase = itemBase ?? channelBase ?? url ?? siteUrl ?? feedUrl;
    const author = obj(first(item.authors));
    const content = str(obj(item.content)?.encoded);
    const description = str(item.description);
    const title = plain(item.title) ?? plain(first(dc?.titles)) ?? '';
    const media = new MediaCollector(bodyBase).addMediaRss(item.media).addEnclosures(item.enclosures);
    return finish({
      id: guidValue ?? rdfAbout,
      url,
      title,
      author: plain(author?.name) ?? plain(author?.email) ?? plain(first(dc?.creators)),
      date: rssDate(item),
      lang: str(first(dc?.languages)) ?? str(obj(item.xml)?.lang) ?? feedLang,
      ...withMedia(media, title, content ? { html: content, base: bodyBase } : null, description ? { html: description, base: bodyBase } : null, bodyBase),
    });
  });
  return { format, title: plain(feed.title), siteUrl, entries };
}

function rssDate(item: Record<string, unknown>): string | null {
  return str(item.pubDate) ?? str(first(obj(item.dc)?.dates)) ?? str(first(obj(item.dcterms)?.issued)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Atom 1.0: xml:base at every level, typed text constructs, links with rel.

function fromAtom(feed: AtomLike, feedUrl: string): ParsedFeed {
  const feedBase = rebase(feedUrl, obj(feed.xml)?.base);
  const feedAuthor = plain(obj(first(feed.authors))?.name);
  const entries = newest(feed.entries, atomDate).map((entry) => {
    const base = rebase(feedBase, obj(entry.xml)?.base);
    const content = atomText(entry.content, base);
    const summary = atomText(entry.summary, base);
    const contentSrc = str(obj(entry.content)?.src);
    const link = alternateLink(entry.links, base) ?? (contentSrc ? absolute(contentSrc, base, false) : null);
    const title = atomPlain(entry.title) ?? '';
    const media = new MediaCollector(base).addMediaRss(entry.media).addAtomLinks(entry.links);
    return finish({
      id: str(entry.id),
      url: link,
      title,
      author: plain(obj(first(entry.authors))?.name) ?? feedAuthor,
      date: atomDate(entry),
      lang: str(obj(obj(entry.content)?.xml)?.lang) ?? str(obj(entry.xml)?.lang) ?? str(obj(feed.xml)?.lang),
      ...withMedia(media, title, content, summary, base),
    });
  });
  return {
    format: 'atom',
    title: atomPlain(feed.title),
    siteUrl: alternateLink(feed.links, feedBase),
    entries,
  };
}

function atomDate(entry: Record<string, unknown>): string | null {
  return str(entry.published) ?? str(entry.updated) ?? null;
}

/** The entry's web page: rel="alternate" (or no rel), preferring an HTML type. */
function alternateLink(links: unknown, base: string): string | null {
  const candidates = arr(links)
    .map(obj)
    .filter((l): l is Record<string, unknown> => Boolean(l) && (str(l!.rel) ?? 'alternate') === 'alternate' && Boolean(str(l!.href)));
  const html = candidates.find((l) => /html/i.test(str(l.type) ?? 'text/html')) ?? candidates[0];
  const href = html ? str(html.href) : null;
  return href ? absolute(href, base, false) : null;
}

/** A text construct as plain text. */
function atomPlain(value: unknown): string | null {
  const text = obj(value);
  const raw = text ? str(text.value) : str(value);
  if (!raw) return null;
  const type = (text ? str(text.type) : null)?.toLowerCase() ?? 'text';
  return (type === 'text' || type === 'text/plain' ? raw.replace(/\s+/g, ' ').trim() : htmlToText(raw)) || null;
}

/** A text construct (content or summary) as HTML with its base; null when out of line or not text. */
function atomText(value: unknown, base: string): { html: string; base: string } | null {
  const text = obj(value);
  const raw = text ? str(text.value) : str(value);
  if (!raw) return null;
  const ownBase = rebase(base, obj(text?.xml)?.base);
  const declared = text ? str(text.type)?.toLowerCase() : undefined;
  if (declared === 'html' || declared === 'xhtml' || declared === 'text/html' || declared === 'application/xhtml+xml') {
    return { html: raw, base: ownBase };
  }
  if (declared === undefined && /<\/?(?:p|br|div|img|a|em|strong|figure)\b/i.test(raw)) {
    // No type at all (Atom's default is text), but plainly HTML: a common slip in real feeds.
    return { html: raw, base: ownBase };
  }
  if (declared === undefined || declared === 'text' || declared.startsWith('text/')) return { html: textToHtml(raw), base: ownBase };
  return null; // base64 media and the like: not something to read
}

// ---------------------------------------------------------------------------------------------
// JSON Feed 1.0 and 1.1.

/** JSON Feed titles and names are plain text already: no markup to strip. */
function fromJson(feed: JsonLike, feedUrl: string): ParsedFeed {
  const feedAuthor = str(obj(first(feed.authors))?.name)?.replace(/\s+/g, ' ') ?? null;
  const home = str(feed.home_page_url);
  const siteUrl = home ? absolute(home, feedUrl, false) : null;
  const entries = newest(feed.items, jsonDate).map((item) => {
    const link = str(item.url) ?? str(item.external_url);
    const url = link ? absolute(link, feedUrl, false) : null;
    // The body was written for the item's page: resolve as that page would.
    const base = url ?? siteUrl ?? feedUrl;
    const contentHtml = str(item.content_html);
    const contentText = str(item.content_text);
    const summary = str(item.summary);
    const image = str(item.image);
    let html = contentHtml ?? (contentText ? textToHtml(contentText) : null);
    // The item's main picture, when the body does not show it already.
    if (html && image && !html.includes(image)) html = `<figure><img src="${escapeAttr(image)}" alt=""></figure>\n${html}`;
    const title = str(item.title)?.replace(/\s+/g, ' ') ?? '';
    const media = new MediaCollector(base).addJson(item);
    return finish({
      id: str(item.id),
      url,
      title,
      author: str(obj(first(item.authors))?.name)?.replace(/\s+/g, ' ') ?? feedAuthor,
      date: jsonDate(item),
      lang: str(item.language) ?? str(feed.language),
      ...withMedia(media, title, html ? { html, base } : null, summary ? { html: textToHtml(summary), base } : null, base),
    });
  });
  return { format: 'json', title: str(feed.title)?.replace(/\s+/g, ' ') ?? null, siteUrl, entries };
}

function jsonDate(item: Record<string, unknown>): string | null {
  return str(item.date_published) ?? str(item.date_modified) ?? null;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
