import {
  CAPTION_ATTR, FIGURE_ATTR, IMG_ATTR, SEQ_ATTR, holdsOnly, isTrackingPixel, readableText, type ImageInfo, type LeadZone,
} from './html-figures.js';
import { collapse, comparable } from './html-helpers.js';
import { imageSource } from './html-image-source.js';
import { escapeHtml } from './sanitize.js';
import type { ParsedFigure } from './types.js';

/**
 * The article Readability returned, made into ours: dropped figures put back, every image rebuilt
 * as <figure data-figure="N"> with its remembered caption, the body tidied, the lead taken out and
 * the HTML flattened for the sanitiser. Apart from html-figures.ts because it works on
 * Readability's output, where the images are known only by their marks.
 */

/**
 * Readability sometimes drops a whole captioned figure, the lead photo above the text most of all.
 * A dropped real figure that sat between two blocks Readability kept goes back after the nearest
 * kept block before it (as a bare marked <img>; rebuildFigures gives it its caption). A lead
 * figure (between the headline and the first kept block, when that block is in the headline's
 * article) goes back before the first kept block.
 */
export function restoreDroppedFigures(body: Element, images: ImageInfo[], leadZone: LeadZone | null): void {
  const survivors = new Set(Array.from(body.querySelectorAll(`[${IMG_ATTR}]`), (el) => Number(el.getAttribute(IMG_ATTR))));
  const anchors = Array.from(body.querySelectorAll(`[${SEQ_ATTR}]`), (el) => ({ el, seq: Number(el.getAttribute(SEQ_ATTR)) }))
    .sort((a, b) => a.seq - b.seq);
  if (anchors.length === 0) return;
  const first = anchors[0]!.seq;
  const last = anchors[anchors.length - 1]!.seq;
  const leadsBack = leadZone !== null && first > leadZone.from && first <= leadZone.to;
  const doc = body.ownerDocument;
  // Never inside another figure's box: that box is about to be replaced whole.
  const outside = (anchor: Element): Element => anchor.closest(`[${FIGURE_ATTR}]`) ?? anchor;
  // Several figures after one anchor (a dropped gallery) go after each other, not each straight
  // after the anchor: that stored them in reverse.
  const lastAfter = new Map<Element, Element>();
  images.forEach((info, index) => {
    if (survivors.has(index) || !info.restorable) return;
    const img = doc.createElement('img');
    img.setAttribute(IMG_ATTR, String(index));
    img.setAttribute(SEQ_ATTR, String(info.seq));
    if (info.seq < first && info.lead && leadsBack) outside(anchors[0]!.el).before(img);
    else if (info.seq > first && info.seq < last) {
      const anchor = outside(anchors[lastIndexBelow(anchors, info.seq)]!.el);
      (lastAfter.get(anchor) ?? anchor).after(img);
      lastAfter.set(anchor, img);
    }
  });
}

function lastIndexBelow(anchors: Array<{ seq: number }>, seq: number): number {
  let lo = 0;
  let hi = anchors.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (anchors[mid]!.seq < seq) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Replaces each surviving image (and the box it came in) with
 * <figure data-figure="N"><img src alt><figcaption>caption</figcaption></figure>, N in order.
 */
export function rebuildFigures(body: Element, images: ImageInfo[]): ParsedFigure[] {
  const figures: ParsedFigure[] = [];
  const done = new Set<number>();
  const lastAfter = new Map<Element, Element>();
  const base = body.ownerDocument.baseURI;
  for (const img of Array.from(body.querySelectorAll('img'))) {
    if (!body.contains(img)) continue; // went with an earlier figure's box
    const marked = img.getAttribute(IMG_ATTR);
    const info = marked !== null ? images[Number(marked)] : describeUnmarkedImage(img, base);
    if (!info || (marked !== null && done.has(Number(marked)))) {
      removePruning(img, body);
      continue;
    }
    if (marked !== null) done.add(Number(marked));
    const figure = buildFigure(body.ownerDocument, figures.length, info);
    figures.push({ src: info.src, alt: info.alt, caption: info.caption });
    placeFigure(figure, figureBox(img, marked, body, lastAfter), body, lastAfter);
  }
  for (const caption of Array.from(body.querySelectorAll(`[${CAPTION_ATTR}]`))) removePruning(caption, body);
  dropRepeatedCaptions(body);
  unwrapForeignFigures(body);
  return figures;
}

/** An image Readability made itself (from a lazy <figure>), which we never saw. */
function describeUnmarkedImage(img: Element, base: string): ImageInfo | null {
  const source = imageSource(img, base);
  if (!source || isTrackingPixel(img)) return null;
  const caption = img.closest('figure')?.querySelector('figcaption');
  return {
    ...source,
    alt: collapse(img.getAttribute('alt') ?? ''),
    caption: caption ? readableText(caption) : '',
    seq: -1,
    restorable: false,
  };
}

function buildFigure(doc: Document, n: number, info: ImageInfo): Element {
  const figure = doc.createElement('figure');
  figure.setAttribute('data-figure', String(n));
  if (info.displayable) {
    const img = doc.createElement('img');
    img.setAttribute('src', info.src);
    img.setAttribute('alt', info.alt);
    figure.append(img);
  }
  if (info.caption) {
    const figcaption = doc.createElement('figcaption');
    figcaption.textContent = info.caption;
    figure.append(figcaption);
  }
  return figure;
}

/**
 * The element the rebuilt figure replaces: the marked box, widened over now-empty wrappers. Not
 * over a paragraph that earlier figures already left (see placeFigure): it holds only this image
 * now, but its figures stand after it, and this one belongs after them.
 */
function figureBox(img: Element, marked: string | null, body: Element, lastAfter: Map<Element, Element>): Element {
  let box = (marked !== null ? img.closest(`[${FIGURE_ATTR}="${marked}"]`) : null) ?? img;
  if (!body.contains(box) || box === body) box = img;
  for (let parent = box.parentElement; parent && parent !== body; parent = parent.parentElement) {
    if (!/^(?:P|A|SPAN|DIV|PICTURE|CENTER|FIGURE|SECTION)$/.test(parent.tagName) || !holdsOnly(parent, box) || lastAfter.has(parent)) break;
    box = parent;
  }
  return box;
}

/**
 * A figure cannot live inside a paragraph: one found mid-paragraph goes after it (after the
 * figures that left it before), and a paragraph left empty goes.
 */
function placeFigure(figure: Element, box: Element, body: Element, lastAfter: Map<Element, Element>): void {
  const paragraph = box.parentElement?.closest('p, h1, h2, h3, h4, h5, h6');
  if (paragraph && body.contains(paragraph)) {
    box.remove();
    (lastAfter.get(paragraph) ?? paragraph).after(figure);
    lastAfter.set(paragraph, figure);
    if (isBare(paragraph)) removePruning(paragraph, body);
  } else {
    box.replaceWith(figure);
  }
}

/** A caption Readability kept as a paragraph next to the image, now repeated in the figcaption. */
function dropRepeatedCaptions(body: Element): void {
  for (const figure of Array.from(body.querySelectorAll('figure[data-figure]'))) {
    const caption = comparable(figure.querySelector('figcaption')?.textContent);
    if (!caption) continue;
    for (const sibling of [figure.previousElementSibling, figure.nextElementSibling]) {
      if (sibling?.tagName === 'P' && comparable(sibling.textContent) === caption) sibling.remove();
    }
  }
}

/** Every <figure> in the stored HTML is ours; others (pull quotes, emptied galleries) are unwrapped. */
function unwrapForeignFigures(body: Element): void {
  for (const figure of Array.from(body.querySelectorAll('figure:not([data-figure])'))) {
    for (const caption of Array.from(figure.querySelectorAll(':scope > figcaption'))) {
      const p = body.ownerDocument.createElement('p');
      p.append(...Array.from(caption.childNodes));
      caption.replaceWith(p);
    }
    figure.replaceWith(...Array.from(figure.childNodes));
  }
}

/** Removes el and any wrapper left empty by its removal. */
function removePruning(el: Element, body: Element): void {
  let parent: Element | null = el.parentElement;
  el.remove();
  while (parent && parent !== body && isBare(parent)) {
    const next: Element | null = parent.parentElement;
    parent.remove();
    parent = next;
  }
}

/**
 * No child elements and no text. Looks at children only and stops early: removing many captions
 * from a long article must not read the whole article each time.
 */
function isBare(el: Element): boolean {
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) return false;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() !== '') return false;
  }
  return true;
}

// Body clean-up --------------------------------------------------------------------------------

export function tidyBody(body: Element, title: string): void {
  normaliseHeadings(body);
  removeTitleHeading(body, title);
  removeTrailingLinkLines(body);
}

const HEADING_LEVEL: Record<string, string> = { H1: 'h2', H2: 'h2', H3: 'h3', H4: 'h4', H5: 'h4', H6: 'h4' };

/** The reader styles three levels below the title: h1/h2 → h2, h3 → h3, h4–h6 → h4. */
function normaliseHeadings(body: Element): void {
  for (const heading of Array.from(body.querySelectorAll('h1, h5, h6'))) {
    const renamed = body.ownerDocument.createElement(HEADING_LEVEL[heading.tagName]!);
    renamed.append(...Array.from(heading.childNodes));
    heading.replaceWith(renamed);
  }
}

function removeTitleHeading(body: Element, title: string): void {
  const first = body.querySelector('h2, h3, h4');
  if (first && comparable(first.textContent) === comparable(title)) removePruning(first, body);
}

/** "« Back to news | Print | Email to a friend" after the last paragraph: two links or more, mostly link. */
function removeTrailingLinkLines(body: Element): void {
  const paragraphs = Array.from(body.querySelectorAll('p'));
  for (let i = paragraphs.length - 1; i >= 0; i--) {
    const p = paragraphs[i]!;
    const text = collapse(p.textContent ?? '');
    const links = Array.from(p.querySelectorAll('a'));
    const linkText = links.reduce((sum, a) => sum + collapse(a.textContent ?? '').length, 0);
    if (text.length >= 150 || links.length < 2 || linkText < text.length / 2) return;
    removePruning(p, body);
  }
}

/**
 * The standfirst. A description that is not just one of the first blocks (or its truncation) is
 * the lead as it stands; otherwise that block is, and it leaves the body so it is not shown twice.
 * The block may be a heading (Medium's h2.pw-subtitle-paragraph, Substack's h3.subtitle). With no
 * description the first paragraph is the lead. The only paragraph of a page never leaves the body.
 */
export function takeLead(body: Element, described: string | null): string {
  const paragraphs = Array.from(body.querySelectorAll('p')).filter(isTextBlock);
  const third = paragraphs[2];
  const leading: Element[] = [];
  for (const block of Array.from(body.querySelectorAll('p, h2, h3, h4'))) {
    if (isTextBlock(block)) leading.push(block);
    if (block === third) break;
  }
  const match = described ? leading.find((block) => repeats(described, block)) : paragraphs[0];
  if (!match) return described ?? '';
  if (match.tagName === 'P' && paragraphs.length < 2) return '';
  const lead = blockText(match);
  removePruning(match, body);
  return lead;
}

function isTextBlock(el: Element): boolean {
  return !el.closest('figure, blockquote, li, table') && collapse(el.textContent ?? '') !== '';
}

/**
 * Whether a description is the block, or the block cut short ("…" or not). White space does not
 * count: pages glue a location stamp to the sentence ("Hà Nội</span>Xe máy") or break lines
 * differently from their description. A description may also leave the stamp out.
 */
function repeats(description: string, block: Element): boolean {
  const d = comparable(description.replace(/(?<!\s)\s*(?:…|\.\.\.)$/, ''));
  if (d === '') return false;
  const stamp = leadingStamp(block);
  const text = blockText(block);
  const texts = stamp ? [text, text.slice(collapse(stamp.textContent ?? '').length)] : [text];
  const dense = withoutSpace(d);
  return texts.some((t) => {
    const p = withoutSpace(comparable(t));
    return dense === p || (d.length >= 40 && p.startsWith(dense));
  });
}

function withoutSpace(text: string): string {
  return text.replace(/\s/g, '');
}

/**
 * A short inline element that opens a paragraph: a location stamp ("Hà Nội", "WASHINGTON —"),
 * a label ("Analysis"). A one-letter drop cap is not one.
 */
function leadingStamp(block: Element): Element | null {
  let first = block.firstChild;
  while (first && (first.nodeType === first.COMMENT_NODE || (first.nodeType === first.TEXT_NODE && (first.nodeValue ?? '').trim() === ''))) {
    first = first.nextSibling;
  }
  if (!first || first.nodeType !== first.ELEMENT_NODE || !/^(?:SPAN|STRONG|B|EM|I|SMALL)$/.test((first as Element).tagName)) return null;
  const length = collapse(first.textContent ?? '').length;
  return length >= 2 && length <= 40 ? (first as Element) : null;
}

/**
 * A block's text as a reader sees it: a <br> and the end of a location stamp glued to a capital
 * ("Hà Nội</span>Xe máy") separate words, which textContent would run together.
 */
function blockText(block: Element): string {
  const stamp = leadingStamp(block);
  let text = '';
  const walk = (parent: Node): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) text += node.nodeValue ?? '';
      else if (node.nodeType !== node.ELEMENT_NODE) continue;
      else if ((node as Element).tagName === 'BR') text += ' ';
      else {
        walk(node);
        if (node === stamp && /^\p{Lu}/u.test(node.nextSibling?.nodeValue ?? '')) text += ' ';
      }
    }
  };
  walk(block);
  return collapse(text);
}

/** Layout wrappers the sanitiser would unwrap anyway (it keeps their content, not the tag). */
const WRAPPERS = new Set(['DIV', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'FOOTER', 'CENTER', 'HGROUP']);

/**
 * body.innerHTML without its layout wrappers. DOMPurify unwraps a disallowed element by moving its
 * children one by one, which jsdom makes quadratic: a long article inside a <div> took seconds.
 * Leaving them out here is linear; the result still goes through the sanitiser as a whole.
 */
export function serializeFlat(body: Element): string {
  const parts: string[] = [];
  const visit = (parent: Element): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) parts.push(escapeHtml(node.nodeValue ?? ''));
      else if (node.nodeType !== node.ELEMENT_NODE) continue;
      else if (WRAPPERS.has((node as Element).tagName)) visit(node as Element);
      else parts.push((node as Element).outerHTML);
    }
  };
  visit(body);
  return parts.join('');
}

/**
 * Removed wrappers leave runs of blank lines between blocks. Only whitespace between tags changes,
 * and not at all when a <pre> is present, where it would show.
 */
export function tidyWhitespace(html: string): string {
  return (html.includes('<pre') ? html : html.replace(/>[^\S\n]*\n\s*</g, '>\n<')).trim();
}
