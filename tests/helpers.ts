import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { ArticleInput } from '../db/articles.js';

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
