/**
 * Feeds end to end, as a person uses them: an empty library served by the real web host
 * (`broadsheet web`), Debian's Chromium, and a real HTTP server on 127.0.0.1 serving the fixture
 * feeds and their JPEG pictures (tests/feeds-server.ts). Subscribe through the "Add feed" dialog,
 * read an item whose pictures are the library's own stored copies (the page never contacts the
 * feed server: only the host process does), stop the server and "Refresh all" (the feed gets an
 * error badge with the reason, its articles still open with their pictures), remove the feed (a
 * starred article stays), save a single page through "Save page…", and import and export OPML.
 *
 * The tests run in order on one library and one page, like one person's session.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES, startFeedServer, type FeedServer } from './feeds-server.js';
import { deadPort } from './net-server.js';
import { startSite } from './net-site.js';
import {
  POLL,
  articleNamed,
  broadsheet,
  findRow,
  isFocused,
  launchBrowser,
  list,
  listLibrary,
  makeTempDir,
  openApp,
  openTitle,
  reader,
  removeDir,
  rows,
  screenshotPath,
  startHost,
  toolbar,
  type HostProcess,
  type Opened,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const FEED_TITLE = 'The Harbour Gazette';
const MILL = 'Tide mill restoration reaches the final wheel';
const MILL_CAPTION = 'The rebuilt wheel, photographed at low water. Photo: Dan Achterberg';
const FERRY = 'Ferry timetable changes for the spring season';
const FERRY_CAPTION = 'The Morwenna leaves the harbour slipway on the 07:30 crossing. Photo: Elin Rhys';
const SAVED_PAGE = 'Electric ferry starts crossing the harbour';

let dir: string | undefined;
let db: string;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let app: Opened | undefined;
/** The feed server of the first tests; stopped before the refresh. */
let server: FeedServer;
/** Every text the status area showed, in order (progress lines included, however brief). */
const statusLines = (): Promise<string[]> => app!.page.evaluate(() => (window as unknown as { __statusLines: string[] }).__statusLines);

beforeAll(async () => {
  dir = makeTempDir('broadsheet-e2e-feeds-');
  db = path.join(dir, 'library.sqlite');
  host = await startHost(db);
  browser = await launchBrowser();
});

afterAll(async () => {
  await app?.context.close();
  await browser?.close();
  const code = await host?.stop();
  removeDir(dir);
  if (host) expect(code, `broadsheet web should stop cleanly; stderr:\n${host.stderr()}`).toBe(0);
});

const sidebar = (page: Page): Locator => page.getByRole('navigation', { name: 'Library' });
/** A feed's link in the Feeds section (a source of the same name may sit under Sources). */
const feedLink = (page: Page, title: string): Locator =>
  sidebar(page).locator('a[href^="#feed-"]').filter({ has: page.getByText(title, { exact: true }) });

/** The reason a feed link is described by (its error badge's text), or null. */
function descriptionOf(link: Locator): Promise<string | null> {
  return link.evaluate((el) => {
    const id = el.getAttribute('aria-describedby');
    if (!id) return null;
    return ((el.getRootNode() as ShadowRoot).getElementById(id)?.textContent ?? '').trim();
  });
}

/** Records every line the status and alert regions show, from now on. */
async function recordStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __statusLines: string[] };
    w.__statusLines = [];
    const root = document.querySelector('bs-app')!.shadowRoot!;
    const notices = root.querySelector('.notices')!;
    let last = '';
    new MutationObserver(() => {
      const text = (notices.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (text && text !== last) w.__statusLines.push(text);
      last = text;
    }).observe(notices, { subtree: true, childList: true, characterData: true });
  });
}

/** The figure images of the open article, after they loaded: src and natural width. */
async function loadedPictures(article: Locator): Promise<Array<{ src: string; width: number }>> {
  const imgs = article.getByRole('figure').locator('img');
  const n = await imgs.count();
  const out: Array<{ src: string; width: number }> = [];
  for (let i = 0; i < n; i++) {
    const img = imgs.nth(i);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), POLL).toBeGreaterThan(0);
    out.push(await img.evaluate((el: HTMLImageElement) => ({ src: el.src, width: el.naturalWidth })));
  }
  return out;
}

async function openArticle(page: Page, title: string): Promise<Locator> {
  await (await findRow(page, title)).click();
  const article = articleNamed(page, title);
  await article.waitFor();
  return article;
}

describe('feeds in the app', () => {
  it('subscribes through the Add feed dialog, then reads an item whose pictures are the library’s own', async () => {
    server = await startFeedServer();
    // Slow enough to see the dialog say what it is doing.
    server.route('/feeds/harbour.rss', { file: 'harbour.rss', delayMs: 400 });
    app = await openApp(browser!, host!, { waitFor: 'welcome' });
    app.context.setDefaultTimeout(10_000);
    const { page, net, problems } = app;
    await recordStatus(page);

    await expect.poll(() => sidebar(page).getByRole('heading', { name: 'Feeds', exact: true }).count(), POLL).toBe(1);
    await sidebar(page).getByText('No feeds yet').waitFor();

    // A server that is not there: the reason, in one line, inside the dialog, which stays open.
    await page.getByRole('button', { name: 'Add feed', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Add feed' });
    await dialog.waitFor();
    const field = dialog.getByRole('textbox', { name: 'Feed or site address' });
    expect(await field.evaluate((el) => el.matches(':focus'))).toBe(true);
    await field.fill(`http://127.0.0.1:${await deadPort()}/feed.xml`);
    await dialog.getByRole('button', { name: 'Subscribe' }).click();
    const alert = dialog.getByRole('alert');
    await expect.poll(async () => (await alert.textContent())?.trim(), POLL).toMatch(/connection refused/);
    expect(await dialog.isVisible()).toBe(true);

    // The real feed: "Subscribing…" while the host fetches it, then the dialog closes and the feed is shown.
    await field.fill(server.url('/feeds/harbour.rss'));
    await dialog.getByRole('button', { name: 'Subscribe' }).click();
    await dialog.getByRole('status').getByText('Subscribing…').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => isFocused(list(page)), POLL).toBe(true);
    expect((await page.locator('bs-url-dialog.add-feed [role="alert"]').textContent())?.trim()).toBe('');

    const link = feedLink(page, FEED_TITLE);
    await link.waitFor();
    const listed = JSON.parse(broadsheet(db, 'feeds', 'list', '--json').stdout) as Array<{ title: string; unread: number; total: number }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ title: FEED_TITLE, total: 5, unread: 5 });
    expect((await link.locator('.count').textContent())?.trim()).toBe('5');
    expect(await link.getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByRole('heading', { level: 2, name: FEED_TITLE }).count(), POLL).toBe(1);
    await expect.poll(() => rows(page).count(), POLL).toBe(5);
    expect((await statusLines()).some((l) => l.startsWith(`Subscribed to “${FEED_TITLE}”: 5 articles`))).toBe(true);

    // Read an item: its picture is the stored copy, served by the app's image route, and it loaded.
    const article = await openArticle(page, MILL);
    const figure = article.getByRole('figure');
    expect(await figure.count()).toBe(1);
    expect((await figure.locator('figcaption').textContent())?.trim()).toBe(MILL_CAPTION);
    const pictures = await loadedPictures(article);
    expect(pictures).toHaveLength(1);
    expect(pictures[0]!.src.startsWith(`${host!.origin}/images/`)).toBe(true);
    expect(pictures[0]!.width).toBe(160); // the server's first picture: 160 × 120

    // A summary-only item was fetched from its page by the host, picture and caption included.
    const ferry = await openArticle(page, FERRY);
    expect((await ferry.locator('figcaption').first().textContent())?.trim()).toBe(FERRY_CAPTION);
    const ferryPictures = await loadedPictures(ferry);
    expect(ferryPictures.map((p) => new URL(p.src).pathname.startsWith('/images/'))).toEqual([true]);

    // The host process fetched the feed, the page and the pictures; the page never contacted the server.
    expect(server.hits.get('/feeds/harbour.rss')).toBeGreaterThanOrEqual(1);
    expect(server.hits.get('/img/mill-wheel.jpg')).toBe(1);
    expect(server.hits.get('/img/ferry.jpg')).toBe(1);
    expect(net.requests.filter((u) => u.startsWith(server.origin))).toEqual([]);
    expect(net.foreign()).toEqual([]);
    expect(net.refused).toEqual([]);
    // Reading requests nothing but the page's own API and stored images.
    const reading = net.requests.filter((u) => new URL(u).pathname.startsWith('/images/') || new URL(u).pathname.startsWith('/api/'));
    expect(reading.length).toBeGreaterThan(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('with the feed server stopped, Refresh all marks the feed with the reason and its articles still open with their pictures', async () => {
    const { page, net, problems } = app!;
    const before = net.requests.length;
    await server.close();

    await page.getByRole('button', { name: 'Refresh all', exact: true }).click();
    await expect
      .poll(async () => (await statusLines()).at(-1), POLL)
      .toBe('No new articles, 1 feed failed (The Harbour Gazette: connection refused (is the server running?))');
    expect(await statusLines()).toContain('Refreshing 1 feed…');

    const link = feedLink(page, FEED_TITLE);
    await expect.poll(() => link.locator('.badge').count(), POLL).toBe(1);
    const listed = JSON.parse(broadsheet(db, 'feeds', 'list', '--json').stdout) as Array<{ lastError: string | null }>;
    expect(listed[0]!.lastError).toMatch(/connection refused/);
    expect(await descriptionOf(link)).toBe(`Refresh failed: ${listed[0]!.lastError}`);

    // The reason shows on hover (and on keyboard focus).
    const reason = sidebar(page).getByRole('tooltip');
    expect(await reason.evaluate((el) => getComputedStyle(el).opacity)).toBe('0');
    await link.hover();
    await expect.poll(() => reason.evaluate((el) => getComputedStyle(el).opacity), POLL).toBe('1');
    await page.screenshot({ path: screenshotPath('feeds-sidebar-error.png'), clip: { x: 0, y: 0, width: 420, height: 420 } });
    await page.mouse.move(900, 700);
    await list(page).focus();
    await page.keyboard.press('Shift+Tab');
    for (let i = 0; i < 12 && !(await link.evaluate((el) => el.matches(':focus'))); i++) await page.keyboard.press('Shift+Tab');
    expect(await link.evaluate((el) => el.matches(':focus-visible'))).toBe(true);
    await expect.poll(() => reason.evaluate((el) => getComputedStyle(el).opacity), POLL).toBe('1');

    // Everything still reads from the library: a fresh page, the feed, the item, its picture.
    await page.reload();
    await rows(page).first().waitFor();
    await recordStatus(page);
    await feedLink(page, FEED_TITLE).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: FEED_TITLE }).count(), POLL).toBe(1);
    const article = await openArticle(page, MILL);
    expect((await article.locator('figcaption').textContent())?.trim()).toBe(MILL_CAPTION);
    const pictures = await loadedPictures(article);
    expect(pictures.map((p) => p.src.startsWith(`${host!.origin}/images/`))).toEqual([true]);
    expect(net.requests.slice(before).filter((u) => u.startsWith(server.origin))).toEqual([]);
    expect(net.foreign()).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('in a narrow window, shows Refresh all’s outcome above the open library drawer, not under its shade', async () => {
    const { page, problems } = app!;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 800, height: 600 }); // below 960 px: the library is a drawer
    try {
      await page.getByRole('button', { name: 'Library', exact: true }).click();
      await sidebar(page).getByRole('button', { name: 'Refresh all', exact: true }).click();
      const outcome = page.getByRole('status').filter({ hasText: '1 feed failed' });
      await outcome.waitFor();
      // Refresh all leaves the drawer open (to watch the feeds' badges), so the notice must sit above it and its shade.
      expect(await page.getByRole('button', { name: 'Library', exact: true }).getAttribute('aria-expanded')).toBe('true');
      const topmost = await outcome.locator('.notice').evaluate((notice) => {
        const box = notice.getBoundingClientRect();
        const root = notice.getRootNode() as ShadowRoot;
        return root.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)?.closest('.notice') === notice;
      });
      expect(topmost).toBe(true);
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize(size);
    }
    expect(problems.pageErrors).toEqual([]);
  });

  it('removes the feed after a confirmation that says starred articles are kept; the starred one stays', async () => {
    const { page, problems } = app!;
    // Star the open item (the tide mill).
    expect(await openTitle(page)).toBe(MILL);
    await toolbar(page).getByRole('button', { name: 'Star', exact: true }).click();

    await feedLink(page, FEED_TITLE).hover();
    await sidebar(page).getByRole('button', { name: `Remove feed ${FEED_TITLE}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove “${FEED_TITLE}”?` });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Starred articles are kept.');
    // Cancel first: nothing changes.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await feedLink(page, FEED_TITLE).count()).toBe(1);

    // The closed dialog hands focus back when it has gone; wait for that before taking it.
    const remove = sidebar(page).getByRole('button', { name: `Remove feed ${FEED_TITLE}` });
    await expect
      .poll(async () => {
        await remove.focus();
        return isFocused(remove);
      }, POLL)
      .toBe(true);
    await page.keyboard.press('Enter');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Remove feed' }).click();
    await confirm.waitFor({ state: 'hidden' });

    await expect.poll(() => feedLink(page, FEED_TITLE).count(), POLL).toBe(0);
    await sidebar(page).getByText('No feeds yet').waitFor();
    // The starred article keeps its source's name, now under Sources.
    await sidebar(page).getByRole('list', { name: 'Sources' }).getByRole('link', { name: new RegExp(`^${FEED_TITLE}`) }).waitFor();
    await expect.poll(statusLines, POLL).toContain(`Removed “${FEED_TITLE}” (4 articles deleted; 1 starred article kept).`);
    expect(listLibrary(db).map((a) => [a.title, a.isStarred])).toEqual([[MILL, true]]);
    await sidebar(page).getByRole('link', { name: /^Starred/ }).click();
    await expect.poll(() => rows(page).allInnerTexts(), POLL).toEqual([expect.stringContaining(MILL)]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('Save page… saves a page from the server with its pictures and opens it; failures stay in the dialog', async () => {
    const { page, net, problems } = app!;
    const site = await startSite();

    await page.getByRole('button', { name: 'Save page…', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save a web page' });
    await dialog.waitFor();
    const field = dialog.getByRole('textbox');
    await field.fill(`http://127.0.0.1:${await deadPort()}/news/gone.html`);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await dialog.getByRole('alert').textContent())?.trim(), POLL).toMatch(/connection refused/);

    await field.fill(site.server.url('/news/harbour-ferry.html'));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => openTitle(page), POLL).toBe(SAVED_PAGE);
    await expect.poll(statusLines, POLL).toContain(`Saved “${SAVED_PAGE}”. 1 picture could not be saved.`);

    const article = articleNamed(page, SAVED_PAGE);
    const captions = (await article.locator('figcaption').allTextContents()).map((t) => t.trim());
    expect(captions).toContain('The crew on the first crossing. Photo: Harbour Times');
    const stored = article.getByRole('figure').locator('img');
    const loaded: string[] = [];
    for (let i = 0; i < (await stored.count()); i++) {
      const img = stored.nth(i);
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete), POLL).toBe(true);
      const r = await img.evaluate((el: HTMLImageElement) => ({ src: el.src, width: el.naturalWidth }));
      if (r.width > 0) loaded.push(r.src);
    }
    expect(loaded).toHaveLength(2);
    for (const src of loaded) expect(src.startsWith(`${host!.origin}/images/`)).toBe(true);
    expect(net.requests.filter((u) => u.startsWith(site.server.origin))).toEqual([]);
    expect(net.foreign()).toEqual([]);
    expect(listLibrary(db).map((a) => a.title).sort()).toEqual([SAVED_PAGE, MILL].sort());
    expect(problems.pageErrors).toEqual([]);
  });

  it('Import OPML… adds the feeds of an OPML file in their folders; Refresh all fetches them; Export OPML… gives them back', async () => {
    const { page, problems } = app!;
    const feeds = await startFeedServer();
    const opml = fs.readFileSync(path.join(FIXTURES, 'subscriptions.opml'), 'utf8').replaceAll('{{ORIGIN}}', feeds.origin);

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import OPML…', exact: true }).click();
    const picker = await chooser;
    expect(picker.isMultiple()).toBe(false);
    await picker.setFiles([{ name: 'subscriptions.opml', mimeType: 'text/x-opml', buffer: Buffer.from(opml) }]);

    await expect.poll(statusLines, POLL).toContainEqual(expect.stringMatching(/^5 feeds added, 1 failed \(Not a web address: .+\)\. Refresh all to fetch their articles\.$/));
    for (const folder of ['Local', 'Local/Nature', 'History']) {
      await sidebar(page).getByRole('heading', { level: 3, name: folder, exact: true }).waitFor();
    }
    const nature = sidebar(page).getByRole('list', { name: 'Local/Nature' });
    expect((await nature.getByRole('link').allInnerTexts()).map((t) => t.trim())).toEqual(['Moorland Weather Station', 'The Fenland Naturalist']);
    // Feeds in no folder sit right under the heading.
    expect((await sidebar(page).getByRole('list', { name: 'Feeds' }).getByRole('link').allInnerTexts()).map((t) => t.trim())).toEqual(['Allotment Diary']);
    expect(feeds.requests).toEqual([]); // importing fetches nothing

    await page.keyboard.press('Escape');
    await list(page).focus();
    await page.keyboard.press('r'); // the shortcut for Refresh all
    await expect.poll(statusLines, POLL).toContain('Refreshing 5 feeds…');
    await expect.poll(async () => (await statusLines()).at(-1), { ...POLL, timeout: 30_000 }).toMatch(/^\d+ new articles$/);
    const counts = JSON.parse(broadsheet(db, 'feeds', 'list', '--json').stdout) as Array<{ title: string; unread: number; lastError: string | null }>;
    expect(counts.map((f) => f.lastError)).toEqual([null, null, null, null, null]);
    for (const f of counts) {
      expect(f.unread, f.title).toBeGreaterThan(0);
      await expect.poll(() => feedLink(page, f.title).locator('.count').textContent(), POLL).toBe(String(f.unread));
    }
    expect(await sidebar(page).locator('.badge').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('feeds-sidebar.png'), clip: { x: 0, y: 0, width: 420, height: 800 } });

    // Export: the web host has no save dialog, so the page offers a download.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export OPML…', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('broadsheet-feeds.opml');
    const exported = fs.readFileSync((await file.path())!, 'utf8');
    for (const p of ['/feeds/harbour.rss', '/feeds/fenland.rdf', '/feeds/moorland.json', '/feeds/quarry.atom', '/feeds/allotment.json']) {
      expect(exported).toContain(feeds.url(p));
    }
    expect(problems.pageErrors).toEqual([]);
    expect(problems.console.filter((l) => !/Failed to load resource/.test(l))).toEqual([]);
  });
});
