// Footnotes, as markdown-it rules and the list of notes under the body. Apart from markdown.ts, as
// the other syntax extensions are: its rules keep their state in the parse's env, not in the reader.

import type { MarkdownIt, StateBlock, StateInline } from 'markdown-it';
import { inlinePlainText } from './text.js';

// ---------------------------------------------------------------------------------------------
// Footnotes: `text[^1]` and a `[^1]: The note.` line anywhere in the file. The marker becomes a
// superscript number linked to its note, the notes a numbered list at the end of the body in the
// order they are first referred to, each linked back to where it was first referred to. A subset of
// markdown-it-footnote (not a dependency): one-paragraph notes, no inline `^[notes]`. The
// sanitiser puts its prefix before the ids and the links (sanitize.ts, ID_PREFIX).
// ---------------------------------------------------------------------------------------------

/** What a parse collects in its env: each note's Markdown by label, and each referred-to label's number. */
// A type, not an interface: markdown-it's Env is an index signature, which only type literals meet.
export type FootnoteEnv = {
  footnotes?: { notes: Map<string, string>; numbers: Map<string, number> };
};

/** Longer labels are not labels; bounds the scan for "]" after each "[^". */
const MAX_LABEL_LENGTH = 64;

export function addFootnotes(parser: MarkdownIt): void {
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
export function footnoteList(parser: MarkdownIt, env: FootnoteEnv): { html: string; plain: string } | null {
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
