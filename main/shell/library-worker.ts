import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { dailyBackup } from '../../db/backup.js';
import { openLibrary, type Database } from '../../db/library.js';
import { useParseWorker } from '../ingest/parse-config.js';
import { createLibraryMessageHandler, transferablesOf, type WorkerData } from './library-messages.js';

/**
 * The library thread. better-sqlite3 is synchronous, so every query runs here and the Electron
 * main thread only forwards messages. Built to out/main/library-worker.js.
 */

function open(data: unknown): Database | Error {
  const { file, nativeBinding } = (data ?? {}) as Partial<WorkerData>;
  if (typeof file !== 'string' || file === '') return new Error('The library worker was started without a library file.');
  try {
    return openLibrary(file, typeof nativeBinding === 'string' && nativeBinding ? { nativeBinding } : {});
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

// Big files and pages are parsed on a worker of their own with a heap limit (parse-pool.ts).
useParseWorker(new URL('./parse-worker.js', import.meta.url));

const port = parentPort;
if (!port) throw new Error('library-worker.js runs as a worker thread, not on its own.');

const library = open(workerData);
const handler = createLibraryMessageHandler(library);

// The daily backup, beside the library in backups/ (the last five kept). Through SQLite's backup
// API, in steps between the page's calls; a failure is reported and changes nothing.
if (!(library instanceof Error)) {
  const dir = path.join(path.dirname(library.name), 'backups');
  setTimeout(() => {
    dailyBackup(library, dir).catch((err: Error) => console.error(`Broadsheet: daily backup failed: ${err.message}`));
  }, 10_000).unref();
}

port.on('message', (message: unknown) => {
  void handler.handle(message).then((reply) => {
    if (!reply) return;
    port.postMessage(reply, transferablesOf(reply));
    // After the close reply nothing is left to do: let the thread end, once the replies of the
    // calls that close waited for (already settled, still in the microtask queue) are posted.
    if (handler.closed) setImmediate(() => port.close());
  });
});
