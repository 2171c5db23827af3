/**
 * End to end, as a person sees it: the real web host (`broadsheet web`) over a library seeded
 * with the fixtures through the real command line, driven in Debian's Chromium. Covers the list,
 * the reader with figures and captions, keyboard, star / read state (checked back through
 * `broadsheet show`), themes and text size, and that reading never touches the network.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import {
  POLL,
  BELARUS,
  REMOTE_IMAGES_PAGE,
  articleNamed,
  findRow,
  importInto,
  isFocused,
  list,
  listLibrary,
  makeTempDir,
  openApp,
  openTitle,
  reader,
  removeDir,
  row,
  rows,
  screenshotPath,
  seededLibrary,
  selectedTitle,
  showArticle,
  startHost,
  toolbar,
  type ListedArticle,
  type Opened,
  useServedLibrary,
} from './e2e-helpers.js';

// Each test drives a browser and the command line; on a busy 2-core machine that takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let db: string;
let articles: ListedArticle[];
const served = useServedLibrary((dir) => {
  db = seededLibrary(dir);
  articles = listLibrary(db);
  return db;
});
const open = served.open;

const idOf = (title: string): number => {
  const a = articles.find((x) => x.title === title);
  if (!a) throw new Error(`no article "${title}" in the library`);
  return a.id;
};

/** Clicks a row and waits for its article in the reader. */
async function openArticle(page: Page, title: string) {
  await (await findRow(page, title)).click();
  const article = articleNamed(page, title);
  await article.waitFor();
  return article;
}

/**
 * Holds the first request to `path` until the second has gone on (or 500 ms), as if it travelled on
 * a slower connection. Returns how many requests to `path` have been answered so far.
 */
async function slowFirst(page: Page, path: string): Promise<() => number> {
  let requests = 0;
  let answered = 0;
  let secondSent!: () => void;
  const second = new Promise<void>((resolve) => (secondSent = resolve));
  await page.route(`**${path}`, async (route) => {
    const n = ++requests;
    if (n === 1) await Promise.race([second, new Promise((r) => setTimeout(r, 500))]);
    await route.continue();
    if (n === 2) setTimeout(secondSent, 100);
  });
  page.on('response', (r) => void (r.url().includes(path) && r.ok() && answered++));
  return () => answered;
}

/** Does something that changes a setting and waits until the library holds what the page shows. */
async function saved(page: Page, act: () => Promise<unknown>): Promise<void> {
  await act();
  // The page caches what it shows; the change is saved once the library holds the same.
  const same = () =>
    page.evaluate(async () => {
      const token = new URL(location.href).searchParams.get('token') ?? '';
      const res = await fetch('/api/getSettings', { method: 'POST', headers: { 'content-type': 'application/json', 'x-broadsheet-token': token }, body: '{}' });
      const stored = ((await res.json()) as { result: Record<string, unknown> }).result;
      const shown = JSON.parse(localStorage.getItem('broadsheet.settings') ?? '{}') as Record<string, unknown>;
      return Object.keys(stored).every((k) => stored[k] === shown[k]);
    });
  await expect.poll(same, POLL).toBe(true);
}

describe('the article list', () => {
  it('shows every imported article, and unread ones look unread', async () => {
    // Tall enough that the virtualised list renders every row.
    const { page, problems } = await open({ viewport: { width: 1280, height: articles.length * 104 + 400 } });
    expect(articles.length).toBeGreaterThanOrEqual(15); // 1 shared fixture + 8 articles + 6 pages
    await expect.poll(() => rows(page).count(), POLL).toBe(articles.length);
    const names = (await rows(page).locator('.title').allTextContents()).map((t) => t.trim());
    expect(names).toEqual(articles.map((a) => a.title)); // same order as `broadsheet list`: newest first
    await expect.poll(() => rows(page).first().getAttribute('aria-setsize'), POLL).toBe(String(articles.length));

    const nav = page.getByRole('navigation', { name: 'Library' });
    await expect.poll(() => nav.getByRole('link', { name: /^All/ }).textContent(), POLL).toMatch(new RegExp(`All\\s*${articles.length}`));
    expect(await nav.getByRole('link', { name: /^All/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => nav.getByRole('link', { name: /^Unread/ }).textContent(), POLL).toMatch(new RegExp(`Unread\\s*${articles.length}`));
    await expect.poll(() => page.getByRole('heading', { name: 'Sources' }).count(), POLL).toBe(1);

    // Nothing has been opened yet: every row is unread, in bold, with the unread dot and the
    // word "Unread" for screen readers (aria-describedby).
    for (const a of articles) {
      const r = row(page, a.title);
      const look = await r.evaluate((el) => ({
        cls: el.className,
        weight: getComputedStyle(el.querySelector('.title')!).fontWeight,
        dot: Boolean(el.querySelector('.dot')),
        described: (el.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .map((id) => (el.getRootNode() as ShadowRoot).getElementById(id)?.textContent ?? '')
          .join(' '),
      }));
      expect(a.isRead).toBe(false);
      expect(look.cls).toContain('unread');
      expect(look.weight).toBe('700');
      expect(look.dot).toBe(true);
      expect(look.described).toContain('Unread');
    }

    // Reading one makes its row look read, here and in the library.
    const title = articles[2]!.title;
    await row(page, title).click();
    await articleNamed(page, title).waitFor();
    await expect.poll(() => row(page, title).getAttribute('class'), POLL).toMatch(/\bread\b/);
    expect(await row(page, title).locator('.title').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('500');
    expect(await row(page, title).locator('.dot').count()).toBe(0);
    await expect.poll(() => showArticle(db, idOf(title)).isRead, POLL).toBe(true);
    await expect.poll(() => nav.getByRole('link', { name: /^Unread/ }).textContent(), POLL).toMatch(new RegExp(`Unread\\s*${articles.length - 1}`));
    expect(await row(page, articles[3]!.title).getAttribute('class')).toMatch(/\bunread\b/);
    expect(problems.pageErrors).toEqual([]);
  });

  it('filters by Starred and Unread, and says so when a filter is empty', async () => {
    const { page } = await open();
    const nav = page.getByRole('navigation', { name: 'Library' });
    await nav.getByRole('link', { name: /^Starred/ }).click();
    await expect.poll(() => nav.getByRole('link', { name: /^Starred/ }).getAttribute('aria-current'), POLL).toBe('page');
    const starred = listLibrary(db).filter((a) => a.isStarred);
    if (starred.length === 0) await page.getByRole('status').filter({ hasText: 'No starred articles' }).waitFor();
    await nav.getByRole('link', { name: /^Unread/ }).click();
    await rows(page).first().waitFor();
    const unread = listLibrary(db).filter((a) => !a.isRead);
    expect(await rows(page).first().locator('.title').textContent()).toBe(unread[0]!.title);
  });
});

describe('the reader', () => {
  it('shows the seed article with its byline, source, three captioned placeholders in order and its headings', async () => {
    const o = await open();
    const article = await openArticle(o.page, BELARUS.title);
    expect(await article.getByRole('heading', { level: 1 }).textContent()).toBe(BELARUS.title);
    const header = article.locator('header');
    expect(await header.locator('.kicker').textContent()).toBe(BELARUS.source);
    expect((await header.locator('.byline').textContent())?.replace(/\s+/g, ' ')).toMatch(/^By Phu Binh\s*·.+·\s*\d+ min read$/);
    await article.getByText(/^Belarus has recently signed many military cooperation agreements/).waitFor();

    const figures = article.getByRole('figure');
    expect(await figures.count()).toBe(3);
    expect((await figures.locator('figcaption').allTextContents()).map((t) => t.trim())).toEqual(BELARUS.captions);
    for (const [i, caption] of BELARUS.captions.entries()) {
      const fig = figures.nth(i);
      const placeholder = fig.getByRole('img', { name: caption, exact: true });
      expect(await placeholder.count()).toBe(1);
      expect(await placeholder.isVisible()).toBe(true);
      expect(await fig.locator('img').count()).toBe(0);
      expect(await placeholder.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(40);
    }
    expect(await article.locator('img').count()).toBe(0);

    for (const h of BELARUS.headings) expect(await article.getByRole('heading', { name: h, exact: true }).count()).toBe(1);
    expect(await article.getByText('(According to DW)', { exact: true }).isVisible()).toBe(true);
    const text = (await article.textContent()) ?? '';
    expect(text).not.toContain('RELATED NEWS');
    expect(text).not.toContain('![');
    expect(text).not.toContain('---|');
    // Opening it marked it read, in the library too.
    await toolbar(o.page).getByRole('button', { name: 'Mark as unread' }).waitFor();
    await expect.poll(() => showArticle(db, idOf(BELARUS.title)).isRead, POLL).toBe(true);
    expect(o.problems.pageErrors).toEqual([]);
  });
});

describe('printing', () => {
  it('Ctrl+P prints the open article alone, all of it, in dark ink on white whatever the theme (searched words too)', async () => {
    const o = await open();
    const { page } = o;
    // Opened from a search, so its matches are marked.
    await page.getByRole('searchbox', { name: 'Search' }).fill('Minsk');
    await expect.poll(() => rows(page).first().getAttribute('class'), POLL).toContain('result');
    const article = await openArticle(page, BELARUS.title);
    await article.locator('mark.bs-hit').first().waitFor();
    // The print dialog itself is the system's: record that it was asked for.
    await page.evaluate(() => {
      window.print = () => void ((window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1);
    });
    await reader(page).click({ position: { x: 200, y: 300 } });
    await page.keyboard.press('Control+p');
    expect(await page.evaluate(() => (window as unknown as { printed?: number }).printed)).toBe(1);

    await page.evaluate(() => void (document.documentElement.dataset.theme = 'dark'));
    await page.emulateMedia({ media: 'print' });
    try {
      // Not the library, the list or the toolbar: the article, whole, the page as long as it is.
      expect(await page.getByRole('navigation', { name: 'Library' }).isVisible()).toBe(false);
      expect(await list(page).isVisible()).toBe(false);
      expect(await toolbar(page).isVisible()).toBe(false);
      expect(await article.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
      const last = article.getByText('(According to DW)', { exact: true });
      expect(await last.isVisible()).toBe(true);
      const viewport = page.viewportSize()!.height;
      expect(await last.evaluate((el) => el.getBoundingClientRect().bottom)).toBeGreaterThan(viewport);
      expect(await page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeGreaterThan(viewport);
      expect(await article.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
      expect(await article.locator('mark.bs-hit').first().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
      // And as a PDF (what "Save as PDF" writes): more than one page, so nothing was cut at the window's edge.
      const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
      expect(pdf.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(1);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(o.problems.pageErrors).toEqual([]);
  });
});

describe('links in articles', () => {
  it('look like links only when they lead somewhere (the sanitiser takes javascript: addresses away)', async () => {
    const o = await open();
    const article = await openArticle(o.page, 'Council approves new cycle lanes on Market Road');
    const look = (name: string) =>
      article.getByText(name, { exact: true }).evaluate((a) => {
        const style = getComputedStyle(a);
        return { tag: a.localName, href: a.hasAttribute('href'), sameColour: style.color === getComputedStyle(a.parentElement!).color, cursor: style.cursor };
      });
    expect(await look('the consultation')).toEqual({ tag: 'a', href: false, sameColour: true, cursor: 'auto' });
    expect(await look('A timeline of the works')).toEqual({ tag: 'a', href: true, sameColour: false, cursor: 'pointer' });
    expect(o.problems.pageErrors).toEqual([]);
  });
});

describe('right-to-left articles', () => {
  it('reads an Arabic article right to left, even when its first picture was not saved', async () => {
    const own = makeTempDir();
    const ownDb = path.join(own, 'library.sqlite');
    const title = 'مؤتمر الشباب في القاهرة';
    fs.writeFileSync(
      path.join(own, 'cairo.txt'),
      [
        title,
        '![](https://e.example/cairo.jpg) |',
        'افتتاح المؤتمر في القاهرة. الصورة: رويترز |',
        'اجتمع مئات الشباب في القاهرة يوم الثلاثاء لمناقشة مستقبل العمل والتعليم في المنطقة.',
        'وقال المنظمون إن المؤتمر سيستمر ثلاثة أيام، وإن الجلسات مفتوحة للجميع.',
      ].join('\n\n'),
    );
    importInto(ownDb, path.join(own, 'cairo.txt'));
    const ownHost = await startHost(ownDb);
    let o: Opened | undefined;
    try {
      o = await openApp(served.browser(), ownHost);
      const article = await openArticle(o.page, title);
      await article.getByText('Picture not saved').waitFor();
      // The body's direction comes from its first strong letter; the app's English note is not it.
      expect(await article.locator('.body').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
      expect(await article.getByText(/^اجتمع مئات الشباب/).evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    } finally {
      await o?.context.close();
      expect(await ownHost.stop()).toBe(0);
      removeDir(own);
    }
  });
});

describe('keyboard', () => {
  it('j/k move and open, s stars, m toggles read, ? shows the shortcuts, / searches', async () => {
    const { page, problems } = await open();
    const first = articles[0]!.title;
    const second = articles[1]!.title;
    // The list has the focus from the start, so the keys work without a click.
    await expect.poll(() => isFocused(list(page)), POLL).toBe(true);

    await page.keyboard.press('j');
    await articleNamed(page, first).waitFor();
    expect(await selectedTitle(page)).toBe(first);
    await page.keyboard.press('j');
    await articleNamed(page, second).waitFor();
    expect(await selectedTitle(page)).toBe(second);
    expect(await list(page).getAttribute('aria-activedescendant')).toBe(`row-${idOf(second)}`);
    await page.keyboard.press('k');
    await articleNamed(page, first).waitFor();
    expect(await selectedTitle(page)).toBe(first);

    const id = idOf(first);
    const before = showArticle(db, id).isStarred;
    await page.keyboard.press('s');
    await toolbar(page).getByRole('button', { name: before ? 'Star' : 'Unstar', exact: true }).waitFor();
    await expect.poll(() => showArticle(db, id).isStarred, POLL).toBe(!before);

    await expect.poll(() => showArticle(db, id).isRead, POLL).toBe(true); // opened, so read
    await page.keyboard.press('m');
    await toolbar(page).getByRole('button', { name: 'Mark as read' }).waitFor();
    await expect.poll(() => showArticle(db, id).isRead, POLL).toBe(false);
    await expect.poll(() => row(page, first).getAttribute('class'), POLL).toMatch(/\bunread\b/);
    await page.keyboard.press('m');
    await toolbar(page).getByRole('button', { name: 'Mark as unread' }).waitFor();
    await expect.poll(() => showArticle(db, id).isRead, POLL).toBe(true);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.getByText('Star or unstar').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // / focuses the search box; letters typed there are text, not shortcuts.
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: 'Search' });
    await expect.poll(() => isFocused(search), POLL).toBe(true);
    const starredNow = showArticle(db, id).isStarred;
    await page.keyboard.type('jksm?');
    expect(await search.inputValue()).toBe('jksm?');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(false);
    expect(await openTitle(page)).toBe(first);
    expect(await toolbar(page).getByRole('button', { name: starredNow ? 'Unstar' : 'Star', exact: true }).count()).toBe(1);
    await page.getByRole('status').filter({ hasText: 'No results for “jksm?”' }).waitFor();
    expect(showArticle(db, id)).toMatchObject({ isStarred: starredNow, isRead: true });

    // A real search, Enter opens the first result; Escape leaves the search.
    await search.fill('Jakovlevski');
    await list(page).getByRole('option', { name: BELARUS.title }).waitFor();
    await page.keyboard.press('Enter');
    await articleNamed(page, BELARUS.title).waitFor();
    await expect.poll(() => isFocused(list(page)), POLL).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => search.inputValue(), POLL).toBe('');
    await page.getByRole('heading', { name: 'All articles' }).waitFor();

    // Put the star back as it was.
    if (starredNow !== before) {
      await openArticle(page, first);
      await toolbar(page).getByRole('button', { name: starredNow ? 'Unstar' : 'Star', exact: true }).click();
      await expect.poll(() => showArticle(db, id).isStarred, POLL).toBe(before);
    }
    expect(problems.pageErrors).toEqual([]);
  });
});

describe('star and read state', () => {
  it('persists in the library and survives a reload', async () => {
    const { page } = await open();
    const starTitle = 'Harbour City Opens Its First Tram Line in Sixty Years';
    const unreadTitle = 'Council Approves Budget With Cuts to Road Repairs';
    const starId = idOf(starTitle);
    const unreadId = idOf(unreadTitle);

    await openArticle(page, starTitle);
    await toolbar(page).getByRole('button', { name: 'Star', exact: true }).click();
    await toolbar(page).getByRole('button', { name: 'Unstar', exact: true }).waitFor();
    await expect.poll(() => showArticle(db, starId), POLL).toMatchObject({ isStarred: true, isRead: true });

    await openArticle(page, unreadTitle);
    await expect.poll(() => showArticle(db, unreadId).isRead, POLL).toBe(true);
    await toolbar(page).getByRole('button', { name: 'Mark as unread' }).click();
    await toolbar(page).getByRole('button', { name: 'Mark as read' }).waitFor();
    await expect.poll(() => showArticle(db, unreadId), POLL).toMatchObject({ isRead: false, isStarred: false });

    await page.reload();
    await rows(page).first().waitFor();
    const starRow = await findRow(page, starTitle);
    expect(await starRow.getAttribute('class')).toMatch(/\bread\b/);
    expect(await starRow.locator('.visually-hidden').textContent()).toBe('Starred');
    const unreadRow = await findRow(page, unreadTitle);
    expect(await unreadRow.getAttribute('class')).toMatch(/\bunread\b/);
    expect(await unreadRow.locator('.visually-hidden').textContent()).toBe('Unread');

    const nav = page.getByRole('navigation', { name: 'Library' });
    await nav.getByRole('link', { name: /^Starred/ }).click();
    await expect.poll(() => rows(page).count(), POLL).toBe(1);
    expect(await rows(page).first().locator('.title').textContent()).toBe(starTitle);
    await rows(page).first().click();
    await articleNamed(page, starTitle).waitFor();
    await toolbar(page).getByRole('button', { name: 'Unstar', exact: true }).click();
    await expect.poll(() => showArticle(db, starId).isStarred, POLL).toBe(false);
  });

  it('star then unstar in quick succession leaves the article unstarred, even when the first change is slow', async () => {
    const { page } = await open();
    const title = 'Harbour City Opens Its First Tram Line in Sixty Years';
    const id = idOf(title);
    await openArticle(page, title);
    await expect.poll(() => showArticle(db, id).isRead, POLL).toBe(true); // opening marks it read
    expect(showArticle(db, id).isStarred).toBe(false);

    // The star travels slowly (as on a second connection); the unstar must not overtake it.
    const answered = await slowFirst(page, '/api/setStarred');
    await page.keyboard.press('s');
    await page.keyboard.press('s');
    await toolbar(page).getByRole('button', { name: 'Star', exact: true }).waitFor();
    await expect.poll(answered, POLL).toBe(2);
    expect(showArticle(db, id).isStarred).toBe(false);
  });
});

describe('reader settings', () => {
  it('switches themes, keeps them across a reload and in the library, and changes the text size', async () => {
    // Wide enough that the line width, not the pane, limits the column.
    const { page } = await open({ viewport: { width: 1600, height: 900 } });
    const theme = page.getByRole('combobox', { name: 'Theme' });
    const dataTheme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    // Each change is saved before the next, so that "the library holds what the page shows"
    // cannot be true of an earlier change that matches.
    await saved(page, () => theme.selectOption('light'));
    await expect.poll(dataTheme, POLL).toBe('light');
    const lightBg = await bg();
    await saved(page, () => theme.selectOption('dark'));
    await expect.poll(dataTheme, POLL).toBe('dark');
    expect(await bg()).not.toBe(lightBg);
    await saved(page, () => theme.selectOption('sepia'));
    await expect.poll(dataTheme, POLL).toBe('sepia');
    await saved(page, () => theme.selectOption('dark'));
    expect(await dataTheme()).toBe('dark');

    await page.reload();
    await rows(page).first().waitFor();
    expect(await dataTheme()).toBe('dark');
    expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');

    // A new browser profile (no local cache) gets it from the library.
    const other = await open();
    await expect.poll(() => other.page.evaluate(() => document.documentElement.dataset.theme), POLL).toBe('dark');

    // Text size: the reader's computed font size follows the buttons.
    const article = await openArticle(page, BELARUS.title);
    const size = () => article.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const start = await size();
    await saved(page, () => page.getByRole('button', { name: 'Larger text' }).click());
    await expect.poll(size, POLL).toBe(start + 1);
    await saved(page, () => page.getByRole('button', { name: 'Larger text' }).click());
    await expect.poll(size, POLL).toBe(start + 2);
    await saved(page, () => page.getByRole('button', { name: 'Smaller text' }).click());
    await expect.poll(size, POLL).toBe(start + 1);
    const h1 = article.getByRole('heading', { level: 1 });
    expect(await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeCloseTo((start + 1) * 2.05, 0);

    const width = () => article.evaluate((el) => el.getBoundingClientRect().width);
    const medium = await width();
    await saved(page, () => page.getByRole('combobox', { name: 'Line width' }).selectOption('narrow'));
    await expect.poll(width, POLL).toBeLessThan(medium);

    await page.reload();
    const again = await openArticle(page, BELARUS.title);
    expect(await again.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBe(start + 1);

    // Back to the defaults for the rest of the file.
    await saved(page, () => page.getByRole('button', { name: 'Smaller text' }).click());
    await saved(page, () => page.getByRole('combobox', { name: 'Line width' }).selectOption('medium'));
    await saved(page, () => page.getByRole('combobox', { name: 'Theme' }).selectOption('light'));
    expect(await again.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBe(start);
    expect(await dataTheme()).toBe('light');
  });

  it('keeps a choice made before the library answered, and stores quick changes in the order they were made', async () => {
    const { page } = await open();
    const theme = page.getByRole('combobox', { name: 'Theme' });
    const dataTheme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const storedTheme = () =>
      page.evaluate(async () => {
        const token = new URL(location.href).searchParams.get('token') ?? '';
        const res = await fetch('/api/getSettings', { method: 'POST', headers: { 'content-type': 'application/json', 'x-broadsheet-token': token }, body: '{}' });
        return ((await res.json()) as { result: { theme: string } }).result.theme;
      });
    expect(await storedTheme()).toBe('light');

    // The library is slow to say which settings it has on the next start…
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await page.route('**/api/getSettings', async (route) => {
      await answered;
      await route.continue();
    }, { times: 1 });
    // …and the first of two quick changes is slow to arrive, as on a second connection.
    const written = await slowFirst(page, '/api/setSettings');

    await page.reload();
    await rows(page).first().waitFor();
    await theme.selectOption('sepia');
    await theme.selectOption('dark');
    const settingsAnswer = page.waitForResponse((r) => r.url().includes('/api/getSettings'));
    answer();
    await settingsAnswer;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
    // The library's older copy did not undo the choice…
    expect(await dataTheme()).toBe('dark');
    expect(await theme.inputValue()).toBe('dark');
    // …and the library ends with the last change, not the one that arrived late.
    await expect.poll(written, POLL).toBe(2);
    expect(await storedTheme()).toBe('dark');
    await page.unroute('**/api/setSettings');

    await page.reload();
    await rows(page).first().waitFor();
    await expect.poll(dataTheme, POLL).toBe('dark');
    await saved(page, () => theme.selectOption('light')); // back to the default for the rest of the file
  });
});

describe('offline reading', () => {
  it('sends no request anywhere but the web host, even for pages whose pictures were remote', async () => {
    const o = await open();
    const { page, net } = o;
    const article = await openArticle(o.page, REMOTE_IMAGES_PAGE.title);
    const figures = article.getByRole('figure');
    expect(await figures.count()).toBe(3);
    expect((await figures.locator('figcaption').allTextContents()).map((t) => t.trim())).toEqual(REMOTE_IMAGES_PAGE.captions);
    expect(await article.locator('img').count()).toBe(0);
    for (const [i, alt] of REMOTE_IMAGES_PAGE.alts.entries()) expect(await figures.nth(i).getByRole('img', { name: alt, exact: true }).count()).toBe(1);
    await reader(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));

    for (const title of [BELARUS.title, 'How the river towns rebuilt after the spring flood', 'Council approves new cycle lanes on Market Road', 'Nông dân miền núi Nghệ An làm giàu từ cây chanh leo']) {
      await openArticle(o.page, title);
      await reader(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    }
    await page.keyboard.press('?');
    await page.keyboard.press('Escape');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));

    expect(net.requests.some((u) => u.includes('/api/getArticle'))).toBe(true); // the recorder works
    expect(net.foreign()).toEqual([]);
    expect(net.refused).toEqual([]);
    expect(net.requests.filter((u) => /northline\.example|example\.(com|org)|https:/.test(u))).toEqual([]);
  });
});

describe('screenshots for review', () => {
  it('saves the list and reader in light, dark and sepia', async () => {
    const { page } = await open({ viewport: { width: 1280, height: 800 } });
    await openArticle(page, BELARUS.title);
    const theme = page.getByRole('combobox', { name: 'Theme' });
    for (const t of ['light', 'dark', 'sepia'] as const) {
      await saved(page, () => theme.selectOption(t));
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), POLL).toBe(t);
      await page.evaluate(() => document.fonts.ready);
      const file = screenshotPath(`reader-${t}.png`);
      await page.screenshot({ path: file, type: 'png' });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    }
    await saved(page, () => theme.selectOption('light'));
  });
});
