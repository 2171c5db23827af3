/**
 * End to end: deleting an article (asked first, gone from the list, the counts and the library)
 * and marking a whole list read with Undo, in Debian's Chromium against the real web host.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BELARUS,
  POLL,
  articleNamed,
  findRow,
  launchBrowser,
  listLibrary,
  makeTempDir,
  openApp,
  removeDir,
  rows,
  screenshotPath,
  seededLibrary,
  startHost,
  toolbar,
  type HostProcess,
  type Opened,
} from './e2e-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser | undefined;
const dirs: string[] = [];
const hosts: HostProcess[] = [];
const opened: Opened[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.context.close();
  for (const h of hosts.splice(0)) expect(await h.stop()).toBe(0);
  for (const d of dirs.splice(0)) removeDir(d);
});

afterAll(async () => {
  await browser?.close();
});

/** A seeded library of its own (these tests change it), served and open. */
async function library(): Promise<{ db: string; o: Opened }> {
  const dir = makeTempDir();
  dirs.push(dir);
  const db = seededLibrary(dir);
  const host = await startHost(db);
  hosts.push(host);
  const o = await openApp(browser!, host);
  opened.push(o);
  return { db, o };
}

const heading = (o: Opened) => o.page.locator('.list-heading').first();

describe('deleting an article', () => {
  it('asks first; Cancel keeps it, Delete takes it out of the list, the counts and the library', async () => {
    const { db, o } = await library();
    const before = listLibrary(db);
    await (await findRow(o.page, BELARUS.title)).click();
    await articleNamed(o.page, BELARUS.title).waitFor();

    await toolbar(o.page).getByRole('button', { name: 'Delete' }).click();
    const ask = o.page.getByRole('dialog', { name: `Delete “${BELARUS.title}”?` });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'hidden' });
    expect(listLibrary(db)).toHaveLength(before.length);

    await o.page.keyboard.press('Delete'); // the key does what the button does
    await ask.waitFor();
    await o.page.screenshot({ path: screenshotPath('delete-confirm.png') });
    await ask.getByRole('button', { name: 'Delete' }).click();
    await o.page.getByRole('status').filter({ hasText: `Deleted “${BELARUS.title}”.` }).waitFor();
    expect(listLibrary(db).map((a) => a.title)).not.toContain(BELARUS.title);
    expect(listLibrary(db)).toHaveLength(before.length - 1);
    await expect.poll(() => rows(o.page).filter({ hasText: BELARUS.title }).count(), POLL).toBe(0);
    await expect.poll(async () => (await heading(o).textContent())?.includes(`${before.length - 1} articles`), POLL).toBe(true);
    expect(await articleNamed(o.page, BELARUS.title).count()).toBe(0);
    expect(o.problems.pageErrors).toEqual([]);
  });
});

describe('marking all as read', () => {
  it('marks the whole list read from the heading, and Undo makes them unread again', async () => {
    const { db, o } = await library();
    const unread = () => listLibrary(db).filter((a) => !a.isRead).length;
    const total = listLibrary(db).length;
    expect(unread()).toBe(total);

    await heading(o).getByRole('button', { name: 'Mark all as read' }).click();
    const notice = o.page.getByRole('status').filter({ hasText: `Marked ${total} articles as read.` });
    await notice.waitFor();
    expect(unread()).toBe(0);
    await expect.poll(() => o.page.locator('.row.unread').count(), POLL).toBe(0);

    await notice.getByRole('button', { name: 'Undo' }).click();
    await o.page.getByRole('status').filter({ hasText: `${total} articles unread again.` }).waitFor();
    expect(unread()).toBe(total);

    await o.page.locator('body').click({ position: { x: 5, y: 5 } });
    await o.page.keyboard.press('Shift+A');
    await o.page.getByRole('status').filter({ hasText: `Marked ${total} articles as read.` }).waitFor();
    expect(unread()).toBe(0);
    expect(o.problems.pageErrors).toEqual([]);
  });
});

describe('search results', () => {
  it('show the date an undated article was saved, as the list does', async () => {
    const { db, o } = await library();
    const undated = listLibrary(db).find((a) => a.publishedAt === null)!;
    const listDate = (await (await findRow(o.page, undated.title)).locator('.date').textContent())?.trim();
    expect(listDate).toBeTruthy();
    await o.page.getByRole('searchbox', { name: 'Search' }).fill(undated.title);
    const hit = o.page.getByRole('listbox', { name: 'Articles' }).getByRole('option', { name: undated.title, exact: true });
    await hit.waitFor();
    expect((await hit.locator('.date').textContent())?.trim()).toBe(listDate);
  });
});
