/**
 * List benchmark, measured in Chromium on a 100,000-article library: the real page served by the
 * real web host (in this process), the library generated once and cached in out/bench/.
 *
 *   - first list paint: navigation start → the first row is on screen (5 fresh loads);
 *   - open: a key press (j) → the article's heading is in the reader and painted (20 opens);
 *   - scrolling: the longest main-thread task (PerformanceObserver 'longtask') while the list is
 *     scrolled from the top towards the end, a step every frame, loading pages as it goes.
 *
 * Targets on the reference machine: first paint ≤ 300 ms, open ≤ 100 ms, no task over 50 ms while
 * scrolling. A miss is printed, not an error: this is a benchmark, not a test.
 *
 *   npm run bench:list -- [COUNT] [--scroll-seconds N] [--step PX] [--loads N] [--opens N] [--verbose] [--renderer DIR] [--profile FILE]
 *
 * --profile FILE writes a CPU profile of the page during the fast scroll (open it in DevTools). [--profile FILE]
 *
 * --profile FILE writes a CPU profile of the page during the fast scroll (open it in DevTools).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeLibrary, openLibrary } from '../db/library.js';
import { startWebHost } from '../main/web/server.js';
import { benchLibrary } from './library.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { profile: { type: 'string' }, 'scroll-seconds': { type: 'string' }, step: { type: 'string' }, loads: { type: 'string' }, opens: { type: 'string' }, verbose: { type: 'boolean' }, renderer: { type: 'string' } },
});
const count = Number(positionals[0] ?? 100_000);
const scrollSeconds = Number(values['scroll-seconds'] ?? 180);
const stepPx = Number(values.step ?? 2000);
const loads = Number(values.loads ?? 5);
const opens = Number(values.opens ?? 20);

const TARGET = { firstPaint: 300, open: 100, longTask: 50 };
/** The list's row height (--bs-row-height), for the rows-per-frame figure. */
const ROW_PX = 104;
/** The built page; --renderer DIR compares another build of it. */
const rendererDir = path.resolve(values.renderer ?? 'out/renderer');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// ---- setup --------------------------------------------------------------------------------------

if (!values.renderer && !fs.existsSync(path.join(rendererDir, 'index.html'))) {
  console.log('building the page (out/renderer)…');
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--config', 'build/electron.vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
if (!fs.existsSync(chromiumPath)) {
  console.error(`Chromium is not installed at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH).`);
  process.exit(1);
}
fs.mkdirSync(path.resolve('out/bench'), { recursive: true });
const file = path.resolve(`out/bench/list-${count}.sqlite`);
benchLibrary(file, count);

const db = openLibrary(file);
// Opening articles marks them read; start each run from the same state.
db.prepare('UPDATE articles SET is_read = 0 WHERE is_read = 1').run();
const host = await startWebHost({ db, port: 0, rendererDir });
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(`machine:  ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, Chromium ${browser.version()} (headless); load average ${os.loadavg()[0]!.toFixed(1)} at start`);
console.log(`library:  ${count.toLocaleString('en')} articles, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB; window 1440×900; page ${path.relative(process.cwd(), rendererDir) || rendererDir}`);
console.log('');

// ---- in-page instruments ------------------------------------------------------------------------

/**
 * Installed before the page's own scripts: collects long tasks and paint entries, and notes the
 * moment just after the frame that first shows a list row (rAF sees the row, the frame paints,
 * a message posted from rAF runs after that paint).
 */
function instruments(): void {
  type W = typeof window & { __bench: { longTasks: Array<{ start: number; duration: number }>; firstRow: number | null } };
  const w = window as W;
  w.__bench = { longTasks: [], firstRow: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const firstRow = () => {
    const listEl = document.querySelector('bs-app')?.shadowRoot?.querySelector('bs-article-list');
    return listEl?.shadowRoot?.querySelector('[role="option"]') ?? null;
  };
  const afterPaint = (cb: () => void) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = cb;
    ch.port2.postMessage(null);
  };
  const poll = () => {
    if (firstRow()) afterPaint(() => (w.__bench.firstRow = performance.now()));
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

interface LoadResult {
  firstRow: number;
  fcp: number | null;
  longest: number;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  await context.route('**/*', (route) => (route.request().url().startsWith(`http://127.0.0.1:${host.port}/`) ? route.continue() : route.abort()));
  const page = await context.newPage();
  await page.addInitScript(instruments);
  return page;
}

async function measureLoad(): Promise<LoadResult> {
  const page = await newPage();
  await page.goto(host.url);
  await page.waitForFunction(() => (window as unknown as { __bench: { firstRow: number | null } }).__bench.firstRow !== null, null, { timeout: 30_000 });
  const r = await page.evaluate(() => {
    const b = (window as unknown as { __bench: { firstRow: number; longTasks: Array<{ duration: number }> } }).__bench;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    return { firstRow: b.firstRow, fcp, longest: Math.max(0, ...b.longTasks.map((t) => t.duration)) };
  });
  await page.context().close();
  return r;
}

/** Presses j in the page (a real keydown on window, as the app listens) and times until the new article's heading is painted. */
function timeOpen(page: Page): Promise<{ ms: number; title: string }> {
  return page.evaluate(async () => {
    const app = document.querySelector('bs-app')!.shadowRoot!;
    const listRoot = app.querySelector('bs-article-list')!.shadowRoot!;
    const heading = () => app.querySelector('bs-reader')?.shadowRoot?.querySelector('article h1')?.textContent ?? null;
    const selectedTitle = () => {
      const box = listRoot.querySelector('[role="listbox"]')!;
      const id = box.getAttribute('aria-activedescendant');
      return id ? (listRoot.getElementById(id)?.querySelector('.title')?.textContent ?? null) : null;
    };
    const before = selectedTitle();
    const t0 = performance.now();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, cancelable: true }));
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const sel = selectedTitle();
      const h = heading();
      if (sel && sel !== before && h === sel) {
        // The heading is in the DOM at this frame; wait for that frame to be painted.
        await new Promise<void>((r) => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => r();
          ch.port2.postMessage(null);
        });
        return { ms: performance.now() - t0, title: h };
      }
      if (performance.now() - t0 > 10_000) throw new Error('the article did not open within 10 s');
    }
  });
}

interface ScrollResult {
  seconds: number;
  frames: number;
  rowsLoaded: number;
  rowsPassed: number;
  reachedEnd: boolean;
  longTasks: number[];
  /** Each long task with the number of rows loaded when it started. */
  longTaskRows: Array<{ duration: number; rows: number }>;
  worstFrames: number[];
}

/** Scrolls the list's scroll container by `step` px every frame until the end or the time budget. */
function scrollList(page: Page, step: number, budgetMs: number, total: number): Promise<ScrollResult> {
  return page.evaluate(
    async ({ step, budgetMs, total }) => {
      const b = (window as unknown as { __bench: { longTasks: Array<{ start: number; duration: number }> } }).__bench;
      const listEl = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list') as HTMLElement & { items: readonly unknown[] };
      const scroller = listEl.shadowRoot!.querySelector('[role="listbox"]') as HTMLElement;
      const rowHeight = (listEl.shadowRoot!.querySelector('[role="option"]') as HTMLElement).getBoundingClientRect().height;
      const t0 = performance.now();
      const gaps: number[] = [];
      let last = t0;
      let frames = 0;
      let stuckSince = t0;
      let lastTop = -1;
      const loadedAt: Array<[number, number]> = [];
      for (;;) {
        scroller.scrollTop += step;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        frames += 1;
        loadedAt.push([now, listEl.items.length]);
        const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
        if (atBottom && listEl.items.length >= total) break;
        if (scroller.scrollTop !== lastTop) {
          lastTop = scroller.scrollTop;
          stuckSince = now;
        } else if (now - stuckSince > 10_000) break; // waiting for a page that never comes
        if (now - t0 > budgetMs) break;
      }
      const elapsed = performance.now() - t0;
      gaps.sort((x, y) => y - x);
      return {
        seconds: elapsed / 1000,
        frames,
        rowsLoaded: listEl.items.length,
        rowsPassed: Math.round((scroller.scrollTop + scroller.clientHeight) / rowHeight),
        reachedEnd: listEl.items.length >= total && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2,
        longTasks: b.longTasks.filter((t) => t.start >= t0).map((t) => t.duration),
        longTaskRows: b.longTasks
          .filter((t) => t.start >= t0)
          .map((t) => ({ duration: t.duration, rows: (loadedAt.find(([at]) => at >= t.start) ?? loadedAt[loadedAt.length - 1] ?? [0, 0])[1] })),
        worstFrames: gaps.slice(0, 5),
      };
    },
    { step, budgetMs, total },
  );
}

// ---- report -------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

try {
  // Warm-up: the first Chromium page pays for process start-up, not the app.
  await measureLoad();

  const loadResults: LoadResult[] = [];
  for (let i = 0; i < loads; i++) loadResults.push(await measureLoad());
  const paints = loadResults.map((r) => r.firstRow);
  const fcps = loadResults.map((r) => r.fcp).filter((x): x is number => x !== null);
  console.log(`first list paint (${loads} fresh loads: navigation start → first row painted)`);
  console.log(`  median ${ms(median(paints))}, worst ${ms(Math.max(...paints))}   [${paints.map((x) => x.toFixed(0)).join(', ')}]`);
  if (fcps.length) console.log(`  (first contentful paint: median ${ms(median(fcps))}; longest task during load: ${ms(Math.max(...loadResults.map((r) => r.longest)))})`);
  console.log(`  target ≤ ${TARGET.firstPaint} ms (median): ${verdict(median(paints) <= TARGET.firstPaint)}; worst: ${verdict(Math.max(...paints) <= TARGET.firstPaint)}`);
  console.log('');

  const page = await newPage();
  await page.goto(host.url);
  await page.waitForFunction(() => (window as unknown as { __bench: { firstRow: number | null } }).__bench.firstRow !== null);
  await page.waitForTimeout(500); // let the sidebar counts arrive, as a person would
  const openTimes: number[] = [];
  for (let i = 0; i < opens; i++) openTimes.push((await timeOpen(page)).ms);
  console.log(`open an article (${opens} × j: key press → its heading painted in the reader)`);
  console.log(`  median ${ms(median(openTimes))}, worst ${ms(Math.max(...openTimes))}   [${openTimes.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  target ≤ ${TARGET.open} ms (median): ${verdict(median(openTimes) <= TARGET.open)}; worst: ${verdict(Math.max(...openTimes) <= TARGET.open)}`);
  console.log('');

  // Scroll from the top with the reader open (the normal three-pane state).
  await page.evaluate(() => {
    const listEl = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list')!;
    (listEl.shadowRoot!.querySelector('[role="listbox"]') as HTMLElement).scrollTop = 0;
  });
  await page.waitForTimeout(300);
  const cdp = values.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
  const s = await scrollList(page, stepPx, scrollSeconds * 1000, count);
  if (cdp) fs.writeFileSync(values.profile!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  const longest = Math.max(0, ...s.longTasks);
  console.log(`scrolling the whole list from the top (${stepPx} px a frame ≈ ${Math.round(stepPx / ROW_PX)} rows; pages of 200 load as it goes)`);
  console.log(
    `  ${s.reachedEnd ? 'reached the end' : `stopped at the ${scrollSeconds} s budget`}: ${s.rowsPassed.toLocaleString('en')} of ${count.toLocaleString('en')} rows scrolled past, ` +
      `${s.rowsLoaded.toLocaleString('en')} loaded, ${s.frames} frames in ${s.seconds.toFixed(1)} s (${(s.frames / s.seconds).toFixed(0)} fps)`,
  );
  console.log(`  long tasks: ${s.longTasks.length}; longest ${ms(longest)}; worst frame gaps ${s.worstFrames.map((x) => x.toFixed(0)).join(', ')} ms`);
  if (values.verbose) console.log(`  long tasks (duration @ rows loaded): ${s.longTaskRows.map((t) => `${t.duration.toFixed(0)}@${t.rows}`).join(' ') || 'none'}`);
  console.log(`  target: no task over ${TARGET.longTask} ms: ${verdict(longest <= TARGET.longTask)}${s.reachedEnd ? '' : ` (over the first ${s.rowsPassed.toLocaleString('en')} rows)`}`);

  // Then the way a person reads down a long list, where the first pass stopped (or, when it
  // reached the end, from 3,000 rows above it: there is nothing left to scroll at the end).
  const slowStep = 300;
  if (s.reachedEnd) {
    await page.evaluate((back) => {
      const listEl = document.querySelector('bs-app')!.shadowRoot!.querySelector('bs-article-list')!;
      (listEl.shadowRoot!.querySelector('[role="listbox"]') as HTMLElement).scrollTop -= back;
    }, 3000 * ROW_PX);
    await page.waitForTimeout(300);
  }
  const r = await scrollList(page, slowStep, 10_000, count);
  const slowLongest = Math.max(0, ...r.longTasks);
  console.log(`steady scrolling from ${s.reachedEnd ? '3,000 rows above the end' : 'there'} (${slowStep} px a frame ≈ ${Math.round(slowStep / ROW_PX)} rows, 10 s, ${s.rowsLoaded.toLocaleString('en')}+ rows loaded)`);
  console.log(`  ${r.frames} frames (${(r.frames / r.seconds).toFixed(0)} fps); long tasks: ${r.longTasks.length}; longest ${ms(slowLongest)}; worst frame gaps ${r.worstFrames.map((x) => x.toFixed(0)).join(', ')} ms`);
  if (values.verbose) console.log(`  long tasks (duration @ rows loaded): ${r.longTaskRows.map((t) => `${t.duration.toFixed(0)}@${t.rows}`).join(' ') || 'none'}`);
  console.log(`  target: no task over ${TARGET.longTask} ms: ${verdict(slowLongest <= TARGET.longTask)}`);
  await page.context().close();
} finally {
  await browser.close();
  await host.close();
  closeLibrary(db);
}
