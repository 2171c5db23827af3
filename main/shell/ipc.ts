import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { z } from 'zod';
import { openExternalSchema } from '../api/schemas.js';
import { CHANNELS, LIBRARY_CHANNELS, ipcName, type Channel, type SaveFileRequest, type SaveFileResult } from '../../preload/api.js';
import { saveFile, saveFileSchema } from './files.js';
import type { PageTrust } from './origins.js';

/**
 * The IPC side of the contract: one `ipcMain.handle` per channel in CHANNELS, nothing else.
 * Every call first proves it comes from our own page's main frame (as VS Code's ValidatedIpcMain
 * does): a sub-frame, a page that navigated elsewhere, or a foreign origin is refused before its
 * payload is even looked at. Library calls go to the worker, which validates the payload against
 * the contract; openExternal and saveFile are validated here.
 */

export interface IpcTargets {
  /** The library worker: runs one call of the handler table. */
  library: { call(channel: string, payload: unknown): Promise<unknown> };
  /** The checked openExternal. */
  openExternal(url: string): Promise<boolean>;
  /** The save dialog and the atomic write (main/shell/files.ts unless a test gives another). */
  saveFile?(req: SaveFileRequest, sender: WebContents | null): Promise<SaveFileResult>;
  trust: PageTrust;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'an unknown address';
  }
}

/** Why a call must be refused, or null when it comes from our page's main frame. */
export function senderRefusal(event: IpcMainInvokeEvent, trust: PageTrust): string | null {
  try {
    const frame = event.senderFrame;
    if (!frame) return 'the calling page is gone';
    if (frame.parent !== null || frame !== event.sender.mainFrame) return 'calls are accepted only from the main frame';
    if (!trust.isPage(frame.url)) return `calls are not accepted from ${describeUrl(frame.url)}`;
    return null;
  } catch {
    // Reading a frame that was disposed mid-call throws; such a caller is not trusted either.
    return 'the calling frame could not be identified';
  }
}

const libraryChannels = new Set<string>(LIBRARY_CHANNELS);

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? err.message : 'The call failed.';
}

function validate<T>(channel: Channel, schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    throw new Error(`invalid request for ${channel}${where}: ${issue?.message ?? 'malformed'}`);
  }
  return parsed.data;
}

async function answer(channel: Channel, payload: unknown, targets: IpcTargets, event: IpcMainInvokeEvent): Promise<unknown> {
  if (libraryChannels.has(channel)) return targets.library.call(channel, payload);
  if (channel === 'openExternal') {
    const { url } = validate(channel, openExternalSchema, payload);
    return { opened: await targets.openExternal(url) };
  }
  if (channel === 'saveFile') {
    const req = validate(channel, saveFileSchema, payload);
    return (targets.saveFile ?? saveFile)(req, event.sender ?? null);
  }
  throw new Error(`unknown call "${channel}"`);
}

/** Registers every channel. Returns a function that removes them again. */
export function registerIpc(ipcMain: IpcMain, targets: IpcTargets): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcName(channel), async (event, payload: unknown) => {
      const refusal = senderRefusal(event, targets.trust);
      if (refusal) {
        console.warn(`Broadsheet: refused ${channel}: ${refusal}`);
        throw new Error(`Broadsheet refused the call: ${refusal}.`);
      }
      try {
        return await answer(channel, payload, targets, event);
      } catch (err) {
        // A plain Error with the sentence only: it crosses IPC as "Error: <message>".
        throw new Error(messageOf(err));
      }
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(ipcName(channel));
  };
}
