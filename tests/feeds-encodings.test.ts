import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary } from '../db/library.js';
import { addFeed } from '../main/feeds/refresh.js';
import { decodeFeedBody } from '../main/feeds/xml.js';
import { declaredXmlEncoding } from '../main/ingest/sniff.js';
import { fixture, startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

/**
 * [fixture, Content-Type the server sends, feed title, item title, a phrase of the description].
 * The fixtures are real bytes in each encoding (tests/fixtures/feeds/encodings).
 */
const CASES: Array<[string, string, string, string, string]> = [
  // The XML declaration says utf-8, the bytes are windows-1251; the HTTP charset is right and wins.
  ['cp1251-wrong-declaration.xml', 'application/rss+xml; charset=windows-1251', 'Новости Приморья', 'Паром «Чайка» снова в строю', 'рейсы возобновятся в понедельник'],
  // No HTTP charset: the declaration is used.
  ['cp1251-declared.xml', 'application/rss+xml', 'Новости Приморья', 'Паром «Чайка» снова в строю', 'Ремонт парома занял три недели'],
  ['latin1.xml', 'text/xml', 'Café des Artistes', 'Crème brûlée à Montréal, déjà vu', 'Naïve façade, Ærøskøbing et Ångström : ça coûte 5 £.'],
  ['cp1252.xml', 'application/xml', 'The “Smart” Quotes', 'It’s €5 — or so they say…', 'Œuvres, “quoted”, ‘single’, Š and ž, • bullet, ™ mark.'],
  // HTTP charset and the declaration disagree: HTTP wins.
  ['http-vs-declaration.xml', 'application/rss+xml; charset="windows-1252"', 'The “Smart” Quotes', 'It’s €5 — or so they say…', '“quoted”'],
  // Vietnamese in windows-1258 (tone marks as combining characters), named only by HTTP.
  ['cp1258.xml', 'application/rss+xml; charset=windows-1258', 'Tin tức Hà Nội', 'Mùa thu Hà Nội, phố cổ và hồ Gươm', 'phố Đinh Tiên Hoàng'],
  // A byte-order mark beats both the HTTP charset and the declaration.
  ['bom-utf8.xml', 'application/rss+xml; charset=iso-8859-1', 'Ελληνικά νέα', 'Καλημέρα κόσμε', 'Ο καιρός σήμερα'],
  // UTF-8 that the server labels Latin-1 (Apache's AddDefaultCharset): the document is believed,
  // when it says UTF-8 or says nothing, and its bytes are UTF-8.
  ['utf8-labelled-latin1.xml', 'text/xml; charset=ISO-8859-1', 'Tin tức Hà Nội', 'Đức và Hồ Gươm mùa thu', 'cà phê trứng và 5 € một cốc — “rẻ”'],
  ['utf8-undeclared.xml', 'application/rss+xml; charset=windows-1252', 'Tin tức Hà Nội', 'Đức và Hồ Gươm mùa thu', 'cà phê trứng'],
  ['utf8-labelled-latin1.xml', 'text/xml; charset=us-ascii', 'Tin tức Hà Nội', 'Đức và Hồ Gươm mùa thu', 'cà phê trứng'],
];

describe('feed encodings', () => {
  it.each(CASES)('%s (%s)', async (file, type, feedTitle, itemTitle, phrase) => {
    const server = await startFeedServer();
    server.route('/enc.xml', { file: `encodings/${file}`, type });
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const r = await addFeed(db, server.url('/enc.xml'), { fullText: false });
    expect(r.feed.title.normalize('NFC')).toBe(feedTitle);
    const row = db.prepare<[], { title: string; text: string }>('SELECT title, text FROM articles').get()!;
    expect(row.title.normalize('NFC')).toBe(itemTitle);
    expect(row.text.normalize('NFC')).toContain(phrase);
    expect(row.text).not.toContain('\uFFFD');
    closeLibrary(db);
  });

  it('turns invalid UTF-8 into replacement characters, never a crash', async () => {
    const server = await startFeedServer();
    server.route('/bad.xml', { file: 'encodings/invalid-utf8.xml', type: 'application/rss+xml; charset=utf-8' });
    const db = openLibrary(path.join(tempDir(), 'library.sqlite'));
    const r = await addFeed(db, server.url('/bad.xml'), { fullText: false });
    expect(r.feed.title).toBe('Broken bytes');
    const row = db.prepare<[], { title: string; text: string }>('SELECT title, text FROM articles').get()!;
    expect(row.title).toMatch(/^Before \uFFFD+ after$/);
    expect(row.text).toMatch(/^Lone continuation \uFFFD and overlong \uFFFD+ end\.$/);
    closeLibrary(db);
  });

  it('an unknown charset label falls through to the next source', () => {
    const bytes = fixture('encodings/latin1.xml');
    expect(declaredXmlEncoding(bytes)).toBe('iso-8859-1');
    expect(decodeFeedBody(bytes, 'x-no-such-charset')).toContain('Crème brûlée');
    expect(decodeFeedBody(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x3e]), null)).toBe('<a>');
    expect(decodeFeedBody(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x3e, 0x00]), 'utf-8')).toBe('<a>');
  });
});
