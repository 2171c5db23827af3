import path from 'node:path';
import { parseOpml } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { listFeeds } from '../db/feeds.js';
import { closeLibrary, openLibrary } from '../db/library.js';
import { exportOpml, importOpml } from '../main/feeds/opml.js';
import { refreshFeeds } from '../main/feeds/refresh.js';
import { FeedError } from '../main/feeds/xml.js';
import { fixture, startFeedServer } from './feeds-server.js';
import { tempDir } from './helpers.js';

function library() {
  return openLibrary(path.join(tempDir(), 'library.sqlite'));
}

interface Node {
  text: string;
  xmlUrl?: string;
  outlines?: Node[];
}

/** The outline tree without the attributes that do not matter here. */
function tree(outlines: Node[] | undefined): unknown[] {
  return (outlines ?? []).map((o) => (o.xmlUrl ? { feed: o.text, xmlUrl: o.xmlUrl } : { folder: o.text, children: tree(o.outlines) }));
}

describe('OPML', () => {
  it('imports nested folders, refreshes them, and exports the same tree back', async () => {
    const server = await startFeedServer();
    const opml = fixture('subscriptions.opml').toString('utf8').replaceAll('{{ORIGIN}}', server.origin);
    const db = library();

    const imported = importOpml(db, opml);
    expect(imported).toMatchObject({ added: 5, existing: 0, failed: 1 });
    expect(imported.items.find((i) => i.status === 'failed')).toMatchObject({ url: 'javascript:alert(1)', reason: expect.stringMatching(/only http and https/) });
    expect(listFeeds(db).map((f) => [f.folder, f.title])).toEqual([
      ['History', 'The Quarry Journal'],
      ['Local', 'The Harbour Gazette'],
      ['Local/Nature', 'Moorland Weather Station'],
      ['Local/Nature', 'The Fenland Naturalist'],
      [null, 'Allotment Diary'],
    ]);
    // Imported, not fetched: every feed is due at once.
    expect(server.requests).toHaveLength(0);
    const results = await refreshFeeds(db, { dueOnly: true });
    expect(results.map((r) => [r.title, r.status, r.new])).toEqual(
      expect.arrayContaining([
        ['The Harbour Gazette', 'fetched', 5],
        ['The Fenland Naturalist', 'fetched', 2],
        ['Moorland Weather Station', 'fetched', 1],
        ['The Quarry Journal', 'fetched', 3],
        ['Allotment Diary', 'fetched', 2],
      ]),
    );

    const exported = exportOpml(db);
    expect(exported).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
    const parsed = parseOpml(exported);
    expect(parsed.head?.title).toBe('Broadsheet subscriptions');
    const url = (p: string) => server.url(p);
    expect(tree(parsed.body?.outlines as Node[])).toEqual([
      { folder: 'History', children: [{ feed: 'The Quarry Journal', xmlUrl: url('/feeds/quarry.atom') }] },
      {
        folder: 'Local',
        children: [
          {
            folder: 'Nature',
            children: [
              { feed: 'Moorland Weather Station', xmlUrl: url('/feeds/moorland.json') },
              { feed: 'The Fenland Naturalist', xmlUrl: url('/feeds/fenland.rdf') },
            ],
          },
          { feed: 'The Harbour Gazette', xmlUrl: url('/feeds/harbour.rss') },
        ],
      },
      { feed: 'Allotment Diary', xmlUrl: url('/feeds/allotment.json') },
    ]);
    const harbour = (parsed.body?.outlines as Array<Node & { htmlUrl?: string }>)[1]!.outlines![1] as { htmlUrl?: string; type?: string };
    expect(harbour).toMatchObject({ htmlUrl: url('/harbour/'), type: 'rss' });

    // Round trip: a fresh library gets the same feeds in the same folders.
    const other = library();
    expect(importOpml(other, exported)).toMatchObject({ added: 5, existing: 0, failed: 0 });
    const shape = (d: typeof db) => listFeeds(d).map((f) => [f.folder, f.title, f.url, f.siteUrl]);
    expect(shape(other)).toEqual(shape(db));
    // Importing again adds nothing.
    expect(importOpml(other, exported)).toMatchObject({ added: 0, existing: 5, failed: 0 });
    closeLibrary(other);
    closeLibrary(db);
  });

  it("keeps the names the OPML file gives its feeds; a feed it does not name takes the feed's own title", async () => {
    const server = await startFeedServer();
    const db = library();
    importOpml(
      db,
      `<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
<outline type="rss" text="Atom feed" xmlUrl="${server.url('/feeds/quarry.atom')}"/>
<outline type="rss" text="harbour" title="Harbour (local paper)" xmlUrl="${server.url('/feeds/harbour.rss')}"/>
<outline type="rss" xmlUrl="${server.url('/feeds/fenland.rdf')}"/>
</body></opml>`,
    );
    const results = await refreshFeeds(db, { images: false });
    expect(results.map((r) => [r.title, r.status])).toEqual([
      ['Atom feed', 'fetched'],
      ['Harbour (local paper)', 'fetched'],
      ['The Fenland Naturalist', 'fetched'],
    ]);
    // And on every refresh after.
    await refreshFeeds(db, { images: false });
    expect(listFeeds(db).map((f) => f.title)).toEqual(['Atom feed', 'Harbour (local paper)', 'The Fenland Naturalist']);
    closeLibrary(db);
  });

  it('refuses an OPML file that declares entities, and one that is not OPML', () => {
    const db = library();
    const hostile = '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml version="2.0"><head/><body><outline text="&x;" xmlUrl="http://example.invalid/&x;"/></body></opml>';
    expect(() => importOpml(db, hostile)).toThrow(FeedError);
    expect(() => importOpml(db, hostile)).toThrow('the OPML file declares XML entities, which Broadsheet does not expand');
    expect(() => importOpml(db, '<opml version="2.0"><body><outline text="a">')).toThrow(/the OPML file is incomplete or malformed/);
    expect(() => importOpml(db, '<rss version="2.0"><channel><title>x</title></channel></rss>')).toThrow(/not an OPML file/);
    expect(listFeeds(db)).toHaveLength(0);
    closeLibrary(db);
  });

  it('exports an empty, valid document when there are no feeds', () => {
    const db = library();
    const parsed = parseOpml(exportOpml(db));
    expect(parsed.head?.title).toBe('Broadsheet subscriptions');
    expect(parsed.body?.outlines ?? []).toEqual([]);
    closeLibrary(db);
  });
});
