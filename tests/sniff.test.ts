/**
 * The prolog sniffer that decides "is this HTML / SVG?" for feed responses, pictures and saved
 * pages: what it skips, and that hostile prologs cannot keep it busy (the regex it replaced took
 * minutes on a few hundred bytes).
 */
import { describe, expect, it } from 'vitest';
import { startsWithAfterProlog, withoutComments } from '../main/ingest/sniff.js';

const HTML = /<(?:!doctype\s+html|html|head|body)[\s>]/iy;
const SVG = /<svg[\s>/]/iy;
const XML_DECLARATION = /<\?xml[^>]*>/iy;
const SVG_DOCTYPE = /<!DOCTYPE\s+svg[^>]*>/iy;

describe('startsWithAfterProlog', () => {
  it('skips whitespace and comments before the first tag', () => {
    expect(startsWithAfterProlog('<!doctype html><p>', HTML)).toBe(true);
    expect(startsWithAfterProlog('\n  <!-- saved by a browser --> \n<!----><HTML lang="en">', HTML)).toBe(true);
    expect(startsWithAfterProlog('<!-- <html> -->plain text', HTML)).toBe(false);
    expect(startsWithAfterProlog('<!-- never closed <html>', HTML)).toBe(false);
    expect(startsWithAfterProlog('text <html>', HTML)).toBe(false);
    expect(startsWithAfterProlog('', HTML)).toBe(false);
  });

  it('skips only what the caller allows: an XML declaration and an SVG doctype for pictures', () => {
    const svg = '<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">\n<svg xmlns="http://www.w3.org/2000/svg">';
    expect(startsWithAfterProlog(svg, SVG, [XML_DECLARATION, SVG_DOCTYPE])).toBe(true);
    expect(startsWithAfterProlog(svg, SVG)).toBe(false);
    expect(startsWithAfterProlog('<?xml version="1.0"?><html>', HTML)).toBe(false);
  });

  it('answers at once on prologs built to make a regex backtrack', () => {
    const exponential = '<!-' + '---><!----><!-'.repeat(10_000); // minutes at 18 repeats before
    expect(startsWithAfterProlog(exponential, HTML)).toBe(false);
    expect(startsWithAfterProlog('<!---->'.repeat(100_000) + '<html>', HTML)).toBe(true);
    expect(startsWithAfterProlog('<?xml'.repeat(100_000), SVG, [XML_DECLARATION, SVG_DOCTYPE])).toBe(false);
    expect(startsWithAfterProlog('<!DOCTYPE\tsvg'.repeat(100_000), SVG, [XML_DECLARATION, SVG_DOCTYPE])).toBe(false);
    expect(startsWithAfterProlog(' '.repeat(1_000_000) + 'x', HTML)).toBe(false);
  });
});

describe('withoutComments', () => {
  it('drops each comment, and everything after one that is never closed', () => {
    expect(withoutComments('a<!-- b -->c<!---->d')).toBe('acd');
    expect(withoutComments('a<!-- b --> c --> d')).toBe('a c --> d');
    expect(withoutComments('a<!-- never closed <meta charset="big5">')).toBe('a');
    expect(withoutComments('no comments')).toBe('no comments');
    expect(withoutComments('<!--'.repeat(200_000))).toBe('');
  });
});
