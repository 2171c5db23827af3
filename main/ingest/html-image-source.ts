import { isWebUrl, parseUrl } from './html-helpers.js';
import { parseSrcset, pickSrcsetCandidate, smallestSrcsetCandidate, type SrcsetCandidate } from './srcset.js';

/**
 * Which address to keep for an image (srcset, lazy-load attributes, <picture> sources) and whether
 * it can be shown. Apart because both the images marked on the page (html-figures.ts) and those
 * Readability made itself (html-rebuild.ts) ask it, and it needs nothing from either.
 */

const LAZY_SRCSET = ['data-srcset', 'data-lazy-srcset', 'srcset'];
const LAZY_SRC = ['data-src', 'data-original', 'data-lazy-src', 'data-lazy', 'src'];

interface ImageSource {
  src: string;
  displayable: boolean;
}

/**
 * The URL to keep for an image: the largest srcset candidate up to ~1600w (lazy-load attributes
 * first, since the plain srcset is then often a placeholder), else the lazy or plain src, else
 * the smallest candidate we skipped as too large. In a <picture>, a <source> candidate wider than
 * all of those (than the img's own srcset, or than a src of unknown width) wins; on a tie the
 * img's own, the format every decoder reads.
 */
export function imageSource(img: Element, base: string): ImageSource | null {
  const skipped: SrcsetCandidate[] = [];
  const fromSrcset = (value: string | null | undefined): SrcsetCandidate | null => {
    const candidates = parseSrcset(value ?? '').filter((c) => !isPlaceholder(c.url));
    const pick = pickSrcsetCandidate(candidates);
    if (!pick) skipped.push(...candidates);
    return pick;
  };
  const sources = img.parentElement?.tagName === 'PICTURE'
    ? Array.from(img.parentElement.querySelectorAll('source:not([media])')) : [];
  const own = firstOf(LAZY_SRCSET.map((name) => () => fromSrcset(img.getAttribute(name))));
  const fromSources = sources
    .map((s) => fromSrcset(s.getAttribute('srcset') ?? s.getAttribute('data-srcset')))
    .filter((c): c is SrcsetCandidate => c !== null);
  const widest = fromSources.reduce<SrcsetCandidate | null>((best, c) => (c.kind === 'w' && (!best || c.size > best.size) ? c : best), null);
  const wider = widest && (!own || (own.kind === 'w' && widest.size > own.size)) ? widest : null;
  const raw =
    wider?.url ??
    own?.url ??
    LAZY_SRC.map((name) => img.getAttribute(name)?.trim()).find((v) => v && !isPlaceholder(v)) ??
    fromSources[0]?.url ??
    smallestSrcsetCandidate(skipped)?.url;
  return raw ? resolveImageUrl(raw, base) : null;
}

function firstOf<T>(thunks: Array<() => T | null>): T | null {
  for (const thunk of thunks) {
    const value = thunk();
    if (value) return value;
  }
  return null;
}

/** Lazy-load placeholders: tiny inline GIFs/SVGs standing in until a script swaps the real URL in. */
function isPlaceholder(url: string): boolean {
  return url === '' || url === '#' || (/^data:/i.test(url) && url.length < 200) || /^about:/i.test(url);
}

function resolveImageUrl(raw: string, base: string): ImageSource | null {
  // Protocol-relative without a page URL: https, as the text importer does.
  const url = parseUrl(raw, base) ?? (raw.startsWith('//') ? parseUrl(`https:${raw}`) : null);
  if (!url) {
    // A relative path in a page saved without its address: keep it as found for the importer.
    return /^[a-z][a-z\d+.-]*:/i.test(raw) ? null : { src: raw, displayable: false };
  }
  if (isWebUrl(url)) return { src: url.href, displayable: true };
  if (/^data:image\/(?:png|jpe?g|gif|webp|avif)[;,]/i.test(raw)) return { src: raw, displayable: true };
  return null; // javascript:, data:image/svg+xml, file:, …
}
