import vm from 'node:vm';
import { build } from 'esbuild';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, type BroadsheetBridge } from '../preload/api.js';
import { REPO } from './helpers.js';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const fake = await import('./shell-electron-fake.js');
await import('../preload/index.js');

const bridge = fake.contextBridge.exposed.get('broadsheet') as BroadsheetBridge;

beforeEach(() => {
  fake.ipcRenderer.invoke.mockReset();
});

describe('what the preload exposes', () => {
  it('exposes one thing, window.broadsheet, with invoke and imageUrl only', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['broadsheet']);
    expect(Object.keys(bridge).sort()).toEqual(['imageUrl', 'invoke']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    // Never the raw ipcRenderer, not even reachable through the bridge.
    expect(Object.values(bridge)).not.toContain(fake.ipcRenderer);
    expect(Object.values(bridge)).not.toContain(fake.ipcRenderer.invoke);
  });
});

describe('invoke', () => {
  it('forwards every contract channel to its namespaced IPC name with the request', async () => {
    fake.ipcRenderer.invoke.mockImplementation(async (channel: string) => ({ echoed: channel }));
    for (const channel of CHANNELS) {
      await expect(bridge.invoke(channel, { some: 'request' } as never)).resolves.toEqual({ echoed: `broadsheet:${channel}` });
    }
    expect(fake.ipcRenderer.invoke.mock.calls).toEqual(CHANNELS.map((c) => [`broadsheet:${c}`, { some: 'request' }]));
  });

  it('refuses channels outside the contract without touching IPC', async () => {
    for (const channel of ['dropTables', 'broadsheet:sidebar', '__proto__', 'constructor', 'toString', '', 42, null, undefined]) {
      await expect(bridge.invoke(channel as never, {} as never)).rejects.toThrow(/unknown call/);
    }
    expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('hands the page the plain message of an error, without Electron’s wrapping', async () => {
    const cases: [string, string][] = [
      ["Error invoking remote method 'broadsheet:getArticle': Error: invalid request for getArticle (id): expected number", 'invalid request for getArticle (id): expected number'],
      ["Error invoking remote method 'broadsheet:sidebar': Error: Broadsheet refused the call: calls are accepted only from the main frame.", 'Broadsheet refused the call: calls are accepted only from the main frame.'],
      ["Error invoking remote method 'broadsheet:x': ApiError: unknown call \"x\"", 'unknown call "x"'],
      ['already plain', 'already plain'],
      ["Error invoking remote method 'broadsheet:sidebar': Error: ", 'The call failed.'],
    ];
    for (const [raw, clean] of cases) {
      fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error(raw));
      const err = await bridge.invoke('sidebar', {}).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toBe(clean);
    }
  });
});

describe('imageUrl', () => {
  const hash = 'ab'.repeat(32);
  it('builds bs-image addresses', () => {
    expect(bridge.imageUrl(hash)).toBe(`bs-image://image/${hash}`);
    expect(bridge.imageUrl(hash, 'full')).toBe(`bs-image://image/${hash}`);
    expect(bridge.imageUrl(hash, 'thumb')).toBe(`bs-image://image/${hash}?variant=thumb`);
  });
  it('cannot be steered elsewhere by a strange hash', () => {
    expect(bridge.imageUrl('../../etc/passwd')).toBe('bs-image://image/..%2F..%2Fetc%2Fpasswd');
    expect(bridge.imageUrl('x?variant=full#y')).toBe('bs-image://image/x%3Fvariant%3Dfull%23y');
  });
});

describe('the bundled preload', () => {
  it('is one CommonJS file that needs nothing but require("electron"), as a sandboxed preload must', async () => {
    // Bundled as build/electron.vite.config.ts does: preload/index.ts, CommonJS, dependencies inlined.
    const out = await build({
      absWorkingDir: REPO,
      entryPoints: ['preload/index.ts'],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      external: ['electron'],
      logLevel: 'error',
    });
    const code = out.outputFiles[0]!.text;
    const required: string[] = [];
    const exposed = new Map<string, unknown>();
    const ipcCalls: unknown[][] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
      return {
        contextBridge: { exposeInMainWorld: (k: string, v: unknown) => exposed.set(k, v) },
        ipcRenderer: { invoke: async (...args: unknown[]) => (ipcCalls.push(args), 'ok') },
      };
    };
    const module = { exports: {} };
    // No process, no Buffer, no Node globals: only what a sandboxed preload has.
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['broadsheet']);
    const b = exposed.get('broadsheet') as BroadsheetBridge;
    await expect(b.invoke('sidebar', {})).resolves.toBe('ok');
    expect(ipcCalls).toEqual([['broadsheet:sidebar', {}]]);
    await expect(b.invoke('nope' as never, {} as never)).rejects.toThrow(/unknown call/);
  });
});
