import MarkdownIt, { type MarkdownIt as MarkdownItInstance, type Token } from 'markdown-it';
import { articleLang } from '../../db/lang.js';
import { escapeHtml, sanitizeHtml } from './sanitize.js';
import { IngestError, type ParsedArticle, type ParsedFigure } from './types.js';

/**
 * Scraped plain-text articles: the shape people get when they copy a news page into a file.
 *
 *   Title line
 *   (Source) - Lead paragraph ...
 *   ![alt](url) |            <- image marker (url often empty in saved copies)
 *   Caption text |           <- caption line, pipe-terminated
 *   Paragraph, one per line ...
 *   Short line without final punctuation   <- section heading
 *   Phu Binh                 <- byline
 *   (According to DW)        <- attribution
 *   RELATED NEWS |           <- clutter: this line and everything after it is dropped
 *
 * One non-empty line is one block: scrapers write a paragraph per line, so a line never continues
 * the one before it. Every pass below is a single walk over the lines, and every regular expression
 * is anchored and bounded, so the cost is linear in the input.
 *
 * Also home to the helpers the Markdown importer shares (inline rendering, figures, tail metadata).
 */

/** A first line longer than this is a paragraph that lost its headline, not a title. */
const MAX_TITLE_CHARS = 300;
/** Section headings are short: at most this many words and characters. */
const MAX_HEADING_WORDS = 12;
const MAX_HEADING_CHARS = 100;

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by markdown.ts)
// ---------------------------------------------------------------------------------------------

/**
 * markdown-it as both importers use it: no auto-linking, and no raw HTML (it comes out as text).
 * markdown.ts turns raw HTML on for its own parser and judges each tag itself (markdown-raw-html.ts).
 */
export function createMarkdownIt(): MarkdownItInstance {
  const md = new MarkdownIt({ html: false, linkify: false });
  // Figures are built by the importers, with data-figure indexes the image cache relies on. An image
  // that shares its line with text is not a figure, and a bare remote <img> would load from the
  // network when the article is read (a tracking pixel), so it shows as its alt text instead.
  md.renderer.rules.image = (tokens, idx, options, env, self) =>
    escapeHtml(self.renderInlineAsText(tokens[idx]?.children ?? [], options, env));
  return md;
}

const md = createMarkdownIt();

/** Plain text of inline tokens: what a reader sees, without markup. Raw HTML stays as its text. */
export function inlinePlainText(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'code_inline':
      case 'html_inline':
        out += t.content;
        break;
      case 'softbreak':
        out += ' ';
        break;
      case 'hardbreak':
        out += '\n';
        break;
      case 'image':
        out += inlinePlainText(t.children ?? []);
        break;
    }
  }
  return out.trim();
}

/**
 * markdown-it spends about 2 µs on each character that may open inline markup (measured on floods of
 * `![`, `*`, `[`) against a few ns per character of prose. An article has hundreds of them; a
 * hostile 10 MB file can have millions. Each parse gets this many; past it, lines are shown as plain
 * escaped text, which keeps the worst case well under a second.
 */
export const MARKUP_BUDGET = 100_000;

/** What one parse may still spend on inline Markdown; see MARKUP_BUDGET. */
export interface MarkupBudget {
  left: number;
}

export function newBudget(): MarkupBudget {
  return { left: MARKUP_BUDGET };
}

/** Characters that start an inline rule of markdown-it's default preset (linkify and HTML are off). */
const MARKUP_CHARS = /[\\`*_~[<&]|!\[/g;

/** How many characters of `src` may start inline markup; cheap and linear. */
export function countMarkup(src: string): number {
  MARKUP_CHARS.lastIndex = 0;
  let n = 0;
  while (MARKUP_CHARS.exec(src)) n++;
  return n;
}

/**
 * One line of inline Markdown as HTML (escaped, links kept) and as plain text. Lines with no markup
 * characters, or past the budget, skip markdown-it: the result is the same escaped text.
 */
export function renderInlineLine(src: string, budget: MarkupBudget): { html: string; plain: string } {
  const cost = countMarkup(src);
  if (cost === 0 || cost > budget.left) {
    // markdown-it's own normalisation: NUL becomes U+FFFD.
    const plain = src.replace(/\0/g, '\uFFFD').trim();
    return { html: escapeHtml(plain), plain };
  }
  budget.left -= cost;
  const env = {};
  const children = md.parseInline(src, env)[0]?.children ?? [];
  return { html: md.renderer.renderInline(children, md.options, env), plain: inlinePlainText(children) };
}

/**
 * The image URL we keep: http(s), raster data: images, or a path relative to the file (the image
 * cache resolves those). Other schemes (javascript:, file:) become ''. Protocol-relative URLs get https.
 */
export function safeImageSrc(raw: string): string {
  const src = raw.trim();
  if (src.startsWith('//')) return `https:${src}`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(src)) return src;
  if (/^https?:/i.test(src)) return src;
  if (/^data:image\/(?:png|jpe?g|gif|webp|avif);/i.test(src)) return src;
  return '';
}

/** The <figure> markup every importer emits; N indexes ParsedArticle.figures. */
export function figureHtml(figure: ParsedFigure, index: number): string {
  const img = figure.src
    ? `<img src="${escapeHtml(figure.src)}" alt="${escapeHtml(figure.alt || figure.caption)}">`
    : '';
  const caption = figure.caption ? `<figcaption>${escapeHtml(figure.caption)}</figcaption>` : '';
  return `<figure data-figure="${index}">${img}${caption}</figure>`;
}

/** "(According to DW)", "(Source: Reuters)", "(Theo VnExpress)", "Nguồn: X" → the name. */
// The name starts after the spaces (a blank-only name, which matchAttribution answered null for, no longer matches).
const ATTRIBUTION = /^\(\s*(?:(?:according to|theo|via)\s+|(?:sources?|nguồn)\s*:\s*)([^()\s][^()]{0,79})\)\s*\.?$/iu;
const BARE_ATTRIBUTION = /^(?:source|nguồn)\s*:\s*([^()]{1,80})$/iu;

export function matchAttribution(line: string): string | null {
  const m = ATTRIBUTION.exec(line) ?? BARE_ATTRIBUTION.exec(line);
  const name = m?.[1]?.trim().replace(/(?<![.,;])[.,;]+$/, '');
  return name ? name : null;
}

/** Words that start a capitalised short line but never a person's name. */
const NOT_A_NAME = new Set(['the', 'a', 'an', 'photo', 'photos', 'source', 'read', 'related', 'more', 'tags', 'share', 'video', 'see']);
/** Lower-case particles inside names: Ludwig van Beethoven, Maria de la Cruz. */
const NAME_PARTICLES = new Set(['van', 'von', 'de', 'da', 'del', 'der', 'di', 'du', 'la', 'le', 'bin', 'al', 'y', 'dos']);
const NAME_WORD = /^\p{Lu}[\p{L}\p{M}'’.-]{0,30}$/u;
/** "Thu Hà (tổng hợp)", "Phu Binh (compiled)": a short parenthetical after a byline. */
const BYLINE_NOTE = /(?<!\s)\s*\([^()]{1,30}\)$/;

/** A "By" line can be longer than a bare name: "By Tom Balmforth, Olena Harmash and Mark Trevelyan, Reuters". */
const MAX_BYLINE_CHARS = 160;
const MAX_BYLINE_AUTHORS = 3;
/** Words that make the last part of "By Jane Doe, BBC News" an outlet or a job title, not a person. */
const OUTLET_WORDS = new Set([
  'news', 'times', 'post', 'press', 'agency', 'wire', 'journal', 'herald', 'tribune', 'daily', 'magazine', 'online',
  'bureau', 'service', 'radio', 'television', 'tv', 'correspondent', 'editor', 'reporter', 'staff', 'writer', 'contributor',
]);

/** A byline: "By Jane Doe", "By Tom Balmforth and Olena Harmash", or 2–4 capitalised words. Returns the name(s). */
export function matchByline(line: string): string | null {
  const by = /^by\s+/i.exec(line);
  // A "By" line may name three people and their outlet; a bare name line is one person.
  if (line.length > (by ? MAX_BYLINE_CHARS : 80)) return null;
  const name = line.slice(by ? by[0].length : 0).replace(BYLINE_NOTE, '').trim();
  if (/[.!?:;,]$/.test(name)) return null; // "J." is an initial, but a name does not end a sentence.
  return by ? bylineNames(name.replace(/\s+/g, ' ')) : personName(name);
}

/** 2–4 capitalised words (particles allowed inside), or null. */
function personName(name: string): string | null {
  const words = name.split(/\s+/);
  if (words.length < 2 || words.length > 4) return null;
  if (NOT_A_NAME.has(words[0]!.toLowerCase())) return null;
  const last = words.length - 1;
  return words.every((w, i) => NAME_WORD.test(w) || (i > 0 && i < last && NAME_PARTICLES.has(w))) ? name : null;
}

function isOutlet(part: string): boolean {
  return part.split(' ').some((w) => OUTLET_WORDS.has(w.toLowerCase()) || /^\p{Lu}{2,}$/u.test(w));
}

/**
 * The people a "By" line names: "Tom Balmforth and Olena Harmash", "A, B and C, Reuters", "Jane Doe,
 * BBC News". Joined with ", " as html.ts joins JSON-LD authors, so one article gives one author string
 * whichever file it came from. After "and" the list of people is over: one more part is the outlet.
 * Without "and", the last of two or more parts is the outlet when it does not look like a person.
 */
function bylineNames(rest: string): string | null {
  const parts: string[] = [];
  let lastAnd = -1;
  for (const chunk of rest.replaceAll(' & ', ' and ').split(',')) {
    const trimmed = chunk.trim();
    // "A, B, and C": the Oxford comma puts the "and" at the start of a part.
    const oxford = trimmed.startsWith('and ');
    const names = (oxford ? trimmed.slice(4) : trimmed).split(' and ');
    if (oxford || names.length > 1) lastAnd = parts.length + names.length - 1;
    for (const n of names) parts.push(n.trim());
  }
  let people = parts;
  let outlet: string | undefined;
  if (lastAnd >= 0) {
    people = parts.slice(0, lastAnd + 1);
    if (parts.length > lastAnd + 2) return null;
    outlet = parts[lastAnd + 1];
  } else if (parts.length > 1 && (isOutlet(parts[parts.length - 1]!) || !personName(parts[parts.length - 1]!))) {
    people = parts.slice(0, -1);
    outlet = parts[parts.length - 1];
  }
  // The outlet is a name too ("Reuters", "The Guardian"), not the rest of a sentence.
  if (outlet !== undefined && !/^[\p{Lu}\p{N}]/u.test(outlet)) return null;
  if (outlet !== undefined && outlet.split(' ').length > 6) return null;
  if (people.length > MAX_BYLINE_AUTHORS || !people.every((p) => personName(p))) return null;
  return people.join(', ');
}

/**
 * Byline and attribution sit at the very end of an article ("Phu Binh" / "(According to DW)", in
 * either order). Takes them off the end of `items`; `plainOf` gives an item's text, or null for
 * items that cannot be either (a figure, a list).
 */
export function takeBylineAndAttribution<T>(
  items: T[],
  plainOf: (item: T) => string | null,
  attributionOf: (line: string) => string | null = matchAttribution,
): { author: string | null; attribution: string | null } {
  let author: string | null = null;
  let attribution: string | null = null;
  while (items.length > 0) {
    const plain = plainOf(items[items.length - 1]!);
    if (plain === null) break;
    const attr: string | null = attribution === null ? attributionOf(plain) : null;
    const name: string | null = attr === null && author === null ? matchByline(plain) : null;
    if (attr !== null) attribution = attr;
    else if (name !== null) author = name;
    else break;
    items.pop();
  }
  return { author, attribution };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
/** "1/5/2024", "01.05.2024 10:30", "1/5/2024, 10:30 (GMT+7)", "01/05/2024 - 10:30 GMT+07:00" (white space collapsed). */
const DMY_DATE =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:(?:,? | - )(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?: ?\(?(?:GMT|UTC) ?([+-])(\d{1,2})(?::?(\d{2}))?\)?)?$/i;
/** The weekday before a day-first date: "Thứ tư, 1/5/2024", "Monday, 01/05/2024". */
const WEEKDAY_PREFIX = /^\p{L}[\p{L} ]{0,15}, /u;
/** "14 March 2024", "Sep 23, 2024", "Mon, 25 May 2020 10:00:00 +0000". */
const WORDY_DATE = /^(?:[A-Za-z]{3,9},?\s+)?(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?|[A-Za-z]{3,9}\.?\s+\d{1,2},?)\s+\d{4}\b/;
const HAS_ZONE = /(?:[+-]\d{2}:?\d{2}|Z|\b(?:GMT|UTC|UT|[ECMP][SD]T))$/i;

/**
 * A date as the article gives it, in ms since the epoch: ISO 8601, dd/mm/yyyy (European and
 * Vietnamese sites; a weekday may come before it, a time and a GMT offset after it), or a
 * written-out date. One without a zone counts as UTC, so the result does not depend on the
 * machine's time zone. Anything else is null.
 */
export function parseDate(raw: string): number | null {
  const value = raw.trim();
  if (value.length > 64) return null;
  let ms = NaN;
  const dmy = DMY_DATE.exec(value.replace(/\s+/g, ' ').replace(WEEKDAY_PREFIX, ''));
  if (dmy) {
    const n = (group: number) => Number(dmy[group] ?? 0);
    const [day, month, year, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
    const offsetMinutes = dmy[7] ? (dmy[7] === '-' ? -1 : 1) * (n(8) * 60 + n(9)) : 0;
    if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day || month > 12) return null; // 31/02 and friends
    if (hour > 23 || minute > 59 || second > 59 || Math.abs(offsetMinutes) > 14 * 60) return null;
    ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  } else if (ISO_DATE.test(value)) {
    const iso = value.replace(' ', 'T');
    // Date.parse reads a date-only ISO string as UTC but a date-time without zone as local time.
    ms = Date.parse(iso.includes('T') && !HAS_ZONE.test(iso) ? `${iso}Z` : iso);
  } else if (WORDY_DATE.test(value)) {
    ms = Date.parse(HAS_ZONE.test(value) ? value : `${value} UTC`);
  }
  return Number.isFinite(ms) ? ms : null;
}

/** The canonical URL, if the value is one (http/https only: it is used to deduplicate). */
export function parseUrl(raw: string): string | null {
  const value = raw.trim();
  if (!/^https?:\/\/\S+$/i.test(value)) return null;
  try {
    return new URL(value).href;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Line shapes of the scraped format
// ---------------------------------------------------------------------------------------------

/** "(Baonghean) - Lead text", with -, --, – or — as the dash. */
const SOURCE_LEAD = /^\(([^()]{1,80})\)\s*(?:--?|–|—)\s*(\S[\s\S]*)$/;

/** "RELATED NEWS |" and friends: the page furniture after the article. Ends the article. */
const CLUTTER_START =
  /^(?:related (?:news|articles?|posts?|stories|content)|read (?:more|also|next)|see also|more (?:news|stories)|you may also like|tin (?:liên quan|cùng chuyên mục|khác)|bài (?:viết )?liên quan|xem thêm|đọc thêm)\s*(?:[:|]+\s*)?$/iu;
/** Single furniture lines anywhere in the text. */
const CLUTTER_LINE = /^(?:advertisement|advertising|quảng cáo|share this article|share on facebook)\s*\|?$/iu;
/** "---|", "|", "===", "| --- | :---: |": table rules and dividers. */
const RULE_LINE = /^[\s|=\-_–—:]+$/;

/** "URL: …", "Date: …" header lines at the top of the file. */
const HEADER_LINE = /^(url|link|source url|canonical|date|published|published at|publish date)\s*:\s*(\S.*)$/i;

/** "Photo: Reuters" and other credits that lost their caption are short and unpunctuated too. */
const CREDIT_LINE = /^(?:photos?|ảnh|video|source|nguồn|graphics?|illustration|credit)\b/iu;

/** "Từ khóa: giá vàng, SJC", "Tags: gold, prices": the page's keyword links under the article. */
const KEYWORDS_LINE = /^(?:từ (?:khóa|khoá)|tags?|keywords?)\s*:/iu;
/** "Theo Dân trí": Vietnamese "according to" without the parentheses; a name of up to six words. */
const BARE_THEO = /^[Tt]heo\s+(\p{Lu}[^\s(),;:!?]*(?: [^\s(),;:!?]+){0,5})$/u;
/** Letters only Vietnamese uses among Latin scripts (ă â đ ê ô ơ ư and the tone-marked vowels). */
const VIETNAMESE_LETTER = /[ăâđêôơưĂÂĐÊÔƠƯ\u1EA0-\u1EF9]/u;
/** "1. Item" / "1) Item", "- Item", "* Item", "• Item". */
const LIST_ITEM = /^(?:(\d{1,3})[.)]|([-*•]))\s+(\S.*)$/;

/** Characters that end a sentence; a short line ending in one is a paragraph, not a heading. */
const FINAL_PUNCTUATION = new Set(['.', '!', ':', ';', '…', '”', '"', ',', '’', "'", '»']);

interface ImageRef {
  alt: string;
  src: string;
}

/** Index just past the bracket that closes the one at `open`, or -1; nesting-aware, linear. */
function closingBracket(s: string, open: number, openCh: string, closeCh: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === openCh) depth++;
    else if (c === closeCh && --depth === 0) return i + 1;
  }
  return -1;
}

/** `![alt](url)` starting at `at`; the url may contain balanced parentheses or be empty. */
function readImage(s: string, at: number): { image: ImageRef; end: number } | null {
  if (!s.startsWith('![', at)) return null;
  const altEnd = closingBracket(s, at + 1, '[', ']');
  if (altEnd < 0 || s[altEnd] !== '(') return null;
  const end = closingBracket(s, altEnd, '(', ')');
  if (end < 0) return null;
  const inner = s.slice(altEnd + 1, end - 1).trim();
  // `<url>` or `url "title"`; the title is a Markdown-ism scrapers do not write, so it is ignored.
  const close = inner.startsWith('<') ? inner.indexOf('>') : -1;
  const space = inner.search(/\s/);
  const src = close > 0 ? inner.slice(1, close) : space < 0 ? inner : inner.slice(0, space);
  const alt = s.slice(at + 2, altEnd - 1).replace(/\\(.)/g, '$1').trim();
  return { image: { alt, src: safeImageSrc(src) }, end };
}

/**
 * A line made of image markers: `![](url) |`, `![a](x) | ![b](y) |`, or `![](url) | Caption |`.
 * Returns null when the line is anything else (an image inside a sentence is part of a paragraph).
 * The caption keeps its pipes: they separate the cells of a gallery row.
 */
function readImageLine(line: string): { images: ImageRef[]; caption: string | null } | null {
  const images: ImageRef[] = [];
  let i = 0;
  let sawPipe = false;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '|') {
      if (c === '|') sawPipe = true;
      i++;
      continue;
    }
    const read = readImage(line, i);
    if (read) {
      images.push(read.image);
      i = read.end;
      sawPipe = false;
      continue;
    }
    // Text after the markers counts as a same-line caption only when a pipe separates them.
    if (images.length === 0 || !sawPipe) return null;
    return { images, caption: line.slice(i) };
  }
  return images.length > 0 ? { images, caption: null } : null;
}

/** Scrapers keep table cell borders: "Caption text |". */
function stripPipes(line: string): string {
  return line.replace(/^[\s|]+/, '').replace(/(?<![\s|])[\s|]+$/, '');
}

function isHeadingShaped(plain: string): boolean {
  if (plain.length === 0 || plain.length > MAX_HEADING_CHARS) return false;
  // Headings start with a capital or a number; a lower-case start is a fragment.
  if (!/^[\p{Lu}\p{N}]/u.test(plain) || CREDIT_LINE.test(plain)) return false;
  if (plain.split(/\s+/).length > MAX_HEADING_WORDS) return false;
  const last = plain[plain.length - 1]!;
  return last === '?' || !FINAL_PUNCTUATION.has(last);
}

/** Lines that could be the whole scraped shape; markdown.ts uses this to decide whether to hand over. */
export function looksLikeScrapedText(text: string): boolean {
  const lines = splitLines(text);
  let seen = 0;
  for (const line of lines) {
    if (!line) continue;
    seen++;
    // The lead comes right after the title (or first, when the title is in front matter).
    if (seen <= 2 && SOURCE_LEAD.test(line)) return true;
    if (line.startsWith('![') && line.endsWith('|') && readImageLine(line)) return true;
  }
  return false;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n?|\n/).map((l) => l.trim());
}

// ---------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------

/** Paragraphs and headings carry their inline rendering, computed once per line. */
type Block =
  | { kind: 'para' | 'heading'; text: string; html: string; plain: string }
  | { kind: 'list'; ordered: boolean; items: { html: string; plain: string }[] }
  | { kind: 'figure'; figure: ParsedFigure };

function textBlock(kind: 'para' | 'heading', text: string, budget: MarkupBudget): Block {
  return { kind, text, ...renderInlineLine(text, budget) };
}

/** Lines → blocks: figures with their captions, paragraphs; rules and clutter dropped. */
function readBlocks(lines: readonly string[], from: number, budget: MarkupBudget): Block[] {
  const blocks: Block[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line || RULE_LINE.test(line) || CLUTTER_LINE.test(line)) continue;
    if (CLUTTER_START.test(line)) break;

    const marker = line.startsWith('![') ? readImageLine(line) : null;
    if (marker) {
      let caption = marker.caption;
      if (caption === null) {
        const next = nextCaptionLine(lines, i + 1);
        if (next) {
          caption = lines[next]!;
          i = next;
        }
      }
      for (const figure of figuresWithCaption(marker.images, caption ?? '', budget)) blocks.push({ kind: 'figure', figure });
      continue;
    }

    const list = LIST_ITEM.test(line) ? readList(lines, i, budget) : null;
    if (list) {
      blocks.push(list.block);
      i = list.last;
      continue;
    }

    const heading = /^#{1,6}\s+(?!\s)(.*)$/.exec(line);
    blocks.push(heading ? textBlock('heading', heading[1]!, budget) : textBlock('para', stripPipes(line), budget));
  }
  return blocks;
}

/**
 * Two or more list items in a row (blank lines between them allowed): "1." "2." "3." counting up
 * from 1 (the sanitiser drops <ol start>, so a list must start where <ol> does), or the same bullet.
 * Returns null for a lone item, which stays a paragraph.
 */
function readList(lines: readonly string[], from: number, budget: MarkupBudget): { block: Block; last: number } | null {
  const texts: string[] = [];
  let ordered = false;
  let bullet = '';
  let last = from;
  for (let i = from; i < lines.length; ) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m) break;
    if (texts.length === 0) {
      ordered = m[1] !== undefined;
      bullet = m[2] ?? '';
    }
    if (ordered ? Number(m[1]) !== texts.length + 1 : m[2] !== bullet) break;
    texts.push(stripPipes(m[3]!));
    last = i;
    for (i++; i < lines.length && !lines[i]; ) i++;
  }
  if (texts.length < 2) return null;
  return { block: { kind: 'list', ordered, items: texts.map((t) => renderInlineLine(t, budget)) }, last };
}

/** Index of the pipe-terminated caption line after an image marker (blank lines allowed), or 0. */
function nextCaptionLine(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && !lines[i]) i++;
  const line = lines[i];
  if (!line || !line.endsWith('|')) return 0;
  if (RULE_LINE.test(line) || CLUTTER_START.test(line) || CLUTTER_LINE.test(line)) return 0;
  if (line.startsWith('![') && readImageLine(line)) return 0;
  return i;
}

/** The cells of a caption row: `A | |` → ["A", ""]. The pipes at either end are borders, not cells. */
function captionCells(row: string): string[] {
  let s = row.trim();
  if (s.endsWith('|')) s = s.slice(0, -1);
  if (s.startsWith('|')) s = s.slice(1);
  return s.split('|').map((c) => c.trim());
}

/**
 * A caption row with several cells captions a gallery row (`![](a) | ![](b) |`) cell by cell, an
 * empty cell leaving its image without one; cells past the last image join its caption. A single
 * cell is the caption of the whole row and goes under its last image.
 */
function figuresWithCaption(images: readonly ImageRef[], captionRow: string, budget: MarkupBudget): ParsedFigure[] {
  const cells = captionCells(captionRow);
  const last = images.length - 1;
  const raws = images.map(() => '');
  if (cells.length === 1) raws[last] = cells[0]!;
  else {
    cells.forEach((cell, i) => {
      const at = Math.min(i, last);
      if (cell) raws[at] = raws[at] ? `${raws[at]} ${cell}` : cell;
    });
  }
  return images.map((img, i) => {
    const raw = raws[i]!;
    // Captions are plain text: Markdown emphasis is dropped, HTML-looking text stays text.
    const caption = raw ? renderInlineLine(raw, budget).plain : '';
    return { src: img.src, alt: img.alt, caption };
  });
}

interface Header {
  url: string | null;
  publishedAt: number | null;
}

/**
 * Consumes optional "URL: …" / "Date: …" lines from `i`; returns the index after them. Above the
 * title a header line we cannot read is still a header (it is not the headline), so it is skipped
 * when its value has the shape of one: a date has digits, an address has no spaces. Below the
 * title only readable ones are taken; anything else is body text.
 */
function readHeader(lines: readonly string[], i: number, header: Header, aboveTitle: boolean): number {
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const m = HEADER_LINE.exec(line);
    if (!m) return i;
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key === 'url' || key === 'link' || key === 'source url' || key === 'canonical') {
      const url = parseUrl(value);
      if (url) header.url ??= url;
      else if (!aboveTitle || /\s/.test(value)) return i;
    } else {
      const date = parseDate(value);
      if (date !== null) header.publishedAt ??= date;
      else if (!aboveTitle || !/\d/.test(value)) return i;
    }
  }
  return i;
}

/** Finds and checks the title line; throws IngestError when there is none worth the name. */
function readTitle(lines: readonly string[], from: number, budget: MarkupBudget): { title: string; next: number } {
  let i = from;
  while (i < lines.length && (!lines[i] || RULE_LINE.test(lines[i]!))) i++;
  const line = lines[i];
  if (line === undefined) throw new IngestError('no title: the file is empty');
  if (line.startsWith('![') && readImageLine(line)) throw new IngestError('no title: the file starts with an image');
  if (SOURCE_LEAD.test(line)) throw new IngestError('no title: the file starts with the "(Source) - " lead');
  const raw = line.replace(/^#{1,6}\s+/, '');
  if (raw.length > MAX_TITLE_CHARS) throw new IngestError('no title: the first line is a whole paragraph');
  const title = renderInlineLine(stripPipes(raw), budget).plain;
  if (!title) throw new IngestError('no title: the first line has no text');
  // Some scrapers write the headline twice (page title, then the article's <h1>).
  let next = i + 1;
  while (next < lines.length && !lines[next]) next++;
  const again = lines[next];
  if (again !== undefined && again.length <= MAX_TITLE_CHARS && sameText(again, raw)) return { title, next: next + 1 };
  return { title, next: i + 1 };
}

/** The same line but for case, white space, a "# " or table pipes. */
function sameText(a: string, b: string): boolean {
  const norm = (s: string) => stripPipes(s.replace(/^#{1,6}\s+/, '')).replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

/** Short unpunctuated lines (or short questions) followed by more body text are section headings. */
function markHeadings(blocks: Block[]): void {
  for (let i = 0; i < blocks.length - 1; i++) {
    const block = blocks[i]!;
    if (block.kind !== 'para' || blocks[i - 1]?.kind === 'heading') continue;
    if (blocks[i + 1]!.kind === 'heading') continue;
    if (isHeadingShaped(block.plain)) blocks[i] = { ...block, kind: 'heading' };
  }
}

export function parseScrapedText(input: string, _opts?: { fileName?: string }): ParsedArticle {
  const lines = splitLines(input);
  const header: Header = { url: null, publishedAt: null };

  const budget = newBudget();
  const { title, next } = readTitle(lines, readHeader(lines, 0, header, true), budget);
  const blocks = readBlocks(lines, readHeader(lines, next, header, false), budget);

  // "By Jane Doe" right under the title.
  let author: string | null = null;
  const first = blocks[0];
  if (first?.kind === 'para' && /^by\s/i.test(first.plain)) {
    author = matchByline(first.plain);
    if (author) blocks.shift();
  }

  // The lead is the first paragraph; a "(Source) - " prefix names the publisher.
  let source: string | null = null;
  let lead = '';
  const leadIndex = blocks.findIndex((b) => b.kind === 'para');
  const leadBlock = blocks[leadIndex];
  if (leadBlock?.kind === 'para') {
    const m = SOURCE_LEAD.exec(leadBlock.text);
    if (m) {
      source = renderInlineLine(m[1]!, budget).plain || null;
      lead = renderInlineLine(m[2]!, budget).plain;
    } else {
      lead = leadBlock.plain;
    }
    blocks.splice(leadIndex, 1);
  }

  const plainOf = (b: Block) => (b.kind === 'para' ? b.plain : null);
  // Keyword links come after the byline and attribution; they would hide both from the tail.
  while (blocks.length > 0 && KEYWORDS_LINE.test(plainOf(blocks[blocks.length - 1]!) ?? '')) blocks.pop();
  // "Theo X" is Vietnamese only in a Vietnamese article: elsewhere "Theo Leggett" is a byline.
  const vietnamese = VIETNAMESE_LETTER.test(title) || VIETNAMESE_LETTER.test(lead);
  const attributionOf = (line: string): string | null => {
    const named = matchAttribution(line);
    if (named !== null) return named;
    const theo = BARE_THEO.exec(line);
    return theo && (vietnamese || VIETNAMESE_LETTER.test(theo[1]!)) ? theo[1]!.replace(/\.$/, '') : null;
  };
  const tail = takeBylineAndAttribution(blocks, plainOf, attributionOf);
  author ??= tail.author;
  markHeadings(blocks);

  if (!lead && blocks.length === 0) throw new IngestError('no text: nothing follows the title');

  const { html, text, figures } = renderBlocks(blocks);
  return {
    title,
    source,
    author,
    attribution: tail.attribution,
    url: header.url,
    publishedAt: header.publishedAt,
    lead,
    html: sanitizeHtml(html),
    text,
    figures,
    lang: articleLang(null, { title, lead, text }),
  };
}

function renderBlocks(blocks: readonly Block[]): { html: string; text: string; figures: ParsedFigure[] } {
  const html: string[] = [];
  const text: string[] = [];
  const figures: ParsedFigure[] = [];
  for (const block of blocks) {
    if (block.kind === 'figure') {
      html.push(figureHtml(block.figure, figures.length));
      figures.push(block.figure);
      continue;
    }
    if (block.kind === 'list') {
      const tag = block.ordered ? 'ol' : 'ul';
      html.push(`<${tag}>${block.items.map((item) => `<li>${item.html}</li>`).join('')}</${tag}>`);
      text.push(block.items.map((item) => item.plain).join('\n'));
      continue;
    }
    if (!block.plain) continue;
    if (block.kind === 'heading') html.push(`<h2>${escapeHtml(block.plain)}</h2>`);
    else html.push(`<p>${block.html}</p>`);
    text.push(block.plain);
  }
  // No newline between blocks: each would be one more text node for the sanitiser to walk
  // (almost a third of an article's nodes; DOMPurify on jsdom costs ~10 µs a node).
  return { html: html.join(''), text: text.join('\n\n'), figures };
}
