import type { MatchedIn } from '../preload/api.js';

/** Words per minute used for "N min read". */
export const READING_WPM = 230;

const count = new Intl.NumberFormat(undefined);
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const long = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export function formatCount(n: number): string {
  return count.format(n);
}

/** Compact date for list rows: time today, day and month this year, else with the year. */
export function formatShortDate(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return time.format(d);
  return d.getFullYear() === today.getFullYear() ? dayMonth.format(d) : dayMonthYear.format(d);
}

export function formatLongDate(ms: number): string {
  return long.format(new Date(ms));
}

export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / READING_WPM));
}

/** The first line of a lead, for list rows. */
export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}

const MATCHED_IN: Record<MatchedIn, string> = {
  title: 'in the title',
  lead: 'in the lead',
  body: 'in the text',
  caption: 'in a caption',
  author: 'by author',
  source: 'in the source',
};

/**
 * Where a search result matched, said when it was not the body ("in a caption"); null when the
 * body matched (the usual case) or when nothing did (a filter-only search).
 */
export function matchedInLabel(matchedIn: readonly MatchedIn[]): string | null {
  const first = matchedIn[0];
  return first && !matchedIn.includes('body') ? MATCHED_IN[first] : null;
}
