import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./shell-electron-fake.js'));

const { shell } = await import('./shell-electron-fake.js');
const { checkExternalUrl, openExternal, MAX_EXTERNAL_URL_LENGTH } = await import('../main/shell/open-external.js');

beforeEach(() => {
  shell.openExternal.mockClear();
  shell.openExternal.mockImplementation(async () => {});
});

describe('checkExternalUrl', () => {
  it.each([
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://EXAMPLE.COM', 'https://example.com/'],
    ['https://xn--caf-dma.example/путь', 'https://xn--caf-dma.example/%D0%BF%D1%83%D1%82%D1%8C'],
  ])('accepts %s', (input, normalised) => {
    expect(checkExternalUrl(input)).toBe(normalised);
  });

  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['file:///etc/passwd'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox'],
    ['broadsheet://settings'],
    ['ms-settings:privacy'],
    ['mailto:someone@example.com'],
    ['ftp://example.com/file'],
    ['app://broadsheet/index.html'],
    ['bs-image://image/abc'],
    [' https://example.com'],
    ['https://example.com '],
    ['\thttps://example.com'],
    ['https://exa\nmple.com'],
    ['java\nscript:alert(1)'],
    ['https://example.com/\u0000'],
    ['https://example.com/\u0085'],
    ['https://user:pw@example.com'],
    ['https://user@example.com'],
    ['http:/\\evil.example'],
    ['http:\\\\evil.example'],
    ['https:evil.example'],
    ['https:///evil.example'],
    ['//example.com'],
    ['example.com'],
    [''],
    ['https://'],
    ['https://[not-an-ip]/'],
  ])('refuses %j', (input) => {
    expect(checkExternalUrl(input)).toBeNull();
  });

  it('refuses non-strings and over-long links', () => {
    expect(checkExternalUrl(undefined)).toBeNull();
    expect(checkExternalUrl(42)).toBeNull();
    expect(checkExternalUrl({ href: 'https://example.com' })).toBeNull();
    const long = `https://example.com/${'a'.repeat(MAX_EXTERNAL_URL_LENGTH)}`;
    expect(checkExternalUrl(long)).toBeNull();
    const fits = `https://example.com/${'a'.repeat(100)}`;
    expect(checkExternalUrl(fits)).toBe(fits);
  });
});

describe('openExternal', () => {
  it('hands an http(s) link to the system browser and reports it opened', async () => {
    await expect(openExternal('HTTPS://EXAMPLE.COM/news')).resolves.toBe(true);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal.mock.calls[0]![0]).toBe('https://example.com/news');
  });

  it('never calls the system for a refused link', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', ' https://x.example', 'https://user:pw@x.example', 'custom-app://x']) {
      await expect(openExternal(url)).resolves.toBe(false);
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('reports false when the system cannot open the link', async () => {
    shell.openExternal.mockImplementation(async () => {
      throw new Error('no browser');
    });
    await expect(openExternal('https://example.com')).resolves.toBe(false);
  });
});
