/**
 * Narrow windows, and windows zoomed in (1280×800 at 150 % is 853×533 CSS pixels, at 200 % it is
 * 640×400), in Debian's Chromium over the real web host. The page never scrolls sideways, every
 * control stays whole inside the window, the library becomes a drawer below 960 px, and below
 * 720 px the list and the reader take turns. The usual sizes (1280, 1024, 960) keep three panes.
 *
 * The contexts are made here rather than with useServedLibrary's open(): a zoomed window is a
 * narrow viewport with a device scale factor, which openApp does not set.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import {
  BELARUS,
  POLL,
  REMOTE_IMAGES_PAGE,
  articleNamed,
  findRow,
  list,
  listLibrary,
  openTitle,
  reader,
  rows,
  screenshotPath,
  selectedTitle,
  toolbar,
  useServedLibrary,
  type Problems,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const { open, db } = useServedLibrary();

interface Size {
  width: number;
  height: number;
  /** The zoom it stands for (the device scale factor): 1.5 for 1280×800 at 150 %. */
  scale: number;
  name: string;
}

const AT_150 = { width: 853, height: 533, scale: 1.5, name: '853x533' }; // 1280×800 at 150 %
const NARROW = { width: 800, height: 600, scale: 1, name: '800x600' };
const AT_200 = { width: 640, height: 400, scale: 2, name: '640x400' }; // 1280×800 at 200 %
/** 1280 px wide at 400 %: the width WCAG's reflow criterion asks to work in. */
const AT_400 = { width: 320, height: 480, scale: 4, name: '320x480' };

/** The app in a fresh context of that size, its list loaded. */
async function openAt(size: Size): Promise<{ page: Page; problems: Problems }> {
  const { page, problems, net } = await open({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: size.scale });
  await page.evaluate(() => document.fonts.ready);
  expect(net.foreign()).toEqual([]);
  return { page, problems };
}

/** The element with focus, through shadow roots: tag and name, or 'body'. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${el.localName}[${name}]`;
  });
}

/**
 * Where the focused element is, whole or not, and how far anything that could carry the page
 * sideways has scrolled (the window, <html>, <body>, the app and its panes).
 */
function focusState(page: Page) {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const app = document.querySelector('bs-app')!;
    const scrolled = [
      window.scrollX,
      document.documentElement.scrollLeft,
      document.body.scrollLeft,
      app.scrollLeft,
      ...[...app.shadowRoot!.querySelectorAll('.layout, .layout > *')].map((e) => e.scrollLeft),
    ];
    const r = el && el !== document.body ? el.getBoundingClientRect() : null;
    const name = el ? `${el.localName}[${el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 30)}]` : 'none';
    return {
      name,
      sideways: Math.max(...scrolled.map(Math.abs)),
      box: r ? { left: r.left, right: r.right, width: r.width } : null,
      viewport: window.innerWidth,
    };
  });
}

/**
 * Tabs through every control from where focus is until it comes back round (or `max` presses):
 * after each, the page must not have moved sideways and the focused control must be whole in the
 * window (both are checked at the end, so a failure names every control at fault). Returns the
 * names of what was reached.
 */
async function tabThroughEverything(page: Page, max = 120): Promise<string[]> {
  const seen: string[] = [];
  const scrolled: string[] = [];
  const outside: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const s = await focusState(page);
    if (s.sideways !== 0) scrolled.push(`${s.name} (${s.sideways} px)`);
    if (s.box && s.box.width > 0 && (s.box.left < -0.5 || s.box.right > s.viewport + 0.5)) outside.push(`${s.name} (${Math.round(s.box.left)}–${Math.round(s.box.right)})`);
    if (seen.length > 3 && s.name === seen[0]) break;
    seen.push(s.name);
  }
  expect({ 'the page scrolled sideways at': scrolled, 'not whole in the window': outside }).toEqual({
    'the page scrolled sideways at': [],
    'not whole in the window': [],
  });
  return seen;
}

/**
 * Every control of the reader's toolbar that is shown: whole (wide enough for its icon, nothing
 * in it cut off), inside the toolbar and the window, and none over another.
 */
async function expectWholeControls(page: Page, controls: Array<[string, Locator]>, within: Locator, width: number): Promise<void> {
  const area = (await within.boundingBox())!;
  const boxes: Array<[string, { x: number; y: number; width: number; height: number }]> = [];
  for (const [name, control] of controls) {
    const box = (await control.boundingBox())!;
    expect(box, `${name} is shown`).not.toBeNull();
    expect(box.x, `${name} starts inside its bar`).toBeGreaterThanOrEqual(area.x - 0.5);
    expect(box.x + box.width, `${name} ends inside its bar`).toBeLessThanOrEqual(area.x + area.width + 0.5);
    expect(box.y + box.height, `${name} is inside its bar`).toBeLessThanOrEqual(area.y + area.height + 0.5);
    expect(box.x + box.width, `${name} ends inside the window`).toBeLessThanOrEqual(width + 0.5);
    expect(box.width, `${name} is wide enough for its icon`).toBeGreaterThanOrEqual(28);
    expect(await control.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${name} is not clipped`).toBe(true);
    for (const [other, b] of boxes) {
      const apart = box.x >= b.x + b.width - 0.5 || b.x >= box.x + box.width - 0.5 || box.y >= b.y + b.height - 0.5 || b.y >= box.y + box.height - 0.5;
      expect(apart, `${name} is not over ${other}`).toBe(true);
    }
    boxes.push([name, box]);
  }
}

const sidebarNav = (page: Page) => page.getByRole('navigation', { name: 'Library' });
const libraryButton = (page: Page) => page.getByRole('button', { name: 'Library', exact: true });
const backButton = (page: Page) => page.getByRole('button', { name: 'Back to the list' });
const listHeading = (page: Page) => page.getByRole('region', { name: 'Article list' }).getByRole('heading', { level: 2 });
const inReader = (page: Page) => reader(page).evaluate((el) => el.matches(':focus-within'));
const listFocused = (page: Page) => list(page).evaluate((el) => el.matches(':focus'));
const inSidebar = (page: Page) => page.locator('bs-sidebar').evaluate((el) => el.matches(':focus-within'));

/** Opens an article as a person does: a click on its row. */
async function openArticle(page: Page, title: string): Promise<Locator> {
  await (await findRow(page, title)).click();
  const article = articleNamed(page, title);
  await article.waitFor();
  return article;
}

describe('a narrow or zoomed window', () => {
  for (const size of [AT_150, NARROW, AT_200, AT_400]) {
    it(`never scrolls sideways at ${size.width}×${size.height}: Tab reaches every control, each whole in the window`, async () => {
      const { page, problems } = await openAt(size);
      await openArticle(page, REMOTE_IMAGES_PAGE.title);
      await toolbar(page).getByRole('button', { name: 'Open original' }).waitFor();

      // One pane at a time, the list is hidden a tenth of a second after the reader covers it (so
      // that focus can move first): until then its controls are still in the Tab order.
      await expect
        .poll(() => page.locator('.list-pane').evaluate((el) => !el.closest('.single') || getComputedStyle(el).visibility === 'hidden'), POLL)
        .toBe(true);
      const reached = await tabThroughEverything(page);
      expect(reached.some((n) => /Open original/.test(n)), `Tab reached the toolbar: ${reached.join(', ')}`).toBe(true);
      // Every control of the reading options too (in a panel, or in the toolbar).
      const options = page.getByRole('button', { name: 'Reading options' });
      if (await options.count()) {
        await options.click();
        await page.getByRole('combobox', { name: 'Line width' }).waitFor();
      }
      await page.getByRole('combobox', { name: 'Theme' }).focus();
      const inOptions = await tabThroughEverything(page, 8);
      expect(inOptions.join(', ')).toMatch(/Line width/);
      // One pane at a time: the list's controls too.
      if (await backButton(page).count()) {
        await page.keyboard.press('Escape'); // the options panel
        await backButton(page).click();
        await expect.poll(() => listFocused(page), POLL).toBe(true);
        const inList = await tabThroughEverything(page);
        expect(inList.join(', ')).toMatch(/Library.*Search|Search.*Library/);
      }
      expect((await focusState(page)).sideways).toBe(0);
      expect(problems.pageErrors).toEqual([]);
    });

    it(`shows every reader control whole inside the window at ${size.width}×${size.height}, and a sensible column to read`, async () => {
      const { page, problems } = await openAt(size);
      const article = await openArticle(page, REMOTE_IMAGES_PAGE.title);
      const bar = toolbar(page);
      await bar.getByRole('button', { name: 'Open original' }).waitFor();
      await page.screenshot({ path: screenshotPath(`narrow-reader-${size.name}.png`) });

      const button = (name: string) => bar.getByRole('button', { name, exact: true });
      const controls: Array<[string, Locator]> = [
        ['Star', button('Star')],
        ['Mark as read', bar.getByRole('button', { name: /^Mark as (un)?read$/ })],
        ['Open original', button('Open original')],
        ['Delete', button('Delete')],
      ];
      if (await backButton(page).count()) controls.push(['Back to the list', backButton(page)]);
      controls.push(['Reading options', page.getByRole('button', { name: 'Reading options' })]);
      await expectWholeControls(page, controls, bar, size.width);

      // The reading options a click away, every one whole in the window.
      await page.getByRole('button', { name: 'Reading options' }).click();
      const panel = page.getByRole('group', { name: 'Reading options' });
      await panel.waitFor();
      await page.screenshot({ path: screenshotPath(`narrow-options-${size.name}.png`) });
      for (const control of [
        panel.getByRole('combobox', { name: 'Theme' }),
        panel.getByRole('button', { name: /Smaller text$/ }),
        panel.getByRole('button', { name: /Larger text$/ }),
        panel.getByRole('combobox', { name: 'Line width' }),
        panel.getByRole('button', { name: 'Keyboard shortcuts' }),
      ]) {
        const box = (await control.boundingBox())!;
        expect(box, String(control)).not.toBeNull();
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        expect(box.y + box.height).toBeLessThanOrEqual(size.height);
      }
      // A choice there works, and Escape closes the panel only (focus back on its button).
      const measure = () => page.locator('bs-reader').evaluate((el) => el.style.getPropertyValue('--bs-reader-measure'));
      await panel.getByRole('combobox', { name: 'Line width' }).selectOption('narrow');
      await expect.poll(measure, POLL).toBe('34em');
      await page.keyboard.press('Escape');
      await expect.poll(() => panel.isVisible(), POLL).toBe(false);
      await expect.poll(() => focused(page), POLL).toBe('button[Reading options]');
      expect(await articleNamed(page, REMOTE_IMAGES_PAGE.title).isVisible(), 'Escape did not leave the article').toBe(true);

      // The shortcuts from the panel; closing them, focus is back on the panel's button.
      await page.getByRole('button', { name: 'Reading options' }).click();
      await panel.getByRole('button', { name: 'Keyboard shortcuts' }).click();
      const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await shortcuts.waitFor();
      expect(await panel.isVisible()).toBe(false);
      await page.keyboard.press('Escape');
      await expect.poll(() => shortcuts.isVisible(), POLL).toBe(false);
      await expect.poll(() => focused(page), POLL).toBe('button[Reading options]');
      expect(await articleNamed(page, REMOTE_IMAGES_PAGE.title).isVisible()).toBe(true);

      // The column of text: not a ribbon of a few words (at least about 40 characters of 18 px
      // text). Not at 320 px, narrower than that: there the reader's own margins decide.
      await page.getByRole('button', { name: 'Reading options' }).click();
      await panel.getByRole('combobox', { name: 'Line width' }).selectOption('medium');
      await page.keyboard.press('Escape');
      const column = await article.locator('.body p').first().evaluate((p) => p.getBoundingClientRect().width);
      if (size.width >= 640) expect(column).toBeGreaterThanOrEqual(340);
      if (size.width < 640) expect(column).toBeGreaterThanOrEqual(size.width - 48); // the margins shrink, not the words
      const box = (await article.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(size.width + 0.5);
      expect(problems.pageErrors).toEqual([]);
    });
  }
});

describe('the library drawer (below 960 px)', () => {
  it('opens from its button with focus on the current view, and closes on Escape, a choice, or a click outside', async () => {
    const { page, problems } = await openAt(AT_150);
    await openArticle(page, BELARUS.title);

    // Closed: the library is not on screen, its button is, and says so.
    expect(await sidebarNav(page).isVisible()).toBe(false);
    const button = libraryButton(page);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    const box = (await button.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.width).toBeGreaterThanOrEqual(28);

    // Open: focus on the current entry; the list and reader behind it cannot be reached.
    await button.click();
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => focused(page), POLL).toMatch(/^a\[All/);
    const nav = (await sidebarNav(page).boundingBox())!;
    expect(nav.x).toBeGreaterThanOrEqual(0);
    expect(nav.x + nav.width).toBeLessThanOrEqual(AT_150.width);
    await page.screenshot({ path: screenshotPath('narrow-drawer-853x533.png') });
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const where = await focused(page);
      expect(await list(page).evaluate((el) => el.matches(':focus-within')), `Tab ${i + 1} left the drawer for the list`).toBe(false);
      expect(await inReader(page), `Tab ${i + 1} left the drawer for the reader (${where})`).toBe(false);
      const s = await focusState(page);
      expect(s.sideways).toBe(0);
      if (s.box) expect(s.box.right, `${s.name} ends inside the window`).toBeLessThanOrEqual(AT_150.width);
    }

    // Escape: closed, focus back on the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => focused(page), POLL).toBe('button[Library]');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await openTitle(page), 'Escape only closed the drawer').toBe(BELARUS.title);

    // A choice: the drawer closes and the list shows it, with focus.
    await button.click();
    await sidebarNav(page).getByRole('link', { name: /^Unread/ }).click();
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('Unread');
    await expect.poll(() => listFocused(page), POLL).toBe(true);

    // A click outside it: closed, and the click does not reach what is under it.
    await button.click();
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(true);
    const before = await selectedTitle(page);
    await page.mouse.click(AT_150.width - 120, AT_150.height / 2);
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => focused(page), POLL).toBe('button[Library]');
    expect(await selectedTitle(page)).toBe(before);

    // The close button in the drawer.
    await button.click();
    await page.getByRole('button', { name: 'Close the library' }).click();
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => focused(page), POLL).toBe('button[Library]');
    expect(problems.pageErrors).toEqual([]);
  });

  it('leaves the view keys working: 1, 2, 3 with the drawer closed, and from inside it (which closes it)', async () => {
    const { page, problems } = await openAt(NARROW);
    await list(page).focus();
    await page.keyboard.press('3');
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('Starred');
    await page.keyboard.press('1');
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('All articles');

    await libraryButton(page).click();
    await expect.poll(() => inSidebar(page), POLL).toBe(true);
    await page.keyboard.press('2');
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('Unread');
    await expect.poll(() => listFocused(page), POLL).toBe(true);

    // j from inside the drawer: it closes, and the list moves on.
    await libraryButton(page).click();
    await expect.poll(() => inSidebar(page), POLL).toBe(true);
    await page.keyboard.press('j');
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);
    await expect.poll(() => selectedTitle(page), POLL).not.toBeNull();
    await expect.poll(() => listFocused(page), POLL).toBe(true);
    expect(problems.pageErrors).toEqual([]);
  });
});

describe('one pane at a time (below 720 px)', () => {
  it('shows the list across the window, the article across it when opened, Back and Escape return, j and k go on from the reader', async () => {
    const { page, problems } = await openAt(AT_200);
    const titles = (await rows(page).allTextContents()).length;
    expect(titles).toBeGreaterThan(2);

    // The list, all of it: no reader beside it.
    const listBox = (await list(page).boundingBox())!;
    expect(listBox.x).toBeLessThanOrEqual(1);
    expect(listBox.width).toBeGreaterThanOrEqual(AT_200.width - 2);
    expect(await backButton(page).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('narrow-list-640x400.png') });

    // Opening an article: the reader takes the window, with focus, and a way back.
    const article = await openArticle(page, BELARUS.title);
    await expect.poll(() => list(page).isVisible(), POLL).toBe(false);
    const region = (await reader(page).boundingBox())!;
    expect(region.x).toBeLessThanOrEqual(1);
    expect(region.width).toBeGreaterThanOrEqual(AT_200.width - 2);
    await expect.poll(() => inReader(page), POLL).toBe(true);
    const back = backButton(page);
    expect(await back.isVisible()).toBe(true);
    const backBox = (await back.boundingBox())!;
    expect(backBox.x + backBox.width).toBeLessThanOrEqual(AT_200.width);
    expect(await back.textContent()).toMatch(/Back/);
    await page.screenshot({ path: screenshotPath('narrow-reader-article-640x400.png') });

    // Reading it: Space scrolls.
    await page.keyboard.press('Space');
    await expect.poll(() => reader(page).evaluate((el) => el.scrollTop), POLL).toBeGreaterThan(100);
    expect(await article.isVisible()).toBe(true);

    // j and k from the reader: the next and previous articles, still in the reader.
    await page.keyboard.press('j');
    await expect.poll(() => openTitle(page), POLL).not.toBe(BELARUS.title);
    expect(await list(page).isVisible(), 'j stays in the reader').toBe(false);
    await expect.poll(() => inReader(page), POLL).toBe(true);
    await page.keyboard.press('k');
    await expect.poll(() => openTitle(page), POLL).toBe(BELARUS.title);
    await expect.poll(() => list(page).isVisible(), POLL).toBe(false);

    // Back: the list again, on the article just read, with focus.
    await back.click();
    await expect.poll(() => list(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(false);
    expect(await selectedTitle(page)).toBe(BELARUS.title);
    await expect.poll(() => listFocused(page), POLL).toBe(true);

    // Enter opens the selected article; Escape goes back.
    await page.keyboard.press('Enter');
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => inReader(page), POLL).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => list(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => listFocused(page), POLL).toBe(true);

    // In the list, j moves the selection and the list stays in front.
    await page.keyboard.press('j');
    await expect.poll(() => selectedTitle(page), POLL).not.toBe(BELARUS.title);
    await expect.poll(() => list(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(false);

    // The view keys from the reader show the list they choose.
    await page.keyboard.press('Enter');
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(true);
    await page.keyboard.press('2');
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('Unread');
    await expect.poll(() => list(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => listFocused(page), POLL).toBe(true);
    expect((await focusState(page)).sideways).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('marks an article read when it is shown, not when j passes it in the list', async () => {
    const { page, problems } = await openAt(AT_200);
    const readNow = () => new Map(listLibrary(db()).map((a) => [a.title, a.isRead]));
    await list(page).focus();
    await page.keyboard.press('2'); // Unread: every row is an unread article
    await expect.poll(() => listHeading(page).textContent(), POLL).toBe('Unread');
    await expect.poll(() => rows(page).count(), POLL).toBeGreaterThan(2);

    // Moving through the list with the article hidden behind it: nothing is read yet.
    const passed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await selectedTitle(page);
      await page.keyboard.press('j');
      await expect.poll(() => selectedTitle(page), POLL).not.toBe(before);
      passed.push((await selectedTitle(page))!);
    }
    expect(await reader(page).isVisible()).toBe(false);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const afterMoving = readNow();
    expect(passed.map((t) => afterMoving.get(t))).toEqual([false, false, false]);

    // Shown: now it is read; the ones passed on the way are not.
    await page.keyboard.press('Enter');
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => readNow().get(passed[2]!), POLL).toBe(true);
    expect(passed.slice(0, 2).map((t) => readNow().get(t))).toEqual([false, false]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('opens the library drawer from the list and comes back to the reader after a reload', async () => {
    const { page, problems } = await openAt(AT_200);
    await libraryButton(page).click();
    await expect.poll(() => inSidebar(page), POLL).toBe(true);
    const nav = (await sidebarNav(page).boundingBox())!;
    expect(nav.x + nav.width).toBeLessThanOrEqual(AT_200.width);
    await page.screenshot({ path: screenshotPath('narrow-drawer-640x400.png') });
    await sidebarNav(page).getByRole('link', { name: /^All/ }).click();
    await expect.poll(() => sidebarNav(page).isVisible(), POLL).toBe(false);

    await openArticle(page, BELARUS.title);
    await page.reload();
    await articleNamed(page, BELARUS.title).waitFor();
    await expect.poll(() => reader(page).isVisible(), POLL).toBe(true);
    await expect.poll(() => list(page).isVisible(), POLL).toBe(false);
    expect(await backButton(page).isVisible()).toBe(true);
    await backButton(page).click();
    await expect.poll(() => selectedTitle(page), POLL).toBe(BELARUS.title);
    expect(problems.pageErrors).toEqual([]);
  });
});

describe('the usual window sizes', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1024, height: 768 },
    { width: 960, height: 700 },
  ]) {
    it(`keep the three panes at ${viewport.width}×${viewport.height}: sidebar, list and reader side by side, the reading options in the toolbar`, async () => {
      const { page, problems } = await openAt({ ...viewport, scale: 1, name: `${viewport.width}` });
      await openArticle(page, BELARUS.title);
      const nav = (await sidebarNav(page).boundingBox())!;
      const listBox = (await list(page).boundingBox())!;
      const readerBox = (await reader(page).boundingBox())!;
      expect(nav.x).toBeLessThan(listBox.x);
      expect(listBox.x + listBox.width).toBeLessThanOrEqual(readerBox.x + 1);
      expect(readerBox.x + readerBox.width).toBeLessThanOrEqual(viewport.width + 0.5);
      expect(await libraryButton(page).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Reading options' }).count()).toBe(0);
      // The reading options and help in the toolbar, not in a panel (the bar holds them: toolbar test).
      const bar = (await toolbar(page).boundingBox())!;
      for (const control of [page.getByRole('combobox', { name: 'Line width' }), page.getByRole('button', { name: 'Keyboard shortcuts' })]) {
        const box = (await control.boundingBox())!;
        expect(box.y).toBeGreaterThanOrEqual(bar.y);
        expect(box.y + box.height).toBeLessThanOrEqual(bar.y + bar.height);
      }
      expect(problems.pageErrors).toEqual([]);
    });
  }
});
