/**
 * srcset as browsers read it, shared by saved pages and feed items.
 *
 * The HTML spec's "parse a srcset attribute" in outline: skip white space and commas, then a
 * candidate's URL is the run of non-white-space that follows (so it may contain commas, as
 * Cloudinary's `w_300,h_200` and many resizing CDNs' addresses do); a URL that ends in commas
 * ends its candidate there, otherwise its descriptors run to the next comma. Linear: the sticky
 * pattern only moves forward.
 */
export interface SrcsetCandidate {
  url: string;
  /** "w": a width in CSS pixels; "x": a pixel density (also when there is no descriptor). */
  kind: 'w' | 'x';
  size: number;
}

/** The widest candidate we take; larger ones are for 4K screens and waste the library. */
export const MAX_SRCSET_WIDTH = 1600;
/** The densest "x" candidate we take when the srcset gives no widths. */
const MAX_DENSITY = 2;

export function parseSrcset(srcset: string): SrcsetCandidate[] {
  const candidates: SrcsetCandidate[] = [];
  const pattern = /[\s,]*(\S+)/y;
  let position = 0;
  while (position < srcset.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(srcset);
    if (!match) break;
    let url = match[1]!;
    position = pattern.lastIndex;
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/(?<!,),+$/, '');
    } else {
      const comma = srcset.indexOf(',', position);
      const end = comma === -1 ? srcset.length : comma;
      descriptor = srcset.slice(position, end).trim();
      position = end + 1;
    }
    if (url === '') continue;
    const w = /^(\d+)w$/i.exec(descriptor);
    const x = /^(\d+(?:\.\d+)?|\.\d+)x$/i.exec(descriptor);
    if (w) candidates.push({ url, kind: 'w', size: Number(w[1]) });
    else candidates.push({ url, kind: 'x', size: x ? Number(x[1]) : 1 });
  }
  return candidates;
}

/**
 * The candidate to keep: the widest up to MAX_SRCSET_WIDTH when the srcset gives widths, else the
 * densest up to 2x; null when every candidate is larger than that (the caller decides whether a
 * plain src or the smallest candidate comes next).
 */
export function pickSrcsetCandidate(candidates: readonly SrcsetCandidate[]): SrcsetCandidate | null {
  const widths = candidates.filter((c) => c.kind === 'w');
  const fitting = widths.length ? widths.filter((c) => c.size <= MAX_SRCSET_WIDTH) : candidates.filter((c) => c.size <= MAX_DENSITY);
  return fitting.reduce<SrcsetCandidate | null>((best, c) => (!best || c.size > best.size ? c : best), null);
}

/** The smallest candidate, for when none fits and nothing else is left. */
export function smallestSrcsetCandidate(candidates: readonly SrcsetCandidate[]): SrcsetCandidate | null {
  const widths = candidates.filter((c) => c.kind === 'w');
  const pool = widths.length ? widths : candidates;
  return pool.reduce<SrcsetCandidate | null>((best, c) => (!best || c.size < best.size ? c : best), null);
}
