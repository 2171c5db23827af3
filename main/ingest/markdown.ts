import type { MarkdownIt, Token } from 'markdown-it';
import { articleLang } from '../../db/lang.js';
import { assertNotTooDeep, TooDeepError } from './dom.js';
import { addFootnotes, footnoteList } from './markdown-footnotes.js';
import { addHugoFigures } from './markdown-hugo-figure.js';
import { addObsidianEmbeds } from './markdown-obsidian-embed.js';
import { addRawHtml, isRawTag, type RawBlock } from './markdown-raw-html.js';
import { MAX_PLAIN_CAPTION, type FigureDraft, type ParseEnv } from './markdown-shared.js';
import { sanitizeHtml } from './sanitize.js';
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
 * limits described under "Raw HTML" (markdown-raw-html.ts).
 *
 * Files in the scraped shape that happen to end in .md are handed to parseScrapedText.
 */

/**
 * markdown-it with our rules. Raw HTML is text, unless `typed` is given: then it is read (see
 * markdown-raw-html.ts), and `typed` reads again what is shown as typed.
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
