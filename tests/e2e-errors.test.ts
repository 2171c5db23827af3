/**
 * End to end, when things go wrong: the web host stops while the page is open, an article
 * disappears from the library behind the page's back, and the library refuses one call. Each
 * time the page stays whole and says what happened in one calm line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteArticle } from '../db/articles.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import {
  POLL,
  ARTICLE_FIXTURES,
  SHARED_FIXTURE,
  articleNamed,
  findRow,
  importInto,
  launchBrowser,
  list,
  listLibrary,
  makeTempDir,
  openApp,
  reader,
  removeDir,
  rows,
  selectedTitle,
  startHost,
  toolbar,
  type HostProcess,
  type Opened,
} from './e2e-helpers.js';

// Each test drives a browser and the command line; on a busy 2-core machine that takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser | undefined;
let dir: string | undefined;
let db: string;
let host: HostProcess | undefined;
const opened: Opened[] = [];

beforeAll(async () => {
  dir = makeTempDir();
  db = path.join(dir, 'library.sqlite');
  importInto(db, SHARED_FIXTURE, ARTICLE_FIXTURES);
  // A second, identical library for the test that stops its host (the CLI closed the file cleanly).
  for (const suffix of ['', '-wal']) if (fs.existsSync(db + suffix)) fs.copyFileSync(db + suffix, path.join(dir, `stopped.sqlite${suffix}`));
  host = await startHost(db);
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.context.close();
});

afterAll(async () => {
  await browser?.close();
  const code = await host?.stop();
  removeDir(dir);
  if (host) expect(code, `broadsheet web should stop cleanly; stderr:\n${host.stderr()}`).toBe(0);
});

async function open(h: HostProcess): Promise<Opened> {
  const o = await openApp(browser!, h);
  opened.push(o);
  return o;
}

/** The reader's alert: one line of text, with the page around it intact. */
async function expectCalmAlert(page: Page, pattern: RegExp): Promise<string> {
  const alert = reader(page).or(page.locator('bs-reader')).getByRole('alert');
  await alert.first().waitFor();
  const text = (await alert.first().innerText()).trim();
  expect(text).toMatch(pattern);
  expect(text.split('\n')).toHaveLength(1);
  expect(text.length).toBeLessThan(200);
  // Not a blank page: the library, the list and the toolbar are all still there.
  expect(await page.getByRole('navigation', { name: 'Library' }).isVisible()).toBe(true);
  expect(await list(page).isVisible()).toBe(true);
  expect(await rows(page).count()).toBeGreaterThan(1);
  expect(await page.getByRole('combobox', { name: 'Theme' }).isVisible()).toBe(true);
  return text;
}

const starredInLibrary = () => listLibrary(db).filter((a) => a.isStarred).map((a) => a.title);

describe('when something goes wrong', () => {
  it('says the article is gone when it was removed from the library behind the page', async () => {
    const { page, problems } = await open(host!);
    const articles = listLibrary(db);
    const first = articles[0]!;
    const victim = articles[2]!;
    await (await findRow(page, first.title)).click();
    await articleNamed(page, first.title).waitFor();

    // Another program (a second window, a script) removes it while the page lists it.
    const lib = openLibrary(db);
    expect(deleteArticle(lib, victim.id)).toBe(true);
    closeLibrary(lib);

    await (await findRow(page, victim.title)).click();
    await expectCalmAlert(page, /^Could not open the article: it is no longer in the library\.$/);
    expect(await selectedTitle(page)).toBe(victim.title);
    // Nothing to star or mark: the keys must not act on the article that was open before.
    expect(await toolbar(page).getByRole('button', { name: /^(Star|Unstar|Mark as read|Mark as unread)$/ }).count()).toBe(0);
    await page.keyboard.press('s');
    await page.keyboard.press('m');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(starredInLibrary()).toEqual([]);
    expect(listLibrary(db).find((a) => a.id === first.id)?.isRead).toBe(true);

    // The next article opens normally.
    await page.keyboard.press('j');
    await reader(page).getByRole('heading', { level: 1 }).waitFor();
    expect(await reader(page).getByRole('alert').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('shows a refused call in one line, leaves the other articles alone, and opens on retry', async () => {
    const { page, problems } = await open(host!);
    const articles = listLibrary(db);
    const [a, b] = [articles[0]!, articles[1]!];
    await (await findRow(page, a.title)).click();
    await articleNamed(page, a.title).waitFor();

    // The library answers the next getArticle with an error, as it would if the disk were busy.
    let refusals = 0;
    await page.route('**/api/getArticle', (route) => {
      refusals += 1;
      return route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ ok: false, error: 'the library is busy (database is locked); try again' }) });
    });
    await (await findRow(page, b.title)).click();
    await expectCalmAlert(page, /^Could not open the article: the library is busy \(database is locked\); try again$/);
    expect(refusals).toBe(1);
    expect(await selectedTitle(page)).toBe(b.title);
    // The toolbar must not offer to star the article that is no longer shown.
    expect(await toolbar(page).getByRole('button', { name: /^(Star|Unstar|Mark as read|Mark as unread)$/ }).count()).toBe(0);
    await page.keyboard.press('s');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(starredInLibrary()).toEqual([]);

    await page.unroute('**/api/getArticle');
    await page.keyboard.press('Enter'); // open the selected article again
    await articleNamed(page, b.title).waitFor();
    expect(await reader(page).getByRole('alert').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('keeps the page and says so in one line when the web host stops mid-session', async () => {
    const stoppedDb = path.join(dir!, 'stopped.sqlite');
    const own = await startHost(stoppedDb);
    let code: number | null | undefined;
    try {
      const { page, problems } = await open(own);
      await page.keyboard.press('j');
      const first = (await selectedTitle(page))!;
      await articleNamed(page, first).waitFor();
      // Opening marks it read; let that reach the library first, or its failure is the alert below.
      await expect.poll(() => listLibrary(stoppedDb).find((a) => a.title === first)?.isRead, POLL).toBe(true);

      code = await own.stop();
      expect(code, own.stderr()).toBe(0);

      await page.keyboard.press('j');
      const text = await expectCalmAlert(page, /^Could not open the article: .+/);
      expect(text).not.toMatch(/undefined|null|\[object|Error:|\bat \w+ \(/);
      expect(await selectedTitle(page)).not.toBe(first);
      // Nothing is offered for an article that could not be shown, and s / m do nothing.
      expect(await toolbar(page).getByRole('button', { name: /^(Star|Unstar|Mark as read|Mark as unread)$/ }).count()).toBe(0);
      await page.keyboard.press('s');
      await page.keyboard.press('m');
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      expect(await page.getByRole('alert').filter({ hasText: /Could not (star|mark)/ }).count()).toBe(0);
      // The list keeps working from what it had loaded: k goes back to the first article's row.
      await page.keyboard.press('k');
      await expect.poll(() => selectedTitle(page), POLL).toBe(first);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      if (code === undefined) await own.stop();
    }
  });
});
