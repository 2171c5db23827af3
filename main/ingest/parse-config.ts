/**
 * Which parse worker this process uses for big inputs (parse-pool.ts). Each entry point names
 * the worker built beside it: the command line out/cli/parse-worker.mjs, the app's library
 * thread out/main/parse-worker.js. A module of its own so that naming it loads nothing else.
 */
export interface ParseWorkerConfig {
  url: URL;
  /** The worker's heap limit in MB (default DEFAULT_MAX_HEAP_MB in parse-pool.ts, 1 GB). */
  maxHeapMb?: number;
}

let config: ParseWorkerConfig | null = null;

/** Names the worker (null: none, everything is parsed on the calling thread). */
export function useParseWorker(url: URL | null, opts: { maxHeapMb?: number } = {}): void {
  config = url ? { url, ...opts } : null;
}

export function configuredParseWorker(): ParseWorkerConfig | null {
  return config;
}
