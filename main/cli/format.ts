import type { ArticleDetail, ArticleSummary } from '../../db/articles.js';
import type { SearchHit } from '../../db/search.js';

export function formatDate(ms: number | null): string {
  if (ms === null) return '          ';
  return new Date(ms).toISOString().slice(0, 10);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function formatListRow(a: ArticleSummary): string {
  const flags = `${a.isRead ? ' ' : '•'}${a.isStarred ? '★' : ' '}`;
  return `${String(a.id).padStart(6)} ${flags} ${formatDate(a.publishedAt ?? a.savedAt)}  ${clip(a.source ?? '—', 18).padEnd(18)}  ${a.title}`;
}

/**
 * html.replace(/<mark>(.*?)<\/mark>/g, replace) in linear time. The regex restarted at every
 * '<mark>' and scanned on to the next '</mark>' (or line break) from each: quadratic on a snippet
 * of '<mark>' without its closing tag. A '<mark>' matches up to the first '</mark>' after it,
 * unless a line terminator (what '.' refuses) comes first; then the next '<mark>' is tried.
 */
function replaceMarks(html: string, replace: (inner: string) => string): string {
  const LINE_BREAK = /[\n\r\u2028\u2029]/g;
  let out = '';
  let copied = 0;
  let from = 0;
  // The first '</mark>' and line terminator at or after the last place looked from (-1: none left).
  let closeAt = -2;
  let breakAt = -2;
  for (;;) {
    const open = html.indexOf('<mark>', from);
    if (open === -1) break;
    const start = open + 6;
    if (closeAt !== -1 && closeAt < start) closeAt = html.indexOf('</mark>', start);
    if (closeAt === -1) break;
    if (breakAt !== -1 && breakAt < start) {
      LINE_BREAK.lastIndex = start;
      breakAt = LINE_BREAK.exec(html)?.index ?? -1;
    }
    if (breakAt !== -1 && breakAt < closeAt) {
      from = open + 1;
      continue;
    }
    out += html.slice(copied, open) + replace(html.slice(start, closeAt));
    copied = from = closeAt + 7;
  }
  return out + html.slice(copied);
}

/** Snippet markup for a terminal: bold on a TTY, [brackets] in a pipe. */
export function formatSnippet(html: string, tty: boolean): string {
  const marked = replaceMarks(html, (w) => (tty ? `\x1b[1m${w}\x1b[22m` : `[${w}]`));
  return marked
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ')
    .trim();
}

export function formatHit(hit: SearchHit, tty: boolean): string {
  const where = hit.matchedIn[0] && hit.matchedIn[0] !== 'body' ? `  (in the ${hit.matchedIn[0]})` : '';
  return `${String(hit.id).padStart(6)}  ${formatDate(hit.publishedAt)}  ${hit.title}${hit.source ? ` — ${hit.source}` : ''}${where}\n        ${formatSnippet(hit.snippet, tty)}`;
}

/** A readable plain-text rendering of an article, figures as [Figure N: caption] where they stand. */
export function formatArticle(a: ArticleDetail): string {
  const lines: string[] = [a.title, '='.repeat(Math.min(a.title.length, 72))];
  const meta = [
    a.author && `By ${a.author}`,
    a.source,
    a.publishedAt !== null ? formatDate(a.publishedAt) : null,
    `${Math.max(1, Math.round(a.wordCount / 230))} min read`,
  ].filter(Boolean);
  lines.push(meta.join(' · '), '');
  if (a.lead) lines.push(a.lead, '');
  lines.push(htmlToTerminalText(a.html, a));
  if (a.attribution) lines.push('', `(According to ${a.attribution})`);
  if (a.url) lines.push('', a.url);
  return lines.join('\n');
}

function htmlToTerminalText(html: string, a: ArticleDetail): string {
  // Each replaceTags is the regex in its comment, in linear time (see replaceTags).
  let text = html;
  // /<figure[^>]*data-figure="(\d+)"[^>]*>[\s\S]*?<\/figure>/g
  text = replaceTags(text, /<figure/g, /<\/figure>/g, (attrs) => {
    const n = lastDataFigure(attrs);
    if (n === null) return null;
    const f = a.figures[Number(n)];
    return `\n[Figure ${Number(n) + 1}${f?.caption ? `: ${f.caption}` : ''}]\n`;
  });
  // /<h[2-4][^>]*>([\s\S]*?)<\/h[2-4]>/g
  text = replaceTags(text, /<h[2-4]/g, /<\/h[2-4]>/g, (_, t) => `\n## ${t}\n`);
  // /<li[^>]*>/g
  text = replaceTags(text, /<li/g, null, () => '  • ');
  text = text
    .replace(/<\/(p|li|blockquote|tr|h[2-4])>/g, '\n')
    .replace(/<br\s*\/?>/g, '\n');
  // /<[^>]+>/g
  text = replaceTags(text, /</g, null, (attrs) => (attrs === '' ? null : ''));
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * html.replace(/OPEN[^>]*>/g, …), or with `close`, html.replace(/OPEN[^>]*>([\s\S]*?)CLOSE/g, …),
 * in linear time. `open` and `close` are global regexes whose matches hold no '>'; `replace` gets
 * the tag's attribute text and the content up to the closing tag, and returns null where the regex
 * would not match (e.g. a required attribute missing).
 *
 * The regexes restarted at every OPEN and scanned on to the next '>' and the next CLOSE from each,
 * so a page of '<li' without '>' (or a figure never closed) took quadratic time. A tag always runs
 * from OPEN to the first '>' after it, so when one fails (no '>', attributes refused, no CLOSE
 * after it), every later OPEN before that '>' fails the same way, and the search goes on after the
 * '>'; with no '>' or no CLOSE left, nothing further can match.
 */
function replaceTags(
  html: string,
  open: RegExp,
  close: RegExp | null,
  replace: (attrs: string, inner: string) => string | null,
): string {
  let out = '';
  let copied = 0;
  let from = 0;
  // The first CLOSE at or after the last place it was looked for from (null: none left).
  let closing: RegExpExecArray | null | undefined;
  for (;;) {
    open.lastIndex = from;
    const o = open.exec(html);
    if (!o) break;
    const attrsStart = o.index + o[0].length;
    const gt = html.indexOf('>', attrsStart);
    if (gt === -1) break;
    let end = gt + 1;
    let inner = '';
    if (close) {
      if (closing === undefined || (closing && closing.index <= gt)) {
        close.lastIndex = gt + 1;
        closing = close.exec(html);
      }
      if (!closing) break;
      inner = html.slice(gt + 1, closing.index);
      end = closing.index + closing[0].length;
    }
    const replacement = replace(html.slice(attrsStart, gt), inner);
    if (replacement === null) {
      from = gt + 1;
      continue;
    }
    out += html.slice(copied, o.index) + replacement;
    copied = from = end;
  }
  return out + html.slice(copied);
}

/** The number in the last data-figure="N" of a tag's attributes (what a greedy [^>]* before it finds), or null. */
function lastDataFigure(attrs: string): string | null {
  const DATA_FIGURE = /data-figure="(\d+)"/g;
  let n: string | null = null;
  for (let m = DATA_FIGURE.exec(attrs); m; m = DATA_FIGURE.exec(attrs)) n = m[1]!;
  return n;
}
