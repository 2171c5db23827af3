import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openLibrary, SCHEMA_VERSION } from '../db/library.js';
import { createLibraryMessageHandler, transferablesOf, type WorkerReply } from '../main/shell/library-messages.js';
import { LibraryClient } from '../main/shell/library-client.js';
import { tempDir } from './helpers.js';
import { buildShellOut, libraryWithImage, PNG_1x1 } from './shell-helpers.js';

const okResult = (reply: WorkerReply | null) => {
  expect(reply).not.toBeNull();
  if (!reply!.ok) throw new Error(`expected ok, got error: ${reply!.error}`);
  return reply!.result as any;
};
const errorOf = (reply: WorkerReply | null) => {
  expect(reply).not.toBeNull();
  if (reply!.ok) throw new Error(`expected an error, got ${JSON.stringify(reply!.result)}`);
  return reply!.error;
};

function libraryFile(): string {
  return path.join(tempDir('broadsheet-shell-'), 'library.sqlite');
}

describe('the library worker’s message handling (no thread)', () => {
  it('runs calls of the handler table on a real library', async () => {
    const db = openLibrary(libraryFile());
    const h = createLibraryMessageHandler(db);
    expect(okResult(await h.handle({ id: 1, kind: 'call', channel: 'sidebar', payload: {} }))).toMatchObject({ all: 0, unread: 0 });
    const { id } = okResult(await h.handle({ id: 2, kind: 'call', channel: 'addSample', payload: {} }));
    expect(id).toBeGreaterThan(0);
    const article = okResult(await h.handle({ id: 3, kind: 'call', channel: 'getArticle', payload: { id } }));
    expect(article.id).toBe(id);
    expect(typeof article.title).toBe('string');
    // The id of the reply is the id of the request.
    expect((await h.handle({ id: 77, kind: 'call', channel: 'sidebar', payload: {} }))!.id).toBe(77);
    await h.handle({ id: 4, kind: 'close' });
  });

  it('answers bad payloads and unknown channels with a sentence, and keeps working', async () => {
    const h = createLibraryMessageHandler(openLibrary(libraryFile()));
    expect(errorOf(await h.handle({ id: 1, kind: 'call', channel: 'getArticle', payload: { id: 'seven' } }))).toMatch(
      /invalid request for getArticle \(id\)/,
    );
    expect(errorOf(await h.handle({ id: 2, kind: 'call', channel: 'getArticle', payload: {} }))).toMatch(/getArticle \(id\)/);
    expect(errorOf(await h.handle({ id: 3, kind: 'call', channel: 'setRead', payload: { id: 1, read: 'yes', extra: 1 } }))).toMatch(
      /invalid request for setRead/,
    );
    expect(errorOf(await h.handle({ id: 4, kind: 'call', channel: 'search', payload: { query: 'x'.repeat(10_001) } }))).toMatch(
      /invalid request for search \(query\)/,
    );
    expect(errorOf(await h.handle({ id: 5, kind: 'call', channel: 'dropTables', payload: {} }))).toMatch(/unknown call "dropTables"/);
    expect(errorOf(await h.handle({ id: 6, kind: 'call', channel: 'openExternal', payload: { url: 'https://x' } }))).toMatch(
      /unknown call/,
    );
    expect(errorOf(await h.handle({ id: 7, kind: 'call', channel: 'sidebar', payload: 'not an object' }))).toMatch(/invalid request/);
    // Still fine afterwards.
    expect(okResult(await h.handle({ id: 8, kind: 'call', channel: 'sidebar', payload: {} }))).toMatchObject({ all: 0 });
    await h.handle({ id: 9, kind: 'close' });
  });

  it('ignores messages without an id and refuses unknown kinds', async () => {
    const h = createLibraryMessageHandler(openLibrary(libraryFile()));
    for (const junk of [null, undefined, 'sidebar', 42, {}, { id: 'one' }, { id: 1.5 }, { id: Number.NaN }]) {
      await expect(h.handle(junk)).resolves.toBeNull();
    }
    expect(errorOf(await h.handle({ id: 1, kind: 'drop' }))).toMatch(/did not understand/);
    expect(errorOf(await h.handle({ id: 2, kind: 'image', hash: 42 }))).toMatch(/did not understand/);
    expect(errorOf(await h.handle({ id: 3, kind: 'call', channel: 42 }))).toMatch(/did not understand/);
    await h.handle({ id: 4, kind: 'close' });
  });

  it('looks up stored images by hash, as a transferable copy', async () => {
    const file = libraryFile();
    const hash = libraryWithImage(file);
    const h = createLibraryMessageHandler(openLibrary(file));
    const reply = await h.handle({ id: 1, kind: 'image', hash });
    const img = okResult(reply);
    expect(img.mime).toBe('image/png');
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(img.data).equals(PNG_1x1)).toBe(true);
    expect(transferablesOf(reply!)).toEqual([img.data.buffer]);
    expect(okResult(await h.handle({ id: 2, kind: 'image', hash: 'f'.repeat(64) }))).toBeNull();
    expect(okResult(await h.handle({ id: 3, kind: 'image', hash: '../../etc/passwd' }))).toBeNull();
    expect(transferablesOf({ id: 4, ok: true, result: null })).toEqual([]);
    await h.handle({ id: 5, kind: 'close' });
  });

  it('closes the library after running calls finish, then refuses calls', async () => {
    const db = openLibrary(libraryFile());
    const h = createLibraryMessageHandler(db);
    const importing = h.handle({
      id: 1,
      kind: 'call',
      channel: 'importFiles',
      payload: { files: [{ name: 'note.md', content: '# Kept\n\nThis article is saved before the library closes.' }] },
    });
    const closing = h.handle({ id: 2, kind: 'close' });
    expect(okResult(await importing)).toMatchObject({ imported: 1 });
    expect(okResult(await closing)).toBeNull();
    expect(h.closed).toBe(true);
    expect(db.open).toBe(false);
    expect(errorOf(await h.handle({ id: 3, kind: 'call', channel: 'sidebar', payload: {} }))).toMatch(/closed/);
  });

  it('answers every call with the reason when the library could not be opened', async () => {
    const h = createLibraryMessageHandler(new Error('/x/library.sqlite: this library was written by a newer version'));
    expect(errorOf(await h.handle({ id: 1, kind: 'call', channel: 'sidebar', payload: {} }))).toMatch(/newer version/);
    expect(errorOf(await h.handle({ id: 2, kind: 'image', hash: 'a'.repeat(64) }))).toMatch(/newer version/);
    expect(okResult(await h.handle({ id: 3, kind: 'close' }))).toBeNull();
  });
});

describe('the library worker in a real worker thread', () => {
  let built: Awaited<ReturnType<typeof buildShellOut>>;
  const clients: LibraryClient[] = [];
  const client = (opts: ConstructorParameters<typeof LibraryClient>[0]) => {
    const c = new LibraryClient(opts);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    built = await buildShellOut();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    built.remove();
  });

  it('answers calls, correlates concurrent replies, serves images and closes the file', async () => {
    const file = libraryFile();
    const hash = libraryWithImage(file);
    const lib = client({ file, workerUrl: built.workerUrl });

    expect(await lib.call('sidebar', {})).toMatchObject({ all: 0 });
    const imported = (await lib.call('importFiles', {
      files: Array.from({ length: 5 }, (_, i) => ({ name: `n${i}.md`, content: `# Note number ${i}\n\nBody ${i} of the note.` })),
    })) as { items: { id: number; title: string }[] };
    const ids = imported.items.map((i) => i.id);
    // Many calls in flight at once: each reply reaches its own caller.
    const articles = (await Promise.all(ids.map((id) => lib.call('getArticle', { id })))) as { id: number; title: string }[];
    expect(articles.map((a) => a.id)).toEqual(ids);
    expect(articles.map((a) => a.title)).toEqual(imported.items.map((i) => i.title));

    const img = await lib.image(hash);
    expect(img?.mime).toBe('image/png');
    expect(img?.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(img!.data).equals(PNG_1x1)).toBe(true);
    expect(await lib.image('0'.repeat(64))).toBeNull();

    await expect(lib.call('getArticle', { id: -1 })).rejects.toThrow(/invalid request for getArticle \(id\)/);
    await expect(lib.call('nope', {})).rejects.toThrow(/unknown call "nope"/);
    // The error is the message only: no stack, no class name.
    const err = await lib.call('setRead', {}).catch((e: Error) => e);
    expect((err as Error).message).not.toMatch(/ApiError|\n\s+at /);

    await lib.close();
    await expect(lib.call('sidebar', {})).rejects.toThrow(/closed/);
    // Closed cleanly: the last connection checkpointed and removed the WAL file, and another
    // connection sees everything that was saved.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const db = new BetterSqlite3(file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n).toBe(5);
    db.close();
  });

  it('passes the native binding through workerData (a wrong one is reported, not a crash)', async () => {
    const lib = client({ file: libraryFile(), workerUrl: built.workerUrl, nativeBinding: path.join(tempDir(), 'missing.node') });
    await expect(lib.call('sidebar', {})).rejects.toThrow(/cannot open the library/);
    await lib.close();
  });

  it('reports a library from a newer version on every call, and leaves the file alone', async () => {
    const file = libraryFile();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    raw.close();
    const before = fs.readFileSync(file);
    const lib = client({ file, workerUrl: built.workerUrl });
    await expect(lib.call('sidebar', {})).rejects.toThrow(/newer version of Broadsheet/);
    await expect(lib.image('a'.repeat(64))).rejects.toThrow(/newer version/);
    await lib.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('starts a killed worker again once, and the next call works', async () => {
    const lib = client({ file: libraryFile(), workerUrl: built.workerUrl });
    expect(await lib.call('sidebar', {})).toMatchObject({ all: 0 });
    await (lib as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await vi.waitFor(() => expect(lib.restartCount).toBe(1), { timeout: 10_000 });
    expect(await lib.call('sidebar', {})).toMatchObject({ all: 0 });
    await lib.close();
  });

  it('rejects waiting calls with a clear error when the worker dies, restarts once, then gives up', async () => {
    // A stand-in worker that crashes on every message.
    const crashing = path.join(built.outDir, 'crashing-worker.js');
    fs.writeFileSync(
      crashing,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('disk on fire'); });\n",
    );
    const lib = client({ file: libraryFile(), workerUrl: pathToFileURL(crashing) });
    const both = [lib.call('sidebar', {}), lib.call('listArticles', {})];
    for (const p of both) await expect(p).rejects.toThrow('The library stopped unexpectedly (disk on fire). Please try again.');
    expect(lib.restartCount).toBe(1);
    await expect(lib.call('sidebar', {})).rejects.toThrow(/stopped unexpectedly \(disk on fire\)/);
    await expect(lib.call('sidebar', {})).rejects.toThrow(/The library is not available: it stopped twice \(disk on fire\); restart Broadsheet/);
    expect(lib.restartCount).toBe(1);
    await lib.close();
  });

  it('gives each caller its own reply when replies come back out of order', async () => {
    // A stand-in worker that holds three requests and answers them last to first.
    const reversing = path.join(built.outDir, 'reversing-worker.js');
    fs.writeFileSync(
      reversing,
      [
        "import { parentPort } from 'node:worker_threads';",
        'const held = [];',
        "parentPort.on('message', (m) => {",
        "  if (m.kind === 'close') { parentPort.postMessage({ id: m.id, ok: true, result: null }); setImmediate(() => parentPort.close()); return; }",
        '  held.push(m);',
        '  if (held.length === 3) for (const h of held.reverse()) parentPort.postMessage(h.channel === \'bad\' ? { id: h.id, ok: false, error: `no ${h.channel}` } : { id: h.id, ok: true, result: h.channel });',
        '});',
      ].join('\n'),
    );
    const lib = client({ file: libraryFile(), workerUrl: pathToFileURL(reversing) });
    const [a, b, c] = await Promise.allSettled([lib.call('first', {}), lib.call('bad', {}), lib.call('third', {})]);
    expect(a).toEqual({ status: 'fulfilled', value: 'first' });
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('no bad') });
    expect(c).toEqual({ status: 'fulfilled', value: 'third' });
    await lib.close();
  });

  it('stops a worker that does not close in time', async () => {
    const deaf = path.join(built.outDir, 'deaf-worker.js');
    fs.writeFileSync(deaf, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => {});\n");
    const lib = client({ file: libraryFile(), workerUrl: pathToFileURL(deaf), closeTimeoutMs: 200 });
    const waiting = lib.call('sidebar', {});
    const started = Date.now();
    await lib.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
