/**
 * Hostile content, end to end: one XSS corpus (tests/fixtures/hostile/corpus.ts) through every way
 * into ONE library — a scraped .txt, a .md, saved .html pages (`broadsheet import`), RSS 2.0, RSS
 * 2.0 completed from hostile linked pages (full text), Atom type="html" and type="xhtml", RSS
 * 1.0/RDF and JSON Feed (`broadsheet feeds add`), and pages fetched with `broadsheet save` — then
 * every article opened in Debian's Chromium through the real `broadsheet web` host, scrolled,
 * hovered, tabbed through, its links and pictures clicked.
 *
 * Every payload that ran would set window.__pwned and request CANARY/pwned/NAME on a canary server
 * this test runs; payloads that only load something point there too. The command line is expected
 * to talk to that server (it fetches the feeds, the pages and the pictures they name); the browser
 * never: the canary log is cleared when the command line is done, the browser's requests are
 * guarded (e2e-helpers' guardNetwork), and the page also records every CSP violation, so even an
 * attempt that the Content-Security-Policy stopped fails the test.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, guardNetwork, launchBrowser, list, listLibrary, makeTempDir, reader, removeDir, startHost, watchPage, type HostProcess, type ListedArticle, type Opened } from './e2e-helpers.js';
import { ESCAPED_TEXT, corpus, js } from './fixtures/hostile/corpus.js';
import {
  atomHtml,
  atomXhtml,
  chunks,
  htmlPage,
  htmlTitle,
  jsonFeed,
  mdArticle,
  mdTitle,
  rdf,
  rss2,
  rssFullText,
  saveTitle,
  txtArticle,
  txtTitle,
  type FeedDoc,
} from './fixtures/hostile/documents.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

/** Elements that must never be in a shown article (the renderer and the sanitiser both drop them). */
const FORBIDDEN = ['script', 'iframe', 'frame', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'base', 'meta', 'link', 'svg', 'math', 'style', 'template', 'noscript', 'video', 'audio', 'source', 'portal'];
const FORBIDDEN_TAG = new RegExp(`<(?:${FORBIDDEN.join('|')})[\\s/>]`, 'i');
/** Attributes that can load or act, which neither the sanitiser nor the renderer lets through. */
const STRIPPED_ATTRS = /^(?:style|srcset|ping|formaction|action|target|xlink:href|background|poster|srcdoc|autofocus)$/i;

interface CanaryRequest {
  path: string;
  userAgent: string;
}

let dir: string | undefined;
let db: string;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let canary: http.Server | undefined;
let canaryOrigin: string;
const canaryLog: CanaryRequest[] = [];
let cliCanaryRequests: CanaryRequest[] = [];
let articles: ListedArticle[] = [];
const feeds: FeedDoc[] = [];
let pageCount = 0;

/** The real `broadsheet` command, asynchronously (the canary server answers it from this process). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--db', db, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startCanary(routes: Map<string, { type: string; body: string }>): Promise<void> {
  canary = http.createServer((req, res) => {
    const p = req.url ?? '/';
    canaryLog.push({ path: p, userAgent: String(req.headers['user-agent'] ?? '') });
    const route = routes.get(new URL(p, 'http://x').pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route.type });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => canary!.listen(0, '127.0.0.1', resolve));
  canaryOrigin = `http://127.0.0.1:${(canary.address() as net.AddressInfo).port}`;
}

beforeAll(async () => {
  dir = makeTempDir('broadsheet-hostile-');
  db = path.join(dir, 'library.sqlite');
  const routes = new Map<string, { type: string; body: string }>();
  await startCanary(routes);
  const c = canaryOrigin;

  // Files: .txt and .md with the whole corpus written as text; .html pages, one per chunk.
  const files = path.join(dir, 'files');
  fs.mkdirSync(files);
  fs.writeFileSync(path.join(files, 'hostile.txt'), txtArticle(c));
  fs.writeFileSync(path.join(files, 'hostile.md'), mdArticle(c));
  const parts = chunks(corpus(c));
  pageCount = parts.length;
  parts.forEach((chunk, i) => fs.writeFileSync(path.join(files, `hostile-page-${String(i).padStart(2, '0')}.html`), htmlPage(c, htmlTitle(i), chunk)));

  // The web: five feed formats, full-text pages, pages to save.
  const full = rssFullText(c);
  feeds.push(rss2(c), full, atomHtml(c), atomXhtml(c), rdf(c), jsonFeed(c));
  for (const f of feeds) routes.set(f.path, { type: f.type, body: f.body });
  for (const [p, body] of full.pages) routes.set(p, { type: 'text/html; charset=utf-8', body });
  parts.forEach((chunk, i) => routes.set(`/save/page-${i}.html`, { type: 'text/html; charset=utf-8', body: htmlPage(c, saveTitle(i), chunk) }));

  const imported = await cli('import', files);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stderr).toContain(`${2 + pageCount} imported, 0 duplicates, 0 failed`);
  for (const f of feeds) {
    const r = await cli('feeds', 'add', `${c}${f.path}`);
    expect(r.code, `${f.label}: ${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout, f.label).toContain(`${f.itemTitles.length} new`);
  }
  for (let i = 0; i < pageCount; i++) {
    const r = await cli('save', `${c}/save/page-${i}.html`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`imported #`);
  }
  articles = listLibrary(db);
  // Everything the command line asked for; from here on the canary must hear nothing.
  cliCanaryRequests = canaryLog.splice(0);
  host = await startHost(db);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await new Promise<void>((resolve) => (canary ? (canary.closeAllConnections(), canary.close(() => resolve())) : resolve()));
  removeDir(dir);
});

// ---- the stored articles --------------------------------------------------------------------

describe('the library after the corpus went in through every path', () => {
  it('holds one article per document and feed item, and the command line was the only one talking to the canary', () => {
    const expected = [txtTitle, mdTitle, ...Array.from({ length: pageCount }, (_, i) => htmlTitle(i)), ...Array.from({ length: pageCount }, (_, i) => saveTitle(i)), ...feeds.flatMap((f) => f.itemTitles)];
    expect(articles.map((a) => a.title).sort()).toEqual([...expected].sort());
    // The command line fetched the feeds, the pages and (as pictures) the <img> sources; all with its own User-Agent.
    expect(cliCanaryRequests.length).toBeGreaterThan(feeds.length + pageCount);
    expect(cliCanaryRequests.filter((r) => !r.userAgent.startsWith('Broadsheet/'))).toEqual([]);
    // Script never ran in the command line either: nothing asked for a /pwned/ address that only a script would build.
    const scripted = cliCanaryRequests.filter((r) => /\/pwned\/(?:script|img-onerror|svg-onload|a-javascript)$/.test(r.path));
    expect(scripted).toEqual([]);
  });

  it('stores no active element, event handler or script URL in any article (broadsheet show --json)', async () => {
    const offenders: string[] = [];
    const shown = await Promise.all(articles.map((a) => cli('show', String(a.id), '--json')));
    shown.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      const a = JSON.parse(r.stdout) as { html: string; lead: string | null; figures: Array<{ src: string | null }> };
      const title = articles[i]!.title;
      // Serialised HTML escapes `<` in text, so any of these tags is a real element.
      const m = FORBIDDEN_TAG.exec(a.html);
      if (m) offenders.push(`${title}: forbidden element: ${a.html.slice(Math.max(0, m.index - 40), m.index + 120)}`);
      // And element by element, as a browser would parse it.
      const doc = new JSDOM(`<!DOCTYPE html><body>${a.html}`).window.document;
      for (const el of doc.body.querySelectorAll('*')) {
        if (FORBIDDEN.includes(el.localName)) offenders.push(`${title}: <${el.localName}>`);
        for (const name of el.getAttributeNames()) {
          const value = el.getAttribute(name) ?? '';
          if (/^on/i.test(name) || STRIPPED_ATTRS.test(name)) offenders.push(`${title}: <${el.localName} ${name}="${value.slice(0, 80)}">`);
          if (name === 'href' && !/^(?:https?:|mailto:|#)/i.test(value)) offenders.push(`${title}: <${el.localName} href="${value.slice(0, 80)}">`);
          if (name === 'src' && !/^(?:https?:|bs-image:|data:image\/(?:png|jpe?g|gif|webp|avif)[;,])/i.test(value)) offenders.push(`${title}: <${el.localName} src="${value.slice(0, 80)}">`);
        }
      }
      if (a.lead && /[<>]/.test(a.lead) && FORBIDDEN_TAG.test(a.lead)) offenders.push(`${title}: lead holds markup`);
      for (const f of a.figures) if (f.src && !/^(?:https?:|data:image\/(?:png|jpe?g|gif|webp|avif)[;,])/i.test(f.src)) offenders.push(`${title}: figure source ${f.src}`);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps payloads written as text as text: the .txt and .md show the markup literally', async () => {
    const c = canaryOrigin;
    for (const title of [txtTitle, mdTitle]) {
      const a = articles.find((x) => x.title === title)!;
      const r = await cli('show', String(a.id), '--json');
      const text = (JSON.parse(r.stdout) as { text: string }).text;
      expect(text, title).toContain(`<script>${js('script').replaceAll('{{CANARY}}', c)}</script>`);
      expect(text, title).toContain(`<img src="x" onerror="${js('img-onerror').replaceAll('{{CANARY}}', c)}">`);
      expect(text, title).toContain('<svg onload=');
      expect(text, title).toContain('<noscript><p title="</noscript>');
    }
  });
});

// ---- in the browser -------------------------------------------------------------------------

interface Seen {
  title: string;
  bodyElements: number;
  links: number;
  zoomed: number;
}

/** Records CSP violations and any __pwned mark, in every frame, before any page script runs. */
async function arm(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __marks: string[] };
    w.__csp = [];
    w.__marks = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      true,
    );
    let value: unknown;
    Object.defineProperty(window, '__pwned', {
      configurable: false,
      get: () => value,
      set: (v) => {
        value = v;
        w.__marks.push(String(v));
      },
    });
  });
}

/** The reader's shown article, inspected in the live DOM (through every shadow root below it). */
async function inspectArticle(page: Page) {
  return reader(page)
    .locator('article')
    .first()
    .evaluate((article, forbidden) => {
      const all: Element[] = [];
      const walk = (root: Element | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          all.push(el);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(article);
      const bad: string[] = [];
      for (const el of all) {
        if (forbidden.includes(el.localName)) bad.push(`<${el.localName}>`);
        for (const attr of el.getAttributeNames()) {
          if (/^on/i.test(attr)) bad.push(`<${el.localName} ${attr}>`);
          if (/^(?:style|srcset|ping|formaction|action|target|xlink:href|background|poster|srcdoc|autofocus)$/i.test(attr)) bad.push(`<${el.localName} ${attr}>`);
        }
        const href = el.getAttribute('href');
        if (href !== null && !/^(?:https?:|mailto:|#)/i.test(href)) bad.push(`<${el.localName} href="${href}">`);
        const src = el.getAttribute('src');
        if (src !== null && !src.startsWith(`${location.origin}/`) && !src.startsWith('/') && !/^data:image\/(?:png|jpe?g|gif|webp|avif)[;,]/i.test(src)) {
          bad.push(`<${el.localName} src="${src}">`);
        }
      }
      return { bad, count: all.length, text: article.textContent ?? '' };
    }, FORBIDDEN);
}

/** Scroll through the body, hover and focus its elements, click its links and pictures. */
async function attack(page: Page, o: Opened): Promise<{ links: number; zoomed: number; hovered: number }> {
  const home = page.url();
  const body = reader(page).locator('article .body').first();
  // Hover every element (Playwright scrolls each into view first): onmouseover/onmouseenter.
  const elements = await body.locator('*').elementHandles();
  let hovered = 0;
  for (const el of elements.slice(0, 120)) {
    if (await el.hover({ force: true, timeout: 1_000 }).then(() => true, () => false)) hovered++;
  }
  for (const el of elements) await el.dispose();
  // Focus: Tab from the body's start through what it holds (onfocus, autofocus).
  await body.evaluate((el) => {
    el.setAttribute('tabindex', '-1');
    (el as HTMLElement).focus();
  });
  for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
  // Links: a click must not navigate (the reader hands http(s) links to openExternal).
  const links = body.locator('a');
  const n = await links.count();
  for (let i = 0; i < n; i++) {
    await links.nth(i).click({ force: true, timeout: 2_000, noWaitAfter: true }).catch(() => undefined);
    await links.nth(i).click({ force: true, timeout: 2_000, noWaitAfter: true, button: 'middle' }).catch(() => undefined);
    expect(page.url()).toBe(home);
  }
  // Pictures: open each in the lightbox, then close it.
  const zoom = body.locator('img[data-zoom]');
  const z = await zoom.count();
  for (let i = 0; i < z; i++) {
    await zoom.nth(i).click({ force: true, timeout: 2_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
  }
  // And the whole body scrolled to its end with the wheel.
  await body.hover({ force: true, position: { x: 5, y: 5 } }).catch(() => undefined);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 1500);
  expect(page.url()).toBe(home);
  expect(o.context.pages()).toHaveLength(1); // no window.open, no target=_blank tab
  return { links: n, zoomed: z, hovered };
}

async function marks(page: Page): Promise<{ pwned: string[]; csp: string[] }> {
  const pwned: string[] = [];
  const csp: string[] = [];
  for (const frame of page.frames()) {
    const r = await frame
      .evaluate(() => {
        const w = window as unknown as { __csp?: string[]; __marks?: string[]; __pwned?: unknown };
        return { marks: [...(w.__marks ?? []), ...(w.__pwned !== undefined ? [String(w.__pwned)] : [])], csp: w.__csp ?? [] };
      })
      .catch(() => ({ marks: [`(frame ${frame.url()} could not be inspected)`], csp: [] }));
    pwned.push(...r.marks);
    csp.push(...r.csp);
  }
  return { pwned, csp };
}

describe('every article, opened in Chromium through broadsheet web', () => {
  let opened: Opened;
  const seen: Seen[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', reducedMotion: 'reduce' });
    await arm(context);
    const net = await guardNetwork(context, host!.origin);
    const page = await context.newPage();
    opened = { context, page, net, problems: watchPage(page) };
    await page.goto(host!.url);
  });

  afterAll(async () => {
    await opened?.context.close();
  });

  it('runs nothing, loads nothing from outside the host, and shows no active element: every article in the list', async () => {
    const { page } = opened;
    const box = list(page);
    await box.getByRole('option').first().waitFor();

    const titles = new Set(articles.map((a) => a.title));
    let previous: string | null = null;
    for (let i = 0; i < articles.length; i++) {
      await box.focus();
      await page.keyboard.press(i === 0 ? 'Home' : 'ArrowDown');
      const h1 = reader(page).getByRole('heading', { level: 1 });
      await expect.poll(async () => ((await h1.count()) ? (await h1.textContent())?.trim() : null), { timeout: 10_000 }).not.toBe(previous);
      await page.waitForTimeout(50); // let the body render and any (would-be) handler fire
      const title = (await h1.textContent())!.trim();
      previous = title;
      expect(titles.has(title), `the reader shows "${title}", which is not a stored title`).toBe(true);
      const before = await inspectArticle(page);
      const acted = await attack(page, opened);
      const after = await inspectArticle(page);
      for (const b of [...before.bad, ...after.bad]) problems.push(`${title}: ${b}`);
      const m = await marks(page);
      for (const p of m.pwned) problems.push(`${title}: ran ${p}`);
      for (const v of m.csp) problems.push(`${title}: CSP violation ${v}`);
      seen.push({ title, bodyElements: before.count, links: acted.links, zoomed: acted.zoomed });
      if (title === txtTitle || title === mdTitle) {
        expect(before.text, title).toContain(`<script>${js('script').replaceAll('{{CANARY}}', canaryOrigin)}</script>`);
        expect(before.text, title).toContain('<svg><svg onload=');
      } else if (!title.startsWith('Atom xhtml')) {
        // Every HTML path carries the escaped-text payload in one of its documents.
        if (before.text.includes('Payload escaped-text')) expect(before.text, title).toContain(ESCAPED_TEXT);
      }
    }
    console.info(
      `hostile corpus: ${seen.length} articles opened, ${seen.reduce((n, s) => n + s.bodyElements, 0)} elements inspected, ` +
        `${seen.reduce((n, s) => n + s.links, 0)} links clicked, ${seen.reduce((n, s) => n + s.zoomed, 0)} pictures zoomed`,
    );
    expect(problems).toEqual([]);
    expect(seen.map((s) => s.title).sort()).toEqual([...titles].sort());
    // Every path showed something of its documents (a path that stored nothing would prove nothing).
    expect(seen.every((s) => s.bodyElements > 3), JSON.stringify(seen.filter((s) => s.bodyElements <= 3))).toBe(true);
    expect(seen.reduce((n, s) => n + s.links, 0)).toBeGreaterThan(0);

    // Nothing left the host: the guard refused nothing, and the canary heard nothing.
    expect(opened.net.foreign()).toEqual([]);
    expect(opened.net.refused).toEqual([]);
    expect(canaryLog).toEqual([]);
    expect(opened.problems.pageErrors).toEqual([]);
  });

  it('shows hostile feed titles as text in the sidebar', async () => {
    const nav = opened.page.getByRole('navigation', { name: 'Library' });
    const text = (await nav.textContent()) ?? '';
    for (const f of feeds) expect(text).toContain(`Hostile ${f.label}`);
    // Atom titles are text: the markup shows literally. RSS titles are HTML: the tag is dropped, its text kept.
    expect(text).toContain('Hostile Atom html <img src=x onerror=alert(1)>');
    expect(await nav.locator('img, svg image, [onerror]').count()).toBe(0);
    expect(await marks(opened.page)).toEqual({ pwned: [], csp: [] });
    expect(canaryLog).toEqual([]);
  });

  it('would have noticed: a mark and a load the CSP stopped are both caught (control)', async () => {
    const { page } = opened;
    await page.evaluate((canaryUrl) => {
      (window as unknown as { __pwned: string }).__pwned = 'control';
      void fetch(`${canaryUrl}/pwned/control`).catch(() => undefined);
      const img = document.createElement('img');
      img.src = `${canaryUrl}/pwned/control-img`;
      document.body.append(img);
    }, canaryOrigin);
    // The page's CSP stops both loads before they become requests; the violation is what shows.
    await expect.poll(async () => (await marks(page)).csp.join('\n'), { timeout: 5_000 }).toContain('/pwned/control');
    expect((await marks(page)).pwned).toContain('control');
    expect(canaryLog).toEqual([]);
  });
});
