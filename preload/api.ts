/**
 * The API contract between the page and the library: every call the renderer can make, with its
 * request and response types. Imported by main (handlers, validation), the preload (channel
 * allow-list) and the renderer (types). No runtime dependencies: the preload bundles it.
 *
 * Every call takes one JSON-serialisable request object and resolves to a JSON-serialisable
 * response; failures reject with an Error whose message is a sentence for the user.
 */

export type ListFilter = 'all' | 'unread' | 'starred';

export interface ListRequest {
  filter?: ListFilter;
  sourceId?: number;
  limit?: number;
  /** The `next` cursor of the previous page. */
  after?: ListCursor;
}

export interface ListCursor {
  sortAt: number;
  id: number;
}

export interface ArticleRow {
  id: number;
  title: string;
  source: string | null;
  sourceId: number | null;
  author: string | null;
  publishedAt: number | null;
  savedAt: number;
  sortAt: number;
  /** The start of the lead, for the list's second line. */
  lead: string;
  isRead: boolean;
  isStarred: boolean;
  /** Stored image id (hash) for the row's thumbnail, or null. */
  thumbnail: string | null;
  /** The language it is written in (BCP 47), or null when unknown. */
  lang: string | null;
}

export interface ListPage {
  rows: ArticleRow[];
  /** Pass as `after` to get the next page; null at the end. */
  next: ListCursor | null;
}

export interface FigureView {
  position: number;
  /** The address in the original article ('' when it had none). Never loaded by the page. */
  src: string;
  alt: string;
  caption: string;
  /** Stored image id (hash), or null when the picture is not in the library. */
  image: string | null;
  width: number | null;
  height: number | null;
}

export interface ArticleView {
  id: number;
  title: string;
  source: string | null;
  author: string | null;
  attribution: string | null;
  url: string | null;
  publishedAt: number | null;
  savedAt: number;
  lead: string;
  /** Sanitised body HTML; figures appear as <figure data-figure="N"> indexing `figures`. */
  html: string;
  wordCount: number;
  isRead: boolean;
  isStarred: boolean;
  figures: FigureView[];
  /** The language it is written in (BCP 47), or null when unknown: the reader's lang attribute. */
  lang: string | null;
}

export interface SourceCount {
  id: number;
  name: string;
  total: number;
  unread: number;
}

export interface Sidebar {
  all: number;
  unread: number;
  starred: number;
  sources: SourceCount[];
}

export type MatchedIn = 'title' | 'lead' | 'body' | 'caption' | 'author' | 'source';

export interface SearchResult {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
  /** When it was saved: the date shown when it has no published date, as in the list. */
  savedAt: number;
  lang: string | null;
  /** HTML-escaped passage with matched words in <mark>. */
  snippet: string;
  matchedIn: MatchedIn[];
  score: number;
}

export interface SearchCursor {
  score: number;
  sortAt: number;
  id: number;
}

export interface SearchResults {
  hits: SearchResult[];
  /** Words to highlight in an opened result (folded: compare without case or accents; prefix words match any ending). */
  terms: Array<{ text: string; prefix: boolean }>;
  /** How many articles match in all. */
  total: number;
  /** True when more matched than were ranked (ranking then covers the most recently saved). */
  rankedSubset: boolean;
  /** Pass as `after` for the next page; null at the end. */
  next: SearchCursor | null;
}

export interface RelatedArticle {
  id: number;
  title: string;
  source: string | null;
  publishedAt: number | null;
}

export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  /** How many articles it finds now. */
  count: number;
}

export interface ImportFile {
  /** File name with extension: decides how it is read (.txt, .md, .html). */
  name: string;
  /** The file's text (already decoded by the sender), or: */
  content?: string;
  /**
   * The file's bytes in base64, as read from disk: the library works out the character set (a
   * page's <meta charset>, a byte-order mark) and refuses what is not text, as `broadsheet import`
   * does. What the app sends.
   */
  data?: string;
}

export type ImportOutcome =
  | { name: string; status: 'imported' | 'duplicate'; id: number; title: string }
  | { name: string; status: 'failed'; reason: string };

export interface ImportResult {
  imported: number;
  duplicates: number;
  failed: number;
  items: ImportOutcome[];
}

export interface SavePageResult {
  status: 'imported' | 'duplicate';
  id: number;
  title: string;
  /** The address the article is stored under (the page's canonical one, or where it was fetched). */
  url: string;
  /** How many of its pictures are in the library. */
  images: number;
  /** One line per picture that could not be stored: "address: reason". */
  imageFailures: string[];
}

// ---------------------------------------------------------------------------------------------
// Feeds (main/feeds/)

/** One subscription, as the sidebar and `broadsheet feeds list` show it. */
export interface FeedView {
  id: number;
  title: string;
  /** The feed's own address. */
  url: string;
  /** The site the feed belongs to, when it says. */
  siteUrl: string | null;
  /** The folder it sits in (nested folders joined with "/"), or null. */
  folder: string | null;
  /** Fetch the linked page when an item carries only a summary. */
  fullText: boolean;
  /** Last good fetch (ms since the epoch), or null. */
  lastFetchedAt: number | null;
  /** Why the last refresh failed; null when it worked. Shown as the feed's error badge. */
  lastError: string | null;
  /** Failed refreshes in a row (the backoff grows with it). */
  failures: number;
  /** When the feed is next due (ms), or null when it is due now. */
  nextAttemptAt: number | null;
  refreshIntervalS: number;
  total: number;
  unread: number;
}

/** What one refresh did to one feed. */
export interface FeedRefreshResult {
  id: number;
  title: string;
  url: string;
  /**
   * fetched: read and stored (counts below); not-modified: the server answered 304 (nothing to do);
   * failed: `error` says why; skipped: not due yet (interval or backoff), `nextAttemptAt` says when.
   */
  status: 'fetched' | 'not-modified' | 'failed' | 'skipped';
  new: number;
  updated: number;
  unchanged: number;
  /** Items that could not be read (not stored; tried again next refresh), each with the reason. */
  unreadable: Array<{ title: string; reason: string }>;
  error: string | null;
  nextAttemptAt: number | null;
}

export interface AddFeedResult {
  feed: FeedView;
  /** True when the feed was already subscribed: nothing was fetched. */
  alreadySubscribed: boolean;
  /** The first fetch (null when already subscribed). */
  result: FeedRefreshResult | null;
}

export type OpmlImportItem =
  | { url: string; title: string; folder: string | null; status: 'added' | 'existing'; id: number }
  | { url: string; title: string; folder: string | null; status: 'failed'; reason: string };

export interface OpmlImportResult {
  added: number;
  existing: number;
  failed: number;
  items: OpmlImportItem[];
}

export type Theme = 'system' | 'light' | 'dark' | 'sepia';
export type LineWidth = 'narrow' | 'medium' | 'wide';

export interface Settings {
  theme: Theme;
  /** Reader font size in CSS pixels. */
  fontSize: number;
  lineWidth: LineWidth;
}

export const DEFAULT_SETTINGS: Settings = { theme: 'system', fontSize: 18, lineWidth: 'medium' };

/** The calls, by channel name. */
export interface LibraryApi {
  listArticles(req: ListRequest): Promise<ListPage>;
  getArticle(req: { id: number }): Promise<ArticleView | null>;
  setRead(req: { id: number; read: boolean }): Promise<{ ok: boolean }>;
  setStarred(req: { id: number; starred: boolean }): Promise<{ ok: boolean }>;
  /** Marks read every unread article of the list with this filter and source; returns the ids it changed (for undo). */
  markAllRead(req: { filter?: ListFilter; sourceId?: number }): Promise<{ ids: number[] }>;
  /** Read or unread for many articles at once (undo of markAllRead). */
  setReadMany(req: { ids: number[]; read: boolean }): Promise<{ changed: number }>;
  /** Deletes articles, their figures and the pictures nothing else uses; a deleted feed item stays deleted. */
  deleteArticles(req: { ids: number[] }): Promise<{ deleted: number }>;
  sidebar(req: Record<string, never>): Promise<Sidebar>;
  search(req: { query: string; limit?: number; after?: SearchCursor }): Promise<SearchResults>;
  related(req: { id: number; limit?: number }): Promise<RelatedArticle[]>;
  savedSearches(req: Record<string, never>): Promise<SavedSearch[]>;
  saveSearch(req: { query: string; name?: string }): Promise<SavedSearch>;
  deleteSavedSearch(req: { id: number }): Promise<{ ok: boolean }>;
  importFiles(req: { files: ImportFile[] }): Promise<ImportResult>;
  /** Fetches a web page and saves its article with its pictures. Rejects when the page cannot be saved. */
  savePage(req: { url: string }): Promise<SavePageResult>;
  /** Subscriptions with their unread counts and last errors. */
  feeds(req: Record<string, never>): Promise<FeedView[]>;
  /** Subscribes by feed address or by a web page that names its feed, and fetches it at once. */
  addFeed(req: { url: string; folder?: string; fullText?: boolean }): Promise<AddFeedResult>;
  /** One feed now (id), every feed now (no id), or only the feeds that are due (due: true). */
  refreshFeeds(req: { id?: number; due?: boolean }): Promise<{ results: FeedRefreshResult[] }>;
  /** Unsubscribes: starred articles are kept, the feed's other articles are deleted. */
  removeFeed(req: { id: number }): Promise<{ ok: boolean; deleted: number; keptStarred: number }>;
  /** Subscribes to every feed of an OPML document (nested outlines become folders); fetches nothing. */
  importOpml(req: { content: string }): Promise<OpmlImportResult>;
  exportOpml(req: Record<string, never>): Promise<{ content: string }>;
  addSample(req: Record<string, never>): Promise<{ id: number }>;
  getSettings(req: Record<string, never>): Promise<Settings>;
  setSettings(req: Partial<Settings>): Promise<Settings>;
}

/** Calls the shell answers itself, not the library. */
export interface ShellApi {
  /** Opens an http(s) link in the system browser; anything else is refused. */
  openExternal(req: { url: string }): Promise<{ opened: boolean }>;
  /**
   * Saves text to a file the person picks in the system's save dialog (`name` is the suggested
   * file name, no folders). `saved: false` when they cancelled (`cancelled: true`) or when the host
   * has no save dialog (the web host): the page then offers a download instead.
   */
  saveFile(req: SaveFileRequest): Promise<SaveFileResult>;
}

export interface SaveFileRequest {
  /** Suggested file name with its extension, without any folder ("feeds.opml"). */
  name: string;
  content: string;
  /** The content's type ("text/x-opml"). */
  mime: string;
}

export interface SaveFileResult {
  saved: boolean;
  /** True when the person closed the save dialog without saving. */
  cancelled?: boolean;
}

export type Api = LibraryApi & ShellApi;
export type Channel = keyof Api;
export type Req<C extends Channel> = Parameters<Api[C]>[0];
export type Res<C extends Channel> = Awaited<ReturnType<Api[C]>>;

/** The allow-list: the only channels the preload forwards and main answers. */
export const LIBRARY_CHANNELS = [
  'listArticles',
  'getArticle',
  'setRead',
  'setStarred',
  'markAllRead',
  'setReadMany',
  'deleteArticles',
  'sidebar',
  'search',
  'related',
  'savedSearches',
  'saveSearch',
  'deleteSavedSearch',
  'importFiles',
  'savePage',
  'feeds',
  'addFeed',
  'refreshFeeds',
  'removeFeed',
  'importOpml',
  'exportOpml',
  'addSample',
  'getSettings',
  'setSettings',
] as const satisfies readonly (keyof LibraryApi)[];

export const SHELL_CHANNELS = ['openExternal', 'saveFile'] as const satisfies readonly (keyof ShellApi)[];

export const CHANNELS: readonly Channel[] = [...LIBRARY_CHANNELS, ...SHELL_CHANNELS];

/** IPC channel names are namespaced so nothing else on ipcMain can collide with them. */
export const ipcName = (c: Channel) => `broadsheet:${c}`;

/**
 * What the page gets: the calls, plus the one host-specific thing it needs, the address of a
 * stored image. The renderer never knows whether it runs in Electron or in the web host.
 */
export interface BroadsheetBridge {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>>;
  imageUrl(hash: string, variant?: 'full' | 'thumb'): string;
}

declare global {
  interface Window {
    broadsheet?: BroadsheetBridge;
  }
}
