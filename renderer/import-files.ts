import type { BroadsheetBridge, ImportFile, ImportOutcome, ImportResult } from '../preload/api.js';

/** What the file picker offers; the library decides for real by the extension. */
export const IMPORT_ACCEPT = '.txt,.md,.markdown,.html,.htm';
/** The library refuses bigger files; say so without reading them. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Stay well under the API's per-call limits (500 files, 64 MB). */
const BATCH_FILES = 100;
const BATCH_BYTES = 24 * 1024 * 1024;

/**
 * Reads the chosen files and sends their bytes to the library in batches. Bytes, not text: the
 * library reads a page's <meta charset> and refuses binary and invalid UTF-8 as `broadsheet import`
 * does (File.text() decoded everything as UTF-8, so a windows-1252 page came out as "Caf�").
 * Files that cannot be read become "failed" lines; the results come back in the order chosen.
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
    let data: string;
    try {
      data = await readAsBase64(file);
    } catch {
      items.push({ name: file.name, status: 'failed', reason: 'could not be read' });
      continue;
    }
    if (batch.length >= BATCH_FILES || bytes + data.length > BATCH_BYTES) await flush();
    batch.push({ name: file.name, data });
    bytes += data.length;
  }
  await flush();
  return {
    imported: items.filter((i) => i.status === 'imported').length,
    duplicates: items.filter((i) => i.status === 'duplicate').length,
    failed: items.filter((i) => i.status === 'failed').length,
    items,
  };
}

/** The file's bytes as base64, through the browser's own encoder (a data: URL). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('could not be read'));
    reader.readAsDataURL(file);
  });
}

/** "2 imported, 1 duplicate, 1 failed" */
export function summarizeImport(r: ImportResult): string {
  const parts = [`${r.imported} imported`];
  if (r.duplicates) parts.push(`${r.duplicates} ${r.duplicates === 1 ? 'duplicate' : 'duplicates'}`);
  if (r.failed) parts.push(`${r.failed} failed`);
  return parts.join(', ');
}
