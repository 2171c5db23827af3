import { XMLValidator } from 'fast-xml-parser';
import { declaredXmlEncoding } from '../ingest/sniff.js';
import { decodeText } from '../net/fetch.js';

/**
 * Turning fetched bytes into XML text that is safe to hand to the parser.
 *
 * Decoding: a byte-order mark wins, then the HTTP charset, then the XML declaration, then UTF-8;
 * a real decoder (TextDecoder) does the work, and bytes it cannot read become U+FFFD. One
 * exception: valid UTF-8 labelled Latin-1 by the server is read as UTF-8 (see decodeFeedBody).
 *
 * Safety, whatever the parser does: a document whose DOCTYPE declares entities (the "billion
 * laughs", one large entity referenced many times, `<!ENTITY x SYSTEM "file:///etc/passwd">`) is
 * refused before parsing. Any other DOCTYPE is cut out, so nothing in it (default attributes,
 * external subsets) can reach the parser. Then the document must be well-formed: a truncated or
 * broken feed is an error for that feed, never half a feed.
 */

/** A feed (or OPML file) that cannot be read; the message is a reason a person can act on. */
export class FeedError extends Error {
  override name = 'FeedError';
}

export const ENTITY_MESSAGE = 'the feed declares XML entities, which Broadsheet does not expand';

/** Bytes of a feed → text: BOM, then HTTP charset, then the XML declaration, then UTF-8. */
export function decodeFeedBody(body: Uint8Array, httpCharset: string | null): string {
  const declared = declaredXmlEncoding(body);
  if (httpCharset && isWesternDefault(httpCharset) && (declared === null || isUtf8(declared)) && isUtf8Text(body)) {
    // Apache's AddDefaultCharset labels everything ISO-8859-1. UTF-8 text with accents is never
    // also sensible Latin-1 (Đức would read Äá»©c), and libxml2-based readers follow the document.
    return stripBom(new TextDecoder('utf-8').decode(body));
  }
  return stripBom(decodeText(body, httpCharset, declared));
}

/** us-ascii, latin1, iso-8859-1, windows-1252 and their aliases: all windows-1252 on the web. */
function isWesternDefault(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'windows-1252';
  } catch {
    return false;
  }
}

function isUtf8(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'utf-8';
  } catch {
    return false;
  }
}

/**
 * Valid UTF-8 with at least one multi-byte sequence. Pure ASCII reads the same either way;
 * windows-1252 text with accents or curly quotes is almost never valid UTF-8.
 */
function isUtf8Text(body: Uint8Array): boolean {
  if (!body.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const DOCTYPE = /<!DOCTYPE/iy;
const ENTITY = /<!ENTITY/iy;
const ENTITY_ANYWHERE = /<!ENTITY/i;
/** What may follow '&' in well-formed XML (HTML names like &nbsp; are left for the parser). */
const REFERENCE = /&(?:[A-Za-z_:][\w.:-]{0,63}|#[0-9]{1,8}|#x[0-9A-Fa-f]{1,8});/y;

/**
 * Checks and tidies an XML document before parsing. Returns the text to parse; throws FeedError
 * for entity declarations and for documents that are not well-formed.
 *
 * One linear pass: comments, CDATA sections and processing instructions are stepped over whole;
 * a DOCTYPE is cut out (after checking it declares no entities); a bare '&' outside CDATA, a
 * common slip ("AT&T" in a title), is written as &amp; instead of failing the whole feed.
 */
export function prepareXml(input: string): string {
  const text = stripBom(input).replace(/^\s+/, '');
  const out: string[] = [];
  let copiedTo = 0;
  const special = /[<&]/g;
  let m: RegExpExecArray | null;
  while ((m = special.exec(text))) {
    const at = m.index;
    if (m[0] === '&') {
      REFERENCE.lastIndex = at;
      if (!REFERENCE.test(text)) {
        out.push(text.slice(copiedTo, at), '&amp;');
        copiedTo = at + 1;
      } else special.lastIndex = REFERENCE.lastIndex;
      continue;
    }
    if (text.startsWith('<!--', at)) {
      special.lastIndex = skipTo(text, '-->', at + 4);
    } else if (text.startsWith('<![CDATA[', at)) {
      special.lastIndex = skipTo(text, ']]>', at + 9);
    } else if (text.startsWith('<?', at)) {
      special.lastIndex = skipTo(text, '?>', at + 2);
    } else if (matchesAt(DOCTYPE, text, at)) {
      const end = doctypeEnd(text, at);
      if (ENTITY_ANYWHERE.test(text.slice(at, end))) throw new FeedError(ENTITY_MESSAGE);
      out.push(text.slice(copiedTo, at));
      copiedTo = end;
      special.lastIndex = end;
    } else if (matchesAt(ENTITY, text, at)) {
      throw new FeedError(ENTITY_MESSAGE);
    }
  }
  const prepared = copiedTo === 0 ? text : out.join('') + text.slice(copiedTo);
  checkWellFormed(prepared);
  return prepared;
}

function matchesAt(re: RegExp, text: string, at: number): boolean {
  re.lastIndex = at;
  return re.test(text);
}

/** Index just after `end` (searching from `from`), or the end of the text when it never comes. */
function skipTo(text: string, end: string, from: number): number {
  const i = text.indexOf(end, from);
  return i === -1 ? text.length : i + end.length;
}

/** The end of a DOCTYPE: its closing '>', outside quotes and outside the internal subset. */
function doctypeEnd(text: string, start: number): number {
  let quote: string | null = null;
  let depth = 0;
  for (let i = start + 9; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '<' && text.startsWith('<!--', i)) i = skipTo(text, '-->', i + 4) - 1;
    else if (c === '>' && depth === 0) return i + 1;
  }
  return text.length;
}

/** Throws a FeedError naming where the document stops being XML. */
export function checkWellFormed(text: string): void {
  const result = XMLValidator.validate(text);
  if (result === true) return;
  const { code, msg, line, col } = result.err;
  const unclosed = /^Invalid '\[(.*)\]' found\.?$/s.exec(msg);
  if (code === 'InvalidXml' && unclosed) {
    const tags = unclosed[1]!.match(/"([^"]+)"/g)?.map((t) => `<${t.slice(1, -1)}>`) ?? [];
    throw new FeedError(
      `the feed is incomplete or malformed: it ends before ${tags.length ? tags.join(', ') : 'every element'} ${tags.length === 1 ? 'is' : 'are'} closed`,
    );
  }
  throw new FeedError(`the feed is not well-formed XML (line ${line}, column ${col}: ${msg.replace(/\s+/g, ' ').slice(0, 200)})`);
}
