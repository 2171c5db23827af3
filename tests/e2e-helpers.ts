/**
 * Shared pieces of the end-to-end tests: the real `broadsheet` command line, the real web host as
 * a child process (`broadsheet web --port 0 --db FILE`), Debian's Chromium through playwright-core,
 * and a network guard that records every request a page makes and refuses any that leaves the host.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const REPO = path.resolve(new URL('..', import.meta.url).pathname);
/** The `broadsheet` command (BROADSHEET_BIN runs the tests against another build of it). */
export const BIN = process.env.BROADSHEET_BIN ?? path.join(REPO, 'main/cli/bin.mjs');
export const SHARED_FIXTURE = path.resolve(REPO, '../shared/fixtures/articles/belarus-nato-or-russia.txt');
export const ARTICLE_FIXTURES = path.join(REPO, 'tests/fixtures/articles');
export const PAGE_FIXTURES = path.join(REPO, 'tests/fixtures/pages');
export const SCREENSHOTS = path.join(REPO, 'test-results/screenshots');

export const BELARUS = {
  title: "Belarus's Choice: NATO or Russia?",
  author: 'Phu Binh',
  source: 'Baonghean',
  captions: [
    'Belarusian President Alexander Lukashenko. Photo: Reuters',
    'Minsk hosted a joint Russian-Belarusian military parade in 2014. Photo: DW',
    'Belarus has signed military cooperation agreements with NATO members Latvia, Poland and Lithuania.',
  ],
  headings: ['Military agreement with Russia', 'What is the goal of Minsk?', 'Special Forces Agreement with the Kremlin'],
};

/** A page fixture whose figures point at remote (https) pictures that were never stored. */
export const REMOTE_IMAGES_PAGE = {
  title: 'Night trains are back. Can they pay their way?',
  captions: [
    'The Hamburg–Vienna sleeper before departure from Altona. Photo: Lena Fischer for Northline',
    'A six-berth couchette. Operators would like to sell them as four-berth compartments, at a higher price.',
    'Overnight routes operating in September 2024. Graphic: Northline',
  ],
  /** The pictures' own alt texts: a placeholder is named by the alt text, or by the caption when there is none. */
  alts: ['A sleeper train waiting at a platform at night', 'Six folded berths in a couchette compartment', 'Map of overnight rail routes in central Europe'],
};

/** Options for expect.poll: a command-line round trip can take a second on a busy machine. */
export const POLL = { timeout: 15_000, interval: 100 };

// ---- temporary folders ------------------------------------------------------------------------

export function makeTempDir(prefix = 'broadsheet-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

// ---- the command line -------------------------------------------------------------------------

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `broadsheet` command on a library, as a person would from a terminal. */
export function broadsheet(db: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ListedArticle {
  id: number;
  title: string;
  source: string | null;
  isRead: boolean;
  isStarred: boolean;
  publishedAt: number | null;
}

/** `broadsheet list --json` (every article, newest first). */
export function listLibrary(db: string): ListedArticle[] {
  const r = broadsheet(db, 'list', '--json', '--limit', '1000');
  if (r.code !== 0) throw new Error(`broadsheet list failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedArticle[];
}

/** `broadsheet show ID --json`: the stored article, with isRead / isStarred. */
export function showArticle(db: string, id: number): { id: number; title: string; isRead: boolean; isStarred: boolean } {
  const r = broadsheet(db, 'show', String(id), '--json');
  if (r.code !== 0) throw new Error(`broadsheet show ${id} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { id: number; title: string; isRead: boolean; isStarred: boolean };
}

/** Imports files or folders with `broadsheet import`; throws unless every one was imported. */
export function importInto(db: string, ...paths: string[]): void {
  const r = broadsheet(db, 'import', ...paths);
  if (r.code !== 0) throw new Error(`broadsheet import failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}

/** A library seeded with the shared fixture, tests/fixtures/articles and tests/fixtures/pages. */
export function seededLibrary(dir: string): string {
  const db = path.join(dir, 'library.sqlite');
  importInto(db, SHARED_FIXTURE, ARTICLE_FIXTURES, PAGE_FIXTURES);
  return db;
}

// ---- the web host -----------------------------------------------------------------------------

export interface HostProcess {
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything the host wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
}

/** Starts `broadsheet web --port 0 --db FILE` and reads the URL from its first line of output. */
export async function startHost(db: string, timeoutMs = 15_000): Promise<HostProcess> {
  const child = spawn(process.execPath, [BIN, 'web', '--port', '0', '--db', db], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broadsheet web printed no URL within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broadsheet web exited (${code}) before printing its URL; stderr:\n${err}`));
    });
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/.test(url)) throw new Error(`unexpected first line from broadsheet web: ${url}`);
  let stopping: Promise<number | null> | null = null;
  return {
    url,
    origin: new URL(url).origin,
    child,
    stderr: () => err,
    stop() {
      if (stopping) return stopping;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeout = new Promise<null>((resolve) =>
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 10_000).unref(),
      );
      stopping = Promise.race([exited, timeout]);
      return stopping;
    },
  };
}

// ---- the browser ------------------------------------------------------------------------------

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(p)) {
    throw new Error(
      `Chromium is not installed at ${p}: the end-to-end tests need it (Debian: \`apt-get install chromium\`, ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary). They fail rather than skip so CI cannot pass without them.',
    );
  }
  return p;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface NetworkLog {
  /** Every request URL any page of the context made, in order. */
  requests: string[];
  /** Requests the guard refused because they were not for the host (or data:). */
  refused: string[];
  /** Requests not for the host nor data: (should be empty). */
  foreign(): string[];
}

/**
 * Records every request of a context and refuses (aborts) any that is not for the web host or a
 * data: URL, so a leak both fails the test and never reaches the network.
 */
export async function guardNetwork(context: BrowserContext, origin: string): Promise<NetworkLog> {
  const log: NetworkLog = {
    requests: [],
    refused: [],
    foreign: () => log.requests.filter((u) => !isLocal(u, origin)),
  };
  context.on('request', (r) => log.requests.push(r.url()));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocal(url, origin)) return route.continue();
    log.refused.push(url);
    return route.abort('blockedbyclient');
  });
  return log;
}

function isLocal(url: string, origin: string): boolean {
  return url.startsWith(`${origin}/`) || url === origin || url.startsWith('data:');
}

export interface Problems {
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** console.error / console.warn lines. */
  console: string[];
}

export function watchPage(page: Page): Problems {
  const p: Problems = { pageErrors: [], console: [] };
  page.on('pageerror', (e) => p.pageErrors.push(e.stack ?? e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') p.console.push(`${m.type()}: ${m.text()}`);
  });
  return p;
}

// ---- the page ---------------------------------------------------------------------------------

export interface Opened {
  context: BrowserContext;
  page: Page;
  net: NetworkLog;
  problems: Problems;
}

/** A fresh context (no cookies, no storage) with the guard on, at the host's URL. */
export async function openApp(
  browser: Browser,
  host: HostProcess,
  opts: { viewport?: { width: number; height: number }; deviceScaleFactor?: number; waitFor?: 'list' | 'welcome' | 'none' } = {},
): Promise<Opened> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    // A zoomed window: 1280×800 at 150 % is an 853×533 viewport at 1.5.
    ...(opts.deviceScaleFactor ? { deviceScaleFactor: opts.deviceScaleFactor } : {}),
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const net = await guardNetwork(context, host.origin);
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(host.url);
  if ((opts.waitFor ?? 'list') === 'list') await rows(page).first().waitFor();
  else if (opts.waitFor === 'welcome') await page.getByRole('region', { name: 'Welcome to Broadsheet' }).waitFor();
  return { context, page, net, problems };
}

export const list = (page: Page): Locator => page.getByRole('listbox', { name: 'Articles' });
export const rows = (page: Page): Locator => list(page).getByRole('option');
export const row = (page: Page, title: string): Locator => list(page).getByRole('option', { name: title, exact: true });
export const reader = (page: Page): Locator => page.getByRole('region', { name: 'Reader' });
export const toolbar = (page: Page): Locator => page.getByRole('toolbar', { name: 'Article' });
export const articleNamed = (page: Page, title: string): Locator => page.getByRole('article', { name: title, exact: true });

/**
 * The row of an article, scrolled into view: the list is virtualised, so a row exists in the page
 * only near the visible part. Scrolls the list from the top until the row is rendered.
 */
export async function findRow(page: Page, title: string): Promise<Locator> {
  const r = row(page, title);
  const box = list(page);
  if (!(await r.count())) await box.evaluate((el) => el.scrollTo({ top: 0 }));
  for (let i = 0; i < 200 && !(await r.count()); i++) {
    const atEnd = await box.evaluate(async (el) => {
      const before = el.scrollTop;
      el.scrollBy({ top: Math.max(100, el.clientHeight * 0.6) });
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return el.scrollTop === before;
    });
    if (atEnd && !(await r.count())) throw new Error(`no row named "${title}" in the list`);
  }
  await r.scrollIntoViewIfNeeded();
  return r;
}

/** The title of the article open in the reader (its level-1 heading), or null. */
export async function openTitle(page: Page): Promise<string | null> {
  const h1 = reader(page).getByRole('heading', { level: 1 });
  return (await h1.count()) ? ((await h1.textContent())?.trim() ?? null) : null;
}

/** The name of the selected row, or null. */
export async function selectedTitle(page: Page): Promise<string | null> {
  const sel = list(page).getByRole('option', { selected: true });
  if ((await sel.count()) !== 1) return null;
  return (await sel.locator('.title').textContent())?.trim() ?? null;
}

/** Is the element the focused one (inside its shadow root)? */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el.matches(':focus'));
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/**
 * One library (made by `seed` in a temporary folder), its web host and a browser for the tests of
 * a file: started before them, every page's context closed after each, all stopped at the end
 * (the host must stop cleanly). Call at the top of a test file.
 */
export function useServedLibrary(seed: (dir: string) => string = seededLibrary): {
  db: () => string;
  open: (opts?: Parameters<typeof openApp>[2]) => Promise<Opened>;
  /** For a test that serves a library of its own to the same browser, or reads the host's log. */
  browser: () => Browser;
  host: () => HostProcess;
} {
  let dir: string | undefined;
  let db: string | undefined;
  let host: HostProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    dir = makeTempDir();
    db = seed(dir);
    host = await startHost(db);
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    const code = await host?.stop();
    removeDir(dir);
    if (host) expect(code, `broadsheet web should stop cleanly on SIGTERM; stderr:\n${host.stderr()}`).toBe(0);
  });
  return {
    db: () => db!,
    browser: () => browser!,
    host: () => host!,
    open: async (opts) => {
      const o = await openApp(browser!, host!, opts);
      contexts.push(o.context);
      return o;
    },
  };
}
