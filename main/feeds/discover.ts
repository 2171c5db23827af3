import { absolute, parseDocument } from './content.js';

/**
 * Feed autodiscovery: the feeds a web page names with
 * <link rel="alternate" type="application/rss+xml|atom+xml|feed+json|json|rdf+xml" href="…">,
 * resolved against the page's <base href> (when it is a web address) or the page's own address.
 * In document order, comment feeds last (a blog's first choice is its posts).
 */

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'application/x-rss+xml',
  'application/x-atom+xml',
]);

export function findFeedLinks(html: string, pageUrl: string): string[] {
  const doc = parseDocument(html);
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref ? absolute(baseHref, pageUrl, false) : null) ?? pageUrl;
  const found: Array<{ url: string; comments: boolean }> = [];
  for (const link of Array.from(doc.querySelectorAll('link[rel][href]'))) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!rel.includes('alternate') || !FEED_TYPES.has(type)) continue;
    const url = absolute(link.getAttribute('href') ?? '', base, false);
    if (!url || found.some((f) => f.url === url)) continue;
    const label = `${link.getAttribute('title') ?? ''} ${url}`;
    found.push({ url, comments: /comments/i.test(label) });
  }
  return [...found.filter((f) => !f.comments), ...found.filter((f) => f.comments)].map((f) => f.url);
}
