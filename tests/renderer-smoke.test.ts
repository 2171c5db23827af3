// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { FigureView } from '../preload/api.js';
import { prepareBodyHtml, prepareSnippetHtml } from '../renderer/article-html.js';
import { firstLine, readingMinutes } from '../renderer/format.js';

const imageUrl = (hash: string, variant: 'full' | 'thumb' = 'full') => `/images/${hash}?variant=${variant}`;

function figure(position: number, over: Partial<FigureView> = {}): FigureView {
  return { position, src: '', alt: '', caption: `Caption ${position}`, image: null, width: null, height: null, ...over };
}

function render(html: string, figures: FigureView[] = []): DocumentFragment {
  const tpl = document.createElement('template');
  tpl.innerHTML = prepareBodyHtml({ html, figures }, imageUrl);
  return tpl.content;
}

describe('reader body', () => {
  it('turns each figure without a stored image into a captioned placeholder, never an <img>', () => {
    const html = [0, 1, 2].map((n) => `<figure data-figure="${n}"><figcaption>old ${n}</figcaption></figure><p>Text ${n}</p>`).join('');
    const out = render(html, [figure(0), figure(1), figure(2, { alt: 'Map of the border' })]);
    const figures = out.querySelectorAll('figure');
    expect(figures).toHaveLength(3);
    expect(out.querySelectorAll('img')).toHaveLength(0);
    const boxes = [...out.querySelectorAll('figure > [role="img"]')];
    expect(boxes.map((b) => b.getAttribute('aria-label'))).toEqual(['Caption 0', 'Caption 1', 'Map of the border']);
    expect([...out.querySelectorAll('figcaption')].map((c) => c.textContent)).toEqual(['Caption 0', 'Caption 1', 'Caption 2']);
  });

  it('shows a stored image from the library, with the caption as alt text when it has none', () => {
    const out = render('<figure data-figure="0"><img src="https://example.org/x.jpg"></figure>', [
      figure(0, { image: 'abc123def456', width: 960, height: 540 }),
    ]);
    const img = out.querySelector('figure img')!;
    expect(img.getAttribute('src')).toBe('/images/abc123def456?variant=full');
    expect(img.getAttribute('alt')).toBe('Caption 0');
    expect(img.getAttribute('width')).toBe('960');
    expect(img.hasAttribute('data-zoom')).toBe(true);
  });

  it('drops anything active and any picture that is not in the library', () => {
    const out = render(
      '<p onclick="x()" style="color:red">Hi <a href="javascript:alert(1)">bad</a> <a href="https://ok.example/" target="_blank">ok</a></p>' +
        '<script>alert(1)</script><iframe src="https://evil.example"></iframe>' +
        '<img src="https://tracker.example/p.gif" alt="a chart"><img src="bs-image:0123456789abcdef" alt="">',
    );
    expect(out.querySelector('script, iframe')).toBeNull();
    const p = out.querySelector('p')!;
    expect(p.hasAttribute('onclick')).toBe(false);
    expect(p.hasAttribute('style')).toBe(false);
    const [bad, ok] = [...out.querySelectorAll('a')];
    expect(bad!.hasAttribute('href')).toBe(false);
    expect(ok!.getAttribute('href')).toBe('https://ok.example/');
    expect(ok!.hasAttribute('target')).toBe(false);
    const imgs = [...out.querySelectorAll('img')];
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['/images/0123456789abcdef?variant=full']);
    expect(out.textContent).toContain('a chart');
  });

  it('keeps only text and <mark> in search snippets', () => {
    expect(prepareSnippetHtml('…the <mark>Minsk</mark> &lt;b&gt; talks<img src=x onerror=alert(1)>…')).toBe(
      '…the <mark>Minsk</mark> &lt;b&gt; talks…',
    );
  });
});

describe('reader formatting', () => {
  it('estimates reading time at about 230 words a minute, at least one', () => {
    expect(readingMinutes(722)).toBe(3);
    expect(readingMinutes(10)).toBe(1);
  });

  it('takes the first line of a lead', () => {
    expect(firstLine('One.\nTwo.')).toBe('One.');
  });
});
