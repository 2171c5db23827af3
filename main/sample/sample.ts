import type { Database } from 'better-sqlite3';
import { saveArticle } from '../../db/articles.js';
import { storeImage } from '../../db/images.js';
import { escapeHtml, sanitizeHtml } from '../ingest/sanitize.js';
import { SAMPLE_IMAGE_BASE64 } from './sample-image.js';

const CAPTION = 'Morning over the hills: every picture you save stays with its caption, even offline. Illustration: Broadsheet';

const PARAGRAPHS: Array<[kind: 'p' | 'h2' | 'figure', text: string]> = [
  ['p', 'Broadsheet keeps the articles you save on your own computer: the words, the pictures and their captions. Nothing you read here is fetched again, so a train tunnel or a flight is no reason to stop reading.'],
  ['figure', CAPTION],
  ['h2', 'Bring your reading in'],
  ['p', 'Import text, Markdown or saved web pages from the welcome screen, or from a terminal with broadsheet import and a file or folder. Each article keeps its title, its source, its byline and every figure in order. Site clutter such as related-news boxes is left behind.'],
  ['h2', 'Find anything again'],
  ['p', 'Press the slash key and type. Search looks through titles, leads, the body and image captions at once, and it does not mind accents: typing duc finds Đức, and nghe an finds Nghệ An.'],
  ['h2', 'Read your way'],
  ['p', 'Choose a light, dark or sepia page, a larger font or a narrower column. Press j and k to move through the list, s to star, m to mark as read or unread, and the question mark to see every shortcut.'],
];

/** Adds the welcome article that ships with the app, picture included. Adding it twice keeps one. */
export function addSampleArticle(db: Database): number {
  return db.transaction(() => {
    const hash = storeImage(db, {
      bytes: Buffer.from(SAMPLE_IMAGE_BASE64, 'base64'),
      mime: 'image/jpeg',
      width: 960,
      height: 540,
    });
    const html = PARAGRAPHS.map(([kind, text]) =>
      kind === 'figure'
        ? `<figure data-figure="0"><img src="bs-image:${hash}" alt=""><figcaption>${escapeHtml(text)}</figcaption></figure>`
        : `<${kind}>${escapeHtml(text)}</${kind}>`,
    ).join('\n');
    return saveArticle(db, {
      title: 'Welcome to Broadsheet',
      source: 'Broadsheet',
      author: 'The Broadsheet team',
      attribution: null,
      url: null,
      publishedAt: null,
      lead: 'A reader for the news you keep: save articles once, read them anywhere, and search everything you ever saved.',
      html: sanitizeHtml(html),
      text: PARAGRAPHS.filter(([k]) => k !== 'figure').map(([, t]) => t).join('\n\n'),
      figures: [{ src: '', alt: '', caption: CAPTION, imageHash: hash }],
      origin: 'broadsheet:sample',
    }).id;
  }).immediate();
}
