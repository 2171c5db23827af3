import type { MarkdownIt, StateBlock, StateCore, StateInline, Token } from 'markdown-it';
import { Tokenizer, type Token as Html } from 'parse5';
import { articleLang } from '../../db/lang.js';
import { assertNotTooDeep, TooDeepError } from './dom.js';
import { escapeHtml, sanitizeHtml } from './sanitize.js';
import {
  MARKUP_BUDGET,
  countMarkup,
  createMarkdownIt,
  figureHtml,
  inlinePlainText,
  looksLikeScrapedText,
  parseDate,
  parseScrapedText,
  parseUrl,
  safeImageSrc,
  takeBylineAndAttribution,
} from './text.js';
import { IngestError, type ParsedArticle, type ParsedFigure } from './types.js';

/**
 * Markdown articles: optional front matter, a title, then ordinary Markdown.
 *
 *   ---
 *   title: Night trains return
 *   author: Jane Doe
 *   date: 2024-05-01
 *   ---
 *   First paragraph is the lead.
 *
 *   ![Sleeper car](https://example.com/car.jpg)
 *   *The caption, on its own emphasised line (or a short plain one).*
 *
 * Pictures also come the ways blogs and notes write them: raw HTML (`<figure>`, `<p align="center">
 * <img …><br><em>Caption</em></p>`, a bare `<img>` line), Hugo's `{{< figure src=… caption=… >}}` and
 * Obsidian's `![[picture.jpg|600]]`. Other raw HTML is shown as GitHub shows a README's, within the
 * limits described under "Raw HTML" below.
 *
 * Files in the scraped shape that happen to end in .md are handed to parseScrapedText.
 */

/** What a parse collects in its env: footnotes (below), and whether any raw HTML is shown as HTML. */
// A type, not an interface: markdown-it's Env is an index signature, which only type literals meet.
type ParseEnv = FootnoteEnv & { rawHtml?: boolean };

/**
 * markdown-it with our rules. Raw HTML is text, unless `typed` is given: then it is read (see "Raw
 * HTML"), and `typed` reads again what is shown as typed.
 */
function newParser(typed?: MarkdownIt): MarkdownIt {
  const parser = createMarkdownIt();
  addFootnotes(parser);
  addHugoFigures(parser);
  addObsidianEmbeds(parser);
  if (typed) {
    parser.set({ html: true });
    addRawHtml(parser, typed);
  }
  return parser;
}

/**
 * Raw HTML as text, as it all was before raw HTML was read: for the raw HTML shown as typed, and
 * for a file whose raw HTML nests too deeply to show.
 */
const mdNoHtml = newParser();
const md = newParser(mdNoHtml);

/**
 * The same parser without the inline pass, for bodies with more markup characters than
 * MARKUP_BUDGET (see text.ts: markdown-it's inline pass is what a hostile file makes slow). Block
 * structure stays; each paragraph's text is shown as typed, escaped, with no emphasis, links or figures.
 * Raw HTML is text too (each `<` counts against the budget, and each tag shown would be one more
 * element for the sanitiser).
 */
const mdBlocksOnly = createMarkdownIt();
mdBlocksOnly.core.ruler.at('inline', (state) => {
  for (const token of state.tokens) {
    if (token.type !== 'inline') continue;
    const text = new state.Token('text', '', 0);
    text.content = token.content.replace(/\n/g, ' ');
    token.children = [text];
  }
});

export function parseMarkdown(input: string, _opts?: { fileName?: string }): ParsedArticle {
  const { meta, body } = splitFrontMatter(input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  if (looksLikeScrapedText(body)) return parseAsScraped(body, meta);
  if (markupCost(body) > MARKUP_BUDGET) return parseBody(mdBlocksOnly, body, meta);
  try {
    return parseBody(md, body, meta);
  } catch (err) {
    // Raw HTML nested deeper than dom.ts lets any HTML be (a hostile file): it is shown as typed.
    if (err instanceof TooDeepError) return parseBody(mdNoHtml, body, meta);
    throw err;
  }
}

/**
 * countMarkup, and each `{{%` too: a Hugo figure is as many elements as `![…](…)` is, and `{{<` is
 * counted already (by its "<").
 */
function markupCost(body: string): number {
  let n = countMarkup(body);
  for (let i = body.indexOf('{{%'); i >= 0; i = body.indexOf('{{%', i + 3)) n++;
  return n;
}

function parseBody(parser: MarkdownIt, body: string, meta: Meta): ParsedArticle {
  const env: ParseEnv = {};
  const blocks = topLevelBlocks(parser.parse(body, env));
  const title = takeTitle(blocks, field(meta, TITLE_KEYS));
  const parts = readParts(blocks);
  const lead = takeLead(parts);
  // Bylines and "(According to X)" lines end Markdown articles too.
  const tail = takeBylineAndAttribution(parts, (p) => (p.kind === 'block' && p.isParagraph ? p.plain : null));
  if (!lead && parts.length === 0) throw new IngestError('no text: nothing follows the title');

  const html: string[] = [];
  const text: string[] = [];
  const figures: ParsedFigure[] = [];
  for (const part of parts) {
    if (part.kind === 'figure') {
      html.push(figureHtml(part.figure, figures.length));
      figures.push(part.figure);
    } else {
      // Without the newline markdown-it ends a block with: between blocks it is only one more
      // text node for the sanitiser to walk (as in text.ts).
      html.push(parser.renderer.render(part.tokens, parser.options, env).replace(/\n$/, ''));
      if (part.plain) text.push(part.plain);
    }
  }
  const notes = footnoteList(parser, env);
  if (notes) {
    html.push(notes.html);
    text.push(notes.plain);
  }
  const bodyHtml = html.join('');
  // Markdown alone nests at most markdown-it's maxNesting deep; raw HTML can nest as deep as it likes.
  if (env.rawHtml) assertNotTooDeep(bodyHtml);

  return {
    title,
    source: field(meta, SOURCE_KEYS),
    author: field(meta, AUTHOR_KEYS) ?? tail.author,
    attribution: field(meta, ATTRIBUTION_KEYS) ?? tail.attribution,
    url: parseUrl(field(meta, URL_KEYS) ?? ''),
    publishedAt: parseDate(field(meta, DATE_KEYS) ?? ''),
    lead,
    html: sanitizeHtml(bodyHtml),
    text: text.join('\n\n'),
    figures,
    lang: articleLang(field(meta, LANG_KEYS), { title, lead, text: text.join('\n\n') }),
  };
}

// ---------------------------------------------------------------------------------------------
// Front matter: `key: value` lines between two `---` lines. Not YAML: no types, no anchors, no
// tags; quoted strings, `# comments`, `- item` lists and indented continuation lines only.
// ---------------------------------------------------------------------------------------------

type Meta = Map<string, string>;

const TITLE_KEYS = ['title'];
const AUTHOR_KEYS = ['author', 'authors', 'byline', 'by'];
const SOURCE_KEYS = ['source', 'publisher', 'publication', 'site', 'site_name'];
const URL_KEYS = ['url', 'canonical_url', 'canonical', 'link', 'source_url'];
const DATE_KEYS = ['date', 'published', 'published_at', 'publishedat', 'date_published', 'pubdate'];
const ATTRIBUTION_KEYS = ['attribution', 'via'];
const LANG_KEYS = ['lang', 'language', 'locale', 'inlanguage'];

/** A front matter longer than this is a document that happens to start with a rule. */
const MAX_FRONT_MATTER_LINES = 200;

function field(meta: Meta, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = meta.get(key);
    if (value) return value;
  }
  return null;
}

function splitFrontMatter(src: string): { meta: Meta; body: string } {
  const none = { meta: new Map<string, string>(), body: src };
  if (!/^---[ \t]*\n/.test(src)) return none;
  const lines: string[] = [];
  let pos = src.indexOf('\n') + 1;
  while (pos < src.length && lines.length <= MAX_FRONT_MATTER_LINES) {
    const nl = src.indexOf('\n', pos);
    const end = nl < 0 ? src.length : nl;
    const line = src.slice(pos, end);
    if (/^(?:---|\.\.\.)[ \t]*$/.test(line)) {
      const meta = readMeta(lines);
      return meta ? { meta, body: src.slice(end + 1) } : none;
    }
    lines.push(line);
    pos = end + 1;
  }
  return none;
}

// (?![ \t]): the blanks before the value are all taken at once, so a failing `.*` is not retried after each.
const META_KEY = /^([A-Za-z_][\w-]{0,40})[ \t]*:(?:[ \t]+(?![ \t])(.*))?$/;
const META_ITEM = /^[ \t]*-[ \t]+(?![ \t])(.*)$/;

/** The key/value pairs, or null when a line is not front matter (then the `---` was a rule). */
function readMeta(lines: readonly string[]): Meta | null {
  // A Map, not an object: a `__proto__:` key must stay data.
  const meta: Meta = new Map();
  let key: string | null = null;
  for (const line of lines) {
    if (!line.trim() || /^[ \t]*#/.test(line)) continue;
    const kv = META_KEY.exec(line);
    if (kv) {
      key = kv[1]!.toLowerCase().replace(/-/g, '_');
      const value = metaValue(kv[2] ?? '');
      // `key: |` and `key: >` start a block scalar; its lines follow as continuations.
      meta.set(key, value === '|' || value === '>' ? '' : value);
      continue;
    }
    if (key === null || !/^[ \t]/.test(line) && !META_ITEM.test(line)) return null;
    // A list item or an indented continuation adds to the last key: authors as "A, B".
    const item = META_ITEM.exec(line);
    const previous = meta.get(key) ?? '';
    const more = metaValue(item ? item[1]! : line);
    meta.set(key, previous ? `${previous}${item ? ', ' : ' '}${more}` : more);
  }
  return meta;
}

function metaValue(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\])/g, '$1').trim();
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replace(/''/g, "'").trim();
  }
  // YAML: an unquoted " #" starts a comment.
  const comment = value.search(/\s#/);
  return (comment < 0 ? value : value.slice(0, comment)).trim();
}

// ---------------------------------------------------------------------------------------------
// Scraped text saved as .md
// ---------------------------------------------------------------------------------------------

function parseAsScraped(body: string, meta: Meta): ParsedArticle {
  const title = field(meta, TITLE_KEYS);
  const firstLine = /^[ \t]*(\S[^\n]*)/m.exec(body)?.[1]?.trim() ?? '';
  // The scraped parser reads its title from the first line; give it the front-matter one when the
  // body starts straight with the lead.
  const needsTitle = title !== null && !firstLine.startsWith('#') && firstLine !== title;
  const article = parseScrapedText(needsTitle ? `${title}\n${body}` : body);
  return {
    ...article,
    title: title ?? article.title,
    source: field(meta, SOURCE_KEYS) ?? article.source,
    author: field(meta, AUTHOR_KEYS) ?? article.author,
    attribution: field(meta, ATTRIBUTION_KEYS) ?? article.attribution,
    url: parseUrl(field(meta, URL_KEYS) ?? '') ?? article.url,
    publishedAt: parseDate(field(meta, DATE_KEYS) ?? '') ?? article.publishedAt,
    lang: articleLang(field(meta, LANG_KEYS), article),
  };
}

// ---------------------------------------------------------------------------------------------
// Token stream → title, lead, figures, body parts
// ---------------------------------------------------------------------------------------------

/** A top-level block: [paragraph_open, inline, paragraph_close], a whole list, a fence, … */
type Block = Token[];

type Part =
  | { kind: 'figure'; figure: ParsedFigure }
  | { kind: 'block'; tokens: Block; plain: string; isParagraph: boolean };

function topLevelBlocks(tokens: readonly Token[]): Block[] {
  const blocks: Block[] = [];
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // A level-0 token that closes (or opens nothing) ends a block.
    if (t.level === 0 && t.nesting <= 0) {
      blocks.push(tokens.slice(start, i + 1));
      start = i + 1;
    }
  }
  return blocks;
}

function headingText(block: Block, tag: string): string | null {
  return block[0]?.type === 'heading_open' && block[0].tag === tag ? inlinePlainText(block[1]?.children ?? []) : null;
}

/** Front-matter title, else the first `# ` heading; the heading is removed from the body either way. */
function takeTitle(blocks: Block[], metaTitle: string | null): string {
  if (metaTitle) {
    // Many files repeat the front-matter title as the first heading; do not show it twice.
    const first = blocks[0] && headingText(blocks[0], 'h1');
    if (first && first.toLowerCase() === metaTitle.toLowerCase()) blocks.shift();
    return metaTitle;
  }
  for (let i = 0; i < blocks.length; i++) {
    const text = headingText(blocks[i]!, 'h1');
    if (text) {
      blocks.splice(i, 1);
      return text;
    }
  }
  throw new IngestError('no title: no "title:" front matter and no "# " heading');
}

/** Blocks → parts: figure paragraphs become figures (taking a caption paragraph after them). */
function readParts(blocks: readonly Block[]): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const figures = readFigureParagraph(block) ?? readFigureBlock(block);
    if (!figures) {
      parts.push(blockPart(block));
      continue;
    }
    const last = figures[figures.length - 1]!;
    if (last.caption === null) {
      const next = blocks[i + 1];
      const caption = next ? emphasisedParagraph(next) : null;
      if (caption !== null) {
        last.caption = caption;
        i++;
      }
    }
    for (const f of figures) {
      parts.push({ kind: 'figure', figure: { src: f.src, alt: f.alt, caption: f.caption ?? f.title } });
    }
  }
  return parts;
}

function blockPart(block: Block): Part {
  const open = block[0];
  if (open?.type === 'heading_open') {
    // h1/h2 are section headings under the article title; deeper levels keep their rank, up to h4.
    const level = Number(open.tag.slice(1));
    const tag = level <= 2 ? 'h2' : level === 3 ? 'h3' : 'h4';
    open.tag = tag;
    block[block.length - 1]!.tag = tag;
  }
  return { kind: 'block', tokens: block, plain: blockPlainText(block), isParagraph: open?.type === 'paragraph_open' };
}

/** Plain text of a block: inline text per paragraph/item/heading, table cells tab-separated. */
function blockPlainText(block: Block): string {
  const lines: string[] = [];
  let row: string[] | null = null;
  for (const t of block) {
    if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close' && row) {
      lines.push(row.join('\t'));
      row = null;
    } else if (t.type === 'inline') {
      const text = inlinePlainText(t.children ?? []);
      if (row) row.push(text);
      else if (text) lines.push(text);
    } else if (t.type === 'fence' || t.type === 'code_block') {
      lines.push(t.content.replace(/\n$/, ''));
    } else if (t.type === 'html_block') {
      const plain = (t.meta as RawBlock | null)?.plain;
      if (plain) lines.push(plain);
    }
  }
  return lines.join('\n');
}

interface FigureDraft {
  src: string;
  alt: string;
  title: string;
  /** null: no caption line yet (the next paragraph may supply one). */
  caption: string | null;
}

/** Longer than this, the line under an image is the article's text rather than its caption. */
const MAX_PLAIN_CAPTION = 200;

/**
 * A paragraph whose lines are images, each optionally followed by an emphasised caption line:
 * `![alt](src)` / `*caption*`. The paragraph's last line may also be a short plain caption under
 * the image above it. Returns null for any other paragraph (an image inside a sentence is not a
 * figure).
 */
function readFigureParagraph(block: Block): FigureDraft[] | null {
  if (block[0]?.type !== 'paragraph_open') return null;
  const figures: FigureDraft[] = [];
  const lines = splitInlineLines(block[1]?.children ?? []);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const image = lineImage(line);
    if (image) {
      figures.push({
        src: safeImageSrc(String(image.attrGet('src') ?? '')),
        alt: inlinePlainText(image.children ?? []),
        title: String(image.attrGet('title') ?? ''),
        caption: null,
      });
      continue;
    }
    const last = figures[figures.length - 1];
    const caption = emphasisedLine(line) ?? (i === lines.length - 1 ? plainCaptionLine(line) : null);
    if (!last || last.caption !== null || caption === null) return null;
    last.caption = caption;
  }
  return figures.length > 0 ? figures : null;
}

/** The text of a short line with no image in it (a caption typed straight under its image), else null. */
function plainCaptionLine(line: readonly Token[]): string | null {
  if (line.some((t) => t.type === 'image')) return null;
  const text = inlinePlainText(line);
  return text && text.length <= MAX_PLAIN_CAPTION ? text : null;
}

/** Inline tokens split at line breaks, with blank text trimmed from each end. */
function splitInlineLines(children: readonly Token[]): Token[][] {
  const lines: Token[][] = [[]];
  for (const t of children) {
    if (t.type === 'softbreak' || t.type === 'hardbreak') lines.push([]);
    else lines[lines.length - 1]!.push(t);
  }
  return lines.map((line) => {
    let a = 0;
    let b = line.length;
    while (a < b && isBlankText(line[a]!)) a++;
    while (b > a && isBlankText(line[b - 1]!)) b--;
    return line.slice(a, b);
  });
}

function isBlankText(t: Token): boolean {
  return t.type === 'text' && !t.content.trim();
}

/** The image of a line that is only an image, or an image wrapped in a link (`[![…](…)](…)`, `<a …><img …></a>`). */
function lineImage(line: readonly Token[]): Token | null {
  if (line.length === 1 && line[0]!.type === 'image') return line[0]!;
  if (line.length === 3 && isLink(line[0]!, false) && line[1]!.type === 'image' && isLink(line[2]!, true)) return line[1]!;
  return null;
}

function isLink(t: Token, close: boolean): boolean {
  return t.type === (close ? 'link_close' : 'link_open') || isRawTag(t, close, 'a');
}

/** `*caption*`, `_caption_` or `<em>caption</em>`: emphasis opening or closing. */
function isEmphasis(t: Token, close: boolean): boolean {
  return t.type === (close ? 'em_close' : 'em_open') || isRawTag(t, close, 'em') || isRawTag(t, close, 'i');
}

/** The text of a line that is emphasised from end to end (`*caption*`, `_caption_`), else null. */
function emphasisedLine(line: readonly Token[]): string | null {
  if (line.length < 3 || !isEmphasis(line[0]!, false) || !isEmphasis(line[line.length - 1]!, true)) return null;
  // `*a* and *b*` opens and closes twice; a caption is one emphasis around everything.
  let depth = 0;
  for (let i = 0; i < line.length - 1; i++) {
    const t = line[i]!;
    if (isEmphasis(t, false)) depth++;
    else if (isEmphasis(t, true) && --depth === 0) return null;
  }
  return inlinePlainText(line.slice(1, -1)) || null;
}

/** A paragraph of one emphasised line (a caption under the figure before it), else null. */
function emphasisedParagraph(block: Block): string | null {
  if (block[0]?.type !== 'paragraph_open') return null;
  const lines = splitInlineLines(block[1]?.children ?? []);
  return lines.length === 1 ? emphasisedLine(lines[0]!) : null;
}

/** The first text paragraph is the standfirst: out of the body, into `lead`. */
function takeLead(parts: Part[]): string {
  const i = parts.findIndex((p) => p.kind === 'block' && p.isParagraph);
  if (i < 0) return '';
  const [part] = parts.splice(i, 1);
  return part?.kind === 'block' ? part.plain : '';
}

/** A top-level raw HTML picture block or Hugo figure as figure drafts (copies: a draft gets its caption later), else null. */
function readFigureBlock(block: Block): FigureDraft[] | null {
  const t = block[0];
  if (block.length !== 1 || !t) return null;
  if (t.type === 'html_block') return (t.meta as RawBlock | null)?.figures?.map((f) => ({ ...f })) ?? null;
  if (t.type === 'hugo_figure') return [{ ...(t.meta as unknown as FigureDraft) }];
  return null;
}

// ---------------------------------------------------------------------------------------------
// Raw HTML. CommonMark lets a file carry HTML, and people who blog with Jekyll or Hugo, or write
// READMEs, put pictures (and <details>, <sup>, <kbd>, tables) that way. It is read as GitHub reads
// a README's, everything then going through sanitizeHtml like the rest of the body, with three
// differences:
//
// - Pictures become figures, never <img>: a block that is only pictures with their captions
//   (<figure>/<figcaption>, <p align="center"><img><br><em>Caption</em></p>, a bare <img> line)
//   becomes figures as `![alt](src)` lines do; any other <img> shows its alt text, as an image
//   inside a sentence does (a remote one would load when the article is read).
// - A paragraph or block with anything in it that would act or load (the elements the reader
//   drops, GFM's "disallowed raw HTML", an event handler, a script: URL) shows all of its raw HTML
//   as typed, as every tag was before raw HTML was read. That is what its writer typed; defusing it
//   tag by tag would show something nobody wrote.
// - A tag that is not HTML we show (`List<String>`, `<Jane Doe>`) is shown as typed, where GitHub
//   would drop it.
//
// Tags are read by parse5's tokenizer alone, which never switches to raw text after <script> or
// <textarea> the way a parser does; since no tag that would make a parser switch is ever shown as
// HTML, the sanitiser and the reader meet exactly the tags judged here.
// ---------------------------------------------------------------------------------------------

/** Shown as HTML: text structure, tables, links and pictures (those as figures or alt text, above). */
const SHOWN_TAGS = new Set([
  'a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption', 'center',
  'cite', 'code', 'col', 'colgroup', 'data', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption',
  'figure', 'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'image', 'img', 'ins',
  'kbd', 'li', 'main', 'mark', 'nav', 'ol', 'p', 'picture', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section',
  'small', 'source', 'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
]);

/**
 * Elements that act or load: those the reader drops (renderer/article-html.ts), those GFM's
 * tagfilter disallows (they change how the rest of the page is parsed) and their kin.
 */
const ACTIVE_TAGS = new Set([
  'applet', 'audio', 'base', 'basefont', 'bgsound', 'button', 'canvas', 'dialog', 'embed', 'form', 'frame', 'frameset',
  'iframe', 'input', 'isindex', 'keygen', 'link', 'marquee', 'math', 'meta', 'noembed', 'noframes', 'noscript', 'object',
  'optgroup', 'option', 'param', 'plaintext', 'portal', 'script', 'select', 'style', 'svg', 'template', 'textarea',
  'title', 'track', 'video', 'xmp',
]);

/** Attributes that load something whatever their value (the sanitiser drops them; so does the reader). */
const LOADING_ATTRS = new Set(['action', 'archive', 'background', 'codebase', 'data', 'dynsrc', 'formaction', 'lowsrc', 'manifest', 'ping', 'poster', 'srcdoc', 'xlink:href']);

/** What browsers ignore inside a URL's scheme (as sanitize.ts). */
const URL_IGNORED_CHARS = /[\u0000-\u0020\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;
/** CSS that can load or run: url(), @import, IE's expression(), and escapes that could spell them. */
const ACTIVE_CSS = /url|import|expression|\\/i;

/** Tags whose element is left out (text kept): figures are ours alone, with data-figure indexes. */
const UNWRAPPED_TAGS = new Set(['figure', 'figcaption', 'picture', 'source']);
/**
 * Tags the sanitiser does not keep, renamed to ones it does: other heading levels as Markdown's are
 * (blockPart); a <details> is always open in an article, so its <summary> is the paragraph above
 * what it held; a key stays set apart from the sentence around it.
 */
const RENAMES = new Map([['h1', 'h2'], ['h5', 'h4'], ['h6', 'h4'], ['summary', 'p'], ['kbd', 'code']]);
/** Tags that start a line in the plain text. */
const LINE_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li', 'main', 'nav',
  'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

type RawTag = { kind: 'tag'; end: boolean; name: string; attrs: Html.Attribute[]; from: number; to: number };
/** A piece of raw HTML: a tag, text (its entities decoded), a comment, or something shown as typed. */
type RawPiece = RawTag | { kind: 'text'; text: string } | { kind: 'comment'; from: number; to: number } | { kind: 'typed'; from: number; to: number };

/**
 * The pieces of a raw HTML string in order, or null when it ends inside a tag or a comment (its
 * tags would then swallow what follows it in the article).
 */
function rawPieces(src: string): RawPiece[] | null {
  const pieces: RawPiece[] = [];
  let complete = true;
  const tag = (t: Html.TagToken, end: boolean): void => {
    pieces.push({ kind: 'tag', end, name: t.tagName, attrs: t.attrs, from: t.location!.startOffset, to: t.location!.endOffset });
  };
  const text = (t: Html.CharacterToken): void => {
    pieces.push({ kind: 'text', text: t.chars });
  };
  new Tokenizer(
    { sourceCodeLocationInfo: true },
    {
      onStartTag: (t) => tag(t, false),
      onEndTag: (t) => tag(t, true),
      // Only `<!-- -->` is a comment as its writer meant it; `<?php … ?>`, `<!X>` and doctypes are shown as typed.
      onComment: (t) => {
        const { startOffset: from, endOffset: to } = t.location!;
        pieces.push(src.startsWith('<!--', from) ? { kind: 'comment', from, to } : { kind: 'typed', from, to });
      },
      onDoctype: (t) => pieces.push({ kind: 'typed', from: t.location!.startOffset, to: t.location!.endOffset }),
      onCharacter: text,
      onNullCharacter: text,
      onWhitespaceCharacter: text,
      onEof: () => undefined,
      onParseError: (e) => {
        if (e.code.startsWith('eof-in-')) complete = false;
      },
    },
  ).write(src, true);
  return complete ? pieces : null;
}

function attrOf(tag: RawTag, name: string): string | null {
  return tag.attrs.find((a) => a.name === name)?.value ?? null;
}

/** Shown as HTML, shown as typed (not HTML we show), or active (its whole paragraph or block is shown as typed). */
function tagKind(tag: RawTag): 'shown' | 'typed' | 'active' {
  if (ACTIVE_TAGS.has(tag.name)) return 'active';
  if (!SHOWN_TAGS.has(tag.name)) return 'typed';
  return tag.attrs.some((a) => isActiveAttr(a.name, a.value)) ? 'active' : 'shown';
}

function isActiveAttr(name: string, value: string): boolean {
  if (name.startsWith('on') || LOADING_ATTRS.has(name)) return true;
  if (name === 'style') return ACTIVE_CSS.test(value);
  const url = value.replace(URL_IGNORED_CHARS, '');
  if (name === 'src') return url !== '' && safeImageSrc(url) === '';
  if (name === 'href') return /^[a-z][a-z\d+.-]*:/i.test(url) && !/^(?:https?|mailto):/i.test(url);
  return false;
}

function isActive(pieces: readonly RawPiece[]): boolean {
  return pieces.some((p) => p.kind === 'tag' && tagKind(p) === 'active');
}

/** A shown tag as written, or renamed (RENAMES). */
function shownTag(source: string, tag: RawTag): string {
  const rename = RENAMES.get(tag.name);
  const at = tag.end ? 2 : 1;
  return rename ? `${source.slice(0, at)}${rename}${source.slice(at + tag.name.length)}` : source;
}

/** An html_block that is shown: its HTML, its plain text, and the figures it is when it is only pictures. */
// A type, not an interface: it is a token's meta, a Record<string, unknown>.
type RawBlock = {
  html: string;
  plain: string;
  figures: FigureDraft[] | null;
};

function readRawBlock(src: string): RawBlock | null {
  const pieces = rawPieces(src);
  if (!pieces || isActive(pieces)) return null;
  return { ...renderRawBlock(src, pieces), figures: pictureBlock(pieces) };
}

/**
 * The block's HTML: its source, with tags not shown as HTML escaped, pictures as their alt text and
 * comments left out. Its plain text: the text a reader sees, a line per block element.
 */
function renderRawBlock(src: string, pieces: readonly RawPiece[]): { html: string; plain: string } {
  let html = '';
  let plain = '';
  let at = 0;
  let hasBlock = false;
  for (const p of pieces) {
    if (p.kind === 'text') {
      // The text itself stays in the HTML as written; it is copied with what lies between tags.
      plain += p.text.replace(/\s+/g, ' ');
      continue;
    }
    html += src.slice(at, p.from);
    at = p.to;
    const source = src.slice(p.from, p.to);
    if (p.kind === 'comment') continue;
    if (p.kind === 'typed' || tagKind(p) === 'typed') {
      html += escapeHtml(source);
      plain += source;
      continue;
    }
    if (p.name === 'img' || p.name === 'image') {
      const alt = p.end ? '' : (attrOf(p, 'alt') ?? '');
      html += escapeHtml(alt);
      plain += alt;
      continue;
    }
    if (!UNWRAPPED_TAGS.has(p.name)) html += shownTag(source, p);
    if (LINE_TAGS.has(p.name)) {
      hasBlock ||= p.name !== 'br';
      plain += '\n';
    } else if (p.end && (p.name === 'td' || p.name === 'th')) {
      plain += '\t';
    }
  }
  html += src.slice(at);
  plain = tidyPlain(plain);
  // Text and inline tags alone (`<Jane Doe>`, a link on its own lines) make a paragraph, as they did as text.
  if (!hasBlock && plain) html = `<p>${html.trim()}</p>`;
  return { html, plain };
}

/** Lines trimmed, blank ones dropped; table cells (tab-separated) trimmed, empty ones at a row's end dropped. */
function tidyPlain(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split('\n')) {
    const cells = line.split('\t').map((c) => c.trim());
    while (cells.length > 0 && !cells[cells.length - 1]) cells.pop();
    if (cells.length > 0) lines.push(cells.join('\t'));
  }
  return lines.join('\n');
}

/** What may wrap a picture in a picture block (a link, a centring paragraph), or mark up its caption. */
const PICTURE_TAGS = new Set([
  'a', 'b', 'br', 'center', 'cite', 'div', 'em', 'figcaption', 'figure', 'font', 'i', 'image', 'img', 'mark', 'p',
  'picture', 'small', 'source', 'span', 'strong', 'sub', 'sup', 'u',
]);
/** Inside these, caption text may be long (it is marked as a caption, not typed as the next paragraph). */
const CAPTION_TAGS = new Set(['figcaption', 'em', 'i']);

/**
 * Pictures, each optionally followed by its caption: a <figcaption>, or text after the picture
 * (`<br><em>Caption</em>`, a short line, a `*caption*` line typed under a bare <img>). Null when
 * the block holds anything else: text before the first picture, a second caption, a long plain
 * paragraph, any other element.
 */
function pictureBlock(pieces: readonly RawPiece[]): FigureDraft[] | null {
  const figures: FigureDraft[] = [];
  /** Text since the last picture (or the start). */
  let text = '';
  /** Some of that text is outside CAPTION_TAGS (a plain line: a short one is a caption); outside any <figcaption>. */
  let plain = false;
  let outsideFigcaption = false;
  let captionDepth = 0;
  let figcaptionDepth = 0;
  /** A <figcaption> before the first picture, its caption. */
  let leading: string | null = null;

  const flush = (): boolean => {
    const caption = text.replace(/\s+/g, ' ').trim();
    const wasPlain = plain;
    const before = outsideFigcaption;
    text = '';
    plain = false;
    outsideFigcaption = false;
    if (!caption) return true;
    const last = figures[figures.length - 1];
    if (!last) {
      if (before || leading !== null) return false;
      leading = caption;
      return true;
    }
    if (last.caption !== null || (wasPlain && caption.length > MAX_PLAIN_CAPTION)) return false;
    last.caption = withoutEmphasisMarks(caption);
    return true;
  };

  for (const p of pieces) {
    if (p.kind === 'comment') continue;
    if (p.kind === 'typed') return null;
    if (p.kind === 'text') {
      if (p.text.trim()) {
        plain ||= captionDepth === 0;
        outsideFigcaption ||= figcaptionDepth === 0;
      }
      text += p.text;
      continue;
    }
    if (!PICTURE_TAGS.has(p.name) || tagKind(p) !== 'shown') return null;
    if (p.name === 'img' || p.name === 'image') {
      if (p.end) continue;
      if (!flush()) return null;
      const title = attrOf(p, 'title') ?? '';
      figures.push({ src: safeImageSrc(attrOf(p, 'src') ?? ''), alt: attrOf(p, 'alt') ?? '', title, caption: null });
    } else if (p.name === 'br') {
      text += ' ';
    } else if (CAPTION_TAGS.has(p.name)) {
      captionDepth = Math.max(0, captionDepth + (p.end ? -1 : 1));
      if (p.name === 'figcaption') figcaptionDepth = Math.max(0, figcaptionDepth + (p.end ? -1 : 1));
    }
  }
  if (!flush() || figures.length === 0) return null;
  if (leading !== null && figures[0]!.caption === null) figures[0]!.caption = leading;
  return figures;
}

/** `*Caption*` typed under a bare <img> (a raw HTML block does not read Markdown): the caption without the stars. */
function withoutEmphasisMarks(caption: string): string {
  const mark = caption[0];
  if (mark !== '*' && mark !== '_') return caption;
  let n = 0;
  while (n < 2 && caption[n] === mark && caption[caption.length - 1 - n] === mark) n++;
  return caption.length > 2 * n ? caption.slice(n, caption.length - n).trim() : caption;
}

/** A raw tag markdown-it read inline (see rawInline), opening or closing `name`. */
function isRawTag(t: Token, close: boolean, name: string): boolean {
  if (t.type !== 'raw_html') return false;
  const tag = t.meta as RawTag;
  return tag.end === close && tag.name === name;
}

function addRawHtml(parser: MarkdownIt, typedParser: MarkdownIt): void {
  // Blocks before the inline pass, which then reads the paragraphs of a block shown as typed.
  parser.core.ruler.after('block', 'raw_html_block', (state) => rawBlocks(state, typedParser));
  parser.core.ruler.after('inline', 'raw_html_inline', rawInline);
  parser.renderer.rules.html_block = (tokens, idx) => (tokens[idx]!.meta as RawBlock).html;
  parser.renderer.rules.raw_html = (tokens, idx) => tokens[idx]!.content;
}

/**
 * Each html_block is shown (RawBlock in its meta), or read again as Markdown without raw HTML, as
 * the whole file was before raw HTML was read, its tags then all shown as typed by rawInline. (An
 * unclosed <textarea> or <!-- makes the rest of the file one html_block: its paragraphs, headings
 * and pictures are still read as such.)
 */
function rawBlocks(state: StateCore, typedParser: MarkdownIt): void {
  if (!state.tokens.some((t) => t.type === 'html_block')) return;
  const tokens: Token[] = [];
  for (const t of state.tokens) {
    const block = t.type === 'html_block' ? readRawBlock(t.content) : null;
    if (t.type !== 'html_block') {
      tokens.push(t);
    } else if (block) {
      t.meta = block;
      (state.env as ParseEnv).rawHtml = true;
      tokens.push(t);
    } else {
      const typed: Token[] = [];
      typedParser.block.parse(t.content, typedParser, state.env, typed);
      for (const x of typed) {
        x.level += t.level;
        if (x.type === 'inline') x.meta = { typed: true };
        tokens.push(x);
      }
    }
  }
  state.tokens = tokens;
}

/**
 * Each html_inline token (markdown-it makes one per tag or comment) becomes: text, when it is shown
 * as typed (entities and backslash escapes read, as they were when it was text); an image token for
 * <img> (a figure when alone on its line, else its alt text); a hardbreak for <br>; nothing for a
 * comment or a figure's own tags; else a raw_html token, shown as written and left out of the plain
 * text.
 */
function rawInline(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type !== 'inline' || !token.children?.some((c) => c.type === 'html_inline')) continue;
    const tags = token.children.map((c) => (c.type === 'html_inline' ? rawInlineTag(c.content) : null));
    const typed = (token.meta as { typed?: boolean } | null)?.typed === true || tags.some((t) => t?.kind === 'tag' && tagKind(t) === 'active');
    const children: Token[] = [];
    token.children.forEach((c, i) => {
      const tag = tags[i];
      if (!tag) {
        children.push(c);
      } else if (tag.kind === 'comment' && !typed) {
        // Left out, as the sanitiser would.
      } else if (typed || tag.kind !== 'tag' || tagKind(tag) === 'typed') {
        const text = new state.Token('text', '', 0);
        text.content = state.md.utils.unescapeAll(c.content);
        children.push(text);
      } else {
        const shown = shownInline(state, c.content, tag);
        if (shown) children.push(shown);
      }
    });
    token.children = balanced(state, children);
    if (token.children.some((c) => c.type === 'raw_html')) (state.env as ParseEnv).rawHtml = true;
  }
}

/** Shown elements that have no end tag. */
const VOID_TAGS = new Set(['col', 'hr', 'wbr']);

/**
 * Raw tags inside a paragraph stay inside it: a closing tag that closes nothing is left out, and
 * what is still open at the paragraph's end is closed there. Else one forgotten </b> or </kbd>
 * would carry on through the rest of the article (the parser reopens formatting in each paragraph).
 */
function balanced(state: StateCore, children: readonly Token[]): Token[] {
  const out: Token[] = [];
  const open: string[] = [];
  const close = (name: string) => {
    const t = new state.Token('raw_html', '', 0);
    t.content = `</${RENAMES.get(name) ?? name}>`;
    t.meta = { kind: 'tag', end: true, name, attrs: [], from: 0, to: 0 } satisfies RawTag;
    out.push(t);
  };
  for (const c of children) {
    const tag = c.type === 'raw_html' ? (c.meta as RawTag) : null;
    if (tag && !VOID_TAGS.has(tag.name)) {
      if (!tag.end) {
        open.push(tag.name);
      } else {
        const at = open.lastIndexOf(tag.name);
        if (at < 0) continue;
        while (open.length > at + 1) close(open.pop()!);
        open.pop();
      }
    }
    out.push(c);
  }
  while (open.length > 0) close(open.pop()!);
  return out;
}

/** The one tag or comment an html_inline token holds; typed for anything else (`<?php … ?>`). */
function rawInlineTag(src: string): RawTag | { kind: 'comment' | 'typed' } {
  const pieces = rawPieces(src);
  const only = pieces?.length === 1 ? pieces[0]! : null;
  if (only?.kind === 'tag' && only.from === 0 && only.to === src.length) return only;
  return { kind: only?.kind === 'comment' ? 'comment' : 'typed' };
}

function shownInline(state: StateCore, source: string, tag: RawTag): Token | null {
  if (tag.name === 'img' || tag.name === 'image') {
    if (tag.end) return null;
    const image = new state.Token('image', 'img', 0);
    const alt = attrOf(tag, 'alt') ?? '';
    image.attrs = [['src', attrOf(tag, 'src') ?? ''], ['alt', '']];
    const title = attrOf(tag, 'title');
    if (title) image.attrs.push(['title', title]);
    image.content = alt;
    const text = new state.Token('text', '', 0);
    text.content = alt;
    image.children = alt ? [text] : [];
    return image;
  }
  if (tag.name === 'br') return tag.end ? null : new state.Token('hardbreak', 'br', 0);
  if (UNWRAPPED_TAGS.has(tag.name)) return null;
  const raw = new state.Token('raw_html', '', 0);
  raw.content = shownTag(source, tag);
  raw.meta = tag;
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Hugo's figure shortcode, on lines of its own: `{{< figure src="/images/pass.jpg" alt="Mountain
// pass" caption="Crossing the Pyrenees" >}}` (or `{{% … %}}`), its parameters in any order, quoted
// with " (backslash escapes), ' or `, or bare. Other shortcodes stay text.
// ---------------------------------------------------------------------------------------------

/** A shortcode longer than this (in lines, or characters) is not one we read. */
const MAX_SHORTCODE_LINES = 20;
const MAX_SHORTCODE_CHARS = 8_000;

function addHugoFigures(parser: MarkdownIt): void {
  // It ends the paragraph above it: Hugo reads shortcodes before Markdown.
  parser.block.ruler.before('paragraph', 'hugo_figure', hugoFigure, { alt: ['paragraph'] });
  parser.renderer.rules.hugo_figure = (tokens, idx) => `<p>${escapeHtml(tokens[idx]!.content)}</p>`;
}

function hugoFigure(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  // Only at the top: a figure inside a list or a quote could not be one of the article's figures.
  if (state.level > 0 || state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const src = state.src;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  const delimiter = src[start + 2];
  if (!src.startsWith('{{', start) || (delimiter !== '<' && delimiter !== '%')) return false;
  const lastLine = Math.min(endLine, startLine + MAX_SHORTCODE_LINES) - 1;
  const read = readShortcode(src, start + 3, Math.min(state.eMarks[lastLine]!, start + MAX_SHORTCODE_CHARS), delimiter);
  if (!read || read.name !== 'figure') return false;
  // The shortcode ends its line.
  let line = startLine;
  while (line < lastLine && state.eMarks[line]! < read.end) line++;
  if (src.slice(read.end, state.eMarks[line]).trim()) return false;
  if (silent) return true;

  const param = (name: string) => read.params.get(name) ?? '';
  const plain = (markdown: string) => inlinePlainText(state.md.parseInline(markdown, state.env)[0]?.children ?? []);
  // Hugo writes the attribution (attr) straight after the caption; both may hold Markdown.
  const caption = [param('caption'), param('attr')].filter(Boolean).map(plain).join(' ');
  const token = state.push('hugo_figure', '', 0);
  token.map = [startLine, line + 1];
  token.content = src.slice(start, read.end);
  token.meta = { src: safeImageSrc(param('src')), alt: param('alt'), title: plain(param('title')), caption: caption || null } satisfies FigureDraft;
  state.line = line + 1;
  return true;
}

/** `name key="value" …` up to `%}}` or `>}}` (by `delimiter`), read from `pos` (after `{{<`) to `max`. */
function readShortcode(src: string, pos: number, max: number, delimiter: string): { name: string; params: Map<string, string>; end: number } | null {
  const close = delimiter === '<' ? '>}}' : '%}}';
  const params = new Map<string, string>();
  let i = pos;
  const skipSpace = () => {
    while (i < max && (src[i] === ' ' || src[i] === '\t' || src[i] === '\n')) i++;
  };
  const word = () => {
    const from = i;
    while (i < max && isWordChar(src.charCodeAt(i))) i++;
    return src.slice(from, i);
  };
  skipSpace();
  const name = word();
  if (!name) return null;
  for (;;) {
    skipSpace();
    if (i >= max) return null;
    // `/>}}` closes a shortcode too (Hugo's self-closing form).
    const slash = src[i] === '/' ? 1 : 0;
    if (src.startsWith(close, i + slash)) return { name, params, end: i + slash + close.length };
    const key = word().toLowerCase();
    skipSpace();
    if (!key || src[i] !== '=') return null;
    i++;
    skipSpace();
    const quote = src[i];
    let value: string;
    if (quote === '"' || quote === "'" || quote === '`') {
      // Hugo's "…" strings take backslash escapes; its `…` strings are raw.
      let end = i + 1;
      while (end < max && src[end] !== quote) end += quote === '"' && src[end] === '\\' ? 2 : 1;
      if (end >= max) return null;
      value = src.slice(i + 1, end);
      if (quote === '"') value = value.replace(/\\(.)/g, '$1');
      i = end + 1;
    } else {
      const from = i;
      while (i < max && src[i] !== ' ' && src[i] !== '\t' && src[i] !== '\n' && !src.startsWith(close, i)) i++;
      value = src.slice(from, i);
    }
    if (!params.has(key)) params.set(key, value);
  }
}

/** Letters, digits, "_" and "-": a shortcode's name or a parameter's. */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

// ---------------------------------------------------------------------------------------------
// Obsidian's embeds: `![[pyrenees.jpg]]`, `![[pyrenees.jpg|600]]` (a width, or 600x400),
// `![[pyrenees.jpg|Alt text]]`: a picture beside the note, read as `![Alt text](pyrenees.jpg)`. An
// embedded note (`![[Other note]]`) or any other file stays text.
// ---------------------------------------------------------------------------------------------

/** Longer than this, `![[…` is not an embed; bounds the scan for "]]". */
const MAX_EMBED_LENGTH = 512;
const PICTURE_FILE = /\.(?:png|jpe?g|gif|webp|avif|bmp|svg|tiff?)$/i;
const EMBED_SIZE = /^\d+(?:x\d+)?$/;

function addObsidianEmbeds(parser: MarkdownIt): void {
  parser.inline.ruler.before('image', 'obsidian_embed', obsidianEmbed);
}

function obsidianEmbed(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  const src = state.src;
  if (!src.startsWith('![[', start)) return false;
  const max = Math.min(state.posMax, start + 3 + MAX_EMBED_LENGTH);
  let close = -1;
  for (let i = start + 3; i < max; i++) {
    const c = src[i];
    if (c === '[' || c === '\n') return false;
    if (c === ']') {
      if (i + 1 >= state.posMax || src[i + 1] !== ']') return false;
      close = i;
      break;
    }
  }
  if (close < 0) return false;
  const [target = '', ...options] = src.slice(start + 3, close).split('|').map((s) => s.trim());
  if (!PICTURE_FILE.test(target)) return false;
  // File names may hold spaces and "%": as a Markdown link destination is, the address is percent-encoded.
  const href = state.md.normalizeLink(target);
  if (!state.md.validateLink(href)) return false;
  if (!silent) {
    const alt = options.filter((o) => o && !EMBED_SIZE.test(o)).join(' ');
    const token = state.push('image', 'img', 0);
    token.attrs = [['src', href], ['alt', '']];
    token.content = alt;
    const text = new state.Token('text', '', 0);
    text.content = alt;
    token.children = alt ? [text] : [];
  }
  state.pos = close + 2;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Footnotes: `text[^1]` and a `[^1]: The note.` line anywhere in the file. The marker becomes a
// superscript number linked to its note, the notes a numbered list at the end of the body in the
// order they are first referred to, each linked back to where it was first referred to. A subset of
// markdown-it-footnote (not a dependency): one-paragraph notes, no inline `^[notes]`. The
// sanitiser puts its prefix before the ids and the links (sanitize.ts, ID_PREFIX).
// ---------------------------------------------------------------------------------------------

/** What a parse collects in its env: each note's Markdown by label, and each referred-to label's number. */
// A type, not an interface: markdown-it's Env is an index signature, which only type literals meet.
type FootnoteEnv = {
  footnotes?: { notes: Map<string, string>; numbers: Map<string, number> };
};

/** Longer labels are not labels; bounds the scan for "]" after each "[^". */
const MAX_LABEL_LENGTH = 64;

function addFootnotes(parser: MarkdownIt): void {
  // A definition ends the paragraph above it, as a link reference definition does not.
  parser.block.ruler.before('reference', 'footnote_definition', footnoteDefinition, { alt: ['paragraph', 'reference'] });
  parser.inline.ruler.after('image', 'footnote_reference', footnoteReference);
  parser.renderer.rules.footnote_reference = (tokens, idx) => {
    const { n, first } = tokens[idx]!.meta as { n: number; first: boolean };
    return `<sup${first ? ` id="fnref-${n}"` : ''}><a href="#fn-${n}">${n}</a></sup>`;
  };
}

/** Position of the "]" that closes a label starting at `from` (after "[^"), or -1. */
function labelEnd(src: string, from: number, max: number): number {
  const end = Math.min(max, from + MAX_LABEL_LENGTH + 1);
  for (let i = from; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5d /* ] */) return i > from ? i : -1;
    if (c === 0x5b /* [ */ || c === 0x20 || c === 0x09 || c === 0x0a) return -1;
  }
  return -1;
}

function startsFootnote(src: string, pos: number): boolean {
  return src.charCodeAt(pos) === 0x5b /* [ */ && src.charCodeAt(pos + 1) === 0x5e /* ^ */;
}

/** `[^label]: text`, and the lines that continue it as they would a paragraph. Emits no tokens. */
function footnoteDefinition(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  if (!startsFootnote(state.src, start)) return false;
  const close = labelEnd(state.src, start + 2, max);
  if (close < 0 || state.src.charCodeAt(close + 1) !== 0x3a /* : */) return false;
  if (silent) return true;

  const terminators = state.md.block.ruler.getRules('paragraph');
  const parentType = state.parentType;
  state.parentType = 'paragraph';
  let next = startLine + 1;
  for (; next < endLine && !state.isEmpty(next); next++) {
    if (state.sCount[next]! - state.blkIndent > 3 || state.sCount[next]! < 0) continue;
    if (terminators.some((rule) => rule(state, next, endLine, true))) break;
  }
  state.parentType = parentType;

  const rest = state.getLines(startLine + 1, next, state.blkIndent, false);
  const note = `${state.src.slice(close + 2, max)}\n${rest}`.trim();
  const env = state.env as FootnoteEnv;
  env.footnotes ??= { notes: new Map(), numbers: new Map() };
  const label = state.src.slice(start + 2, close);
  // As with link references, the first definition of a label counts.
  if (!env.footnotes.notes.has(label)) env.footnotes.notes.set(label, note);
  state.line = next;
  return true;
}

/** `[^label]` where the file defines that label; an undefined one stays text. */
function footnoteReference(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (!startsFootnote(state.src, start)) return false;
  const close = labelEnd(state.src, start + 2, state.posMax);
  if (close < 0) return false;
  const footnotes = (state.env as FootnoteEnv).footnotes;
  const label = state.src.slice(start + 2, close);
  if (!footnotes?.notes.has(label)) return false;
  if (!silent) {
    let n = footnotes.numbers.get(label);
    const first = n === undefined;
    if (n === undefined) {
      n = footnotes.numbers.size + 1;
      footnotes.numbers.set(label, n);
    }
    // The first reference is where the note's back link returns to.
    state.push('footnote_reference', 'sup', 0).meta = { n, first };
  }
  state.pos = close + 1;
  return true;
}

/** The notes referred to, as the list under the body; null when there are none. */
function footnoteList(parser: MarkdownIt, env: FootnoteEnv): { html: string; plain: string } | null {
  const footnotes = env.footnotes;
  if (!footnotes || footnotes.numbers.size === 0) return null;
  const items: string[] = [];
  const lines: string[] = [];
  // A note may refer to a note not yet numbered: the Map's iteration reaches entries added during it.
  for (const [label, n] of footnotes.numbers) {
    const children = parser.parseInline(footnotes.notes.get(label) ?? '', env)[0]?.children ?? [];
    const back = `<a href="#fnref-${n}" title="Back to the text">\u21A9\uFE0E</a>`;
    items.push(`<li id="fn-${n}">${parser.renderer.renderInline(children, parser.options, env)} ${back}</li>`);
    lines.push(`${n}. ${inlinePlainText(children)}`);
  }
  return { html: `<hr><ol>${items.join('')}</ol>`, plain: lines.join('\n') };
}
