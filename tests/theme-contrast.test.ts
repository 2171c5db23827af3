/**
 * Every text colour of every theme is readable on every background it is used on: WCAG AA, 4.5:1
 * for text (section headings, dates, counts, the search placeholder, "Picture not saved" are small
 * text in --bs-text-faint / --bs-text-muted). Read from renderer/theme.css itself, so a palette
 * change that makes text hard to read fails here. That includes the selected row and the current
 * sidebar entry (their dates, leads and counts are muted text), the selected row of the focused
 * list, and words marked by a search, in every place they are marked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const css = fs.readFileSync(path.join(REPO, 'renderer/theme.css'), 'utf8');
const listSource = fs.readFileSync(path.join(REPO, 'renderer/bs-article-list.ts'), 'utf8');

/**
 * The custom properties of each block that sets --bs-bg (light in :root, dark twice, sepia, print), each
 * a colour (#rrggbb) or, for one that is set otherwise (`inherit`, `var(…)`), that text. A block
 * that leaves one out gets the light palette's, as in the page (every block matches :root too).
 */
function palettes(): Array<{ where: string; vars: Map<string, string> }> {
  const out: Array<{ where: string; vars: Map<string, string> }> = [];
  for (const block of css.split('}')) {
    const vars = new Map([...block.matchAll(/(--bs-[a-z-]+):\s*([^;]+);/gi)].map((m) => [m[1]!, m[2]!.trim().toLowerCase()]));
    if (!vars.has('--bs-bg')) continue;
    const selector = block.slice(0, block.indexOf('{')).trim().split('\n').pop()!.trim();
    out.push({ where: selector, vars: new Map([...(out[0]?.vars ?? []), ...vars]) });
  }
  return out;
}

/** Every pair below 4.5:1 (or `min`) of the palettes, as "where: text on bg is N:1". */
function lowPairs(pairs: Array<[string, string]>, min = 4.5): string[] {
  const low: string[] = [];
  for (const { where, vars } of palettes()) {
    for (const [text, bg] of pairs) {
      const [a, b] = [vars.get(text), vars.get(bg)];
      if (!a || !b || !/^#[0-9a-f]{6}$/.test(a) || !/^#[0-9a-f]{6}$/.test(b)) {
        low.push(`${where}: ${text} on ${bg} is not two colours (${a ?? 'unset'} on ${b ?? 'unset'})`);
        continue;
      }
      const ratio = contrast(a, b);
      if (ratio < min) low.push(`${where}: ${text} on ${bg} is ${ratio.toFixed(2)}:1`);
    }
  }
  return low;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('theme colours', () => {
  const found = palettes();

  it('finds the light, dark (twice: chosen and from the OS), sepia and print palettes', () => {
    expect(found).toHaveLength(5);
    // Printing overrides every theme, so it is checked like one.
    expect(found.at(-1)!.where).toBe('@media print');
  });

  it('keeps every text colour at 4.5:1 or more on the page, list and sidebar backgrounds', () => {
    const pairs: Array<[string, string]> = [];
    for (const text of ['--bs-text', '--bs-text-strong', '--bs-text-muted', '--bs-text-faint']) {
      for (const bg of ['--bs-bg', '--bs-list-bg', '--bs-sidebar-bg']) pairs.push([text, bg]);
    }
    expect(lowPairs(pairs)).toEqual([]);
  });

  it('keeps text at 4.5:1 on the selected row and the current sidebar entry (muted dates, leads, counts)', () => {
    // --bs-selected-text is var(--bs-text-strong); the separators there are muted too (not faint).
    expect(lowPairs([
      ['--bs-text', '--bs-selected-bg'],
      ['--bs-text-strong', '--bs-selected-bg'],
      ['--bs-text-muted', '--bs-selected-bg'],
    ])).toEqual([]);
  });

  it('keeps text at 4.5:1 on the selected row of the focused list: title, date, lead, snippet, "in a caption"', () => {
    expect(lowPairs([
      ['--bs-selected-focus-text', '--bs-selected-focus-bg'],
      ['--bs-selected-focus-muted', '--bs-selected-focus-bg'],
      ['--bs-selected-focus-text', '--bs-selected-focus-tag-bg'],
    ])).toEqual([]);
  });

  it('marks search words readably (4.5:1) and visibly (3:1 against the row) in the focused selected row', () => {
    expect(lowPairs([['--bs-mark-on-selected-text', '--bs-mark-on-selected-bg']])).toEqual([]);
    expect(lowPairs([['--bs-mark-on-selected-bg', '--bs-selected-focus-bg']], 3)).toEqual([]);
  });

  it('gives marked words their own text colour, at 4.5:1 on both marks (muted snippets and captions are marked too)', () => {
    expect(lowPairs([
      ['--bs-mark-text', '--bs-mark-bg'],
      ['--bs-mark-text', '--bs-mark-strong-bg'],
    ])).toEqual([]);
  });

  it('has the list draw its focused selected row with these colours, not with opacity', () => {
    for (const name of ['--bs-selected-focus-muted', '--bs-selected-focus-tag-bg', '--bs-mark-on-selected-bg', '--bs-mark-on-selected-text']) {
      expect(listSource.includes(`var(${name}`), `bs-article-list.ts uses ${name}`).toBe(true);
    }
    // A faded row fades its marks as well, and its real colours are no longer these.
    expect(listSource.match(/opacity:\s*0?\.\d+/g) ?? []).toEqual([]);
  });
});
