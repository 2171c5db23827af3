/**
 * What every importer (scraped text, Markdown, saved web page, later feeds) produces.
 * The database stores exactly this; nothing downstream re-parses the original file.
 */
export interface ParsedFigure {
  /** Image URL as found in the article; '' when the saved copy had none (the seed fixture). */
  src: string;
  /** Alt text as found; the reader falls back to the caption when it is empty. */
  alt: string;
  /** Caption text, plain; '' when the image had none. */
  caption: string;
}

export interface ParsedArticle {
  title: string;
  /** Publisher as the article names it, e.g. "Baonghean" from a "(Baonghean) - " lead. */
  source: string | null;
  /** Byline. */
  author: string | null;
  /** Where the text came from when it is a re-publication, e.g. "DW" from "(According to DW)". */
  attribution: string | null;
  /** Canonical URL, when the file says where it lives. Used to deduplicate. */
  url: string | null;
  /** Milliseconds since the epoch, when the article says. */
  publishedAt: number | null;
  /** The standfirst, plain text, without the "(Source) - " prefix. */
  lead: string;
  /**
   * The body as sanitised HTML: paragraphs, <h2> section headings, and each figure as
   * <figure data-figure="N"> with an <img> (left out when the source is empty) and a <figcaption>.
   * The title, lead and byline are not repeated in it.
   */
  html: string;
  /** Plain text of the body (paragraphs and headings, no captions), for search and reading time. */
  text: string;
  /** Figures in the order they appear in the body; data-figure="N" in html indexes this list. */
  figures: ParsedFigure[];
  /** The language it is written in, a BCP 47 tag (lang.ts); null when unknown. */
  lang?: string | null;
}

/** A file could not become an article; `message` is the reason, shown after the file's name. */
export class IngestError extends Error {
  override name = 'IngestError';
}

/** The reason to print after a file's name, whatever went wrong with it. */
export function reasonOf(err: unknown): string {
  if (err instanceof IngestError) return err.message;
  return `could not be read (${(err as Error)?.message ?? String(err)})`;
}

/**
 * A picture address relative to its article's file (no scheme, not //host): a page saved with its
 * _files folder or a note's images/ (images.ts reads those beside the file; import.ts asks first,
 * so that an import without such pictures never loads the picture decoder).
 */
export function isLocalPath(src: string): boolean {
  return !/^[a-z][a-z\d+.-]*:/i.test(src) && !src.startsWith('//');
}
