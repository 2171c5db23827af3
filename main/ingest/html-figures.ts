import { collapse, comparable, isSpace, PHRASING, SHORT_BOX_CHARS, textLongerThan } from './html-helpers.js';
import { imageSource } from './html-image-source.js';
import type { ParsedFigure } from './types.js';

/**
 * The page's images and their captions, found before Readability runs and marked with data
 * attributes, which survive it (html-rebuild.ts reads them afterwards). Captions are what
 * Readability handles worst, and finding them (figures, caption classes, image tables, the line
 * under a picture) is a subject of its own.
 */

export interface ImageInfo extends ParsedFigure {
  /** False when the src could not be made absolute (a saved page read without its URL). */
  displayable: boolean;
  /** Position among the page's blocks, to put the figure back if Readability drops it. */
  seq: number;
  /** A real figure (a <figure>, or captioned) outside page chrome: worth restoring. */
  restorable: boolean;
  /** A restorable figure between the headline and the text, inside the article: the lead photo. */
  lead?: boolean;
}

export const IMG_ATTR = 'data-bs-img';
export const FIGURE_ATTR = 'data-bs-figure';
export const CAPTION_ATTR = 'data-bs-caption';
export const SEQ_ATTR = 'data-bs-seq';

/**
 * Gives every content image a number (data-bs-img) and remembers its best source, alt and caption.
 * The element that holds the image and its caption (a <figure>, a .wp-caption box, an image table)
 * gets data-bs-figure, caption elements outside it get data-bs-caption. Attributes, unlike node
 * identity, survive Readability: it re-parses the page between attempts and renames elements.
 */
export function markImages(doc: Document): ImageInfo[] {
  const images: ImageInfo[] = [];
  const imageTables = new Map<Element, boolean>();
  for (const img of Array.from(doc.body.querySelectorAll('img'))) {
    if (img.closest('svg, math') || !img.isConnected) continue;
    if (isEmoji(img)) {
      // Part of the sentence: it stays there as the character it stands for.
      img.replaceWith(doc.createTextNode(img.getAttribute('alt') ?? ''));
      continue;
    }
    const source = imageSource(img, doc.baseURI);
    if (!source || isTrackingPixel(img)) {
      img.remove();
      continue;
    }
    if (isIcon(img, doc.body)) {
      // A <figure> around nothing but an icon (an author picture with the name under it) goes too.
      const figure = img.closest('figure');
      (figure && figure.querySelectorAll('img').length === 1 ? figure : img).remove();
      continue;
    }
    const index = images.length;
    const { container, caption, text: captionText } = findCaption(img, doc, imageTables);
    container.setAttribute(FIGURE_ATTR, String(index));
    if (caption) markCaption(caption, index);
    img.setAttribute(IMG_ATTR, String(index));
    // A real src keeps the image alive through Readability's lazy-image clean-up.
    if (source.displayable) img.setAttribute('src', source.src);
    images.push({
      src: source.src,
      displayable: source.displayable,
      alt: collapse(img.getAttribute('alt') ?? ''),
      caption: captionText,
      seq: -1,
      restorable: (container.tagName === 'FIGURE' || captionText !== '') && !isInChrome(container, doc.body),
    });
  }
  attachGalleryCaptions(doc, images);
  return images;
}

/**
 * A gallery's own caption under its row of pictures (WordPress's figcaption.blocks-gallery-caption
 * and Ghost's kg-gallery-card figcaption, in a <figure> around the pictures; Tuổi Trẻ's
 * LayoutAlbumCaption after them) goes to the last picture, under which the page prints it, as a
 * <figure> of several images gives its figcaption to the last. When that picture has a caption of
 * its own, the gallery's stays in the text where it stood: no caption is shown twice.
 */
function attachGalleryCaptions(doc: Document, images: ImageInfo[]): void {
  for (const caption of Array.from(doc.body.querySelectorAll('figure > figcaption, [class*="AlbumCaption"]'))) {
    if (caption.closest(`[${CAPTION_ATTR}], [${FIGURE_ATTR}]`) || !isCaptionSized(caption)) continue;
    // The <figure> around a figcaption; a class-named caption may sit a few wrappers below the gallery.
    const levels = caption.tagName === 'FIGCAPTION' ? 1 : 3;
    let gallery = caption.parentElement;
    for (let i = 1; i < levels && gallery && gallery !== doc.body && !gallery.querySelector(`[${IMG_ATTR}]`); i++) gallery = gallery.parentElement;
    const marked = gallery && gallery !== doc.body ? gallery.querySelectorAll(`[${IMG_ATTR}]`) : [];
    const last = marked[marked.length - 1];
    if (marked.length < 2 || !last || !(last.compareDocumentPosition(caption) & 4 /* FOLLOWING */)) continue;
    const index = Number(last.getAttribute(IMG_ATTR));
    if (images[index]!.caption) continue;
    images[index]!.caption = readableText(caption);
    markCaption(caption, index);
  }
}

/**
 * Marks a caption outside its figure, to be removed after Readability. Also the <p> that is all a
 * wrapper holds (<div class="caption"><p>…</p></div>): Readability puts that <p> in the div's place.
 */
function markCaption(caption: Element, index: number): void {
  caption.setAttribute(CAPTION_ATTR, String(index));
  const only = soleChild(caption);
  if (only && (only as Element).tagName === 'P') (only as Element).setAttribute(CAPTION_ATTR, String(index));
}

/**
 * Numbers the page's blocks and images in document order (see ImageInfo.seq). A <div> of text is
 * a paragraph too (Reuters' <div data-testid="paragraph-0">): without them a page of such
 * paragraphs had no numbered block after its lead photo to put the photo back before. Readability
 * puts such a div's text into a new <p> and lets that replace the div, losing our attribute; so
 * the <p> is made here, with the attribute, and Readability takes it as it stands.
 */
export function markSequence(doc: Document, images: ImageInfo[]): void {
  const blocks = doc.body.querySelectorAll(`p, h1, h2, h3, h4, h5, h6, blockquote, pre, ul, ol, dl, table, figure, div, [${IMG_ATTR}]`);
  let seq = 0;
  for (let el of Array.from(blocks)) {
    if (el.tagName === 'DIV') {
      if (!isTextDiv(el)) continue;
      const p = doc.createElement('p');
      p.append(...Array.from(el.childNodes));
      el.append(p);
      el = p;
    }
    el.setAttribute(SEQ_ATTR, String(seq));
    const index = el.getAttribute(IMG_ATTR);
    if (index !== null) images[Number(index)]!.seq = seq;
    seq++;
  }
}

/** What Readability counts as phrasing content, and so puts into a paragraph (a few more are rare). */
const INLINE = new Set([...PHRASING, 'BR', 'IMG', 'PICTURE', 'Q', 'CODE', 'S', 'DEL', 'INS', 'KBD', 'VAR', 'SAMP', 'WBR', 'DFN', 'BDO', 'BDI']);

/** Text straight inside it, and nothing but inline elements beside. Reads only its children. */
function isTextDiv(div: Element): boolean {
  let text = false;
  for (let node = div.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && !INLINE.has((node as Element).tagName)) return false;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() !== '') text = true;
  }
  return text;
}

/** The seq range from the article's headline to the end of the article that holds it. */
export interface LeadZone {
  from: number;
  to: number;
}

/** Author pictures, site logos and the like, which can sit between the headline and the text. */
const NOT_A_LEAD = /avatar|author|byline|headshot|mugshot|logo|gravatar|contributor|icon/i;

/**
 * Marks the figures that sit after the headline inside its article (see ImageInfo.lead), and
 * returns that stretch of the page. The headline is the <h1> that reads as the title, else the
 * first <h1> of an <article> or <main>; the article is its <article>/<main>, else the nearest
 * wrapper that also holds paragraphs. Logos, navigation and ads come before the headline or in
 * chrome; a small or avatar-like image next to it is an author picture.
 */
export function markLeadFigures(doc: Document, images: ImageInfo[], title: string): LeadZone | null {
  const key = comparable(title);
  const headline = Array.from(doc.body.querySelectorAll('h1')).find((h) => comparable(h.textContent) === key) ??
    doc.body.querySelector('article h1, main h1, [role="main"] h1');
  if (!headline?.hasAttribute(SEQ_ATTR)) return null;
  let article = headline.closest('article, main, [role="main"]');
  for (let el = headline.parentElement; !article && el && el !== doc.body; el = el.parentElement) {
    if (el.querySelector('p')) article = el;
  }
  if (!article) return null;
  const blocks = article.querySelectorAll(`[${SEQ_ATTR}]`);
  const zone = { from: Number(headline.getAttribute(SEQ_ATTR)), to: Number(blocks[blocks.length - 1]?.getAttribute(SEQ_ATTR)) };
  for (const img of Array.from(article.querySelectorAll(`[${IMG_ATTR}]`))) {
    const info = images[Number(img.getAttribute(IMG_ATTR))]!;
    if (!info.restorable || info.seq <= zone.from || isSmall(img)) continue;
    let avatar = false;
    for (let el: Element | null = img; el && el !== article && !avatar; el = el.parentElement) {
      avatar = NOT_A_LEAD.test(`${el.getAttribute('class') ?? ''} ${el.id} ${el.getAttribute('itemprop') ?? ''}`);
    }
    info.lead = !avatar;
  }
  return zone;
}

/** WordPress, Twemoji and forum smileys: <img class="emoji" alt="😀" src=".../1f600.svg">. */
const EMOJI_CLASS = /(?:^|\s)(?:emoji|emoticon|smiley|wp-smiley|twemoji)(?:$|\s)/i;

/** Emoji or pictographs only (the alt of an emoji image), with their joiners and variation selectors. */
const EMOJI_ALT = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3\s]+$/u;

/** An emoji drawn as an image: text, not a figure. */
function isEmoji(img: Element): boolean {
  const alt = (img.getAttribute('alt') ?? '').trim();
  return EMOJI_CLASS.test(img.getAttribute('class') ?? '') ||
    (alt.length <= 16 && /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(alt) && EMOJI_ALT.test(alt));
}

/** Declared under 100 pixels wide or high: an icon or author picture, not a photo. A percentage is no size. */
export function isSmall(img: Element): boolean {
  return ['width', 'height'].some((name) => {
    const value = (img.getAttribute(name) ?? '').trim();
    return /^\d+(?:\.\d+)?(?:px)?$/i.test(value) && Number.parseFloat(value) < 100;
  });
}

/** Share buttons, social links and author pictures: the boxes whose images are icons. */
const ICON_BOX = /(?:^|[\s_-])(?:share|sharing|sharedaddy|social|socials)(?:$|[\s_-])|author|avatar|byline/i;

/**
 * An image that is not a figure: declared small, or in (or itself) a share, social or author
 * box. Only short boxes count: an article wrapper with a "has-share-buttons" class holds photos.
 */
function isIcon(img: Element, body: Element): boolean {
  if (isSmall(img)) return true;
  for (let el: Element | null = img; el && el !== body; el = el.parentElement) {
    if (el !== img && (el.matches('article, main, [role="main"]') || textLongerThan(el, SHORT_BOX_CHARS))) return false;
    if (ICON_BOX.test(`${el.getAttribute('class') ?? ''} ${el.id}`)) return true;
  }
  return false;
}

/** Old Wikipedia's thumbcaption, and the class names CMSs give a caption. */
const CAPTION_CLASS = /(?:^|[\s_-])(?:wp-caption-text|caption|image-caption|img-caption|photo-caption|image_desc|image-desc|thumbcaption)(?:$|[\s_-])/i;

interface FoundCaption {
  /** The element the rebuilt figure replaces. */
  container: Element;
  /** The caption element when it lies outside the container (it is removed after Readability). */
  caption: Element | null;
  /** The caption as a reader sees it. */
  text: string;
}

/** Where the image's caption is, and which element to replace with the rebuilt figure. */
function findCaption(img: Element, doc: Document, imageTables: Map<Element, boolean>): FoundCaption {
  const figure = img.closest('figure');
  if (figure && figure.querySelectorAll('img').length === 1) return figureCaption(figure);
  const wpCaption = img.closest('.wp-caption');
  if (wpCaption && wpCaption.querySelectorAll('img').length === 1) {
    return captionOf(wpCaption, captionIn(wpCaption, '.wp-caption-text, figcaption, p'));
  }
  const table = img.closest('table');
  if (table && isImageTable(table, imageTables)) return captionOf(table, tableCaption(table));

  const holder = imageHolder(img);
  const describedBy = img.getAttribute('aria-describedby');
  const described = describedBy ? doc.getElementById(describedBy) : null;
  if (described && isCaptionSized(described)) return captionOf(holder, described);
  const next = holder.nextElementSibling;
  const nextIsCaption = next && (next.tagName === 'FIGCAPTION' || CAPTION_CLASS.test(next.getAttribute('class') ?? ''));
  if (nextIsCaption && isCaptionSized(next)) return captionOf(holder, next);
  const line = nextContent(holder);
  const isLine = line !== null && line.nodeType === line.ELEMENT_NODE && isCaptionLine(line as Element, holder);
  return captionOf(holder, isLine ? line as Element : null);
}

function captionOf(container: Element, caption: Element | null): FoundCaption {
  return { container, caption, text: caption ? readableText(caption) : '' };
}

/**
 * A <figure>'s caption is all the text in it, the figcaption (or an element with a caption class)
 * first: a credit beside the picture (<small class="credit">, BBC's "Image source, Getty Images")
 * follows it, and a <figure> with a <div class="caption"> and no figcaption has its caption too.
 * The figure is replaced whole, so text left out here would be lost. Not a "View larger" link to
 * the picture's file, though.
 */
function figureCaption(figure: Element): FoundCaption {
  const caption = captionIn(figure, 'figcaption') ??
    Array.from(figure.querySelectorAll('[class]')).find((el) => CAPTION_CLASS.test(el.getAttribute('class')!) && isCaptionSized(el)) ?? null;
  const main = caption ? readableText(caption) : '';
  const rest = readableText(figure, (el) => el === caption || (el.tagName === 'A' && IMAGE_FILE.test(el.getAttribute('href') ?? '')));
  return { container: figure, caption: null, text: rest.length > MAX_CAPTION ? main : joinCaption(main, rest) };
}

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/** "The old bridge" + "Photo: Reuters" → "The old bridge. Photo: Reuters". */
function joinCaption(caption: string, credit: string): string {
  if (!caption || caption.includes(credit)) return caption || credit;
  return `${caption}${/[.!?…:;"”’»]$/.test(caption) ? '' : '.'} ${credit}`;
}

function captionIn(root: Element, selector: string): Element | null {
  return Array.from(root.querySelectorAll(selector)).find(isCaptionSized) ?? null;
}

/** Longer than this, the line under a picture is the article's text rather than its caption (as in the Markdown importer). */
const MAX_LINE_CAPTION = 200;

const EMPHASIS = new Set(['EM', 'I']);

/**
 * A caption written as the line under the picture and not marked as one, as the Markdown and text
 * importers read it: a short paragraph wholly in italics, or centred under a centred picture
 * (<p style="text-align:center"><img></p><p style="text-align:center">…</p>, common at Vietnamese
 * papers), or an <em> alone after the picture (and a <br>) in the picture's own block.
 */
function isCaptionLine(line: Element, holder: Element): boolean {
  const length = collapse(line.textContent ?? '').length;
  if (length === 0 || length > MAX_LINE_CAPTION || line.querySelector('img')) return false;
  if (EMPHASIS.has(line.tagName)) return nextContent(line) === null && previousContent(holder) === null;
  if (!/^(?:P|DIV|CENTER)$/.test(line.tagName)) return false;
  return isWhollyEmphasised(line) || (isCentred(line) && isCentred(holder));
}

/** <p><em>…</em></p>, also inside a <strong> or <span>. */
function isWhollyEmphasised(block: Element): boolean {
  let el = block;
  for (;;) {
    const only = soleChild(el);
    if (!only || only.nodeType !== only.ELEMENT_NODE) return false;
    el = only as Element;
    if (EMPHASIS.has(el.tagName)) return true;
    if (!/^(?:SPAN|STRONG|B|FONT|SMALL)$/.test(el.tagName)) return false;
  }
}

function isCentred(el: Element): boolean {
  return el.tagName === 'CENTER' || (el.getAttribute('align') ?? '').toLowerCase() === 'center' ||
    /text-align\s*:\s*center/i.test(el.getAttribute('style') ?? '');
}

/** White space and comments do not count as content; a <br> does not either, for a caption line. */
function isFiller(node: Node): boolean {
  return node.nodeType === node.COMMENT_NODE || (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() === '') ||
    (node as Element).tagName === 'BR';
}

function nextContent(node: Node): ChildNode | null {
  let next = node.nextSibling;
  while (next && isFiller(next)) next = next.nextSibling;
  return next;
}

function previousContent(node: Node): ChildNode | null {
  let previous = node.previousSibling;
  while (previous && isFiller(previous)) previous = previous.previousSibling;
  return previous;
}

/** The one child that is content, or null when there are none or several. */
function soleChild(el: Element): ChildNode | null {
  const first = el.firstChild && isFiller(el.firstChild) ? nextContent(el.firstChild) : el.firstChild;
  return first && nextContent(first) === null ? first : null;
}

/** Longer than this, text is not a caption. */
const MAX_CAPTION = 400;

function isCaptionSized(el: Element): boolean {
  const length = collapse(el.textContent ?? '').length;
  return length > 0 && length <= MAX_CAPTION && !el.querySelector('img');
}

/** Elements with no caption text in them: the picture itself, media, controls, scripts. */
const NOT_TEXT = new Set(['img', 'picture', 'source', 'video', 'audio', 'canvas', 'iframe', 'button', 'script', 'style', 'noscript', 'template', 'svg', 'math']);

/** Labels only a screen reader hears (BBC's "Image caption, "; classes like VisuallyHidden, sr-only). */
const SCREEN_READER_ONLY = /visually-?hidden|sr-only|screen-?reader|element-invisible|a11y-hidden/i;

/** Zoom buttons, "pin it" links, icons, a preview standing in for the photo: not part of a figure. */
export const FIGURE_CONTROL = /(?:^|[\s_-])(?:icons?|pin-?it|pinterest|expand|enlarge|zoom|magnify|fullscreen|share|progressiveMedia-thumbnail|lqip)(?:$|[\s_-])/i;

/** Reuters' "Purchase Licensing Rights, opens new tab" after each caption. */
const LICENSING_LINK = /^\s*purchase licensing rights/i;

function isHiddenOrControl(el: Element): boolean {
  if (NOT_TEXT.has(el.localName) || el.hasAttribute('hidden') || el.getAttribute('role') === 'button') return true;
  if (SCREEN_READER_ONLY.test(el.getAttribute('class') ?? '')) return true;
  return el.localName === 'a' && (FIGURE_CONTROL.test(`${el.getAttribute('class') ?? ''} ${el.id}`) || LICENSING_LINK.test(el.textContent ?? ''));
}

/** Elements that start a line of their own, so their text never runs into the text before. */
const LINE_BREAKING = new Set(['BR', 'P', 'DIV', 'FIGCAPTION', 'LI', 'UL', 'OL', 'DT', 'DD', 'BLOCKQUOTE', 'SECTION', 'HEADER', 'FOOTER', 'TABLE', 'CAPTION', 'TR', 'TD', 'TH', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

/**
 * Text as a reader sees it, without hidden labels and controls (and `skip`): a block, a <br> or
 * the edge of an inline element where words would otherwise run together separate them. Captions
 * put the credit in a span of its own: "on Tuesday.</span><span>Credit...</span><span>Haiyun
 * Jiang" (NYT), "2024.<span class="article__credit">LUDOVIC MARIN" (Le Monde), "dawn<cite>Reuters".
 * Only where a sentence ends, or a lower-case letter meets a capital, does an edge become a space:
 * "<b>K</b>öln" stays one word.
 */
export function readableText(root: Element, skip: (el: Element) => boolean = () => false): string {
  let text = '';
  let edge: 'none' | 'inline' | 'line' = 'none';
  const add = (value: string): void => {
    if (value === '') return;
    const before = text[text.length - 1];
    if (edge !== 'none' && before !== undefined && !isSpace(before) && !isSpace(value[0]) &&
      (edge === 'line' || runsTogether(before, value[0]!))) text += ' ';
    text += value;
    edge = 'none';
  };
  const visit = (parent: Element): void => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.TEXT_NODE) add(node.nodeValue ?? '');
      if (node.nodeType !== node.ELEMENT_NODE) continue;
      const el = node as Element;
      const line = LINE_BREAKING.has(el.tagName);
      if (edge !== 'line') edge = line ? 'line' : 'inline';
      if (!skip(el) && !isHiddenOrControl(el)) visit(el);
      if (edge !== 'line') edge = line ? 'line' : 'inline';
    }
  };
  visit(root);
  return collapse(text);
}

/** Whether two characters from either side of an element's edge read as two words run together. */
function runsTogether(before: string, after: string): boolean {
  if (/[.!?…:;,]/.test(before)) return /[\p{L}\p{N}]/u.test(after);
  return /[\p{Ll}\p{N}]/u.test(before) && /\p{Lu}/u.test(after);
}

/**
 * <table class="image"><tr><td><img></td></tr><tr><td class="image-caption">…</td></tr></table>:
 * a small table with one image and a little text (many news CMSs, Vietnamese sites among them).
 * Remembered per table: a layout table around the whole page would otherwise be scanned once per
 * image in it.
 */
function isImageTable(table: HTMLTableElement, verdicts: Map<Element, boolean>): boolean {
  let verdict = verdicts.get(table);
  if (verdict === undefined) {
    verdict = table.rows.length <= 3 && table.querySelectorAll('img').length === 1 &&
      !table.querySelector('table') && collapse(table.textContent ?? '').length <= 400;
    verdicts.set(table, verdict);
  }
  return verdict;
}

function tableCaption(table: Element): Element | null {
  const cells = Array.from(table.querySelectorAll('td, th, caption')).filter((c) => !c.querySelector('img') && isCaptionSized(c));
  return cells.find((c) => CAPTION_CLASS.test(c.getAttribute('class') ?? '')) ?? cells[0] ?? null;
}

/** The outermost wrapper that holds nothing but this image (<a><img></a>, <p><img></p>, <picture>). */
function imageHolder(img: Element): Element {
  let holder = img;
  for (let parent = img.parentElement; parent && !parent.matches('body, article, main, td, li, figure'); parent = parent.parentElement) {
    if (!holdsOnly(parent, holder)) break;
    holder = parent;
  }
  return holder;
}

/**
 * Whether parent holds nothing but child, whitespace and comments aside. Stops at the first other
 * node, so climbing from many images through a long article stays linear (textContent would not).
 */
export function holdsOnly(parent: Element, child: Node): boolean {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node === child || node.nodeType === node.COMMENT_NODE) continue;
    if (node.nodeType === node.TEXT_NODE && (node.nodeValue ?? '').trim() === '') continue;
    return false;
  }
  return true;
}

const CHROME = /(?:^|[\s_-])(?:related|promo|sidebar|comments?|share|sharing|newsletter|advert\w*|ads?|sponsor\w*|widget|recommend\w*|more-stories|teaser|outbrain|taboola)(?:$|[\s_-])/i;

/** Inside navigation, sidebars, related links or comments: never brought back. */
function isInChrome(el: Element, body: Element): boolean {
  for (let node: Element | null = el; node && node !== body; node = node.parentElement) {
    if (/^(?:NAV|ASIDE|FOOTER|FORM)$/.test(node.tagName)) return true;
    if (/^(?:navigation|complementary|banner|contentinfo)$/.test(node.getAttribute('role') ?? '')) return true;
    if (CHROME.test(`${node.getAttribute('class') ?? ''} ${node.id}`)) return true;
  }
  return false;
}

export function isTrackingPixel(img: Element): boolean {
  const style = img.getAttribute('style') ?? '';
  const sizes = [
    img.getAttribute('width'), img.getAttribute('height'),
    /(?:^|;)\s*width\s*:\s*([\d.]+)px/i.exec(style)?.[1], /(?:^|;)\s*height\s*:\s*([\d.]+)px/i.exec(style)?.[1],
  ];
  // A size in pixels (width="1", "1px"); "1%" or "1em" says nothing about how small it shows.
  return sizes.some((s) => s != null && /^\s*\d+(?:\.\d+)?(?:px)?\s*$/i.test(s) && Number.parseFloat(s) <= 2);
}
