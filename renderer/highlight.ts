import type { SearchResults } from '../preload/api.js';

/**
 * Marking a search's words in an opened article. The search response names the words
 * (`terms`, folded as the index folds them); here every word of the article is folded the same
 * way and compared whole (or, for a prefix term, by its start), so "nghe an" marks "Nghệ An" and
 * "duc" marks "Đức". Matches are wrapped in <mark class="bs-hit"> by walking text nodes: the
 * article's HTML is never rewritten as a string.
 */

export type SearchTerm = SearchResults['terms'][number];

export const HIT_CLASS = 'bs-hit';

/**
 * Letters that have no Unicode decomposition, so NFD leaves them alone. The same table as
 * db/fold.ts (which the index uses); the renderer does not import db/, and a test keeps the two
 * in step.
 */
const FOLDS: Record<string, string> = {
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D',
  'ł': 'l', 'Ł': 'L', 'ø': 'o', 'Ø': 'O', 'ħ': 'h', 'Ħ': 'H', 'ı': 'i',
  'ß': 'ss', 'ẞ': 'SS', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'þ': 'th', 'Þ': 'TH',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

/** A word without case or accents, as the index compares it: "Nghệ" → "nghe", "Đức" → "duc". */
export function foldWord(word: string): string {
  return word
    .replace(FOLDABLE, (c) => FOLDS[c]!)
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Full-width Latin letters and digits (ＮＡＴＯ), which the index reads as ASCII. */
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;

/** Words as the index's tokenizer sees them: runs of letters, digits and their marks. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Chinese and Japanese characters, which the index takes one at a time (db/fold.ts splitCjk). */
const CJK = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FFFF}]/u;

/**
 * A test for one word: where in it do the terms match? The whole word, or nothing; but Chinese
 * and Japanese are written without spaces, so a run of them holds many words, and a term of
 * them is found anywhere inside it (as the index finds it). Null when there is nothing to match.
 */
export function termMatcher(terms: readonly SearchTerm[]): ((word: string) => Array<[number, number]>) | null {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const inside: string[] = [];
  for (const t of terms) {
    // A term may hold more than one index word ("e-mail"): each is matched on its own.
    const parts = foldWord(t.text).match(WORD) ?? [];
    parts.forEach((p, i) => (CJK.test(p) ? inside.push(p) : t.prefix && i === parts.length - 1 ? prefixes.push(p) : exact.add(p)));
  }
  if (!exact.size && !prefixes.length && !inside.length) return null;
  return (word) => {
    const folded = foldWord(word);
    if (exact.has(folded) || prefixes.some((p) => folded.startsWith(p))) return [[0, word.length]];
    if (!inside.length || !CJK.test(word)) return [];
    const found: Array<[number, number]> = [];
    for (const term of inside) {
      for (let at = word.indexOf(term); at !== -1; at = word.indexOf(term, at + term.length)) found.push([at, at + term.length]);
    }
    return mergeRanges(found);
  };
}

/** Sorted, with overlapping or touching ranges joined. */
function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Where the terms occur in a text, as [start, end) offsets of whole words, in order. */
export function matchRanges(text: string, terms: readonly SearchTerm[]): Array<[start: number, end: number]> {
  const matches = termMatcher(terms);
  return matches ? rangesOf(text, matches) : [];
}

function rangesOf(text: string, matches: (word: string) => Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of text.matchAll(WORD)) for (const [start, end] of matches(m[0])) out.push([m.index + start, m.index + end]);
  return out;
}

/** A text cut into plain and matched pieces, for templates: [["Farmers in ", false], ["Nghệ", true], …]. */
export function splitMatches(text: string, terms: readonly SearchTerm[]): Array<[piece: string, hit: boolean]> {
  const out: Array<[string, boolean]> = [];
  let at = 0;
  for (const [start, end] of matchRanges(text, terms)) {
    if (start > at) out.push([text.slice(at, start), false]);
    out.push([text.slice(start, end), true]);
    at = end;
  }
  if (at < text.length || out.length === 0) out.push([text.slice(at), false]);
  return out;
}

/** Text that is not the article's own words: hidden labels, our placeholders, earlier marks. */
const SKIP = `script, style, template, textarea, [aria-hidden="true"], mark.${HIT_CLASS}`;

/**
 * Wraps every match of the terms in the text under `root` in <mark class="bs-hit">, walking its
 * text nodes (TreeWalker). Returns the marks in document order.
 */
export function highlightMatches(root: Node, terms: readonly SearchTerm[]): HTMLElement[] {
  const doc = root.ownerDocument ?? (root as Document);
  const matches = termMatcher(terms);
  if (!matches) return [];
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);

  const marks: HTMLElement[] = [];
  for (const node of texts) {
    const ranges = rangesOf(node.data, matches);
    // Split from the end so that earlier offsets stay valid.
    const found: HTMLElement[] = [];
    for (let i = ranges.length - 1; i >= 0; i--) {
      const [start, end] = ranges[i]!;
      const hit = node.splitText(start);
      hit.splitText(end - start);
      const mark = doc.createElement('mark');
      mark.className = HIT_CLASS;
      hit.replaceWith(mark);
      mark.append(hit);
      found.unshift(mark);
    }
    marks.push(...found);
  }
  return marks;
}

/** Undoes highlightMatches: the marks become plain text again, merged with their neighbours. */
export function clearHighlights(root: ParentNode): void {
  const parents = new Set<Node>();
  for (const mark of root.querySelectorAll(`mark.${HIT_CLASS}`)) {
    if (mark.parentNode) parents.add(mark.parentNode);
    mark.replaceWith(...mark.childNodes);
  }
  for (const p of parents) p.normalize();
}
