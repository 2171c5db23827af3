import { Readability } from '@mozilla/readability';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parseHtmlPage } from '../main/ingest/html.js';
import type { ParsedArticle } from '../main/ingest/types.js';

/**
 * Figures and captions as a reader sees them, in the shapes a bug hunt found on real sites: every
 * picture a figure of its own with its whole caption, in order, and nothing else made a figure.
 */

const prose = (n: number, from = 0): string => Array.from({ length: n }, (_, i) =>
  `<p>Paragraph ${i + from} is ordinary prose, long enough to count as article text, with a clause or two, and a full stop.</p>`).join('\n');
const page = (body: string, head = '<title>A headline</title>'): string =>
  `<!doctype html><html><head>${head}</head><body><article>${body}</article></body></html>`;
/** The markup between two runs of prose, as most of these shapes sit in an article. */
const between = (markup: string): string => page(`${prose(2)}${markup}${prose(2, 2)}`);

const parse = (html: string): ParsedArticle => parseHtmlPage(html, { url: 'https://ex.com/news/story.html' });

function figures(article: ParsedArticle): Array<{ src: string; caption: string }> {
  return article.figures.map(({ src, caption }) => ({ src, caption }));
}

/** html and figures[] agree, and no caption is shown twice or left in the text. */
function expectConsistent(article: ParsedArticle): void {
  const shown = Array.from(JSDOM.fragment(article.html).querySelectorAll('figure'), (figure) => ({
    n: figure.getAttribute('data-figure'),
    caption: figure.querySelector('figcaption')?.textContent ?? '',
  }));
  expect(shown).toEqual(article.figures.map((f, n) => ({ n: String(n), caption: f.caption })));
  for (const { caption } of article.figures) if (caption) expect(article.text).not.toContain(caption);
}

describe('figures in order', () => {
  it('puts back a gallery Readability drops in its own order, not reversed', () => {
    const gallery = ['One', 'Two', 'Three'].map((n) => `<figure><img src="https://ex.com/${n}.jpg"><figcaption>${n}</figcaption></figure>`).join('');
    // Paragraphs long enough that Readability's clean-up takes the gallery <div> for clutter.
    const longer = (n: number, from: number) => prose(n, from).replaceAll('a full stop.', 'a full stop. It goes on a little longer, too.');
    const html = page(`${longer(2, 0)}<div class="gallery">${gallery}</div>${longer(2, 2)}`);
    expect(new Readability(new JSDOM(html).window.document).parse()?.content).not.toContain('Two.jpg');
    const article = parse(html);
    expect(figures(article)).toEqual([
      { src: 'https://ex.com/One.jpg', caption: 'One' },
      { src: 'https://ex.com/Two.jpg', caption: 'Two' },
      { src: 'https://ex.com/Three.jpg', caption: 'Three' },
    ]);
    expectConsistent(article);
    // Where they stood: after the second paragraph, before the third.
    expect(article.html.indexOf('Paragraph 1')).toBeLessThan(article.html.indexOf('data-figure="0"'));
    expect(article.html.indexOf('data-figure="2"')).toBeLessThan(article.html.indexOf('Paragraph 2'));
  });
});

describe('the whole caption of a <figure>', () => {
  it('takes a caption that is not a <figcaption>', () => {
    for (const [caption, expected] of [
      ['<div class="caption">The old bridge at dawn</div>', 'The old bridge at dawn'],
      ['<p class="image-caption">The old bridge. <small>Photo: Reuters</small></p>', 'The old bridge. Photo: Reuters'],
      ['<p>The old bridge at dawn</p>', 'The old bridge at dawn'],
    ] as Array<[string, string]>) {
      const article = parse(between(`<figure><img src="https://ex.com/a.jpg">${caption}</figure>`));
      expect(figures(article), caption).toEqual([{ src: 'https://ex.com/a.jpg', caption: expected }]);
      expectConsistent(article);
    }
  });

  it('keeps a credit that sits beside the picture, after the caption', () => {
    for (const [figure, expected] of [
      ['<img src="https://ex.com/a.jpg"><small class="credit">Photo: Reuters</small><figcaption>The old bridge</figcaption>', 'The old bridge. Photo: Reuters'],
      // BBC: the credit over the picture and the caption under it, each with a label for screen readers.
      ['<div><img src="https://ex.com/a.jpg"><span role="text"><span class="ssrcss-1f39n02-VisuallyHidden">Image source, </span>Getty Images</span></div>' +
        '<figcaption><span class="ssrcss-1f39n02-VisuallyHidden">Image caption, </span>Waves crashed over the sea wall</figcaption>', 'Waves crashed over the sea wall. Getty Images'],
      // Already in the caption: not repeated.
      ['<img src="https://ex.com/a.jpg"><span class="credit">Reuters</span><figcaption>The old bridge. Reuters</figcaption>', 'The old bridge. Reuters'],
      // A link to the picture's file is a control, not a credit.
      ['<img src="https://ex.com/a.jpg"><a href="https://ex.com/a-big.jpg">View larger</a><figcaption>The old bridge</figcaption>', 'The old bridge'],
    ] as Array<[string, string]>) {
      const article = parse(between(`<figure>${figure}</figure>`));
      expect(figures(article), figure).toEqual([{ src: 'https://ex.com/a.jpg', caption: expected }]);
      expectConsistent(article);
    }
  });

  it('separates caption and credit where the markup runs them together', () => {
    for (const [caption, expected] of [
      // NYT
      ['<span>Protesters outside the Capitol on Tuesday.</span><span><span>Credit...</span><span>Haiyun Jiang for The New York Times</span></span>',
        'Protesters outside the Capitol on Tuesday. Credit... Haiyun Jiang for The New York Times'],
      // Spiegel
      ['<p>Demonstranten in Köln</p><span>Foto: Oliver Berg / dpa</span>', 'Demonstranten in Köln Foto: Oliver Berg / dpa'],
      // Le Monde
      ['Emmanuel Macron à l’Élysée, le 12 mars 2024.<span class="article__credit">LUDOVIC MARIN / AFP</span>', 'Emmanuel Macron à l’Élysée, le 12 mars 2024. LUDOVIC MARIN / AFP'],
      ['The old bridge at dawn<br>Photo: Reuters', 'The old bridge at dawn Photo: Reuters'],
      ['The old bridge at dawn<cite>Reuters</cite>', 'The old bridge at dawn Reuters'],
      // Reuters: the licensing link is not part of the caption.
      ['The old bridge at dawn. REUTERS/Jane Doe <a href="https://www.reutersagency.com/en/licensereuterscontent/">Purchase Licensing Rights<span>, opens new tab</span></a>',
        'The old bridge at dawn. REUTERS/Jane Doe'],
      // An element inside a word, or before punctuation, adds no space.
      ['Flooding in <b>K</b>öln, <cite>dpa</cite>, on Monday (<span>AP</span>)', 'Flooding in Köln, dpa, on Monday (AP)'],
    ] as Array<[string, string]>) {
      const article = parse(between(`<figure><img src="https://ex.com/a.jpg"><figcaption>${caption}</figcaption></figure>`));
      expect(figures(article), caption).toEqual([{ src: 'https://ex.com/a.jpg', caption: expected }]);
    }
  });

  it('leaves out labels only a screen reader hears', () => {
    for (const hidden of ['visually-hidden', 'sr-only', 'screen-reader-text']) {
      const caption = `<span class="${hidden}">Image caption, </span>Waves crashed over the sea wall`;
      const article = parse(between(`<figure><img src="https://ex.com/a.jpg"><figcaption>${caption}</figcaption></figure>`));
      expect(figures(article), hidden).toEqual([{ src: 'https://ex.com/a.jpg', caption: 'Waves crashed over the sea wall' }]);
    }
  });
});

describe('the lead photo', () => {
  const lead = '<figure><img src="https://ex.com/lead.jpg"><figcaption>Waves at the pier</figcaption></figure>';

  it('stays when a short headline shares its <header> with the date', () => {
    const article = parse(`<html><head><title>Storm hits coast</title></head><body><article><header><h1>Storm hits coast</h1><p><time datetime="2024-03-12">12 March 2024</time></p></header>${lead}<div>${prose(4)}</div></article></body></html>`);
    expect(figures(article)).toEqual([{ src: 'https://ex.com/lead.jpg', caption: 'Waves at the pier' }]);
    expect(article.html.indexOf('data-figure="0"')).toBeLessThan(article.html.indexOf('Paragraph 1'));
    expect(article.publishedAt).toBe(Date.UTC(2024, 2, 12));
    expect(article.text).not.toContain('12 March 2024');
    expect(article.text).not.toContain('Storm hits coast');
  });

  it('stays when the paragraphs are <div>s (Reuters)', () => {
    const paragraphs = Array.from({ length: 4 }, (_, i) =>
      `<div data-testid="paragraph-${i}" class="article-body__paragraph">Paragraph ${i} is ordinary prose, long enough to count as article text, with a clause or two, and a full stop.</div>`).join('');
    const article = parse(`<html><head><title>Storm hits coast</title></head><body><article><h1>Storm hits coast</h1>${lead}<div class="article-body">${paragraphs}</div></article></body></html>`);
    expect(figures(article)).toEqual([{ src: 'https://ex.com/lead.jpg', caption: 'Waves at the pier' }]);
    expect(article.html.indexOf('data-figure="0"')).toBeLessThan(article.html.indexOf('Paragraph 1'));
    expect(article.text).toContain('Paragraph 3 is ordinary prose');
  });
});

describe('one picture, one figure', () => {
  const gif = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';

  it('does not make a second figure of a <noscript> fallback after a wrapped lazy image', () => {
    for (const markup of [
      `<figure><picture><source type="image/webp" data-srcset="https://ex.com/a.webp 800w"><img class="lazyload" src="${gif}" data-src="https://ex.com/a.jpg"></picture><noscript><img src="https://ex.com/a.jpg"></noscript><figcaption>The old bridge</figcaption></figure>`,
      `<div class="photo"><span class="lazy-wrap"><img data-lazy-src="https://ex.com/a.jpg" src="${gif}"></span><noscript><img src="https://ex.com/a.jpg"></noscript></div><p class="caption">The old bridge</p>`,
    ]) {
      const article = parse(between(markup));
      expect(figures(article), markup).toHaveLength(1);
      expect(article.figures[0]!.caption, markup).toBe('The old bridge');
      expect(article.figures[0]!.src, markup).toMatch(/^https:\/\/ex\.com\/a\.(?:jpg|webp)$/);
      expectConsistent(article);
    }
  });

  it('gives the caption to the photo, not to a zoom icon, pin button or blurred preview beside it', () => {
    for (const [markup, src] of [
      ['<figure><img src="https://ex.com/a.jpg"><button class="lightbox-trigger"><img src="https://ex.com/icons/expand.png" alt="Enlarge"></button><figcaption>The old bridge</figcaption></figure>', 'https://ex.com/a.jpg'],
      ['<figure><img src="https://ex.com/a.jpg"><a class="pin-it" href="https://pinterest.com/pin/create/"><img src="https://ex.com/pinit.png"></a><figcaption>The old bridge</figcaption></figure>', 'https://ex.com/a.jpg'],
      // Old Medium: a 60 px blurred thumbnail, the lazy image and its <noscript>.
      ['<figure><div class="aspectRatioPlaceholder"><img class="progressiveMedia-thumbnail js-progressiveMedia-thumbnail" src="https://cdn-images-1.medium.com/freeze/max/60/1*abc.jpeg?q=20"><canvas class="progressiveMedia-canvas"></canvas>' +
        '<img class="progressiveMedia-image js-progressiveMedia-image" data-src="https://cdn-images-1.medium.com/max/1600/1*abc.jpeg"><noscript><img class="progressiveMedia-noscript" src="https://cdn-images-1.medium.com/max/1600/1*abc.jpeg"></noscript></div>' +
        '<figcaption class="imageCaption">The old bridge</figcaption></figure>', 'https://cdn-images-1.medium.com/max/1600/1*abc.jpeg'],
    ] as Array<[string, string]>) {
      const article = parse(between(markup));
      expect(figures(article), markup).toEqual([{ src, caption: 'The old bridge' }]);
      expect(article.text).not.toContain('The old bridge');
      expectConsistent(article);
    }
  });

  it('keeps two real pictures of one figure apart, the caption with the last', () => {
    const article = parse(between('<figure><img src="https://ex.com/1.jpg"><a class="lightbox" href="https://ex.com/2-big.jpg"><img src="https://ex.com/2.jpg"></a><figcaption>Before and after</figcaption></figure>'));
    expect(figures(article)).toEqual([{ src: 'https://ex.com/1.jpg', caption: '' }, { src: 'https://ex.com/2.jpg', caption: 'Before and after' }]);
  });

  it('reads an old Wikipedia thumbcaption', () => {
    const thumb = '<div class="thumb tright"><div class="thumbinner" style="width:222px;"><a href="/wiki/File:L.jpg" class="image"><img src="//upload.wikimedia.org/wikipedia/commons/thumb/a/a1/L.jpg/220px-L.jpg" width="220" height="300" class="thumbimage"></a>' +
      '<div class="thumbcaption"><div class="magnify"><a href="/wiki/File:L.jpg" class="internal" title="Enlarge"></a></div>A reconstruction drawing by Hermann Thiersch (1909)</div></div></div>';
    const article = parse(between(thumb));
    expect(figures(article)).toEqual([{ src: 'https://upload.wikimedia.org/wikipedia/commons/thumb/a/a1/L.jpg/220px-L.jpg', caption: 'A reconstruction drawing by Hermann Thiersch (1909)' }]);
    expect(article.lead).toBe('Paragraph 0 is ordinary prose, long enough to count as article text, with a clause or two, and a full stop.');
    expectConsistent(article);
  });

  it('keeps an emoji in its sentence instead of making it a figure', () => {
    for (const emoji of [
      '<img class="emoji" alt="😀" src="https://s.w.org/images/core/emoji/14.0.0/svg/1f600.svg">',
      '<img draggable="false" role="img" alt="👍🏽" src="https://twemoji.example/1f44d-1f3fd.png">',
    ]) {
      const article = parse(between(`<p>We loved it ${emoji} and would go again, and enough words to make this paragraph count as text.</p>`));
      expect(article.figures, emoji).toEqual([]);
      expect(article.text, emoji).toMatch(/We loved it \S+ and would go again/u);
    }
  });
});

describe('a caption written as the line under the picture', () => {
  it('is taken when it is short and wholly in italics, or centred under a centred picture', () => {
    for (const markup of [
      // Báo Nghệ An and other Vietnamese papers
      '<p style="text-align: center;"><img src="https://ex.com/a.jpg"></p><p style="text-align: center;"><em>The old bridge at dawn. Photo: AP</em></p>',
      '<p style="text-align:center"><img src="https://ex.com/a.jpg"></p><p style="text-align:center">The old bridge at dawn. Photo: AP</p>',
      '<p><img src="https://ex.com/a.jpg"></p><p><strong><em>The old bridge at dawn. Photo: AP</em></strong></p>',
      '<div><img src="https://ex.com/a.jpg"><br><em>The old bridge at dawn. Photo: AP</em></div>',
    ]) {
      const article = parse(between(markup));
      expect(figures(article), markup).toEqual([{ src: 'https://ex.com/a.jpg', caption: 'The old bridge at dawn. Photo: AP' }]);
      expectConsistent(article);
      expect(article.text, markup).not.toContain('old bridge');
    }
  });

  it('is not taken when it is partly italic, long, centred under a picture that is not, or part of a sentence', () => {
    const long = 'This italic paragraph under the picture goes on and on, far longer than any caption would, because it is the article itself and not a note about the picture above it, whatever its styling says about it.';
    for (const [markup, text] of [
      ['<p><img src="https://ex.com/a.jpg"></p><p><em>The old bridge</em> was built in 1820 and has stood since.</p>', 'The old bridge was built in 1820 and has stood since.'],
      [`<p><img src="https://ex.com/a.jpg"></p><p><em>${long}</em></p>`, long],
      ['<p><img src="https://ex.com/a.jpg"></p><p style="text-align:center">The old bridge at dawn.</p>', 'The old bridge at dawn.'],
      ['<p>Before it, <img src="https://ex.com/a.jpg"> <em>the old bridge</em></p>', 'Before it, the old bridge'],
    ] as Array<[string, string]>) {
      const article = parse(between(markup));
      expect(figures(article), markup).toEqual([{ src: 'https://ex.com/a.jpg', caption: '' }]);
      expect(article.text, markup).toContain(text);
    }
  });
});

describe('gallery captions and bylines', () => {
  it("gives a gallery's own caption to its last picture when that has none", () => {
    for (const gallery of [
      // WordPress
      '<figure class="wp-block-gallery has-nested-images columns-2"><figure class="wp-block-image"><img src="https://ex.com/1.jpg"></figure><figure class="wp-block-image"><img src="https://ex.com/2.jpg"></figure><figcaption class="blocks-gallery-caption wp-element-caption">Two views of the bridge</figcaption></figure>',
      // Ghost
      '<figure class="kg-card kg-gallery-card kg-width-wide kg-card-hascaption"><div class="kg-gallery-container"><div class="kg-gallery-row"><div class="kg-gallery-image"><img src="https://ex.com/1.jpg" width="2000" height="1333"></div><div class="kg-gallery-image"><img src="https://ex.com/2.jpg" width="2000" height="1333"></div></div></div><figcaption>Two views of the bridge</figcaption></figure>',
      // Tuổi Trẻ
      '<div type="LayoutAlbum" class="VCSortableInPreviewMode"><div class="LayoutAlbumWrapper"><div class="LayoutAlbumRow"><figure class="LayoutAlbumItem"><a href="https://ex.com/1-big.jpg"><img src="https://ex.com/1.jpg"></a></figure><figure class="LayoutAlbumItem"><a href="https://ex.com/2-big.jpg"><img src="https://ex.com/2.jpg"></a></figure></div></div><div class="LayoutAlbumCaptionWrapper"><p class="LayoutAlbumCaption">Two views of the bridge</p></div></div>',
    ]) {
      const article = parse(between(gallery));
      expect(figures(article), gallery).toEqual([
        { src: 'https://ex.com/1.jpg', caption: '' },
        { src: 'https://ex.com/2.jpg', caption: 'Two views of the bridge' },
      ]);
      expectConsistent(article);
    }
  });

  it("keeps a gallery's caption as text when its last picture has a caption of its own", () => {
    const gallery = '<figure class="wp-block-gallery"><figure class="wp-block-image"><img src="https://ex.com/1.jpg"><figcaption>North side</figcaption></figure><figure class="wp-block-image"><img src="https://ex.com/2.jpg"><figcaption>South side</figcaption></figure><figcaption class="blocks-gallery-caption">Two views of the bridge</figcaption></figure>';
    const article = parse(between(gallery));
    expect(figures(article)).toEqual([{ src: 'https://ex.com/1.jpg', caption: 'North side' }, { src: 'https://ex.com/2.jpg', caption: 'South side' }]);
    expect(article.text).toContain('Two views of the bridge');
  });

  it('reads the author from a byline box that also holds the date (Reuters)', () => {
    const byline = '<div class="info-content__author-date__1Epi_"><div class="article-byline__container"><span>By </span><a href="/authors/anna-hirtenstein/" rel="author">Anna Hirtenstein</a></div><time datetime="2024-03-12T10:00:00Z"><span>March 12, 2024</span><span>10:00 AM GMT</span></time></div>';
    const plain = '<div class="info-content__author-date"><a href="/authors/anna-hirtenstein/">Anna Hirtenstein</a><time datetime="2024-03-12T10:00:00Z">March 12, 2024 10:00 AM GMT</time></div>';
    for (const box of [byline, plain]) {
      const article = parse(page(`<h1>Storm hits coast</h1>${box}${prose(4)}`, '<title>Storm hits coast</title>'));
      expect(article.author, box).toBe('Anna Hirtenstein');
      expect(article.text, box).not.toContain('Hirtenstein');
    }
  });
});
