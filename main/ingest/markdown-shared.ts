// What markdown.ts and its extensions (markdown-raw-html.ts, markdown-hugo-figure.ts) share: the
// figure draft a picture becomes and the env a parse fills. In a file of its own so that the
// extensions need not import markdown.ts, which imports them (a cycle among modules).

import type { FootnoteEnv } from './markdown-footnotes.js';

/** What a parse collects in its env: footnotes (markdown-footnotes.ts), and whether any raw HTML is shown as HTML. */
// A type, not an interface: markdown-it's Env is an index signature, which only type literals meet.
export type ParseEnv = FootnoteEnv & { rawHtml?: boolean };

export interface FigureDraft {
  src: string;
  alt: string;
  title: string;
  /** null: no caption line yet (the next paragraph may supply one). */
  caption: string | null;
}

/** Longer than this, the line under an image is the article's text rather than its caption. */
export const MAX_PLAIN_CAPTION = 200;
