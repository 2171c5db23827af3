/**
 * Shared setup for the shell tests: a real temporary library, and the library worker built the
 * way electron-vite builds it (one ESM file, packages left to node_modules) so that it can run in
 * a real worker_threads Worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { closeLibrary, openLibrary } from '../db/library.js';
import { storeImage } from '../db/images.js';
import { REPO } from './helpers.js';

/**
 * A folder laid out like out/ (main/library-worker.js; add renderer/ as needed). It lives under
 * node_modules/.cache so that the worker's bare imports (better-sqlite3, zod…) resolve.
 */
export async function buildShellOut(): Promise<{ outDir: string; workerUrl: URL; remove(): void }> {
  const base = path.join(REPO, 'node_modules', '.cache', 'broadsheet-shell-tests');
  fs.mkdirSync(base, { recursive: true });
  const outDir = fs.mkdtempSync(path.join(base, 'out-'));
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  await build({
    absWorkingDir: REPO,
    entryPoints: { 'main/library-worker': 'main/shell/library-worker.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  const worker = path.join(outDir, 'main', 'library-worker.js');
  return {
    outDir,
    workerUrl: pathToFileURL(worker),
    remove: () => fs.rmSync(outDir, { recursive: true, force: true }),
  };
}

/**
 * A temporary folder for a whole describe block (helpers.tempDir() folders are removed after
 * each test, too early for a library a beforeAll opened). Remove it in afterAll.
 */
export function suiteDir(prefix = 'broadsheet-shell-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The 1×1 PNG every image test stores. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Creates a library file with one stored image; returns the image's hash. */
export function libraryWithImage(file: string, mime = 'image/png', bytes: Uint8Array = PNG_1x1): string {
  const db = openLibrary(file);
  try {
    return storeImage(db, { bytes, mime, width: 1, height: 1 });
  } finally {
    closeLibrary(db);
  }
}
