import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { parseHtmlPage } from './html.js';
import { parseMarkdown } from './markdown.js';
import { declaredXmlEncoding, decodeAs, sniffHtmlCharset } from './sniff.js';
import { parseScrapedText } from './text.js';
import { IngestError, type ParsedArticle } from './types.js';

/** Larger files are refused before they are read: no article is 16 MB of text. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export const ARTICLE_EXTENSIONS = ['.txt', '.text', '.md', '.markdown', '.html', '.htm', '.xhtml'] as const;

type Kind = 'text' | 'markdown' | 'html';

export function kindOf(file: string): Kind | null {
  switch (path.extname(file).toLowerCase()) {
    case '.txt':
    case '.text':
      return 'text';
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.html':
    case '.htm':
    case '.xhtml':
      return 'html';
    default:
      return null;
  }
}

/**
 * Reads one saved article from disk and parses it. Every way a file can be unusable ends in an
 * IngestError whose message is the reason, ready to print after the file's name.
 */
export async function readArticleFile(file: string): Promise<ParsedArticle> {
  const bytes = await readBounded(file);
  return parseArticleBytes(file, bytes);
}

export async function parseArticleBytes(file: string, bytes: Uint8Array): Promise<ParsedArticle> {
  const kind = kindOf(file);
  if (!kind) {
    throw new IngestError(
      `unsupported file type "${path.extname(file) || '(none)'}" (Broadsheet imports ${ARTICLE_EXTENSIONS.join(', ')})`,
    );
  }
  if (bytes.length === 0) throw new IngestError('empty file');
  const text = await decodeText(kind, bytes);
  if (!text.trim()) throw new IngestError('empty file (only white space)');
  const opts = { fileName: path.basename(file) };
  switch (kind) {
    case 'text':
      return parseScrapedText(text, opts);
    case 'markdown':
      return parseMarkdown(text, opts);
    case 'html':
      return parseHtmlPage(text, opts);
  }
}

async function readBounded(file: string): Promise<Uint8Array> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    throw new IngestError(describeFsError(err));
  }
  if (stat.isDirectory()) throw new IngestError('is a folder');
  if (!stat.isFile()) throw new IngestError('not a regular file');
  if (stat.size > MAX_FILE_BYTES) {
    throw new IngestError(`too large (${formatMB(stat.size)}; the limit is ${formatMB(MAX_FILE_BYTES)})`);
  }
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    throw new IngestError(describeFsError(err));
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return (err as Error).message;
  }
}

function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A NUL byte never occurs in text; name the format when we can (a PNG, a PDF, a ZIP). */
async function refuseBinary(bytes: Uint8Array): Promise<void> {
  const head = bytes.subarray(0, 8192);
  const type = await fileTypeFromBuffer(head).catch(() => undefined);
  const textual = type && /^(?:text\/|application\/(?:xml|xhtml))/.test(type.mime);
  if (type && !textual) throw new IngestError(`not a text file (it is ${describeType(type.ext, type.mime)})`);
  if (head.includes(0)) throw new IngestError('not a text file (binary data)');
}

function describeType(ext: string, mime: string): string {
  const article = /^[aeiou]/i.test(ext) ? 'an' : 'a';
  return `${article} ${ext.toUpperCase()} file, ${mime}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A UTF-16 byte-order mark (Notepad's "Unicode" save) decides before the binary check, whatever
 * the extension: half of UTF-16's bytes are NUL, and FF FE is an MPEG audio frame to file-type.
 */
async function decodeText(kind: Kind, bytes: Uint8Array): Promise<string> {
  const utf16 = decodeUtf16(bytes);
  if (utf16 !== null) return utf16;
  await refuseBinary(bytes);
  return kind === 'html' ? decodeHtml(bytes) : decodeUtf8(bytes);
}

/** The text of a file that starts with a UTF-16 byte-order mark, else null. A NUL character is still binary. */
function decodeUtf16(bytes: Uint8Array): string | null {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (!encoding) return null;
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new IngestError(`not valid ${encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'} (it starts with a UTF-16 byte-order mark)`);
  }
  if (text.includes('\0')) throw new IngestError('not a text file (binary data)');
  return text;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new IngestError(`not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)})`);
  }
}

/**
 * Saved web pages carry their encoding: a byte-order mark (UTF-16 ones are read by decodeText), or
 * a <meta charset> in the first kilobytes. Honour it (windows-1252, windows-1258, ISO-8859-x…
 * through the platform's decoder); undeclared pages must be UTF-8.
 */
function decodeHtml(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes);
  const declared = sniffHtmlCharset(bytes) ?? declaredXmlEncoding(bytes);
  if (declared && !/^utf-?8$/i.test(declared)) {
    const text = decodeAs(declared, bytes);
    if (text === null) throw new IngestError(`declares an unknown character set "${declared}"`);
    return text;
  }
  return decodeUtf8(bytes);
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return i;
}

/** Lists the article files under a folder, recursively, in a stable order; hidden entries are skipped. */
export async function listArticleFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fs.promises.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && kindOf(e.name)) out.push(full);
    }
  };
  await walk(dir);
  return out;
}
