// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { foldForSearch } from '../db/fold.js';
import { parseQuery } from '../db/query.js';
import { indexTokens } from '../db/related.js';
import { prepareSnippetHtml } from '../renderer/article-html.js';
import { matchedInLabel } from '../renderer/format.js';
import { clearHighlights, foldWord, highlightMatches, matchRanges, splitMatches, type SearchTerm } from '../renderer/highlight.js';
import { MAX_QUERY_LENGTH, liveQuery } from '../renderer/live-query.js';

describe('search as you type: the last word is a prefix', () => {
  it.each([
    ['jakov', 'jakov*'],
    ['  belarus nato  ', 'belarus nato'],
    ['belarus nat', 'belarus nat*'],
    ['Nghệ An', 'Nghệ An'], // "An" is too short to be a useful prefix
    ['nghe ann', 'nghe ann*'],
    ['(minsk OR mosc', '(minsk OR mosc*'],
    ['title:bela', 'title:bela*'],
    ['caption:reut', 'caption:reut*'],
    ['Đức', 'Đức*'],
    ['café', 'café*'],
  ])('%j → %j', (typed, sent) => {
    expect(liveQuery(typed)).toBe(sent);
  });

  it.each([
    ['belarus ', 'a finished word (the text ends with a space)'],
    ['"special forces"', 'a closed phrase'],
    ['"special for', 'a word inside an open phrase'],
    ['(minsk OR moscow)', 'a closing parenthesis'],
    ['minist*', 'a word that already is a prefix'],
    ['nato -russ', 'an excluded word'],
    ['nato -(russ', 'an excluded group'],
    ['belarus OR', 'an operator'],
    ['is:unread', 'a state filter'],
    ['is:unr', 'a state filter being typed'],
    ['nato after:2016-01-01', 'a date filter'],
    ['nato before:2016', 'a date filter being typed'],
    ['title:', 'a field with nothing after it'],
    ['nato:russia', 'something that is not a field'],
    ["don't", 'a word with punctuation (read as two words)'],
    ['NEAR(', 'punctuation'],
    ['(((', 'punctuation only'],
    ['"', 'a lone quote'],
    ['-', 'a lone minus'],
    ['ab', 'a word shorter than three letters'],
  ])('%j is sent as typed: %s', (typed) => {
    expect(liveQuery(typed)).toBe(typed.trim());
  });

  it('sends nothing for an empty box, and never more than the library reads', () => {
    expect(liveQuery('')).toBe('');
    expect(liveQuery('   ')).toBe('');
    const long = 'word '.repeat(1000);
    expect(liveQuery(long).length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
  });

  it('finds the last word of a query as long as the library reads', () => {
    // The longest the last-word search ever sees (MAX_QUERY_LENGTH), built to make it backtrack.
    const long = 'a'.repeat(MAX_QUERY_LENGTH - 4);
    expect(liveQuery(`${long} bcd`)).toBe(`${long} bcd*`);
    expect(liveQuery(`${long}bcde`)).toBe(`${long}bcde*`);
    expect(liveQuery(`${'\0'.repeat(MAX_QUERY_LENGTH - 2)}\t\0`)).toBe(`${'\0'.repeat(MAX_QUERY_LENGTH - 2)}\t\0`);
  });

  it('makes a query the library reads with a prefix on that word', () => {
    expect(parseQuery(liveQuery('belarus jakov')).terms).toEqual([
      { text: 'belarus', prefix: false },
      { text: 'jakov', prefix: true },
    ]);
    expect(parseQuery(liveQuery('title:bela')).match).toBe('title : "bela"*');
  });
});

describe('folding words like the index', () => {
  const samples = ['Nghệ', 'An', 'Đức', 'ĐỨC', 'café', 'Łódź', 'Øresund', 'Straße', 'GROẞE', 'Æsir', 'Œuvre', 'Jakovlevski', 'Þór', 'naïve', 'İstanbul', 'Αθήνα', 'Ёлка', 'ＮＡＴＯ'];

  it.each(samples)('%s folds as the index folds it', (word) => {
    // db/fold.ts (letters without a decomposition) + what unicode61 remove_diacritics 2 does.
    const indexed = indexTokens(foldForSearch(word)).join('');
    expect(foldWord(word)).toBe(indexed);
  });

  it('compares without case or accents, either way round', () => {
    expect(foldWord('Nghệ')).toBe('nghe');
    expect(foldWord('Đức')).toBe(foldWord('duc'));
    expect(foldWord('CAFÉ')).toBe('cafe');
  });
});

const T = (text: string, prefix = false): SearchTerm => ({ text, prefix });

describe('finding the search words in a text', () => {
  it('finds Chinese and Japanese words inside a run of characters, as the index does', () => {
    const text = '北京市政府今天宣布了新的交通政策，东京不变。';
    const words = matchRanges(text, [T('北京'), T('政策'), T('东京')]).map(([s, e]) => text.slice(s, e));
    expect(words).toEqual(['北京', '政策', '东京']);
    expect(splitMatches('上野公園の桜', [T('公園')])).toEqual([['上野', false], ['公園', true], ['の桜', false]]);
    expect(matchRanges('京北', [T('北京')])).toEqual([]);
  });

  it('matches whole words, without case or accents', () => {
    const text = 'Farmers in Nghệ An province; an Anchorage visitor.';
    const words = matchRanges(text, [T('nghe'), T('an')]).map(([s, e]) => text.slice(s, e));
    expect(words).toEqual(['Nghệ', 'An', 'an']);
  });

  it('a prefix term matches words that start with it', () => {
    const text = 'Roman Jakovlevski said; according to JAKOVLEVSKI, not Jakov.';
    const words = matchRanges(text, [T('jakovlev', true)]).map(([s, e]) => text.slice(s, e));
    expect(words).toEqual(['Jakovlevski', 'JAKOVLEVSKI']);
  });

  it('finds accented words from plain terms and plain words from accented terms', () => {
    expect(splitMatches('Mr. Nguyễn Văn Đức said', [T('duc')])).toEqual([
      ['Mr. Nguyễn Văn ', false],
      ['Đức', true],
      [' said', false],
    ]);
    // The library folds special letters but leaves accents to the index: the renderer folds both.
    expect(splitMatches('Duc and Cafe', [T('Đức'), T('café')]).filter(([, hit]) => hit).map(([w]) => w)).toEqual(['Duc', 'Cafe']);
  });

  it('splits a term holding several words (e-mail) into its words', () => {
    expect(matchRanges('send an e-mail', [T('e-mail')]).length).toBe(2);
  });

  it('leaves a text without matches in one piece', () => {
    expect(splitMatches('Nothing here', [T('belarus')])).toEqual([['Nothing here', false]]);
    expect(splitMatches('', [T('belarus')])).toEqual([['', false]]);
    expect(matchRanges('Anything', [])).toEqual([]);
  });
});

describe('highlighting an article body', () => {
  function body(html: string): DocumentFragment {
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    return tpl.content;
  }

  it('wraps each match in <mark class="bs-hit">, in paragraphs, inline elements and captions', () => {
    const root = body(
      '<p>Farmers in <b>Nghệ An</b> province. Nghe an again.</p>' +
        '<figure><div class="placeholder" role="img" aria-label="Nghệ An fields"><span aria-hidden="true">Picture not saved</span></div>' +
        '<figcaption>Harvest in Nghệ An. Photo: Reuters</figcaption></figure>',
    );
    const marks = highlightMatches(root, [T('nghe'), T('an')]);
    expect(marks.map((m) => m.textContent)).toEqual(['Nghệ', 'An', 'Nghe', 'an', 'Nghệ', 'An']);
    expect(marks.every((m) => m.localName === 'mark' && m.className === 'bs-hit')).toBe(true);
    expect(root.querySelectorAll('figcaption mark.bs-hit')).toHaveLength(2);
    // The text reads as before; attributes (aria-label) and hidden labels are not touched.
    expect(root.querySelector('p')!.textContent).toBe('Farmers in Nghệ An province. Nghe an again.');
    expect(root.querySelector('[aria-label]')!.getAttribute('aria-label')).toBe('Nghệ An fields');
    expect(root.querySelector('[aria-hidden] mark')).toBeNull();
  });

  it('never reads markup as text: a word that looks like a tag stays text', () => {
    const root = body('<p>The &lt;mark&gt; tag and the word mark, <i>marked</i>.</p>');
    const marks = highlightMatches(root, [T('mark', true)]);
    expect(marks.map((m) => m.textContent)).toEqual(['mark', 'mark', 'marked']);
    expect(root.querySelector('p')!.innerHTML).toBe(
      'The &lt;<mark class="bs-hit">mark</mark>&gt; tag and the word <mark class="bs-hit">mark</mark>, <i><mark class="bs-hit">marked</mark></i>.',
    );
  });

  it('does not mark inside earlier marks, and can be undone', () => {
    const root = body('<p>Minsk and Moscow; Minsk again.</p>');
    const html = root.querySelector('p')!.innerHTML;
    expect(highlightMatches(root, [T('minsk')])).toHaveLength(2);
    expect(highlightMatches(root, [T('minsk')])).toHaveLength(0);
    clearHighlights(root);
    expect(root.querySelector('p')!.innerHTML).toBe(html);
    expect(root.querySelector('p')!.childNodes).toHaveLength(1);
  });

  it('does nothing without terms', () => {
    const root = body('<p>Minsk</p>');
    expect(highlightMatches(root, [])).toEqual([]);
    expect(highlightMatches(root, [T('')])).toEqual([]);
    expect(root.querySelector('p')!.innerHTML).toBe('Minsk');
  });
});

describe('search results in the list', () => {
  it('say where they matched when it was not the body', () => {
    expect(matchedInLabel(['caption'])).toBe('in a caption');
    expect(matchedInLabel(['lead', 'title'])).toBe('in the lead');
    expect(matchedInLabel(['title'])).toBe('in the title');
    expect(matchedInLabel(['author'])).toBe('by author');
    expect(matchedInLabel(['source'])).toBe('in the source');
    expect(matchedInLabel(['body', 'caption'])).toBeNull();
    expect(matchedInLabel([])).toBeNull();
  });

  it('cut a long passage before the first match so the match shows', () => {
    const snippet = '…non-military cargo destined for the International Security Assistance Force in Afghanistan has been moved through <mark>Belarusian</mark> territory…';
    const out = prepareSnippetHtml(snippet, { maxLead: 40 });
    expect(out).toMatch(/^…[^…]{1,40}<mark>Belarusian<\/mark> territory…$/);
    expect(out.startsWith('…in Afghanistan') || out.startsWith('…Afghanistan')).toBe(true);
    // Short leads and snippets without a mark stay as they are.
    expect(prepareSnippetHtml('the <mark>Minsk</mark> talks', { maxLead: 40 })).toBe('the <mark>Minsk</mark> talks');
    expect(prepareSnippetHtml('no match here', { maxLead: 4 })).toBe('no match here');
  });
});
