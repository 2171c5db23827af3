import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScrapedText } from '../main/ingest/text.js';
import { IngestError, type ParsedArticle, type ParsedFigure } from '../main/ingest/types.js';
import { SHARED_FIXTURE } from './helpers.js';

const shared = (name: string) => readFileSync(new URL(`../../shared/fixtures/articles/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/articles/${name}`, import.meta.url), 'utf8');

/** Text as a reader sees it: sanitised HTML escapes differ from ours, so compare decoded. */
function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

function headingsOf(html: string): string[] {
  return [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => decode(m[1]!));
}

interface HtmlFigure {
  index: number;
  src: string | null;
  alt: string | null;
  caption: string | null;
}

function figuresOf(html: string): HtmlFigure[] {
  return [...html.matchAll(/<figure data-figure="(\d+)">(.*?)<\/figure>/gs)].map((m) => {
    const inner = m[2]!;
    const img = /<img ([^>]*)>/.exec(inner)?.[1];
    const attr = (name: string) => (img ? (new RegExp(`${name}="([^"]*)"`).exec(img)?.[1] ?? null) : null);
    const caption = /<figcaption>(.*?)<\/figcaption>/s.exec(inner)?.[1];
    return {
      index: Number(m[1]),
      src: attr('src') === null ? null : decode(attr('src')!),
      alt: attr('alt') === null ? null : decode(attr('alt')!),
      caption: caption === undefined ? null : decode(caption),
    };
  });
}

/** Each figure of `figures` is in html, in order, with its index, image and caption. */
function expectFiguresInHtml(article: ParsedArticle): void {
  const inHtml = figuresOf(article.html);
  expect(inHtml.map((f) => f.index)).toEqual(article.figures.map((_, i) => i));
  article.figures.forEach((figure, i) => {
    const shown = inHtml[i]!;
    expect(shown.src).toBe(figure.src || null);
    expect(shown.alt).toBe(figure.src ? figure.alt || figure.caption : null);
    expect(shown.caption).toBe(figure.caption || null);
  });
}

/** No scraped furniture left anywhere the reader or the search index looks. */
function expectNoClutter(article: ParsedArticle): void {
  for (const out of [article.html, article.text, article.lead, article.title]) {
    expect(out).not.toContain('|');
    expect(out).not.toContain('![');
    expect(out).not.toMatch(/related news|related articles|read more|tin liên quan/i);
    expect(out).not.toMatch(/^-{3}/m);
  }
}

interface Expected {
  name: string;
  input: () => string;
  title: string;
  source: string | null;
  author: string | null;
  attribution: string | null;
  lead: string;
  figures: ParsedFigure[];
  headings: string[];
  /** First and last body paragraphs: pins where the body starts and where the tail was cut. */
  firstParagraph: string;
  lastParagraph: string;
}

const cases: Expected[] = [
  {
    name: 'belarus-nato-or-russia.txt (reference case)',
    input: () => shared('belarus-nato-or-russia.txt'),
    title: "Belarus's Choice: NATO or Russia?",
    source: 'Baonghean',
    author: 'Phu Binh',
    attribution: 'DW',
    lead: 'Belarus has recently signed many military cooperation agreements with member countries',
    figures: [
      { src: '', alt: '', caption: 'Belarusian President Alexander Lukashenko. Photo: Reuters' },
      { src: '', alt: '', caption: 'Minsk hosted a joint Russian-Belarusian military parade in 2014. Photo: DW' },
      { src: '', alt: '', caption: 'Belarus has signed military cooperation agreements with NATO members Latvia, Poland and Lithuania.' },
    ],
    headings: ['Military agreement with Russia', 'What is the goal of Minsk?', 'Special Forces Agreement with the Kremlin'],
    firstParagraph: 'Belarusian Defense Minister Andrei Ravkov recently signed',
    lastParagraph: 'is necessary for President Lukashenko, to avoid unforeseen consequences.',
  },
  {
    name: 'harbour-tram-line-opens.txt (image URLs, READ MORE clutter)',
    input: () => fixture('harbour-tram-line-opens.txt'),
    title: 'Harbour City Opens Its First Tram Line in Sixty Years',
    source: 'Harbour Times',
    author: 'Marta Lindqvist',
    attribution: 'Reuters',
    lead: 'The first tram in six decades rolled along the waterfront of Harbour City',
    figures: [
      {
        src: 'https://example.com/images/tram-ferry-terminal.jpg',
        alt: 'Tram at the ferry terminal stop',
        caption: 'A tram waits at the Ferry Terminal stop on the opening morning. Photo: Harbour Times',
      },
      {
        src: 'https://example.com/images/quay-street-works.jpg',
        alt: '',
        caption: 'Road works on Quay Street in 2022 closed one lane for nineteen months.',
      },
    ],
    headings: ['Costs and delays', 'Will people leave their cars at home?'],
    firstParagraph: 'The new line links the ferry terminal with the university campus',
    lastParagraph: 'before the final evening ferry arrives.',
  },
  {
    name: 'flood-relief-photo-gallery.txt (figures in a row, gallery row, en dash)',
    input: () => fixture('flood-relief-photo-gallery.txt'),
    title: 'Volunteers Rebuild Riverside Homes After Autumn Floods',
    source: 'Delta Post',
    author: 'Leah Okafor',
    attribution: null,
    lead: 'Three weeks after the Lam River burst its banks, volunteers from across the province',
    figures: [
      {
        src: 'https://example.com/photos/flood-sandbags.jpg',
        alt: 'Volunteers carrying sandbags',
        caption: 'Students from the technical college carry sandbags to a damaged school.',
      },
      { src: 'https://example.com/photos/flood-kitchen.jpg', alt: '', caption: '' },
      {
        src: 'https://example.com/photos/flood-rice.jpg',
        alt: 'Drying rice on the road',
        caption: 'Families dry rice that was soaked in the flood on the village road.',
      },
      { src: '', alt: '', caption: "A volunteer medical team checks a child's health in a temporary shelter." },
      { src: 'https://example.com/photos/school-before.jpg', alt: '', caption: 'The school yard before the clean-up' },
      { src: 'https://example.com/photos/school-after.jpg', alt: '', caption: 'The same yard a week later' },
    ],
    headings: ['Help from outside the province'],
    firstParagraph: 'The floods damaged more than 2,300 houses in the district',
    lastParagraph: 'many families have no savings left to buy seed for the next season.',
  },
  {
    name: 'council-budget-vote-no-figures.txt (no figures, em dash)',
    input: () => fixture('council-budget-vote-no-figures.txt'),
    title: 'Council Approves Budget With Cuts to Road Repairs',
    source: 'Civic Ledger',
    author: 'Daniel Ferreira',
    attribution: 'AP',
    lead: "Northfield city council approved next year's budget late on Tuesday by nine votes to six",
    figures: [],
    headings: ['Parking charges go up', 'What happens to the roads?'],
    firstParagraph: 'The budget of 96 million sets aside more money for social care',
    lastParagraph: 'a pilot scheme offering free bus travel to apprentices under 21.',
  },
  {
    name: 'library-night-hours-no-byline.txt (no source, byline or attribution; blank lines; "# " title)',
    input: () => fixture('library-night-hours-no-byline.txt'),
    title: 'City Library Extends Opening Hours for Exam Season',
    source: null,
    author: null,
    attribution: null,
    lead: 'Students preparing for final exams will be able to use the central library until midnight',
    figures: [{ src: 'https://example.com/library/reading-room.jpg', alt: '', caption: '' }],
    headings: ['A quiet place to work'],
    firstParagraph: 'The late opening will run for six weeks',
    lastParagraph: 'The city has agreed to install four new lamps before the first late evening.',
  },
  {
    name: 'nghe-an-rice-harvest.txt (Vietnamese names, "Theo", "Tin liên quan")',
    input: () => fixture('nghe-an-rice-harvest.txt'),
    title: 'Nghệ An Farmers Bring In Record Summer Rice Harvest',
    source: 'Baonghean',
    author: 'Nguyễn Thị Lan',
    attribution: 'Báo Nghệ An',
    lead: 'Farmers in Nghệ An province have finished harvesting the summer-autumn rice crop',
    figures: [
      { src: '', alt: '', caption: 'Farmers in Đức Thọ district harvest rice with a combine machine. Photo: Nguyễn Hải' },
      { src: '', alt: '', caption: 'Mrs. Trần Thị Hoa checks rice drying in the yard of the Yên Thành cooperative.' },
    ],
    headings: ['New seed varieties', 'Can the success last?'],
    firstParagraph: 'The province planted more than 90,000 hectares of rice this season.',
    lastParagraph: 'two more drying yards for cooperatives in the mountain districts.',
  },
  {
    name: 'offshore-wind-auction-source.txt ("(Source: X)", "By X")',
    input: () => fixture('offshore-wind-auction-source.txt'),
    title: 'Offshore Wind Auction Draws Record Number of Bidders',
    source: 'Northsea Wire',
    author: 'Henrik Aalto',
    attribution: 'Reuters',
    lead: 'Eleven companies have submitted bids for the right to build wind farms in three offshore zones',
    figures: [
      {
        src: 'https://example.com/wind/turbines-coast.jpg',
        alt: 'Turbines off the northern coast',
        caption: 'Turbines at an existing wind farm off the northern coast.',
      },
    ],
    headings: ['Why now?'],
    firstParagraph: 'The ministry expects the winning projects to supply about 3 gigawatts',
    lastParagraph: 'Work on the cable route survey started in March.',
  },
];

describe('parseScrapedText on the fixtures', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const article = parseScrapedText(c.input(), { fileName: 'fixture.txt' });
      const paragraphs = article.text.split('\n\n');

      it('reads title, source, byline, attribution and lead', () => {
        expect(article.title).toBe(c.title);
        expect(article.source).toBe(c.source);
        expect(article.author).toBe(c.author);
        expect(article.attribution).toBe(c.attribution);
        expect(article.url).toBeNull();
        expect(article.publishedAt).toBeNull();
        expect(article.lead.startsWith(c.lead)).toBe(true);
        expect(article.lead).not.toMatch(/^\(/);
      });

      it('finds every figure, in order, with its caption', () => {
        expect(article.figures).toEqual(c.figures);
        expectFiguresInHtml(article);
      });

      it('marks the section headings and nothing else', () => {
        expect(headingsOf(article.html)).toEqual(c.headings);
        expect(article.html).not.toMatch(/<h[13-6]/);
        // Headings are part of the plain text too, each as its own paragraph.
        for (const h of c.headings) expect(paragraphs).toContain(h);
      });

      it('keeps title, lead, byline, attribution and captions out of the body', () => {
        expect(paragraphs[0]!.startsWith(c.firstParagraph)).toBe(true);
        expect(paragraphs[paragraphs.length - 1]!.endsWith(c.lastParagraph)).toBe(true);
        expect(decode(article.html)).toContain(c.firstParagraph);
        for (const out of [article.text, decode(article.html)]) {
          expect(out).not.toContain(c.title);
          expect(out).not.toContain(c.lead);
          if (c.author) expect(out).not.toContain(c.author);
          if (c.attribution) expect(out).not.toMatch(/\((?:According to|Source:|Theo) /);
        }
        for (const f of c.figures) if (f.caption) expect(article.text).not.toContain(f.caption);
        expect(article.html).not.toContain('<h1');
      });

      it('leaves no pipes, image markers or related-news clutter', () => {
        expectNoClutter(article);
      });
    });
  }

  it('renders inline Markdown in paragraphs: links and emphasis', () => {
    const article = parseScrapedText(fixture('harbour-tram-line-opens.txt'));
    expect(article.html).toContain('<a href="https://example.com/transport/tram-timetable">the city transport office</a>');
    expect(article.html).toContain('<em>months</em>');
    expect(article.text).toContain('according to the city transport office.');
    expect(article.text).toContain('arrived months late');
  });

  it('puts each caption in the figure it belongs to', () => {
    const article = parseScrapedText(shared('belarus-nato-or-russia.txt'));
    const parade = figuresOf(article.html)[1]!;
    expect(parade.index).toBe(1);
    expect(parade.caption).toBe('Minsk hosted a joint Russian-Belarusian military parade in 2014. Photo: DW');
    // The parade figure sits between the ISAF paragraph and the first heading.
    const html = article.html;
    expect(html.indexOf('data-figure="1"')).toBeGreaterThan(html.indexOf('peacekeeping operations'));
    expect(html.indexOf('data-figure="1"')).toBeLessThan(html.indexOf('<h2>Military agreement with Russia</h2>'));
  });
});

describe('parseScrapedText edge cases', () => {
  const body = 'First paragraph of the body, long enough to be a paragraph.';

  it('refuses a file with no usable title', () => {
    expect(() => parseScrapedText('')).toThrow(IngestError);
    expect(() => parseScrapedText('')).toThrow('no title: the file is empty');
    expect(() => parseScrapedText('  \n\n\t \r\n')).toThrow('no title: the file is empty');
    expect(() => parseScrapedText(`${'word '.repeat(80)}\nmore`)).toThrow('no title: the first line is a whole paragraph');
    expect(() => parseScrapedText('![](https://example.com/a.jpg) |\nCaption |\nText.')).toThrow(/^no title/);
    expect(() => parseScrapedText(`(Baonghean) - A lead with no title above it.\n${body}`)).toThrow(/^no title/);
  });

  it('refuses a title with nothing after it', () => {
    expect(() => parseScrapedText('Only a headline\n\n---|\nRELATED NEWS |\nOther story |')).toThrow(IngestError);
  });

  it('accepts a lead without a source prefix', () => {
    const a = parseScrapedText(`Title\nJust a lead.\n${body}`);
    expect(a.source).toBeNull();
    expect(a.lead).toBe('Just a lead.');
    expect(a.text).toBe(body);
  });

  it.each([
    ['-', '(Tuoi Tre) - Lead.'],
    ['en dash', '(Tuoi Tre) – Lead.'],
    ['em dash', '(Tuoi Tre) — Lead.'],
    ['no spaces', '(Tuoi Tre)-Lead.'],
  ])('reads the source before a %s', (_, leadLine) => {
    const a = parseScrapedText(`Title\n${leadLine}\n${body}`);
    expect(a.source).toBe('Tuoi Tre');
    expect(a.lead).toBe('Lead.');
  });

  it('escapes hostile inline HTML instead of keeping tags', () => {
    const hostile = 'Text <img src=x onerror="alert(1)"> and <script>alert(2)</script> <a href="javascript:alert(3)">x</a>.';
    const a = parseScrapedText(`Title\nLead.\n${hostile}\n[click](javascript:alert(4)) here.`);
    expect(a.html).not.toMatch(/<(?:img|script|a)\b/);
    expect(a.html).not.toContain('javascript:alert(4)"');
    expect(a.html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(a.html).toContain('&lt;img src=x onerror="alert(1)"&gt;');
    expect(a.text).toContain('<script>alert(2)</script>');
  });

  it('keeps HTML-looking caption text as text', () => {
    const a = parseScrapedText(
      'Title\nLead.\n![](https://example.com/a.jpg) |\n<b>Not bold</b> & <script>alert(1)</script> |\nBody text follows here.',
    );
    expect(a.figures).toEqual([
      { src: 'https://example.com/a.jpg', alt: '', caption: '<b>Not bold</b> & <script>alert(1)</script>' },
    ]);
    expect(a.html).toContain('<figcaption>&lt;b&gt;Not bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</figcaption>');
    expect(a.html).not.toMatch(/<(?:b|script)>/);
  });

  it('drops image URLs with unsafe schemes but keeps the figure', () => {
    const a = parseScrapedText('Title\nLead.\n![x](javascript:alert(1)) |\nA caption |\nBody text follows.');
    expect(a.figures).toEqual([{ src: '', alt: 'x', caption: 'A caption' }]);
    expect(a.html).not.toContain('<img');
  });

  it('reads URLs with parentheses, same-line captions and markers without a pipe', () => {
    const a = parseScrapedText(
      [
        'Title',
        'Lead.',
        '![Bridge](https://example.com/wiki/Bridge_(1907).jpg) | The old bridge in 1907 |',
        'Paragraph one.',
        '![](https://example.com/b.jpg)',
        'Paragraph two, which is not a caption because it has no pipe.',
      ].join('\n'),
    );
    expect(a.figures).toEqual([
      { src: 'https://example.com/wiki/Bridge_(1907).jpg', alt: 'Bridge', caption: 'The old bridge in 1907' },
      { src: 'https://example.com/b.jpg', alt: '', caption: '' },
    ]);
    expect(a.text).toBe('Paragraph one.\n\nParagraph two, which is not a caption because it has no pipe.');
  });

  it('captions a gallery row cell by cell, leaving an image without a caption when its cell is empty', () => {
    const a = parseScrapedText(
      `Title\nLead.\n![](https://example.com/a.jpg) | ![](https://example.com/b.jpg) |\nVolunteers carry sandbags. Photo: A | |\n${body}`,
    );
    expect(a.figures).toEqual([
      { src: 'https://example.com/a.jpg', alt: '', caption: 'Volunteers carry sandbags. Photo: A' },
      { src: 'https://example.com/b.jpg', alt: '', caption: '' },
    ]);
    expectFiguresInHtml(a);
    const b = parseScrapedText(
      `Title\nLead.\n![](https://example.com/a.jpg) | ![](https://example.com/b.jpg) | ![](https://example.com/c.jpg) |\nLeft photo | Middle photo |\n${body}`,
    );
    expect(b.figures.map((f) => f.caption)).toEqual(['Left photo', 'Middle photo', '']);
    expectFiguresInHtml(b);
    expectNoClutter(b);
  });

  it('makes numbered and dashed lines in a row a list', () => {
    const a = parseScrapedText(
      [
        'Title',
        'Lead.',
        'Ticket types',
        '1. Single-journey tickets',
        '2. Day passes',
        '3. Monthly passes',
        'Passes are sold at every station.',
        '- Children under six travel free',
        '',
        '- Students pay half',
        '1. Not a list: one numbered line alone.',
      ].join('\n'),
    );
    expect(a.html).toBe(
      '<h2>Ticket types</h2><ol><li>Single-journey tickets</li><li>Day passes</li><li>Monthly passes</li></ol>' +
        '<p>Passes are sold at every station.</p><ul><li>Children under six travel free</li><li>Students pay half</li></ul>' +
        '<p>1. Not a list: one numbered line alone.</p>',
    );
    expect(a.text).toBe(
      'Ticket types\n\nSingle-journey tickets\nDay passes\nMonthly passes\n\nPasses are sold at every station.\n\n' +
        'Children under six travel free\nStudents pay half\n\n1. Not a list: one numbered line alone.',
    );
  });

  it('shows an image inside a sentence as its alt text, not as a remote <img>', () => {
    const a = parseScrapedText('Title\nLead.\nThe logo ![a leaf](https://example.com/leaf.png) marks organic food.');
    expect(a.figures).toEqual([]);
    expect(a.html).toBe('<p>The logo a leaf marks organic food.</p>');
  });

  it('tells headings from short paragraphs', () => {
    const a = parseScrapedText(
      [
        'Title',
        'Lead.',
        'Opening paragraph of the story, with a full stop.',
        'Nobody objected.',
        'He said: "we will see"',
        'and this fragment starts in lower case',
        'Photo: Reuters',
        'A Real Heading',
        'Why does it matter?',
        'Text under the question heading, ending properly.',
        'This line is far too long to be a heading because it has many more than twelve words in it',
        'Closing paragraph.',
      ].join('\n'),
    );
    // Two heading-shaped lines in a row: only the first is a heading.
    expect(headingsOf(a.html)).toEqual(['A Real Heading']);
    expect(a.html).toContain('<p>Why does it matter?</p>');
    expect(a.html).toContain('<p>Nobody objected.</p>');
    expect(a.html).toContain('<p>Photo: Reuters</p>');
    expect(a.html).toContain('<p>and this fragment starts in lower case</p>');
  });

  it('does not take a heading-shaped last line for a heading, nor a sentence for a byline', () => {
    const a = parseScrapedText('Title\nLead.\nBody paragraph.\nThe end of the story.');
    expect(a.author).toBeNull();
    const b = parseScrapedText('Title\nLead.\nBody paragraph.\nMore to come');
    expect(b.author).toBeNull();
    expect(headingsOf(b.html)).toEqual([]);
    expect(b.html).toContain('<p>More to come</p>');
    const c = parseScrapedText('Title\nLead.\nBody paragraph.\nAnna Maria van Berg');
    expect(c.author).toBe('Anna Maria van Berg');
    expect(c.text).toBe('Body paragraph.');
  });

  it('reads the tail in either order and takes "(Source: X)" and "Theo X"', () => {
    const a = parseScrapedText('Title\nLead.\nBody paragraph.\n(Source: Tuoi Tre News)\nLê Minh Khuê');
    expect(a.attribution).toBe('Tuoi Tre News');
    expect(a.author).toBe('Lê Minh Khuê');
    expect(a.text).toBe('Body paragraph.');
    const b = parseScrapedText('Title\nLead.\nBody paragraph.\n(Theo VnExpress)');
    expect(b.attribution).toBe('VnExpress');
    expect(b.author).toBeNull();
    // "Theo" is a Vietnamese word only when a space follows it.
    const c = parseScrapedText('Title\nLead.\nBody paragraph.\n(Theodore Smith)');
    expect(c.attribution).toBeNull();
    expect(c.text).toBe('Body paragraph.\n\n(Theodore Smith)');
  });

  it('reads "Theo X" without parentheses and drops the keyword line at the end of Vietnamese articles', () => {
    const a = parseScrapedText(`Giá vàng tăng mạnh\n(Dân trí) - Lead.\n${body}\nMinh Anh\nTheo Dân trí`);
    expect(a.author).toBe('Minh Anh');
    expect(a.attribution).toBe('Dân trí');
    expect(headingsOf(a.html)).toEqual([]);
    expect(a.text).toBe(body);
    const b = parseScrapedText(`Giá vàng tăng mạnh\n(Dân trí) - Lead.\n${body}\nMinh Anh\n(Theo Dân trí)\nTừ khóa: giá vàng, SJC`);
    expect(b.author).toBe('Minh Anh');
    expect(b.attribution).toBe('Dân trí');
    expect(b.text).toBe(body);
    // A sentence starting "Theo" ("according to the ministry, ...") stays a paragraph.
    const c = parseScrapedText(`Giá vàng tăng mạnh\nLead.\n${body}\nTheo Bộ Y tế, số ca mắc đã giảm`);
    expect(c.attribution).toBeNull();
    expect(c.text).toBe(`${body}\n\nTheo Bộ Y tế, số ca mắc đã giảm`);
    // Outside a Vietnamese article, Theo is a first name.
    const d = parseScrapedText(`Title\nLead.\n${body}\nTheo Leggett`);
    expect(d.author).toBe('Theo Leggett');
    expect(d.attribution).toBeNull();
  });

  it('reads bylines naming several authors, or an author and the outlet', () => {
    const a = parseScrapedText(`Title\nBy Tom Balmforth and Olena Harmash\n(Reuters) - Lead.\n${body}`);
    expect(a.author).toBe('Tom Balmforth, Olena Harmash');
    expect(a.source).toBe('Reuters');
    expect(a.lead).toBe('Lead.');
    expect(a.text).toBe(body);
    const b = parseScrapedText(`Title\nBy Jane Doe, BBC News\nLead.\n${body}`);
    expect(b.author).toBe('Jane Doe');
    expect(b.lead).toBe('Lead.');
    const c = parseScrapedText(`Title\nLead.\n${body}\nBy Tom Balmforth, Olena Harmash and Mark Trevelyan, Reuters`);
    expect(c.author).toBe('Tom Balmforth, Olena Harmash, Mark Trevelyan');
    expect(c.text).toBe(body);
    const d = parseScrapedText(`Title\nBy Tom Balmforth, Olena Harmash\nLead.\n${body}`);
    expect(d.author).toBe('Tom Balmforth, Olena Harmash');
    // A sentence that starts with "By" is no byline.
    const e = parseScrapedText(`Title\nBy the end of the year, prices and wages had doubled\n${body}`);
    expect(e.author).toBeNull();
    expect(e.lead).toBe('By the end of the year, prices and wages had doubled');
  });

  it('drops the headline repeated under itself', () => {
    const a = parseScrapedText(`Ferry Fares Rise Again\nFERRY fares  rise again\n(Tuoi Tre) - Lead.\n${body}`);
    expect(a.title).toBe('Ferry Fares Rise Again');
    expect(a.source).toBe('Tuoi Tre');
    expect(a.lead).toBe('Lead.');
    expect(a.text).toBe(body);
  });

  it('reads optional URL and Date header lines', () => {
    const a = parseScrapedText(
      `URL: https://example.com/news/1\nDate: 2024-05-01 08:30\nTitle\nPublished: 02/05/2024\nLead.\n${body}`,
    );
    expect(a.title).toBe('Title');
    expect(a.url).toBe('https://example.com/news/1');
    expect(a.publishedAt).toBe(Date.UTC(2024, 4, 1, 8, 30));
    expect(a.lead).toBe('Lead.');
    const b = parseScrapedText(`Title\nDate: not a date\n${body}`);
    expect(b.publishedAt).toBeNull();
    expect(b.lead).toBe('Date: not a date');
  });

  it('skips a Date header it cannot read above the title, and reads day-first dates with a time and GMT offset', () => {
    const a = parseScrapedText(
      `URL: https://vnexpress.net/gia-vang-1.html\nDate: Thứ tư, 1/5/2024, 10:30 (GMT+7)\nGiá vàng tăng\n(VnExpress) - Lead.\n${body}`,
    );
    expect(a.title).toBe('Giá vàng tăng');
    expect(a.source).toBe('VnExpress');
    expect(a.url).toBe('https://vnexpress.net/gia-vang-1.html');
    expect(a.publishedAt).toBe(Date.UTC(2024, 4, 1, 3, 30));
    const b = parseScrapedText(`Date: 31/2/2024 (GMT+7)\nTitle\n(VnExpress) - Lead.\n${body}`);
    expect(b.title).toBe('Title');
    expect(b.publishedAt).toBeNull();
    expect(b.lead).toBe('Lead.');
    // A headline that merely starts like a header, with no date in it, is still the headline.
    const c = parseScrapedText(`Published: The Letters Nobody Read\nLead.\n${body}`);
    expect(c.title).toBe('Published: The Letters Nobody Read');
  });

  it('copes with CRLF line ends, a BOM and trailing spaces', () => {
    const text = shared('belarus-nato-or-russia.txt');
    const windows = `\uFEFF${text.replace(/\n/g, '  \r\n')}`;
    const a = parseScrapedText(windows);
    const b = parseScrapedText(text);
    expect(a).toEqual(b);
  });

  it('parses a hostile 2 MB file in linear time', () => {
    const lines = ['Title', 'Lead.'];
    for (let i = 0; i < 500; i++) lines.push('!['.repeat(500), '*_['.repeat(300), `${'('.repeat(1000)}`, `![](${'('.repeat(500)} |`);
    const start = performance.now();
    const a = parseScrapedText(lines.join('\n'));
    expect(performance.now() - start).toBeLessThan(4000);
    expect(a.text.length).toBeGreaterThan(1_000_000);
  });

  // Lines of 200,000 characters shaped to make a line pattern backtrack: each took 15 s to minutes
  // while those patterns were quadratic.
  describe('lines built against the line patterns', () => {
    const n = 200_000;

    it('a paragraph of " |" pairs that does not end in a pipe (stripPipes)', () => {
      const line = `Word${' |'.repeat(n / 2)}x`;
      expect(parseScrapedText(`Title\nLead.\n${line}\nLast paragraph.`).text).toBe(`${line}\n\nLast paragraph.`);
    });

    it('a "#" line whose text after the blanks holds a line separator is no heading; one without is', () => {
      const tabs = '\t'.repeat(n);
      const a = parseScrapedText(`Title\nLead.\n#${tabs}a\u2028b\n#${tabs}Real heading\nLast paragraph.`);
      expect(a.html).toBe(`<p>#${tabs}a\u2028b</p><h2>Real heading</h2><p>Last paragraph.</p>`);
    });

    it('"See also" and a long run of spaces before other text is a paragraph; before ":|" it ends the article', () => {
      const spaces = ' '.repeat(n);
      const a = parseScrapedText(`Title\nLead.\nSee also${spaces}v\nLast paragraph.\nSee also${spaces}:|${spaces}\nClutter.`);
      expect(a.text).toBe(`See also${spaces}v\n\nLast paragraph.`);
    });

    it('an attribution with long blanks before the name, and an unclosed one that stays a paragraph', () => {
      const blanks = ' \t'.repeat(n / 2);
      const named = parseScrapedText(`Title\nLead.\nLast paragraph.\n(Source:${blanks}Reuters)`);
      expect(named.attribution).toBe('Reuters');
      expect(named.text).toBe('Last paragraph.');
      const unclosed = parseScrapedText(`Title\nLead.\nLast paragraph.\n(Source:${blanks}(`);
      expect(unclosed.attribution).toBeNull();
      expect(unclosed.text).toBe(`Last paragraph.\n\n(Source:${blanks}(`);
    });
  });
});

describe("parseScrapedText: the article's language, from its letters", () => {
  it('is Vietnamese for Vietnamese prose, and left to the app for English, Vietnamese names and all', () => {
    const vietnamese = [
      'Nông dân Quế Phong thu hoạch chanh leo',
      '(Baonghean) - Từ vài hộ trồng thử nghiệm, đến nay huyện Quế Phong đã có hơn 300 ha chanh leo.',
      'Anh Lô Văn Đức cho biết mỗi năm gia đình thu về hơn 200 triệu đồng từ vườn chanh leo.',
      'Thành Đức',
    ].join('\n');
    expect(parseScrapedText(vietnamese).lang).toBe('vi');
    expect(parseScrapedText(fixture('nghe-an-rice-harvest.txt')).lang).toBeNull();
    expect(parseScrapedText(readFileSync(SHARED_FIXTURE, 'utf8')).lang).toBeNull();
  });
});
