import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, ipcName } from '../preload/api.js';
import { LibraryClient } from '../main/shell/library-client.js';
import { buildShellOut, suiteDir } from './shell-helpers.js';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const fake = await import('./shell-electron-fake.js');
const { registerIpc, senderRefusal } = await import('../main/shell/ipc.js');
const { openExternal } = await import('../main/shell/open-external.js');
const { pageTrust } = await import('../main/shell/origins.js');

const trust = pageTrust();
let built: Awaited<ReturnType<typeof buildShellOut>>;
const folder = suiteDir('broadsheet-ipc-');
let client: LibraryClient;
/** The real worker client, watched: a refused call must never reach it. */
const library = { call: vi.fn((channel: string, payload: unknown) => client.call(channel, payload)) };
let unregister: () => void;

beforeAll(async () => {
  built = await buildShellOut();
  client = new LibraryClient({ file: path.join(folder.dir, 'library.sqlite'), workerUrl: built.workerUrl });
  unregister = registerIpc(fake.ipcMain as never, { library, openExternal, trust });
});
afterAll(async () => {
  unregister();
  await client.close();
  built.remove();
  folder.remove();
});
beforeEach(() => {
  library.call.mockClear();
  fake.shell.openExternal.mockClear();
});

/** What ipcRenderer.invoke(ipcName(channel), payload) does from a page: runs the handler. */
async function invoke(channel: string, payload: unknown, event = fake.invokeEvent()) {
  const handler = fake.ipcMain.handlers.get(ipcName(channel as never));
  if (!handler) throw new Error(`No handler registered for '${ipcName(channel as never)}'`);
  return handler(event, payload);
}

describe('registration', () => {
  it('handles exactly the channels of the contract, namespaced', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(CHANNELS.map(ipcName).sort());
  });

  it('has no handler for anything else', async () => {
    for (const c of ['dropTables', 'eval', '__proto__', 'constructor', '']) {
      expect(fake.ipcMain.handlers.has(ipcName(c as never))).toBe(false);
      await expect(invoke(c, {})).rejects.toThrow(/No handler registered/);
    }
    expect(fake.ipcMain.handlers.has('listArticles')).toBe(false);
  });

  it('can remove every handler again', () => {
    const handlers = new Map<string, unknown>();
    const local = {
      handle: (c: string, h: unknown) => void handlers.set(c, h),
      removeHandler: (c: string) => void handlers.delete(c),
    };
    const off = registerIpc(local as never, { library, openExternal, trust });
    expect(handlers.size).toBe(CHANNELS.length);
    off();
    expect(handlers.size).toBe(0);
  });
});

describe('sender validation', () => {
  const refused: [string, ReturnType<typeof fake.invokeEvent>][] = [
    ['a sub-frame of our page', fake.invokeEvent({ subframe: true })],
    ['a top frame that is not the sender’s main frame', fake.invokeEvent({ foreignMainFrame: true })],
    ['a frame that is gone', fake.invokeEvent({ noFrame: true })],
    ['https://evil.example', fake.invokeEvent({ url: 'https://evil.example/' })],
    ['file://', fake.invokeEvent({ url: 'file:///home/user/evil.html' })],
    ['app://evil', fake.invokeEvent({ url: 'app://evil/index.html' })],
    ['app://broadsheet.evil.example', fake.invokeEvent({ url: 'app://broadsheet.evil.example/' })],
    ['app:// with credentials', fake.invokeEvent({ url: 'app://user:pw@broadsheet/index.html' })],
    ['a dev server when none is trusted', fake.invokeEvent({ url: 'http://localhost:5173/' })],
    ['about:blank', fake.invokeEvent({ url: 'about:blank' })],
    ['data:', fake.invokeEvent({ url: 'data:text/html,hi' })],
    ['an empty url', fake.invokeEvent({ url: '' })],
  ];

  it.each(refused)('refuses %s, and the call goes nowhere', async (_name, event) => {
    expect(senderRefusal(event as never, trust)).toBeTypeOf('string');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(invoke('sidebar', {}, event)).rejects.toThrow(/^Broadsheet refused the call: /);
    await expect(invoke('openExternal', { url: 'https://example.com' }, event)).rejects.toThrow(/refused/);
    warn.mockRestore();
    expect(library.call).not.toHaveBeenCalled();
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses a frame that throws when read (disposed)', () => {
    const event = {
      sender: { mainFrame: {} },
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(senderRefusal(event as never, trust)).toMatch(/could not be identified/);
  });

  it('accepts the main frame of app://broadsheet', async () => {
    expect(senderRefusal(fake.invokeEvent() as never, trust)).toBeNull();
    expect(senderRefusal(fake.invokeEvent({ url: 'app://broadsheet/index.html#x' }) as never, trust)).toBeNull();
    await expect(invoke('sidebar', {})).resolves.toMatchObject({ all: expect.any(Number) });
  });
});

describe('library calls through the worker', () => {
  it('answers calls with the handler table’s results', async () => {
    const { id } = (await invoke('addSample', {})) as { id: number };
    const article = (await invoke('getArticle', { id })) as { id: number; title: string };
    expect(article.id).toBe(id);
    expect(await invoke('setStarred', { id, starred: true })).toEqual({ ok: true });
    const page = (await invoke('listArticles', { filter: 'starred' })) as { rows: { id: number }[] };
    expect(page.rows.map((r) => r.id)).toEqual([id]);
    expect(await invoke('setSettings', { theme: 'sepia' })).toMatchObject({ theme: 'sepia' });
    expect(await invoke('getSettings', {})).toMatchObject({ theme: 'sepia' });
  });

  const bad: [string, unknown, RegExp][] = [
    ['getArticle', { id: 'seven' }, /^invalid request for getArticle \(id\): /],
    ['getArticle', {}, /^invalid request for getArticle \(id\)/],
    ['getArticle', { id: 1.5 }, /getArticle \(id\)/],
    ['getArticle', { id: 1, drop: true }, /invalid request for getArticle/],
    ['setRead', { id: 1 }, /setRead \(read\)/],
    ['setRead', { id: 1, read: 'yes' }, /setRead \(read\)/],
    ['listArticles', { limit: 10_000 }, /listArticles \(limit\)/],
    ['listArticles', { filter: 'deleted' }, /listArticles \(filter\)/],
    ['listArticles', { after: { sortAt: 'x', id: 1 } }, /listArticles \(after.sortAt\)/],
    ['search', { query: 'x'.repeat(10_001) }, /search \(query\)/],
    ['search', { query: 42 }, /search \(query\)/],
    ['setSettings', { fontSize: 1000 }, /setSettings \(fontSize\)/],
    ['importFiles', { files: [] }, /importFiles \(files\)/],
    ['importFiles', { files: Array.from({ length: 501 }, (_, i) => ({ name: `${i}.txt`, content: 'x' })) }, /importFiles \(files\)/],
    ['importFiles', { files: [{ name: 'a.txt', content: 'x'.repeat(64 * 1024 * 1024 + 1) }] }, /at most 64 MB/],
    ['sidebar', 'a string', /invalid request for sidebar/],
    ['sidebar', [1, 2], /invalid request for sidebar/],
    ['sidebar', { extra: 1 }, /invalid request for sidebar/],
    ['addSample', 42, /invalid request for addSample/],
  ];

  it.each(bad)('%s %j → a clear error', async (channel, payload, message) => {
    const err = (await invoke(channel, payload).then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toMatch(/\n\s+at |ApiError|ZodError/);
  });

  it('still works after all of that', async () => {
    await expect(invoke('sidebar', undefined)).resolves.toMatchObject({ all: expect.any(Number) });
    await expect(invoke('sidebar', null)).resolves.toMatchObject({ all: expect.any(Number) });
  });
});

describe('openExternal over IPC', () => {
  it('opens an http(s) link and says so', async () => {
    await expect(invoke('openExternal', { url: 'HTTPS://EXAMPLE.COM' })).resolves.toEqual({ opened: true });
    expect(fake.shell.openExternal.mock.calls.map((c) => c[0])).toEqual(['https://example.com/']);
    expect(library.call).not.toHaveBeenCalled();
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', ' https://example.com', 'https://user:pw@example.com', 'myapp://x'])(
    'answers {opened: false} for %j without calling the system',
    async (url) => {
      await expect(invoke('openExternal', { url })).resolves.toEqual({ opened: false });
      expect(fake.shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it.each([
    [{ url: 42 }, /^invalid request for openExternal \(url\)/],
    [{}, /openExternal \(url\)/],
    [{ url: 'https://example.com', target: '_blank' }, /invalid request for openExternal/],
    [{ url: `https://example.com/${'a'.repeat(9000)}` }, /openExternal \(url\)/],
    ['https://example.com', /invalid request for openExternal/],
  ])('refuses the payload %j with a clear error', async (payload, message) => {
    await expect(invoke('openExternal', payload)).rejects.toThrow(message);
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });
});
