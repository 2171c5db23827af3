import { CJK_SEPARATOR, foldForSearch } from './fold.js';

/**
 * The search language, parsed once and used by the app and `broadsheet search`:
 *
 *   words            all must match (AND)            harbour storm
 *   "exact phrase"                                    "special forces"
 *   word*            prefix                           minist*
 *   a OR b           either                           belarus OR ukraine
 *   -word, NOT word  exclude                          nato -russia     nato NOT russia
 *   a AND b          the same as `a b`
 *   ( … )            grouping                         (minsk OR moscow) -parade
 *   title: source: author: caption:   one field       caption:reuters   title:"nato or russia"
 *   after:YYYY-MM-DD before:YYYY-MM-DD                after:2016-01-01
 *   is:unread is:starred is:read
 *
 * Anything that cannot be read as the language is read as plain words: the parser never throws,
 * and what it produces is always a valid FTS5 expression (every word is a quoted string).
 */

export type Field = 'title' | 'source' | 'author' | 'caption';

type Node =
  | { kind: 'term'; text: string; prefix: boolean; field?: Field }
  | { kind: 'phrase'; words: string[]; field?: Field }
  | { kind: 'and'; items: Node[] }
  | { kind: 'or'; items: Node[] }
  | { kind: 'not'; item: Node };

export interface ParsedQuery {
  /** FTS5 MATCH expression for the positive part; null when the query has no words to match. */
  match: string | null;
  /** FTS5 expression of words to exclude when nothing positive is left to match (e.g. `-sport is:unread`). */
  exclude: string | null;
  after: number | null;
  before: number | null;
  unread: boolean | null;
  starred: boolean | null;
  /** True when the query asks for something (words or filters). */
  empty: boolean;
  /** The words to highlight in a result (folded, as the index sees them); excluded words are not among them. */
  terms: Array<{ text: string; prefix: boolean }>;
}

const FIELD_COLUMNS: Record<Field, string> = { title: 'title', source: 'source', author: 'author', caption: 'captions' };
const FIELDS = new Set<string>(Object.keys(FIELD_COLUMNS));
const MAX_INPUT = 2000;
const MAX_TERMS = 64;

type Token =
  | { t: 'word'; text: string; prefix: boolean; neg: boolean; field?: Field }
  | { t: 'phrase'; words: string[]; neg: boolean; field?: Field }
  | { t: 'or' }
  | { t: 'open'; neg: boolean; field?: Field }
  | { t: 'close' };

/**
 * Words as the index sees them: letters, digits and marks, folded like the index. A run with no
 * letter or digit (`_`, a lone accent) is no word to the index either; kept, it became an empty
 * phrase that matched nothing, and with it the whole query.
 */
function words(text: string): string[] {
  return [...text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)].map((m) => m[0]).filter((w) => /[\p{L}\p{N}]/u.test(w)).map(foldForSearch);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(s: string): number | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? t : null;
}

export function parseQuery(input: string): ParsedQuery {
  const out: ParsedQuery = { match: null, exclude: null, after: null, before: null, unread: null, starred: null, empty: true, terms: [] };
  const tokens = tokenize(input.slice(0, MAX_INPUT), out);
  for (const t of tokens) {
    // Highlighting looks for the words in the text as it is, without the index's CJK joiners.
    if (t.t === 'word' && !t.neg) out.terms.push({ text: t.text.replaceAll(CJK_SEPARATOR, ''), prefix: t.prefix });
    if (t.t === 'phrase' && !t.neg) out.terms.push(...t.words.map((w) => ({ text: w.replaceAll(CJK_SEPARATOR, ''), prefix: false })));
  }
  const tree = new Parser(tokens).parse();
  const { positive, negative } = splitTopLevel(tree);
  out.match = positive ? renderOrNull(positive) : null;
  const excluded = negative.length ? renderOrNull({ kind: 'or', items: negative }) : null;
  if (out.match && excluded) out.match = `${out.match} NOT ${excluded}`;
  else if (!out.match && excluded) out.exclude = excluded;
  out.empty = !out.match && !out.exclude && out.after === null && out.before === null && out.unread === null && out.starred === null;
  return out;
}

function tokenize(s: string, filters: ParsedQuery): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let count = 0;
  let notNext = false; // the last word was NOT
  while (i < s.length && count < MAX_TERMS) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let neg: boolean = notNext;
    notNext = false;
    let j = i;
    if (s[j] === '-' && j + 1 < s.length && !/\s/.test(s[j + 1]!)) {
      neg = !neg;
      j++;
    }
    // field: prefix
    let field: Field | undefined;
    const fm = /^([A-Za-z]+):/.exec(s.slice(j, j + 12));
    if (fm) {
      const name = fm[1]!.toLowerCase();
      const rest = s.slice(j + fm[0].length);
      if (name === 'after' || name === 'before') {
        const v = /^\S*/.exec(rest)![0];
        const d = parseDate(v);
        if (d !== null) {
          // after: includes the day itself; before: ends where the day begins.
          if (name === 'after') filters.after = d;
          else filters.before = d;
          i = j + fm[0].length + v.length;
          continue;
        }
      } else if (name === 'is') {
        const v = /^\S*/.exec(rest)![0].toLowerCase();
        if (v === 'unread' || v === 'read' || v === 'starred' || v === 'unstarred') {
          if (v === 'unread' || v === 'read') filters.unread = v === 'unread' ? !neg : neg;
          else filters.starred = v === 'starred' ? !neg : neg;
          i = j + fm[0].length + v.length;
          continue;
        }
      } else if (FIELDS.has(name) && rest.length && !/^\s/.test(rest)) {
        field = name as Field;
        j += fm[0].length;
      }
    }
    const d = s[j];
    if (d === '"') {
      const end = s.indexOf('"', j + 1);
      if (end === -1) {
        // A quote that is never closed is no phrase: what follows it is read as plain words.
        i = j + 1;
        notNext = neg;
        continue;
      }
      const ws = words(s.slice(j + 1, end));
      if (ws.length) {
        tokens.push({ t: 'phrase', words: ws, neg, field });
        count++;
      }
      i = end + 1;
      continue;
    }
    if (d === '(') {
      tokens.push({ t: 'open', neg, field });
      i = j + 1;
      continue;
    }
    if (d === ')') {
      tokens.push({ t: 'close' });
      i = j + 1;
      continue;
    }
    // a bare word up to white space, quote or parenthesis
    let k = j;
    while (k < s.length && !/[\s"()]/.test(s[k]!)) k++;
    const raw = s.slice(j, k);
    i = Math.max(k, j + 1);
    if (raw === 'OR' && !neg && !field) {
      tokens.push({ t: 'or' });
      continue;
    }
    // Capitals only, as in FTS5 and Google: "and" and "not" in lower case are words people search for.
    if (raw === 'AND' && !neg && !field) continue;
    if (raw === 'NOT' && !field && s[i] !== undefined) {
      notNext = !neg;
      continue;
    }
    const ws = words(raw);
    if (!ws.length) continue; // punctuation alone: `-`, `*`, `:`
    const prefix = raw.endsWith('*');
    if (ws.length === 1) tokens.push({ t: 'word', text: ws[0]!, prefix, neg, field });
    else tokens.push({ t: 'phrase', words: ws, neg, field }); // "don't", "e-mail": adjacent words
    count++;
  }
  return tokens;
}

/** Recursive descent over the tokens; unbalanced parentheses are forgiven. */
class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node | null {
    const n = this.or();
    return n;
  }

  private or(field?: Field): Node | null {
    const items: Node[] = [];
    let cur = this.and(field);
    if (cur) items.push(cur);
    while (this.tokens[this.i]?.t === 'or') {
      this.i++;
      cur = this.and(field);
      if (cur) items.push(cur);
    }
    return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(field?: Field): Node | null {
    const items: Node[] = [];
    for (;;) {
      const tok = this.tokens[this.i];
      if (!tok || tok.t === 'or') break;
      if (tok.t === 'close') {
        this.i++;
        if (this.depth > 0) break;
        continue; // a stray ')' at the top is ignored
      }
      this.i++;
      let node: Node | null;
      let neg = false;
      if (tok.t === 'open') {
        this.depth++;
        node = this.or(tok.field ?? field);
        this.depth--;
        neg = tok.neg;
      } else if (tok.t === 'word') {
        node = { kind: 'term', text: tok.text, prefix: tok.prefix, field: tok.field ?? field };
        neg = tok.neg;
      } else {
        node = { kind: 'phrase', words: tok.words, field: tok.field ?? field };
        neg = tok.neg;
      }
      if (node) items.push(neg ? { kind: 'not', item: node } : node);
    }
    return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private depth = 0;
}

/** Top-level exclusions are pulled out so that `-word` alone, or `a -b`, can be expressed. */
function splitTopLevel(tree: Node | null): { positive: Node | null; negative: Node[] } {
  if (!tree) return { positive: null, negative: [] };
  if (tree.kind === 'not') return { positive: null, negative: [tree.item] };
  if (tree.kind !== 'and') return { positive: tree, negative: [] };
  const positive = tree.items.filter((n) => n.kind !== 'not');
  const negative = tree.items.filter((n): n is Extract<Node, { kind: 'not' }> => n.kind === 'not').map((n) => n.item);
  return {
    positive: positive.length === 0 ? null : positive.length === 1 ? positive[0]! : { kind: 'and', items: positive },
    negative,
  };
}

const quote = (w: string) => `"${w.replace(/"/g, '""')}"`;

function render(n: Node): string {
  return renderOrNull(n) ?? '""';
}

/** FTS5 text for a node; null for a group that only excludes (there is nothing to subtract from). */
function renderOrNull(n: Node): string | null {
  switch (n.kind) {
    case 'term': {
      const t = `${quote(n.text)}${n.prefix ? '*' : ''}`;
      return n.field ? `${FIELD_COLUMNS[n.field]} : ${t}` : t;
    }
    case 'phrase': {
      const t = quote(n.words.join(' '));
      return n.field ? `${FIELD_COLUMNS[n.field]} : ${t}` : t;
    }
    case 'and': {
      const pos = n.items.filter((x) => x.kind !== 'not').map(renderOrNull).filter((x): x is string => x !== null);
      const neg = n.items
        .filter((x): x is Extract<Node, { kind: 'not' }> => x.kind === 'not')
        .map((x) => renderOrNull(x.item))
        .filter((x): x is string => x !== null);
      if (!pos.length) return null;
      const base = pos.length === 1 ? pos[0]! : `(${pos.join(' AND ')})`;
      return neg.length ? `(${base} NOT (${neg.join(' OR ')}))` : base;
    }
    case 'or': {
      const items = n.items.map(renderOrNull).filter((x): x is string => x !== null);
      return items.length === 0 ? null : items.length === 1 ? items[0]! : `(${items.join(' OR ')})`;
    }
    case 'not':
      return null;
  }
}
