import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, ipcName, type BroadsheetBridge, type Channel, type Req, type Res } from './api.js';

/**
 * The bridge, and nothing else: the page gets `window.broadsheet` with `invoke` (only the
 * channels of the contract) and `imageUrl`. Never the raw ipcRenderer (element-desktop's
 * preload, VS Code's sandbox preload). Bundled to one CommonJS file that requires only
 * 'electron', as a sandboxed preload must.
 */

const allowed: ReadonlySet<string> = new Set<string>(CHANNELS);

// ipcRenderer.invoke wraps a rejection as "Error invoking remote method 'broadsheet:x': Error: …".
const REMOTE_PREFIX = /^Error invoking remote method '[^']*':\s*/;
const ERROR_NAME = /^(?:[A-Za-z]*Error):\s*/;

/** The sentence main meant for the person using the app, without Electron's wrapping. */
function cleanIpcError(err: unknown): Error {
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.replace(REMOTE_PREFIX, '').replace(ERROR_NAME, '').trim();
  return new Error(message || 'The call failed.');
}

const bridge: BroadsheetBridge = {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
    if (typeof channel !== 'string' || !allowed.has(channel)) {
      return Promise.reject(new Error(`unknown call "${String(channel).slice(0, 64)}"`));
    }
    return ipcRenderer.invoke(ipcName(channel), req).then(
      (result) => result as Res<C>,
      (err: unknown) => {
        throw cleanIpcError(err);
      },
    );
  },
  imageUrl(hash: string, variant: 'full' | 'thumb' = 'full'): string {
    return `bs-image://image/${encodeURIComponent(String(hash))}${variant === 'thumb' ? '?variant=thumb' : ''}`;
  },
};

contextBridge.exposeInMainWorld('broadsheet', bridge);
