import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { articleLang } from '../../db/lang.js';
import { assertNotTooDeep, htmlToPlainText } from './dom.js';
import { markImages, markLeadFigures, markSequence } from './html-figures.js';
import { clean, cleanByline, isWebUrl, parseUrl } from './html-helpers.js';
import { readMetadata } from './html-metadata.js';
import {
  removeAuthorBoxes, removeBylines, removeDatelines, removeFigureControls, removeKicker, removeSignupForms,
  unwrapNoscriptImages,
} from './html-prepare.js';
import { rebuildFigures, restoreDroppedFigures, serializeFlat, takeLead, tidyBody, tidyWhitespace } from './html-rebuild.js';
import { sanitizeHtml } from './sanitize.js';
import { IngestError, type ParsedArticle } from './types.js';

/**
 * Saved web pages (.html/.htm; later, pages fetched from the web) → ParsedArticle.
 *
 * The page is parsed once with jsdom (default settings: no scripts run, no resources load).
 * Metadata is read first, because Readability rewrites the document. Then the document is
 * prepared: bylines and datelines removed (they live in `author`/`publishedAt`), noscript image
 * fallbacks unwrapped, and every image marked with a data attribute and remembered together with
 * its caption. Readability then picks the article; afterwards every image is rebuilt as
 * <figure data-figure="N"><img><figcaption>, with the caption taken from what was remembered,
 * because Readability drops or flattens captions in many layouts (mozilla/readability #743, #125).
 * The result is sanitised exactly once, at the end.
 */

export interface HtmlPageOptions {
  /** Where the page came from; relative links and images are resolved against it. */
  url?: string;
  /** The file the page was read from. Not used for parsing: the caller names the file in errors. */
  fileName?: string;
}

export function parseHtmlPage(html: string, opts: HtmlPageOptions = {}): ParsedArticle {
  try {
    assertNotTooDeep(html);
  } catch (err) {
    throw new IngestError((err as Error).message);
  }
  const dom = openDocument(html, opts.url);
  try {
    return extract(dom.window.document, opts.url);
  } finally {
    dom.window.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline

function extract(doc: Document, pageUrl: string | undefined): ParsedArticle {
  dropUnsafeBase(doc);
  const meta = readMetadata(doc, pageUrl);
  if (!meta.title) throw new IngestError('no title: the page has no <title>, og:title or <h1>');

  const author = removeBylines(doc, meta.author);
  removeAuthorBoxes(doc);
  removeDatelines(doc);
  removeKicker(doc, meta.title);
  removeSignupForms(doc);
  unwrapNoscriptImages(doc);
  removeFigureControls(doc);
  const images = markImages(doc);
  markSequence(doc, images);
  const leadZone = markLeadFigures(doc, images, meta.title);

  const result = new Readability<Element>(doc, {
    keepClasses: false,
    serializer: (node) => node as Element,
  }).parse();
  const body = result?.content;
  if (!body) throw new IngestError('no article found in the page');

  restoreDroppedFigures(body, images, leadZone);
  const figures = rebuildFigures(body, images);
  tidyBody(body, meta.title);
  const lead = takeLead(body, meta.description ?? clean(result.excerpt));

  const safeHtml = tidyWhitespace(sanitizeHtml(serializeFlat(body)));
  const text = htmlToPlainText(safeHtml);
  if (!text && figures.length === 0) throw new IngestError('no article found in the page');

  return {
    title: meta.title,
    source: meta.source,
    author: author ?? cleanByline(result.byline),
    attribution: null,
    url: meta.url,
    publishedAt: meta.publishedAt,
    lead,
    html: safeHtml,
    text,
    figures,
    lang: articleLang(meta.lang, { title: meta.title, lead, text }),
  };
}

function openDocument(html: string, pageUrl: string | undefined): JSDOM {
  // A silent console: jsdom reports every CSS rule it cannot parse, which is noise for us.
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', () => {});
  const url = pageUrl && parseUrl(pageUrl) ? pageUrl : undefined;
  // Deliberately no runScripts and no resources: jsdom's defaults run nothing and fetch nothing.
  return new JSDOM(html, { url, virtualConsole });
}

/** A <base href="javascript:…"> (or any non-web base) would poison every relative URL. */
function dropUnsafeBase(doc: Document): void {
  for (const base of Array.from(doc.querySelectorAll('base[href]'))) {
    const url = parseUrl(base.getAttribute('href') ?? '', doc.URL);
    if (!url || !isWebUrl(url)) base.remove();
  }
}
