/**
 * Every text colour of every theme is readable on every background it is used on: WCAG AA, 4.5:1
 * for text (section headings, dates, counts, the search placeholder, "Picture not saved" are small
 * text in --bs-text-faint / --bs-text-muted). Read from renderer/theme.css itself, so a palette
 * change that makes text hard to read fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const css = fs.readFileSync(path.join(REPO, 'renderer/theme.css'), 'utf8');

/** The custom properties of each block that sets --bs-bg (light in :root, dark twice, sepia). */
function palettes(): Array<{ where: string; vars: Map<string, string> }> {
  const out: Array<{ where: string; vars: Map<string, string> }> = [];
  for (const block of css.split('}')) {
    const vars = new Map([...block.matchAll(/(--bs-[a-z-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
    if (!vars.has('--bs-bg')) continue;
    const selector = block.slice(0, block.indexOf('{')).trim().split('\n').pop()!.trim();
    out.push({ where: selector, vars });
  }
  return out;
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

  it('finds the light, dark (twice: chosen and from the OS) and sepia palettes', () => {
    expect(found).toHaveLength(4);
  });

  it('keeps every text colour at 4.5:1 or more on the page, list and sidebar backgrounds', () => {
    const low: string[] = [];
    for (const { where, vars } of found) {
      for (const text of ['--bs-text', '--bs-text-strong', '--bs-text-muted', '--bs-text-faint']) {
        for (const bg of ['--bs-bg', '--bs-list-bg', '--bs-sidebar-bg']) {
          const ratio = contrast(vars.get(text)!, vars.get(bg)!);
          if (ratio < 4.5) low.push(`${where}: ${text} on ${bg} is ${ratio.toFixed(2)}:1`);
        }
      }
    }
    expect(low).toEqual([]);
  });
});
