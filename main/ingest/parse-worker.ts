import { parentPort } from 'node:worker_threads';
import { readArticleFile } from './file.js';
import { reasonOf, type ParsedArticle } from './types.js';

/** One file to read and parse (see parse-pool.ts). */
export interface ParseRequest {
  id: number;
  file: string;
}

export type ParseReply = { id: number; article: ParsedArticle } | { id: number; reason: string };

// Files are parsed one after the other: parsing is synchronous, and a crash (out of memory) must
// be blamed on the file that caused it, the oldest one this worker was given.
let chain: Promise<void> = Promise.resolve();

parentPort?.on('message', (req: ParseRequest) => {
  chain = chain.then(async () => {
    let reply: ParseReply;
    try {
      reply = { id: req.id, article: await readArticleFile(req.file) };
    } catch (err) {
      reply = { id: req.id, reason: reasonOf(err) };
    }
    parentPort!.postMessage(reply);
  });
});
