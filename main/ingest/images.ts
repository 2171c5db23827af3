import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { fileTypeFromBuffer } from 'file-type';
import { parseHtmlFragment } from './dom.js';
import sharp, { type Metadata } from 'sharp';
import { hasImage, imageHash, storeImageWithThumbnail, type ThumbnailInput } from '../../db/images.js';
import { checkUrl, fetchBounded, FetchError } from '../net/fetch.js';
import { sanitizeHtml } from './sanitize.js';
import { startsWithAfterProlog } from './sniff.js';
import { isLocalPath, type ParsedArticle, type ParsedFigure } from './types.js';

/**
 * Offline images: every picture an article references is downloaded when the article is saved,
 * checked, stored once per content hash with a thumbnail for the list, and the stored HTML is
 * rewritten to point at the library (`bs-image:HASH`), never at the network.
 *
 * Each picture is checked from its bytes, not from its address or the server's word:
 * - the type is sniffed (file-type): only JPEG, PNG, GIF, WebP and AVIF are kept; SVG is refused
 *   (it can carry script), and so is an HTML error page served as image/jpeg;
 * - the dimensions are read from the header alone (sharp's metadata, which decodes nothing) and a
 *   picture over the pixel budget is refused before any decoding: a 269-byte JPEG declaring
 *   64250 × 64250 pixels costs a few milliseconds, not 16 GB;
 * - the thumbnail is made with sharp's limitInputPixels set to the same budget, as a second lock.
 *
 * A picture that fails keeps its figure and caption, gets no imageHash, and loses its <img>, so
 * the reader shows its placeholder. Every failure is reported as one line, "address: reason".
 */

export interface ImageOptions {
  /** Largest download, counted after decompression. Default 10 MB. */
  maxBytes?: number;
  /** Per picture, the whole request. Default 15 s. */
  timeoutMs?: number;
  /** All of one article's pictures together. Default 120 s. */
  totalTimeoutMs?: number;
  /** Pixel budget of one frame (width × height). Default 40 megapixels. */
  maxPixels?: number;
  /** Pixel budget of all frames of an animation together. Default 200 megapixels. */
  maxTotalPixels?: number;
  /** Pictures downloaded at once. Default 4. */
  concurrency?: number;
  /** Most pictures fetched for one article; the rest are reported as failures. Default 100. */
  maxImages?: number;
  /** The article's address, sent as Referer (as a browser would). */
  referrer?: string;
  signal?: AbortSignal;
  /**
   * The folder of an imported file: pictures at relative addresses are read from files under it
   * (a page saved "complete" with its _files folder, a Markdown note beside its pictures), never
   * from outside it.
   */
  localDir?: string;
  /** False: only those local pictures; addresses on the web are left as they are. Default true. */
  network?: boolean;
}

export const IMAGE_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  timeoutMs: 15_000,
  totalTimeoutMs: 120_000,
  maxPixels: 40_000_000,
  maxTotalPixels: 200_000_000,
  concurrency: 4,
  maxImages: 100,
} as const;

/** The thumbnail's shorter side, in pixels: the list shows a 64 px square, this covers 3× screens. */
export const THUMB_SIZE = 192;
/** A picture smaller than a thumbnail and lighter than this is its own thumbnail. */
const THUMB_NOT_NEEDED_BYTES = 48 * 1024;

export interface FigureWithImage extends ParsedFigure {
  /** The stored picture, or null when it could not be stored (or the figure had none). */
  imageHash: string | null;
}

export interface ArticleWithImages extends ParsedArticle {
  figures: FigureWithImage[];
  /** One line per picture that could not be stored: "address: reason". */
  imageFailures: string[];
  /** How many distinct pictures the article now has in the library. */
  imagesStored: number;
}

/** A picture refused for what it is (not for a network failure). */
export class ImageRefused extends Error {
  override name = 'ImageRefused';
}

/** The accepted types: what file-type reports → what is stored and served. */
const ACCEPTED: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  // An animated PNG is a PNG to everything that cannot animate it.
  'image/apng': 'image/png',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'image/avif': 'image/avif',
};

/** What sharp calls each accepted type (a mismatch means the bytes are not what they claim). */
const SHARP_FORMAT: Record<string, string[]> = {
  'image/jpeg': ['jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/avif': ['heif', 'avif'],
};

const ACCEPT_HEADER = 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,image/*;q=0.5';

export interface ProcessedImage {
  bytes: Uint8Array;
  hash: string;
  mime: string;
  width: number;
  height: number;
  thumbnail: ThumbnailInput | null;
}

/**
 * Checks picture bytes and makes the thumbnail. Throws ImageRefused with a reason for anything
 * that is not a picture we keep. Touches neither the network nor the library.
 */
export async function processImage(
  bytes: Uint8Array,
  opts: { maxPixels?: number; maxTotalPixels?: number; declaredType?: string | null } = {},
): Promise<ProcessedImage> {
  const maxPixels = opts.maxPixels ?? IMAGE_LIMITS.maxPixels;
  const maxTotalPixels = opts.maxTotalPixels ?? IMAGE_LIMITS.maxTotalPixels;
  if (bytes.byteLength === 0) throw new ImageRefused('empty (the server sent no bytes)');

  const detected = await fileTypeFromBuffer(bytes);
  const mime = detected ? ACCEPTED[detected.mime] : undefined;
  if (!mime) throw new ImageRefused(describeRefusedType(bytes, detected?.mime ?? null, opts.declaredType ?? null));

  // The header only: no pixel is decoded here, so the budget is checked before any decoding.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageRefused(`damaged ${label(mime)} (${shortMessage(err)})`);
  }
  if (!SHARP_FORMAT[mime]!.includes(meta.format ?? '')) {
    throw new ImageRefused(`damaged ${label(mime)} (it reads as ${meta.format ?? 'nothing known'})`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new ImageRefused(`damaged ${label(mime)} (no dimensions)`);
  const frames = Math.max(1, meta.pages ?? 1);
  if (width * height > maxPixels) {
    throw new ImageRefused(
      `too many pixels (${width} × ${height} = ${megapixels(width * height)} megapixels; the limit is ${megapixels(maxPixels)})`,
    );
  }
  if (width * height * frames > maxTotalPixels) {
    throw new ImageRefused(
      `too many pixels (${frames} frames of ${width} × ${height}; the limit is ${megapixels(maxTotalPixels)} megapixels in all)`,
    );
  }
  if (width <= 2 || height <= 2) {
    throw new ImageRefused(`too small to be a picture (${width} × ${height} pixels: a tracking pixel or a spacer)`);
  }
  const shown = meta.autoOrient ?? { width, height };

  let thumbnail: ThumbnailInput | null;
  try {
    thumbnail = await makeThumbnail(bytes, shown.width, shown.height, frames, maxPixels);
  } catch (err) {
    // Decoding is where a damaged body shows: such a picture would be a broken image in the reader.
    throw new ImageRefused(`damaged ${label(mime)} (${shortMessage(err)})`);
  }
  return { bytes, hash: imageHash(bytes), mime, width: shown.width, height: shown.height, thumbnail };
}

async function makeThumbnail(
  bytes: Uint8Array,
  width: number,
  height: number,
  frames: number,
  maxPixels: number,
): Promise<ThumbnailInput | null> {
  const scale = Math.min(1, THUMB_SIZE / Math.min(width, height));
  let tw = Math.max(1, Math.round(width * scale));
  let th = Math.max(1, Math.round(height * scale));
  // A panorama or a tall strip is cropped to at most 3:1 around its centre.
  tw = Math.min(tw, THUMB_SIZE * 3);
  th = Math.min(th, THUMB_SIZE * 3);
  const image = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1 }).autoOrient();
  if (scale === 1 && tw === width && th === height && frames === 1 && bytes.byteLength <= THUMB_NOT_NEEDED_BYTES) {
    // Already thumbnail-sized. Decode it anyway: a picture that cannot be decoded is refused.
    await image.raw().toBuffer();
    return null;
  }
  const { data, info } = await image
    .resize(tw, th, { fit: 'cover', position: 'centre' })
    .webp({ quality: 72, effort: 4 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, mime: 'image/webp', width: info.width, height: info.height };
}

/**
 * Downloads and stores every picture of an article (figures and any <img> outside a figure),
 * at most `concurrency` at a time, and returns the article with imageHash on each figure, the
 * HTML pointing at the library, and the failures. Pictures are stored as they arrive (memory
 * stays at a few pictures, however many the article has); the article itself is the caller's.
 */
export async function storeArticleImages(db: Database, article: ParsedArticle, opts: ImageOptions = {}): Promise<ArticleWithImages> {
  const limits = { ...IMAGE_LIMITS, ...definedOnly(opts) };
  // Parsed twice, each time used without an await in between: the shared scratch DOM may be
  // replaced while the pictures download.
  const before = parseHtmlFragment(article.html);
  const looseSources = Array.from(before.body.querySelectorAll('img'))
    .filter((img) => !img.closest('figure[data-figure]'))
    .map((img) => img.getAttribute('src')?.trim() ?? '');

  // Every address to fetch, once each, in reading order: figures first by position.
  const sources = new Set<string>();
  const network = opts.network ?? true;
  const add = (src: string) => {
    if (!src || isLibraryRef(src)) return;
    if (isLocalPath(src) ? opts.localDir !== undefined : network) sources.add(src);
  };
  article.figures.forEach((f) => add(f.src));
  looseSources.forEach(add);

  const outcomes = await fetchAll(db, [...sources], limits);
  const doc = parseHtmlFragment(article.html);
  const imgs = Array.from(doc.body.querySelectorAll('img'));

  const failures: string[] = [];
  const hashOf = (src: string): string | null => {
    if (isLibraryRef(src)) return libraryHash(src);
    const outcome = outcomes.get(src);
    return outcome && 'hash' in outcome ? outcome.hash : null;
  };
  for (const src of sources) {
    const outcome = outcomes.get(src)!;
    if ('error' in outcome) failures.push(outcome.error);
  }

  // A figure already pointing at the library (stored before, or by another importer) keeps it.
  const alreadyStored = new Map<number, string>();
  for (const img of imgs) {
    const src = img.getAttribute('src')?.trim() ?? '';
    const figure = img.closest('figure[data-figure]');
    if (figure && isLibraryRef(src)) alreadyStored.set(Number(figure.getAttribute('data-figure')), libraryHash(src));
  }
  const figures: FigureWithImage[] = article.figures.map((f, n) => ({
    ...f,
    imageHash: (f.src ? hashOf(f.src) : null) ?? alreadyStored.get(n) ?? null,
  }));

  // The HTML: a stored picture is named by its hash; a failed one loses its <img>.
  for (const img of imgs) {
    const figure = img.closest('figure[data-figure]');
    const n = figure ? Number(figure.getAttribute('data-figure')) : NaN;
    const own = img.getAttribute('src')?.trim() ?? '';
    // Left alone: what was not for us to fetch (a web address when only local pictures are read).
    if (own && !isLibraryRef(own) && !sources.has(own) && !(figure && sources.has(figures[n]?.src ?? ''))) continue;
    const hash = figure ? figures[n]?.imageHash ?? null : hashOf(own);
    if (hash) {
      img.setAttribute('src', `bs-image:${hash}`);
      for (const attr of ['srcset', 'sizes', 'loading', 'decoding']) img.removeAttribute(attr);
    } else {
      const holder = img.parentElement?.tagName === 'PICTURE' ? img.parentElement : img;
      holder.remove();
    }
  }
  for (const figure of Array.from(doc.body.querySelectorAll('figure[data-figure]'))) {
    const f = figures[Number(figure.getAttribute('data-figure'))];
    if (!f) continue;
    if (f.imageHash && !figure.querySelector('img')) {
      // A stored picture whose <img> the HTML lacked: the stored HTML names it too.
      const img = doc.createElement('img');
      img.setAttribute('src', `bs-image:${f.imageHash}`);
      img.setAttribute('alt', f.alt);
      figure.prepend(img);
    } else if (!f.imageHash && !f.caption && isTrackingFailure(outcomes.get(f.src))) {
      // A tracking pixel with no caption is nothing to show, not even a placeholder.
      figure.remove();
    }
  }
  for (const source of Array.from(doc.body.querySelectorAll('source'))) source.remove();

  const stored = new Set<string>();
  for (const outcome of outcomes.values()) if ('hash' in outcome) stored.add(outcome.hash);
  return {
    ...article,
    html: sanitizeHtml(doc.body.innerHTML),
    figures,
    imageFailures: failures,
    imagesStored: stored.size,
  };
}

type Outcome = { hash: string } | { error: string; tracking?: boolean };

async function fetchAll(db: Database, sources: string[], limits: Required<Omit<ImageOptions, 'referrer' | 'signal' | 'localDir' | 'network'>> & ImageOptions): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), limits.totalTimeoutMs);
  const onAbort = () => budget.abort();
  if (limits.signal?.aborted) budget.abort();
  else limits.signal?.addEventListener('abort', onAbort, { once: true });
  const queue = sources.slice(0, limits.maxImages);
  for (const src of sources.slice(limits.maxImages)) {
    outcomes.set(src, { error: `${shownSource(src)}: not fetched (more than ${limits.maxImages} pictures in one article)` });
  }
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const src = queue[next++]!;
      outcomes.set(src, await fetchOne(db, src, limits, budget.signal));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limits.concurrency, queue.length)) }, worker));
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
  return outcomes;
}

async function fetchOne(db: Database, src: string, limits: Required<Omit<ImageOptions, 'referrer' | 'signal' | 'localDir' | 'network'>> & ImageOptions, signal: AbortSignal): Promise<Outcome> {
  const shown = shownSource(src);
  if (signal.aborted) return { error: `${shown}: not fetched (${stopReason(limits)})` };
  let bytes: Uint8Array;
  let declaredType: string | null = null;
  try {
    if (/^data:/i.test(src)) {
      bytes = decodeDataUrl(src, limits.maxBytes);
    } else if (isLocalPath(src) && limits.localDir !== undefined) {
      bytes = await readLocalPicture(limits.localDir, src, limits.maxBytes);
    } else {
      const res = await fetchBounded(checkUrl(src).href, {
        maxBytes: limits.maxBytes,
        timeoutMs: limits.timeoutMs,
        accept: ACCEPT_HEADER,
        signal,
        ...(limits.referrer ? { referrer: limits.referrer } : {}),
      });
      bytes = res.body;
      declaredType = res.contentType;
    }
  } catch (err) {
    if (err instanceof FetchError) {
      const reason = err.reason === 'cancelled' && !limits.signal?.aborted ? stopReason(limits) : err.reason;
      return { error: `${err.url}: ${reason}` };
    }
    if (err instanceof ImageRefused) return { error: `${shown}: ${err.message}` };
    return { error: `${shown}: ${shortMessage(err)}` };
  }

  // Stored already (another article, or an earlier save): nothing to decode again.
  const hash = imageHash(bytes);
  if (hasImage(db, hash)) return { hash };
  try {
    const image = await processImage(bytes, { maxPixels: limits.maxPixels, maxTotalPixels: limits.maxTotalPixels, declaredType });
    storeImageWithThumbnail(db, { bytes: image.bytes, mime: image.mime, width: image.width, height: image.height }, image.thumbnail);
    return { hash: image.hash };
  } catch (err) {
    if (err instanceof ImageRefused) return { error: `${shown}: ${err.message}`, tracking: err.message.startsWith('too small') };
    return { error: `${shown}: could not be stored (${shortMessage(err)})` };
  }
}

function stopReason(limits: ImageOptions & { totalTimeoutMs: number }): string {
  const ms = limits.totalTimeoutMs;
  const allowed = ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
  return limits.signal?.aborted ? 'cancelled' : `the ${allowed} allowed for this article's pictures ran out`;
}

function isTrackingFailure(outcome: Outcome | undefined): boolean {
  return Boolean(outcome && 'error' in outcome && outcome.tracking);
}

/** data:image/png;base64,… → bytes, refusing the oversized before decoding. */
function decodeDataUrl(src: string, maxBytes: number): Uint8Array {
  const comma = src.indexOf(',');
  if (comma < 0) throw new ImageRefused('a damaged data: address');
  const header = src.slice(5, comma);
  const payload = src.slice(comma + 1);
  const base64 = /;base64$/i.test(header);
  const estimate = base64 ? Math.floor((payload.length * 3) / 4) : payload.length;
  if (estimate > maxBytes) throw new ImageRefused(`too large (about ${Math.ceil(estimate / 1024)} KB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB)`);
  if (base64) return new Uint8Array(Buffer.from(payload, 'base64'));
  try {
    return new Uint8Array(Buffer.from(decodeURIComponent(payload), 'latin1'));
  } catch {
    throw new ImageRefused('a damaged data: address');
  }
}

const SVG_START = /<svg[\s>/]/iy;
const XML_DECLARATION = /<\?xml[^>]*>/iy;
const SVG_DOCTYPE = /<!DOCTYPE\s+svg[^>]*>/iy;
const HTML_START = /<(?:!doctype\s+html|html|head|body|title|meta|script|div|p)[\s>/]/iy;

/** Why bytes that are not an accepted picture were refused, in words. */
function describeRefusedType(bytes: Uint8Array, detected: string | null, declared: string | null): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048)).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '');
  // Before the detected type: file-type calls an SVG with an XML declaration application/xml.
  if (startsWithAfterProlog(head, SVG_START, [XML_DECLARATION, SVG_DOCTYPE])) return svgRefusal;
  if (detected) {
    if (detected === 'image/svg+xml') return svgRefusal;
    return detected.startsWith('image/')
      ? `${detected} pictures are not kept (only JPEG, PNG, GIF, WebP and AVIF)`
      : `not an image (it is ${detected})`;
  }
  if (startsWithAfterProlog(head, HTML_START)) {
    return 'not an image (it is text/html)';
  }
  if (/^\s*[{[]/.test(head) && declared?.includes('json')) return 'not an image (it is JSON)';
  const printable = head.replace(/[\x20-\x7e\t\r\n]/g, '').length <= head.length * 0.05;
  if (printable && head.trim()) return `not an image (it is text${declared && !declared.startsWith('image/') ? `, served as ${declared}` : ''})`;
  return `not an image (the bytes are no known picture format${declared ? `; the server said ${declared}` : ''})`;
}

const svgRefusal = 'SVG pictures are refused (they can carry scripts)';

function label(mime: string): string {
  return { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/gif': 'GIF', 'image/webp': 'WebP', 'image/avif': 'AVIF' }[mime] ?? mime;
}

function megapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return mp >= 10 ? String(Math.round(mp)) : mp.toFixed(1).replace(/\.0$/, '');
}

function shortMessage(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  return message.split('\n')[0]!.replace(/^\w+(?:Error)?: /, '').slice(0, 160);
}

/** An address as it appears in a failure line: never a whole data: URL. */
export function shownSource(src: string): string {
  if (/^data:/i.test(src)) {
    const comma = src.indexOf(',');
    return `${src.slice(0, Math.min(comma < 0 ? 40 : comma + 1, 60))}… (${Math.ceil(src.length / 1024)} KB)`;
  }
  return src.length > 300 ? `${src.slice(0, 300)}…` : src;
}

/**
 * The bytes of a picture beside an imported file. Only under `dir` (after following links): a
 * page cannot pull ~/.ssh or another folder's photos into the library with "../../".
 */
async function readLocalPicture(dir: string, src: string, maxBytes: number): Promise<Uint8Array> {
  let relative: string;
  try {
    relative = decodeURIComponent(src.replace(/[?#].*$/s, ''));
  } catch {
    throw new ImageRefused('a damaged address');
  }
  const root = await fs.promises.realpath(dir);
  let file: string;
  try {
    file = await fs.promises.realpath(path.resolve(root, relative));
  } catch {
    throw new ImageRefused('no such file beside the article');
  }
  const inside = path.relative(root, file);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new ImageRefused('outside the article\'s folder, not read');
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) throw new ImageRefused('not a file');
  if (stat.size > maxBytes) throw new ImageRefused(`too large (${Math.ceil(stat.size / 1024)} KB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB)`);
  return new Uint8Array(await fs.promises.readFile(file));
}

function isLibraryRef(src: string): boolean {
  return /^bs-image:(?:\/\/)?[0-9a-f]{64}$/i.test(src);
}

function libraryHash(src: string): string {
  return src.replace(/^bs-image:(?:\/\/)?/i, '').toLowerCase();
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
