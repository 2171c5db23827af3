/**
 * Small text, address and DOM helpers, and constants, that several html-*.ts files use. This file
 * imports none of them, so sharing these never makes the others import each other in a cycle.
 */

export function parseUrl(raw: string, base?: string): URL | null {
  try {
    return new URL(raw.trim(), base);
  } catch {
    return null;
  }
}

export function isWebUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Trimmed, whitespace-collapsed text, or null when there is none. */
export function clean(text: string | null | undefined): string | null {
  const value = text ? collapse(text) : '';
  return value || null;
}

/** "By Jane Doe" → "Jane Doe"; refuses things too long to be a name list. */
export function cleanByline(text: string | null | undefined): string | null {
  const value = clean(text)?.replace(/^by[:\s]\s*/i, '').replace(/(?<![\s,|·•–—-])[\s,|·•–—-]+$/, '').trim();
  return value && value.length < 100 ? value : null;
}

/** For comparing a heading or paragraph with the title or description. */
export function comparable(text: string | null | undefined): string {
  return collapse(text ?? '').toLowerCase().replace(/(?<![\s.:;,!?…])[\s.:;,!?…]+$/, '');
}

export const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** Author boxes, small icon images and the boxes that hold them are a line or two of text at most. */
export const SHORT_BOX_CHARS = 200;

/** Whether el holds more than `limit` characters of text; reads only as far as it needs. */
export function textLongerThan(el: Element, limit: number): boolean {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  let length = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    length += (node.nodeValue ?? '').trim().length;
    if (length > limit) return true;
  }
  return false;
}

/** Elements that sit inside a line of text rather than make a block of their own. */
export const PHRASING = new Set(['TIME', 'SPAN', 'A', 'B', 'STRONG', 'EM', 'I', 'SMALL', 'ABBR', 'FONT', 'MARK', 'CITE', 'LABEL', 'DATA', 'U', 'SUB', 'SUP']);
