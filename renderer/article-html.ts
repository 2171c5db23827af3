import type { ArticleView, FigureView } from '../preload/api.js';

/**
 * Turns an article's stored body into the HTML the reader shows. The library sanitised it on the
 * way in; this is the second line: it is parsed in an inert <template> (no scripts run, nothing
 * loads), anything active is dropped, and every <figure data-figure="N"> is rebuilt from
 * `figures[N]` so that a picture comes only from the library and a missing one becomes a quiet
 * placeholder instead of a broken image.
 */
export type ImageUrl = (hash: string, variant?: 'full' | 'thumb') => string;

const DROP = 'script, style, link, meta, base, iframe, frame, frameset, object, embed, applet, form, input, button, select, textarea, option, noscript, template, svg, math, video, audio, source, track, canvas, portal, dialog';
const SAFE_LINK = /^(https?:|mailto:|#)/i;
const ID_PREFIX = 'c-';

export function prepareBodyHtml(article: Pick<ArticleView, 'html' | 'figures'>, imageUrl: ImageUrl): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = article.html;
  const root = tpl.content;

  for (const el of root.querySelectorAll(DROP)) el.remove();
  for (const el of root.querySelectorAll('*')) cleanAttributes(el);

  // Pictures outside a figure: only library images survive; anything else would be a broken
  // or remote load, so it goes (its alt text stays readable).
  for (const img of root.querySelectorAll('img')) {
    if (img.closest('figure[data-figure]')) continue;
    const hash = libraryHash(img.getAttribute('src') ?? '');
    if (hash) {
      img.setAttribute('src', imageUrl(hash, 'full'));
      img.setAttribute('data-zoom', '');
      img.setAttribute('tabindex', '0');
      img.setAttribute('loading', 'lazy');
    } else {
      const alt = img.getAttribute('alt')?.trim();
      img.replaceWith(alt ? document.createTextNode(alt) : '');
    }
  }

  for (const el of root.querySelectorAll('figure[data-figure]')) {
    const n = Number(el.getAttribute('data-figure'));
    const figure = article.figures.find((f) => f.position === n) ?? article.figures[n];
    const caption = el.querySelector('figcaption')?.textContent?.trim() ?? '';
    el.replaceWith(
      buildFigure(
        figure ?? { position: n, src: '', alt: '', caption, image: null, width: null, height: null },
        imageUrl,
      ),
    );
  }
  return tpl.innerHTML;
}

function cleanAttributes(el: Element): void {
  for (const attr of [...el.attributes]) {
    const name = attr.name.toLowerCase();
    if (name.startsWith('on') || name === 'style' || name === 'srcset' || name === 'target' || name === 'ping' || name === 'formaction') {
      el.removeAttribute(attr.name);
    } else if (name === 'id' || name === 'for' || name === 'aria-labelledby' || name === 'aria-describedby') {
      // Body ids live next to the reader's own ids in one shadow root: keep them apart.
      el.setAttribute(attr.name, attr.value.split(/\s+/).filter(Boolean).map((v) => ID_PREFIX + v).join(' '));
    } else if (name === 'href') {
      const href = attr.value.trim();
      if (!SAFE_LINK.test(href)) el.removeAttribute('href');
      else if (href.startsWith('#')) el.setAttribute('href', `#${ID_PREFIX}${href.slice(1)}`);
      else el.setAttribute('rel', 'noreferrer noopener');
    } else if (name === 'src' && el.localName !== 'img') {
      el.removeAttribute(attr.name);
    }
  }
}

/** `bs-image:HASH` (how stored HTML names a library picture) → HASH. */
function libraryHash(src: string): string | null {
  const m = /^bs-image:(?:\/\/)?([A-Za-z0-9_-]{8,128})$/.exec(src.trim());
  return m ? m[1]! : null;
}

function buildFigure(fig: FigureView, imageUrl: ImageUrl): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'figure';
  figure.dataset.figure = String(fig.position);
  const caption = fig.caption.trim();
  const alt = fig.alt.trim() || caption;
  if (fig.image) {
    const img = document.createElement('img');
    img.setAttribute('src', imageUrl(fig.image, 'full'));
    img.setAttribute('alt', alt);
    if (fig.width && fig.height) {
      img.setAttribute('width', String(fig.width));
      img.setAttribute('height', String(fig.height));
    }
    img.setAttribute('loading', 'lazy');
    img.setAttribute('decoding', 'async');
    img.setAttribute('tabindex', '0');
    img.setAttribute('data-zoom', '');
    figure.append(img);
  } else {
    figure.append(createPlaceholder(alt));
  }
  if (caption) {
    const figcaption = document.createElement('figcaption');
    figcaption.setAttribute('dir', 'auto');
    figcaption.textContent = caption;
    figure.append(figcaption);
  }
  return figure;
}

/**
 * The quiet stand-in for a picture that is not in the library (or failed to load): a muted box,
 * role="img" named by the caption, never an <img> that could show a broken-image icon.
 */
export function createPlaceholder(label: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'placeholder';
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', label || 'Picture not saved');
  const note = document.createElement('span');
  note.className = 'placeholder-note';
  note.setAttribute('aria-hidden', 'true');
  // The app's own words, in its own direction: without dir, this English note was the first strong
  // text of an Arabic article whose first picture was not saved, and dir=auto made the body LTR.
  note.setAttribute('dir', 'ltr');
  note.textContent = 'Picture not saved';
  box.append(note);
  return box;
}

/**
 * A search snippet is escaped text with <mark> around matches. Rebuild it from text and <mark>
 * only, so nothing else can ride along.
 */
export function prepareSnippetHtml(snippet: string, opts: { maxLead?: number } = {}): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = snippet;
  const out = document.createElement('template');
  const walk = (from: Node, to: Node) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) to.appendChild(document.createTextNode(child.textContent ?? ''));
      else if (child instanceof Element && child.localName === 'mark') {
        const mark = document.createElement('mark');
        mark.textContent = child.textContent ?? '';
        to.appendChild(mark);
      } else if (child instanceof Element) walk(child, to);
    }
  };
  walk(tpl.content, out.content);
  if (opts.maxLead !== undefined) shortenLead(out.content, opts.maxLead);
  return out.innerHTML;
}

/**
 * A list row shows two lines of a snippet: when the first match comes late in the passage, the
 * text before it is cut to its last words (at most `max` characters) so that the match is seen.
 */
function shortenLead(root: DocumentFragment, max: number): void {
  const firstMark = [...root.childNodes].findIndex((n) => n instanceof Element && n.localName === 'mark');
  if (firstMark <= 0) return;
  const before = [...root.childNodes].slice(0, firstMark);
  const text = before.map((n) => n.textContent ?? '').join('');
  if (text.length <= max) return;
  const tail = text.slice(text.length - max);
  const cut = tail.search(/\s/);
  const kept = cut >= 0 && cut < tail.length - 1 ? tail.slice(cut + 1) : tail;
  for (const n of before) n.remove();
  root.prepend(document.createTextNode(`…${kept.replace(/^…/, '')}`));
}
