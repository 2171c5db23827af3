import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary } from '../db/library.js';
import { saveArticle } from '../db/articles.js';
import { storeImage } from '../db/images.js';
import { startWebHost, type WebHost } from '../main/web/server.js';
import { article, tempDir } from './helpers.js';

const hosts: WebHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function host() {
  const dir = tempDir();
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Broadsheet</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the page');
  const db = openLibrary(path.join(dir, 'library.sqlite'));
  const h = await startWebHost({ db, rendererDir });
  hosts.push({ ...h, close: async () => (await h.close(), closeLibrary(db)) });
  return { h, db, base: `http://127.0.0.1:${h.port}` };
}

const call = (base: string, token: string, channel: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-broadsheet-token': token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the local web host', () => {
  it('prints a loopback URL with its token and serves the page with the CSP', async () => {
    const { h } = await host();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const res = await fetch(h.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' bs-image: data:");
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    const { base, h } = await host();
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=nope`)).status).toBe(401);
    expect((await call(base, 'x'.repeat(h.token.length), 'sidebar', {})).status).toBe(401);
  });

  it('accepts the cookie it set, so the page can load its scripts', async () => {
    const { h, base } = await host();
    const first = await fetch(h.url);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const js = await fetch(`${base}/assets/app.js`, { headers: { cookie } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const { h, base } = await host();
    const http = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: h.port, path: `/?token=${h.token}`, headers }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject);
      });
    expect(await status({ host: `evil.example:${h.port}` })).toBe(421);
    expect(await status({ host: `127.0.0.1:${h.port}` })).toBe(200);
    expect(await status({ host: `localhost:${h.port}` })).toBe(200);
    const cross = await call(base, h.token, 'sidebar', {}, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
  });

  it('answers API calls through the handler table and refuses bad ones with a sentence', async () => {
    const { h, base, db } = await host();
    saveArticle(db, article({ title: 'Lighthouse keepers strike' }));
    const ok = await call(base, h.token, 'listArticles', { limit: 10 });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.ok).toBe(true);
    expect(body.result.rows[0].title).toBe('Lighthouse keepers strike');

    const unknown = await call(base, h.token, 'dropEverything', {});
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/unknown call/);

    const wrongType = await call(base, h.token, 'getArticle', { id: 'one' });
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).error).toMatch(/^invalid request for getArticle \(id\)/);

    const notJson = await call(base, h.token, 'sidebar', '{nope');
    expect((await notJson.json()).error).toBe('the request is not valid JSON');
  });

  it('serves stored images by hash and nothing else', async () => {
    const { h, base, db } = await host();
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const hash = storeImage(db, { bytes: png, mime: 'image/png', width: 1, height: 1 });
    const img = await fetch(`${base}/images/${hash}?token=${h.token}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    for (const bad of ['0'.repeat(64), 'abc', '..%2f..%2fsecret.txt', `${hash}/../x`]) {
      expect((await fetch(`${base}/images/${bad}?token=${h.token}`)).status, bad).toBe(404);
    }
  });

  it('never serves a file outside the page folder', async () => {
    const { h, base } = await host();
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/%00index.html', '//etc/passwd']) {
      const res = await fetch(`${base}${p}${p.includes('?') ? '&' : '?'}token=${h.token}`);
      expect(res.status, p).toBe(404);
    }
  });
});
