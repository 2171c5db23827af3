import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { saveArticle } from '../db/articles.js';
import { backupLibrary, backupName } from '../db/backup.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { createLibraryMessageHandler, type LibraryHealth } from '../main/shell/library-messages.js';
import { checkLibraryAtStart } from '../main/shell/startup-check.js';
import { article, tempDir } from './helpers.js';

/** A library with articles, a good backup in backups/, then damaged in the middle. */
async function damagedLibrary(withBackup: boolean) {
  const dir = tempDir();
  const file = path.join(dir, 'library.sqlite');
  const db = openLibrary(file);
  for (let i = 0; i < 300; i++) saveArticle(db, article({ text: `Body ${i} `.repeat(300) }));
  if (withBackup) await backupLibrary(db, path.join(dir, 'backups', backupName(Date.UTC(2026, 10, 26, 8))));
  closeLibrary(db);
  const bytes = fs.readFileSync(file);
  bytes.fill(0x41, 16384, 16384 + 8 * 4096);
  fs.writeFileSync(file, bytes);
  return { dir, file };
}

/** The library as the worker sees it: the real message handler on the real file. */
function workerLibrary(file: string) {
  let library: ReturnType<typeof openLibrary> | Error;
  try {
    library = openLibrary(file);
  } catch (err) {
    library = err as Error;
  }
  const handler = createLibraryMessageHandler(library);
  return {
    check: async () => {
      const reply = await handler.handle({ id: 1, kind: 'check' });
      if (!reply || !reply.ok) throw new Error('check failed');
      return reply.result as LibraryHealth;
    },
    close: async () => void (await handler.handle({ id: 2, kind: 'close' })),
  };
}

describe('the start-up check', () => {
  it('lets a sound library through without a word', async () => {
    const file = path.join(tempDir(), 'library.sqlite');
    closeLibrary(openLibrary(file));
    const dialog = { showMessageBox: vi.fn() };
    const library = workerLibrary(file);
    expect(await checkLibraryAtStart({ library, file, dialog, relaunch: vi.fn() })).toBe('ok');
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    await library.close();
  });

  it('says what happened and restores the newest good backup, keeping the damaged file', async () => {
    const { dir, file } = await damagedLibrary(true);
    const damagedBytes = fs.readFileSync(file);
    const dialog = { showMessageBox: vi.fn().mockResolvedValue({ response: 0 }) };
    const relaunch = vi.fn();
    expect(await checkLibraryAtStart({ library: workerLibrary(file), file, dialog, relaunch })).toBe('restored');

    const shown = dialog.showMessageBox.mock.calls[0]![0];
    expect(shown.buttons).toEqual(['Restore the backup', 'Keep using this library', 'Quit']);
    expect(shown.detail).toMatch(/has not changed/);
    expect(shown.detail).toMatch(/holds 300 articles/);
    expect(relaunch).toHaveBeenCalledOnce();
    const kept = fs.readdirSync(dir).find((n) => n.startsWith('library.sqlite.damaged-'))!;
    expect(fs.readFileSync(path.join(dir, kept)).equals(damagedBytes)).toBe(true);
    const restored = openLibrary(file);
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(restored.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(300);
    closeLibrary(restored);
  });

  it('without a backup, never replaces anything: quitting leaves the file as it was', async () => {
    const { file } = await damagedLibrary(false);
    const before = fs.readFileSync(file);
    const dialog = { showMessageBox: vi.fn().mockResolvedValue({ response: 1 }) };
    const library = workerLibrary(file);
    expect(await checkLibraryAtStart({ library, file, dialog, relaunch: vi.fn() })).toBe('quit');
    expect(dialog.showMessageBox.mock.calls[0]![0].buttons).toEqual(['Keep using this library', 'Quit']);
    await library.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
