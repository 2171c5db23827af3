import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openLibrary } from '../db/library.js';
import { saveArticle, setRead, setStarred } from '../db/articles.js';
import { parseQuery, rankedStatements, RANK_LIMIT, search, searchArticles } from '../db/search.js';
import { parseScrapedText } from '../main/ingest/text.js';
import { article, SHARED_FIXTURE, tempDir } from './helpers.js';

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

let db: Database;
const id: Record<string, number> = {};

beforeAll(() => {
  db = openLibrary(path.join(tempDir('broadsheet-search-'), 'library.sqlite'));
  const belarus = parseScrapedText(fs.readFileSync(SHARED_FIXTURE, 'utf8'));
  id.belarus = saveArticle(db, { ...belarus, publishedAt: day('2016-11-20') }).id;
  id.vn = saveArticle(db, article({ title: 'Ông Nguyễn Đức Anh về thăm Nghệ An', source: 'Báo Nghệ An', lead: 'Chuyến thăm quê.', text: 'Người dân Nghệ An đón ông Đức.', publishedAt: day('2024-05-02') })).id;
  id.duc = saveArticle(db, article({ title: 'Duc opens a café in Paris', source: 'Le Quotidien', author: 'Marie Dupont', text: 'The cafe serves strong coffee near the river.', publishedAt: day('2023-03-01') })).id;
  id.forces = saveArticle(db, article({ title: 'Reform of the army', source: 'DW', text: 'The special forces will train with the border guard. Forces that are special are rare.', publishedAt: day('2015-06-01') })).id;
  id.lhTitle = saveArticle(db, article({ title: 'The lighthouse', text: 'Waves and gulls.', publishedAt: day('2020-01-01') })).id;
  id.lhLead = saveArticle(db, article({ title: 'Coastal news', lead: 'A lighthouse keeper retires.', text: 'Waves.', publishedAt: day('2020-01-01') })).id;
  id.lhCaption = saveArticle(db, article({ title: 'Harbour day', text: 'Boats and nets.', figures: [{ src: '', alt: '', caption: 'The old lighthouse at dusk.' }], publishedAt: day('2020-01-01') })).id;
  id.lhBody = saveArticle(db, article({ title: 'Sea report', text: 'Fog rolled past the lighthouse before noon and the ferries waited in the bay for hours.', publishedAt: day('2020-01-01') })).id;
  setRead(db, id.duc!, true);
  setStarred(db, id.forces!, true);
});

const ids = (q: string) => searchArticles(db, q, { limit: 100 }).map((h) => h.id).sort((a, b) => a - b);
const sorted = (...xs: Array<number | undefined>) => (xs as number[]).sort((a, b) => a - b);

describe('the query language', () => {
  it('ANDs words', () => {
    expect(ids('belarus lukashenko')).toEqual([id.belarus]);
    expect(ids('belarus lighthouse')).toEqual([]);
    expect(ids('belarus AND lukashenko')).toEqual([id.belarus]);
  });
  it('matches an exact phrase, and only the phrase', () => {
    expect(ids('"special forces"')).toEqual(sorted(id.belarus, id.forces));
    expect(ids('"forces special"')).toEqual([]);
  });
  it('expands word* as a prefix', () => {
    expect(ids('lighth*')).toEqual(sorted(id.lhTitle, id.lhLead, id.lhCaption, id.lhBody));
    expect(ids('lighth')).toEqual([]);
  });
  it('ORs', () => {
    expect(ids('lukashenko OR coffee')).toEqual(sorted(id.belarus, id.duc));
  });
  it('excludes with -word, also on its own', () => {
    expect(ids('"special forces" -belarus')).toEqual([id.forces]);
    expect(ids('-lighthouse')).toEqual(sorted(id.belarus, id.vn, id.duc, id.forces));
  });
  it('excludes with NOT in capitals; "not" and "and" in lower case are words', () => {
    expect(ids('"special forces" NOT belarus')).toEqual([id.forces]);
    expect(ids('lighthouse NOT (keeper OR dusk)')).toEqual(sorted(id.lhTitle, id.lhBody));
    expect(ids('special not')).toEqual([id.belarus]); // the fixture says "not"; the army reform does not
    expect(ids('waves and')).toEqual([id.lhTitle]); // "Waves and gulls."; the other "Waves." has no "and"
    expect(ids('waves AND')).toEqual(sorted(id.lhTitle, id.lhLead));
  });
  it('groups with parentheses', () => {
    expect(ids('(coffee OR gulls) -paris')).toEqual([id.lhTitle]);
    expect(ids('lighthouse (keeper OR dusk)')).toEqual(sorted(id.lhLead, id.lhCaption));
  });
  it('filters by field', () => {
    expect(ids('title:lighthouse')).toEqual([id.lhTitle]);
    expect(ids('source:DW')).toEqual([id.forces]);
    expect(ids('source:baonghean')).toEqual([id.belarus]);
    expect(ids('author:dupont')).toEqual([id.duc]);
    expect(ids('author:"phu binh"')).toEqual([id.belarus]);
    expect(ids('title:"nato or russia"')).toEqual([id.belarus]);
    expect(ids('source:(dw OR baonghean)')).toEqual(sorted(id.belarus, id.forces));
  });
  it('searches only captions with caption:', () => {
    expect(ids('caption:lighthouse')).toEqual([id.lhCaption]);
    expect(ids('caption:reuters')).toEqual([id.belarus]);
    expect(ids('caption:parade')).toEqual([id.belarus]);
    expect(ids('caption:jakovlevski')).toEqual([]);
  });
  it('filters by date', () => {
    expect(ids('lighthouse after:2020-01-01')).toHaveLength(4);
    expect(ids('lighthouse after:2020-01-02')).toEqual([]);
    expect(ids('after:2023-01-01')).toEqual(sorted(id.vn, id.duc));
    expect(ids('before:2016-01-01')).toEqual([id.forces]);
    expect(ids('after:2016-01-01 before:2017-01-01')).toEqual([id.belarus]);
  });
  it('filters by state', () => {
    expect(ids('is:starred')).toEqual([id.forces]);
    expect(ids('café is:unread')).toEqual([]);
    expect(ids('café is:read')).toEqual([id.duc]);
    expect(ids('forces is:starred')).toEqual([id.forces]);
  });
});

describe('case and accents never matter', () => {
  it.each([
    ['duc', ['vn', 'duc']],
    ['Đức', ['vn', 'duc']],
    ['đức', ['vn', 'duc']],
    ['DUC', ['vn', 'duc']],
    ['nghe an', ['vn']],
    ['Nghệ An', ['vn']],
    ['NGHỆ AN', ['vn']],
    ['"nghe an"', ['vn']],
    ['cafe', ['duc']],
    ['café', ['duc']],
    ['CAFÉ', ['duc']],
    ['nguyen', ['vn']],
    ['source:"bao nghe an"', ['vn']],
  ])('%s', (q, expected) => {
    expect(ids(q)).toEqual(sorted(...expected.map((k) => id[k])));
  });
});

describe('other scripts: accents, vowel marks and whole words', () => {
  const world: Record<string, number> = {};
  beforeAll(() => {
    const add = (key: string, title: string, text: string) => (world[key] = saveArticle(db, article({ title, text, publishedAt: day('2021-01-01') })).id);
    add('greek', 'Θεσσαλονίκη: τουρίστες στην Ακρόπολη', 'Ο Οδυσσέας περπάτησε στην Αθήνα.');
    add('greekNfd', 'Νέα από την Κρήτη'.normalize('NFD'), 'Η Ακρόπολη το πρωί.'.normalize('NFD'));
    add('russian', 'Ёлка на площади', 'Город ждёт праздника.');
    add('arabic', 'مُؤْتَمَرُ الشَّبَابِ في القاهرة', 'اجتمع الشباب لمناقشة العمل.');
    add('hebrew', 'שָׁלוֹם לכולם', 'ברכה קצרה.');
    add('hindi', 'नमस्ते दुनिया', 'यह एक छोटा लेख है।');
    add('wide', 'ＮＡＴＯ summit in full width', 'Leaders met.');
    add('german', 'GROẞE Straße', 'Ein Bericht.');
    add('chinese', '北京市政府发布新的交通政策', '北京市政府今天宣布了新的交通政策，地铁票价不变。');
    add('japanese', '東京の桜が満開', '上野公園では今週末に花見客が多く訪れる見込みです。');
  });
  it.each([
    ['θεσσαλονικη', 'greek'],
    ['ΤΟΥΡΙΣΤΕΣ', 'greek'],
    ['οδυσσεας', 'greek'],
    ['Αθήνα', 'greek'],
    ['κρητη', 'greekNfd'],
    ['Κρήτη', 'greekNfd'],
    ['елка', 'russian'],
    ['ждет', 'russian'],
    ['Ёлка', 'russian'],
    ['مؤتمر', 'arabic'],
    ['الشباب', 'arabic'],
    ['שלום', 'hebrew'],
    ['नमस्ते', 'hindi'],
    ['nato', 'wide'],
    ['grosse', 'german'],
    ['北京', 'chinese'],
    ['政策', 'chinese'],
    ['地铁票价', 'chinese'],
    ['東京', 'japanese'],
    ['桜', 'japanese'],
    ['上野公園', 'japanese'],
    ['花見', 'japanese'],
  ])('%s', (q, key) => {
    expect(ids(q)).toContain(world[key]);
  });
  it('finds Chinese and Japanese words inside sentences, in order, and marks the word whole', () => {
    expect(ids('京北')).toEqual([]); // the characters of a word, in order
    expect(ids('"交通 政策"')).toEqual([world.chinese]); // a space typed between Chinese words changes nothing
    const hit = searchArticles(db, '地铁')[0]!;
    expect(hit.id).toBe(world.chinese);
    expect(hit.snippet).toContain('<mark>地铁</mark>票价不变');
    expect(hit.snippet).not.toContain('\u2060');
    expect(search(db, '上野').terms).toEqual([{ text: '上野', prefix: false }]);
  });
  it('keeps Hindi words whole: दिन (day) does not find दुनिया (world), and the mark covers the word', () => {
    expect(ids('दिन')).toEqual([]);
    const hit = searchArticles(db, 'दुनिया')[0]!;
    expect(hit.id).toBe(world.hindi);
    expect(search(db, 'दुनिया').hits[0]!.snippet + hit.snippet).not.toMatch(/<\/mark>\p{M}/u);
  });
});

describe('anything a person types is safe', () => {
  it.each([
    '"', '"unbalanced phrase', '-', '*', '**', 'NEAR(', 'NEAR(a b)', 'AND OR', 'AND', 'NOT', 'OR OR OR', 'title:', 'title: ',
    'caption:', ':', '::', 'text:lighthouse', 'rank:1', 'articles_fts:x', '(((', ')))', '() ()', '-(-(-a))',
    "'; DROP TABLE articles; --", 'SELECT * FROM articles', '\u0000', '\\', '^lighthouse', '{title}: x', 'a'.repeat(10_000),
    'lighthouse '.repeat(1_000), '-is:read', 'is:', 'after:', 'after:2020-13-45', 'before:yesterday',
  ])('%j returns a list, never an error', (q) => {
    expect(() => search(db, q)).not.toThrow();
    expect(Array.isArray(search(db, q).hits)).toBe(true);
  });
  it('reads broken syntax as plain words', () => {
    expect(ids('"lighthouse keeper')).toEqual([id.lhLead]);
    expect(ids('"keeper lighthouse')).toEqual([id.lhLead]); // an unclosed quote is no phrase
    expect(ids('lighthouse _')).toHaveLength(4); // no word in it: it used to empty the result
    expect(ids('lighthouse \u0301')).toHaveLength(4);
    expect(ids('NEAR(lighthouse')).toEqual([]);
    expect(ids('(lighthouse')).toHaveLength(4);
    expect(ids('title:')).toEqual([]);
    expect(ids('text:lighthouse')).toEqual([]);
  });
});

describe('ranking and results', () => {
  it('ranks title above lead above caption above body', () => {
    const hits = searchArticles(db, 'lighthouse');
    expect(hits.map((h) => h.id)).toEqual([id.lhTitle, id.lhLead, id.lhCaption, id.lhBody]);
  });
  it('ranks an article whose title matches above a short one that mentions the word once', () => {
    const festival = saveArticle(db, article({
      title: 'Zephyrine festival returns to the old harbour',
      lead: 'The zephyrine festival is back after four years.',
      text: Array.from({ length: 150 }, (_, i) => `Paragraph ${i} about the stalls, the music, the food and the crowds along the quay.`).join('\n\n'),
      publishedAt: day('2019-06-01'),
    })).id;
    const roundup = saveArticle(db, article({ title: 'Weekend roundup', text: 'Markets, a zephyrine stall, rain.', publishedAt: day('2019-06-02') })).id;
    expect(searchArticles(db, 'zephyrine').map((h) => h.id)).toEqual([festival, roundup]);
    expect(searchArticles(db, 'zephyrine rain').map((h) => h.id)).toEqual([roundup]);
  });
  it('breaks ties by recency', () => {
    const older = saveArticle(db, article({ title: 'Tidepool survey', publishedAt: day('2001-01-01') })).id;
    const newer = saveArticle(db, article({ title: 'Tidepool survey', text: 'Another body.', publishedAt: day('2022-01-01') })).id;
    expect(searchArticles(db, 'tidepool').map((h) => h.id)).toEqual([newer, older]);
  });
  it('says where it matched and marks the words in the snippet', () => {
    const [caption] = searchArticles(db, 'caption:dusk');
    expect(caption!.matchedIn).toEqual(['caption']);
    expect(caption!.snippet).toBe('The old lighthouse at <mark>dusk</mark>.');
    const [body] = searchArticles(db, 'ferries');
    expect(body!.matchedIn).toEqual(['body']);
    expect(body!.snippet).toContain('<mark>ferries</mark>');
    const vn = searchArticles(db, 'duc').find((h) => h.id === id.vn)!;
    expect(vn.matchedIn).toEqual(['body', 'title']);
    expect(vn.snippet).toContain('<mark>Đức</mark>');
  });
  it('returns title, source, date and score with each hit', () => {
    const [hit] = searchArticles(db, 'lukashenko');
    expect(hit).toMatchObject({ id: id.belarus, title: "Belarus's Choice: NATO or Russia?", source: 'Baonghean', publishedAt: day('2016-11-20') });
    expect(typeof hit!.score).toBe('number');
  });
});

describe('large result sets', () => {
  it('counts first, ranks a bounded set, and pages by key with no gaps or repeats', () => {
    const big = openLibrary(path.join(tempDir(), 'big.sqlite'));
    const n = RANK_LIMIT + 300;
    big.transaction(() => {
      for (let i = 0; i < n; i++) {
        // The oldest one is named by the query: it is ranked although 5,300 newer ones match.
        const title = i === 0 ? 'Everyday words: the first bulletin' : `Daily bulletin ${i}`;
        saveArticle(big, article({ title, text: `Everyday words in every article, number ${i}.`, publishedAt: Date.UTC(2020, 0, 1) + i * 60_000 }));
      }
    })();
    const first = search(big, 'everyday', { limit: 50 });
    expect(first.total).toBe(n);
    expect(first.rankedSubset).toBe(true);
    expect(first.hits[0]!.title).toBe('Everyday words: the first bulletin');
    const seen = new Set(first.hits.map((h) => h.id));
    let page = first;
    let pages = 1;
    while (page.next && pages < 200) {
      page = search(big, 'everyday', { limit: 50, after: page.next });
      for (const h of page.hits) {
        expect(seen.has(h.id)).toBe(false);
        seen.add(h.id);
      }
      pages++;
    }
    expect(seen.size).toBe(RANK_LIMIT + 1);
    // Only the most recently saved matches were ranked, and the one whose title matches.
    const [oldest, ...rest] = [...seen].sort((a, b) => a - b);
    expect(oldest).toBe(first.hits[0]!.id);
    expect(Math.min(...rest)).toBeGreaterThan(n - RANK_LIMIT);
  });

  it('uses the full-text index for every kind of query', () => {
    const plans = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ match: '"x"', titleMatch: 'title : ("x")', floorId: 0, limit: 10, fAfter: 0, fBefore: 0, aScore: 0, aSortAt: 0, aId: 0 }) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('\n');
    for (const q of ['lighthouse', 'lighthouse after:2020-01-01 is:unread', 'title:x OR caption:y', '"a b" -c is:starred']) {
      const parsed = parseQuery(q);
      for (const [name, sql] of Object.entries(rankedStatements(parsed, { score: 0, sortAt: 0, id: 0 }))) {
        const plan = plans(sql);
        expect(plan, `${q} / ${name}`).toMatch(/VIRTUAL TABLE INDEX/);
        expect(plan, `${q} / ${name}`).not.toMatch(/SCAN a\b|SCAN articles\b/);
      }
    }
  });
});
