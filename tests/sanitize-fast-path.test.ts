import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeCorpus, rng } from '../bench/corpus.js';
import { alreadyClean } from '../main/ingest/clean-fragment.js';
import { parseArticleBytes } from '../main/ingest/file.js';
import { sanitizeHtml, sanitizeWithDomPurify } from '../main/ingest/sanitize.js';
import { corpus, markdownAttacks, textLines } from './fixtures/hostile/corpus.js';
import { expectSafe, PAYLOADS } from './fixtures/hostile/payloads.js';
import { REPO, SHARED_FIXTURE } from './helpers.js';

/**
 * sanitizeHtml skips DOMPurify for a fragment already in the shape DOMPurify returns
 * (clean-fragment.ts). That is only sound if the skip changes nothing: whatever the fast path
 * accepts, it must write out exactly as DOMPurify would. These hold it to that on what the
 * importers really hand the sanitiser, and on generated fragments built to sit just inside and
 * just outside the shape it accepts.
 */

// Records what the importers hand the sanitiser; the real sanitiser still does the work.
const handed = vi.hoisted(() => [] as string[]);
vi.mock('../main/ingest/sanitize.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../main/ingest/sanitize.js')>();
  return { ...real, sanitizeHtml: (html: string) => (handed.push(html), real.sanitizeHtml(html)) };
});

/** The fragments the importers build for these files, before they are sanitised. */
async function builtFor(files: Array<[name: string, bytes: string | Uint8Array]>): Promise<string[]> {
  handed.length = 0;
  for (const [name, bytes] of files) {
    await parseArticleBytes(name, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).catch(() => null);
  }
  return handed.splice(0).filter((html) => html !== '');
}

/** Every fragment: the fast path declines it, or gives DOMPurify's output. Returns how many it took. */
function expectSameAsDomPurify(fragments: readonly string[]): number {
  let taken = 0;
  const differ: string[] = [];
  for (const html of fragments) {
    const fast = alreadyClean(html);
    if (fast === null) continue;
    taken++;
    const slow = sanitizeWithDomPurify(html);
    if (fast !== slow) differ.push(`input: ${JSON.stringify(html)}\nfast:  ${JSON.stringify(fast)}\nslow:  ${JSON.stringify(slow)}`);
    else expectSafe(fast);
  }
  expect(differ.slice(0, 3).join('\n\n'), `${differ.length} of ${fragments.length} differ`).toBe('');
  return taken;
}

describe('the sanitiser’s fast path gives exactly what DOMPurify gives', () => {
  it('for every article, page and Markdown fixture, as the importers build them', async () => {
    const dirs = ['tests/fixtures/articles', 'tests/fixtures/pages', 'tests/fixtures/net', 'tests/fixtures/feeds/articles'];
    const files = [SHARED_FIXTURE, ...dirs.flatMap((d) => fs.readdirSync(path.join(REPO, d)).map((f) => path.join(REPO, d, f)))];
    const fragments = await builtFor(files.filter((f) => fs.statSync(f).isFile()).map((f) => [f, fs.readFileSync(f)]));
    expect(fragments.length).toBeGreaterThan(15);
    expectSameAsDomPurify(fragments);
    // The shared fixture, scraped text like most saved articles, is one the fast path takes.
    const [shared] = await builtFor([[SHARED_FIXTURE, fs.readFileSync(SHARED_FIXTURE)]]);
    expect(alreadyClean(shared!)).not.toBeNull();
  });

  it('for the generated import corpus (the benchmark’s articles), nearly all of which it takes', async () => {
    const fragments = await builtFor(makeCorpus(400).map((a) => [a.name, a.text]));
    const taken = expectSameAsDomPurify(fragments);
    expect(taken / fragments.length).toBeGreaterThan(0.9);
  });

  it('for every attack: in HTML, in scraped text, in Markdown', async () => {
    const canary = 'http://127.0.0.1:9';
    const attacks = corpus(canary);
    const fragments = [
      ...Object.values(PAYLOADS),
      ...attacks.map((p) => p.html),
      ...(await builtFor([
        ['attacks.txt', `Hostile corpus as scraped text\n${textLines(canary).join('\n')}\n`],
        ['attacks.md', `# Hostile corpus as Markdown\n\n${[...textLines(canary), ...markdownAttacks(canary)].join('\n\n')}\n`],
        ...attacks.map((p): [string, string] => [`${p.name}.html`, `<title>${p.name}</title><article><p>${p.html}</p></article>`]),
      ])),
    ];
    expectSameAsDomPurify(fragments);
    for (const html of fragments) expectSafe(sanitizeHtml(html));
  });

  it('for what the reader’s own checks could get wrong: inherited names, a 9 MB paragraph, deep nesting', () => {
    // "constructor" is a name every plain object answers to; it is no attribute of ours.
    const inherited = ['<a constructor="javascript:alert(1)">x</a>', '<img constructor="x" src="https://e.com/a.jpg">', '<abbr constructor="">x</abbr>', '<figure constructor="1"></figure>'];
    const huge = [`<p>${'a'.repeat(9_000_000)}</p>`, `<p>${'a &amp; b '.repeat(1_000_000)}&</p>`, `<img alt="${'a'.repeat(9_000_000)}">`];
    const deep = [`${'<b>'.repeat(600)}x${'</b>'.repeat(600)}`, `${'<blockquote>'.repeat(600)}x${'</blockquote>'.repeat(600)}`];
    for (const html of [...inherited, ...huge, ...deep]) {
      const clean = sanitizeHtml(html);
      expect(clean === sanitizeWithDomPurify(html), html.slice(0, 80)).toBe(true);
      if (html.length < 100_000) expectSafe(clean);
    }
    // The 9 MB paragraph is one the fast path takes, as it is, and the deep ones it leaves to DOMPurify.
    expect(alreadyClean(huge[0]!)).toBe(huge[0]);
    expect(deep.map(alreadyClean)).toEqual([null, null]);
  }, 30_000);

  it('for 20,000 generated fragments on either side of the shape it accepts', () => {
    const rand = rng(20261128); // seeded: a failure can be reproduced
    const fragments = Array.from({ length: 20_000 }, () => nearMiss(rand));
    const taken = expectSameAsDomPurify(fragments);
    // Both sides are exercised: neither "takes nothing" nor "takes everything" passes.
    expect(taken).toBeGreaterThan(4_000);
    expect(taken).toBeLessThan(16_000);
  }, 60_000);
});

// Each list: values in the accepted shape, then [after the bar] values outside it.
const TEXT = [['Hà Nội', ' a &amp; b ', '&lt;b&gt;', 'it&#39;s', '&quot;quoted&quot;', ' ', '\n', 'x\u00A0y', '😀', 'Đức —'], ['x&nbsp;y', 'AT&T', '&notin', '>']] as const;
const HREF = [['https://example.com/a?b=1&amp;c=2', 'mailto:desk@example.com', 'HTTP://EXAMPLE.COM/'], ['javascript:alert(1)', '#fn-1', 'https://e.com/a b', '/relative', ' https://e.com/']] as const;
const SRC = [['https://example.com/a.jpg', 'bs-image:0a1b2c'], ['data:image/png;base64,AAAA', 'javascript:alert(1)', 'photo.jpg', 'https://e.com/a.jpg&quot; onerror=&quot;x']] as const;
const WORDS = [['', 'Photo: Reuters', 'a &amp; b', 'Nguyễn&#39;s farm', '&quot;Sen&quot;'], [' padded ', 'a &lt; b', 'x --&gt; y', '&lt;/title&gt;']] as const;
const INLINE = ['em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'span', 'code'];
const BLOCK = ['p', 'h2', 'h3', 'h4', 'blockquote', 'pre', 'ul', 'ol', 'figure', 'hr'];
/** Things dropped in at random: each either leaves the shape or must still come out the same. */
const INTRUDERS = [
  '<script>alert(1)</script>', '<!-- note -->', '<div>', '</div>', '<table><tr><td>x</td></tr></table>', '<br/>', '<p>', '</p>', '<li>', '</li>',
  '<a href="https://e.com/">', '</a>', '<svg><p>x</p></svg>', '"', "'", '\r', '\u0000', '\uD800', '\f', '\u0001', '<pre>\nx</pre>', '<img src="x" onerror="alert(1)">',
  '<span id="x">y</span>', '<b><b><b><b>x</b></b></b></b>', '<figcaption>c</figcaption>', '<h2>', '<P>', '<p class="x">', '<img src="https://e.com/a.jpg" src="https://e.com/b.jpg">',
  '<a title="t" href="https://e.com/">x</a>', '<a constructor="x">', '<img constructor="x">', '<hr>', '<ul>x</ul>', '\uFEFF', '<math>', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
];

/** A fragment built from the accepted shape, then often broken a little. */
function nearMiss(rand: () => number): string {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  /** Mostly a value in the shape, now and then one outside it. */
  const value = ([inside, outside]: readonly [readonly string[], readonly string[]]) => pick(rand() < 0.97 ? inside : outside);
  const attr = (name: string, values: readonly [readonly string[], readonly string[]]) => (rand() < 0.8 ? ` ${name}="${value(values)}"` : '');
  const inline = (depth: number, inLink: boolean): string => {
    const parts: string[] = [];
    for (let n = Math.floor(rand() * 4); n >= 0; n--) {
      const r = rand();
      if (r < 0.45 || depth > 2) parts.push(value(TEXT));
      // Now and then a link inside a link, which the HTML parser takes apart.
      else if (r < 0.6 && (!inLink || rand() < 0.1)) parts.push(`<a${attr('href', HREF)}${rand() < 0.2 ? attr('title', WORDS) : ''}>${inline(depth + 1, true)}</a>`);
      else if (r < 0.7) parts.push(`<img${attr('src', SRC)}${attr('alt', WORDS)}${rand() < 0.2 ? ' width="600"' : ''}>`);
      else if (r < 0.75) parts.push('<br>');
      else {
        const tag = pick(INLINE);
        parts.push(`<${tag}${tag === 'abbr' ? attr('title', WORDS) : ''}>${inline(depth + 1, inLink)}</${tag}>`);
      }
    }
    return parts.join('');
  };
  const block = (depth: number): string => {
    const tag = depth > 1 ? 'p' : pick(BLOCK);
    if (tag === 'hr') return '<hr>';
    if (tag === 'ul' || tag === 'ol') return `<${tag}>${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `\n<li>${rand() < 0.3 ? block(depth + 1) : inline(0, false)}${rand() < 0.05 ? '<li>x</li>' : ''}</li>`).join('')}\n</${tag}>`;
    if (tag === 'blockquote') return `<blockquote>${block(depth + 1)}${rand() < 0.5 ? block(depth + 1) : ''}</blockquote>`;
    if (tag === 'figure') return `<figure${attr('data-figure', [['0', '12'], ['x']])}>${rand() < 0.8 ? `<img${attr('src', SRC)}${attr('alt', WORDS)}>` : ''}${rand() < 0.8 ? `<figcaption>${inline(0, false)}</figcaption>` : ''}</figure>`;
    if (tag === 'pre') return `<pre>${rand() < 0.2 ? '\n' : ''}<code>${value(TEXT)}</code></pre>`;
    return `<${tag}>${inline(0, false)}</${tag}>`;
  };
  let html = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => block(0)).join(rand() < 0.5 ? '' : '\n');
  // Half are left as built; the rest get one to three cuts, copies or intruders.
  if (rand() < 0.5) {
    for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
      const at = Math.floor(rand() * (html.length + 1));
      const r = rand();
      if (r < 0.5) html = html.slice(0, at) + pick(INTRUDERS) + html.slice(at);
      else if (r < 0.75) html = html.slice(0, at) + html.slice(at + 1 + Math.floor(rand() * 12));
      else html = html.slice(0, at) + html.slice(at, at + Math.floor(rand() * 20)) + html.slice(at);
    }
  }
  return html;
}
