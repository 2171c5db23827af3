/**
 * Accessibility of the reader UI end to end, in Debian's Chromium over the real web host:
 *
 * - forced colours (Windows high contrast), in the light and the dark forced palettes: the selected
 *   row, the focused list, unread dots, search marks, the current sidebar entry and unavailable
 *   buttons are drawn in the person's system colours (Chromium turns every theme background into
 *   Canvas, so a selection that was only a background disappears);
 * - Space scrolls the article in one step when the person asks for reduced motion, smoothly
 *   otherwise;
 * - the text size buttons are named by what they show ("A−", "A+"), for voice control.
 */
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { BELARUS, POLL, articleNamed, findRow, isFocused, list, reader, useServedLibrary } from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const { open } = useServedLibrary();

type SystemColours = Record<'Canvas' | 'CanvasText' | 'Highlight' | 'HighlightText' | 'Mark' | 'MarkText' | 'GrayText', string>;

/** The computed value of each system colour in the page (what an element set to it reports). */
function systemColours(page: Page): Promise<SystemColours> {
  return page.evaluate(() => {
    const probe = document.createElement('div');
    document.body.append(probe);
    const out: Record<string, string> = {};
    for (const name of ['Canvas', 'CanvasText', 'Highlight', 'HighlightText', 'Mark', 'MarkText', 'GrayText']) {
      probe.style.color = name;
      out[name] = getComputedStyle(probe).color;
    }
    probe.remove();
    return out as SystemColours;
  });
}

/** Forced colours on, with the light or the dark forced palette (the theme follows it: "System"). */
async function forced(page: Page, scheme: 'light' | 'dark'): Promise<SystemColours> {
  await page.emulateMedia({ forcedColors: 'active', colorScheme: scheme });
  expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(true);
  return systemColours(page);
}

function style(locator: Locator) {
  return locator.evaluate((el) => {
    const cs = getComputedStyle(el);
    return {
      background: cs.backgroundColor,
      color: cs.color,
      outlineStyle: cs.outlineStyle,
      outlineWidth: Number.parseFloat(cs.outlineWidth),
      outlineColor: cs.outlineColor,
      opacity: cs.opacity,
    };
  });
}

/** "rgb(r, g, b)" / "rgba(r, g, b, a)" as numbers (alpha 1 when not given). */
function rgba(css: string): [number, number, number, number] {
  const [r, g, b, a = 1] = css.match(/[\d.]+/g)!.map(Number);
  return [r!, g!, b!, a];
}

/**
 * The share of the pixels behind an element's text (the box of its text, not of the element) that
 * are the system colour `colour` over Canvas. Chromium puts a Canvas "backplate" behind
 * forced-colour text, so text whose row or link is only given a system background can end up as
 * HighlightText on Canvas (invisible) though every computed colour looks right.
 */
async function shareOnColour(page: Page, text: Locator, colour: string, canvas: string): Promise<number> {
  const clip = await text.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const r = range.getBoundingClientRect();
    return { x: Math.ceil(r.left), y: Math.ceil(r.top), width: Math.floor(r.width) - 1, height: Math.floor(r.height) - 1 };
  });
  const png = await page.screenshot({ clip, animations: 'disabled', caret: 'hide' });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [r, g, b, a] = rgba(colour);
  const [cr, cg, cb] = rgba(canvas);
  const want = [r * a + cr * (1 - a), g * a + cg * (1 - a), b * a + cb * (1 - a)];
  let same = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.abs(data[i]! - want[0]!) + Math.abs(data[i + 1]! - want[1]!) + Math.abs(data[i + 2]! - want[2]!) <= 24) same++;
  }
  return same / (info.width * info.height);
}

const selectedRow = (page: Page): Locator => list(page).getByRole('option', { selected: true });
const searchBox = (page: Page): Locator => page.getByRole('searchbox', { name: 'Search' });

/** Selects the second row with the keyboard (so the list shows its focus) and waits for it to open. */
async function selectWithKeyboard(page: Page): Promise<void> {
  await list(page).focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect.poll(() => selectedRow(page).count(), POLL).toBe(1);
  await reader(page).getByRole('heading', { level: 1 }).waitFor();
  expect(await isFocused(list(page))).toBe(true);
}

describe('forced colours (Windows high contrast)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`shows the selected row in Highlight and the focused list's focus, in the ${scheme} forced palette`, async () => {
      const { page, problems } = await open();
      const sys = await forced(page, scheme);
      await selectWithKeyboard(page);

      const selected = await style(selectedRow(page));
      const other = await style(list(page).getByRole('option', { selected: false }).first());
      expect(selected.background, 'the selected row is Highlight').toBe(sys.Highlight);
      expect(selected.color).toBe(sys.HighlightText);
      expect(other.background, 'an unselected row is not').not.toBe(sys.Highlight);
      for (const part of ['.title', '.meta', '.lead']) {
        expect((await style(selectedRow(page).locator(part))).color, `${part} of the selected row`).toBe(sys.HighlightText);
      }
      // Its text is drawn on the Highlight, not on a Canvas backplate (HighlightText on Canvas is invisible).
      expect(await shareOnColour(page, selectedRow(page).locator('.title'), sys.Highlight, sys.Canvas), 'title on Highlight').toBeGreaterThan(0.4);

      // The focused list shows it has the focus: a ring in CanvasText.
      const box = await style(list(page));
      expect(box.outlineStyle).not.toBe('none');
      expect(box.outlineWidth).toBeGreaterThanOrEqual(2);
      expect(box.outlineColor).toBe(sys.CanvasText);

      // Not focused, the row is still shown selected.
      await reader(page).focus();
      expect((await style(selectedRow(page))).background).toBe(sys.Highlight);
      expect(problems.pageErrors).toEqual([]);
    });
  }

  it('keeps unread dots and stars visible, in the text colour (HighlightText in the selected row)', async () => {
    const { page } = await open();
    const sys = await forced(page, 'light');
    await selectWithKeyboard(page);
    await page.keyboard.press('s');
    await expect.poll(() => selectedRow(page).locator('.marker svg').count(), POLL).toBe(1);

    const dot = list(page).locator('.row[aria-selected="false"] .dot').first();
    expect((await style(dot)).background, 'an unread dot').toBe(sys.CanvasText);
    const star = selectedRow(page).locator('.marker svg');
    expect((await style(star)).color, 'the star of the selected row').toBe(sys.HighlightText);
    await page.keyboard.press('s');
    await expect.poll(() => selectedRow(page).locator('.marker svg').count(), POLL).toBe(0);
  });

  it('marks search words in Mark / MarkText, in the focused selected row too', async () => {
    const { page, problems } = await open();
    const sys = await forced(page, 'dark');
    await searchBox(page).fill('Belarus');
    await searchBox(page).press('Enter');
    await articleNamed(page, BELARUS.title).waitFor();
    await expect.poll(() => isFocused(list(page)), POLL).toBe(true);
    const marks = selectedRow(page).locator('mark');
    expect(await marks.count()).toBeGreaterThan(0);
    for (const mark of await marks.all()) {
      expect(await style(mark)).toMatchObject({ background: sys.Mark, color: sys.MarkText });
    }
    const inReader = reader(page).locator('mark.bs-hit').first();
    expect(await style(inReader)).toMatchObject({ background: sys.Mark, color: sys.MarkText });
    expect(problems.pageErrors).toEqual([]);
  });

  it('shows the current sidebar entry in Highlight, its count and icon in HighlightText', async () => {
    const { page } = await open();
    const sys = await forced(page, 'dark');
    const current = page.getByRole('navigation', { name: 'Library' }).locator('a[aria-current="page"]');
    await expect.poll(() => current.count(), POLL).toBe(1);
    expect((await style(current)).background).toBe(sys.Highlight);
    for (const part of ['.name', '.count', 'svg']) {
      expect((await style(current.locator(part).first())).color, part).toBe(sys.HighlightText);
    }
    expect(await shareOnColour(page, current.locator('.name'), sys.Highlight, sys.Canvas), 'name on Highlight').toBeGreaterThan(0.4);
    const other = page.getByRole('navigation', { name: 'Library' }).locator('a[aria-current="false"]').first();
    expect((await style(other)).background).not.toBe(sys.Highlight);
  });

  it('shows an unavailable text size button in GrayText, not faded', async () => {
    const { page } = await open();
    const sys = await forced(page, 'light');
    const smaller = page.getByRole('button', { name: /Smaller text/ });
    const shown = page.locator('bs-settings').getByLabel(/^Text size \d+ pixels$/);
    const start = Number(await shown.textContent());
    await smaller.focus();
    for (let i = start; i > 12; i--) await page.keyboard.press('Enter');
    await expect.poll(() => smaller.getAttribute('aria-disabled'), POLL).toBe('true');
    expect(await style(smaller)).toMatchObject({ color: sys.GrayText, opacity: '1' });
    // Back to the size the other tests expect (the library keeps it).
    const larger = page.getByRole('button', { name: /Larger text/ });
    await larger.focus();
    for (let i = 12; i < start; i++) await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await shown.textContent()), POLL).toBe(start);
  });
});

describe('Space in the reader', () => {
  /** Opens the longest article, focuses the list, and records every position the reader scrolls through. */
  async function ready(page: Page): Promise<Locator> {
    await (await findRow(page, BELARUS.title)).click();
    await articleNamed(page, BELARUS.title).waitFor();
    const scroller = reader(page);
    await scroller.evaluate((el) => {
      el.scrollTo({ top: 0, behavior: 'instant' });
      const seen: number[] = [];
      (el as HTMLElement & { seen?: number[] }).seen = seen;
      el.addEventListener('scroll', () => seen.push(el.scrollTop));
    });
    expect(await scroller.evaluate((el) => el.scrollHeight - el.clientHeight), 'the article is long enough').toBeGreaterThan(1000);
    await list(page).focus();
    return scroller;
  }

  const positions = (scroller: Locator) => scroller.evaluate((el) => ({ top: el.scrollTop, page: el.clientHeight - 60, seen: [...((el as HTMLElement & { seen?: number[] }).seen ?? [])] }));

  it('jumps a screen in one step with reduced motion (and Shift+Space back)', async () => {
    const { page, problems } = await open();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const scroller = await ready(page);
    await page.keyboard.press(' ');
    const after = await positions(scroller);
    expect(after.top, 'a screen down right after the key').toBeGreaterThanOrEqual(after.page - 1);
    expect(after.top).toBeLessThanOrEqual(after.page + 1);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const settled = await positions(scroller);
    expect(new Set(settled.seen.map(Math.round)), 'no position in between').toEqual(new Set([Math.round(after.top)]));
    await page.keyboard.press('Shift+ ');
    expect((await positions(scroller)).top, 'back at the top right after Shift+Space').toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('glides a screen without reduced motion', async () => {
    const { page } = await open();
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    const scroller = await ready(page);
    await page.keyboard.press(' ');
    const target = (await positions(scroller)).page;
    await expect.poll(async () => (await positions(scroller)).top, POLL).toBeGreaterThanOrEqual(target - 1);
    const { seen } = await positions(scroller);
    expect(new Set(seen.map(Math.round)).size, `positions on the way: ${seen.join(', ')}`).toBeGreaterThan(1);
  });
});

describe('the text size buttons', () => {
  it('are named by what they show, then what they do, and keep their tooltips', async () => {
    const { page } = await open();
    for (const [shows, does] of [
      ['A−', 'Smaller text'],
      ['A+', 'Larger text'],
    ] as const) {
      const button = page.getByRole('button', { name: shows });
      expect(await button.count(), `one button named with "${shows}"`).toBe(1);
      expect((await button.textContent())?.trim()).toBe(shows);
      // The whole name: what it shows first (what a voice control user says), then what it does.
      expect(await page.getByRole('button', { name: `${shows} ${does}`, exact: true }).count()).toBe(1);
      expect(await button.getAttribute('title')).toBe(does);
    }
  });
});
