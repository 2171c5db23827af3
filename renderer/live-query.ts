/**
 * Search as you type: while a word is still being typed it is read as a prefix, so "jakov" already
 * finds "Jakovlevski". The renderer never parses the search language (db/query.ts does, for the
 * app and the command line alike); it only decides whether to put a `*` after the last word.
 */

/** The most the library reads of a query (db/query.ts ignores anything after it). */
export const MAX_QUERY_LENGTH = 2000;

/**
 * A prefix this short would match a large part of any vocabulary (the index has no prefix
 * index), so one- and two-letter words are searched as typed until a third letter arrives.
 */
export const MIN_PREFIX_LENGTH = 3;

const FILTERS = new Set(['after', 'before', 'is']);
const FIELDS = new Set(['title', 'source', 'author', 'caption']);
const BARE_WORD = /^[\p{L}\p{N}\p{M}_]+$/u;

/**
 * The query to send for what is in the search box: trimmed, with `*` after the last word when
 * that word is still being typed. Left as it is when the text ends with a space (the word is
 * finished), a quote, `)` or `*`; when the last word is inside an open quote (phrases have no
 * prefixes), excluded (`-rus` would hide every article with a word starting "rus" mid-typing),
 * an operator (`OR`), a filter (`is:`, `after:`, `before:`), a field with nothing after it
 * (`title:`), not a plain word (`don't`, `e-mail`, `NEAR(`), or shorter than MIN_PREFIX_LENGTH.
 */
export function liveQuery(text: string): string {
  const raw = text.slice(0, MAX_QUERY_LENGTH);
  const query = raw.trim();
  if (!query || /\s$/u.test(raw)) return query;
  if (/["*)]$/.test(query)) return query;
  if ((query.match(/"/g)?.length ?? 0) % 2 === 1) return query;

  let last = query.slice(query.search(/(?<!\S)\S+$/u));
  // Opening parentheses and minus signs in front of the word: `(minsk`, `-(minsk`, `(-minsk`.
  const lead = /^[(-]*/.exec(last)![0];
  if (lead.includes('-')) return query;
  last = last.slice(lead.length);
  if (last === 'OR') return query;

  const field = /^([A-Za-z]+):(.*)$/su.exec(last);
  if (field) {
    const name = field[1]!.toLowerCase();
    if (FILTERS.has(name) || !FIELDS.has(name)) return query;
    last = field[2]!;
  }
  if (!BARE_WORD.test(last) || [...last].length < MIN_PREFIX_LENGTH) return query;
  return `${query}*`;
}
