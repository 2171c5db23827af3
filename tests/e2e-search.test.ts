/**
 * Search end to end, as a person uses it: the real web host (`broadsheet web`) over a library
 * seeded through the real command line (the shared fixture, tests/fixtures/articles and pages, a
 * few articles written here to share words with it, and a pile of notices for paging), driven in
 * Debian's Chromium. Typing searches as you go, results carry marked snippets and say where they
 * matched, an opened result has its matches marked in the reader, Escape goes back, searches
 * can be saved, related articles sit under each article, and nothing a person types breaks it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_FIXTURES,
  BELARUS,
  PAGE_FIXTURES,
  SHARED_FIXTURE,
  articleNamed,
  broadsheet,
  findRow,
  importInto,
  isFocused,
  list,
  listLibrary,
  openApp,
  openTitle,
  reader,
  rows,
  screenshotPath,
  selectedTitle,
  showArticle,
  type ListedArticle,
  type Opened,
  useServedLibrary,
} from './e2e-helpers.js';

/** Written for this file: they share Belarus's distinctive words, so they are its related articles. */
const CRAFTED: Record<string, string> = {
  'lukashenko-special-forces.txt': `Lukashenko Orders Talks With the Kremlin on a Special Forces Pact
(Minsk Monitor) - Belarusian President Alexander Lukashenko has told the State Security Committee to open talks with Moscow on letting the special forces of both countries operate on each other's territory.
The decree, published this week in Minsk, says the agreement would cover counter-terrorism operations only. Critics in the Belarusian opposition call it a step towards handing the country's security to the Kremlin.
Belarusian officials insist that the pact does not change the country's military cooperation with NATO neighbours. Minsk signed cooperation documents with Latvia and Lithuania last year.
Analysts in Vilnius say the Kremlin will read the decree as a sign that Minsk still looks east first, whatever it signs with NATO members.
`,
  'baltic-border-patrols.txt': `Latvia and Lithuania Step Up Border Patrols Along Belarus
(Baltic Ledger) - Latvia and Lithuania will add patrols along their border with Belarus, the two NATO members said on Monday, after Minsk announced new military exercises with Russia.
The Belarusian defence ministry said the exercises were routine. Lithuanian officials said the patrols were a precaution and did not change their military cooperation agreements with Minsk.
Poland, which also borders Belarus, said it was following the exercises closely. NATO said it was in contact with all three members.
The Kremlin did not comment. Russian troops have trained in Belarus every year since the countries formed a military alliance.
`,
  // Words no other article uses: it has no related articles.
  'zorbling-quibblers.txt': `Zorbling Quibblers Convene at Plimsworth Grange
(Vexhollow Gazette) - Eleven zorbling quibblers convened at Plimsworth Grange, swapping frumious wibbleboards and snarkwood gimbles.
Ottoline Brisket, the quibblers' bursar, declared the zorbling dues unaltered; marimbists from Dunwich yodelled.
`,
};

/** Enough notices sharing one rare word for a search to need more than one page (50). */
const NOTICES = 64;
const NOTICE_WORD = 'quillwort';

const RELATED_TO_BELARUS = ['Lukashenko Orders Talks With the Kremlin on a Special Forces Pact', 'Latvia and Lithuania Step Up Border Patrols Along Belarus'];
const RICE = 'Nghệ An Farmers Bring In Record Summer Rice Harvest';
const LONELY = 'Zorbling Quibblers Convene at Plimsworth Grange';

let db: string;
let articles: ListedArticle[];

const served = useServedLibrary((dir) => {
  db = path.join(dir, 'library.sqlite');
  const crafted = path.join(dir, 'crafted');
  const notices = path.join(dir, 'notices');
  fs.mkdirSync(crafted);
  fs.mkdirSync(notices);
  for (const [name, text] of Object.entries(CRAFTED)) fs.writeFileSync(path.join(crafted, name), text);
  for (let i = 1; i <= NOTICES; i++) {
    fs.writeFileSync(
      path.join(notices, `notice-${String(i).padStart(2, '0')}.txt`),
      `Parish Notice Number ${i}\n(Parish Pump) - Notice ${i} of the season: the ${NOTICE_WORD} beds by the pond are closed for weeding on day ${i}.\nVolunteers with gloves are welcome; tea is served afterwards in the vestry.\n`,
    );
  }
  // Notices first, so that the articles the tests read are the newest (at the top of the list).
  importInto(db, notices);
  importInto(db, SHARED_FIXTURE, ARTICLE_FIXTURES, PAGE_FIXTURES, crafted);
  articles = listLibrary(db);
  return db;
});

async function open(opts: Parameters<typeof openApp>[2] = {}): Promise<Opened> {
  const started = Date.now();
  const o = await served.open({ ...opts, waitFor: 'none' });
  // Fail a wait with its locator well before the test's own time limit.
  o.context.setDefaultTimeout(8_000);
  await rows(o.page)
    .first()
    .waitFor()
    .catch((err: unknown) => {
      throw new Error(
        `the list did not appear (${Date.now() - started} ms): errors ${JSON.stringify(o.problems)}; requests ${JSON.stringify(o.net.requests.slice(-8))}; host: ${served.host().stderr()}`,
        { cause: err },
      );
    });
  return o;
}

const idOf = (title: string): number => {
  const a = articles.find((x) => x.title === title);
  if (!a) throw new Error(`no article "${title}" in the library`);
  return a.id;
};

const searchBox = (page: Page): Locator => page.getByRole('searchbox', { name: 'Search' });
const option = (page: Page, title: string): Locator => list(page).getByRole('option', { name: title, exact: true });
const sidebar = (page: Page): Locator => page.getByRole('navigation', { name: 'Library' });
const related = (page: Page): Locator => page.getByRole('navigation', { name: 'Related articles' });
const hits = (page: Page): Locator => reader(page).locator('mark.bs-hit');
/** The results header's live count ("37 results"). */
const total = (page: Page): Locator => page.locator('bs-app').locator('.list-heading [role="status"]');

/** The text of every alert on the page (the one-line notice, a list error): should be empty. */
async function alerts(page: Page): Promise<string> {
  return (await page.getByRole('alert').allTextContents()).join(' ').trim();
}

/** Focuses the search box with "/" and types, key by key, as a person does. */
async function typeSearch(page: Page, text: string): Promise<void> {
  await list(page).focus();
  await page.keyboard.press('/');
  await expect.poll(() => isFocused(searchBox(page))).toBe(true);
  await page.keyboard.type(text, { delay: 25 });
}

/** Types a query and waits for the search the page sends for it (after the pause). */
async function searchFor(page: Page, text: string, sent = text): Promise<void> {
  const seen: string[] = [];
  const answered = page.waitForResponse(
    (r) => {
      if (!r.url().endsWith('/api/search')) return false;
      const query = (JSON.parse(r.request().postData() ?? '{}') as { query?: string }).query ?? '';
      seen.push(query);
      return query === sent;
    },
    { timeout: 10_000 },
  );
  await typeSearch(page, text);
  await answered.catch(async (err: unknown) => {
    throw new Error(`no search for ${JSON.stringify(sent)}; the box holds ${JSON.stringify(await searchBox(page).inputValue())}, searches answered: ${JSON.stringify(seen)}`, { cause: err });
  });
}

/** Is the element's box inside the reader's visible area? */
async function inReaderView(page: Page, el: Locator): Promise<boolean> {
  const view = (await reader(page).boundingBox())!;
  const box = (await el.boundingBox())!;
  return box.y >= view.y && box.y + box.height <= view.y + view.height && box.height > 0;
}

/** One call to the web host's API from the page (same origin, its cookie). */
function api<T>(page: Page, channel: string, req: unknown): Promise<T> {
  return page.evaluate(
    async ([c, r]) => {
      const res = await fetch(`/api/${c}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r) });
      const body = (await res.json()) as { ok: boolean; result: unknown; error?: string };
      if (!body.ok) throw new Error(body.error);
      return body.result;
    },
    [channel, req] as const,
  ) as Promise<T>;
}

describe('searching as you type', () => {
  it('finds the Belarus article from part of a name, with the match marked in its snippet', async () => {
    const { page, problems } = await open();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/search')) sent.push(JSON.parse(r.postData() ?? '{}').query);
    });
    // "jakovlev" is not a word of the article ("Jakovlevski" is): only the live prefix finds it.
    await searchFor(page, 'jakovlev', 'jakovlev*');
    const result = option(page, BELARUS.title);
    await result.waitFor();
    expect(await rows(page).count()).toBe(1);
    const marks = result.locator('.snippet mark');
    expect((await marks.allTextContents()).map((t) => t.toLowerCase())).toContain('jakovlevski');
    expect(await result.locator('.meta').textContent()).toContain(BELARUS.source);
    expect(await result.locator('.where').count()).toBe(0); // matched in the body: nothing to say
    await expect.poll(() => total(page).textContent()).toBe('1 result');
    await page.getByRole('heading', { name: 'Search', level: 2 }).waitFor();
    // Debounced: one request for the whole word, not one per key.
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(sent.at(-1)).toBe('jakovlev*');
    // The snippet holds only text and <mark>.
    expect(await result.locator('.snippet *:not(mark)').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  it('says "in a caption" for a word found only in a caption, and marks it in the caption when opened', async () => {
    const { page } = await open();
    await searchFor(page, 'parade', 'parade*');
    const result = option(page, BELARUS.title);
    await result.waitFor();
    expect(await result.locator('.where').textContent()).toBe('in a caption');
    expect(await result.locator('.snippet mark').first().textContent()).toBe('parade');

    await result.click();
    const article = articleNamed(page, BELARUS.title);
    await article.waitFor();
    const caption = article.locator('figcaption').filter({ hasText: 'military parade' });
    await caption.locator('mark.bs-hit').waitFor();
    expect(await caption.locator('mark.bs-hit').textContent()).toBe('parade');
    expect(await hits(page).count()).toBe(1);
    await expect.poll(() => inReaderView(page, hits(page).first())).toBe(true);

    // The field form says the same, for a word that is elsewhere too (attributions).
    await searchBox(page).fill('');
    await searchFor(page, 'caption:reuters', 'caption:reuters*');
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await option(page, BELARUS.title).locator('.where').textContent()).toBe('in a caption');
  });

  it('pages through many results as the list scrolls, with the total in the header', async () => {
    const { page } = await open();
    const pages: Array<{ after?: unknown }> = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/search')) pages.push(JSON.parse(r.postData() ?? '{}'));
    });
    await searchFor(page, NOTICE_WORD, `${NOTICE_WORD}*`);
    await expect.poll(() => total(page).textContent()).toBe(`${NOTICES} results`);
    expect(await rows(page).first().getAttribute('aria-setsize')).toBe(String(NOTICES));
    // Scroll to the end of what is loaded until every notice is there.
    const titles = new Set<string>();
    for (let i = 0; i < 60 && titles.size < NOTICES; i++) {
      for (const t of await rows(page).locator('.title').allTextContents()) titles.add(t.trim());
      await list(page).evaluate((el) => el.scrollBy({ top: el.clientHeight }));
      await page.waitForTimeout(50);
    }
    expect(titles.size).toBe(NOTICES);
    expect(pages.some((p) => p.after)).toBe(true);
  });

  it('says so when only the most recent matches were ranked', async () => {
    const { page } = await open();
    // The library ranks at most a few thousand matches; pretend this search found more.
    await page.route('**/api/search', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { ok: boolean; result: { rankedSubset: boolean; total: number } };
      body.result.rankedSubset = true;
      body.result.total = 12_345;
      await route.fulfill({ response: res, json: body });
    });
    await searchFor(page, 'council', 'council*');
    await expect.poll(() => total(page).textContent()).toBe(`${(12_345).toLocaleString()} results`);
    await page.getByText('ranking covers the most recently saved ones').waitFor();
  });
});

describe('opening a result', () => {
  it('marks every match in the reader and scrolls to the first', async () => {
    const { page } = await open();
    await searchFor(page, 'jakovlev', 'jakovlev*');
    await option(page, BELARUS.title).waitFor();
    await page.keyboard.press('Enter');
    await articleNamed(page, BELARUS.title).waitFor();
    await hits(page).first().waitFor();
    const words = await hits(page).allTextContents();
    expect(words.length).toBe(3); // "Jakovlevski" three times in the body
    expect(new Set(words)).toEqual(new Set(['Jakovlevski']));
    // Far enough down that the pane had to scroll to show it.
    await expect.poll(() => inReaderView(page, hits(page).first())).toBe(true);
    expect(await reader(page).evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    // The article's text is unchanged by the marks.
    expect(await articleNamed(page, BELARUS.title).getByText(/^Belarusian political scientist Roman Jakovlevski said/).count()).toBe(1);
  });

  it('matches without accents: "nghe an" finds and marks "Nghệ An" in the title, the lead and the body', async () => {
    const { page } = await open();
    await searchFor(page, 'nghe an');
    const result = option(page, RICE);
    await result.waitFor();
    expect(await result.locator('.title mark').allTextContents()).toEqual(['Nghệ', 'An']);
    expect(await result.locator('.snippet mark').allTextContents()).toContain('Nghệ');
    await result.click();
    const article = articleNamed(page, RICE);
    await article.waitFor();
    await expect.poll(() => article.locator('h1 mark.bs-hit').allTextContents()).toEqual(['Nghệ', 'An']);
    expect(await article.locator('.lead mark.bs-hit').allTextContents()).toEqual(['Nghệ', 'An']);
    expect(await article.getByRole('heading', { level: 1 }).textContent()).toBe(RICE);
    await expect.poll(() => inReaderView(page, hits(page).first())).toBe(true);
  });

  it('moves through results with the arrow keys and j/k, and Enter opens', async () => {
    const { page } = await open();
    await searchFor(page, 'belarus', 'belarus*');
    await expect.poll(() => rows(page).count()).toBe(3);
    const order = (await rows(page).locator('.title').allTextContents()).map((t) => t.trim());
    expect(order).toEqual(expect.arrayContaining([BELARUS.title, ...RELATED_TO_BELARUS]));

    await page.keyboard.press('ArrowDown'); // from the box into the results
    await articleNamed(page, order[0]!).waitFor();
    await expect.poll(() => isFocused(list(page))).toBe(true);
    await page.keyboard.press('j');
    await articleNamed(page, order[1]!).waitFor();
    expect(await selectedTitle(page)).toBe(order[1]);
    await page.keyboard.press('ArrowDown');
    await articleNamed(page, order[2]!).waitFor();
    await page.keyboard.press('k');
    await articleNamed(page, order[1]!).waitFor();
    await page.keyboard.press('ArrowUp');
    await articleNamed(page, order[0]!).waitFor();
    await page.keyboard.press('Enter');
    expect(await openTitle(page)).toBe(order[0]);
    await hits(page).first().waitFor();
  });
});

describe('leaving the search', () => {
  it('Escape in the box goes back to the list with its selection, and the marks go', async () => {
    const { page } = await open();
    const before = 'Harbour City Opens Its First Tram Line in Sixty Years';
    await (await findRow(page, before)).click();
    await articleNamed(page, before).waitFor();

    await searchFor(page, 'jakovlev', 'jakovlev*');
    await option(page, BELARUS.title).click();
    await hits(page).first().waitFor();

    await searchBox(page).focus();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'All articles' }).waitFor();
    expect(await searchBox(page).inputValue()).toBe('');
    await articleNamed(page, before).waitFor();
    await expect.poll(() => selectedTitle(page)).toBe(before);
    await expect.poll(() => isFocused(list(page))).toBe(true);
    expect(await hits(page).count()).toBe(0);
    expect(await sidebar(page).getByRole('link', { name: /^All/ }).getAttribute('aria-current')).toBe('page');

    // Opened from the list, the same article shows no marks.
    await (await findRow(page, BELARUS.title)).click();
    await articleNamed(page, BELARUS.title).waitFor();
    await page.waitForTimeout(200);
    expect(await hits(page).count()).toBe(0);
  });
});

describe('saved searches', () => {
  it('saves the current search in the sidebar with its count, runs it from there, and removes it', async () => {
    const { page } = await open();
    await searchFor(page, 'minsk', 'minsk*');
    const expected = JSON.parse(broadsheet(db, 'search', 'minsk*', '--json', '--limit', '100').stdout) as unknown[];
    await expect.poll(() => total(page).textContent()).toBe(`${expected.length} results`);
    await page.getByRole('button', { name: 'Save search' }).click();

    const heading = sidebar(page).getByRole('heading', { name: 'Saved searches' });
    await heading.waitFor();
    const link = sidebar(page).getByRole('link', { name: new RegExp(`^minsk\\*\\s*${expected.length}$`) });
    await link.waitFor();
    expect(await link.getAttribute('aria-current')).toBe('page');
    await page.getByRole('button', { name: 'Saved', exact: true }).waitFor();

    // Elsewhere, then back through the sidebar.
    await sidebar(page).getByRole('link', { name: /^Starred/ }).click();
    await page.getByRole('heading', { name: 'Starred' }).waitFor();
    expect(await searchBox(page).inputValue()).toBe('');
    await link.click();
    await expect.poll(() => searchBox(page).inputValue()).toBe('minsk*');
    await expect.poll(() => rows(page).count()).toBe(expected.length);
    await expect.poll(() => link.getAttribute('aria-current')).toBe('page');

    // Still there after a reload (it is in the library).
    await page.reload();
    await rows(page).first().waitFor();
    await link.waitFor();

    await sidebar(page).getByRole('button', { name: 'Remove saved search minsk*' }).click();
    await link.waitFor({ state: 'detached' });
    expect(await heading.count()).toBe(0);
    expect(await alerts(page)).toBe('');
  });

  it('counts again when reading changes what a saved search finds', async () => {
    const { page } = await open();
    const query = `${NOTICE_WORD} is:unread`;
    await searchFor(page, query); // ends in a filter: sent as typed
    const unread = listLibrary(db).filter((a) => a.title.startsWith('Parish Notice') && !a.isRead).length;
    expect(unread).toBeGreaterThan(1);
    await expect.poll(() => total(page).textContent()).toBe(`${unread} results`);
    await page.getByRole('button', { name: 'Save search' }).click();
    const named = (n: number) => sidebar(page).getByRole('link', { name: new RegExp(`^${query}\\s*${n}$`) });
    await named(unread).waitFor();

    // Opening a result marks it read: the saved search now finds one fewer.
    await rows(page).first().click();
    const opened = (await selectedTitle(page))!;
    await expect.poll(() => showArticle(db, idOf(opened)).isRead).toBe(true);
    await named(unread - 1).waitFor();

    await sidebar(page).getByRole('button', { name: `Remove saved search ${query}` }).click();
    await named(unread - 1).waitFor({ state: 'detached' });
  });
});

describe('related articles', () => {
  it('lists articles about the same thing under the Belarus article, and opens one', async () => {
    const { page, problems } = await open();
    await (await findRow(page, BELARUS.title)).click();
    await articleNamed(page, BELARUS.title).waitFor();
    const box = related(page);
    await box.waitFor();
    await box.getByRole('heading', { name: 'Related articles' }).waitFor();
    const links = box.getByRole('link');
    const count = await links.count();
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(5);
    const names = (await box.locator('.title').allTextContents()).map((t) => t.trim());
    expect(names).toEqual(expect.arrayContaining(RELATED_TO_BELARUS));
    expect(names).not.toContain(BELARUS.title);
    // Each shows its source too.
    expect(await links.filter({ hasText: RELATED_TO_BELARUS[0]! }).locator('.source').textContent()).toBe('Minsk Monitor');

    await links.filter({ hasText: RELATED_TO_BELARUS[0]! }).click();
    await articleNamed(page, RELATED_TO_BELARUS[0]!).waitFor();
    await expect.poll(() => reader(page).evaluate((el) => el.scrollTop)).toBe(0);
    // And its own related articles lead back.
    await related(page).getByRole('link', { name: new RegExp(BELARUS.title.replace(/[?]/g, '\\?')) }).waitFor();
    expect(problems.pageErrors).toEqual([]);
  });

  it('shows no box at all when there are none', async () => {
    const { page } = await open();
    const id = idOf(LONELY);
    expect(await api<unknown[]>(page, 'related', { id })).toEqual([]);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/related'));
    await (await findRow(page, LONELY)).click();
    await articleNamed(page, LONELY).waitFor();
    await answered;
    await page.waitForTimeout(100);
    expect(await related(page).count()).toBe(0);
    expect(await reader(page).getByText('Related articles').count()).toBe(0);
  });
});

describe('what a person may type', () => {
  it('never shows an error, only results or "No results" with a hint', async () => {
    const { page, problems } = await open();
    const long = ('"NEAR( -* title: ((( minsk OR AND ) caption: is: after:2024-13-45 ' + "'; DROP TABLE articles; -- ").repeat(40).slice(0, 2000);
    for (const text of ['"', 'NEAR(', 'title:', '(((', long, '-', '*', 'AND OR', 'x'.repeat(2000)]) {
      await searchBox(page).fill('');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/search'));
      if (text.length > 100) {
        await searchBox(page).fill(text); // one input event, as a paste
      } else {
        await typeSearch(page, text);
      }
      const res = await answered;
      expect(res.status(), text.slice(0, 40)).toBe(200);
      const empty = page.getByRole('status').filter({ hasText: 'No results for' });
      await expect.poll(async () => (await rows(page).count()) > 0 || (await empty.count()) === 1, { message: text.slice(0, 40) }).toBe(true);
      if (await empty.count()) {
        expect(await empty.textContent()).toContain('Try fewer words');
        expect(await empty.textContent()).toContain('caption:');
      }
      expect(await alerts(page), text.slice(0, 40)).toBe('');
    }
    expect(problems.pageErrors).toEqual([]);
  });

  it('says "No results for “…”" with the syntax when nothing matches', async () => {
    const { page } = await open();
    await searchFor(page, 'zzyzx qqq', 'zzyzx qqq*');
    const empty = page.getByRole('status').filter({ hasText: 'No results for “zzyzx qqq”' });
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/"a phrase".*word\*.*-word.*title:.*caption:.*after:2024-01-01/s);
    await expect.poll(() => total(page).textContent()).toBe('No results');
  });
});

describe('when the library fails', () => {
  it('shows the one-line alert for a failed search and for failed related articles', async () => {
    const { page } = await open();
    await page.route('**/api/search', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ ok: false, error: 'The library is busy.' }) }),
    );
    await page.route('**/api/related', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ ok: false, error: 'The index is being rebuilt.' }) }),
    );
    await typeSearch(page, 'minsk');
    // It names the search as typed: the * the page adds while a word is being typed is its own.
    const alert = page.getByRole('alert').filter({ hasText: 'Could not search for “minsk”: The library is busy.' });
    await alert.waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();

    await searchBox(page).press('Escape');
    await rows(page).first().click();
    await page.getByRole('alert').filter({ hasText: 'Could not find related articles: The index is being rebuilt.' }).waitFor();
    expect(await related(page).count()).toBe(0);
  });
});

describe('screenshots for review', () => {
  it('saves search results and a marked article in light and dark', async () => {
    const { page } = await open({ viewport: { width: 1440, height: 900 } });
    const theme = page.getByRole('combobox', { name: 'Theme' });
    await searchFor(page, 'belarus nato', 'belarus nato*');
    await expect.poll(() => rows(page).count()).toBeGreaterThan(1);
    await rows(page).nth(1).click();
    await hits(page).first().waitFor();
    await related(page).waitFor();
    for (const t of ['light', 'dark'] as const) {
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/setSettings')), theme.selectOption(t)]);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(t);
      await page.evaluate(() => document.fonts.ready);
      const file = screenshotPath(`search-results-${t}.png`);
      await page.screenshot({ path: file, type: 'png' });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    }
    // The reader at the first caption match, in both themes.
    await searchBox(page).fill('');
    await searchFor(page, 'caption:lukashenko', 'caption:lukashenko*');
    await option(page, BELARUS.title).click();
    await hits(page).first().waitFor();
    for (const t of ['dark', 'light'] as const) {
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/setSettings')), theme.selectOption(t)]);
      await page.screenshot({ path: screenshotPath(`search-article-${t}.png`), type: 'png' });
    }
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');

    // The one for the README: a saved search in the sidebar, results with marked snippets and
    // an opened result with its matches marked.
    await api(page, 'saveSearch', { query: 'nghe an' });
    await page.reload();
    await sidebar(page).getByRole('link', { name: /^nghe an/ }).waitFor();
    await searchFor(page, 'council', 'council*');
    await expect.poll(() => rows(page).count()).toBeGreaterThan(3);
    await page.keyboard.press('ArrowDown');
    await hits(page).first().waitFor();
    await page.mouse.move(720, 899);
    await page.evaluate(() => document.fonts.ready);
    const hero = screenshotPath('search-hero.png');
    await page.screenshot({ path: hero, type: 'png' });
    expect(fs.statSync(hero).size).toBeLessThan(300_000);
    await sidebar(page).getByRole('button', { name: 'Remove saved search nghe an' }).click();
  });
});
