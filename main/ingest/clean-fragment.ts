/**
 * The sanitiser's first question: is this fragment already in the shape DOMPurify would return?
 *
 * Most of what we store is HTML we built ourselves from escaped text (the scraped-text and
 * Markdown importers): paragraphs, headings, figures, links, emphasis. Running it through
 * DOMPurify on jsdom costs ~0.4 ms an article, a third of the whole import (README, Benchmarks).
 * So sanitizeHtml first reads the fragment with this strict reader. It accepts only a small
 * regular shape that no HTML parser can read two ways:
 *
 * - elements from a short list (all on the sanitiser's allow-list), every one closed in order,
 *   nested only where the HTML parser keeps them as written (phrasing inside paragraphs and
 *   headings, list items only in lists, no link in a link, no tables, no comments, at most 500
 *   deep);
 * - a few attributes, each with a narrow value (http(s)/mailto links, http(s)/bs-image images,
 *   numbers, text without "<", ">" or surrounding space), double-quoted, never twice;
 * - text with no "<" or ">", "&" only in &amp; &lt; &gt; &quot; &#39;, no NUL or CR.
 *
 * What it accepts it writes out as the HTML serialiser does (the same escapes), which is exactly
 * what DOMPurify returns for it; anything else, however harmless, gets null and goes to DOMPurify.
 * tests/sanitize-fast-path.test.ts holds the two to that: the same output for every fixture,
 * the import corpus and tens of thousands of generated near-misses, hostile ones among them.
 */

/** Inline elements; none may hold a block. */
const PHRASING = new Set(['a', 'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'span', 'code', 'img', 'br']);
/** Blocks that hold only inline content (a block inside would close them early). */
const INLINE_ONLY = new Set(['p', 'h2', 'h3', 'h4', 'figcaption', 'pre']);
/** Blocks that hold other blocks. */
const FLOW = new Set(['blockquote', 'li', 'figure', 'ul', 'ol', 'hr']);
const VOID = new Set(['img', 'br', 'hr']);
/** Chromium's parser stops nesting at 512 open elements and builds a different tree past it. */
const MAX_DEPTH = 500;

type Check = (value: string) => boolean;
const LINK = /^(?:https?:\/\/|mailto:)[^\s"'<>`\\\u0000-\u001F\u007F\u00A0]*$/i;
const IMAGE = /^(?:https?:\/\/|bs-image:)[^\s"'<>`\\\u0000-\u001F\u007F\u00A0]*$/i;
const NUMBER = /^\d{1,9}$/;
/** DOMPurify trims every value and drops any holding "<" or ">" in some patterns: neither here. */
const isText: Check = (v) => !/[<>]/.test(v) && v === v.trim();
/** Maps, not object literals: a name like "constructor" must not find something inherited. */
const ATTRIBUTES: ReadonlyMap<string, ReadonlyMap<string, Check>> = new Map([
  ['a', new Map([['href', (v) => LINK.test(v)], ['title', isText]])],
  ['img', new Map([['src', (v) => IMAGE.test(v)], ['alt', isText], ['title', isText], ['width', (v) => NUMBER.test(v)], ['height', (v) => NUMBER.test(v)]])],
  ['figure', new Map([['data-figure', (v) => NUMBER.test(v)]])],
  ['abbr', new Map([['title', isText]])],
]);

/** The two characters the HTML parser does not keep as written: NUL (dropped) and CR (made LF). */
const ODD_CHARACTER = /[\u0000\r]/;
/**
 * What text or an attribute value must not hold: "<", ">", or "&" other than in the five
 * entities. (A search for the bad, not a match of the whole: a repeated group over a 9 MB
 * paragraph overflows V8's regex stack.)
 */
const BAD_CHARACTER = /[<>]|&(?!(?:amp|lt|gt|quot|#39);)/;
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const DECODED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
/** What the HTML serialiser escapes (parse5's escapeText and escapeAttribute). */
const TEXT_ESCAPES = /[&<>\u00A0]/g;
const ATTRIBUTE_ESCAPES = /["&<>\u00A0]/g;
const ESCAPED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00A0': '&nbsp;' };

const START_TAG = /<([a-z][a-z0-9]*)((?: [a-z][a-z-]*="[^"]*")*)>/y;
const END_TAG = /<\/([a-z][a-z0-9]*)>/y;
const ATTRIBUTE = / ([a-z][a-z-]*)="([^"]*)"/g;

function decode(raw: string): string | null {
  if (BAD_CHARACTER.test(raw)) return null;
  return raw.includes('&') ? raw.replace(ENTITY, (_, name: string) => DECODED[name]!) : raw;
}

/** Whether `child` may stand in `parent` (null: the fragment's top level) as written. */
function fits(child: string, parent: string | null, inLink: boolean): boolean {
  if (child === 'a' && inLink) return false;
  if (parent !== null && (PHRASING.has(parent) || INLINE_ONLY.has(parent))) return PHRASING.has(child);
  if (parent === 'ul' || parent === 'ol') return child === 'li';
  if (child === 'li') return false;
  return PHRASING.has(child) || INLINE_ONLY.has(child) || FLOW.has(child);
}

/**
 * The fragment as DOMPurify (with our allow-list) would return it, if it has the shape above;
 * null if it does not, and the caller must run DOMPurify.
 */
export function alreadyClean(html: string): string | null {
  if (ODD_CHARACTER.test(html)) return null;
  const open: string[] = [];
  let links = 0;
  let out = '';
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const end = lt < 0 ? html.length : lt;
    if (end > at) {
      const parent = open.at(-1);
      const text = decode(html.slice(at, end));
      if (text === null) return null;
      // A newline right after <pre> is one the parser drops.
      if (parent === 'pre' && html.endsWith('<pre>', at) && text.startsWith('\n')) return null;
      out += text.replace(TEXT_ESCAPES, (c) => ESCAPED[c]!);
    }
    if (lt < 0) break;
    if (html[lt + 1] === '/') {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(html);
      if (!m || open.pop() !== m[1]) return null;
      if (m[1] === 'a') links--;
      out += m[0];
      at = END_TAG.lastIndex;
      continue;
    }
    START_TAG.lastIndex = lt;
    const m = START_TAG.exec(html);
    if (!m) return null;
    const name = m[1]!;
    if (!fits(name, open.at(-1) ?? null, links > 0) || open.length >= MAX_DEPTH) return null;
    out += `<${name}`;
    if (m[2]) {
      const allowed = ATTRIBUTES.get(name);
      if (!allowed) return null;
      const seen = new Set<string>();
      for (const [, attr, raw] of m[2].matchAll(ATTRIBUTE)) {
        const value = decode(raw!);
        const check = allowed.get(attr!);
        if (value === null || !check || seen.has(attr!) || !check(value)) return null;
        seen.add(attr!);
        out += ` ${attr}="${value.replace(ATTRIBUTE_ESCAPES, (c) => ESCAPED[c]!)}"`;
      }
    }
    out += '>';
    at = START_TAG.lastIndex;
    if (VOID.has(name)) continue;
    open.push(name);
    if (name === 'a') links++;
  }
  return open.length === 0 ? out : null;
}
