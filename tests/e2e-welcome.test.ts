/**
 * End to end on an empty library: the welcome screen, the sample article with its stored picture
 * and the lightbox, and importing files from the page (good and bad ones) through the real web
 * host and Debian's Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  POLL,
  ARTICLE_FIXTURES,
  articleNamed,
  launchBrowser,
  list,
  listLibrary,
  makeTempDir,
  openApp,
  removeDir,
  rows,
  screenshotPath,
  selectedTitle,
  startHost,
  type HostProcess,
  type Opened,
} from './e2e-helpers.js';

// Each test drives a browser and the command line; on a busy 2-core machine that takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const SAMPLE_TITLE = 'Welcome to Broadsheet';
const SAMPLE_CAPTION = 'Morning over the hills: every picture you save stays with its caption, even offline. Illustration: Broadsheet';
const GOOD_FILE = path.join(ARTICLE_FIXTURES, 'harbour-tram-line-opens.txt');
const GOOD_TITLE = 'Harbour City Opens Its First Tram Line in Sixty Years';
/** A PDF saved with a .txt name: a binary file the importer must refuse with a reason. */
const BINARY_FILE = { name: 'scan.txt', mimeType: 'text/plain', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0, 1, 2, 3, 0, 0xff, 0x0a])]) };
const EMPTY_FILE = { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) };
/** A saved page in windows-1252, as old CMSs still write them: “ ” and € are single bytes there. */
const CP1252_TITLE = 'Caf\u00e9 owners welcome \u201csmart\u201d rules \u2013 \u20ac50 a year';
const CP1252_PAGE = {
  name: 'cafe.html',
  mimeType: 'text/html',
  buffer: Buffer.from(
    [...`<!doctype html><meta charset="windows-1252"><title>${CP1252_TITLE}</title><article>${'<p>The council voted on Tuesday to allow tables on the pavement, a change the owners had asked for.</p>'.repeat(4)}</article>`]
      .map((c) => ({ '\u201c': 0x93, '\u201d': 0x94, '\u2013': 0x96, '\u20ac': 0x80 })[c] ?? c.charCodeAt(0)),
  ),
};

let browser: Browser | undefined;
let dir: string | undefined;
const hosts: HostProcess[] = [];
const opened: Opened[] = [];

beforeAll(async () => {
  dir = makeTempDir();
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.context.close();
  for (const h of hosts.splice(0)) expect(await h.stop(), `broadsheet web should stop cleanly; stderr:\n${h.stderr()}`).toBe(0);
});

afterAll(async () => {
  await browser?.close();
  removeDir(dir);
});

/** An empty library of its own, served by its own host, open at the welcome screen. */
async function emptyLibrary(name: string) {
  const db = path.join(dir!, `${name}.sqlite`);
  const host = await startHost(db);
  hosts.push(host);
  const o = await openApp(browser!, host, { waitFor: 'welcome', viewport: { width: 1280, height: 800 } });
  opened.push(o);
  return { db, host, ...o };
}

describe('an empty library', () => {
  it('welcomes, adds the sample article whose stored picture loads, and opens the picture large', async () => {
    const { page, db, net, problems } = await emptyLibrary('sample');
    const welcome = page.getByRole('region', { name: 'Welcome to Broadsheet' });
    expect(await welcome.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to Broadsheet');
    expect(await welcome.getByRole('button', { name: 'Import files…' }).isEnabled()).toBe(true);
    expect(await list(page).count()).toBe(0); // no empty list pane: the welcome takes its place
    await page.screenshot({ path: screenshotPath('welcome.png') });

    await welcome.getByRole('button', { name: 'Add the sample article' }).click();
    const article = articleNamed(page, SAMPLE_TITLE);
    await article.waitFor();
    await welcome.waitFor({ state: 'detached' });
    expect(await rows(page).count()).toBe(1);
    expect(await selectedTitle(page)).toBe(SAMPLE_TITLE);
    expect(listLibrary(db).map((a) => a.title)).toEqual([SAMPLE_TITLE]);

    const figure = article.getByRole('figure');
    expect(await figure.count()).toBe(1);
    expect((await figure.locator('figcaption').textContent())?.trim()).toBe(SAMPLE_CAPTION);
    const img = figure.locator('img');
    expect(await img.count()).toBe(1);
    expect(await img.getAttribute('alt')).toBe(SAMPLE_CAPTION); // the caption stands in for a missing alt
    await img.scrollIntoViewIfNeeded(); // loading="lazy"
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), POLL).toBeGreaterThan(0);
    expect(await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight])).toEqual([960, 540]);
    expect(net.requests.some((u) => new URL(u).pathname.startsWith('/images/'))).toBe(true);
    await page.screenshot({ path: screenshotPath('sample.png') });

    await img.click();
    const box = page.getByRole('dialog', { name: SAMPLE_CAPTION });
    await box.waitFor();
    expect(await box.locator('figcaption').textContent()).toBe(SAMPLE_CAPTION);
    const big = box.locator('img');
    await expect.poll(() => big.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), POLL).toBeGreaterThan(0);
    expect(await big.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(600);
    await page.screenshot({ path: screenshotPath('lightbox.png') });
    // Keys belong to the dialog while it is open: j does not move the list behind it.
    await page.keyboard.press('j');
    expect(await box.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden' });
    expect(await article.isVisible()).toBe(true);

    // The picture opens from the keyboard too (it is focusable; Enter zooms).
    // The closed lightbox hands focus back as it goes; take it once that is done.
    await expect
      .poll(async () => {
        await img.focus();
        return img.evaluate((el) => el.matches(':focus'));
      }, POLL)
      .toBe(true);
    await page.keyboard.press('Enter');
    await box.waitFor();
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden' });

    expect(net.foreign()).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('imports chosen files, with one line per file and the reason for each failure, then shows the article', async () => {
    const { page, db, problems } = await emptyLibrary('import');
    const welcome = page.getByRole('region', { name: 'Welcome to Broadsheet' });
    const picker = welcome.getByLabel('Article files');

    // Only bad files: the library stays empty and the welcome says, file by file, why.
    await picker.setInputFiles([EMPTY_FILE, BINARY_FILE]);
    const results = welcome.getByRole('status');
    await results.getByRole('listitem').first().waitFor();
    expect((await results.getByRole('heading').textContent())?.trim()).toBe('0 imported, 2 failed');
    const lines = (await results.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^failed empty\.txt: empty file/);
    expect(lines[1]).toMatch(/^failed scan\.txt: not a text file \(.+\)$/);
    expect(listLibrary(db)).toEqual([]);
    await page.screenshot({ path: screenshotPath('welcome-import-failed.png') });

    // A good file with a bad one: the article opens, and the failure is still named.
    await picker.setInputFiles([{ name: path.basename(GOOD_FILE), mimeType: 'text/plain', buffer: fs.readFileSync(GOOD_FILE) }, BINARY_FILE]);
    const article = articleNamed(page, GOOD_TITLE);
    await article.waitFor();
    expect(await article.getByRole('heading', { level: 1 }).textContent()).toBe(GOOD_TITLE);
    await expect.poll(() => rows(page).count(), POLL).toBe(1);
    expect(await selectedTitle(page)).toBe(GOOD_TITLE);
    const notice = page.getByRole('alert').filter({ hasText: 'imported' });
    await notice.waitFor();
    const text = (await notice.innerText()).trim();
    expect(text).toMatch(/^1 imported, 1 failed — scan\.txt: not a text file \(.+\)$/);
    expect(text.split('\n')).toHaveLength(1);
    expect(listLibrary(db).map((a) => a.title)).toEqual([GOOD_TITLE]);
    await page.screenshot({ path: screenshotPath('import-mixed.png') });

    // A page saved in windows-1252: the library reads its <meta charset> from the bytes.
    await page.locator('input.files-input').setInputFiles([CP1252_PAGE]);
    const cafe = articleNamed(page, CP1252_TITLE);
    await cafe.waitFor();
    expect(listLibrary(db).map((a) => a.title).sort()).toEqual([CP1252_TITLE, GOOD_TITLE].sort());
    expect(problems.pageErrors).toEqual([]);
  });
});
