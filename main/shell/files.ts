import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, app, dialog, type WebContents } from 'electron';
import { z } from 'zod';
import type { SaveFileRequest, SaveFileResult } from '../../preload/api.js';

/**
 * The `saveFile` shell call: the page hands over a suggested name and the text (an OPML export),
 * the person picks where it goes in the system's save dialog, and the file is written atomically
 * (a temporary file next to it, flushed, then renamed over the target). The page never names a
 * folder: a name with a path separator is refused before any dialog opens.
 */

/** More than any export the app makes; a bigger "file" is a bug or an attack. */
export const MAX_SAVE_FILE_BYTES = 10 * 1024 * 1024;

// C0 controls, DEL, and the characters Windows refuses in file names.
// eslint-disable-next-line no-control-regex
const BAD_NAME_CHARS = /[\u0000-\u001f\u007f/\\:*?"<>|]/;

export const saveFileSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(255)
      .refine((n) => !BAD_NAME_CHARS.test(n), { message: 'a file name without folders or special characters' })
      .refine((n) => n.trim() === n && n !== '.' && n !== '..' && !n.startsWith('.'), { message: 'a plain file name' }),
    content: z
      .string()
      .max(MAX_SAVE_FILE_BYTES)
      .refine((c) => Buffer.byteLength(c, 'utf8') <= MAX_SAVE_FILE_BYTES, { message: `at most ${MAX_SAVE_FILE_BYTES / 1024 / 1024} MB` }),
    mime: z.string().max(100).regex(/^[\w.+-]+\/[\w.+-]+$/, { message: 'a media type such as text/x-opml' }),
  })
  .strict();

/** The dialog's file-type filter, from the suggested name's extension. */
function filtersFor(name: string): Electron.FileFilter[] {
  const ext = path.extname(name).slice(1).toLowerCase();
  const filters: Electron.FileFilter[] = [];
  if (/^[a-z0-9]{1,10}$/.test(ext)) filters.push({ name: `${ext.toUpperCase()} file`, extensions: [ext] });
  filters.push({ name: 'All files', extensions: ['*'] });
  return filters;
}

function defaultFolder(): string | null {
  for (const name of ['documents', 'downloads', 'home'] as const) {
    try {
      return app.getPath(name);
    } catch {
      // not known on this system: try the next
    }
  }
  return null;
}

/** Writes `content` to `target` so that the file is either the old one or the whole new one. */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

/**
 * Shows the save dialog (attached to the window the call came from) and writes the file. The
 * request must already be validated (saveFileSchema). Rejects with a sentence when writing fails.
 */
export async function saveFile(req: SaveFileRequest, sender?: WebContents | null): Promise<SaveFileResult> {
  const owner = sender ? BrowserWindow.fromWebContents(sender) : null;
  const folder = defaultFolder();
  const options: Electron.SaveDialogOptions = {
    title: 'Save',
    defaultPath: folder ? path.join(folder, req.name) : req.name,
    filters: filtersFor(req.name),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
  const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { saved: false, cancelled: true };
  try {
    await writeFileAtomic(choice.filePath, req.content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : code === 'ENOENT' ? 'the folder does not exist' : (err as Error).message;
    throw new Error(`Could not save ${path.basename(choice.filePath)}: ${why}.`);
  }
  return { saved: true };
}
