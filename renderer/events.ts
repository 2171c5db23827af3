import type { FeedView, ImportResult, ListFilter, SavedSearch, SearchResults, Settings } from '../preload/api.js';

/**
 * Every custom event the elements fire, with its detail. Events bubble and cross shadow roots
 * (composed), so <bs-app> hears them all; listeners get a typed `event.detail`.
 */
export interface BsEventDetails {
  /** A sidebar entry was chosen: a filter, optionally narrowed to one source. */
  'bs-filter-select': { filter: ListFilter; sourceId: number | null };
  /** The person moved the list selection to an article (click, arrows, j/k): open it. */
  'bs-article-select': { id: number };
  /** Star or unstar an article. */
  'bs-star-change': { id: number; starred: boolean };
  /** Mark an article read or unread. */
  'bs-read-change': { id: number; read: boolean };
  /** The reader's Delete button: confirm, then delete the article. */
  'bs-article-delete': { id: number; title: string };
  /** A reader setting changed (only the changed fields). */
  'bs-settings-change': Partial<Settings>;
  /** Articles were added to the library (import or sample); `openId` asks to open one. */
  'bs-library-change': { openId: number | null; result: ImportResult | null };
  /** A call failed or something worth a line happened; shown in the status region. */
  'bs-notice': { message: string; kind: 'error' | 'info' };
  /** The first page of a search arrived: how many matched, and the words to mark in an opened result. */
  'bs-search-results': { query: string } & Pick<SearchResults, 'total' | 'rankedSubset' | 'terms'>;
  /** A saved search was chosen in the sidebar: run it. */
  'bs-saved-search-select': { search: SavedSearch };
  /** Remove a saved search. */
  'bs-saved-search-remove': { search: SavedSearch };
  /** An article from the reader's "Related articles" was chosen: open it. */
  'bs-related-open': { id: number };
  /** A feed or page action of the sidebar was chosen. */
  'bs-feed-action': { action: FeedAction };
  /** A feed's "Remove feed" button was pressed: confirm, then unsubscribe. */
  'bs-feed-remove': { feed: FeedView };
}

export type FeedAction = 'add' | 'refresh' | 'import-opml' | 'export-opml' | 'save-page';

export type BsEventName = keyof BsEventDetails;
export type BsEvent<K extends BsEventName> = CustomEvent<BsEventDetails[K]>;

declare global {
  interface HTMLElementEventMap {
    'bs-filter-select': BsEvent<'bs-filter-select'>;
    'bs-article-select': BsEvent<'bs-article-select'>;
    'bs-star-change': BsEvent<'bs-star-change'>;
    'bs-read-change': BsEvent<'bs-read-change'>;
    'bs-article-delete': BsEvent<'bs-article-delete'>;
    'bs-settings-change': BsEvent<'bs-settings-change'>;
    'bs-library-change': BsEvent<'bs-library-change'>;
    'bs-notice': BsEvent<'bs-notice'>;
    'bs-search-results': BsEvent<'bs-search-results'>;
    'bs-saved-search-select': BsEvent<'bs-saved-search-select'>;
    'bs-saved-search-remove': BsEvent<'bs-saved-search-remove'>;
    'bs-related-open': BsEvent<'bs-related-open'>;
    'bs-feed-action': BsEvent<'bs-feed-action'>;
    'bs-feed-remove': BsEvent<'bs-feed-remove'>;
  }
}

/** Dispatches a typed, bubbling, composed event from `node`. */
export function fire<K extends BsEventName>(node: EventTarget, type: K, detail: BsEventDetails[K]): void {
  node.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** The one-line text of a failure, for the status region. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim() || 'Something went wrong.';
}
