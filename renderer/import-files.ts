import type { BroadsheetBridge, ImportFile, ImportOutcome, ImportResult } from '../preload/api.js';

/** What the file picker offers; the library decides for real by the extension. */
export const IMPORT_ACCEPT = '.txt,.md,.markdown,.html,.htm';
/** The library refuses bigger files; say so without reading them. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Stay well under the API's per-call limits (500 files, 64 MB). */
const BATCH_FILES = 100;
const BATCH_BYTES = 24 * 1024 * 1024;

/**
 * Reads the chosen files as text and sends them to the library in batches. Files that cannot be
 * read become "failed" lines; the results come back in the order the files were chosen.
 */
export async function importChosenFiles(bridge: BroadsheetBridge, files: readonly File[]): Promise<ImportResult> {
  const items: ImportOutcome[] = [];
  let batch: ImportFile[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    const sent = batch;
    batch = [];
    bytes = 0;
    try {
      const result = await bridge.invoke('importFiles', { files: sent });
      items.push(...result.items);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      items.push(...sent.map((f): ImportOutcome => ({ name: f.name, status: 'failed', reason })));
    }
  };
  for (const file of files) {
    if (file.size > MAX_FILE_BYTES) {
      items.push({ name: file.name, status: 'failed', reason: `too large (${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 16 MB)` });
      continue;
    }
    let content: string;
    try {
      content = await file.text();
    } catch {
      items.push({ name: file.name, status: 'failed', reason: 'could not be read' });
      continue;
    }
    if (batch.length >= BATCH_FILES || bytes + content.length > BATCH_BYTES) await flush();
    batch.push({ name: file.name, content });
    bytes += content.length;
  }
  await flush();
  return {
    imported: items.filter((i) => i.status === 'imported').length,
    duplicates: items.filter((i) => i.status === 'duplicate').length,
    failed: items.filter((i) => i.status === 'failed').length,
    items,
  };
}

/** "2 imported, 1 duplicate, 1 failed" */
export function summarizeImport(r: ImportResult): string {
  const parts = [`${r.imported} imported`];
  if (r.duplicates) parts.push(`${r.duplicates} ${r.duplicates === 1 ? 'duplicate' : 'duplicates'}`);
  if (r.failed) parts.push(`${r.failed} failed`);
  return parts.join(', ');
}
