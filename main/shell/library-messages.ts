import { createDispatcher } from '../api/handlers.js';
import { closeLibrary, type Database } from '../../db/library.js';
import { getImage } from '../../db/images.js';

/**
 * What the main thread and the library worker say to each other, and the worker's side of it as
 * plain functions (no thread needed to test them).
 *
 * Main → worker: a call of the API handler table, an image lookup, or the request to close.
 * Worker → main: one reply per message, with the same id. Errors travel as their message only:
 * the handler table already words them for the person using the app.
 */

export type WorkerRequest =
  | { id: number; kind: 'call'; channel: string; payload: unknown }
  | { id: number; kind: 'image'; hash: string; variant?: 'thumb' }
  | { id: number; kind: 'check' }
  | { id: number; kind: 'close' };

/** Requests as the client writes them, before it gives them an id. */
export type WorkerRequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface ImageResult {
  mime: string;
  data: Uint8Array;
}

export interface LibraryHealth {
  ok: boolean;
  /** What is wrong, in a sentence; null when ok. */
  problem: string | null;
  /** False when the file could not even be opened (not a library, from a newer version, damaged). */
  canOpen: boolean;
}

export interface WorkerData {
  file: string;
  nativeBinding?: string | null;
}

export interface LibraryMessageHandler {
  /** Answers one message. Resolves to null for a message too malformed to carry an id. */
  handle(message: unknown): Promise<WorkerReply | null>;
  /** True once a close message has been answered. */
  readonly closed: boolean;
}

function messageOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return typeof err === 'string' && err ? err : 'The library failed without saying why.';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * `library` is the open database, or the error that opening it gave: a library that cannot be
 * opened (from a newer version, not a Broadsheet file, wrong native module) answers every call
 * with that reason instead of the worker dying and the page seeing nothing.
 */
export function createLibraryMessageHandler(library: Database | Error): LibraryMessageHandler {
  const db = library instanceof Error ? null : library;
  const openError = library instanceof Error ? library : null;
  const dispatch = db ? createDispatcher(db) : null;
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  /** The start-up check: could the library be opened, and does SQLite find it sound? */
  function checkHealth(): LibraryHealth {
    if (openError || !db) return { ok: false, problem: openError?.message ?? 'The library is not open.', canOpen: false };
    let rows: string[];
    try {
      rows = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
    } catch (err) {
      // A badly damaged file fails the check itself ("database disk image is malformed").
      return { ok: false, problem: `SQLite's check failed: ${messageOf(err)}`, canOpen: true };
    }
    if (rows.length === 1 && rows[0] === 'ok') return { ok: true, problem: null, canOpen: true };
    return { ok: false, problem: `SQLite's check found: ${rows.slice(0, 3).join('; ')}`, canOpen: true };
  }

  async function run(message: WorkerRequest): Promise<unknown> {
    if (message.kind === 'close') {
      // Let running calls (an import half-way through) finish before the file is closed.
      await Promise.allSettled([...inFlight]);
      if (db && !closed) closeLibrary(db);
      closed = true;
      return null;
    }
    if (closed) throw new Error('The library is closed.');
    if (message.kind === 'check') return checkHealth();
    if (openError || !db || !dispatch) throw openError ?? new Error('The library is not open.');
    if (message.kind === 'image') {
      const img = getImage(db, message.hash, message.variant ?? 'full');
      // A copy: the reply's buffer is transferred to the main thread, never shared with SQLite.
      return img ? { mime: img.mime, data: new Uint8Array(img.data) } : null;
    }
    return dispatch(message.channel, message.payload);
  }

  return {
    get closed() {
      return closed;
    },
    async handle(raw) {
      if (!isRecord(raw) || typeof raw.id !== 'number' || !Number.isSafeInteger(raw.id)) return null;
      const id = raw.id;
      const kind = raw.kind ?? 'call';
      let message: WorkerRequest;
      if (kind === 'call' && typeof raw.channel === 'string') {
        message = { id, kind, channel: raw.channel, payload: raw.payload };
      } else if (kind === 'image' && typeof raw.hash === 'string') {
        message = { id, kind, hash: raw.hash, ...(raw.variant === 'thumb' ? { variant: 'thumb' as const } : {}) };
      } else if (kind === 'close' || kind === 'check') {
        message = { id, kind };
      } else {
        return { id, ok: false, error: 'The library did not understand the request.' };
      }
      const work = run(message);
      inFlight.add(work);
      try {
        return { id, ok: true, result: await work };
      } catch (err) {
        return { id, ok: false, error: messageOf(err) };
      } finally {
        inFlight.delete(work);
      }
    },
  };
}

/** The buffers in a reply that can be moved to the other thread instead of copied. */
export function transferablesOf(reply: WorkerReply): ArrayBuffer[] {
  if (!reply.ok || !isRecord(reply.result)) return [];
  const data = reply.result.data;
  return data instanceof Uint8Array && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
}
