import { JSDOM } from 'jsdom';

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
  return domParser().parseFromString(html, 'text/html');
}

/** A fragment, parsed as the body of an otherwise empty document. */
export function parseHtmlFragment(html: string): Document {
  return domParser().parseFromString(`<!doctype html><html><head></head><body>${html}</body></html>`, 'text/html');
}
