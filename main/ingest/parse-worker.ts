import { parentPort } from 'node:worker_threads';
import { parseArticleBytes, readArticleFile } from './file.js';
import { parseHtmlPage } from './html.js';
import { reasonOf, type ParsedArticle } from './types.js';

/** One thing to parse (see parse-pool.ts): a file by path, a file's bytes, or a fetched page. */
export type ParseRequest =
  | { id: number; file: string }
  | { id: number; name: string; bytes: Uint8Array }
  | { id: number; html: string; url: string | null };

export type ParseReply = { id: number; article: ParsedArticle } | { id: number; reason: string };

function parse(req: ParseRequest): Promise<ParsedArticle> | ParsedArticle {
  if ('file' in req) return readArticleFile(req.file);
  if ('bytes' in req) return parseArticleBytes(req.name, req.bytes);
  return parseHtmlPage(req.html, req.url ? { url: req.url } : {});
}

// One request after the other: parsing is synchronous, and a crash (out of memory) must be
// blamed on the request that caused it, the oldest one this worker was given.
let chain: Promise<void> = Promise.resolve();

parentPort?.on('message', (req: ParseRequest) => {
  chain = chain.then(async () => {
    let reply: ParseReply;
    try {
      reply = { id: req.id, article: await parse(req) };
    } catch (err) {
      reply = { id: req.id, reason: reasonOf(err) };
    }
    parentPort!.postMessage(reply);
  });
});
