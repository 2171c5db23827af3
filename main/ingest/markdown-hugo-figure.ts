// Hugo's figure shortcode, a markdown-it block rule. Apart from markdown.ts, as the other syntax
// extensions are: a rule of its own, added to the parser and otherwise left alone.

import type { MarkdownIt, StateBlock } from 'markdown-it';
import type { FigureDraft } from './markdown-shared.js';
import { escapeHtml } from './sanitize.js';
import { inlinePlainText, safeImageSrc } from './text.js';

// ---------------------------------------------------------------------------------------------
// Hugo's figure shortcode, on lines of its own: `{{< figure src="/images/pass.jpg" alt="Mountain
// pass" caption="Crossing the Pyrenees" >}}` (or `{{% … %}}`), its parameters in any order, quoted
// with " (backslash escapes), ' or `, or bare. Other shortcodes stay text.
// ---------------------------------------------------------------------------------------------

/** A shortcode longer than this (in lines, or characters) is not one we read. */
const MAX_SHORTCODE_LINES = 20;
const MAX_SHORTCODE_CHARS = 8_000;

export function addHugoFigures(parser: MarkdownIt): void {
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
