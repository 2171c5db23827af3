/**
 * Folding for search: what FTS5's `unicode61 remove_diacritics 2` leaves alone. It strips the
 * accents of Latin letters only, and letters Unicode gives no decomposition (đ is not "d + mark").
 * Here, so that `duc` finds `Đức`, `αθηνα` finds `Αθήνα` and `الشباب` finds `الشَّبَابِ`:
 * - Latin letters without a decomposition, to plain Latin letters (đ → d, ß and ẞ → ss, æ → ae);
 * - Greek letters with accents or breathings, to the bare letter (ά → α, ΐ → ι);
 * - Russian ё to е, as Russian readers and search engines treat them;
 * - the optional vowel marks of Arabic (harakat) and Hebrew (niqqud, cantillation) after a letter;
 * - full-width Latin letters and digits (ＮＡＴＯ) to ASCII;
 * - Chinese and Japanese, written without spaces, split into single characters (splitCjk), so a
 *   word is found anywhere in a sentence as the phrase of its characters.
 *
 * The folded text is what goes into the index and what every query is folded with. Every letter
 * maps to letters, and a mark is only dropped after a letter of its word, so token boundaries (and
 * with them snippet and highlight offsets, which FTS5 computes from the original text) stay where
 * they are. Changing what this does changes what the index holds: it takes a migration that
 * rebuilds the index (007).
 */
const FOLDS: Record<string, string> = {
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D',
  'ł': 'l', 'Ł': 'L', 'ø': 'o', 'Ø': 'O', 'ħ': 'h', 'Ħ': 'H', 'ı': 'i',
  'ß': 'ss', 'ẞ': 'SS', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'þ': 'th', 'Þ': 'TH',
  'ё': 'е', 'Ё': 'Е',
};

const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

/** Greek letters that can carry an accent, breathing or diaeresis (basic and extended Greek). */
const GREEK = /[\u0386-\u03CE\u03D3\u03D4\u1F00-\u1FFC]/g;
const COMBINING_ACCENTS = /[\u0300-\u036F]/g;
/** Arabic vowel marks (and Quranic marks) right after an Arabic letter. */
const ARABIC_MARKS = /(?<=[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE-\u06FF])[\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]+/g;
/** Hebrew points and cantillation right after a Hebrew letter (not maqaf, paseq or sof pasuq). */
const HEBREW_MARKS = /(?<=[\u05D0-\u05EA\u05EF-\u05F2])[\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]+/g;
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;
/** Anything past Latin Extended Additional that one of the passes below may fold. */
const BEYOND_LATIN = /[\u0370-\u03FF\u0590-\u06FF\u1F00-\u1FFF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF10-\uFF5A\u{20000}-\u{2FFFF}]/u;

/**
 * Between two Chinese or Japanese characters (Han, hiragana, katakana): FTS5's unicode61 takes a
 * run of them for one word, so 北京 was not found in 北京市政府今天宣布. A WORD JOINER between each
 * pair makes each character a word: it is a separator to unicode61 and invisible in text.
 */
const CJK_PAIR = /(?<=[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FFFF}])(?=[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FFFF}])/gu;
const CJK = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FFFF}]/u;
/** U+2060 WORD JOINER: what splitCjk puts between characters, and what callers take out of snippets. */
export const CJK_SEPARATOR = '\u2060';

/**
 * The text as the search index tokenises it, before folding: Chinese and Japanese split into
 * characters. What the index's content view (migration 007) shows FTS5, so that snippet and
 * highlight offsets line up with the index.
 */
export function splitCjk(text: string | null | undefined): string {
  if (!text) return '';
  return CJK.test(text) ? text.replace(CJK_PAIR, CJK_SEPARATOR) : text;
}

export function foldForSearch(text: string | null | undefined): string {
  if (!text) return '';
  let out = text.replace(FOLDABLE, (c) => FOLDS[c]!);
  if (!BEYOND_LATIN.test(out)) return out; // most articles: one scan, nothing more
  out = out.replace(GREEK, (c) => c.normalize('NFD').replace(COMBINING_ACCENTS, '') || c);
  out = out.replace(ARABIC_MARKS, '').replace(HEBREW_MARKS, '');
  return splitCjk(out.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}
