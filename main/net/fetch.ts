/**
 * The one way Broadsheet talks to the network: feeds, pages and images all come through here.
 *
 * - only http: and https:, checked again at every redirect hop (followed by hand, at most 5);
 * - a time limit for the whole exchange (headers and body);
 * - a size limit counted on the decompressed bytes as they arrive (a gzip bomb stops at the
 *   limit, not at the end of the bomb); gzip, deflate and br are accepted;
 * - a clear User-Agent; conditional GET with ETag / Last-Modified;
 * - every failure is a FetchError whose message names the address and the reason in one line.
 */

import { decodeAs } from '../ingest/sniff.js';

export const USER_AGENT = 'Broadsheet/0.1 (offline news reader; +https://broadsheet.invalid)';

export interface FetchOptions {
  /** Refuse bodies larger than this many bytes after decompression. Default 16 MB. */
  maxBytes?: number;
  /** Whole request, headers and body. Default 20 s. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  accept?: string;
  /** Conditional GET: a 304 answer comes back as `notModified: true` with an empty body. */
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
  /**
   * The page that refers to this address (images: the article), sent as Referer the way browsers
   * do by default: the whole address to the same origin, only the origin elsewhere, nothing from
   * https to http. Some image hosts refuse requests without one.
   */
  referrer?: string;
}

export interface FetchResult {
  /** The address that finally answered, after redirects. */
  url: string;
  /**
   * The address to ask next time: the one asked for, moved along each permanent redirect (301,
   * 308) up to the first temporary one (302, 303, 307), which says the old address still holds.
   */
  permanentUrl: string;
  status: number;
  notModified: boolean;
  headers: Headers;
  body: Uint8Array;
  /** The media type without parameters, lower case, or null. */
  contentType: string | null;
  /** The charset parameter of Content-Type, lower case, or null. */
  charset: string | null;
  etag: string | null;
  lastModified: string | null;
}

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${url}: ${reason}`);
  }
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Parses and checks an address: absolute, http or https, no credentials. Throws FetchError. */
export function checkUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch {
    throw new FetchError(clip(raw), 'not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(clip(raw), `only http and https addresses can be fetched, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) throw new FetchError(withoutCredentials(url), 'addresses with a user name or password are refused');
  url.hash = '';
  return url;
}

export async function fetchBounded(raw: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let url = checkUrl(raw);
  const original = url.href;
  let permanentUrl = original;
  let permanent = true;

  // One limit for the whole exchange, redirects and body included. A timer we clear ourselves
  // (rather than AbortSignal.timeout + AbortSignal.any) so that nothing outlives the call.
  const limit = new Limit(timeoutMs, opts.signal);
  try {
    const seen = new Set<string>([url.href]);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        accept: opts.accept ?? '*/*',
        'accept-encoding': 'gzip, deflate, br',
      };
      if (opts.etag) headers['if-none-match'] = opts.etag;
      if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
      const referer = opts.referrer ? refererFor(opts.referrer, url) : null;
      if (referer) headers.referer = referer;

      let res: Response;
      try {
        res = await fetch(url, { headers, redirect: 'manual', signal: limit.signal });
      } catch (err) {
        throw new FetchError(original, limit.describe(err, 'headers'));
      }

      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await discard(res);
        const location = res.headers.get('location');
        if (!location) throw new FetchError(original, `redirect (${res.status}) without a Location`, res.status);
        let next: URL;
        try {
          next = checkUrl(location, url.href);
        } catch (err) {
          throw new FetchError(original, `redirected to ${shown(location, url.href)}, which is refused (${(err as FetchError).reason})`, res.status);
        }
        if (hop >= maxRedirects || seen.has(next.href)) {
          const loop = seen.has(next.href) ? '; the address redirects in a loop' : '';
          throw new FetchError(original, `too many redirects (more than ${maxRedirects}${loop})`, res.status);
        }
        seen.add(next.href);
        permanent &&= res.status === 301 || res.status === 308;
        if (permanent) permanentUrl = next.href;
        url = next;
        continue;
      }

      const etag = res.headers.get('etag');
      const lastModified = res.headers.get('last-modified');
      const [type, ...params] = (res.headers.get('content-type') ?? '').split(';');
      const charset = params.map((p) => /^\s*charset\s*=\s*["']?([^"';\s]+)["']?/i.exec(p)?.[1]).find(Boolean)?.toLowerCase() ?? null;
      const base = { url: url.href, permanentUrl, status: res.status, headers: res.headers, contentType: type?.trim().toLowerCase() || null, charset, etag, lastModified };

      if (res.status === 304) {
        await discard(res);
        return { ...base, notModified: true, body: new Uint8Array(0) };
      }
      if (!res.ok) {
        await discard(res);
        throw new FetchError(original, `the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      const encoding = (res.headers.get('content-encoding') ?? '').trim().toLowerCase();
      // A declared length counts the bytes on the wire. Uncompressed, it is the size; compressed,
      // the answer is at least about as large once decompressed (deflate and brotli add a few
      // bytes per block at most), so a length well over the limit is refused before reading too.
      const compressed = encoding !== '' && encoding !== 'identity';
      const ceiling = compressed ? maxBytes + Math.ceil(maxBytes / 64) + 4096 : maxBytes;
      if (Number.isFinite(declared) && declared > ceiling) {
        await discard(res);
        throw new FetchError(original, `too large (${formatSize(declared)}; the limit is ${formatSize(maxBytes)})`);
      }
      const body = await readLimited(res, maxBytes, original, limit);
      return { ...base, notModified: false, body };
    }
  } finally {
    limit.dispose();
  }
}

/** strict-origin-when-cross-origin, the browsers' default policy. */
function refererFor(raw: string, target: URL): string | null {
  let from: URL;
  try {
    from = new URL(raw);
  } catch {
    return null;
  }
  if ((from.protocol !== 'http:' && from.protocol !== 'https:') || from.username || from.password) return null;
  if (from.protocol === 'https:' && target.protocol === 'http:') return null;
  if (from.origin === target.origin) {
    from.hash = '';
    return from.href;
  }
  return `${from.origin}/`;
}

/** Drops an answer's body without reading it (closing the connection if it is still sending). */
async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

/** The time limit and the caller's signal, as one AbortSignal, plus the words for each way it ends. */
class Limit {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private timedOut = false;
  private readonly onAbort = () => this.controller.abort(this.outer?.reason);

  constructor(
    private readonly timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException('time limit reached', 'TimeoutError'));
    }, timeoutMs);
    if (outer?.aborted) this.onAbort();
    else outer?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
  }

  describe(err: unknown, phase: 'headers' | 'body'): string {
    if (this.timedOut) {
      return phase === 'headers'
        ? `no answer within ${formatDuration(this.timeoutMs)}`
        : `the answer did not arrive in full within ${formatDuration(this.timeoutMs)}`;
    }
    if (this.controller.signal.aborted) return 'cancelled';
    return describeNetworkError(err);
  }
}

async function readLimited(res: Response, maxBytes: number, url: string, limit: Limit): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Cancelling aborts the request: the socket closes and decompression stops here.
        await reader.cancel().catch(() => {});
        throw new FetchError(url, `too large (more than ${formatSize(maxBytes)} after decompression)`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(url, limit.describe(err, 'body'));
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be found (offline?)';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before the answer was complete';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the server cannot be reached (offline?)';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the secure connection failed (${cause.code})`;
    default: {
      const message = String(cause?.message ?? (err as Error)?.message ?? err);
      if (/incorrect header check|invalid (?:block type|distance|stored block|code)|unexpected end of file|Decompression failed|decompress/i.test(message)) {
        return 'the compressed answer is damaged';
      }
      if (/^bad port$/i.test(message)) return 'this port is one that web clients refuse to connect to';
      if (/^terminated$/i.test(message)) return 'the connection was closed before the answer was complete';
      return message;
    }
  }
}

function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** A password never appears in a message or a log. */
function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return clip(copy.href);
}

function shown(raw: string, base: string): string {
  try {
    return withoutCredentials(new URL(raw, base));
  } catch {
    return clip(raw);
  }
}

/** An address as it may appear in a message: never a whole data: URL or a 10 kB query. */
function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Decodes a fetched text body: BOM, then the HTTP charset, then a declared one, then UTF-8 (bad bytes become U+FFFD). */
export function decodeText(body: Uint8Array, httpCharset: string | null, declared?: string | null): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return new TextDecoder('utf-8').decode(body);
  if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body);
  if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body);
  for (const label of [httpCharset, declared]) {
    if (!label) continue;
    const text = decodeAs(label, body);
    if (text !== null) return text; // else an unknown label: try the next source
  }
  return new TextDecoder('utf-8').decode(body);
}

