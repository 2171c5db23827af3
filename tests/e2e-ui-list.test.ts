/**
 * Moving through a list longer than one page (312 articles; pages of 200), in Debian's Chromium
 * over the real web host: End goes to the real last article, and the selection is still on
 * screen after a detour through an empty view (an empty filter, a search that finds nothing).
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { benchLibrary } from '../bench/library.js';
import {
  POLL,
  articleNamed,
  isFocused,
  list,
  listLibrary,
  selectedTitle,
  useServedLibrary,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

/** More than one page of the list (PAGE_SIZE, 200), less than two. */
const COUNT = 312;
/** Every title, newest first (the list's order). */
let titles: string[];
const { open } = useServedLibrary((dir) => {
  const db = path.join(dir, 'library.sqlite');
  benchLibrary(db, COUNT);
  titles = listLibrary(db).map((a) => a.title);
  return db;
});

/**
 * The selected row as a screen reader and a sighted person find it: the title of the row the
 * list's aria-activedescendant names (null when that row is not in the page), and whether the
 * row is wholly inside the list's visible area.
 */
function activeRow(page: Page): Promise<{ title: string | null; inView: boolean }> {
  return list(page).evaluate((box) => {
    const id = box.getAttribute('aria-activedescendant');
    const row = id ? (box.getRootNode() as ShadowRoot).getElementById(id) : null;
    if (!row) return { title: null, inView: false };
    const r = row.getBoundingClientRect();
    const view = box.getBoundingClientRect();
    return { title: row.querySelector('.title')?.textContent?.trim() ?? null, inView: r.top >= view.top - 0.5 && r.bottom <= view.bottom + 0.5 };
  });
}

/** Presses j until the 25th article is selected. */
async function selectTwentyFifth(page: Page): Promise<void> {
  await list(page).focus();
  for (let i = 0; i < 25; i++) await page.keyboard.press('j');
  await expect.poll(() => selectedTitle(page), POLL).toBe(titles[24]);
  await articleNamed(page, titles[24]!).waitFor();
  expect(await activeRow(page)).toEqual({ title: titles[24], inView: true });
}

describe('End and Home in a list longer than a page', () => {
  it('End selects and opens the last article of all, not the last one loaded; Home the first', async () => {
    const { page, problems } = await open();
    await list(page).focus();
    await page.keyboard.press('End');
    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[COUNT - 1]);
    await articleNamed(page, titles[COUNT - 1]!).waitFor();
    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[COUNT - 1], inView: true });
    expect(await list(page).getByRole('option', { selected: true }).getAttribute('aria-posinset')).toBe(String(COUNT));
    expect(await isFocused(list(page))).toBe(true);
    // Nothing below it: j stays on the last article.
    await page.keyboard.press('j');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
    expect(await selectedTitle(page)).toBe(titles[COUNT - 1]);

    await page.keyboard.press('Home');
    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[0]);
    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[0], inView: true });
    expect(problems.pageErrors).toEqual([]);
  });
});

describe('coming back from an empty view', () => {
  /** The 25th article selected, then the empty Starred view shown; returns the way back to All. */
  async function awayToEmptyStarred(page: Page): Promise<Locator> {
    await selectTwentyFifth(page);
    const nav = page.getByRole('navigation', { name: 'Library' });
    await nav.getByRole('link', { name: /^Starred/ }).click();
    await page.getByRole('status').filter({ hasText: 'No starred articles' }).waitFor();
    return nav.getByRole('link', { name: /^All/ });
  }

  it('shows the selected article again after Starred (empty) and back to All, and j goes on from it', async () => {
    const { page, problems } = await open();
    await (await awayToEmptyStarred(page)).click();

    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[24], inView: true });
    await list(page).focus();
    await page.keyboard.press('j');
    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[25]);
    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[25], inView: true });
    expect(problems.pageErrors).toEqual([]);
  });

  it('follows a j pressed the moment the list scrolls back to the selected article', async () => {
    const { page, problems } = await open();
    const backToAll = await awayToEmptyStarred(page);
    // j in the very frame the list comes back scrolled to the 25th article, as a quick key lands
    // on a slow machine: the virtualizer was still settling that scroll (it kept the 25th pinned,
    // and put it back at the bottom edge, the 26th below it, out of view).
    await list(page).evaluate((box) => {
      box.addEventListener('scroll', function onScroll() {
        if (box.scrollTop <= 0) return;
        box.removeEventListener('scroll', onScroll);
        box.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, composed: true }));
      });
    });
    await backToAll.click();

    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[25]);
    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[25], inView: true });
    // And it stays there.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(await activeRow(page)).toEqual({ title: titles[25], inView: true });
    expect(problems.pageErrors).toEqual([]);
  });

  it('shows the selected article again after a search that finds nothing is left with Escape', async () => {
    const { page, problems } = await open();
    await selectTwentyFifth(page);
    await page.keyboard.press('/');
    await page.keyboard.type('zzzzqqq', { delay: 20 });
    await page.getByRole('status').filter({ hasText: 'No results for “zzzzqqq”' }).waitFor();
    await page.keyboard.press('Escape');

    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[24], inView: true });
    expect(await isFocused(list(page))).toBe(true);
    await page.keyboard.press('j');
    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[25]);
    await expect.poll(() => activeRow(page), POLL).toEqual({ title: titles[25], inView: true });
    expect(problems.pageErrors).toEqual([]);
  });
});
