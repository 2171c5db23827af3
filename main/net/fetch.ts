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
}

export interface FetchResult {
  /** The address that finally answered, after redirects. */
  url: string;
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
    throw new FetchError(raw, 'not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(raw, `only http and https addresses can be fetched, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) throw new FetchError(raw, 'addresses with a user name or password are refused');
  url.hash = '';
  return url;
}

export async function fetchBounded(raw: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 20_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let url = checkUrl(raw);
  const original = url.href;

  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept: opts.accept ?? '*/*',
      'accept-encoding': 'gzip, deflate, br',
    };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'manual', signal });
    } catch (err) {
      throw new FetchError(original, describeNetworkError(err, signal, opts.timeoutMs ?? 20_000));
    }

    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get('location');
      if (!location) throw new FetchError(original, `redirect (${res.status}) without a Location`, res.status);
      if (hop >= maxRedirects) throw new FetchError(original, `too many redirects (more than ${maxRedirects})`, res.status);
      try {
        url = checkUrl(location, url.href);
      } catch (err) {
        throw new FetchError(original, `redirected to a refused address (${(err as FetchError).reason})`, res.status);
      }
      continue;
    }

    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    const [type, ...params] = (res.headers.get('content-type') ?? '').split(';');
    const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1]).find(Boolean)?.toLowerCase() ?? null;
    const base = { url: url.href, status: res.status, headers: res.headers, contentType: type?.trim().toLowerCase() || null, charset, etag, lastModified };

    if (res.status === 304) {
      await res.body?.cancel().catch(() => {});
      return { ...base, notModified: true, body: new Uint8Array(0) };
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new FetchError(original, `the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status);
    }
    const declared = Number(res.headers.get('content-length'));
    // A declared length is only trusted when the body is not compressed (then it counts compressed bytes).
    if (!res.headers.get('content-encoding') && Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new FetchError(original, `too large (${formatSize(declared)}; the limit is ${formatSize(maxBytes)})`);
    }
    const body = await readLimited(res, maxBytes, original, signal, opts.timeoutMs ?? 20_000);
    return { ...base, notModified: false, body };
  }
}

async function readLimited(res: Response, maxBytes: number, url: string, signal: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
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
        await reader.cancel().catch(() => {});
        throw new FetchError(url, `too large (more than ${formatSize(maxBytes)} after decompression)`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(url, describeNetworkError(err, signal, timeoutMs));
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function describeNetworkError(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return reason?.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : 'cancelled';
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be found (offline?)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before the answer was complete';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the secure connection failed (${cause.code})`;
    default:
      if (/incorrect header check|unexpected end of file|Decompression failed/i.test(String(cause?.message ?? (err as Error)?.message))) {
        return 'the compressed answer is damaged';
      }
      return cause?.message ?? (err as Error)?.message ?? String(err);
  }
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
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // an unknown label: try the next source
    }
  }
  return new TextDecoder('utf-8').decode(body);
}
