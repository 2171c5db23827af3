import { JSDOM } from 'jsdom';
import * as parse5 from 'parse5';
import { IngestError } from './types.js';

/**
 * A scratch DOM for working on HTML in Node: one jsdom window, each call parsing into a new
 * document with DOMParser (no scripts, no resources). Creating a jsdom window costs several
 * milliseconds, far more than parsing a feed item; and a window kept forever grows slower
 * (see sanitize.ts), so it is replaced every RECYCLE_AFTER documents.
 */
const RECYCLE_AFTER = 200;
let shared: { window: JSDOM['window']; uses: number } | undefined;

function domParser(): DOMParser {
  if (!shared || shared.uses++ >= RECYCLE_AFTER) {
    shared?.window.close();
    shared = { window: new JSDOM('').window, uses: 1 };
  }
  return new shared.window.DOMParser();
}

/** A whole HTML document. */
export function parseHtmlDocument(html: string): Document {
  assertNotTooDeep(html);
  return domParser().parseFromString(html, 'text/html');
}

/** A fragment, parsed as the body of an otherwise empty document. */
export function parseHtmlFragment(html: string): Document {
  assertNotTooDeep(html);
  return domParser().parseFromString(`<!doctype html><html><head></head><body>${html}</body></html>`, 'text/html');
}

/**
 * Browsers flatten markup nested deeper than a few hundred levels; jsdom does not, and building
 * its document gets roughly quadratically slower with depth (10,000 nested <div>s: ~10 s, and a
 * 16 MB file could nest three million). parse5 alone reads 10,000 levels in ~20 ms, so every
 * piece of foreign HTML is measured with it first and refused past MAX_DEPTH.
 */
export const MAX_DEPTH = 512;

/** An IngestError, so the reason is printed as it is after the file's (or feed item's) name. */
export class TooDeepError extends IngestError {
  override name = 'TooDeepError';
  constructor() {
    super(`nested too deeply (more than ${MAX_DEPTH} levels of elements)`);
  }
}

interface Parse5Node {
  childNodes?: Parse5Node[];
}

export function assertNotTooDeep(html: string): void {
  // A document cannot be deeper than it has '<' characters: most fragments skip the parse.
  let tags = 0;
  for (let i = html.indexOf('<'); i !== -1 && tags <= MAX_DEPTH; i = html.indexOf('<', i + 1)) tags++;
  if (tags <= MAX_DEPTH) return;
  const stack: Array<[Parse5Node, number]> = [[parse5.parse(html) as Parse5Node, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH + 2) throw new TooDeepError(); // + html and body
    for (const child of node.childNodes ?? []) stack.push([child, depth + 1]);
  }
}

const TEXT_BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'dl', 'dt', 'dd',
  'blockquote', 'pre', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption', 'hr',
]);

/**
 * The body as text, for search and reading time: a paragraph per block, blank lines between,
 * <br> a line break; figures and so captions left out (they are indexed on their own).
 */
export function htmlToPlainText(html: string): string {
  const doc = parseHtmlFragment(html);
  const blocks: string[] = [];
  let line = '';
  const flush = (): void => {
    // Each run of blanks before a newline is tried once, from its start (or as the tail of the last match).
    const text = line.replace(/\n[ \t]*|(?<![ \t])[ \t]+\n[ \t]*/g, '\n').replace(/[ \t]{2,}/g, ' ').trim();
    if (text) blocks.push(text);
    line = '';
  };
  const walk = (node: Node, inPre: boolean): void => {
    if (node.nodeType === node.TEXT_NODE) {
      line += inPre ? node.nodeValue ?? '' : (node.nodeValue ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== node.ELEMENT_NODE) return;
    const tag = (node as Element).localName;
    if (tag === 'figure' || tag === 'figcaption') return;
    if (tag === 'br') {
      line += '\n';
      return;
    }
    if (tag === 'td' || tag === 'th') line += ' ';
    const block = TEXT_BLOCKS.has(tag);
    if (block) flush();
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, inPre || tag === 'pre');
    if (block) flush();
  };
  for (let child = doc.body.firstChild; child; child = child.nextSibling) walk(child, false);
  flush();
  return blocks.join('\n\n');
}
