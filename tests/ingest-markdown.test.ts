import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArticleBytes } from '../main/ingest/file.js';
import { parseMarkdown } from '../main/ingest/markdown.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { IngestError } from '../main/ingest/types.js';

const shared = (name: string) => readFileSync(new URL(`../../shared/fixtures/articles/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/articles/${name}`, import.meta.url), 'utf8');

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every heading in order, as "h2 Text". */
function headingsOf(html: string): string[] {
  return [...html.matchAll(/<(h\d)>(.*?)<\/h\d>/g)].map((m) => `${m[1]} ${decode(m[2]!)}`);
}

function figuresOf(html: string): { index: number; src: string | null; alt: string | null; caption: string | null }[] {
  return [...html.matchAll(/<figure data-figure="(\d+)">(.*?)<\/figure>/gs)].map((m) => {
    const inner = m[2]!;
    const img = /<img ([^>]*)>/.exec(inner)?.[1];
    const attr = (name: string) => (img ? (new RegExp(`${name}="([^"]*)"`).exec(img)?.[1] ?? null) : null);
    const caption = /<figcaption>(.*?)<\/figcaption>/s.exec(inner)?.[1];
    return {
      index: Number(m[1]),
      src: attr('src'),
      alt: attr('alt') === null ? null : decode(attr('alt')!),
      caption: caption === undefined ? null : decode(caption),
    };
  });
}

const body = 'A body paragraph that ends properly.';

describe('parseMarkdown: night-trains-return.md (front matter, list, table, link, raw <script>)', () => {
  const article = parseMarkdown(fixture('night-trains-return.md'), { fileName: 'night-trains-return.md' });

  it('reads the front matter', () => {
    expect(article.title).toBe('Night Trains Return to the Northern Line');
    expect(article.author).toBe('Clara Jensen');
    expect(article.source).toBe('Rail Weekly');
    expect(article.url).toBe('https://example.com/rail/night-trains-return');
    expect(article.publishedAt).toBe(Date.UTC(2024, 2, 14));
    expect(article.attribution).toBeNull();
  });

  it('takes the first paragraph as the lead and drops the repeated title heading', () => {
    expect(article.lead).toBe(
      'Sleeper services between the capital and the northern coast will restart in June after a gap of nine years, the national rail operator said on Thursday.',
    );
    expect(article.html).not.toContain('Sleeper services between');
    expect(article.text).not.toContain('Sleeper services between');
    expect(article.html).not.toContain('Night Trains Return');
    expect(article.html).not.toContain('<h1');
  });

  it('finds the figures with emphasised-line, title and next-paragraph captions', () => {
    expect(article.figures).toEqual([
      {
        src: 'https://example.com/rail/sleeper-carriage.jpg',
        alt: 'A restored sleeper carriage',
        caption: 'A restored sleeper carriage at the Eastfield depot.',
      },
      { src: 'https://example.com/rail/cabin.jpg', alt: 'Cabin interior', caption: 'A two-berth cabin after the refit' },
      {
        src: 'https://example.com/rail/platform.jpg',
        alt: '',
        caption: 'Passengers at Northport station during a test run in February.',
      },
    ]);
    expect(figuresOf(article.html)).toEqual([
      {
        index: 0,
        src: 'https://example.com/rail/sleeper-carriage.jpg',
        alt: 'A restored sleeper carriage',
        caption: 'A restored sleeper carriage at the Eastfield depot.',
      },
      { index: 1, src: 'https://example.com/rail/cabin.jpg', alt: 'Cabin interior', caption: 'A two-berth cabin after the refit' },
      {
        index: 2,
        src: 'https://example.com/rail/platform.jpg',
        alt: 'Passengers at Northport station during a test run in February.',
        caption: 'Passengers at Northport station during a test run in February.',
      },
    ]);
    // Captions are not body text, and the caption lines are not left behind as paragraphs.
    expect(article.text).not.toContain('Eastfield depot.\n');
    expect(article.text).not.toContain('test run in February');
    expect(article.html).not.toMatch(/<p><em>/);
  });

  it('keeps headings, the list, the table and the link', () => {
    expect(headingsOf(article.html)).toEqual(['h2 What passengers get', 'h3 Timetable']);
    expect(article.html).toMatch(/<ul>\s*<li>six sleeping cars with two-berth cabins,<\/li>/);
    expect(article.html.match(/<li>/g)).toHaveLength(3);
    expect(article.html).toContain('<th>Station</th>');
    expect(article.html).toContain('<td>07:15 (arrives)</td>');
    expect(article.html).toContain('<a href="https://example.com/rail/sleeper-tickets">operator\'s website</a>');
    expect(article.html).toContain('<strong>1 April</strong>');
    expect(article.text).toContain('Capital Central\t21:40');
    expect(article.text).toContain('What passengers get\n\nEach train will have:');
  });

  it('shows the raw <script> as text', () => {
    expect(article.html).not.toContain('<script');
    expect(article.html).toContain('&lt;script&gt;alert("bring back the sleeper")&lt;/script&gt;');
    expect(article.text).toContain('<script>alert("bring back the sleeper")</script> and nothing else.');
  });

  it('leaves no Markdown syntax behind', () => {
    for (const out of [article.html, article.text]) {
      expect(out).not.toContain('![');
      expect(out).not.toContain('|');
      expect(out).not.toContain('---');
      expect(out).not.toContain('](');
    }
    expect(article.text.split('\n\n').at(-1)).toBe(
      'The operator said it will review the service after one year and could add a second route to the west if demand is strong.',
    );
  });
});

describe('parseMarkdown: allotment-waiting-lists.md (# title, h4, linked image, attribution)', () => {
  const article = parseMarkdown(fixture('allotment-waiting-lists.md'));

  it('takes the title from the first # heading and the tail attribution', () => {
    expect(article.title).toBe('Allotment Waiting Lists Grow as Food Prices Rise');
    expect(article.source).toBeNull();
    expect(article.author).toBeNull();
    expect(article.attribution).toBe('Local Democracy Service');
    expect(article.url).toBeNull();
    expect(article.publishedAt).toBeNull();
    expect(article.lead.startsWith('Councils across the region report record demand')).toBe(true);
  });

  it('maps heading levels and keeps the quote and ordered list', () => {
    expect(headingsOf(article.html)).toEqual(['h2 Demand at a record', 'h4 Why plots are scarce']);
    expect(article.html).toContain('<blockquote>');
    expect(article.html.match(/<ol>[\s\S]*<\/ol>/)?.[0].match(/<li>/g)).toHaveLength(3);
  });

  it('makes a linked image alone in its paragraph a figure without a caption', () => {
    expect(article.figures).toEqual([
      { src: 'https://example.com/allotments/greenhill.jpg', alt: 'Plots at Greenhill', caption: '' },
    ]);
    expect(figuresOf(article.html)).toEqual([
      { index: 0, src: 'https://example.com/allotments/greenhill.jpg', alt: 'Plots at Greenhill', caption: null },
    ]);
  });

  it('keeps the title, lead and attribution out of the body', () => {
    for (const out of [article.html, article.text]) {
      expect(out).not.toContain('Allotment Waiting Lists Grow');
      expect(out).not.toContain('Councils across the region');
      expect(out).not.toContain('(Source:');
    }
    expect(article.text.startsWith('Demand at a record\n\nGreenhill council has 1,870 names')).toBe(true);
    expect(article.text.endsWith('who no longer have time to tend them.')).toBe(true);
  });
});

describe('parseMarkdown edge cases', () => {
  it('refuses a file with no title', () => {
    expect(() => parseMarkdown('')).toThrow(IngestError);
    expect(() => parseMarkdown('Just a paragraph.\n\n## A section\n\nMore.')).toThrow(/^no title/);
    expect(() => parseMarkdown('---\nauthor: Someone\n---\n\nText only.')).toThrow(/^no title/);
    expect(() => parseMarkdown('---\ntitle: Only a title\n---\n\n# Only a title\n')).toThrow('no text: nothing follows the title');
  });

  it('hands scraped-shape files to parseScrapedText', () => {
    const belarus = shared('belarus-nato-or-russia.txt');
    expect(parseMarkdown(belarus)).toEqual(parseScrapedText(belarus));
    const withFrontMatter = parseMarkdown(
      `---\ntitle: From Front Matter\nurl: https://example.com/a\n---\n(Agency) - The lead.\n![](https://example.com/p.jpg) |\nA caption |\n${body}`,
    );
    expect(withFrontMatter.title).toBe('From Front Matter');
    expect(withFrontMatter.source).toBe('Agency');
    expect(withFrontMatter.lead).toBe('The lead.');
    expect(withFrontMatter.url).toBe('https://example.com/a');
    expect(withFrontMatter.figures).toEqual([{ src: 'https://example.com/p.jpg', alt: '', caption: 'A caption' }]);
    expect(withFrontMatter.text).toBe(body);
  });

  it('reads quoted values, comments, lists and ignores unknown keys; __proto__ stays data', () => {
    const a = parseMarkdown(
      [
        '---',
        '# a comment',
        "title: 'It''s #1: the \"best\" day'",
        'authors:',
        '  - Ana Lima',
        '  - Bo Chen',
        'publisher: Daily Example # the paper',
        'published: 2024-03-14T09:30:00+01:00',
        '__proto__: polluted',
        'constructor: nope',
        '---',
        'Lead.',
        '',
        body,
      ].join('\n'),
    );
    expect(a.title).toBe('It\'s #1: the "best" day');
    expect(a.author).toBe('Ana Lima, Bo Chen');
    expect(a.source).toBe('Daily Example');
    expect(a.publishedAt).toBe(Date.UTC(2024, 2, 14, 8, 30));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(a.text).toBe(body);
  });

  it('treats an opening --- without key/value lines as a rule, not front matter', () => {
    const a = parseMarkdown(`---\nThis is not front matter.\n---\n\n# Real Title\n\nLead.\n\n${body}`);
    expect(a.title).toBe('Real Title');
    expect(a.html).toContain('<hr>');
  });

  it.each([
    ['2024-03-14', Date.UTC(2024, 2, 14)],
    ['2024-03-14 09:30', Date.UTC(2024, 2, 14, 9, 30)],
    ['"14/03/2024"', Date.UTC(2024, 2, 14)],
    ['14 March 2024', Date.UTC(2024, 2, 14)],
    ['Sep 23, 2024', Date.UTC(2024, 8, 23)],
    ['Mon, 25 May 2020 10:00:00 +0200', Date.UTC(2020, 4, 25, 8)],
  ])('reads the date %s the same in every time zone', (date, expected) => {
    expect(parseMarkdown(`---\ntitle: T\ndate: ${date}\n---\nLead.\n\n${body}`).publishedAt).toBe(expected);
  });

  it('drops an invalid date or a non-http url', () => {
    const a = parseMarkdown(`---\ntitle: T\ndate: sometime soon\nurl: javascript:alert(1)\n---\nLead.\n\n${body}`);
    expect(a.publishedAt).toBeNull();
    expect(a.url).toBeNull();
  });

  it('turns body h1/h2 into h2 and deeper headings into h3/h4', () => {
    const a = parseMarkdown(`# Title\n\nLead.\n\n# One\n\n${body}\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six\n\n${body}`);
    expect(headingsOf(a.html)).toEqual(['h2 One', 'h2 Two', 'h3 Three', 'h4 Four', 'h4 Six']);
  });

  it('makes only stand-alone images figures', () => {
    const a = parseMarkdown(
      [
        '# Title',
        '',
        'Lead.',
        '',
        'Text with ![an inline icon](https://example.com/icon.png) inside.',
        '',
        '![First](https://example.com/1.jpg)',
        '*First caption*',
        '![Second](https://example.com/2.jpg)',
        '',
        '*Second caption, from the next paragraph*',
        '',
        '*An emphasised paragraph that follows no image stays a paragraph.*',
      ].join('\n'),
    );
    expect(a.figures).toEqual([
      { src: 'https://example.com/1.jpg', alt: 'First', caption: 'First caption' },
      { src: 'https://example.com/2.jpg', alt: 'Second', caption: 'Second caption, from the next paragraph' },
    ]);
    expect(a.html).toContain('<p>Text with an inline icon inside.</p>');
    expect(a.html).not.toContain('icon.png');
    expect(a.html).toContain('<p><em>An emphasised paragraph that follows no image stays a paragraph.</em></p>');
    expect(figuresOf(a.html).map((f) => [f.index, f.caption])).toEqual([
      [0, 'First caption'],
      [1, 'Second caption, from the next paragraph'],
    ]);
  });

  it('does not take a partly emphasised line as a caption', () => {
    const a = parseMarkdown('# T\n\nLead.\n\n![](https://example.com/1.jpg)\n\n*Photo* by the author, *2024*');
    expect(a.figures).toEqual([{ src: 'https://example.com/1.jpg', alt: '', caption: '' }]);
    expect(a.text).toBe('Photo by the author, 2024');
  });

  it('escapes hostile HTML, in the body and in a caption', () => {
    const a = parseMarkdown(
      [
        '# Title',
        '',
        'Lead.',
        '',
        '<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>',
        '',
        '[click](javascript:alert(2)) and [ok](https://example.com/ok)',
        '',
        '![](https://example.com/a.jpg)',
        '*<b>Not bold</b> & <script>alert(3)</script>*',
      ].join('\n'),
    );
    expect(a.html).not.toMatch(/<(?:script|iframe|b)\b/);
    expect(a.html).not.toMatch(/<img [^>]*onerror/);
    expect(a.html).not.toContain('href="javascript');
    expect(a.html).toContain('&lt;img src=x onerror="alert(1)"&gt;');
    expect(a.html).toContain('<a href="https://example.com/ok">ok</a>');
    expect(a.figures[0]!.caption).toBe('<b>Not bold</b> & <script>alert(3)</script>');
    expect(a.html).toContain('<figcaption>&lt;b&gt;Not bold&lt;/b&gt; &amp; &lt;script&gt;alert(3)&lt;/script&gt;</figcaption>');
  });

  it('parses a hostile 2 MB file in linear time, keeping the block structure', () => {
    const chunks = ['# Title', 'Lead.', '## Section'];
    for (let i = 0; i < 1000; i++) chunks.push('!['.repeat(500), '*_['.repeat(300));
    const start = performance.now();
    const a = parseMarkdown(chunks.join('\n\n'));
    expect(performance.now() - start).toBeLessThan(4000);
    expect(a.title).toBe('Title');
    expect(headingsOf(a.html)).toEqual(['h2 Section']);
    expect(a.text.length).toBeGreaterThan(1_500_000);
  });

  // 200,000 tabs before a value with a line separator in it: 20-45 s each while the front-matter
  // patterns backtracked quadratically.
  it('reads a list item with a long run of tabs before its value', () => {
    const tabs = '\t'.repeat(200_000);
    const a = parseMarkdown(`---\ntitle: Night trains\nauthors:\n -${tabs}Jane\u2028Doe\n---\n\nFirst paragraph.\n\nSecond paragraph.\n`);
    expect(a.title).toBe('Night trains');
    expect(a.author).toBe(`-${tabs}Jane\u2028Doe`.trim());
    expect(a.text).toBe('Second paragraph.');
  });

  it('turns down front matter whose value holds a line separator after a long run of tabs', () => {
    const tabs = '\t'.repeat(200_000);
    const a = parseMarkdown(`---\nauthor: Jane Doe\nsummary:${tabs}x\u2028y\n---\n\n# Night trains\n\nFirst paragraph.\n\nSecond paragraph.\n`);
    expect(a.title).toBe('Night trains');
    expect(a.author).toBeNull();
    expect(a.lead).toBe('First paragraph.');
  });

  // Notepad's "Unicode" save; the file was refused as "a MP1 file, audio/mpeg" (FF FE) or as binary data.
  it('imports a .md file saved as UTF-16, either byte order, and still refuses a NUL inside one', async () => {
    const src = '# Café owners welcome “smart” rules\n\nThe council voted on Tuesday.\n\n![Tables on Quay Street](https://e.example/quay.jpg)\n\nThe fee is €50 a year.\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(src, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    for (const bytes of [le, be]) {
      const a = await parseArticleBytes('cafe.md', bytes);
      expect(a.title).toBe('Café owners welcome “smart” rules');
      expect(a.lead).toBe('The council voted on Tuesday.');
      expect(a.figures).toEqual([{ src: 'https://e.example/quay.jpg', alt: 'Tables on Quay Street', caption: '' }]);
      expect(a.text).toBe('The fee is €50 a year.');
    }
    const withNul = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# Title\n\nText\0more text.\n`, 'utf16le')]);
    await expect(parseArticleBytes('cafe.md', withNul)).rejects.toThrow('not a text file (binary data)');
  });

  it('takes a short plain line typed straight under an image as its caption', () => {
    const a = parseMarkdown(
      [
        '# Night trains',
        '',
        'Lead.',
        '',
        '![Sleeper car](https://e.example/car.jpg)',
        'The new sleeper cars run nightly. Photo: Rail Co',
        '',
        body,
        '',
        '![Map](https://e.example/map.png)',
        `${'The route runs along the coast and stops at every town on the way, '.repeat(4)}so this line is text.`,
      ].join('\n'),
    );
    expect(a.figures).toEqual([{ src: 'https://e.example/car.jpg', alt: 'Sleeper car', caption: 'The new sleeper cars run nightly. Photo: Rail Co' }]);
    expect(figuresOf(a.html)).toEqual([
      { index: 0, src: 'https://e.example/car.jpg', alt: 'Sleeper car', caption: 'The new sleeper cars run nightly. Photo: Rail Co' },
    ]);
    expect(a.text.startsWith(body)).toBe(true);
    expect(a.text).not.toContain('sleeper cars run nightly');
    // A long line under an image is the article's text, not a caption.
    expect(a.text.endsWith('so this line is text.')).toBe(true);
  });

  it('shows footnotes as superscript numbers linked to the notes, a numbered list at the end that links back', () => {
    const a = parseMarkdown(
      [
        '# Night trains',
        '',
        'Lead.',
        '',
        'Sleeper services return in June[^1], with new cabins[^cabins]. A [^missing] label stays as typed.',
        '[^cabins]: See [the plan](https://e.example/plan).',
        '',
        'The first train is full[^1].',
        '',
        '[^1]: The operator said so on *Thursday*,',
        'in a statement.',
        '[^unused]: A note nothing refers to.',
      ].join('\n'),
    );
    // Ids carry the sanitiser's prefix (sanitize.ts); the second reference to note 1 has no id of its own.
    const back = (n: number) => `<a href="#user-content-fnref-${n}" title="Back to the text">\u21A9\uFE0E</a>`;
    expect(a.html).toBe(
      '<p>Sleeper services return in June<sup id="user-content-fnref-1"><a href="#user-content-fn-1">1</a></sup>, ' +
        'with new cabins<sup id="user-content-fnref-2"><a href="#user-content-fn-2">2</a></sup>. A [^missing] label stays as typed.</p>' +
        '<p>The first train is full<sup><a href="#user-content-fn-1">1</a></sup>.</p>' +
        `<hr><ol><li id="user-content-fn-1">The operator said so on <em>Thursday</em>,\nin a statement. ${back(1)}</li>` +
        `<li id="user-content-fn-2">See <a href="https://e.example/plan">the plan</a>. ${back(2)}</li></ol>`,
    );
    expect(a.text).toBe(
      'Sleeper services return in June, with new cabins. A [^missing] label stays as typed.\n\nThe first train is full.\n\n' +
        '1. The operator said so on Thursday, in a statement.\n2. See the plan.',
    );
  });
});

describe("parseMarkdown: the article's language", () => {
  it('comes from front matter (lang, language or locale), checked against the text', () => {
    const body = 'Le conseil municipal a voté hier soir la réouverture de la ligne de tramway du port.\n\nLes travaux commenceront au printemps.';
    expect(parseMarkdown(`---\ntitle: Le tramway\nlang: fr\n---\n\n${body}`).lang).toBe('fr');
    expect(parseMarkdown(`---\ntitle: Le tramway\nlocale: fr_CA\n---\n\n${body}`).lang).toBe('fr-CA');
    expect(parseMarkdown(`# Le tramway\n\n${body}`).lang).toBeNull();
    const vietnamese = 'Chiều nay, Ủy ban nhân dân tỉnh Nghệ An đã tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm nay.';
    expect(parseMarkdown(`---\ntitle: Hội nghị\nlanguage: en\n---\n\n${vietnamese}\n\n${vietnamese}`).lang).toBe('vi');
  });
});
