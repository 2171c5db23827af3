import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseArticleBytes, readArticleFile } from './file.js';
import { configuredParseWorker, type ParseWorkerConfig } from './parse-config.js';
import { parseHtmlPage } from './html.js';
import { IngestError, type ParsedArticle } from './types.js';
import type { ParseReply, ParseRequest } from './parse-worker.js';

/**
 * Parses big article files on a worker thread with a heap limit.
 *
 * jsdom and Readability hold about 200 bytes per byte of HTML, so a 15 MB page of 100,000
 * paragraphs needs ~3 GB. A file over ISOLATE_ABOVE_BYTES is therefore parsed on a worker whose
 * heap is capped: if it needs more, the worker dies, that file fails with "needs more than N MB",
 * and the import goes on. A worker that dies is replaced; files queued behind it are parsed again.
 *
 * Ordinary articles (a few KB) are parsed on the calling thread: the import is short of CPU. On
 * 2 cores more threads cost ~20 % more CPU per article, and through `broadsheet import` a worker's
 * start (jsdom loads, its JIT warms up) outweighs what it adds in ordinary imports: sharing the
 * parsing with one worker paid only from ~3,000 files (figures: README, "Benchmarks").
 * `npm run bench:import -- --parse-workers N` measures it. The workers are for safety, not speed.
 */
export interface ParsePool {
  /** A file on disk, as readArticleFile. */
  parse(file: string): Promise<ParsedArticle>;
  /** A file's bytes, as parseArticleBytes (files dropped on the app). */
  parseBytes(name: string, bytes: Uint8Array): Promise<ParsedArticle>;
  /** A fetched page, as parseHtmlPage (saved pages, feed items' full text). */
  parseHtml(html: string, url: string | null): Promise<ParsedArticle>;
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  /** The built parse-worker entry (out/cli/parse-worker.mjs, out/main/parse-worker.js). */
  workerUrl: URL;
  /** Number of workers; default 1 (big files are rare, and each may use maxHeapMb). */
  size?: number;
  /** Heap limit of each worker (old generation), in MB. */
  maxHeapMb?: number;
}

/** What one worker may use to parse one file; jsdom holds about 200 bytes per byte of HTML. */
export const DEFAULT_MAX_HEAP_MB = 1024;
/** Files handed to a worker at once: one parsing, one waiting. */
const PER_WORKER = 2;

/** Files bigger than this are parsed on the pool's worker, under its heap limit. */
export const ISOLATE_ABOVE_BYTES = 1024 * 1024;

/** The parse function for importPaths: big files on the pool, the rest on this thread. */
export function parseWith(pool: ParsePool | null): (file: string) => Promise<ParsedArticle> {
  if (!pool) return readArticleFile;
  return async (file) => {
    const size = await fs.promises.stat(file).then((s) => s.size, () => 0);
    return size > ISOLATE_ABOVE_BYTES ? pool.parse(file) : readArticleFile(file);
  };
}

let shared: { config: ParseWorkerConfig; pool: ParsePool | null } | undefined;

/**
 * The process's pool for big inputs everywhere (imports, the app's dropped files, saved pages,
 * feed pages), started on first use with the worker named by useParseWorker (parse-config.ts).
 * Null when none is named (code run from source in tests) or built: then all parse here.
 */
export function sharedParsePool(): ParsePool | null {
  const config = configuredParseWorker();
  if (!config) return null;
  if (shared?.config !== config) {
    void shared?.pool?.close();
    shared = { config, pool: createParsePool({ workerUrl: config.url, ...(config.maxHeapMb ? { maxHeapMb: config.maxHeapMb } : {}) }) };
  }
  return shared.pool;
}

/** A file's bytes parsed here, or on the worker when there are more than ISOLATE_ABOVE_BYTES. */
export function parseBytesBounded(name: string, bytes: Uint8Array): Promise<ParsedArticle> {
  const pool = bytes.length > ISOLATE_ABOVE_BYTES ? sharedParsePool() : null;
  return pool ? pool.parseBytes(name, bytes) : parseArticleBytes(name, bytes);
}

/** A fetched page parsed here, or on the worker when it is longer than ISOLATE_ABOVE_BYTES. */
export async function parseHtmlBounded(html: string, url: string | null): Promise<ParsedArticle> {
  const pool = html.length > ISOLATE_ABOVE_BYTES ? sharedParsePool() : null;
  return pool ? pool.parseHtml(html, url) : parseHtmlPage(html, url ? { url } : {});
}

/** The pool, or null when the worker bundle is not there (running from source, not a build). */
export function createParsePool(opts: ParsePoolOptions): ParsePool | null {
  if (!fs.existsSync(fileURLToPath(opts.workerUrl))) return null;
  return new Pool(opts.workerUrl, opts.size ?? 1, opts.maxHeapMb ?? DEFAULT_MAX_HEAP_MB);
}

type Request = DistributiveOmit<ParseRequest, 'id'>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

interface Job {
  id: number;
  request: Request;
  retried: boolean;
  resolve(article: ParsedArticle): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  /** In the order they were sent: the first is the one being parsed. */
  jobs: Job[];
}

class Pool implements ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly workerUrl: URL,
    private readonly size: number,
    private readonly maxHeapMb: number,
  ) {}

  parse(file: string): Promise<ParsedArticle> {
    return this.submit({ file });
  }

  parseBytes(name: string, bytes: Uint8Array): Promise<ParsedArticle> {
    return this.submit({ name, bytes });
  }

  parseHtml(html: string, url: string | null): Promise<ParsedArticle> {
    return this.submit({ html, url });
  }

  private submit(request: Request): Promise<ParsedArticle> {
    if (this.closed) return Promise.reject(new Error('the parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, retried: false, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const job of [...this.queue.splice(0), ...slots.flatMap((s) => s.jobs)]) job.reject(new Error('the parse pool was closed'));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.jobs.push(job);
      slot.worker.ref(); // a worker with work keeps the process alive; an idle one does not
      slot.worker.postMessage({ id: job.id, ...job.request } as ParseRequest);
    }
  }

  private freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.jobs.length < PER_WORKER && (!best || s.jobs.length < best.jobs.length)) best = s;
    if (best && best.jobs.length === 0) return best;
    if (this.slots.length < this.size) return this.spawn();
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, {
      name: 'broadsheet-parse',
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    const slot: Slot = { worker, jobs: [] };
    worker.on('message', (reply: ParseReply) => {
      const i = slot.jobs.findIndex((j) => j.id === reply.id);
      if (i < 0) return;
      const [job] = slot.jobs.splice(i, 1);
      if ('article' in reply) job!.resolve(reply.article);
      else job!.reject(new IngestError(reply.reason));
      this.dispatch();
      if (slot.jobs.length === 0) worker.unref();
    });
    let failure: Error | undefined;
    worker.on('error', (err) => (failure = err));
    worker.on('exit', () => this.lost(slot, failure));
    this.slots.push(slot);
    return slot;
  }

  /** A worker ended: the file it was parsing fails, the ones waiting behind it go round again. */
  private lost(slot: Slot, err: Error | undefined): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return; // closed on purpose
    this.slots.splice(at, 1);
    const [current, ...waiting] = slot.jobs.splice(0);
    if (current) current.reject(new IngestError(this.describeCrash(err)));
    for (const job of waiting.reverse()) {
      if (job.retried) job.reject(new IngestError(this.describeCrash(err)));
      else this.queue.unshift({ ...job, retried: true });
    }
    this.dispatch();
  }

  private describeCrash(err: Error | undefined): string {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return `too large to parse: it needs more than ${this.maxHeapMb} MB of memory`;
    }
    return `could not be parsed (the parser stopped: ${err?.message ?? 'no reason given'})`;
  }
}
