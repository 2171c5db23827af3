/**
 * Sniffing what a document is from its first bytes: what it starts with once its prolog is skipped
 * (whitespace, comments and whatever else a caller allows there: a byte order mark, an XML
 * declaration, a doctype), and its text without comments.
 *
 * These are scans, not one regex each, on purpose. The obvious regex,
 * /^\s*(?:<!--[\s\S]*?-->\s*)*<html/, backtracks exponentially: 250 hostile bytes of
 * '<!-' and '--><!---->' kept it busy for minutes, and these sniffers run on what any web server
 * sends (feed responses, pictures, saved pages). Here every character is looked at a bounded
 * number of times.
 */

const SPACE = /\s*/y;

/**
 * The text without its <!-- comments -->; a comment that is never closed runs to the end, as in
 * an HTML or XML parser. Linear: text.replace(/<!--[\s\S]*?-->/g, '') looked for '-->' to the end
 * from every '<!--' when there was none.
 */
export function withoutComments(text: string): string {
  let out = '';
  let copied = 0;
  for (let open = text.indexOf('<!--'); open !== -1; open = text.indexOf('<!--', copied)) {
    out += text.slice(copied, open);
    const close = text.indexOf('-->', open + 4);
    if (close === -1) return out;
    copied = close + 3;
  }
  return out + text.slice(copied);
}

/**
 * Whether `text`, after its prolog, matches `start` (a sticky regex, tried once, at that place).
 * `skip` are sticky regexes for the other things a prolog may hold; each is tried where the scan
 * stands and must match a bounded stretch without backtracking into what follows
 * (`<!DOCTYPE\s+svg[^>]*>`).
 */
export function startsWithAfterProlog(text: string, start: RegExp, skip: readonly RegExp[] = []): boolean {
  let at = 0;
  for (;;) {
    SPACE.lastIndex = at;
    SPACE.test(text);
    at = SPACE.lastIndex;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return false; // an unterminated comment: nothing after it
      at = end + 3;
      continue;
    }
    const skipped = skip.find((re) => {
      re.lastIndex = at;
      return re.test(text) && re.lastIndex > at;
    });
    if (!skipped) break;
    at = skipped.lastIndex;
  }
  start.lastIndex = at;
  return start.test(text);
}

/**
 * The charset a page declares in its first bytes (<meta charset> or the http-equiv form), per the
 * HTML prescan, or null. A declared UTF-16 means UTF-8 (the bytes were read as ASCII to find it).
 */
export function sniffHtmlCharset(body: Uint8Array): string | null {
  const head = withoutComments(new TextDecoder('latin1').decode(body.subarray(0, 4096)));
  for (const meta of metaTags(head)) {
    const direct = /\bcharset\s*=\s*(?:["']\s*)?([\w.:-]+)/i.exec(meta);
    if (!direct) continue;
    const isHttpEquiv = /\bhttp-equiv\s*=\s*(?:["']\s*)?content-type/i.test(meta);
    const isCharsetAttr = /\scharset\s*=/i.test(meta.replace(/\bcontent\s*=\s*("[^"]*"|'[^']*'|[^\s>]*)/i, ''));
    if (!isCharsetAttr && !isHttpEquiv) continue;
    const label = direct[1]!.toLowerCase();
    return /^utf-?16/.test(label) ? 'utf-8' : label === 'x-user-defined' ? 'windows-1252' : label;
  }
  return null;
}

/**
 * Every complete `<meta …>` tag, in order. Scanned, not matched: /<meta\b[^>]*>/g rescans to the
 * end from every '<meta' when no '>' follows.
 */
function metaTags(text: string): string[] {
  const tags: string[] = [];
  const start = /<meta\b/gi;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const end = text.indexOf('>', m.index);
    if (end < 0) break;
    tags.push(text.slice(m.index, end + 1));
    start.lastIndex = end + 1;
  }
  return tags;
}

/** The encoding named by `<?xml … encoding="…"?>`, read from the first bytes as ASCII. */
export function declaredXmlEncoding(body: Uint8Array): string | null {
  const head = Buffer.from(body.subarray(0, 1024)).toString('latin1');
  const m = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,39})["']/.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * Bytes decoded as the named character set; null for a label the platform does not know.
 * windows-1252 (which is also what every latin1 / iso-8859-1 / us-ascii label means on the web)
 * is decoded here because Node 20.18.3+ and 22.13+ decode it as ISO-8859-1 (0x80 → U+0080
 * instead of €, 0x93 → U+0093 instead of “; nodejs/node#56542, #60888).
 */
export function decodeAs(label: string, bytes: Uint8Array): string | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null;
  }
  return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
}

function decodeWindows1252(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_80_9F[c.charCodeAt(0) - 0x80]!));
}

/** The WHATWG index for bytes 0x80–0x9F; the other bytes are their own code points. */
const CP1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];
