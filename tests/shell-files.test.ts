/**
 * The `saveFile` shell call (OPML export): the payload is checked before any dialog opens, the
 * system save dialog gets the suggested name, and the file is written atomically. Electron is the
 * fake of tests/shell-electron-fake.ts with a scripted save dialog.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcName } from '../preload/api.js';
import { suiteDir } from './shell-helpers.js';

type Mock = ReturnType<typeof vi.fn>;
const dialogState = vi.hoisted(() => ({ showSaveDialog: undefined as unknown as Mock, fromWebContents: undefined as unknown as Mock }));

vi.mock('electron', async () => {
  const fake = await import('./shell-electron-fake.js');
  const { vi: v } = await import('vitest');
  dialogState.showSaveDialog = v.fn();
  dialogState.fromWebContents = v.fn(() => null);
  class BrowserWindow extends fake.BrowserWindow {
    static fromWebContents = dialogState.fromWebContents;
  }
  return { ...fake, BrowserWindow, dialog: { ...fake.dialog, showSaveDialog: dialogState.showSaveDialog } };
});

const fake = await import('./shell-electron-fake.js');
const { registerIpc } = await import('../main/shell/ipc.js');
const { saveFile, saveFileSchema, writeFileAtomic, MAX_SAVE_FILE_BYTES } = await import('../main/shell/files.js');
const { openExternal } = await import('../main/shell/open-external.js');
const { pageTrust } = await import('../main/shell/origins.js');

const folder = suiteDir('broadsheet-files-');
const library = { call: vi.fn(async () => ({})) };
let unregister: () => void;

const OPML = '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Feeds — café</title></head><body/></opml>\n';

beforeEach(() => {
  fake.ipcMain.handlers.clear();
  unregister = registerIpc(fake.ipcMain as never, { library, openExternal, trust: pageTrust() });
  dialogState.showSaveDialog.mockReset();
  dialogState.fromWebContents.mockReset();
  dialogState.fromWebContents.mockImplementation(() => null);
  fake.app.setPath('documents', folder.dir);
});
afterEach(() => unregister());
afterAll(() => folder.remove());

function invoke(payload: unknown, event = fake.invokeEvent()) {
  const handler = fake.ipcMain.handlers.get(ipcName('saveFile'));
  if (!handler) throw new Error('saveFile is not registered');
  return handler(event, payload) as Promise<unknown>;
}

describe('saveFile over IPC', () => {
  it('shows the save dialog with the suggested name in Documents and writes the file', async () => {
    const target = path.join(folder.dir, 'chosen.opml');
    dialogState.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    await expect(invoke({ name: 'broadsheet-feeds.opml', content: OPML, mime: 'text/x-opml' })).resolves.toEqual({ saved: true });
    expect(fs.readFileSync(target, 'utf8')).toBe(OPML);
    const options = dialogState.showSaveDialog.mock.calls[0]!.at(-1) as { defaultPath: string; filters: { extensions: string[] }[] };
    expect(options.defaultPath).toBe(path.join(folder.dir, 'broadsheet-feeds.opml'));
    expect(options.filters[0]!.extensions).toEqual(['opml']);
    // Nothing left behind but the file itself.
    expect(fs.readdirSync(folder.dir).filter((f) => f.includes('chosen'))).toEqual(['chosen.opml']);
  });

  it('attaches the dialog to the calling window when there is one', async () => {
    const win = { id: 7 };
    dialogState.fromWebContents.mockImplementation(() => win);
    dialogState.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    await invoke({ name: 'feeds.opml', content: OPML, mime: 'text/x-opml' });
    expect(dialogState.showSaveDialog.mock.calls[0]![0]).toBe(win);
  });

  it('replaces an existing file whole', async () => {
    const target = path.join(folder.dir, 'replace.opml');
    fs.writeFileSync(target, 'old content that is longer than the new one '.repeat(100));
    dialogState.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    await expect(invoke({ name: 'replace.opml', content: OPML, mime: 'text/x-opml' })).resolves.toEqual({ saved: true });
    expect(fs.readFileSync(target, 'utf8')).toBe(OPML);
  });

  it('answers saved: false, cancelled: true when the dialog is cancelled, and writes nothing', async () => {
    const before = fs.readdirSync(folder.dir);
    dialogState.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    await expect(invoke({ name: 'feeds.opml', content: OPML, mime: 'text/x-opml' })).resolves.toEqual({ saved: false, cancelled: true });
    expect(fs.readdirSync(folder.dir)).toEqual(before);
  });

  it('rejects with a sentence when the folder cannot be written, and leaves no temporary file', async () => {
    const target = path.join(folder.dir, 'no-such-folder', 'feeds.opml');
    dialogState.showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    await expect(invoke({ name: 'feeds.opml', content: OPML, mime: 'text/x-opml' })).rejects.toThrow(/^Could not save feeds\.opml: the folder does not exist\.$/);
    expect(fs.readdirSync(folder.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a name with a folder', { name: '../../.bashrc', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['a name with a slash', { name: 'a/b.opml', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['a name with a backslash', { name: 'a\\b.opml', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['an absolute Windows path', { name: 'C:\\x.opml', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['a hidden file', { name: '.profile', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['a NUL in the name', { name: 'a\u0000.opml', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['an empty name', { name: '', content: 'x', mime: 'text/plain' }, /saveFile \(name\)/],
    ['content that is not text', { name: 'a.opml', content: 42, mime: 'text/plain' }, /saveFile \(content\)/],
    ['too much content', { name: 'a.opml', content: 'x'.repeat(MAX_SAVE_FILE_BYTES + 1), mime: 'text/plain' }, /saveFile \(content\)/],
    ['too many bytes (multi-byte text)', { name: 'a.opml', content: 'é'.repeat(MAX_SAVE_FILE_BYTES / 2 + 1), mime: 'text/plain' }, /at most 10 MB/],
    ['a strange media type', { name: 'a.opml', content: 'x', mime: 'text/html; <script>' }, /saveFile \(mime\)/],
    ['an extra field', { name: 'a.opml', content: 'x', mime: 'text/plain', path: '/etc/passwd' }, /invalid request for saveFile/],
    ['not an object', 'feeds.opml', /invalid request for saveFile/],
  ];
  it.each(bad)('refuses %s before any dialog opens', async (_what, payload, message) => {
    await expect(invoke(payload)).rejects.toThrow(message);
    expect(dialogState.showSaveDialog).not.toHaveBeenCalled();
  });

  it('refuses a call from a foreign page before looking at it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(invoke({ name: 'a.opml', content: 'x', mime: 'text/plain' }, fake.invokeEvent({ url: 'https://evil.example/' }))).rejects.toThrow(/refused/);
    warn.mockRestore();
    expect(dialogState.showSaveDialog).not.toHaveBeenCalled();
  });
});

describe('the pieces', () => {
  it('accepts ordinary names', () => {
    for (const name of ['broadsheet-feeds.opml', 'My feeds (2024).xml', 'café.opml']) {
      expect(saveFileSchema.safeParse({ name, content: '', mime: 'text/x-opml' }).success, name).toBe(true);
    }
  });

  it('writeFileAtomic writes through a temporary file in the same folder', async () => {
    const target = path.join(folder.dir, 'atomic.txt');
    const rename = vi.spyOn(fs.promises, 'rename');
    await writeFileAtomic(target, 'hello');
    expect(fs.readFileSync(target, 'utf8')).toBe('hello');
    const [from, to] = rename.mock.calls[0]!;
    expect(path.dirname(String(from))).toBe(folder.dir);
    expect(String(from)).toMatch(/\.tmp$/);
    expect(to).toBe(target);
    rename.mockRestore();
  });

  it('saveFile without a window still shows the dialog', async () => {
    dialogState.showSaveDialog.mockResolvedValue({ canceled: true });
    await expect(saveFile({ name: 'x.opml', content: '', mime: 'text/x-opml' }, null)).resolves.toEqual({ saved: false, cancelled: true });
    expect(dialogState.showSaveDialog.mock.calls[0]).toHaveLength(1);
  });
});
