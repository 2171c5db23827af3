/**
 * A deterministic corpus of articles in the shape people save (the shared fixture's shape):
 * title, "(Source) - " lead, paragraphs, section headings, images with captions, byline,
 * attribution and "RELATED NEWS" clutter, with Vietnamese and other accented words.
 * Same seed, same corpus, byte for byte.
 */

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'government minister agreement border election council harbour river market school hospital ' +
  'railway festival storm harvest village province district mayor budget report parliament court ' +
  'energy water bridge factory price export farmers teachers students doctors engineers fishermen ' +
  'morning evening announced signed visited promised warned explained reported expected planned ' +
  'new old large small northern southern coastal rural local national regional annual historic ' +
  'café résumé naïve Zürich Kraków São Paulo Ðà Nẵng Nghệ An Hà Nội Huế Đức Nguyễn Trần Lê Phạm Vinh'
).split(' ');
const SOURCES = ['Baonghean', 'VnExpress', 'Tuổi Trẻ', 'Harbour Gazette', 'Northern Courier', 'Le Quotidien', 'DW', 'Reuters'];
const NAMES = ['Phu Binh', 'Nguyễn Văn An', 'Trần Thị Mai', 'Anna Kowalska', 'James Holt', 'Lê Minh Đức', 'Sofia Reyes'];

export interface CorpusArticle {
  name: string;
  text: string;
}

export function makeCorpus(count: number, seed = 42): CorpusArticle[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sentence = (min: number, max: number) => {
    const n = min + Math.floor(r() * (max - min));
    const ws = Array.from({ length: n }, () => pick(WORDS));
    const s = ws.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const paragraph = () => Array.from({ length: 3 + Math.floor(r() * 4) }, () => sentence(8, 22)).join(' ');
  const heading = () => {
    const s = Array.from({ length: 3 + Math.floor(r() * 4) }, () => pick(WORDS)).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}`;
  };
  const out: CorpusArticle[] = [];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    lines.push(`${heading()} ${i}: ${pick(WORDS)} or ${pick(WORDS)}?`);
    lines.push(`(${pick(SOURCES)}) - ${sentence(15, 30)} ${sentence(10, 20)}`);
    const sections = 2 + Math.floor(r() * 3);
    for (let s = 0; s < sections; s++) {
      if (s > 0) lines.push(heading());
      if (r() < 0.6) {
        const url = r() < 0.5 ? '' : `https://images.example/${i}-${s}.jpg`;
        lines.push(`![](${url}) |`, `${sentence(6, 14)} Photo: ${pick(SOURCES)} |`);
      }
      for (let p = 0; p < 2 + Math.floor(r() * 3); p++) lines.push(paragraph());
    }
    lines.push(pick(NAMES), `(According to ${pick(SOURCES)})`, 'RELATED NEWS |', '---|');
    out.push({ name: `article-${String(i).padStart(6, '0')}.txt`, text: `${lines.join('\n')}\n` });
  }
  return out;
}

/**
 * Ready-to-store articles for benchmarks that need a big library fast (search, list paint):
 * the same vocabulary as makeCorpus, without the parsing step.
 */
export function makeRows(count: number, seed = 7): Array<import('../db/articles.js').ArticleInput> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sentence = (min: number, max: number) => {
    const n = min + Math.floor(r() * (max - min));
    const s = Array.from({ length: n }, () => pick(WORDS)).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const rows = [];
  const start = Date.UTC(2015, 0, 1);
  for (let i = 0; i < count; i++) {
    const paras = Array.from({ length: 6 + Math.floor(r() * 6) }, () => Array.from({ length: 4 }, () => sentence(8, 20)).join(' '));
    const figures = r() < 0.6 ? [{ src: '', alt: '', caption: `${sentence(6, 12)} Photo: ${pick(SOURCES)}` }] : [];
    rows.push({
      title: `${sentence(4, 9).slice(0, -1)} (${i})`,
      source: pick(SOURCES),
      author: pick(NAMES),
      attribution: null,
      url: null,
      // Every article says "bulletin": the everyday word that must not make search slow.
      lead: `${sentence(15, 30)} Daily bulletin number ${i}.`,
      html: paras.map((p) => `<p>${p}</p>`).join(''),
      text: paras.join('\n\n'),
      figures,
      publishedAt: start + Math.floor((i / count) * 10 * 365 * 86_400_000),
    });
  }
  return rows;
}
