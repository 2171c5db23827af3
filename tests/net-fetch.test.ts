import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUrl, decodeText, DEFAULT_MAX_BYTES, fetchBounded, FetchError, USER_AGENT } from '../main/net/fetch.js';
import { deadPort, startServer } from './net-server.js';

/** Rejects with a FetchError; returns it for closer looks. */
async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error('expected the fetch to fail, and it succeeded');
}

const rawServers: net.Server[] = [];
afterEach(async () => {
  for (const s of rawServers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

describe('fetchBounded: answers', () => {
  it('fetches a plain 200 with a clear User-Agent and reports type, charset and validators', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset="ISO-8859-1"', etag: '"v1"', 'last-modified': 'Mon, 02 Jun 2025 10:00:00 GMT' });
      res.end('<p>hello</p>');
    });
    const r = await fetchBounded(server.url('/page#section'));
    expect(new TextDecoder().decode(r.body)).toBe('<p>hello</p>');
    expect(r).toMatchObject({ status: 200, notModified: false, contentType: 'text/html', charset: 'iso-8859-1', etag: '"v1"', lastModified: 'Mon, 02 Jun 2025 10:00:00 GMT' });
    expect(r.url).toBe(server.url('/page'));
    expect(server.requests[0]!.path).toBe('/page');
    expect(server.requests[0]!.headers['user-agent']).toBe(USER_AGENT);
    expect(server.requests[0]!.headers['accept-encoding']).toMatch(/gzip.*deflate.*br/);
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes a %s body', async (encoding, compress) => {
    const text = 'Tàu đêm trở lại. '.repeat(2000);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': encoding });
      res.end(compress(Buffer.from(text)));
    });
    const r = await fetchBounded(server.url('/'));
    expect(new TextDecoder().decode(r.body)).toBe(text);
  });

  it('says so when a compressed body is damaged', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(Buffer.from('this was never gzip, whatever the header says'));
    });
    const err = await failure(fetchBounded(server.url('/')));
    expect(err.message).toBe(`${server.url('/')}: the compressed answer is damaged`);
  });

  it('answers a conditional GET with notModified and an empty body (If-None-Match and If-Modified-Since)', async () => {
    const server = await startServer((req, res) => {
      const fresh = req.headers['if-none-match'] === '"v7"' || req.headers['if-modified-since'] === 'Tue, 03 Jun 2025 08:00:00 GMT';
      if (fresh) {
        res.writeHead(304, { etag: '"v7"' });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v7"', 'last-modified': 'Tue, 03 Jun 2025 08:00:00 GMT' });
      res.end('<rss/>');
    });
    const first = await fetchBounded(server.url('/feed'));
    expect(first.status).toBe(200);
    expect(first.body.byteLength).toBe(6);

    const byEtag = await fetchBounded(server.url('/feed'), { etag: first.etag });
    expect(byEtag).toMatchObject({ status: 304, notModified: true, etag: '"v7"' });
    expect(byEtag.body.byteLength).toBe(0);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v7"');

    const byDate = await fetchBounded(server.url('/feed'), { lastModified: first.lastModified });
    expect(byDate.notModified).toBe(true);
    expect(server.requests[2]!.headers['if-modified-since']).toBe('Tue, 03 Jun 2025 08:00:00 GMT');
    expect(server.requests[2]!.headers['if-none-match']).toBeUndefined();
  });

  it('names the status of a 404 and a 500', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 500, { 'content-type': 'text/html' });
      res.end('<h1>error page</h1>');
    });
    const missing = await failure(fetchBounded(server.url('/missing')));
    expect(missing.message).toBe(`${server.url('/missing')}: the server answered 404 Not Found`);
    expect(missing.status).toBe(404);
    const broken = await failure(fetchBounded(server.url('/broken')));
    expect(broken.message).toBe(`${server.url('/broken')}: the server answered 500 Internal Server Error`);
    expect(broken.status).toBe(500);
  });

  it('sends the referring page the way browsers do: whole to the same origin, origin only elsewhere', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    await fetchBounded(server.url('/img.jpg'), { referrer: server.url('/article?id=7#top') });
    expect(server.requests[0]!.headers.referer).toBe(server.url('/article?id=7'));
    await fetchBounded(server.url('/img.jpg'), { referrer: 'http://news.example/article?id=7' });
    expect(server.requests[1]!.headers.referer).toBe('http://news.example/');
    await fetchBounded(server.url('/img.jpg'), { referrer: 'https://secure.example/private' });
    expect(server.requests[2]!.headers.referer).toBeUndefined();
  });
});

describe('fetchBounded: size limits', () => {
  it('stops a 1 GB gzip bomb at the limit with bounded memory', async () => {
    const bomb = 1024 * 1024 * 1024;
    let produced = 0;
    let closed = false;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      const zeros = Buffer.alloc(1024 * 1024);
      const source = new Readable({
        read() {
          if (produced >= bomb) return void this.push(null);
          produced += zeros.length;
          this.push(zeros);
        },
      });
      const gzip = zlib.createGzip({ level: 9 });
      source.pipe(gzip).pipe(res);
      res.on('close', () => {
        closed = true;
        source.destroy();
        gzip.destroy();
      });
    });

    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    let err: FetchError;
    try {
      err = await failure(fetchBounded(server.url('/bomb')));
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const elapsed = performance.now() - started;
    const growth = peak - before;

    expect(err.message).toBe(`${server.url('/bomb')}: too large (more than 16.0 MB after decompression)`);
    expect(DEFAULT_MAX_BYTES).toBe(16 * 1024 * 1024);
    // The limit is 16 MB; reading the whole bomb would take 1 GB. Allow for buffers and the GC.
    expect(growth).toBeLessThan(160 * 1024 * 1024);
    expect(elapsed).toBeLessThan(5_000);
    // The client hung up: the server stopped long before the end of the bomb.
    await expect.poll(() => closed).toBe(true);
    expect(produced).toBeLessThan(bomb / 2);
    console.log(`gzip bomb: stopped after ${elapsed.toFixed(0)} ms, RSS growth ${(growth / 1048576).toFixed(1)} MB, server produced ${(produced / 1048576).toFixed(0)} MB before the client hung up`);
  });

  it('applies a smaller limit to a brotli body too', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br' });
      res.end(zlib.brotliCompressSync(Buffer.alloc(3 * 1024 * 1024)));
    });
    const err = await failure(fetchBounded(server.url('/'), { maxBytes: 1024 * 1024 }));
    expect(err.reason).toBe('too large (more than 1.0 MB after decompression)');
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    let hungUp = false;
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(64 * 1024));
      // ...and never sends the rest: only a client that reads nothing more finishes quickly.
      req.socket.on('close', () => (hungUp = true));
    });
    const started = performance.now();
    const err = await failure(fetchBounded(server.url('/huge.jpg'), { maxBytes: 1024 * 1024, timeoutMs: 10_000 }));
    expect(err.reason).toBe('too large (50.0 MB; the limit is 1.0 MB)');
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(() => hungUp).toBe(true);
  });

  it('accepts a body exactly at the limit', async () => {
    const server = await startServer((_req, res) => res.end(Buffer.alloc(1000, 7)));
    const r = await fetchBounded(server.url('/'), { maxBytes: 1000 });
    expect(r.body.byteLength).toBe(1000);
    const err = await failure(fetchBounded(server.url('/'), { maxBytes: 999 }));
    expect(err.reason).toMatch(/^too large/);
  });
});

describe('fetchBounded: redirects', () => {
  it('follows 301, 302, 307 and 308, relative and absolute Locations', async () => {
    const server = await startServer((req, res) => {
      const hops: Record<string, [number, string]> = {
        '/start': [301, 'step2'],
        '/step2': [302, '/dir/step3'],
        '/dir/step3': [307, '../step4?x=1'],
        '/step4?x=1': [308, `http://127.0.0.1:${(req.socket.address() as net.AddressInfo).port}/final`],
      };
      const hop = hops[req.url ?? ''];
      if (hop) {
        res.writeHead(hop[0], { location: hop[1] });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`arrived at ${req.url}`);
    });
    const r = await fetchBounded(server.url('/start'));
    expect(new TextDecoder().decode(r.body)).toBe('arrived at /final');
    expect(r.url).toBe(server.url('/final'));
    expect(server.requests.map((q) => q.path)).toEqual(['/start', '/step2', '/dir/step3', '/step4?x=1', '/final']);
  });

  it('reports the address to keep: moved along permanent redirects (301, 308), not past a temporary one', async () => {
    const server = await startServer((req, res) => {
      const hops: Record<string, [number, string]> = {
        '/old': [301, '/newer'],
        '/newer': [308, '/newest'],
        '/newest': [302, '/today'],
        '/today': [301, '/cdn'],
        '/temporary': [307, '/moved'],
        '/moved': [308, '/final'],
      };
      const hop = hops[req.url ?? ''];
      if (hop) {
        res.writeHead(hop[0], { location: hop[1] });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('here');
    });
    expect(await fetchBounded(server.url('/old'))).toMatchObject({ url: server.url('/cdn'), permanentUrl: server.url('/newest') });
    expect(await fetchBounded(server.url('/temporary'))).toMatchObject({ url: server.url('/final'), permanentUrl: server.url('/temporary') });
    expect(await fetchBounded(server.url('/cdn'))).toMatchObject({ url: server.url('/cdn'), permanentUrl: server.url('/cdn') });
  });

  it.each([
    ['file:///etc/passwd', 'file'],
    ['ftp://127.0.0.1/pub/file.txt', 'ftp'],
    ['javascript:alert(document.cookie)', 'javascript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
  ])('refuses a redirect to %s, naming the scheme', async (location, scheme) => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location });
      res.end();
    });
    const err = await failure(fetchBounded(server.url('/go')));
    expect(err.message).toContain(`${server.url('/go')}: redirected to `);
    expect(err.message).toContain(`which is refused (only http and https addresses can be fetched, not ${scheme})`);
    expect(err.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a redirect to an address with a password, and never prints the password', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(302, { location: `http://admin:hunter2@127.0.0.1:${(req.socket.address() as net.AddressInfo).port}/in` });
      res.end();
    });
    const err = await failure(fetchBounded(server.url('/go')));
    expect(err.message).toContain('addresses with a user name or password are refused');
    expect(err.message).not.toContain('hunter2');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a redirect loop', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    const err = await failure(fetchBounded(server.url('/a')));
    expect(err.reason).toBe('too many redirects (more than 5; the address redirects in a loop)');
    expect(server.requests.length).toBeLessThanOrEqual(6);
  });

  it('gives up after the redirect limit on a chain that never ends', async () => {
    const server = await startServer((req, res) => {
      const n = Number(req.url!.slice(1));
      res.writeHead(301, { location: `/${n + 1}` });
      res.end();
    });
    const err = await failure(fetchBounded(server.url('/0')));
    expect(err.reason).toBe('too many redirects (more than 5)');
    expect(server.requests).toHaveLength(6);
    const none = await failure(fetchBounded(server.url('/0'), { maxRedirects: 0 }));
    expect(none.reason).toBe('too many redirects (more than 0)');
  });

  it('says so when a redirect has no Location', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(301);
      res.end();
    });
    expect((await failure(fetchBounded(server.url('/')))).reason).toBe('redirect (301) without a Location');
  });
});

describe('fetchBounded: failures of the network', () => {
  it('times out on a server that accepts and never answers, within the limit', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    rawServers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const started = performance.now();
    const err = await failure(fetchBounded(`http://127.0.0.1:${port}/`, { timeoutMs: 400 }));
    const elapsed = performance.now() - started;
    expect(err.message).toBe(`http://127.0.0.1:${port}/: no answer within 400 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(1_500);
    sockets.forEach((s) => s.destroy());
  });

  it('times out on a body that never finishes', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>the first part…');
    });
    const err = await failure(fetchBounded(server.url('/slow'), { timeoutMs: 500 }));
    expect(err.reason).toBe('the answer did not arrive in full within 500 ms');
  });

  it('says "connection refused" for a port nothing listens on', async () => {
    const port = await deadPort();
    const err = await failure(fetchBounded(`http://127.0.0.1:${port}/feed.xml`));
    expect(err.message).toBe(`http://127.0.0.1:${port}/feed.xml: connection refused (is the server running?)`);
  });

  it.each([
    ['a reset', (socket: net.Socket) => socket.resetAndDestroy()],
    ['a close', (socket: net.Socket) => socket.destroy()],
  ])('reports a connection cut mid-body (%s)', async (_name, cut) => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '100000' });
      res.write(Buffer.alloc(10_000), () => setTimeout(() => cut(req.socket), 20));
    });
    const err = await failure(fetchBounded(server.url('/cut.jpg')));
    expect(err.reason).toBe('the connection was closed before the answer was complete');
  });

  it('reports a chunked body cut before its end', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>part one</p>', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const err = await failure(fetchBounded(server.url('/')));
    expect(err.reason).toBe('the connection was closed before the answer was complete');
  });

  it('stops when the caller cancels', async () => {
    const server = await startServer(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(fetchBounded(server.url('/'), { signal: controller.signal, timeoutMs: 10_000 }));
    expect(err.reason).toBe('cancelled');
  });
});

describe('checkUrl: which addresses may be fetched', () => {
  it('refuses addresses with credentials without contacting the server or echoing the password', async () => {
    const server = await startServer((_req, res) => res.end('should not be reached'));
    const err = await failure(fetchBounded(`http://reader:s3cret@127.0.0.1:${server.port}/feed`));
    expect(err.message).toBe(`http://127.0.0.1:${server.port}/feed: addresses with a user name or password are refused`);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['file:///etc/passwd', /only http and https addresses can be fetched, not file$/],
    ['ftp://example.com/x', /not ftp$/],
    ['javascript:alert(1)', /not javascript$/],
    ['not a url', /not a valid address$/],
    ['/relative/path', /not a valid address$/],
  ])('refuses %s', (raw, message) => {
    expect(() => checkUrl(raw)).toThrow(message);
  });

  it('resolves against a base and drops the fragment', () => {
    expect(checkUrl('../b?q=1#frag', 'https://example.com/a/c').href).toBe('https://example.com/b?q=1');
  });
});

describe('decodeText', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('decodes windows-1252 (the C1 range is punctuation, not control characters)', () => {
    // “Café” – 5€
    const body = bytes(0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x96, 0x20, 0x35, 0x80);
    expect(decodeText(body, 'windows-1252')).toBe('\u201cCafé\u201d \u2013 5€');
  });

  it('decodes iso-8859-1, latin1 and us-ascii the way browsers do (as windows-1252)', () => {
    for (const label of ['iso-8859-1', 'ISO_8859-1', 'latin1', 'us-ascii']) {
      expect(decodeText(bytes(0x4e, 0xe9, 0x20, 0x80, 0x9f, 0x81), label)).toBe('Né €\u0178\u0081');
    }
  });

  it('decodes every byte of windows-1252 as the WHATWG index says', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = decodeText(all, 'windows-1252');
    expect(text).toHaveLength(256);
    expect([...text].slice(0x80, 0xa0).map((c) => c.codePointAt(0)!.toString(16))).toEqual([
      '20ac', '81', '201a', '192', '201e', '2026', '2020', '2021', '2c6', '2030', '160', '2039', '152', '8d', '17d', '8f',
      '90', '2018', '2019', '201c', '201d', '2022', '2013', '2014', '2dc', '2122', '161', '203a', '153', '9d', '17e', '178',
    ]);
    expect(text.slice(0xa0)).toBe(String.fromCharCode(...Array.from({ length: 96 }, (_, i) => 0xa0 + i)));
  });

  it('decodes windows-1258 (Vietnamese with combining tone marks)', () => {
    // "Việt Nam": V i ê + combining dot below (0xF2) t, then " Nam"
    const body = bytes(0x56, 0x69, 0xea, 0xf2, 0x74, 0x20, 0x4e, 0x61, 0x6d);
    expect(decodeText(body, 'windows-1258').normalize('NFC')).toBe('Việt Nam');
  });

  it('honours a UTF-16 byte order mark over any declared charset', () => {
    const le = bytes(0xff, 0xfe, 0x48, 0x00, 0xe0, 0x00, 0x20, 0x00, 0xff, 0x1e);
    expect(decodeText(bytes(0xff, 0xfe, 0x48, 0x00, 0x69, 0x00), 'windows-1252')).toBe('Hi');
    expect(decodeText(bytes(0xfe, 0xff, 0x00, 0x48, 0x00, 0x69), 'utf-8')).toBe('Hi');
    expect(decodeText(le, null)).toBe('Hà \u1eff');
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0xc3, 0xa9), 'windows-1252')).toBe('é');
  });

  it('turns invalid UTF-8 into U+FFFD instead of failing', () => {
    expect(decodeText(bytes(0x61, 0xff, 0x62, 0xc3, 0x28, 0xe2, 0x82), 'utf-8')).toBe('a\ufffdb\ufffd(\ufffd');
    expect(decodeText(bytes(0x61, 0xff), null)).toBe('a\ufffd');
  });

  it('prefers the HTTP charset, then the declared one, and skips labels it does not know', () => {
    const body = bytes(0xe9);
    expect(decodeText(body, 'windows-1252', 'utf-8')).toBe('é');
    expect(decodeText(body, null, 'windows-1252')).toBe('é');
    expect(decodeText(body, 'no-such-charset', 'iso-8859-1')).toBe('é');
    expect(decodeText(body, 'no-such-charset', 'x-also-unknown')).toBe('\ufffd');
  });

  it('decodes what the server declared, end to end', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=windows-1252' });
      res.end(Buffer.from([0x93, 0x68, 0x69, 0x94]));
    });
    const r = await fetchBounded(server.url('/'));
    expect(decodeText(r.body, r.charset)).toBe('\u201chi\u201d');
  });
});
