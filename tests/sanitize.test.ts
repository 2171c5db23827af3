import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { escapeHtml, sanitizeHtml } from '../main/ingest/sanitize.js';

const ALLOWED_TAGS = new Set([
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'time', 'span',
  'a', 'figure', 'figcaption', 'img', 'picture', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
]);
const ALLOWED_ATTRS = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'dir', 'lang', 'colspan', 'rowspan', 'datetime', 'data-figure']);

/**
 * What "safe" means, checked on the parsed output rather than by pattern: only allowed elements
 * (all in the HTML namespace), only allowed attributes, links only http(s)/mailto/#/bs-image,
 * images only http(s)/bs-image or raster data: URLs. And the output is stable: sanitising it again
 * changes nothing, so a browser's re-parse cannot turn it into something else (mutation XSS).
 */
function expectSafe(output: string): void {
  const root = JSDOM.fragment(output);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    expect(el.namespaceURI, el.outerHTML).toBe('http://www.w3.org/1999/xhtml');
    expect(ALLOWED_TAGS.has(el.localName), `<${el.localName}> in ${output}`).toBe(true);
    for (const attr of Array.from(el.attributes)) {
      expect(ALLOWED_ATTRS.has(attr.name), `${attr.name} in ${output}`).toBe(true);
    }
    const href = el.getAttribute('href');
    if (href !== null) expect(href.trim()).toMatch(/^(?:https?:|mailto:|bs-image:|#)/i);
    const src = el.getAttribute('src');
    if (src !== null) expect(src.trim()).toMatch(/^(?:https?:|bs-image:|data:image\/(?:png|jpe?g|gif|webp|avif)[;,])/i);
  }
  expect(output).not.toMatch(/<(?:script|style|iframe|svg|math|object|embed|form|input|base|meta|link|template|noscript)\b/i);
  expect(sanitizeHtml(output)).toBe(output);
}

/** Payloads from the feed-reader bugs in REFERENCES.md, the OWASP filter-evasion sheet and DOMPurify's own bypass history. */
const PAYLOADS: Record<string, string> = {
  'script tag': '<script>alert(1)</script>',
  'img onerror': '<img src=x onerror=alert(1)>',
  'img onerror, entity-encoded handler': '<img src=x onerror=&#97;lert(1)>',
  'img src=javascript:': '<img src="javascript:alert(1)">',
  'img srcset javascript:': '<img srcset="javascript:alert(1) 1x" src="https://ok.example/a.jpg">',
  'img src evaluates itself': '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  'nested svg onload (znote #5)': '<svg><svg onload=alert(1)>',
  'svg script': '<svg><script>alert(1)</script></svg>',
  'svg animate onbegin': '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  'svg xlink:href': '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  'iframe onload (znote #5)': '<iframe src="https://evil.example/" onload=alert(1)></iframe>',
  'iframe srcdoc': '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  'body onload (QuiteRSS #1439)': '<body onload=alert(1)><p>x</p></body>',
  'meta refresh (QuiteRSS #1439)': '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  'base href': '<base href="https://evil.example/"><a href="/x">x</a>',
  'link import': '<link rel=import href="https://evil.example/x.html">',
  'style element': '<style>@import "https://evil.example/x.css"; body{background:url(https://evil.example/t.png)}</style>',
  'style attribute': '<p style="background:url(http://evil.example/t.png)">x</p>',
  'form with formaction': '<form action="javascript:alert(1)"><input type=submit formaction="javascript:alert(1)"><button>go</button></form>',
  'object and embed': '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
  'details ontoggle': '<details open ontoggle=alert(1)><summary>x</summary></details>',
  'video/audio handlers': '<video><source onerror=alert(1)></video><audio src=x onerror=alert(1)>',
  'anchor onclick': '<a href="https://ok.example/" onclick="alert(1)" target="_blank">x</a>',
  'javascript: href': '<a href="javascript:alert(1)">x</a>',
  'javascript: href with leading space': '<a href=" javascript:alert(1)">x</a>',
  'javascript: href in mixed case': '<a href="JaVaScRiPt:alert(1)">x</a>',
  'javascript: href, first letter as entity': '<a href="&#106;avascript:alert(1)">x</a>',
  'javascript: href, hex entities': '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
  'javascript: href, zero-padded entities': '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
  'javascript: href with a tab inside': '<a href="jav&#x09;ascript:alert(1)">x</a>',
  'javascript: href with a newline inside': '<a href="java\nscript:alert(1)">x</a>',
  'vbscript: href': '<a href="vbscript:msgbox(1)">x</a>',
  'data:text/html href': '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  'data: image link': '<a href="data:image/png;base64,iVBORw0KGgo=">x</a>',
  'svg data: image': '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  'svg data: image, not base64': '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  'table background': '<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">x</td></tr></table>',
  'comment hiding markup': '<!--<img src=x onerror=alert(1)>--><p>x</p>',
  'processing instruction': '<?xml-stylesheet href="javascript:alert(1)"?><p>x</p>',
  'DOM clobbering': '<img name="cookie" id="getElementById" src="https://ok.example/a.png"><form id="body"></form>',
  // DOMPurify bypass history (mutation XSS through foreign content and the parser's quirks):
  'mXSS: math mtext table mglyph style (DOMPurify 2.0.17)': '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  'mXSS: math style comment title (DOMPurify 2.0.17)': '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
  'mXSS: nested forms (DOMPurify 2.0.0)': '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  'mXSS: svg p style (DOMPurify 2.0.1)': '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  'mXSS: noscript title': '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  'mXSS: noembed title': '<noembed><img title="</noembed><img src onerror=alert(1)>"></noembed>',
  'mXSS: template content': '<template><img src=x onerror=alert(1)></template>',
  'mXSS: xmp raw text': '<xmp><img src=x onerror=alert(1)></xmp>',
  'mXSS: math href': '<math href="javascript:alert(1)">click</math>',
  'mXSS: annotation-xml': '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
  'deep nesting (300 levels)': `${'<div>'.repeat(300)}<img src=x onerror=alert(1)><a href="javascript:alert(1)">deep</a>${'</div>'.repeat(300)}`,
  'deep nesting of allowed tags': `${'<blockquote>'.repeat(300)}<img src=x onerror=alert(1)>deep${'</blockquote>'.repeat(300)}`,
};

describe('sanitizeHtml against XSS payloads', () => {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    it(name, () => {
      const output = sanitizeHtml(payload);
      expectSafe(output);
      expect(output).not.toMatch(/\son\w+\s*=/i);
      expect(output).not.toMatch(/javascript:|vbscript:|data:text|image\/svg/i);
    });
  }

  it('keeps the text of a deeply nested paragraph but no handler', () => {
    const output = sanitizeHtml(PAYLOADS['deep nesting (300 levels)']!);
    expect(output).toContain('deep');
    expect(output).not.toContain('onerror');
  });

  it('keeps the link text when it drops a javascript: href', () => {
    expect(sanitizeHtml('<p>Read <a href="JaVaScRiPt:alert(1)">the report</a>.</p>')).toBe('<p>Read <a>the report</a>.</p>');
  });

  it('drops script and style contents, not only the tags', () => {
    const output = sanitizeHtml('<p>a</p><script>var secret = 1;</script><style>p{}</style><p>b</p>');
    expect(output).toBe('<p>a</p><p>b</p>');
  });
});

describe('sanitizeHtml keeps what the reader needs', () => {
  it('keeps figures with their data-figure index', () => {
    const figure = '<figure data-figure="0"><img src="https://img.example/a.jpg" alt="A harbour"><figcaption>The harbour at dawn.</figcaption></figure>';
    expect(sanitizeHtml(figure)).toBe(figure);
  });

  it('keeps non-URL attributes that look nothing like a URL', () => {
    // DOMPurify checks every such attribute against the URI pattern; a scheme-only pattern dropped these.
    const html = '<p lang="vi" dir="ltr">Nghệ An <time datetime="2024-03-04T08:15:00+07:00">4/3</time></p>'
      + '<table><tbody><tr><td colspan="2" rowspan="1">x</td></tr></tbody></table>'
      + '<p><img src="https://img.example/a.jpg" alt="" width="600" height="400" title="A title"></p>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('keeps http(s), mailto, fragment and bs-image links', () => {
    const html = '<p><a href="https://example.com/a?b=1&amp;c=2">a</a> <a href="http://example.com/">b</a> '
      + '<a href="mailto:desk@example.com">c</a> <a href="#notes">d</a> <a href="bs-image:3f2a">e</a></p>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('drops relative and protocol-relative URLs (the importer resolves them first)', () => {
    expect(sanitizeHtml('<a href="/local">a</a><a href="//evil.example/">b</a>')).toBe('<a>a</a><a>b</a>');
    expect(sanitizeHtml('<img src="//evil.example/t.gif" alt="t"><img src="photo.jpg" alt="p">')).toBe('<img alt="t"><img alt="p">');
  });

  it('keeps raster data: images and drops SVG ones', () => {
    const png = '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" alt="dot">';
    expect(sanitizeHtml(png)).toBe(png);
    const jpeg = '<img src="data:image/jpeg;base64,/9j/4AAQSkZJRg==" alt="">';
    expect(sanitizeHtml(jpeg)).toBe(jpeg);
    expect(sanitizeHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="s">')).toBe('<img alt="s">');
    expect(sanitizeHtml('<img src="data:text/html,<script>alert(1)</script>" alt="h">')).toBe('<img alt="h">');
  });

  it('unwraps layout elements but keeps their text', () => {
    expect(sanitizeHtml('<div class="x"><section><p>Body <font color="red">text</font></p></section></div>')).toBe('<p>Body text</p>');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });
});
