import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { ArticleInput } from '../db/articles.js';
import type { Database } from '../db/library.js';
import type { startWebHost } from '../main/web/server.js';

const dirs: string[] = [];

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'broadsheet-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export const REPO = path.resolve(new URL('..', import.meta.url).pathname);
export const SHARED_FIXTURE = path.resolve(REPO, '../shared/fixtures/articles/belarus-nato-or-russia.txt');

let n = 0;
/** A plausible article for storage tests; every call is distinct unless overridden. */
export function article(over: Partial<ArticleInput> = {}): ArticleInput {
  n += 1;
  return {
    title: `Article ${n}`,
    source: 'Test Wire',
    author: null,
    attribution: null,
    url: null,
    publishedAt: null,
    lead: `Lead of article ${n}.`,
    html: `<p>Body of article ${n}.</p>`,
    text: `Body of article ${n}.`,
    figures: [],
    ...over,
  };
}

/**
 * The web host (what the app's page talks to) over `db`, with a stand-in page, and `call` to use
 * its API as the page does. Close the host when done.
 */
export async function apiHost(db: Database): Promise<{
  host: Awaited<ReturnType<typeof startWebHost>>;
  call: (channel: string, body: unknown) => Promise<{ ok: boolean; error?: string; result?: unknown }>;
}> {
  const rendererDir = path.join(tempDir(), 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
  // Loaded here, not with this file: most tests that use these helpers never start a host.
  const { startWebHost: start } = await import('../main/web/server.js');
  const host = await start({ db, rendererDir });
  const call = async (channel: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-broadsheet-token': host.token },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; error?: string; result?: unknown };
  };
  return { host, call };
}
