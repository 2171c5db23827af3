/**
 * Keyboard-only use, in Debian's Chromium over the real web host: focus never falls to the page
 * body (where the next Tab starts again at the top), the views have keys, an Undo offer waits for
 * the person reaching it, and deleting an article moves on to the next one, as a mail reader does.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { BELARUS, POLL, articleNamed, findRow, list, listLibrary, reader, rows, selectedTitle, useServedLibrary } from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const { db, open } = useServedLibrary();

/** The element with focus, through shadow roots: its tag and its text or name, or 'body'. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.localName}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''} ${(el.textContent ?? '').trim().slice(0, 40)}`;
  });
}

async function openArticle(page: Page, title: string) {
  await (await findRow(page, title)).click();
  await articleNamed(page, title).waitFor();
}

describe('focus', () => {
  it('stays in the reader when j opens the next article while a link in the article had it', async () => {
    const { page } = await open();
    const withLink = listLibrary(db()).find((a) => a.title === 'Night Trains Return to the Northern Line')!;
    await openArticle(page, withLink.title);
    await reader(page).locator('.body a[href]').first().focus();
    await page.keyboard.press('j');
    await expect.poll(() => selectedTitle(page), POLL).not.toBe(withLink.title);
    await expect.poll(() => focused(page), POLL).toMatch(/^div\[Reader\]/);
  });

  it('goes to the list from the sidebar with j, and Space on a sidebar link scrolls the article', async () => {
    const { page } = await open();
    await openArticle(page, BELARUS.title);
    const allLink = page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: /^All/ });
    await allLink.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => reader(page).evaluate((el) => el.scrollTop), POLL).toBeGreaterThan(100);
    await page.keyboard.press('j');
    await expect.poll(() => list(page).evaluate((el) => el.matches(':focus')), POLL).toBe(true);
  });

  it('stays on Save search when it becomes Saved', async () => {
    const { page } = await open();
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill('harbour');
    await box.press('Enter');
    await expect.poll(() => list(page).evaluate((el) => el.matches(':focus')), POLL).toBe(true); // Enter takes focus to the results
    const save = page.getByRole('button', { name: 'Save search' });
    await save.focus();
    await page.keyboard.press('Enter');
    const saved = page.getByRole('button', { name: 'Saved', exact: true });
    await saved.waitFor();
    expect(await focused(page)).toMatch(/^button Saved/);
    expect(await saved.getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Enter'); // saving it again does nothing
    expect(await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: /^harbour/ }).count()).toBe(1);
    await page.getByRole('navigation', { name: 'Library' }).getByRole('button', { name: 'Remove saved search harbour' }).click();
  });
});

describe('keys', () => {
  it('1, 2 and 3 show All articles, Unread and Starred, and leave a search', async () => {
    const { page } = await open();
    const nav = page.getByRole('navigation', { name: 'Library' });
    const current = () => nav.locator('[aria-current="page"]').textContent();
    await page.keyboard.press('2');
    await expect.poll(current, POLL).toMatch(/^\s*Unread/);
    await page.keyboard.press('3');
    await expect.poll(current, POLL).toMatch(/^\s*Starred/);
    await page.getByRole('searchbox', { name: 'Search' }).fill('minsk');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await expect.poll(() => list(page).evaluate((el) => el.matches(':focus')), POLL).toBe(true);
    await page.keyboard.press('1');
    await expect.poll(current, POLL).toMatch(/^\s*All/);
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');
    expect(await list(page).evaluate((el) => el.matches(':focus'))).toBe(true);
  });
});

describe('Undo', () => {
  it('waits while its button has focus, and goes when it no longer has', async () => {
    const { page } = await open({ waitFor: 'none' });
    await page.clock.install();
    await page.reload();
    await rows(page).first().waitFor();
    await page.keyboard.press('Shift+A');
    const undo = page.getByRole('status').getByRole('button', { name: 'Undo' });
    await undo.waitFor();
    await undo.focus();
    await page.clock.runFor(60_000);
    expect(await undo.count()).toBe(1);
    await list(page).focus();
    await page.clock.runFor(13_000);
    await expect.poll(() => undo.count(), POLL).toBe(0);
  });
});

describe('Delete', () => {
  it('opens the next article in place of the deleted one', async () => {
    const { page } = await open();
    const titles = (await rows(page).locator('.title').allTextContents()).map((t) => t.trim());
    await openArticle(page, titles[1]!);
    await page.keyboard.press('Delete');
    const ask = page.getByRole('dialog', { name: /^Delete/ });
    await ask.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted' }).waitFor();
    await expect.poll(() => selectedTitle(page), POLL).toBe(titles[2]);
    await articleNamed(page, titles[2]!).waitFor();
    expect(await list(page).evaluate((el) => el.matches(':focus'))).toBe(true);
  });
});
