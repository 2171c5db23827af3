import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readArticleFile } from '../main/ingest/file.js';
import { makeCorpus } from './corpus.js';
async function loop(files: string[]) { const t0 = performance.now(); for (const f of files) await readArticleFile(f); return performance.now() - t0; }
if (isMainThread) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsw-')); const files: string[] = [];
  for (const a of makeCorpus(4000)) { const f = path.join(dir, a.name); fs.writeFileSync(f, a.text); files.push(f); }
  for (const young of [0, 64]) {
    const w = new Worker(new URL(import.meta.url), { workerData: files, resourceLimits: young ? { maxYoungGenerationSizeMb: young } : {} });
    const ms = await new Promise<number>((r) => w.on('message', r)); console.log(`worker young=${young}: ${(4000 / ms * 1000).toFixed(0)}/s (second pass)`); await w.terminate();
  }
  await loop(files); const ms = await loop(files); console.log(`main thread: ${(4000 / ms * 1000).toFixed(0)}/s (second pass)`);
  fs.rmSync(dir, { recursive: true });
} else {
  await loop(workerData); parentPort!.postMessage(await loop(workerData));
}
