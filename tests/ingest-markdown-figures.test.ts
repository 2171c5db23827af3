/**
 * Pictures as Jekyll, Hugo, Obsidian and GitHub writers put them in Markdown (raw HTML figures,
 * `{{< figure >}}` shortcodes, `![[embeds]]`), and the rest of the raw HTML Markdown allows: shown
 * as GitHub shows a README's, except what would act or load, which is shown as typed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, describe, expect, it } from 'vitest';
import { getArticle } from '../db/articles.js';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { assertNotTooDeep } from '../main/ingest/dom.js';
import { importPaths } from '../main/ingest/import.js';
import { parseMarkdown } from '../main/ingest/markdown.js';
import { js } from './fixtures/hostile/corpus.js';
import { mdArticle } from './fixtures/hostile/documents.js';
import { tempDir } from './helpers.js';
import { picture } from './net-site.js';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/articles/${name}`, import.meta.url), 'utf8');

/** Each <figure data-figure="N"> in the HTML, as the reader finds it. */
function figuresOf(html: string): { index: number; alt: string | null; caption: string | null }[] {
  const doc = new JSDOM(`<body>${html}`).window.document;
  return [...doc.querySelectorAll('figure')].map((f) => ({
    index: Number(f.getAttribute('data-figure')),
    alt: f.querySelector('img')?.getAttribute('alt') ?? null,
    caption: f.querySelector('figcaption')?.textContent ?? null,
  }));
}

/** Elements and attributes that must never be stored (as tests/hostile-e2e.test.ts checks them). */
const FORBIDDEN = ['script', 'iframe', 'frame', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'base', 'meta', 'link', 'svg', 'math', 'style', 'template', 'noscript', 'video', 'audio', 'source', 'portal'];

function activeParts(html: string): string[] {
  const found: string[] = [];
  const doc = new JSDOM(`<!DOCTYPE html><body>${html}`).window.document;
  for (const el of doc.body.querySelectorAll('*')) {
    if (FORBIDDEN.includes(el.localName)) found.push(`<${el.localName}>`);
    for (const name of el.getAttributeNames()) {
      const value = el.getAttribute(name) ?? '';
      if (/^on/i.test(name) || name === 'style' || name === 'srcset' || name === 'target' || name === 'ping') found.push(`<${el.localName} ${name}>`);
      if (name === 'href' && !/^(?:https?:|mailto:|#)/i.test(value)) found.push(`<${el.localName} href="${value}">`);
      if (name === 'src' && !/^(?:https?:|data:image\/(?:png|jpe?g|gif|webp|avif)[;,])/i.test(value)) found.push(`<${el.localName} src="${value}">`);
    }
  }
  return found;
}

const md = (...lines: string[]) => parseMarkdown(['# Title', '', 'Lead.', '', ...lines].join('\n'));
const body = 'A body paragraph that ends properly.';

describe('raw HTML pictures: pyrenees-crossing-jekyll.md', () => {
  const a = parseMarkdown(fixture('pyrenees-crossing-jekyll.md'));

  it('makes <figure>, <p align="center"> and bare <img> pictures figures, in order, relative sources kept', () => {
    expect(a.title).toBe('Walking Over the Pyrenees in Five Days');
    expect(a.lead).toBe("The old smugglers' path from Lescun to Ansó is open again after two years of repairs, and it takes five days on foot.");
    expect(a.figures).toEqual([
      { src: 'https://example.com/pyrenees.jpg', alt: 'Mountain pass', caption: 'Crossing the Pyrenees. Photo: Ana Ruiz' },
      { src: 'images/refuge.jpg', alt: 'The refuge at Linza', caption: 'The refuge at Linza, rebuilt last summer.' },
      { src: './images/map.png', alt: 'Route map', caption: 'The route, day by day. Map: Pyrenean Footpaths' },
    ]);
    expect(figuresOf(a.html)).toEqual([
      { index: 0, alt: 'Mountain pass', caption: 'Crossing the Pyrenees. Photo: Ana Ruiz' },
      { index: 1, alt: 'The refuge at Linza', caption: 'The refuge at Linza, rebuilt last summer.' },
      { index: 2, alt: 'Route map', caption: 'The route, day by day. Map: Pyrenean Footpaths' },
    ]);
    expect(a.html).toContain('<img src="https://example.com/pyrenees.jpg" alt="Mountain pass">');
  });

  it('shows neither the HTML as text nor the captions as body text', () => {
    expect(a.html).not.toContain('&lt;');
    expect(a.text).not.toMatch(/[<>]/);
    for (const caption of ['Crossing the Pyrenees', 'rebuilt last summer', 'day by day']) {
      expect(a.text).not.toContain(caption);
      expect(a.html.split(caption)).toHaveLength(2); // once: in its figcaption
    }
  });

  it('shows the rest of the raw HTML as GitHub does: <sup>, <kbd>, <details>, tables, headings; comments left out', () => {
    expect(a.html).toContain('eleven kilometres<sup>1</sup>.');
    expect(a.html).toContain('Press <code>Ctrl</code> and <code>P</code>');
    // The sanitiser keeps no <h1>, <details> or <summary>: a heading level down, the summary a paragraph.
    expect(a.html).toContain('<h2>What to carry</h2>');
    expect(a.html).toContain('<p>Kit list</p><p>Boots, a stove');
    expect(a.html).toContain('<tr><td>2</td><td>11 km</td></tr>');
    expect(a.html).not.toContain('more');
    expect(a.text).toBe(
      [
        'The first day climbs through beech woods to the Col de Pau, where the border stones still carry the numbers painted on them in 1868.',
        'On the second day the path follows the ridge for eleven kilometres1. Press Ctrl and P to print the route card.',
        'What to carry',
        'Kit list',
        'Boots, a stove and three days of food: the huts sell bread but little else.',
        'Day\tDistance\n1\t14 km\n2\t11 km',
        'The huts open on 15 June and close at the end of September, when the first snow usually falls.',
      ].join('\n\n'),
    );
  });
});

describe('raw HTML pictures, one shape at a time', () => {
  it('takes the emphasised paragraph after a caption-less picture block as its caption, as after ![](…)', () => {
    const a = md('<p align="center"><a href="https://example.com/big.jpg"><img src="a.jpg" width="300"></a></p>', '', '*The caption.*', '', body);
    expect(a.figures).toEqual([{ src: 'a.jpg', alt: '', caption: 'The caption.' }]);
    expect(a.text).toBe(body);
  });

  it('makes a row of pictures several figures, each with the caption typed after it, among Markdown ones', () => {
    const a = md(
      '![First](https://example.com/1.jpg)',
      '',
      '<div align="center">',
      '  <img src="2.jpg" alt="Second"> <img src="3.jpg" alt="Third"><br>',
      '  <sub>Third caption</sub>',
      '</div>',
      '',
      '<picture><source srcset="4.webp" type="image/webp"><img src="4.jpg" alt="Fourth"></picture>',
      '',
      body,
    );
    expect(a.figures).toEqual([
      { src: 'https://example.com/1.jpg', alt: 'First', caption: '' },
      { src: '2.jpg', alt: 'Second', caption: '' },
      { src: '3.jpg', alt: 'Third', caption: 'Third caption' },
      { src: '4.jpg', alt: 'Fourth', caption: '' },
    ]);
    expect(figuresOf(a.html).map((f) => f.index)).toEqual([0, 1, 2, 3]);
  });

  it('reads a <figcaption> before its picture, and a picture typed inside a paragraph of pictures', () => {
    const a = md('<figure><figcaption>Caption first</figcaption><img src="a.jpg" alt="A"></figure>', '', '![B](b.jpg)', '<img src="c.jpg" alt="C">', '*C caption*');
    expect(a.figures).toEqual([
      { src: 'a.jpg', alt: 'A', caption: 'Caption first' },
      { src: 'b.jpg', alt: 'B', caption: '' },
      { src: 'c.jpg', alt: 'C', caption: 'C caption' },
    ]);
  });

  it('shows a picture that is not alone (text before it, a long paragraph after it, inside a sentence) as its alt text', () => {
    const long = 'The path climbs steadily through the beech woods, past the old customs house and the spring, '.repeat(3);
    const a = md('<div>Before the picture <img src="a.jpg" alt="A"></div>', '', `<img src="b.jpg" alt="B">\n${long}`, '', 'A sentence with <img src="https://example.com/c.jpg" alt="C"> inside.');
    expect(a.figures).toEqual([]);
    expect(a.html).not.toContain('<img');
    expect(a.html).toContain('Before the picture A');
    expect(a.html).toContain('<p>A sentence with C inside.</p>');
    expect(a.text).toContain(`B ${long.trim()}`);
  });
});

describe('other raw HTML', () => {
  it('shows what is not HTML (List<String>, <Jane Doe>) as typed, where GitHub would drop it', () => {
    const a = md('Use a List<String> here.', '', '<Jane Doe>', '', body);
    expect(a.html).toContain('<p>Use a List&lt;String&gt; here.</p><p>&lt;Jane Doe&gt;</p>');
    expect(a.text).toBe(`Use a List<String> here.\n\n<Jane Doe>\n\n${body}`);
  });

  it('keeps a paragraph\'s raw tags in it: an unclosed <b> or <kbd> does not run on into the next paragraph', () => {
    const a = md('A <b>bold start and <kbd>Ctrl', '', 'stray </b> close, and the next paragraph.');
    expect(a.html).toBe('<p>A <b>bold start and <code>Ctrl</code></b></p><p>stray  close, and the next paragraph.</p>');
  });

  it('leaves <!-- comments --> out of the html and the text', () => {
    const a = md('<!-- more -->', '', `Text <!-- a note to self --> here.`, '', '<!--', 'A longer note.', '-->', '', body);
    expect(a.html).toBe(`<p>Text  here.</p><p>${body}</p>`);
    expect(a.text).toBe(`Text  here.\n\n${body}`);
  });
});

describe('raw HTML that would act or load is shown as typed, never run', () => {
  it.each([
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['<style>\nbody { background: url(https://evil.example/x) }\n</style>', 'body { background: url(https://evil.example/x) }'],
    ['<iframe src="https://evil.example"></iframe>', '<iframe src="https://evil.example"></iframe>'],
    ['<img src="x" onerror="alert(1)">', '<img src="x" onerror="alert(1)">'],
    ['<p onclick="alert(1)">Click</p>', '<p onclick="alert(1)">Click</p>'],
    ['Text <a href="javascript:alert(1)">link</a>.', 'Text <a href="javascript:alert(1)">link</a>.'],
    ['<a href="java&#x09;script:alert(1)">tab</a> and <a href=" JaVaScRiPt:alert(1)">case</a>', '<a href="java\tscript:alert(1)">tab</a>'],
    ['<a href="data:text/html,<script>alert(1)</script>">data</a>', '<a href="data:text/html,<script>alert(1)</script>">data</a>'],
    ['<img src="javascript:alert(1)" alt="x">', '<img src="javascript:alert(1)" alt="x">'],
    ['<svg onload="alert(1)"></svg>', '<svg onload="alert(1)"></svg>'],
    ['<p style="background:url(https://evil.example/t)">styled</p>', '<p style="background:url(https://evil.example/t)">styled</p>'],
    ['<a href="https://example.com/" ping="https://evil.example/p">ping</a>', 'ping="https://evil.example/p"'],
    ['<figure><img src="a.jpg" onerror="alert(1)"><figcaption>A caption</figcaption></figure>', '<figcaption>A caption</figcaption>'],
    ['<div>A <b>harmless</b> tag beside <object data="https://evil.example/o"></object></div>', '<b>harmless</b>'],
  ])('%j', (raw, typed) => {
    const a = md(raw, '', body);
    expect(activeParts(a.html)).toEqual([]);
    expect(a.figures).toEqual([]);
    // As it was before raw HTML was read: all of it as text, the tags a harmless one too.
    expect(a.html).not.toMatch(/<(?:b|a|p style|figure)[\s>]/);
    expect(a.text).toContain(typed);
    expect(a.text.endsWith(body)).toBe(true);
  });

  it('lets no unclosed <textarea>, <title>, <xmp>, <plaintext>, comment or tag swallow what follows', () => {
    for (const raw of ['<textarea>', '<title>', '<xmp>', '<plaintext>', '<noscript>', '<select>', '<template>', 'Text <!-- never closed', '<div title="never closed', '<math><mi>', '<svg><p>']) {
      const a = md(raw, '', body, '', '![Picture](https://example.com/p.jpg)', '', 'The last paragraph.');
      expect(a.html, raw).toContain(`<p>${body}</p>`);
      expect(a.html, raw).toContain('<p>The last paragraph.</p>');
      expect(a.figures, raw).toEqual([{ src: 'https://example.com/p.jpg', alt: 'Picture', caption: '' }]);
      expect(activeParts(a.html), raw).toEqual([]);
    }
  });

  it('keeps the hostile corpus written into a .md as text, as tests/hostile-e2e.test.ts expects of it', () => {
    const canary = 'http://127.0.0.1:9';
    const a = parseMarkdown(mdArticle(canary));
    const run = (name: string) => js(name).replaceAll('{{CANARY}}', canary);
    expect(a.text).toContain(`<script>${run('script')}</script>`);
    expect(a.text).toContain(`<img src="x" onerror="${run('img-onerror')}">`);
    expect(a.text).toContain('<svg><svg onload=');
    expect(a.text).toContain('<noscript><p title="</noscript>');
    expect(activeParts(a.html)).toEqual([]);
    // Its harmless <img src="…/pwned/img-remote"> shows its alt text, and nothing loads.
    expect(a.html).toContain('Payload img-remote: remote picture');
    expect(new JSDOM(a.html).window.document.querySelectorAll('img')).toHaveLength(0);
    expect(a.figures).toEqual([]);
  });
});

describe('Hugo figure shortcodes: pyrenees-crossing-hugo.md', () => {
  const a = parseMarkdown(fixture('pyrenees-crossing-hugo.md'));

  it('makes {{< figure >}} and {{% figure %}} figures, in any order of parameters and quotes, over several lines', () => {
    expect(a.figures).toEqual([
      { src: '/images/pass.jpg', alt: 'Mountain pass', caption: 'Crossing the Pyrenees' },
      { src: 'refuge.jpg', alt: 'The refuge at Linza', caption: 'The refuge at Linza' },
      { src: 'https://example.com/ridge.jpg', alt: 'The ridge above Ansó', caption: 'The ridge, eleven kilometres of it. Photo: Ana Ruiz' },
      { src: 'valley.jpg', alt: '', caption: 'The valley of Hecho at dusk.' },
    ]);
    expect(figuresOf(a.html).map((f) => [f.index, f.caption])).toEqual([
      [0, 'Crossing the Pyrenees'],
      [1, 'The refuge at Linza'],
      [2, 'The ridge, eleven kilometres of it. Photo: Ana Ruiz'],
      [3, 'The valley of Hecho at dusk.'],
    ]);
    expect(a.html).not.toContain('figure src');
    expect(a.text).not.toContain('Hecho');
  });

  it('leaves other shortcodes as they are', () => {
    expect(a.text).toBe('The first day climbs through beech woods to the Col de Pau.\n\nThe second day follows the ridge.\n\n{{< youtube w7Ft2ymGmfc >}}\n\nThe huts open on 15 June.');
  });

  it('reads escapes and bare values, and leaves a broken or inline shortcode as text', () => {
    const a = md(
      '{{<figure src=a.jpg caption="Say \\"cheese\\"" alt=`A \\ raw` >}}',
      'Text {{< figure src="b.jpg" >}} inside a sentence.',
      '',
      '{{< figure src="c.jpg" caption="never closed',
      '',
      '- {{< figure src="d.jpg" >}}',
    );
    expect(a.figures).toEqual([{ src: 'a.jpg', alt: 'A \\ raw', caption: 'Say "cheese"' }]);
    expect(a.text).toBe('Text {{< figure src="b.jpg" >}} inside a sentence.\n\n{{< figure src="c.jpg" caption="never closed\n\n{{< figure src="d.jpg" >}}');
  });
});

describe('Obsidian embeds: pyrenees-crossing-obsidian.md', () => {
  const a = parseMarkdown(fixture('pyrenees-crossing-obsidian.md'));

  it('makes ![[picture.jpg]] and ![[picture.jpg|600]] figures of the picture beside the note, with the caption line under them', () => {
    expect(a.figures).toEqual([
      { src: 'pyrenees.jpg', alt: '', caption: 'Crossing the Pyrenees. Photo: Ana Ruiz' },
      { src: 'Refuge%20at%20Linza.jpg', alt: 'The refuge at Linza', caption: '' },
      { src: 'map.png', alt: '', caption: 'The route, day by day.' },
    ]);
    expect(figuresOf(a.html).map((f) => f.index)).toEqual([0, 1, 2]);
    expect(a.text).not.toMatch(/Crossing|day by day|\.jpg|\.png/);
  });

  it('leaves links and embedded notes as typed', () => {
    expect(a.text).toBe(
      'Day one climbs to the Col de Pau; see [[Packing list]] for what to carry.\n\n![[Day two]]\n\nDay two follows the ridge for eleven kilometres.\n\nThe huts open on 15 June.',
    );
  });
});

describe('pictures beside the file', () => {
  const dbs: Database[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) closeLibrary(db);
  });

  it('stores the pictures raw HTML, shortcodes and embeds name by relative path, from beside the note', async () => {
    const root = tempDir();
    const notes = path.join(root, 'notes');
    fs.mkdirSync(path.join(notes, 'images'), { recursive: true });
    for (const name of ['pyrenees-crossing-jekyll.md', 'pyrenees-crossing-hugo.md', 'pyrenees-crossing-obsidian.md']) fs.writeFileSync(path.join(notes, name), fixture(name));
    const pictures: Array<[string, 'jpeg' | 'png']> = [['images/refuge.jpg', 'jpeg'], ['images/map.png', 'png'], ['refuge.jpg', 'jpeg'], ['valley.jpg', 'jpeg'], ['pyrenees.jpg', 'jpeg'], ['Refuge at Linza.jpg', 'jpeg'], ['map.png', 'png']];
    for (const [i, [name, format]] of pictures.entries()) fs.writeFileSync(path.join(notes, name), await picture(320, 200, i + 1, format));

    const db = openLibrary(path.join(root, 'library.sqlite'));
    dbs.push(db);
    const summary = await importPaths(db, [notes]);
    expect(summary.failed).toBe(0);
    const stored = (title: string) => {
      const item = summary.items.find((i) => i.status === 'imported' && i.title === title);
      return getArticle(db, item && 'id' in item ? item.id : -1)!;
    };
    const hashes = (title: string) => stored(title).figures.map((f) => [f.src, f.imageHash ? 'stored' : null]);
    expect(hashes('Walking Over the Pyrenees in Five Days')).toEqual([
      ['https://example.com/pyrenees.jpg', null], // on the web: an import does not fetch it
      ['images/refuge.jpg', 'stored'],
      ['./images/map.png', 'stored'],
    ]);
    expect(hashes('Hugo: the Pyrenees in Five Days')).toEqual([
      ['/images/pass.jpg', null], // the site's static folder, not beside the note
      ['refuge.jpg', 'stored'],
      ['https://example.com/ridge.jpg', null],
      ['valley.jpg', 'stored'],
    ]);
    expect(hashes('Pyrenees crossing, notes')).toEqual([
      ['pyrenees.jpg', 'stored'],
      ['Refuge%20at%20Linza.jpg', 'stored'],
      ['map.png', 'stored'],
    ]);
    const note = stored('Pyrenees crossing, notes');
    expect(note.html).toContain(`src="bs-image:${note.figures[0]!.imageHash}"`);
  });
});

describe('hostile sizes', () => {
  it('shows raw HTML nested 10,000 deep as typed, in well under a second, no deeper than any HTML may be', () => {
    for (const [open, close] of [['<div>', '</div>'], ['<span>', ''], ['<blockquote><b>', '']] as const) {
      const start = performance.now();
      const a = md(`${open.repeat(10_000)}Deep inside.${close.repeat(10_000)}`, '', body);
      expect(performance.now() - start).toBeLessThan(2000);
      expect(() => assertNotTooDeep(a.html)).not.toThrow();
      expect(a.text).toContain(`${open}${open}`);
      expect(a.text.endsWith(body)).toBe(true);
    }
  });

  it('reads floods of shortcodes and embeds in linear time', () => {
    const floods = [
      '{{< figure src="a.jpg" caption="never closed\n'.repeat(40_000),
      '{{< figure a=b a=b a=b a=b a=b a=b a=b a=b\n'.repeat(40_000),
      `![[${'a'.repeat(500)}\n`.repeat(4_000),
      '![[a.png|'.repeat(200_000),
    ];
    for (const flood of floods) {
      const start = performance.now();
      const a = md(flood, '', body);
      expect(performance.now() - start, flood.slice(0, 20)).toBeLessThan(4000);
      expect(a.figures).toEqual([]);
    }
  });

  it('counts {{% figure %}} against the markup budget, as ![…](…) is', () => {
    const start = performance.now();
    // One after the other, each its own figure: 120,000 of them would take the sanitiser minutes.
    const a = md('{{% figure src="a.jpg" %}}\n'.repeat(120_000), '', body);
    expect(performance.now() - start).toBeLessThan(4000);
    expect(a.figures).toEqual([]);
  });
});
