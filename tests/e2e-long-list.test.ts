/**
 * A long list in Chromium: the list keeps only the pages near the visible rows and fetches a
 * dropped page again, by its keyset cursor, when it is scrolled back into view (KEEP_ROWS in
 * renderer/bs-article-list.ts; set low here so that 1,000 articles are "long").
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { benchLibrary } from '../bench/library.js';
import { POLL, launchBrowser, list, listLibrary, makeTempDir, openApp, removeDir, rows, selectedTitle, startHost, type HostProcess } from './e2e-helpers.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const COUNT = 1000;
let dir: string | undefined;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let newestTitles: string[];
let oldestTitle: string;

beforeAll(async () => {
  dir = makeTempDir();
  const db = path.join(dir, 'library.sqlite');
  benchLibrary(db, COUNT);
  const all = listLibrary(db);
  newestTitles = all.slice(0, 3).map((a) => a.title);
  oldestTitle = all[all.length - 1]!.title;
  host = await startHost(db);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  removeDir(dir);
});

type ListElement = HTMLElement & { keepRows: number; items: ReadonlyArray<{ kind: string }> };

/** What the list holds: rows loaded, and rows dropped (gaps). */
function held(page: Page): Promise<{ loaded: number; gaps: number; first: string }> {
  return page.evaluate(() => {
    const el = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list') as unknown as ListElement;
    return {
      loaded: el.items.filter((e) => e.kind === 'article').length,
      gaps: el.items.filter((e) => e.kind === 'gap').length,
      first: el.items[0]?.kind ?? 'none',
    };
  });
}

/** Scrolls the list down, 3,000 px a step, until it is at the bottom of what is loaded. */
async function scrollToEnd(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        list(page).evaluate(async (el) => {
          el.scrollTop += 3000;
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
        }),
      { timeout: 60_000, interval: 50 },
    )
    .toBe(true);
}

describe('a long list', () => {
  it('drops the pages far from view and brings them back when scrolled back to', async () => {
    const { page, context, problems } = await openApp(browser!, host!);
    await page.evaluate(() => {
      const el = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list') as unknown as ListElement;
      el.keepRows = 150;
    });
    await expect.poll(() => rows(page).first().textContent(), POLL).toContain(newestTitles[0]!);

    // Down to the end: everything was fetched, but the pages near the top are gaps now.
    for (let i = 0; i < 20 && (await held(page)).loaded + (await held(page)).gaps < COUNT; i++) await scrollToEnd(page);
    const atEnd = await held(page);
    expect(atEnd.loaded + atEnd.gaps).toBe(COUNT);
    expect(atEnd.first).toBe('gap');
    expect(atEnd.loaded).toBeLessThan(COUNT / 2);

    // Back to the top: the first page is fetched again and shows the same rows as before.
    await list(page).evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(async () => (await held(page)).first, POLL).toBe('article');
    await expect.poll(() => rows(page).first().textContent(), POLL).toContain(newestTitles[0]!);
    await expect.poll(() => rows(page).nth(1).textContent(), POLL).toContain(newestTitles[1]!);

    // Keyboard: End selects the last article, Home the first, fetching it again if it was dropped.
    await list(page).focus();
    await page.keyboard.press('End');
    await expect.poll(() => selectedTitle(page), POLL).toBe(oldestTitle);
    await page.keyboard.press('Home');
    await expect.poll(() => selectedTitle(page), POLL).toBe(newestTitles[0]);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it('End from the top fetches every page to the last article, keeping only those near it', async () => {
    const { page, context, problems } = await openApp(browser!, host!);
    await page.evaluate(() => {
      const el = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list') as unknown as ListElement;
      el.keepRows = 150;
    });
    await list(page).focus();
    await page.keyboard.press('End');
    await expect.poll(() => selectedTitle(page), POLL).toBe(oldestTitle);
    await page.getByRole('article', { name: oldestTitle, exact: true }).waitFor();
    const atEnd = await held(page);
    expect(atEnd.loaded + atEnd.gaps).toBe(COUNT);
    expect(atEnd.first).toBe('gap');
    expect(atEnd.loaded).toBeLessThan(COUNT / 2);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });
});
