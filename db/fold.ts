/**
 * Folding for search: letters that FTS5's `unicode61 remove_diacritics 2` leaves alone because
 * Unicode gives them no decomposition (đ is not "d + combining mark"). Each maps to plain Latin
 * letters, so `duc` finds `Đức` and `Đức` finds `Duc`.
 *
 * The folded text is what goes into the index and what every query is folded with. Every letter
 * maps to letters, so token boundaries (and with them snippet and highlight offsets, which FTS5
 * computes from the original text) stay where they are.
 */
const FOLDS: Record<string, string> = {
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D',
  'ł': 'l', 'Ł': 'L', 'ø': 'o', 'Ø': 'O', 'ħ': 'h', 'Ħ': 'H', 'ı': 'i',
  'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'þ': 'th', 'Þ': 'TH',
};

const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

export function foldForSearch(text: string | null | undefined): string {
  if (!text) return '';
  return text.replace(FOLDABLE, (c) => FOLDS[c]!);
}
