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

/** Snippet markup for a terminal: bold on a TTY, [brackets] in a pipe. */
export function formatSnippet(html: string, tty: boolean): string {
  const marked = html.replace(/<mark>(.*?)<\/mark>/g, (_, w: string) => (tty ? `\x1b[1m${w}\x1b[22m` : `[${w}]`));
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
  return html
    .replace(/<figure[^>]*data-figure="(\d+)"[^>]*>[\s\S]*?<\/figure>/g, (_, n: string) => {
      const f = a.figures[Number(n)];
      return `\n[Figure ${Number(n) + 1}${f?.caption ? `: ${f.caption}` : ''}]\n`;
    })
    .replace(/<h[2-4][^>]*>([\s\S]*?)<\/h[2-4]>/g, (_, t: string) => `\n## ${t}\n`)
    .replace(/<li[^>]*>/g, '  • ')
    .replace(/<\/(p|li|blockquote|tr|h[2-4])>/g, '\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
