import createDOMPurify, { type Config } from 'dompurify';
import { JSDOM } from 'jsdom';
import { defaultTreeAdapter, html as parse5html, parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { alreadyClean } from './clean-fragment.js';

/**
 * The one gate every piece of article HTML passes before it is stored.
 *
 * DOMPurify on a jsdom window (REFERENCES: never happy-dom for untrusted HTML). The allow-list is
 * what a reader needs to show an article: text structure, links, figures. No styles, no forms, no
 * frames, no SVG or MathML, no event handlers; links only http(s)/mailto/#; images only http(s),
 * the app's own image scheme, or raster data: images.
 */

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'time', 'span',
  'a', 'figure', 'figcaption', 'img', 'picture',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

const ALLOWED_ATTR = [
  'href', 'src', 'alt', 'title', 'width', 'height', 'dir', 'lang', 'colspan', 'rowspan', 'datetime',
  'data-figure', 'id',
];

/**
 * What DOMPurify puts before every kept id (SANITIZE_NAMED_PROPS, as GitHub does): an article's
 * ids can then never shadow a name the page or its scripts use. Links within the article
 * (`#fn1`, a footnote; `#cite_note-3`, a reference) are rewritten to match (urlRules).
 */
export const ID_PREFIX = 'user-content-';

/**
 * DOMPurify tests the value of EVERY allowed attribute that is not on its short "URI-safe" list
 * against this pattern, not just href/src. A pattern that only admits schemes would therefore also
 * strip width="600", lang="vi", datetime="2024-…" and data-figure="0". So this keeps the shape of
 * DOMPurify's default (a scheme we allow, or a value that is not scheme-like), minus the schemes we
 * do not want; the strict per-attribute URL rules live in the hook below.
 */
const ALLOWED_URI_REGEXP = /^(?:(?:https?|mailto|bs-image):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/** Where a link may point. Relative URLs are refused: the importer resolves them before this. */
const SAFE_HREF = /^(?:https?:|mailto:|bs-image:|#)/i;
/** Where an image may load from; plus raster data: URLs below. */
const SAFE_SRC = /^(?:https?:|bs-image:)/i;
/** A data: URL for a raster image (an SVG data URL can carry script, so it is not one of these). */
const RASTER_DATA_URL = /^data:image\/(?:png|jpe?g|gif|webp|avif)[;,]/i;
/** What browsers ignore inside a URL's scheme (DOMPurify strips the same before matching). */
const URL_IGNORED_CHARS = /[\u0000-\u0020\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;

/** The allow-list, exported for the test that holds this sanitiser to stock DOMPurify. */
export const config: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  SANITIZE_NAMED_PROPS: true,
  // Keep the text of things we drop (a <font> or <div> wrapper), but not of these:
  FORBID_CONTENTS: ['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'title', 'select', 'textarea', 'button'],
  KEEP_CONTENT: true,
};

/**
 * How a fragment gets from a string to DOMPurify, and why not the usual `sanitize(string)`:
 *
 * - `sanitize(string)` parses into a fresh DOMParser document per call. In jsdom every new
 *   document adds selector-engine listeners to the window (cure53/DOMPurify#1089), and jsdom's own
 *   parser builds text one token at a time (`data +=`, a mutation record and a string copy for
 *   every space-to-word change), so a 4.5 KB article cost 1.5 ms, almost all of the import.
 * - Instead the fragment is parsed by parse5 (the HTML parser jsdom itself uses) as a browser's
 *   innerHTML parses it, in a <body>, scripting off as in DOMParser; copied node for node into a
 *   long-lived inert jsdom document; and sanitised there by DOMPurify IN_PLACE with the same
 *   allow-list and hook. Names the HTML parser accepts but the DOM refuses (`<a"b>`, `x"=1`)
 *   cannot be on the allow-list: such an attribute is left out, such an element becomes one
 *   DOMPurify drops while keeping its text, as it does with any element it does not allow.
 * - tests/sanitize-reference.test.ts holds this to stock DOMPurify: the same HTML for every known
 *   attack and fixture; the only differences are at document level (what a whole-document parse
 *   puts before the body), and generated tag soup comes out safe and stable.
 * Measured on the import corpus: ~0.5 ms a call instead of 1.5–1.8 ms (bench/import.ts).
 */
const FRAGMENT_CONTEXT = defaultTreeAdapter.createElement('body', parse5html.NS.HTML, []);
const PARSE_OPTIONS = { scriptingEnabled: false } as const;
/** Stands in for an element whose name the DOM cannot create; not on the allow-list. */
const UNNAMEABLE = 'bs-unnameable';
/** The root DOMPurify walks; IN_PLACE needs an allowed element, and it has no attributes. */
const ROOT_TAG = 'span';

interface Sanitizer {
  window: { close(): void };
  purifier: ReturnType<typeof createDOMPurify>;
  doc: Document;
  calls: number;
  documents: number;
}

let current: Sanitizer | undefined;

/**
 * Node iterators stay in their document's list until garbage collection, and node removals walk
 * that list, so the working document is replaced every DOC_CALLS calls; each new document adds a
 * few listeners to the window, so the window is replaced every WINDOW_DOCS documents.
 */
const DOC_CALLS = 250;
const WINDOW_DOCS = 100;

function sanitizer(): Sanitizer {
  if (current && current.calls < DOC_CALLS) {
    current.calls++;
    return current;
  }
  if (current && current.documents < WINDOW_DOCS) {
    current.doc = current.doc.implementation.createHTMLDocument('');
    current.documents++;
    current.calls = 1;
    return current;
  }
  current?.window.close();
  // IN_PLACE must be part of the set config, or DOMPurify copies the node into a new document.
  const { window, purifier } = newPurifier({ ...config, IN_PLACE: true });
  current = { window, purifier, doc: window.document.implementation.createHTMLDocument(''), calls: 1, documents: 1 };
  return current;
}

/** A DOMPurify on a fresh jsdom window, its config set once (not parsed again per call). */
function newPurifier(cfg: Config): { window: JSDOM['window']; purifier: ReturnType<typeof createDOMPurify> } {
  const { window } = new JSDOM('');
  const purifier = createDOMPurify(window as unknown as Window & typeof globalThis);
  purifier.setConfig(cfg);
  purifier.addHook('uponSanitizeAttribute', urlRules);
  return { window, purifier };
}

/** The per-attribute URL rules, as a DOMPurify hook (exported for the comparison test). */
export function urlRules(node: Element, data: { attrName: string; attrValue: string; keepAttr: boolean }): void {
  if (data.attrName === 'href') {
    data.keepAttr = isSafeHref(data.attrValue);
    // A link to a place in the article points at the prefixed id it will have (ID_PREFIX).
    const value = data.attrValue.trim();
    if (data.keepAttr && value.length > 1 && value.startsWith('#') && !value.startsWith(`#${ID_PREFIX}`)) {
      data.attrValue = `#${ID_PREFIX}${value.slice(1)}`;
    }
  } else if (data.attrName === 'src') data.keepAttr = node.nodeName === 'IMG' && isSafeImageSrc(data.attrValue);
}

let stock: { window: { close(): void }; purifier: ReturnType<typeof createDOMPurify>; calls: number } | undefined;

/** Stock DOMPurify (it parses the string into a new document), on a window replaced now and then. */
function stockSanitize(html: string): string {
  if (!stock || stock.calls++ >= DOC_CALLS) {
    stock?.window.close();
    stock = { ...newPurifier(config), calls: 1 };
  }
  return stock.purifier.sanitize(html) as string;
}

function isSafeHref(value: string): boolean {
  return SAFE_HREF.test(value.replace(URL_IGNORED_CHARS, ''));
}

function isSafeImageSrc(value: string): boolean {
  const compact = value.replace(URL_IGNORED_CHARS, '');
  return SAFE_SRC.test(compact) || RASTER_DATA_URL.test(compact);
}

/**
 * Sanitise an HTML fragment for storage. Returns HTML that is safe to show in the reader.
 *
 * A fragment already in the shape DOMPurify returns (most of what the text and Markdown importers
 * build) is only checked and written out again, as DOMPurify would write it (clean-fragment.ts);
 * everything else is cleaned by DOMPurify.
 */
export function sanitizeHtml(html: string): string {
  return alreadyClean(html) ?? sanitizeWithDomPurify(html);
}

/** DOMPurify with the allow-list, always (exported for the test that holds the fast path to it). */
export function sanitizeWithDomPurify(html: string): string {
  if (html === '') return '';
  const { purifier, doc } = sanitizer();
  // root > holder > the fragment: the holder is what gets serialised, and detached afterwards.
  const root = doc.createElement(ROOT_TAG);
  const holder = root.appendChild(doc.createElement(ROOT_TAG));
  copyInto(parseFragment(FRAGMENT_CONTEXT, html, PARSE_OPTIONS), holder, doc);
  try {
    purifier.sanitize(root);
  } catch {
    // IN_PLACE fails closed on some trees (DOMPurify 3.4.18 refuses when it meets a node that an
    // earlier step already removed, e.g. text like "<b>" followed by a comment). Those few
    // fragments go the stock way: DOMPurify parses the string itself.
    return stockSanitize(html);
  }
  // DOMPurify removed or moved the holder (it does not on any fragment we know): the stock way.
  if (root.firstChild !== holder || root.lastChild !== holder) return stockSanitize(html);
  const clean = holder.innerHTML;
  // jsdom holds DOMPurify's node iterator (and so this root) through a WeakRef, which keeps its
  // target alive until the current turn of the event loop ends. A feed sanitises hundreds of items
  // in one turn: detached from the root, each article's tree can go (~75 KB an item). One removal,
  // not one per top-level node: jsdom walks every node iterator still alive on each removal.
  holder.remove();
  return clean;
}

type P5Parent = DefaultTreeAdapterMap['parentNode'];
type P5Child = DefaultTreeAdapterMap['childNode'];

/** Copies a parse5 tree under `target`, without recursion (input can nest thousands deep). */
function copyInto(source: P5Parent, target: Node, doc: Document): void {
  const stack: Array<[P5Parent, Node]> = [[source, target]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [from, to] = next;
    for (const child of from.childNodes) {
      const node = toDom(child, doc);
      if (!node) continue;
      to.appendChild(node);
      if (!defaultTreeAdapter.isElementNode(child)) continue;
      if (child.childNodes.length > 0) stack.push([child, node]);
      const content = (node as Partial<HTMLTemplateElement>).content;
      if (child.tagName === 'template' && content) {
        stack.push([defaultTreeAdapter.getTemplateContent(child as DefaultTreeAdapterMap['template']), content]);
      }
    }
  }
}

function toDom(child: P5Child, doc: Document): Node | null {
  if (defaultTreeAdapter.isTextNode(child)) return doc.createTextNode(child.value);
  if (defaultTreeAdapter.isCommentNode(child)) return doc.createComment(child.data);
  if (!defaultTreeAdapter.isElementNode(child)) return null; // a doctype cannot occur in a fragment
  let el: Element;
  try {
    el = child.namespaceURI === parse5html.NS.HTML ? doc.createElement(child.tagName) : doc.createElementNS(child.namespaceURI, child.tagName);
  } catch {
    el = doc.createElement(UNNAMEABLE);
  }
  for (const attr of child.attrs) {
    try {
      if (attr.namespace) el.setAttributeNS(attr.namespace, attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name, attr.value);
      else el.setAttribute(attr.name, attr.value);
    } catch {
      // A name the DOM refuses is not on the allow-list: DOMPurify would have removed it.
    }
  }
  return el;
}

/** Escape text for use inside HTML text or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
