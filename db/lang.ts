/**
 * The language an article is written in, as a BCP 47 tag for the reader's `lang` attribute: so
 * that a screen reader reads a Vietnamese article with a Vietnamese voice (not the app's English
 * one), Chinese and Japanese get their own glyphs, and hyphenation and quotation marks follow the
 * text.
 *
 * What the article declares comes first (a page's <html lang>, a feed's <language> or xml:lang,
 * Markdown front matter), checked against the letters of the text itself, because templates
 * declare `en` on pages in every language. The text decides when:
 * - nothing is declared and its letters say (see RANGES and SCRIPT_LANG: Greek, Arabic, Thai,
 *   Hangul, …), or it is Vietnamese (Latin letters with Vietnamese tone marks: ạ ầ ẫ ơ ư đ …);
 * - the declared language is not written in the letters the text is written in (`en` on an
 *   Arabic page), or the text is Vietnamese and something else is declared.
 * Latin-script text with nothing declared (English, French, German…) gets no tag: telling those
 * apart needs word statistics, and the app's own language is the best default for them.
 *
 * In db/ beside fold.ts, as text the library derives: the importers call it, and migration 009
 * through the bs_guess_lang SQL function (db/library.ts).
 */

/** How much of an article is looked at: enough letters to be sure, cheap on a long article. */
const SAMPLE_CHARS = 1200;
/** A script must hold this share of the letters to speak for the text. */
const DOMINANT_SHARE = 0.6;
/** Fewer letters than this say nothing (a title of two words). */
const MIN_LETTERS = 12;
/** Vietnamese: this share of Latin letters carries a Vietnamese-only mark (it is ~15–25 % in Vietnamese prose, ~0 elsewhere). */
const VIETNAMESE_SHARE = 0.03;
/** Japanese: this share of its Han and kana is kana (Chinese has none; Japanese prose ~50–70 %). */
const KANA_SHARE = 0.05;

type Script =
  | 'Latin' | 'Greek' | 'Cyrillic' | 'Armenian' | 'Hebrew' | 'Arabic' | 'Devanagari' | 'Bengali' | 'Gurmukhi'
  | 'Gujarati' | 'Tamil' | 'Telugu' | 'Kannada' | 'Malayalam' | 'Sinhala' | 'Thai' | 'Lao' | 'Myanmar' | 'Georgian'
  | 'Ethiopic' | 'Khmer' | 'Hangul' | 'Kana' | 'Han';

/** Letter ranges [first, last, script]; ranges not listed (digits, punctuation, symbols) are not letters here. */
const RANGES: ReadonlyArray<readonly [number, number, Script]> = [
  [0x0041, 0x005a, 'Latin'], [0x0061, 0x007a, 'Latin'], [0x00c0, 0x024f, 'Latin'], [0x1e00, 0x1eff, 'Latin'],
  [0xff21, 0xff3a, 'Latin'], [0xff41, 0xff5a, 'Latin'],
  [0x0370, 0x03ff, 'Greek'], [0x1f00, 0x1fff, 'Greek'],
  [0x0400, 0x052f, 'Cyrillic'],
  [0x0531, 0x058f, 'Armenian'],
  [0x0591, 0x05ff, 'Hebrew'], [0xfb1d, 0xfb4f, 'Hebrew'],
  [0x0600, 0x06ff, 'Arabic'], [0x0750, 0x077f, 'Arabic'], [0x08a0, 0x08ff, 'Arabic'], [0xfb50, 0xfdff, 'Arabic'], [0xfe70, 0xfeff, 'Arabic'],
  [0x0900, 0x097f, 'Devanagari'], [0x0980, 0x09ff, 'Bengali'], [0x0a00, 0x0a7f, 'Gurmukhi'], [0x0a80, 0x0aff, 'Gujarati'],
  [0x0b80, 0x0bff, 'Tamil'], [0x0c00, 0x0c7f, 'Telugu'], [0x0c80, 0x0cff, 'Kannada'], [0x0d00, 0x0d7f, 'Malayalam'],
  [0x0d80, 0x0dff, 'Sinhala'], [0x0e00, 0x0e7f, 'Thai'], [0x0e80, 0x0eff, 'Lao'], [0x1000, 0x109f, 'Myanmar'],
  [0x10a0, 0x10ff, 'Georgian'], [0x1200, 0x139f, 'Ethiopic'], [0x1780, 0x17ff, 'Khmer'],
  [0x1100, 0x11ff, 'Hangul'], [0x3130, 0x318f, 'Hangul'], [0xac00, 0xd7af, 'Hangul'],
  [0x3040, 0x30ff, 'Kana'], [0x31f0, 0x31ff, 'Kana'], [0xff66, 0xff9d, 'Kana'],
  [0x3400, 0x4dbf, 'Han'], [0x4e00, 0x9fff, 'Han'], [0xf900, 0xfaff, 'Han'], [0x20000, 0x2ffff, 'Han'],
];

/** The language a script's text is taken for when nothing more is known. */
const SCRIPT_LANG: Partial<Record<Script, string>> = {
  Greek: 'el', Cyrillic: 'ru', Armenian: 'hy', Hebrew: 'he', Arabic: 'ar', Devanagari: 'hi', Bengali: 'bn',
  Gurmukhi: 'pa', Gujarati: 'gu', Tamil: 'ta', Telugu: 'te', Kannada: 'kn', Malayalam: 'ml', Sinhala: 'si',
  Thai: 'th', Lao: 'lo', Myanmar: 'my', Georgian: 'ka', Ethiopic: 'am', Khmer: 'km', Hangul: 'ko', Kana: 'ja', Han: 'zh',
};

/** Letters that tell one language of a script from the others its script would default to. */
const TELLING_LETTERS: ReadonlyArray<{ script: Script; lang: string; letters: string }> = [
  { script: 'Cyrillic', lang: 'uk', letters: 'їєґЇЄҐ' },
  { script: 'Cyrillic', lang: 'be', letters: 'ўЎ' },
  { script: 'Cyrillic', lang: 'mk', letters: 'ѓќѕЃЌЅ' },
  { script: 'Cyrillic', lang: 'sr', letters: 'ђћџЂЋЏ' },
  { script: 'Cyrillic', lang: 'kk', letters: 'әғқңөұүһӘҒҚҢӨҰҮҺ' },
  { script: 'Arabic', lang: 'ur', letters: 'ٹڈڑںے' },
  { script: 'Arabic', lang: 'fa', letters: 'پچژگی' },
];

/** Vietnamese-only Latin letters: ơ ư ă đ and the vowels with a tone mark below or hook (U+1EA0–U+1EF9). */
function isVietnameseLetter(code: number): boolean {
  return (code >= 0x1ea0 && code <= 0x1ef9) || code === 0x01a0 || code === 0x01a1 || code === 0x01af || code === 0x01b0
    || code === 0x0102 || code === 0x0103 || code === 0x0110 || code === 0x0111;
}

/** The scripts each language is written in, for the languages a page is likely to declare. */
const LANG_SCRIPTS: Record<string, readonly Script[]> = {
  ...Object.fromEntries(
    ('en fr de es it pt nl vi pl cs sk sv da no nb nn fi et lv lt ro hu tr id ms tl fil sw ca eu gl hr sl sq is ga cy af mt lb bs ' +
      'az uz ha yo ig zu xh so').split(' ').map((l) => [l, ['Latin']]),
  ),
  ...Object.fromEntries('ru uk be bg mk kk ky mn tg'.split(' ').map((l) => [l, ['Cyrillic']])),
  sr: ['Cyrillic', 'Latin'],
  ...Object.fromEntries('ar fa ur ps ug ckb sd'.split(' ').map((l) => [l, ['Arabic']])),
  he: ['Hebrew'], iw: ['Hebrew'], yi: ['Hebrew'], el: ['Greek'], hy: ['Armenian'], ka: ['Georgian'],
  ...Object.fromEntries('hi mr ne sa'.split(' ').map((l) => [l, ['Devanagari']])),
  bn: ['Bengali'], as: ['Bengali'], pa: ['Gurmukhi', 'Arabic'], gu: ['Gujarati'], ta: ['Tamil'], te: ['Telugu'],
  kn: ['Kannada'], ml: ['Malayalam'], si: ['Sinhala'], th: ['Thai'], lo: ['Lao'], my: ['Myanmar'], km: ['Khmer'],
  am: ['Ethiopic'], ti: ['Ethiopic'], zh: ['Han'], ja: ['Kana', 'Han'], ko: ['Hangul', 'Han'],
};

/**
 * A declared language as a canonical BCP 47 tag (`en_US` → `en-US`, `VI` → `vi`), or null when
 * it is not one (`und`, `*`, `x-default`, free text). The first of a list (`en, fr`) counts.
 */
export function declaredLang(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const first = raw.split(',')[0]!.split(';')[0]!.trim().replaceAll('_', '-');
  if (!first || first.length > 35) return null;
  let tag: string;
  try {
    tag = Intl.getCanonicalLocales(first)[0] ?? '';
  } catch {
    return null; // RangeError: not a well-formed language tag
  }
  const primary = tag.split('-')[0]!;
  // ISO 639 codes are 2 or 3 letters; longer ones are well-formed but assigned to nothing ("English").
  if (primary.length > 3) return null;
  if (primary === 'und' || primary === 'x' || primary === 'i' || primary === 'mul' || primary === 'zxx') return null;
  return tag;
}

interface Guess {
  /** The script most of the letters are in. */
  script: Script;
  /** The language the letters say, or null when they do not (Latin without Vietnamese marks). */
  lang: string | null;
}

/** What the letters of a text say about its language, or null when there are too few of them. */
export function guessLang(text: string): Guess | null {
  const counts = new Map<Script, number>();
  let letters = 0;
  let vietnamese = 0;
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  let ascii = 0;
  for (let i = 0; i < sample.length; i++) {
    let code = sample.charCodeAt(i);
    if (code < 0x80) {
      // Most letters of most articles: counted here, without the table.
      if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) ascii++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) code = sample.codePointAt(i++)!; // a Han character past U+FFFF
    const script = scriptOf(code);
    if (!script) continue;
    letters++;
    counts.set(script, (counts.get(script) ?? 0) + 1);
    if (script === 'Latin' && isVietnameseLetter(code)) vietnamese++;
  }
  if (ascii) {
    letters += ascii;
    counts.set('Latin', (counts.get('Latin') ?? 0) + ascii);
  }
  if (letters < MIN_LETTERS) return null;
  // Japanese mixes kana and Han: counted together, kana decides between Japanese and Chinese.
  const kana = counts.get('Kana') ?? 0;
  const han = counts.get('Han') ?? 0;
  if (kana + han >= DOMINANT_SHARE * letters) {
    return kana >= KANA_SHARE * (kana + han) ? { script: 'Kana', lang: 'ja' } : { script: 'Han', lang: 'zh' };
  }
  const hangul = counts.get('Hangul') ?? 0;
  if (hangul + han >= DOMINANT_SHARE * letters && hangul > han) return { script: 'Hangul', lang: 'ko' };
  let top: Script | null = null;
  let most = 0;
  for (const [script, n] of counts) if (n > most) [top, most] = [script, n];
  if (!top || most < DOMINANT_SHARE * letters) return null;
  if (top === 'Latin') return { script: top, lang: vietnamese >= VIETNAMESE_SHARE * most ? 'vi' : null };
  for (const t of TELLING_LETTERS) {
    if (t.script === top && [...t.letters].some((l) => sample.includes(l))) return { script: top, lang: t.lang };
  }
  return { script: top, lang: SCRIPT_LANG[top] ?? null };
}

function scriptOf(code: number): Script | null {
  // Binary search would be faster on paper; the table is short and most letters are in its first rows.
  for (const [first, last, script] of RANGES) if (code >= first && code <= last) return script;
  return null;
}

/**
 * The language to store for an article: what it declares, unless its own letters say otherwise
 * (see the top of this file). `declared` is any raw value (a tag, `en_US`, junk).
 */
export function articleLang(declared: unknown, parts: { title: string; lead: string; text: string }): string | null {
  const tag = declaredLang(declared);
  const guess = guessLang(`${parts.title}\n${parts.lead}\n${parts.text.slice(0, SAMPLE_CHARS)}`);
  if (!guess) return tag;
  if (!tag) return guess.lang;
  const primary = tag.split('-')[0]!;
  if (guess.lang === 'vi') return primary === 'vi' ? tag : 'vi';
  const scripts = LANG_SCRIPTS[primary];
  if (!scripts || scripts.includes(guess.script)) return tag; // a language we do not know the letters of: trusted
  return guess.lang;
}
