import { FIGURE_CONTROL, isSmall, isTrackingPixel, readableText } from './html-figures.js';
import { cleanByline, collapse, comparable, PHRASING, SHORT_BOX_CHARS, textLongerThan } from './html-helpers.js';

/**
 * Changes made to the page before Readability sees it: bylines, author boxes, datelines, kickers
 * and sign-up boxes out, lazy images out of <noscript>, zoom buttons out of figures. Each works
 * around something Readability keeps or loses; apart so the pipeline reads as a list of steps.
 */

/** Readability's own byline test: rel=author, itemprop=author, or a byline-ish class or id. */
const BYLINE_CLASS = /byline|author|dateline|writtenby|p-author/i;

function isBylineElement(el: Element): boolean {
  const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
  const itemprop = el.getAttribute('itemprop') ?? '';
  if (!rel.includes('author') && !itemprop.includes('author') && !BYLINE_CLASS.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return false;
  const length = (el.textContent ?? '').trim().length;
  return length > 0 && length < 100 && !el.querySelector('img, h1, h2, h3');
}

/**
 * Readability removes only the first byline it sees, and none at all once the page's metadata
 * names an author, so "By Jane Doe" lines stay in its output. We remove them ourselves: every
 * byline element that starts with "By" or names the author. Returns the author, falling back to
 * the first byline's text (without a <time> in it).
 */
export function removeBylines(doc: Document, metaAuthor: string | null): string | null {
  const bylines: Element[] = [];
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    // Document order: an element inside an earlier byline is inside the latest one.
    if (bylines.at(-1)?.contains(el)) continue;
    if (isBylineElement(el)) bylines.push(el);
  }
  // Without the date: Reuters' byline box holds both ("Anna Hirtenstein" + <time>March 12, 2024…).
  const first = bylines[0];
  const author = metaAuthor ?? cleanByline(first && readableText(first, (el) => el.tagName === 'TIME'));
  const needle = author?.toLowerCase();
  for (const el of bylines) {
    const text = collapse(el.textContent ?? '');
    if (/^by\b/i.test(text) || (needle && text.toLowerCase().includes(needle))) el.remove();
  }
  return author;
}

/** A box about the author: class, id or itemprop, or a rel=author link around the picture. */
const AUTHOR_BOX = /author|byline|avatar|contributor/i;

function isAuthorBox(el: Element): boolean {
  if ((el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('author')) return true;
  return AUTHOR_BOX.test(`${el.getAttribute('class') ?? ''} ${el.id} ${el.getAttribute('itemprop') ?? ''}`);
}

/**
 * "<div class="author-box"><img src=avatar.jpg> Jane Doe · Transport correspondent</div>": the
 * outermost short author box around a picture goes whole, after removeBylines has read the name.
 * Left in, its picture became the first figure and its job title the lead.
 */
export function removeAuthorBoxes(doc: Document): void {
  for (const img of Array.from(doc.body.querySelectorAll('img'))) {
    let box: Element | null = null;
    for (let el = img.parentElement; el && el !== doc.body; el = el.parentElement) {
      if (el.matches('article, main, [role="main"]') || textLongerThan(el, SHORT_BOX_CHARS) || el.querySelector('h1, h2, h3')) break;
      if (isAuthorBox(el)) box = el;
    }
    box?.remove();
  }
}

const DATELINE_BLOCKS = new Set(['P', 'DIV', 'SECTION', 'HEADER', 'FOOTER', 'ASIDE']);

/**
 * "Published <time>…</time> by" lines: publishedAt already holds the date. Removes the block that
 * holds little besides a <time>; with no such block (a <span class="posted-on"> or a bare <time>
 * straight inside the <article>), the short line of inline content around it. A <time> inside a
 * sentence, or straight inside a list item or table cell, stays: a timeline of events is content
 * (a layout table around the page is not). Never a block with a heading in it: a short headline
 * in a <header> with the date ("Storm hits coast" + "12 March 2024") is under the limit too, and
 * without its headline the lead photo after it was no longer recognised.
 */
export function removeDatelines(doc: Document): void {
  for (const time of Array.from(doc.body.querySelectorAll('time'))) {
    if (!time.isConnected) continue;
    const limit = collapse(time.textContent ?? '').length + 25;
    let block: Element | null = null;
    let top: Element = time;
    for (let el = time.parentElement; el && el !== doc.body; el = el.parentElement) {
      if (el.matches('article, main, li, dd, td, th') || collapse(el.textContent ?? '').length > limit) break;
      if (el.querySelector('h1, h2, h3, h4, h5, h6')) break;
      top = el;
      if (DATELINE_BLOCKS.has(el.tagName)) block = el;
    }
    if (block) {
      block.remove();
      continue;
    }
    if (!PHRASING.has(top.tagName) || top.parentElement?.matches('li, dd, td, th')) continue;
    const line = shortInlineLine(top, limit);
    if (line) for (const node of line) node.remove();
  }
}

/**
 * el and the text and inline elements on either side of it, up to the nearest blocks, when that
 * line is at most `limit` characters; else null. Null too for one of several lines split by <br>
 * ("<time>1877</time>: the lantern cracks<br>…" is a timeline). Gives up after a few nodes, so a
 * page of many <time>s in one long run of text does not read that run once per <time>.
 */
function shortInlineLine(el: Element, limit: number): ChildNode[] | null {
  const inline = (node: ChildNode | null): node is ChildNode =>
    node !== null && (node.nodeType === node.TEXT_NODE || (node.nodeType === node.ELEMENT_NODE && PHRASING.has((node as Element).tagName)));
  const line: ChildNode[] = [el];
  let raw = (el.textContent ?? '').trim().length;
  const add = (node: ChildNode, atStart: boolean): boolean => {
    if (line.length >= 12) return false;
    raw += (node.textContent ?? '').trim().length;
    if (atStart) line.unshift(node);
    else line.push(node);
    return raw <= 4 * limit;
  };
  let before = el.previousSibling;
  for (; inline(before); before = before.previousSibling) if (!add(before, true)) return null;
  let after = el.nextSibling;
  for (; inline(after); after = after.nextSibling) if (!add(after, false)) return null;
  if ((before as Element | null)?.tagName === 'BR' || (after as Element | null)?.tagName === 'BR') return null;
  return collapse(line.map((node) => node.textContent ?? '').join('')).length <= limit ? line : null;
}

/** Section labels and breadcrumbs printed just above the headline ("Europe", "News › Local"). */
export function removeKicker(doc: Document, title: string): void {
  const key = comparable(title);
  const heading = Array.from(doc.body.querySelectorAll('h1')).find((h) => comparable(h.textContent) === key);
  let sibling = heading?.previousElementSibling;
  while (sibling) {
    const previous = sibling.previousElementSibling;
    if (collapse(sibling.textContent ?? '').length < 60 && !sibling.querySelector('img, picture, figure')) sibling.remove();
    sibling = previous;
  }
}

/**
 * Newsletter and log-in boxes: Readability drops the <form> but keeps the box's heading. A form
 * holding lots of text or the headline is a page-wide wrapper (ASP.NET) and is left alone.
 */
export function removeSignupForms(doc: Document): void {
  for (const form of Array.from(doc.body.querySelectorAll('form'))) {
    if (!form.isConnected) continue;
    const formText = collapse(form.textContent ?? '').length;
    if (formText > 500 || form.querySelector('article, main, h1')) continue;
    const box = form.parentElement;
    const boxOnly = box && box !== doc.body && !box.matches('article, main, [role="main"]') &&
      collapse(box.textContent ?? '').length - formText < 100;
    (boxOnly ? box : form).remove();
  }
}

/**
 * With scripting off, jsdom parses <noscript> as markup; lazy-loading pages put the real <img>
 * there, after a placeholder. Readability deletes every <noscript>, so the fallback is swapped in
 * (or unwrapped) first. The placeholder may come wrapped (<picture>, <span class="lazy-wrap">):
 * then the one image in the wrapper is swapped, else the page's picture came out twice.
 */
export function unwrapNoscriptImages(doc: Document): void {
  for (const noscript of Array.from(doc.body.querySelectorAll('noscript'))) {
    const imgs = noscript.querySelectorAll('img');
    const img = imgs[0];
    if (imgs.length !== 1 || !img || collapse(noscript.textContent ?? '') !== '') continue;
    const previous = placeholderBefore(noscript, img);
    if (previous) {
      if (!img.getAttribute('alt') && previous.getAttribute('alt')) img.setAttribute('alt', previous.getAttribute('alt')!);
      for (const attr of ['class', 'width', 'height']) {
        if (!img.hasAttribute(attr) && previous.hasAttribute(attr)) img.setAttribute(attr, previous.getAttribute(attr)!);
      }
      previous.replaceWith(img);
      noscript.remove();
    } else {
      noscript.replaceWith(img);
    }
  }
}

/**
 * The <img> just before a <noscript>, on its own or as the only image of a wrapper with no text
 * (not for a tracking pixel's <noscript> that happens to follow a photo).
 */
function placeholderBefore(noscript: Element, fallback: Element): Element | null {
  const previous = noscript.previousElementSibling;
  if (!previous || previous.tagName === 'IMG') return previous;
  if (previous.tagName === 'NOSCRIPT' || isTrackingPixel(fallback) || textLongerThan(previous, 0)) return null;
  const imgs = previous.querySelectorAll('img');
  return imgs.length === 1 ? imgs[0]! : null;
}

/**
 * A zoom button's icon, a "pin it" image or a blurred preview (old Medium: a 60 px thumbnail
 * before the real image) inside a <figure> made it a figure of several images: the photo lost its
 * caption to the icon, or the figure fell apart. They go, unless nothing else would be left.
 */
export function removeFigureControls(doc: Document): void {
  for (const figure of Array.from(doc.body.querySelectorAll('figure'))) {
    const imgs = Array.from(figure.querySelectorAll('img'));
    if (imgs.length < 2) continue;
    const controls = imgs.filter((img) => isFigureControl(img, figure));
    if (controls.length < imgs.length) for (const img of controls) img.remove();
  }
}

function isFigureControl(img: Element, figure: Element): boolean {
  if (isSmall(img)) return true;
  for (let el: Element | null = img; el && el !== figure; el = el.parentElement) {
    if (el.tagName === 'BUTTON' || el.getAttribute('role') === 'button') return true;
    if (FIGURE_CONTROL.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return true;
  }
  return false;
}
