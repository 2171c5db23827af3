import type { ListFilter } from '../preload/api.js';

/**
 * Where the reader was, kept in window storage so that a restart opens the same list, search and
 * article, scrolled as far (BsApp.restorePlace). Per window origin, which in the app is one for good.
 */
const PLACE_KEY = 'broadsheet.place';

export interface Place {
  filter: ListFilter;
  sourceId: number | null;
  /** The search the list showed ('' for none), and the words in the box that made it. */
  query: string;
  searchText: string;
  articleId: number | null;
  /** How far down the article, 0–1. */
  position: number;
  /** One pane at a time (a narrow window), and it was the reader. */
  reading: boolean;
}

export function readPlace(): Place | null {
  try {
    const raw = JSON.parse(window.localStorage.getItem(PLACE_KEY) ?? 'null') as Partial<Place> | null;
    if (!raw || typeof raw !== 'object') return null;
    const id = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1000) : '');
    return {
      filter: raw.filter === 'unread' || raw.filter === 'starred' ? raw.filter : 'all',
      sourceId: id(raw.sourceId),
      query: text(raw.query),
      searchText: text(raw.searchText),
      articleId: id(raw.articleId),
      position: typeof raw.position === 'number' && raw.position >= 0 && raw.position <= 1 ? raw.position : 0,
      reading: raw.reading === true,
    };
  } catch {
    return null; // storage off, or not ours to read: start at the top
  }
}

export function writePlace(place: Place): void {
  try {
    window.localStorage.setItem(PLACE_KEY, JSON.stringify(place));
  } catch {
    // Storage full or off: the place is a convenience, not data.
  }
}
