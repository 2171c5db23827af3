import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { assertNotTooDeep, htmlToPlainText } from './dom.js';
import { articleLang, declaredLang } from '../../db/lang.js';
import { escapeHtml, sanitizeHtml } from './sanitize.js';
import { parseSrcset, pickSrcsetCandidate, smallestSrcsetCandidate, type SrcsetCandidate } from './srcset.js';
import { IngestError, type ParsedArticle, type ParsedFigure } from './types.js';

/**
 * Saved web pages (.html/.htm; later, pages fetched from the web) → ParsedArticle.
 *
 * The page is parsed once with jsdom (default settings: no scripts run, no resources load).
 * Metadata is read first, because Readability rewrites the document. Then the document is
 * prepared: bylines and datelines removed (they live in `author`/`publishedAt`), noscript image
 * fallbacks unwrapped, and every image marked with a data attribute and remembered together with
 * its caption. Readability then picks the article; afterwards every image is rebuilt as
 * <figure data-figure="N"><img><figcaption>, with the caption taken from what was remembered,
 * because Readability drops or flattens captions in many layouts (mozilla/readability #743, #125).
 * The result is sanitised exactly once, at the end.
 */

export interface HtmlPageOptions {
  /** Where the page came from; relative links and images are resolved against it. */
  url?: string;
  /** The file the page was read from. Not used for parsing: the caller names the file in errors. */
  fileName?: string;
}

export function parseHtmlPage(html: string, opts: HtmlPageOptions = {}): ParsedArticle {
  try {
    assertNotTooDeep(html);
  } catch (err) {
    throw new IngestError((err as Error).message);
  }
  const dom = openDocument(html, opts.url);
  try {
    return extract(dom.window.document, opts.url);
  } finally {
    dom.window.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline

function extract(doc: Document, pageUrl: string | undefined): ParsedArticle {
  dropUnsafeBase(doc);
  const meta = readMetadata(doc, pageUrl);
  if (!meta.title) throw new IngestError('no title: the page has no <title>, og:title or <h1>');

  const author = removeBylines(doc, meta.author);
  removeAuthorBoxes(doc);
  removeDatelines(doc);
  removeKicker(doc, meta.title);
  removeSignupForms(doc);
  unwrapNoscriptImages(doc);
  removeFigureControls(doc);
  const images = markImages(doc);
  markSequence(doc, images);
  const leadZone = markLeadFigures(doc, images, meta.title);

  const result = new Readability<Element>(doc, {
    keepClasses: false,
    serializer: (node) => node as Element,
  }).parse();
  const body = result?.content;
  if (!body) throw new IngestError('no article found in the page');

  restoreDroppedFigures(body, images, leadZone);
  const figures = rebuildFigures(body, images);
  tidyBody(body, meta.title);
  const lead = takeLead(body, meta.description ?? clean(result.excerpt));

  const safeHtml = tidyWhitespace(sanitizeHtml(serializeFlat(body)));
  const text = htmlToPlainText(safeHtml);
  if (!text && figures.length === 0) throw new IngestError('no article found in the page');

  return {
    title: meta.title,
    source: meta.source,
    author: author ?? cleanByline(result.byline),
    attribution: null,
    url: meta.url,
    publishedAt: meta.publishedAt,
    lead,
    html: safeHtml,
    text,
    figures,
    lang: articleLang(meta.lang, { title: meta.title, lead, text }),
  };
}

function openDocument(html: string, pageUrl: string | undefined): JSDOM {
  // A silent console: jsdom reports every CSS rule it cannot parse, which is noise for us.
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', () => {});
  const url = pageUrl && parseUrl(pageUrl) ? pageUrl : undefined;
  // Deliberately no runScripts and no resources: jsdom's defaults run nothing and fetch nothing.
  return new JSDOM(html, { url, virtualConsole });
}

/** A <base href="javascript:…"> (or any non-web base) would poison every relative URL. */
function dropUnsafeBase(doc: Document): void {
  for (const base of Array.from(doc.querySelectorAll('base[href]'))) {
    const url = parseUrl(base.getAttribute('href') ?? '', doc.URL);
    if (!url || !isWebUrl(url)) base.remove();
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata

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

function readMetadata(doc: Document, pageUrl: string | undefined): PageMetadata {
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
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

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

// ---------------------------------------------------------------------------------------------
// Preparing the document for Readability

/** Readability's own byline test: rel=author, itemprop=author, or a byline-ish class or id. */
const BYLINE_CLASS = /byline|author|dateline|writtenby|p-author/i;

function isBylineElement(el: Element): boolean {
  const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
  const itemprop = el.getAttribute('itemprop') ?? '';
  if (!rel.includes('author') && !itemprop.includes('author') && !BYLINE_CLASS.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return false;
  const length = (el.textContent ?? '').trim().length;
  return length > 0 && length < 100 && !el.querySelector('img, h1, h2, h3');
}

/**
 * Readability removes only the first byline it sees, and none at all once the page's metadata
 * names an author, so "By Jane Doe" lines stay in its output. We remove them ourselves: every
 * byline element that starts with "By" or names the author. Returns the author, falling back to
 * the first byline's text (without a <time> in it).
 */
function removeBylines(doc: Document, metaAuthor: string | null): string | null {
  const bylines: Element[] = [];
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    // Document order: an element inside an earlier byline is inside the latest one.
    if (bylines.at(-1)?.contains(el)) continue;
    if (isBylineElement(el)) bylines.push(el);
  }
  // Without the date: Reuters' byline box holds both ("Anna Hirtenstein" + <time>March 12, 2024…).
  const first = bylines[0];
  const author = metaAuthor ?? cleanByline(first && readableText(first, (el) => el.tagName === 'TIME'));
  const needle = author?.toLowerCase();
  for (const el of bylines) {
    const text = collapse(el.textContent ?? '');
    if (/^by\b/i.test(text) || (needle && text.toLowerCase().includes(needle))) el.remove();
  }
  return author;
}

/** Author boxes, small icon images and the boxes that hold them are a line or two of text at most. */
const SHORT_BOX_CHARS = 200;

/** A box about the author: class, id or itemprop, or a rel=author link around the picture. */
const AUTHOR_BOX = /author|byline|avatar|contributor/i;

function isAuthorBox(el: Element): boolean {
  if ((el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('author')) return true;
  return AUTHOR_BOX.test(`${el.getAttribute('class') ?? ''} ${el.id} ${el.getAttribute('itemprop') ?? ''}`);
}

/**
 * "<div class="author-box"><img src=avatar.jpg> Jane Doe · Transport correspondent</div>": the
 * outermost short author box around a picture goes whole, after removeBylines has read the name.
 * Left in, its picture became the first figure and its job title the lead.
 */
function removeAuthorBoxes(doc: Document): void {
  for (const img of Array.from(doc.body.querySelectorAll('img'))) {
    let box: Element | null = null;
    for (let el = img.parentElement; el && el !== doc.body; el = el.parentElement) {
      if (el.matches('article, main, [role="main"]') || textLongerThan(el, SHORT_BOX_CHARS) || el.querySelector('h1, h2, h3')) break;
      if (isAuthorBox(el)) box = el;
    }
    box?.remove();
  }
}

/** Whether el holds more than `limit` characters of text; reads only as far as it needs. */
function textLongerThan(el: Element, limit: number): boolean {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  let length = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    length += (node.nodeValue ?? '').trim().length;
    if (length > limit) return true;
  }
  return false;
}

const DATELINE_BLOCKS = new Set(['P', 'DIV', 'SECTION', 'HEADER', 'FOOTER', 'ASIDE']);

/** Elements that sit inside a line of text rather than make a block of their own. */
const PHRASING = new Set(['TIME', 'SPAN', 'A', 'B', 'STRONG', 'EM', 'I', 'SMALL', 'ABBR', 'FONT', 'MARK', 'CITE', 'LABEL', 'DATA', 'U', 'SUB', 'SUP']);

/**
 * "Published <time>…</time> by" lines: publishedAt already holds the date. Removes the block that
 * holds little besides a <time>; with no such block (a <span class="posted-on"> or a bare <time>
 * straight inside the <article>), the short line of inline content around it. A <time> inside a
 * sentence, or straight inside a list item or table cell, stays: a timeline of events is content
 * (a layout table around the page is not). Never a block with a heading in it: a short headline
 * in a <header> with the date ("Storm hits coast" + "12 March 2024") is under the limit too, and
 * without its headline the lead photo after it was no longer recognised.
 */
function removeDatelines(doc: Document): void {
  for (const time of Array.from(doc.body.querySelectorAll('time'))) {
    if (!time.isConnected) continue;
    const limit = collapse(time.textContent ?? '').length + 25;
    let block: Element | null = null;
    let top: Element = time;
    for (let el = time.parentElement; el && el !== doc.body; el = el.parentElement) {
      if (el.matches('article, main, li, dd, td, th') || collapse(el.textContent ?? '').length > limit) break;
      if (el.querySelector('h1, h2, h3, h4, h5, h6')) break;
      top = el;
      if (DATELINE_BLOCKS.has(el.tagName)) block = el;
    }
    if (block) {
      block.remove();
      continue;
    }
    if (!PHRASING.has(top.tagName) || top.parentElement?.matches('li, dd, td, th')) continue;
    const line = shortInlineLine(top, limit);
    if (line) for (const node of line) node.remove();
  }
}

/**
 * el and the text and inline elements on either side of it, up to the nearest blocks, when that
 * line is at most `limit` characters; else null. Null too for one of several lines split by <br>
 * ("<time>1877</time>: the lantern cracks<br>…" is a timeline). Gives up after a few nodes, so a
 * page of many <time>s in one long run of text does not read that run once per <time>.
 */
function shortInlineLine(el: Element, limit: number): ChildNode[] | null {
  const inline = (node: ChildNode | null): node is ChildNode =>
    node !== null && (node.nodeType === node.TEXT_NODE || (node.nodeType === node.ELEMENT_NODE && PHRASING.has((node as Element).tagName)));
  const line: ChildNode[] = [el];
  let raw = (el.textContent ?? '').trim().length;
  const add = (node: ChildNode, atStart: boolean): boolean => {
    if (line.length >= 12) return false;
    raw += (node.textContent ?? '').trim().length;
    if (atStart) line.unshift(node);
    else line.push(node);
    return raw <= 4 * limit;
  };
  let before = el.previousSibling;
  for (; inline(before); before = before.previousSibling) if (!add(before, true)) return null;
  let after = el.nextSibling;
  for (; inline(after); after = after.nextSibling) if (!add(after, false)) return null;
  if ((before as Element | null)?.tagName === 'BR' || (after as Element | null)?.tagName === 'BR') return null;
  return collapse(line.map((node) => node.textContent ?? '').join('')).length <= limit ? line : null;
}

/** Section labels and breadcrumbs printed just above the headline ("Europe", "News › Local"). */
function removeKicker(doc: Document, title: string): void {
  const key = comparable(title);
  const heading = Array.from(doc.body.querySelectorAll('h1')).find((h) => comparable(h.textContent) === key);
  let sibling = heading?.previousElementSibling;
  while (sibling) {
    const previous = sibling.previousElementSibling;
    if (collapse(sibling.textContent ?? '').length < 60 && !sibling.querySelector('img, picture, figure')) sibling.remove();
    sibling = previous;
  }
}

/**
 * Newsletter and log-in boxes: Readability drops the <form> but keeps the box's heading. A form
 * holding lots of text or the headline is a page-wide wrapper (ASP.NET) and is left alone.
 */
function removeSignupForms(doc: Document): void {
  for (const form of Array.from(doc.body.querySelectorAll('form'))) {
    if (!form.isConnected) continue;
    const formText = collapse(form.textContent ?? '').length;
    if (formText > 500 || form.querySelector('article, main, h1')) continue;
    const box = form.parentElement;
    const boxOnly = box && box !== doc.body && !box.matches('article, main, [role="main"]') &&
      collapse(box.textContent ?? '').length - formText < 100;
    (boxOnly ? box : form).remove();
  }
}

/**
 * With scripting off, jsdom parses <noscript> as markup; lazy-loading pages put the real <img>
 * there, after a placeholder. Readability deletes every <noscript>, so the fallback is swapped in
 * (or unwrapped) first. The placeholder may come wrapped (<picture>, <span class="lazy-wrap">):
 * then the one image in the wrapper is swapped, else the page's picture came out twice.
 */
function unwrapNoscriptImages(doc: Document): void {
  for (const noscript of Array.from(doc.body.querySelectorAll('noscript'))) {
    const imgs = noscript.querySelectorAll('img');
    const img = imgs[0];
    if (imgs.length !== 1 || !img || collapse(noscript.textContent ?? '') !== '') continue;
    const previous = placeholderBefore(noscript, img);
    if (previous) {
      if (!img.getAttribute('alt') && previous.getAttribute('alt')) img.setAttribute('alt', previous.getAttribute('alt')!);
      for (const attr of ['class', 'width', 'height']) {
        if (!img.hasAttribute(attr) && previous.hasAttribute(attr)) img.setAttribute(attr, previous.getAttribute(attr)!);
      }
      previous.replaceWith(img);
      noscript.remove();
    } else {
      noscript.replaceWith(img);
    }
  }
}

/**
 * The <img> just before a <noscript>, on its own or as the only image of a wrapper with no text
 * (not for a tracking pixel's <noscript> that happens to follow a photo).
 */
function placeholderBefore(noscript: Element, fallback: Element): Element | null {
  const previous = noscript.previousElementSibling;
  if (!previous || previous.tagName === 'IMG') return previous;
  if (previous.tagName === 'NOSCRIPT' || isTrackingPixel(fallback) || textLongerThan(previous, 0)) return null;
  const imgs = previous.querySelectorAll('img');
  return imgs.length === 1 ? imgs[0]! : null;
}

/**
 * A zoom button's icon, a "pin it" image or a blurred preview (old Medium: a 60 px thumbnail
 * before the real image) inside a <figure> made it a figure of several images: the photo lost its
 * caption to the icon, or the figure fell apart. They go, unless nothing else would be left.
 */
function removeFigureControls(doc: Document): void {
  for (const figure of Array.from(doc.body.querySelectorAll('figure'))) {
    const imgs = Array.from(figure.querySelectorAll('img'));
    if (imgs.length < 2) continue;
    const controls = imgs.filter((img) => isFigureControl(img, figure));
    if (controls.length < imgs.length) for (const img of controls) img.remove();
  }
}

function isFigureControl(img: Element, figure: Element): boolean {
  if (isSmall(img)) return true;
  for (let el: Element | null = img; el && el !== figure; el = el.parentElement) {
    if (el.tagName === 'BUTTON' || el.getAttribute('role') === 'button') return true;
    if (FIGURE_CONTROL.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Images and captions

interface ImageInfo extends ParsedFigure {
  /** False when the src could not be made absolute (a saved page read without its URL). */
  displayable: boolean;
  /** Position among the page's blocks, to put the figure back if Readability drops it. */
  seq: number;
  /** A real figure (a <figure>, or captioned) outside page chrome: worth restoring. */
  restorable: boolean;
  /** A restorable figure between the headline and the text, inside the article: the lead photo. */
  lead?: boolean;
}

const IMG_ATTR = 'data-bs-img';
const FIGURE_ATTR = 'data-bs-figure';
const CAPTION_ATTR = 'data-bs-caption';
const SEQ_ATTR = 'data-bs-seq';

/**
 * Gives every content image a number (data-bs-img) and remembers its best source, alt and caption.
 * The element that holds the image and its caption (a <figure>, a .wp-caption box, an image table)
 * gets data-bs-figure, caption elements outside it get data-bs-caption. Attributes, unlike node
 * identity, survive Readability: it re-parses the page between attempts and renames elements.
 */
function markImages(doc: Document): ImageInfo[] {
  const images: ImageInfo[] = [];
  const imageTables = new Map<Element, boolean>();
  for (const img of Array.from(doc.body.querySelectorAll('img'))) {
    if (img.closest('svg, math') || !img.isConnected) continue;
    if (isEmoji(img)) {
      // Part of the sentence: it stays there as the character it stands for.
      img.replaceWith(doc.createTextNode(img.getAttribute('alt') ?? ''));
      continue;
    }
    const source = imageSource(img, doc.baseURI);
    if (!source || isTrackingPixel(img)) {
      img.remove();
      continue;
    }
    if (isIcon(img, doc.body)) {
      // A <figure> around nothing but an icon (an author picture with the name under it) goes too.
      const figure = img.closest('figure');
      (figure && figure.querySelectorAll('img').length === 1 ? figure : img).remove();
      continue;
    }
    const index = images.length;
    const { container, caption, text: captionText } = findCaption(img, doc, imageTables);
    container.setAttribute(FIGURE_ATTR, String(index));
    if (caption) markCaption(caption, index);
    img.setAttribute(IMG_ATTR, String(index));
    // A real src keeps the image alive through Readability's lazy-image clean-up.
    if (source.displayable) img.setAttribute('src', source.src);
    images.push({
      src: source.src,
      displayable: source.displayable,
      alt: collapse(img.getAttribute('alt') ?? ''),
      caption: captionText,
      seq: -1,
      restorable: (container.tagName === 'FIGURE' || captionText !== '') && !isInChrome(container, doc.body),
    });
  }
  attachGalleryCaptions(doc, images);
  return images;
}

/**
 * A gallery's own caption under its row of pictures (WordPress's figcaption.blocks-gallery-caption
 * and Ghost's kg-gallery-card figcaption, in a <figure> around the pictures; Tuổi Trẻ's
 * LayoutAlbumCaption after them) goes to the last picture, under which the page prints it, as a
 * <figure> of several images gives its figcaption to the last. When that picture has a caption of
 * its own, the gallery's stays in the text where it stood: no caption is shown twice.
 */
function attachGalleryCaptions(doc: Document, images: ImageInfo[]): void {
  for (const caption of Array.from(doc.body.querySelectorAll('figure > figcaption, [class*="AlbumCaption"]'))) {
    if (caption.closest(`[${CAPTION_ATTR}], [${FIGURE_ATTR}]`) || !isCaptionSized(caption)) continue;
    // The <figure> around a figcaption; a class-named caption may sit a few wrappers below the gallery.
    const levels = caption.tagName === 'FIGCAPTION' ? 1 : 3;
    let gallery = caption.parentElement;
    for (let i = 1; i < levels && gallery && gallery !== doc.body && !gallery.querySelector(`[${IMG_ATTR}]`); i++) gallery = gallery.parentElement;
    const marked = gallery && gallery !== doc.body ? gallery.querySelectorAll(`[${IMG_ATTR}]`) : [];
    const last = marked[marked.length - 1];
    if (marked.length < 2 || !last || !(last.compareDocumentPosition(caption) & 4 /* FOLLOWING */)) continue;
    const index = Number(last.getAttribute(IMG_ATTR));
    if (images[index]!.caption) continue;
    images[index]!.caption = readableText(caption);
    markCaption(caption, index);
  }
}

/**
 * Marks a caption outside its figure, to be removed after Readability. Also the <p> that is all a
 * wrapper holds (<div class="caption"><p>…</p></div>): Readability puts that <p> in the div's place.
 */
function markCaption(caption: Element, index: number): void {
  caption.setAttribute(CAPTION_ATTR, String(index));
  const only = soleChild(caption);
  if (only && (only as Element).tagName === 'P') (only as Element).setAttribute(CAPTION_ATTR, String(index));
}

/**
 * Numbers the page's blocks and images in document order (see ImageInfo.seq). A <div> of text is
 * a paragraph too (Reuters' <div data-testid="paragraph-0">): without them a page of such
 * paragraphs had no numbered block after its lead photo to put the photo back before. Readability
 * puts such a div's text into a new <p> and lets that replace the div, losing our attribute; so
 * the <p> is made here, with the attribute, and Readability takes it as it stands.
 */
function markSequence(doc: Document, images: ImageInfo[]): void {
  const blocks = doc.body.querySelectorAll(`p, h1, h2, h3, h4, h5, h6, blockquote, pre, ul, ol, dl, table, figure, div, [${IMG_ATTR}]`);
  let seq = 0;
  for (let el of Array.from(blocks)) {
    if (el.tagName === 'DIV') {
      if (!isTextDiv(el)) continue;
      const p = doc.createElement('p');
      p.append(...Array.from(el.childNodes));
      el.append(p);
      el = p;
    }
    el.setAttribute(SEQ_ATTR, String(seq));
    const index = el.getAttribute(IMG_ATTR);
    if (index !== null) images[Number(index)]!.seq = seq;
    seq++;
  }
}

/** What Readability counts as phrasing content, and so puts into a paragraph (a few more are rare). */
const INLINE = new Set([...PHRASING, 'BR', 'IMG', 'PICTURE', 'Q', 'CODE', 'S', 'DEL', 'INS', 'KBD', 'VAR', 'SAMP', 'WBR', 'DFN', 'BDO', 'BDI']);

/** Text straight inside it, and nothing but inline elements beside. Reads only its children. */
function isTextDiv(div: Element): boolean {
  let text = false;
  for (let node = div.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && !INLINE.has((node as Element).tagName)) return false;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() !== '') text = true;
  }
  return text;
}

/** The seq range from the article's headline to the end of the article that holds it. */
interface LeadZone {
  from: number;
  to: number;
}

/** Author pictures, site logos and the like, which can sit between the headline and the text. */
const NOT_A_LEAD = /avatar|author|byline|headshot|mugshot|logo|gravatar|contributor|icon/i;

/**
 * Marks the figures that sit after the headline inside its article (see ImageInfo.lead), and
 * returns that stretch of the page. The headline is the <h1> that reads as the title, else the
 * first <h1> of an <article> or <main>; the article is its <article>/<main>, else the nearest
 * wrapper that also holds paragraphs. Logos, navigation and ads come before the headline or in
 * chrome; a small or avatar-like image next to it is an author picture.
 */
function markLeadFigures(doc: Document, images: ImageInfo[], title: string): LeadZone | null {
  const key = comparable(title);
  const headline = Array.from(doc.body.querySelectorAll('h1')).find((h) => comparable(h.textContent) === key) ??
    doc.body.querySelector('article h1, main h1, [role="main"] h1');
  if (!headline?.hasAttribute(SEQ_ATTR)) return null;
  let article = headline.closest('article, main, [role="main"]');
  for (let el = headline.parentElement; !article && el && el !== doc.body; el = el.parentElement) {
    if (el.querySelector('p')) article = el;
  }
  if (!article) return null;
  const blocks = article.querySelectorAll(`[${SEQ_ATTR}]`);
  const zone = { from: Number(headline.getAttribute(SEQ_ATTR)), to: Number(blocks[blocks.length - 1]?.getAttribute(SEQ_ATTR)) };
  for (const img of Array.from(article.querySelectorAll(`[${IMG_ATTR}]`))) {
    const info = images[Number(img.getAttribute(IMG_ATTR))]!;
    if (!info.restorable || info.seq <= zone.from || isSmall(img)) continue;
    let avatar = false;
    for (let el: Element | null = img; el && el !== article && !avatar; el = el.parentElement) {
      avatar = NOT_A_LEAD.test(`${el.getAttribute('class') ?? ''} ${el.id} ${el.getAttribute('itemprop') ?? ''}`);
    }
    info.lead = !avatar;
  }
  return zone;
}

/** WordPress, Twemoji and forum smileys: <img class="emoji" alt="😀" src=".../1f600.svg">. */
const EMOJI_CLASS = /(?:^|\s)(?:emoji|emoticon|smiley|wp-smiley|twemoji)(?:$|\s)/i;

/** Emoji or pictographs only (the alt of an emoji image), with their joiners and variation selectors. */
const EMOJI_ALT = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3\s]+$/u;

/** An emoji drawn as an image: text, not a figure. */
function isEmoji(img: Element): boolean {
  const alt = (img.getAttribute('alt') ?? '').trim();
  return EMOJI_CLASS.test(img.getAttribute('class') ?? '') ||
    (alt.length <= 16 && /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(alt) && EMOJI_ALT.test(alt));
}

/** Declared under 100 pixels wide or high: an icon or author picture, not a photo. A percentage is no size. */
function isSmall(img: Element): boolean {
  return ['width', 'height'].some((name) => {
    const value = (img.getAttribute(name) ?? '').trim();
    return /^\d+(?:\.\d+)?(?:px)?$/i.test(value) && Number.parseFloat(value) < 100;
  });
}

/** Share buttons, social links and author pictures: the boxes whose images are icons. */
const ICON_BOX = /(?:^|[\s_-])(?:share|sharing|sharedaddy|social|socials)(?:$|[\s_-])|author|avatar|byline/i;

/**
 * An image that is not a figure: declared small, or in (or itself) a share, social or author
 * box. Only short boxes count: an article wrapper with a "has-share-buttons" class holds photos.
 */
function isIcon(img: Element, body: Element): boolean {
  if (isSmall(img)) return true;
  for (let el: Element | null = img; el && el !== body; el = el.parentElement) {
    if (el !== img && (el.matches('article, main, [role="main"]') || textLongerThan(el, SHORT_BOX_CHARS))) return false;
    if (ICON_BOX.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return true;
  }
  return false;
}

/** Old Wikipedia's thumbcaption, and the class names CMSs give a caption. */
const CAPTION_CLASS = /(?:^|[\s_-])(?:wp-caption-text|caption|image-caption|img-caption|photo-caption|image_desc|image-desc|thumbcaption)(?:$|[\s_-])/i;

interface FoundCaption {
  /** The element the rebuilt figure replaces. */
  container: Element;
  /** The caption element when it lies outside the container (it is removed after Readability). */
  caption: Element | null;
  /** The caption as a reader sees it. */
  text: string;
}

/** Where the image's caption is, and which element to replace with the rebuilt figure. */
function findCaption(img: Element, doc: Document, imageTables: Map<Element, boolean>): FoundCaption {
  const figure = img.closest('figure');
  if (figure && figure.querySelectorAll('img').length === 1) return figureCaption(figure);
  const wpCaption = img.closest('.wp-caption');
  if (wpCaption && wpCaption.querySelectorAll('img').length === 1) {
    return captionOf(wpCaption, captionIn(wpCaption, '.wp-caption-text, figcaption, p'));
  }
  const table = img.closest('table');
  if (table && isImageTable(table, imageTables)) return captionOf(table, tableCaption(table));

  const holder = imageHolder(img);
  const describedBy = img.getAttribute('aria-describedby');
  const described = describedBy ? doc.getElementById(describedBy) : null;
  if (described && isCaptionSized(described)) return captionOf(holder, described);
  const next = holder.nextElementSibling;
  const nextIsCaption = next && (next.tagName === 'FIGCAPTION' || CAPTION_CLASS.test(next.getAttribute('class') ?? ''));
  if (nextIsCaption && isCaptionSized(next)) return captionOf(holder, next);
  const line = nextContent(holder);
  const isLine = line !== null && line.nodeType === line.ELEMENT_NODE && isCaptionLine(line as Element, holder);
  return captionOf(holder, isLine ? line as Element : null);
}

function captionOf(container: Element, caption: Element | null): FoundCaption {
  return { container, caption, text: caption ? readableText(caption) : '' };
}

/**
 * A <figure>'s caption is all the text in it, the figcaption (or an element with a caption class)
 * first: a credit beside the picture (<small class="credit">, BBC's "Image source, Getty Images")
 * follows it, and a <figure> with a <div class="caption"> and no figcaption has its caption too.
 * The figure is replaced whole, so text left out here would be lost. Not a "View larger" link to
 * the picture's file, though.
 */
function figureCaption(figure: Element): FoundCaption {
  const caption = captionIn(figure, 'figcaption') ??
    Array.from(figure.querySelectorAll('[class]')).find((el) => CAPTION_CLASS.test(el.getAttribute('class')!) && isCaptionSized(el)) ?? null;
  const main = caption ? readableText(caption) : '';
  const rest = readableText(figure, (el) => el === caption || (el.tagName === 'A' && IMAGE_FILE.test(el.getAttribute('href') ?? '')));
  return { container: figure, caption: null, text: rest.length > MAX_CAPTION ? main : joinCaption(main, rest) };
}

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/** "The old bridge" + "Photo: Reuters" → "The old bridge. Photo: Reuters". */
function joinCaption(caption: string, credit: string): string {
  if (!caption || caption.includes(credit)) return caption || credit;
  return `${caption}${/[.!?…:;"”’»]$/.test(caption) ? '' : '.'} ${credit}`;
}

function captionIn(root: Element, selector: string): Element | null {
  return Array.from(root.querySelectorAll(selector)).find(isCaptionSized) ?? null;
}

/** Longer than this, the line under a picture is the article's text rather than its caption (as in the Markdown importer). */
const MAX_LINE_CAPTION = 200;

const EMPHASIS = new Set(['EM', 'I']);

/**
 * A caption written as the line under the picture and not marked as one, as the Markdown and text
 * importers read it: a short paragraph wholly in italics, or centred under a centred picture
 * (<p style="text-align:center"><img></p><p style="text-align:center">…</p>, common at Vietnamese
 * papers), or an <em> alone after the picture (and a <br>) in the picture's own block.
 */
function isCaptionLine(line: Element, holder: Element): boolean {
  const length = collapse(line.textContent ?? '').length;
  if (length === 0 || length > MAX_LINE_CAPTION || line.querySelector('img')) return false;
  if (EMPHASIS.has(line.tagName)) return nextContent(line) === null && previousContent(holder) === null;
  if (!/^(?:P|DIV|CENTER)$/.test(line.tagName)) return false;
  return isWhollyEmphasised(line) || (isCentred(line) && isCentred(holder));
}

/** <p><em>…</em></p>, also inside a <strong> or <span>. */
function isWhollyEmphasised(block: Element): boolean {
  let el = block;
  for (;;) {
    const only = soleChild(el);
    if (!only || only.nodeType !== only.ELEMENT_NODE) return false;
    el = only as Element;
    if (EMPHASIS.has(el.tagName)) return true;
    if (!/^(?:SPAN|STRONG|B|FONT|SMALL)$/.test(el.tagName)) return false;
  }
}

function isCentred(el: Element): boolean {
  return el.tagName === 'CENTER' || (el.getAttribute('align') ?? '').toLowerCase() === 'center' ||
    /text-align\s*:\s*center/i.test(el.getAttribute('style') ?? '');
}

/** White space and comments do not count as content; a <br> does not either, for a caption line. */
function isFiller(node: Node): boolean {
  return node.nodeType === node.COMMENT_NODE || (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() === '') ||
    (node as Element).tagName === 'BR';
}

function nextContent(node: Node): ChildNode | null {
  let next = node.nextSibling;
  while (next && isFiller(next)) next = next.nextSibling;
  return next;
}

function previousContent(node: Node): ChildNode | null {
  let previous = node.previousSibling;
  while (previous && isFiller(previous)) previous = previous.previousSibling;
  return previous;
}

/** The one child that is content, or null when there are none or several. */
function soleChild(el: Element): ChildNode | null {
  const first = el.firstChild && isFiller(el.firstChild) ? nextContent(el.firstChild) : el.firstChild;
  return first && nextContent(first) === null ? first : null;
}

/** Longer than this, text is not a caption. */
const MAX_CAPTION = 400;

function isCaptionSized(el: Element): boolean {
  const length = collapse(el.textContent ?? '').length;
  return length > 0 && length <= MAX_CAPTION && !el.querySelector('img');
}

/** Elements with no caption text in them: the picture itself, media, controls, scripts. */
const NOT_TEXT = new Set(['img', 'picture', 'source', 'video', 'audio', 'canvas', 'iframe', 'button', 'script', 'style', 'noscript', 'template', 'svg', 'math']);

/** Labels only a screen reader hears (BBC's "Image caption, "; classes like VisuallyHidden, sr-only). */
const SCREEN_READER_ONLY = /visually-?hidden|sr-only|screen-?reader|element-invisible|a11y-hidden/i;

/** Zoom buttons, "pin it" links, icons, a preview standing in for the photo: not part of a figure. */
const FIGURE_CONTROL = /(?:^|[\s_-])(?:icons?|pin-?it|pinterest|expand|enlarge|zoom|magnify|fullscreen|share|progressiveMedia-thumbnail|lqip)(?:$|[\s_-])/i;

/** Reuters' "Purchase Licensing Rights, opens new tab" after each caption. */
const LICENSING_LINK = /^\s*purchase licensing rights/i;

function isHiddenOrControl(el: Element): boolean {
  if (NOT_TEXT.has(el.localName) || el.hasAttribute('hidden') || el.getAttribute('role') === 'button') return true;
  if (SCREEN_READER_ONLY.test(el.getAttribute('class') ?? '')) return true;
  return el.localName === 'a' && (FIGURE_CONTROL.test(`${el.getAttribute('class') ?? ''} ${el.id}`) || LICENSING_LINK.test(el.textContent ?? ''));
}

/** Elements that start a line of their own, so their text never runs into the text before. */
const LINE_BREAKING = new Set(['BR', 'P', 'DIV', 'FIGCAPTION', 'LI', 'UL', 'OL', 'DT', 'DD', 'BLOCKQUOTE', 'SECTION', 'HEADER', 'FOOTER', 'TABLE', 'CAPTION', 'TR', 'TD', 'TH', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

/**
 * Text as a reader sees it, without hidden labels and controls (and `skip`): a block, a <br> or
 * the edge of an inline element where words would otherwise run together separate them. Captions
 * put the credit in a span of its own: "on Tuesday.</span><span>Credit...</span><span>Haiyun
 * Jiang" (NYT), "2024.<span class="article__credit">LUDOVIC MARIN" (Le Monde), "dawn<cite>Reuters".
 * Only where a sentence ends, or a lower-case letter meets a capital, does an edge become a space:
 * "<b>K</b>öln" stays one word.
 */
function readableText(root: Element, skip: (el: Element) => boolean = () => false): string {
  let text = '';
  let edge: 'none' | 'inline' | 'line' = 'none';
  const add = (value: string): void => {
    if (value === '') return;
    const before = text[text.length - 1];
    if (edge !== 'none' && before !== undefined && !isSpace(before) && !isSpace(value[0]) &&
      (edge === 'line' || runsTogether(before, value[0]!))) text += ' ';
    text += value;
    edge = 'none';
  };
  const visit = (parent: Element): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) add(node.nodeValue ?? '');
      if (node.nodeType !== node.ELEMENT_NODE) continue;
      const el = node as Element;
      const line = LINE_BREAKING.has(el.tagName);
      if (edge !== 'line') edge = line ? 'line' : 'inline';
      if (!skip(el) && !isHiddenOrControl(el)) visit(el);
      if (edge !== 'line') edge = line ? 'line' : 'inline';
    }
  };
  visit(root);
  return collapse(text);
}

/** Whether two characters from either side of an element's edge read as two words run together. */
function runsTogether(before: string, after: string): boolean {
  if (/[.!?…:;,]/.test(before)) return /[\p{L}\p{N}]/u.test(after);
  return /[\p{Ll}\p{N}]/u.test(before) && /\p{Lu}/u.test(after);
}

/**
 * <table class="image"><tr><td><img></td></tr><tr><td class="image-caption">…</td></tr></table>:
 * a small table with one image and a little text (many news CMSs, Vietnamese sites among them).
 * Remembered per table: a layout table around the whole page would otherwise be scanned once per
 * image in it.
 */
function isImageTable(table: HTMLTableElement, verdicts: Map<Element, boolean>): boolean {
  let verdict = verdicts.get(table);
  if (verdict === undefined) {
    verdict = table.rows.length <= 3 && table.querySelectorAll('img').length === 1 &&
      !table.querySelector('table') && collapse(table.textContent ?? '').length <= 400;
    verdicts.set(table, verdict);
  }
  return verdict;
}

function tableCaption(table: Element): Element | null {
  const cells = Array.from(table.querySelectorAll('td, th, caption')).filter((c) => !c.querySelector('img') && isCaptionSized(c));
  return cells.find((c) => CAPTION_CLASS.test(c.getAttribute('class') ?? '')) ?? cells[0] ?? null;
}

/** The outermost wrapper that holds nothing but this image (<a><img></a>, <p><img></p>, <picture>). */
function imageHolder(img: Element): Element {
  let holder = img;
  for (let parent = img.parentElement; parent && !parent.matches('body, article, main, td, li, figure'); parent = parent.parentElement) {
    if (!holdsOnly(parent, holder)) break;
    holder = parent;
  }
  return holder;
}

/**
 * Whether parent holds nothing but child, whitespace and comments aside. Stops at the first other
 * node, so climbing from many images through a long article stays linear (textContent would not).
 */
function holdsOnly(parent: Element, child: Node): boolean {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node === child || node.nodeType === node.COMMENT_NODE) continue;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() === '') continue;
    return false;
  }
  return true;
}

const CHROME = /(?:^|[\s_-])(?:related|promo|sidebar|comments?|share|sharing|newsletter|advert\w*|ads?|sponsor\w*|widget|recommend\w*|more-stories|teaser|outbrain|taboola)(?:$|[\s_-])/i;

/** Inside navigation, sidebars, related links or comments: never brought back. */
function isInChrome(el: Element, body: Element): boolean {
  for (let node: Element | null = el; node && node !== body; node = node.parentElement) {
    if (/^(?:NAV|ASIDE|FOOTER|FORM)$/.test(node.tagName)) return true;
    if (/^(?:navigation|complementary|banner|contentinfo)$/.test(node.getAttribute('role') ?? '')) return true;
    if (CHROME.test(`${node.getAttribute('class') ?? ''} ${node.id}`)) return true;
  }
  return false;
}

function isTrackingPixel(img: Element): boolean {
  const style = img.getAttribute('style') ?? '';
  const sizes = [
    img.getAttribute('width'), img.getAttribute('height'),
    /(?:^|;)\s*width\s*:\s*([\d.]+)px/i.exec(style)?.[1], /(?:^|;)\s*height\s*:\s*([\d.]+)px/i.exec(style)?.[1],
  ];
  return sizes.some((s) => s != null && s.trim() !== '' && Number.parseFloat(s) <= 2);
}

// Sources ------------------------------------------------------------------------------------

const LAZY_SRCSET = ['data-srcset', 'data-lazy-srcset', 'srcset'];
const LAZY_SRC = ['data-src', 'data-original', 'data-lazy-src', 'data-lazy', 'src'];

interface ImageSource {
  src: string;
  displayable: boolean;
}

/**
 * The URL to keep for an image: the largest srcset candidate up to ~1600w (lazy-load attributes
 * first, since the plain srcset is then often a placeholder), else the lazy or plain src, else
 * the smallest candidate we skipped as too large. In a <picture>, a <source> candidate wider than
 * all of those (than the img's own srcset, or than a src of unknown width) wins; on a tie the
 * img's own, the format every decoder reads.
 */
function imageSource(img: Element, base: string): ImageSource | null {
  const skipped: SrcsetCandidate[] = [];
  const fromSrcset = (value: string | null | undefined): SrcsetCandidate | null => {
    const candidates = parseSrcset(value ?? '').filter((c) => !isPlaceholder(c.url));
    const pick = pickSrcsetCandidate(candidates);
    if (!pick) skipped.push(...candidates);
    return pick;
  };
  const sources = img.parentElement?.tagName === 'PICTURE'
    ? Array.from(img.parentElement.querySelectorAll('source:not([media])')) : [];
  const own = firstOf(LAZY_SRCSET.map((name) => () => fromSrcset(img.getAttribute(name))));
  const fromSources = sources
    .map((s) => fromSrcset(s.getAttribute('srcset') ?? s.getAttribute('data-srcset')))
    .filter((c): c is SrcsetCandidate => c !== null);
  const widest = fromSources.reduce<SrcsetCandidate | null>((best, c) => (c.kind === 'w' && (!best || c.size > best.size) ? c : best), null);
  const wider = widest && (!own || (own.kind === 'w' && widest.size > own.size)) ? widest : null;
  const raw =
    wider?.url ??
    own?.url ??
    LAZY_SRC.map((name) => img.getAttribute(name)?.trim()).find((v) => v && !isPlaceholder(v)) ??
    fromSources[0]?.url ??
    smallestSrcsetCandidate(skipped)?.url;
  return raw ? resolveImageUrl(raw, base) : null;
}

function firstOf<T>(thunks: Array<() => T | null>): T | null {
  for (const thunk of thunks) {
    const value = thunk();
    if (value) return value;
  }
  return null;
}

/** Lazy-load placeholders: tiny inline GIFs/SVGs standing in until a script swaps the real URL in. */
function isPlaceholder(url: string): boolean {
  return url === '' || url === '#' || (/^data:/i.test(url) && url.length < 200) || /^about:/i.test(url);
}

function resolveImageUrl(raw: string, base: string): ImageSource | null {
  // Protocol-relative without a page URL: https, as the text importer does.
  const url = parseUrl(raw, base) ?? (raw.startsWith('//') ? parseUrl(`https:${raw}`) : null);
  if (!url) {
    // A relative path in a page saved without its address: keep it as found for the importer.
    return /^[a-z][a-z\d+.-]*:/i.test(raw) ? null : { src: raw, displayable: false };
  }
  if (isWebUrl(url)) return { src: url.href, displayable: true };
  if (/^data:image\/(?:png|jpe?g|gif|webp|avif)[;,]/i.test(raw)) return { src: raw, displayable: true };
  return null; // javascript:, data:image/svg+xml, file:, …
}

// ---------------------------------------------------------------------------------------------
// After Readability

/**
 * Readability sometimes drops a whole captioned figure, the lead photo above the text most of all.
 * A dropped real figure that sat between two blocks Readability kept goes back after the nearest
 * kept block before it (as a bare marked <img>; rebuildFigures gives it its caption). A lead
 * figure (between the headline and the first kept block, when that block is in the headline's
 * article) goes back before the first kept block.
 */
function restoreDroppedFigures(body: Element, images: ImageInfo[], leadZone: LeadZone | null): void {
  const survivors = new Set(Array.from(body.querySelectorAll(`[${IMG_ATTR}]`), (el) => Number(el.getAttribute(IMG_ATTR))));
  const anchors = Array.from(body.querySelectorAll(`[${SEQ_ATTR}]`), (el) => ({ el, seq: Number(el.getAttribute(SEQ_ATTR)) }))
    .sort((a, b) => a.seq - b.seq);
  if (anchors.length === 0) return;
  const first = anchors[0]!.seq;
  const last = anchors[anchors.length - 1]!.seq;
  const leadsBack = leadZone !== null && first > leadZone.from && first <= leadZone.to;
  const doc = body.ownerDocument;
  // Never inside another figure's box: that box is about to be replaced whole.
  const outside = (anchor: Element): Element => anchor.closest(`[${FIGURE_ATTR}]`) ?? anchor;
  // Several figures after one anchor (a dropped gallery) go after each other, not each straight
  // after the anchor: that stored them in reverse.
  const lastAfter = new Map<Element, Element>();
  images.forEach((info, index) => {
    if (survivors.has(index) || !info.restorable) return;
    const img = doc.createElement('img');
    img.setAttribute(IMG_ATTR, String(index));
    img.setAttribute(SEQ_ATTR, String(info.seq));
    if (info.seq < first && info.lead && leadsBack) outside(anchors[0]!.el).before(img);
    else if (info.seq > first && info.seq < last) {
      const anchor = outside(anchors[lastIndexBelow(anchors, info.seq)]!.el);
      (lastAfter.get(anchor) ?? anchor).after(img);
      lastAfter.set(anchor, img);
    }
  });
}

function lastIndexBelow(anchors: Array<{ seq: number }>, seq: number): number {
  let lo = 0;
  let hi = anchors.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (anchors[mid]!.seq < seq) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Replaces each surviving image (and the box it came in) with
 * <figure data-figure="N"><img src alt><figcaption>caption</figcaption></figure>, N in order.
 */
function rebuildFigures(body: Element, images: ImageInfo[]): ParsedFigure[] {
  const figures: ParsedFigure[] = [];
  const done = new Set<number>();
  const lastAfter = new Map<Element, Element>();
  const base = body.ownerDocument.baseURI;
  for (const img of Array.from(body.querySelectorAll('img'))) {
    if (!body.contains(img)) continue; // went with an earlier figure's box
    const marked = img.getAttribute(IMG_ATTR);
    const info = marked !== null ? images[Number(marked)] : describeUnmarkedImage(img, base);
    if (!info || (marked !== null && done.has(Number(marked)))) {
      removePruning(img, body);
      continue;
    }
    if (marked !== null) done.add(Number(marked));
    const figure = buildFigure(body.ownerDocument, figures.length, info);
    figures.push({ src: info.src, alt: info.alt, caption: info.caption });
    placeFigure(figure, figureBox(img, marked, body, lastAfter), body, lastAfter);
  }
  for (const caption of Array.from(body.querySelectorAll(`[${CAPTION_ATTR}]`))) removePruning(caption, body);
  dropRepeatedCaptions(body);
  unwrapForeignFigures(body);
  return figures;
}

/** An image Readability made itself (from a lazy <figure>), which we never saw. */
function describeUnmarkedImage(img: Element, base: string): ImageInfo | null {
  const source = imageSource(img, base);
  if (!source || isTrackingPixel(img)) return null;
  const caption = img.closest('figure')?.querySelector('figcaption');
  return {
    ...source,
    alt: collapse(img.getAttribute('alt') ?? ''),
    caption: caption ? readableText(caption) : '',
    seq: -1,
    restorable: false,
  };
}

function buildFigure(doc: Document, n: number, info: ImageInfo): Element {
  const figure = doc.createElement('figure');
  figure.setAttribute('data-figure', String(n));
  if (info.displayable) {
    const img = doc.createElement('img');
    img.setAttribute('src', info.src);
    img.setAttribute('alt', info.alt);
    figure.append(img);
  }
  if (info.caption) {
    const figcaption = doc.createElement('figcaption');
    figcaption.textContent = info.caption;
    figure.append(figcaption);
  }
  return figure;
}

/**
 * The element the rebuilt figure replaces: the marked box, widened over now-empty wrappers. Not
 * over a paragraph that earlier figures already left (see placeFigure): it holds only this image
 * now, but its figures stand after it, and this one belongs after them.
 */
function figureBox(img: Element, marked: string | null, body: Element, lastAfter: Map<Element, Element>): Element {
  let box = (marked !== null ? img.closest(`[${FIGURE_ATTR}="${marked}"]`) : null) ?? img;
  if (!body.contains(box) || box === body) box = img;
  for (let parent = box.parentElement; parent && parent !== body; parent = parent.parentElement) {
    if (!/^(?:P|A|SPAN|DIV|PICTURE|CENTER|FIGURE|SECTION)$/.test(parent.tagName) || !holdsOnly(parent, box) || lastAfter.has(parent)) break;
    box = parent;
  }
  return box;
}

/**
 * A figure cannot live inside a paragraph: one found mid-paragraph goes after it (after the
 * figures that left it before), and a paragraph left empty goes.
 */
function placeFigure(figure: Element, box: Element, body: Element, lastAfter: Map<Element, Element>): void {
  const paragraph = box.parentElement?.closest('p, h1, h2, h3, h4, h5, h6');
  if (paragraph && body.contains(paragraph)) {
    box.remove();
    (lastAfter.get(paragraph) ?? paragraph).after(figure);
    lastAfter.set(paragraph, figure);
    if (isBare(paragraph)) removePruning(paragraph, body);
  } else {
    box.replaceWith(figure);
  }
}

/** A caption Readability kept as a paragraph next to the image, now repeated in the figcaption. */
function dropRepeatedCaptions(body: Element): void {
  for (const figure of Array.from(body.querySelectorAll('figure[data-figure]'))) {
    const caption = comparable(figure.querySelector('figcaption')?.textContent);
    if (!caption) continue;
    for (const sibling of [figure.previousElementSibling, figure.nextElementSibling]) {
      if (sibling?.tagName === 'P' && comparable(sibling.textContent) === caption) sibling.remove();
    }
  }
}

/** Every <figure> in the stored HTML is ours; others (pull quotes, emptied galleries) are unwrapped. */
function unwrapForeignFigures(body: Element): void {
  for (const figure of Array.from(body.querySelectorAll('figure:not([data-figure])'))) {
    for (const caption of Array.from(figure.querySelectorAll(':scope > figcaption'))) {
      const p = body.ownerDocument.createElement('p');
      p.append(...Array.from(caption.childNodes));
      caption.replaceWith(p);
    }
    figure.replaceWith(...Array.from(figure.childNodes));
  }
}

/** Removes el and any wrapper left empty by its removal. */
function removePruning(el: Element, body: Element): void {
  let parent: Element | null = el.parentElement;
  el.remove();
  while (parent && parent !== body && isBare(parent)) {
    const next: Element | null = parent.parentElement;
    parent.remove();
    parent = next;
  }
}

/**
 * No child elements and no text. Looks at children only and stops early: removing many captions
 * from a long article must not read the whole article each time.
 */
function isBare(el: Element): boolean {
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) return false;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() !== '') return false;
  }
  return true;
}

// Body clean-up --------------------------------------------------------------------------------

function tidyBody(body: Element, title: string): void {
  normaliseHeadings(body);
  removeTitleHeading(body, title);
  removeTrailingLinkLines(body);
}

const HEADING_LEVEL: Record<string, string> = { H1: 'h2', H2: 'h2', H3: 'h3', H4: 'h4', H5: 'h4', H6: 'h4' };

/** The reader styles three levels below the title: h1/h2 → h2, h3 → h3, h4–h6 → h4. */
function normaliseHeadings(body: Element): void {
  for (const heading of Array.from(body.querySelectorAll('h1, h5, h6'))) {
    const renamed = body.ownerDocument.createElement(HEADING_LEVEL[heading.tagName]!);
    renamed.append(...Array.from(heading.childNodes));
    heading.replaceWith(renamed);
  }
}

function removeTitleHeading(body: Element, title: string): void {
  const first = body.querySelector('h2, h3, h4');
  if (first && comparable(first.textContent) === comparable(title)) removePruning(first, body);
}

/** "« Back to news | Print | Email to a friend" after the last paragraph: two links or more, mostly link. */
function removeTrailingLinkLines(body: Element): void {
  const paragraphs = Array.from(body.querySelectorAll('p'));
  for (let i = paragraphs.length - 1; i >= 0; i--) {
    const p = paragraphs[i]!;
    const text = collapse(p.textContent ?? '');
    const links = Array.from(p.querySelectorAll('a'));
    const linkText = links.reduce((sum, a) => sum + collapse(a.textContent ?? '').length, 0);
    if (text.length >= 150 || links.length < 2 || linkText < text.length / 2) return;
    removePruning(p, body);
  }
}

/**
 * The standfirst. A description that is not just one of the first blocks (or its truncation) is
 * the lead as it stands; otherwise that block is, and it leaves the body so it is not shown twice.
 * The block may be a heading (Medium's h2.pw-subtitle-paragraph, Substack's h3.subtitle). With no
 * description the first paragraph is the lead. The only paragraph of a page never leaves the body.
 */
function takeLead(body: Element, described: string | null): string {
  const paragraphs = Array.from(body.querySelectorAll('p')).filter(isTextBlock);
  const third = paragraphs[2];
  const leading: Element[] = [];
  for (const block of Array.from(body.querySelectorAll('p, h2, h3, h4'))) {
    if (isTextBlock(block)) leading.push(block);
    if (block === third) break;
  }
  const match = described ? leading.find((block) => repeats(described, block)) : paragraphs[0];
  if (!match) return described ?? '';
  if (match.tagName === 'P' && paragraphs.length < 2) return '';
  const lead = blockText(match);
  removePruning(match, body);
  return lead;
}

function isTextBlock(el: Element): boolean {
  return !el.closest('figure, blockquote, li, table') && collapse(el.textContent ?? '') !== '';
}

/**
 * Whether a description is the block, or the block cut short ("…" or not). White space does not
 * count: pages glue a location stamp to the sentence ("Hà Nội</span>Xe máy") or break lines
 * differently from their description. A description may also leave the stamp out.
 */
function repeats(description: string, block: Element): boolean {
  const d = comparable(description.replace(/(?<!\s)\s*(?:…|\.\.\.)$/, ''));
  if (d === '') return false;
  const stamp = leadingStamp(block);
  const text = blockText(block);
  const texts = stamp ? [text, text.slice(collapse(stamp.textContent ?? '').length)] : [text];
  const dense = withoutSpace(d);
  return texts.some((t) => {
    const p = withoutSpace(comparable(t));
    return dense === p || (d.length >= 40 && p.startsWith(dense));
  });
}

function withoutSpace(text: string): string {
  return text.replace(/\s/g, '');
}

/**
 * A short inline element that opens a paragraph: a location stamp ("Hà Nội", "WASHINGTON —"),
 * a label ("Analysis"). A one-letter drop cap is not one.
 */
function leadingStamp(block: Element): Element | null {
  let first = block.firstChild;
  while (first && (first.nodeType === first.COMMENT_NODE || (first.nodeType === first.TEXT_NODE && (first.nodeValue ?? '').trim() === ''))) {
    first = first.nextSibling;
  }
  if (!first || first.nodeType !== first.ELEMENT_NODE || !/^(?:SPAN|STRONG|B|EM|I|SMALL)$/.test((first as Element).tagName)) return null;
  const length = collapse(first.textContent ?? '').length;
  return length >= 2 && length <= 40 ? (first as Element) : null;
}

/**
 * A block's text as a reader sees it: a <br> and the end of a location stamp glued to a capital
 * ("Hà Nội</span>Xe máy") separate words, which textContent would run together.
 */
function blockText(block: Element): string {
  const stamp = leadingStamp(block);
  let text = '';
  const walk = (parent: Node): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) text += node.nodeValue ?? '';
      else if (node.nodeType !== node.ELEMENT_NODE) continue;
      else if ((node as Element).tagName === 'BR') text += ' ';
      else {
        walk(node);
        if (node === stamp && /^\p{Lu}/u.test(node.nextSibling?.nodeValue ?? '')) text += ' ';
      }
    }
  };
  walk(block);
  return collapse(text);
}

/** Layout wrappers the sanitiser would unwrap anyway (it keeps their content, not the tag). */
const WRAPPERS = new Set(['DIV', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'FOOTER', 'CENTER', 'HGROUP']);

/**
 * body.innerHTML without its layout wrappers. DOMPurify unwraps a disallowed element by moving its
 * children one by one, which jsdom makes quadratic: a long article inside a <div> took seconds.
 * Leaving them out here is linear; the result still goes through the sanitiser as a whole.
 */
function serializeFlat(body: Element): string {
  const parts: string[] = [];
  const visit = (parent: Element): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) parts.push(escapeHtml(node.nodeValue ?? ''));
      else if (node.nodeType !== node.ELEMENT_NODE) continue;
      else if (WRAPPERS.has((node as Element).tagName)) visit(node as Element);
      else parts.push((node as Element).outerHTML);
    }
  };
  visit(body);
  return parts.join('');
}

/**
 * Removed wrappers leave runs of blank lines between blocks. Only whitespace between tags changes,
 * and not at all when a <pre> is present, where it would show.
 */
function tidyWhitespace(html: string): string {
  return (html.includes('<pre') ? html : html.replace(/>[^\S\n]*\n\s*</g, '>\n<')).trim();
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function parseUrl(raw: string, base?: string): URL | null {
  try {
    return new URL(raw.trim(), base);
  } catch {
    return null;
  }
}

function isWebUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Trimmed, whitespace-collapsed text, or null when there is none. */
function clean(text: string | null | undefined): string | null {
  const value = text ? collapse(text) : '';
  return value || null;
}

/** "By Jane Doe" → "Jane Doe"; refuses things too long to be a name list. */
function cleanByline(text: string | null | undefined): string | null {
  const value = clean(text)?.replace(/^by[:\s]\s*/i, '').replace(/(?<![\s,|·•–—-])[\s,|·•–—-]+$/, '').trim();
  return value && value.length < 100 ? value : null;
}

/** For comparing a heading or paragraph with the title or description. */
function comparable(text: string | null | undefined): string {
  return collapse(text ?? '').toLowerCase().replace(/(?<![\s.:;,!?…])[\s.:;,!?…]+$/, '');
}

