import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeLibrary, openLibrary, type Database } from '../db/library.js';
import { addFeed } from '../main/feeds/refresh.js';
import { startFeedServer, type FeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

/**
 * What an item carries beside its body (Media RSS, enclosures, JSON Feed attachments) reaches the
 * article: a YouTube entry reads as its description under its thumbnail, a news item shows its
 * photo with caption and credit, a podcast episode keeps a link to its audio.
 */

function library(): Database {
  return openLibrary(path.join(tempDir(), 'library.sqlite'));
}

interface Row {
  id: number;
  title: string;
  html: string;
  text: string;
}

function articlesOf(db: Database, sourceId: number): Row[] {
  return db.prepare<[number], Row>('SELECT id, title, html, text FROM articles WHERE source_id = ? ORDER BY id').all(sourceId);
}

function figuresOf(db: Database, articleId: number) {
  return db
    .prepare<[number], { src: string; caption: string; stored: number }>(
      'SELECT src, caption, image_hash IS NOT NULL AS stored FROM figures WHERE article_id = ? ORDER BY position',
    )
    .all(articleId);
}

function rss(server: FeedServer, items: string): string {
  return `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour pictures</title><link>${server.url('/site/')}</link><description>test</description>
${items}
</channel></rss>`;
}

describe('media', () => {
  it('reads a YouTube feed: the description is the text, the thumbnail a stored picture, the watch page never fetched', async () => {
    const server = await startFeedServer();
    const entry = (id: string, title: string, thumb: string, description: string) => `<entry>
  <id>yt:video:${id}</id><yt:videoId>${id}</yt:videoId><yt:channelId>UC123</yt:channelId>
  <title>${title}</title>
  <link rel="alternate" href="${server.url(`/watch?v=${id}`)}"/>
  <author><name>Harbour TV</name><uri>${server.url('/channel/UC123')}</uri></author>
  <published>2024-04-0${id.length}T10:00:00+00:00</published><updated>2024-04-05T10:00:00+00:00</updated>
  <media:group>
   <media:title>${title}</media:title>
   <media:content url="${server.url(`/v/${id}?version=3`)}" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="${server.url(thumb)}" width="480" height="360"/>
   <media:description>${description}</media:description>
   <media:community><media:starRating count="12" average="5.00" min="1" max="5"/><media:statistics views="345"/></media:community>
  </media:group>
 </entry>`;
    server.route('/feeds/videos.xml', {
      type: 'application/atom+xml; charset=UTF-8',
      body: `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="${server.url('/feeds/videos.xml')}"/>
 <id>yt:channel:UC123</id><yt:channelId>UC123</yt:channelId>
 <title>Harbour TV</title>
 <link rel="alternate" href="${server.url('/channel/UC123')}"/>
 <published>2020-01-01T00:00:00+00:00</published>
 ${entry('a1', 'Raising the mill wheel', '/img/mill-wheel.jpg', 'The last wheel goes back in.\nFilmed from the sluice.\n\nMusic: harbour band.')}
 ${entry('b22', 'The ferry at dawn', '/img/ferry.jpg', 'A calm crossing.')}
</feed>`,
    });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/videos.xml'));
    const [mill, ferry] = articlesOf(db, feed.id) as [Row, Row];

    expect(mill.title).toBe('Raising the mill wheel');
    expect(mill.text).toBe('The last wheel goes back in.\nFilmed from the sluice.\n\nMusic: harbour band.');
    expect(mill.html).toContain('<p>The last wheel goes back in.<br>Filmed from the sluice.</p>');
    // The picture is stored; its caption is the video's title, not the description again.
    expect(figuresOf(db, mill.id)).toEqual([{ src: server.url('/img/mill-wheel.jpg'), caption: 'Raising the mill wheel', stored: 1 }]);
    expect(mill.html).toMatch(/^<figure data-figure="0"><img src="bs-image:[0-9a-f]{64}"/);
    expect(ferry.text).toBe('A calm crossing.');
    expect(figuresOf(db, ferry.id)).toEqual([{ src: server.url('/img/ferry.jpg'), caption: 'The ferry at dawn', stored: 1 }]);
    // The description is the post: no page is fetched to "complete" it, no Flash player linked.
    expect(server.requests.filter((r) => r.path.startsWith('/watch') || r.path.startsWith('/v/'))).toEqual([]);
    expect(mill.html).not.toContain('/v/a1');
    closeLibrary(db);
  });

  it('shows an RSS item picture from media:content, media:thumbnail or an image enclosure, with its caption and credit', async () => {
    const server = await startFeedServer();
    const text = (s: string) => `<description>${s} The harbour board met on Tuesday to discuss it at length.</description>`;
    const items = [
      `<item><title>Mill wheel lifted</title><guid isPermaLink="false">m-1</guid>${text('The wheel is in.')}
        <media:content url="${server.url('/img/mill-wheel.jpg')}" medium="image" width="800" height="600">
          <media:title>Mill wheel</media:title>
          <media:description>The new wheel is lowered into the race.</media:description>
          <media:credit role="photographer">Ann Reeve</media:credit>
        </media:content></item>`,
      `<item><title>Ferry back in service</title><guid isPermaLink="false">m-2</guid>${text('The ferry sails again.')}
        <media:thumbnail url="${server.url('/img/ferry.jpg')}" width="320" height="240"/></item>`,
      `<item><title>Beans planted</title><guid isPermaLink="false">m-3</guid>${text('Beans are in.')}
        <enclosure url="${server.url('/img/beans.jpg')}" type="image/jpeg" length="0"/></item>`,
      // A body with a picture of its own keeps just that one.
      `<item><title>Netting up</title><guid isPermaLink="false">m-4</guid>
        <content:encoded><![CDATA[<p>Netting over the brassicas.</p><p><img src="${server.url('/img/netting.jpg')}" alt="Netting"></p>]]></content:encoded>
        <media:content url="${server.url('/img/beans.jpg')}" type="image/jpeg"/></item>`,
    ].join('\n');
    server.route('/feeds/pictures.rss', { type: 'application/rss+xml', body: rss(server, items) });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/pictures.rss'), { fullText: false });
    const [mill, ferry, beans, netting] = articlesOf(db, feed.id) as [Row, Row, Row, Row];

    expect(figuresOf(db, mill.id)).toEqual([{ src: server.url('/img/mill-wheel.jpg'), caption: 'The new wheel is lowered into the race. — Ann Reeve', stored: 1 }]);
    expect(mill.html).toContain('<figcaption>The new wheel is lowered into the race. — Ann Reeve</figcaption>');
    expect(mill.text).toBe('The wheel is in. The harbour board met on Tuesday to discuss it at length.');
    expect(figuresOf(db, ferry.id)).toEqual([{ src: server.url('/img/ferry.jpg'), caption: '', stored: 1 }]);
    expect(figuresOf(db, beans.id)).toEqual([{ src: server.url('/img/beans.jpg'), caption: '', stored: 1 }]);
    expect(figuresOf(db, netting.id).map((f) => f.src)).toEqual([server.url('/img/netting.jpg')]);
    closeLibrary(db);
  });

  it('keeps a podcast episode\'s audio and a JSON Feed item\'s attachments as links and pictures', async () => {
    const server = await startFeedServer();
    const episode = `<item><title>Episode 12: The lifeboat</title><guid isPermaLink="false">ep-12</guid>
      <description>The crew talk about the Gull Point rescue.</description>
      <enclosure url="${server.url('/audio/ep12.mp3')}" length="12345678" type="audio/mpeg"/></item>`;
    server.route('/feeds/podcast.rss', { type: 'application/rss+xml', body: rss(server, episode) });
    server.route('/feeds/attachments.json', {
      type: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Quay radio',
        items: [
          {
            id: 'q-1',
            title: 'Tide report',
            content_text: 'The spring tides this week.',
            attachments: [
              { url: server.url('/audio/tides.m4a'), mime_type: 'audio/x-m4a', title: 'Tide report, 12 April', size_in_bytes: 2_400_000 },
              { url: server.url('/video/tides.mp4'), mime_type: 'video/mp4' },
              { url: server.url('/img/ferry.jpg'), mime_type: 'image/jpeg', title: 'The ferry at high water' },
            ],
          },
        ],
      }),
    });
    const db = library();
    const { feed } = await addFeed(db, server.url('/feeds/podcast.rss'), { fullText: false });
    const [ep] = articlesOf(db, feed.id) as [Row];
    expect(ep.html).toContain(`<p>Listen: <a href="${server.url('/audio/ep12.mp3')}">Episode 12: The lifeboat (MP3, 12 MB)</a></p>`);
    expect(ep.text).toBe('The crew talk about the Gull Point rescue.\n\nListen: Episode 12: The lifeboat (MP3, 12 MB)');
    // The audio is linked, not downloaded.
    expect(server.hits.get('/audio/ep12.mp3')).toBeUndefined();

    const { feed: json } = await addFeed(db, server.url('/feeds/attachments.json'), { fullText: false });
    const [tides] = articlesOf(db, json.id) as [Row];
    expect(tides.text).toBe('The spring tides this week.\n\nListen: Tide report, 12 April (M4A, 2.4 MB)\n\nWatch: Tide report (MP4)');
    expect(figuresOf(db, tides.id)).toEqual([{ src: server.url('/img/ferry.jpg'), caption: 'The ferry at high water', stored: 1 }]);
    closeLibrary(db);
  });
});
