import { JSDOM } from 'jsdom';
import * as parse5 from 'parse5';

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

export class TooDeepError extends Error {
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
