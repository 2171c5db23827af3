import { htmlToPlainText, parseHtmlDocument, parseHtmlFragment } from '../ingest/dom.js';
import { escapeHtml, sanitizeHtml } from '../ingest/sanitize.js';
import { parseSrcset, pickSrcsetCandidate, smallestSrcsetCandidate } from '../ingest/srcset.js';
import type { ParsedFigure } from '../ingest/types.js';

/**
 * Feed item HTML → the article shape every importer produces: sanitised HTML whose pictures are
 * <figure data-figure="N"><img><figcaption> (N indexing `figures`), plain text without captions,
 * and the figures with their captions.
 *
 * Feed content is a fragment, written relative to the item's base (xml:base, else the feed's
 * address): links and image addresses are made absolute here, before the sanitiser, which only
 * keeps absolute http(s) addresses. Titles and author names go through {@link htmlToText}: they
 * are stored as plain text, whatever markup the feed put in them.
 */

export interface FeedHtml {
  html: string;
  text: string;
  figures: ParsedFigure[];
}

/** A whole HTML document, parsed without scripts or resources (for autodiscovery). */
export function parseDocument(html: string): Document {
  return parseHtmlDocument(html);
}

const parseFragment = parseHtmlFragment;

/** Markup → plain text: tags dropped, entities decoded, white space collapsed. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  return collapse(parseFragment(html).body.textContent ?? '');
}

/** Plain text → HTML paragraphs (blank lines split paragraphs, single newlines become <br>). */
export function textToHtml(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Length of the text a fragment shows, without building the stored article. */
export function textLength(html: string): number {
  return htmlToText(html).length;
}

const DROP = 'script, style, template, noscript, iframe, object, embed, form, svg, math, link, meta, base';
const CAPTION_CLASS = /(?:^|[\s_-])(?:wp-caption-text|caption|image-caption|img-caption|photo-caption)(?:$|[\s_-])/i;

export function convertFeedHtml(fragment: string, base: string): FeedHtml {
  const doc = parseFragment(fragment);
  const body = doc.body;
  for (const el of Array.from(body.querySelectorAll(DROP))) el.remove();
  for (const a of Array.from(body.querySelectorAll('a[href]'))) {
    const url = absolute(a.getAttribute('href') ?? '', base, true);
    if (url) a.setAttribute('href', url);
    else a.removeAttribute('href');
  }
  const figures = buildFigures(doc, base);
  wrapLooseText(body);
  for (const h of Array.from(body.querySelectorAll('h1'))) rename(h, 'h2');
  for (const h of Array.from(body.querySelectorAll('h5, h6'))) rename(h, 'h4');
  // White space between tags that holds a line break becomes one line break. Same matches as
  // />\s*\n\s*</g, whose two \s* tried every split of a run of blanks (quadratic on a long one).
  const html = sanitizeHtml(body.innerHTML).replace(/>\s+</g, (m) => (m.includes('\n') ? '>\n<' : m)).trim();
  return { html, text: plainText(html), figures };
}

/**
 * Every image becomes a numbered figure. Its caption is the <figcaption> of its <figure>, the
 * caption of a WordPress .wp-caption box, or a caption-classed element right after it.
 */
function buildFigures(doc: Document, base: string): ParsedFigure[] {
  const figures: ParsedFigure[] = [];
  const placedAfter = new Map<Element, Element>();
  for (const img of Array.from(doc.body.querySelectorAll('img'))) {
    if (!img.isConnected) continue;
    const src = imageSource(img, base);
    if (!src || isTrackingPixel(img)) {
      img.remove();
      continue;
    }
    const { box, caption } = captionOf(img);
    const n = figures.length;
    figures.push({ src, alt: collapse(img.getAttribute('alt') ?? ''), caption });

    const figure = doc.createElement('figure');
    figure.setAttribute('data-figure', String(n));
    const clean = doc.createElement('img');
    clean.setAttribute('src', src);
    clean.setAttribute('alt', figures[n]!.alt);
    figure.append(clean);
    if (caption) {
      const figcaption = doc.createElement('figcaption');
      figcaption.textContent = caption;
      figure.append(figcaption);
    }
    // A figure cannot sit inside a paragraph: one found mid-sentence goes after the paragraph.
    const paragraph = box.parentElement?.closest('p, h1, h2, h3, h4, h5, h6, li, blockquote');
    if (paragraph && paragraph !== box && doc.body.contains(paragraph)) {
      box.remove();
      const after = placedAfter.get(paragraph) ?? paragraph;
      after.after(figure);
      placedAfter.set(paragraph, figure);
    } else {
      box.replaceWith(figure);
    }
  }
  return figures;
}

const BLOCKS = new Set([
  'P', 'DIV', 'SECTION', 'ARTICLE', 'ASIDE', 'HEADER', 'FOOTER', 'NAV', 'MAIN', 'FIGURE', 'BLOCKQUOTE', 'PRE',
  'UL', 'OL', 'DL', 'TABLE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'ADDRESS', 'DETAILS', 'FIELDSET',
]);

/**
 * Feeds often put bare text in a description ("Dredging will take place…", or lines separated by
 * <br><br>). Runs of text and inline markup at the top level become paragraphs, split at blank
 * lines and at double <br>, so every body is made of blocks like every other article.
 */
function wrapLooseText(body: HTMLElement): void {
  const doc = body.ownerDocument;
  let paragraph: HTMLElement | null = null;
  const close = () => {
    if (paragraph && !(paragraph.textContent ?? '').trim() && !paragraph.querySelector('img')) paragraph.remove();
    paragraph = null;
  };
  for (const node of Array.from(body.childNodes)) {
    const isBlock = node.nodeType === node.ELEMENT_NODE && BLOCKS.has((node as Element).tagName);
    if (isBlock) {
      close();
      continue;
    }
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).tagName === 'BR' && node.nextSibling?.nodeName === 'BR') {
      close();
      node.nextSibling.remove();
      node.remove();
      continue;
    }
    if (node.nodeType === node.TEXT_NODE && /\n\s*\n/.test(node.nodeValue ?? '')) {
      const parts = (node.nodeValue ?? '').split(/\n\s*\n/);
      parts.forEach((part, i) => {
        if (i > 0) close();
        if (!paragraph) {
          paragraph = doc.createElement('p');
          body.insertBefore(paragraph, node);
        }
        paragraph.append(doc.createTextNode(part));
      });
      node.remove();
      continue;
    }
    if (!paragraph) {
      if (node.nodeType === node.TEXT_NODE && !(node.nodeValue ?? '').trim()) continue;
      paragraph = doc.createElement('p');
      body.insertBefore(paragraph, node);
    }
    paragraph.append(node);
  }
  close();
}

function captionOf(img: Element): { box: Element; caption: string } {
  const figure = img.closest('figure');
  if (figure && figure.querySelectorAll('img').length === 1) {
    const figcaption = figure.querySelector('figcaption');
    return { box: figure, caption: collapse(figcaption?.textContent ?? '') };
  }
  const wp = img.closest('.wp-caption');
  if (wp && wp.querySelectorAll('img').length === 1) {
    return { box: wp, caption: collapse(wp.querySelector('.wp-caption-text, figcaption')?.textContent ?? '') };
  }
  // The image with the link or paragraph that holds nothing else.
  let box: Element = img;
  for (let parent = img.parentElement; parent && parent.tagName !== 'BODY'; parent = parent.parentElement) {
    if (!/^(?:A|P|SPAN|DIV|PICTURE|CENTER)$/.test(parent.tagName) || !holdsOnly(parent, box)) break;
    box = parent;
  }
  const next = box.nextElementSibling;
  if (next && next.tagName !== 'IMG' && !next.querySelector('img') &&
      (next.tagName === 'FIGCAPTION' || CAPTION_CLASS.test(next.getAttribute('class') ?? ''))) {
    const caption = collapse(next.textContent ?? '');
    if (caption.length <= 400) {
      next.remove();
      return { box, caption };
    }
  }
  return { box, caption: '' };
}

function holdsOnly(parent: Element, child: Element): boolean {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node === child) continue;
    if (node.nodeType === node.TEXT_NODE && !(node.nodeValue ?? '').trim()) continue;
    if (node.nodeType === node.COMMENT_NODE) continue;
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).tagName === 'SOURCE') continue;
    return false;
  }
  return true;
}

/** The address to keep for an image: a sensible srcset candidate, else src, else a lazy-load attribute. */
function imageSource(img: Element, base: string): string | null {
  const srcsets = [img.getAttribute('srcset'), img.getAttribute('data-srcset')];
  const picture = img.parentElement?.tagName === 'PICTURE' ? img.parentElement : null;
  if (picture) {
    for (const source of Array.from(picture.querySelectorAll('source[srcset]'))) {
      const type = source.getAttribute('type') ?? '';
      if (!type || /^image\/(?:jpeg|png|webp|gif|avif)$/i.test(type)) srcsets.push(source.getAttribute('srcset'));
    }
  }
  for (const srcset of srcsets) {
    const picked = srcset ? pickFromSrcset(srcset) : null;
    const url = picked ? absolute(picked, base, false) : null;
    if (url) return url;
  }
  for (const attr of ['src', 'data-src', 'data-lazy-src', 'data-original']) {
    const raw = img.getAttribute(attr);
    if (!raw || /^data:image\/gif/i.test(raw)) continue;
    const url = absolute(raw, base, false);
    if (url) return url;
  }
  return null;
}

/** The widest candidate up to 1600 px wide (or up to 2x), else the narrowest one above that. */
function pickFromSrcset(srcset: string): string | null {
  const candidates = parseSrcset(srcset);
  return (pickSrcsetCandidate(candidates) ?? smallestSrcsetCandidate(candidates))?.url ?? null;
}

function isTrackingPixel(img: Element): boolean {
  const w = Number(img.getAttribute('width'));
  const h = Number(img.getAttribute('height'));
  return (img.hasAttribute('width') && w <= 1) || (img.hasAttribute('height') && h <= 1);
}

/** An absolute http(s) address (or mailto:/# for links), or null. */
export function absolute(raw: string, base: string, isLink: boolean): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (isLink && (value.startsWith('#') || /^mailto:/i.test(value))) return value;
  if (!isLink && /^data:image\/(?:png|jpe?g|gif|webp|avif)[;,]/i.test(value)) return value;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function rename(el: Element, tag: string): void {
  const replacement = el.ownerDocument.createElement(tag);
  while (el.firstChild) replacement.append(el.firstChild);
  el.replaceWith(replacement);
}

/** The body as text (see {@link htmlToPlainText}). */
export const plainText = htmlToPlainText;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
