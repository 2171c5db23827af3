/**
 * The reader's toolbar end to end, in Debian's Chromium over the real web host: every control
 * fits whole at the usual window size and at the app's smallest (960 px), and the text size
 * buttons keep keyboard focus when they reach their limits.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import {
  POLL,
  REMOTE_IMAGES_PAGE,
  articleNamed,
  findRow,
  isFocused,
  screenshotPath,
  toolbar,
  useServedLibrary,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const { open } = useServedLibrary();

/** The toolbar's controls, its own and those the app puts at its end, in order. */
function toolbarControls(page: Page): Array<[string, Locator]> {
  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const bar = toolbar(page);
  return [
    ['Star', bar.getByRole('button', { name: 'Star', exact: true })],
    ['Mark as read', bar.getByRole('button', { name: /^Mark as (un)?read$/ })],
    ['Open original', bar.getByRole('button', { name: 'Open original', exact: true })],
    ['Theme', page.getByRole('combobox', { name: 'Theme' })],
    ['Smaller text', button('A− Smaller text')],
    ['Larger text', button('A+ Larger text')],
    ['Line width', page.getByRole('combobox', { name: 'Line width' })],
    ['Keyboard shortcuts', button('Keyboard shortcuts')],
  ];
}

describe('the reader toolbar', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 960, height: 700 },
  ]) {
    it(`shows every control whole, none squeezed, at ${viewport.width}×${viewport.height}`, async () => {
      const { page, problems } = await open({ viewport });
      await (await findRow(page, REMOTE_IMAGES_PAGE.title)).click();
      await articleNamed(page, REMOTE_IMAGES_PAGE.title).waitFor();
      await toolbar(page).getByRole('button', { name: 'Open original' }).waitFor();
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: screenshotPath(`toolbar-${viewport.width}.png`), clip: { x: viewport.width - 720, y: 0, width: 720, height: 60 } });

      const bar = (await toolbar(page).boundingBox())!;
      let previousRight = bar.x;
      for (const [name, control] of toolbarControls(page)) {
        const box = (await control.boundingBox())!;
        expect(box, name).not.toBeNull();
        // Whole: inside the toolbar and the window, after the one before it, wide enough for its icon.
        expect(box.x, `${name} starts after the control before it`).toBeGreaterThanOrEqual(previousRight - 0.5);
        expect(box.x + box.width, `${name} ends inside the toolbar`).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
        expect(box.x + box.width, `${name} ends inside the window`).toBeLessThanOrEqual(viewport.width);
        expect(box.width, `${name} is wide enough for its icon`).toBeGreaterThanOrEqual(28);
        // Nothing inside it is cut off (an icon-only button keeps its name for screen readers).
        expect(await control.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${name} is not clipped`).toBe(true);
        previousRight = box.x + box.width;
      }
      expect(problems.pageErrors).toEqual([]);
    });
  }
});

describe('the text size buttons', () => {
  it('keep keyboard focus at their limits, do nothing more there, and Tab goes on from them', async () => {
    const { page, problems } = await open();
    const larger = page.getByRole('button', { name: 'Larger text' });
    const smaller = page.getByRole('button', { name: 'Smaller text' });
    const shown = page.locator('bs-settings').getByLabel(/^Text size \d+ pixels$/);
    const size = async () => Number(await shown.textContent());
    const start = await size();
    const saves: number[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/setSettings')) saves.push((JSON.parse(r.postData() ?? '{}') as { fontSize?: number }).fontSize ?? NaN);
    });

    // Tab from the Theme menu to Larger text (past Smaller text), then Enter again and again.
    await page.getByRole('combobox', { name: 'Theme' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await isFocused(larger)).toBe(true);
    for (let i = start; i < 32 + 3; i++) await page.keyboard.press('Enter');
    await expect.poll(size, POLL).toBe(32);
    expect(await isFocused(larger), 'focus stays on Larger text at 32').toBe(true);
    expect(await larger.getAttribute('aria-disabled')).toBe('true');
    await expect.poll(() => saves.length, POLL).toBe(32 - start);
    expect(Math.max(...saves)).toBe(32);
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('combobox', { name: 'Line width' })), 'Tab goes on to Line width').toBe(true);

    // Down to the smallest the same way.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await isFocused(smaller)).toBe(true);
    for (let i = 32; i > 12 - 3; i--) await page.keyboard.press('Enter');
    await expect.poll(size, POLL).toBe(12);
    expect(await isFocused(smaller), 'focus stays on Smaller text at 12').toBe(true);
    expect(await smaller.getAttribute('aria-disabled')).toBe('true');
    expect(await larger.getAttribute('aria-disabled')).toBe('false');
    await page.keyboard.press('Tab');
    expect(await isFocused(larger), 'Tab goes on to Larger text').toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(size, POLL).toBe(13);
    expect(problems.pageErrors).toEqual([]);
  });
});
