import { Worker } from 'node:worker_threads';
import type {
  LibraryHealth, ImageResult, WorkerData, WorkerReply, WorkerRequestBody } from './library-messages.js';

/**
 * The main thread's handle on the library worker: sends a message, waits for the reply with the
 * same id. If the worker dies, every waiting call is rejected with a sentence saying so, and the
 * worker is started again once; if it dies a second time the library stays unavailable (a crash
 * loop would only hide the reason).
 */

export interface LibraryClientOptions {
  /** The library file. */
  file: string;
  /** better-sqlite3 built for this runtime (the Electron one, in an unpackaged app). */
  nativeBinding?: string | null;
  /** The built worker script. Defaults to library-worker.js next to this file once bundled. */
  workerUrl?: URL;
  /** How many times a dead worker is started again. */
  maxRestarts?: number;
  /** How long close() waits for the worker to close the file before it is stopped. */
  closeTimeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class LibraryClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restarts = 0;
  private lastError: Error | null = null;
  /** Why the library is unavailable for good, once restarts are used up. */
  private deadReason: string | null = null;
  private closing: Promise<void> | null = null;
  private readonly workerUrl: URL;

  constructor(private readonly options: LibraryClientOptions) {
    this.workerUrl = options.workerUrl ?? new URL('./library-worker.js', import.meta.url);
    this.start();
  }

  /** One call of the API handler table. Rejects with the handler's message. */
  call(channel: string, payload: unknown): Promise<unknown> {
    return this.send({ kind: 'call', channel, payload });
  }

  /** A stored image, or null when there is no image with that hash. */
  /** The start-up check (SQLite's quick_check), run in the worker. */
  async check(): Promise<LibraryHealth> {
    return (await this.send({ kind: 'check' })) as LibraryHealth;
  }

  async image(hash: string, variant?: 'thumb'): Promise<ImageResult | null> {
    return (await this.send(variant ? { kind: 'image', hash, variant } : { kind: 'image', hash })) as ImageResult | null;
  }

  /** Closes the library file cleanly and ends the worker. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** How many times the worker has been restarted (for diagnostics and tests). */
  get restartCount(): number {
    return this.restarts;
  }

  private start(): void {
    const workerData: WorkerData = { file: this.options.file, nativeBinding: this.options.nativeBinding ?? null };
    const worker = new Worker(this.workerUrl, { workerData, name: 'broadsheet-library' });
    this.lastError = null;
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => {
      this.lastError = err;
    });
    worker.on('exit', (code) => this.exited(worker, code));
    this.worker = worker;
  }

  private send(body: WorkerRequestBody): Promise<unknown> {
    if (this.closing) return Promise.reject(new Error('The library is closed.'));
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error(`The library is not available: ${this.deadReason ?? 'it is not running'}.`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...body, id });
      } catch (err) {
        this.pending.delete(id);
        reject(new Error(`The library could not take the request: ${(err as Error).message}`));
      }
    });
  }

  private settle(reply: WorkerReply): void {
    if (typeof reply !== 'object' || reply === null) return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(reply.error));
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closing) {
      this.rejectAll(new Error('The library is closed.'));
      return;
    }
    const reason = this.lastError?.message || `the library thread exited with code ${code}`;
    this.rejectAll(new Error(`The library stopped unexpectedly (${reason}). Please try again.`));
    if (this.restarts < (this.options.maxRestarts ?? 1)) {
      this.restarts += 1;
      try {
        this.start();
        return;
      } catch (err) {
        this.deadReason = (err as Error).message;
        return;
      }
    }
    this.deadReason = `it stopped twice (${reason}); restart Broadsheet`;
  }

  private rejectAll(err: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(err);
  }

  private async shutDown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const id = this.nextId++;
    // Not through send(): closing is already set, and the close reply itself is not awaited;
    // the thread's exit is what matters.
    worker.postMessage({ kind: 'close', id });
    const timeout = new Promise<'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), this.options.closeTimeoutMs ?? 5000);
      t.unref?.();
    });
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      await worker.terminate();
    }
    await exited;
  }
}
