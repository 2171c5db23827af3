/**
 * Coming back to the app, in Debian's Chromium over the real web host: the list that was shown,
 * the article that was open and how far down it the reader was, after a reload (what a restart
 * of the app does to the page). And two things of the reader found on the way there: an
 * article's language on its text, footnote markers that go to their notes and back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import {
  BELARUS,
  POLL,
  articleNamed,
  broadsheet,
  findRow,
  importInto,
  listLibrary,
  reader,
  rows,
  seededLibrary,
  selectedTitle,
  showArticle,
  useServedLibrary,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const NOTES_TITLE = 'Night ferries with footnotes';

const { db, open } = useServedLibrary((dir) => {
  const file = seededLibrary(dir);
  const notes = path.join(dir, 'notes.md');
  fs.writeFileSync(
    notes,
    [
      `# ${NOTES_TITLE}`,
      'The night ferry returns in June.',
      'Tickets go on sale on Monday[^sale].',
      ...Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} about the harbour, long enough to need scrolling past.`),
      '[^sale]: The operator said so in a statement.',
    ].join('\n\n'),
  );
  importInto(file, notes);
  return file;
});

async function openArticle(page: Page, title: string) {
  await (await findRow(page, title)).click();
  const article = articleNamed(page, title);
  await article.waitFor();
  return article;
}

/** How far down its article the reader pane is, 0–1. */
function readerPosition(page: Page): Promise<number> {
  return reader(page).evaluate((el) => el.scrollTop / Math.max(1, el.scrollHeight - el.clientHeight));
}

describe('the place in the library', () => {
  it('comes back after a reload: the same list, the same article, as far down it, and still unread if it was made so', async () => {
    const { page, problems } = await open();
    const nav = page.getByRole('navigation', { name: 'Library' });
    await nav.getByRole('link', { name: /^Unread/ }).click();
    await expect.poll(() => nav.getByRole('link', { name: /^Unread/ }).getAttribute('aria-current'), POLL).toBe('page');
    await openArticle(page, BELARUS.title);
    await reader(page).evaluate((el) => el.scrollTo({ top: (el.scrollHeight - el.clientHeight) / 2 }));
    await page.keyboard.press('m'); // read again later: back to unread
    const id = listLibrary(db()).find((a) => a.title === BELARUS.title)!.id;
    await expect.poll(() => showArticle(db(), id).isRead, POLL).toBe(false);

    await page.reload();
    await articleNamed(page, BELARUS.title).waitFor();
    expect(await nav.getByRole('link', { name: /^Unread/ }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => selectedTitle(page), POLL).toBe(BELARUS.title);
    await expect.poll(() => readerPosition(page), POLL).toBeGreaterThan(0.4);
    expect(await readerPosition(page)).toBeLessThan(0.6);
    // Coming back is not reading it again: it stays unread.
    await page.waitForTimeout(500);
    expect(showArticle(db(), id).isRead).toBe(false);
    expect(problems.pageErrors).toEqual([]);
  });

  it('keeps a search: the words in the box and the results in the list', async () => {
    const { page } = await open();
    const box = page.getByRole('searchbox');
    await box.fill('parade');
    await box.press('Enter');
    await page.getByText(/^\d+ results?$/).waitFor();
    const before = await rows(page).allTextContents();
    await page.reload();
    await expect.poll(() => box.inputValue(), POLL).toBe('parade');
    await page.getByText(/^\d+ results?$/).waitFor();
    await expect.poll(() => rows(page).allTextContents(), POLL).toEqual(before);
  });

  it('opens nothing, and says nothing, when the article it had open is gone', async () => {
    const gone = path.join(path.dirname(db()), 'gone.md');
    fs.writeFileSync(gone, '# Soon deleted\n\nThis article is deleted while the app is closed.\n');
    importInto(db(), gone);
    const { page, problems } = await open();
    await openArticle(page, 'Soon deleted');
    const id = listLibrary(db()).find((a) => a.title === 'Soon deleted')!.id;
    expect(broadsheet(db(), 'delete', String(id)).code).toBe(0); // say, by the command line
    await page.reload();
    await page.getByText('Choose an article to read.').waitFor();
    expect(await selectedTitle(page)).toBeNull();
    expect((await page.getByRole('alert').allTextContents()).map((t) => t.trim()).filter(Boolean)).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });
});

describe('the reader', () => {
  it("puts the article's language on its title, lead and text, and none on the app's own words", async () => {
    const { page } = await open();
    const vietnamese = listLibrary(db()).find((a) => a.title.startsWith('Nông dân miền núi Nghệ An'))!;
    const article = await openArticle(page, vietnamese.title);
    expect(await article.getByRole('heading', { level: 1 }).getAttribute('lang')).toBe('vi');
    expect(await article.locator('.body').getAttribute('lang')).toBe('vi');
    expect(await article.locator('.byline').getAttribute('lang')).toBeNull(); // "By …", "min read": the app's English
    const english = await openArticle(page, BELARUS.title);
    expect(await english.locator('.body').getAttribute('lang')).toBeNull(); // the app's language applies
  });

  it('follows a footnote marker to its note and back', async () => {
    const { page } = await open();
    const article = await openArticle(page, NOTES_TITLE);
    const note = article.getByRole('listitem').filter({ hasText: 'The operator said so in a statement.' });
    const inView = (loc: ReturnType<Page['locator']>) =>
      loc.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      });
    expect(await inView(note)).toBe(false);
    await article.locator('sup a').click();
    await expect.poll(() => inView(note), POLL).toBe(true);
    expect(await inView(article.locator('sup'))).toBe(false);
    await note.locator('a[title="Back to the text"]').click();
    await expect.poll(() => inView(article.locator('sup')), POLL).toBe(true);
  });
});
