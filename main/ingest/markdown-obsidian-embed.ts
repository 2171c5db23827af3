// Obsidian's picture embeds, a markdown-it inline rule. Apart from markdown.ts, as the other syntax
// extensions are: a rule of its own, added to the parser and otherwise left alone.

import type { MarkdownIt, StateInline } from 'markdown-it';

// ---------------------------------------------------------------------------------------------
// Obsidian's embeds: `![[pyrenees.jpg]]`, `![[pyrenees.jpg|600]]` (a width, or 600x400),
// `![[pyrenees.jpg|Alt text]]`: a picture beside the note, read as `![Alt text](pyrenees.jpg)`. An
// embedded note (`![[Other note]]`) or any other file stays text.
// ---------------------------------------------------------------------------------------------

/** Longer than this, `![[…` is not an embed; bounds the scan for "]]". */
const MAX_EMBED_LENGTH = 512;
const PICTURE_FILE = /\.(?:png|jpe?g|gif|webp|avif|bmp|svg|tiff?)$/i;
const EMBED_SIZE = /^\d+(?:x\d+)?$/;

export function addObsidianEmbeds(parser: MarkdownIt): void {
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
