// Raw HTML in Markdown: which tags are shown, the pictures it becomes, and the markdown-it rules
// that apply them. A file of its own because it is a second reader (on parse5's tokenizer, with its
// own rules); markdown.ts only switches it on and asks whether an inline token is a raw tag.

import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { Tokenizer, type Token as Html } from 'parse5';
import { MAX_PLAIN_CAPTION, type FigureDraft, type ParseEnv } from './markdown-shared.js';
import { escapeHtml } from './sanitize.js';
import { safeImageSrc } from './text.js';

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
export type RawBlock = {
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
export function isRawTag(t: Token, close: boolean, name: string): boolean {
  if (t.type !== 'raw_html') return false;
  const tag = t.meta as RawTag;
  return tag.end === close && tag.name === name;
}

export function addRawHtml(parser: MarkdownIt, typedParser: MarkdownIt): void {
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
