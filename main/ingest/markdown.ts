import type { MarkdownIt, StateBlock, StateInline, Token } from 'markdown-it';
import { articleLang } from '../../db/lang.js';
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
 * Files in the scraped shape that happen to end in .md are handed to parseScrapedText.
 */

const md = createMarkdownIt();
addFootnotes(md);

/**
 * The same parser without the inline pass, for bodies with more markup characters than
 * MARKUP_BUDGET (see text.ts: markdown-it's inline pass is what a hostile file makes slow). Block
 * structure stays; each paragraph's text is shown as typed, escaped, with no emphasis, links or figures.
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

  const parser = countMarkup(body) > MARKUP_BUDGET ? mdBlocksOnly : md;
  const env: FootnoteEnv = {};
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

  return {
    title,
    source: field(meta, SOURCE_KEYS),
    author: field(meta, AUTHOR_KEYS) ?? tail.author,
    attribution: field(meta, ATTRIBUTION_KEYS) ?? tail.attribution,
    url: parseUrl(field(meta, URL_KEYS) ?? ''),
    publishedAt: parseDate(field(meta, DATE_KEYS) ?? ''),
    lead,
    html: sanitizeHtml(html.join('')),
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
    const figures = readFigureParagraph(block);
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

/** The image of a line that is only an image, or an image wrapped in a link. */
function lineImage(line: readonly Token[]): Token | null {
  if (line.length === 1 && line[0]!.type === 'image') return line[0]!;
  if (line.length === 3 && line[0]!.type === 'link_open' && line[1]!.type === 'image' && line[2]!.type === 'link_close') {
    return line[1]!;
  }
  return null;
}

/** The text of a line that is emphasised from end to end (`*caption*`, `_caption_`), else null. */
function emphasisedLine(line: readonly Token[]): string | null {
  if (line.length < 3 || line[0]!.type !== 'em_open' || line[line.length - 1]!.type !== 'em_close') return null;
  // `*a* and *b*` opens and closes twice; a caption is one emphasis around everything.
  let depth = 0;
  for (let i = 0; i < line.length - 1; i++) {
    const type = line[i]!.type;
    if (type === 'em_open') depth++;
    else if (type === 'em_close' && --depth === 0) return null;
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
