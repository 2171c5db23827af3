import { provide } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { ArticleView, BroadsheetBridge, FeedView, ImportResult, ListFilter, SavedSearch, Settings, Sidebar } from '../preload/api.js';
import { getBridge } from './bridge.js';
import { appStyles } from './bs-app-styles.js';
import './bs-article-list.js';
import './bs-dialogs.js';
import type { BsConfirmDialog, BsUrlDialog } from './bs-dialogs.js';
import type { BsArticleList } from './bs-article-list.js';
import './bs-reader.js';
import type { BsReader } from './bs-reader.js';
import './bs-settings.js';
import './bs-shortcuts.js';
import type { BsShortcuts } from './bs-shortcuts.js';
import './bs-sidebar.js';
import type { BsSidebar } from './bs-sidebar.js';
import './bs-welcome.js';
import { bridgeContext } from './context.js';
import { messageOf, type BsEvent, type BsEventDetails, type FeedAction } from './events.js';
import {
  MAX_OPML_FILE_BYTES,
  OPML_ACCEPT,
  OPML_EXPORT_NAME,
  normaliseAddress,
  refreshingLine,
  summarizeOpml,
  summarizeRefresh,
  summarizeSavedPage,
} from './feeds.js';
import { formatCount } from './format.js';
import type { SearchTerm } from './highlight.js';
import { icons } from './icons.js';
import { IMPORT_ACCEPT, importChosenFiles, summarizeImport } from './import-files.js';
import { MAX_QUERY_LENGTH, liveQuery } from './live-query.js';
import { readPlace, writePlace } from './place.js';
import { sharedStyles } from './shared-styles.js';
import { applyTheme, cacheSettings, cachedSettings } from './theme.js';

const SEARCH_DELAY_MS = 150;
/** The longest query that can be saved (the library's limit). */
const MAX_SAVED_QUERY = 1000;
const SIDEBAR_REFRESH_MS = 600;
const INFO_NOTICE_MS = 6000;

/**
 * How the window is laid out, by its width in CSS pixels (a zoomed window is narrower: 1280 px at
 * 150 % is 853). 'wide': sidebar | list | reader. 'drawer' (below 960, where the three no longer
 * fit): the sidebar is a drawer opened with the Library button. 'single' (below 720, where the
 * reader beside the list would be a column of a few words): the list or the reader, one at a time.
 */
type LayoutMode = 'wide' | 'drawer' | 'single';
const DRAWER_QUERY = '(width < 960px)';
const SINGLE_QUERY = '(width < 720px)';

function currentLayout(): LayoutMode {
  return window.matchMedia(SINGLE_QUERY).matches ? 'single' : window.matchMedia(DRAWER_QUERY).matches ? 'drawer' : 'wide';
}

type SearchSummary = BsEventDetails['bs-search-results'];

/** Shown under "No results": the search language in one line. */
const SYNTAX_HINT = html`Try fewer words, or <code>"a phrase"</code>, <code>word*</code>, <code>-word</code>, <code>title:</code>,
  <code>caption:</code>, <code>after:2024-01-01</code>`;

/**
 * The whole window: sidebar | article list | reader, the status line and the overlays. Owns the
 * state (filter, search, selection, open article, settings), talks to the library through the
 * bridge, and implements the keyboard shortcuts (see bs-shortcuts.ts).
 *
 * Narrow (or zoomed) windows, see LayoutMode: below 960 CSS px the sidebar is a drawer opened
 * with the Library button (Escape, a choice or a click outside closes it) and the reader's
 * settings are in a "Reading options" panel; below 720 px the list and the reader take turns
 * (a click or Enter shows the article, "Back to the list" or Escape the list; j and k go on in
 * the reader).
 */
@customElement('bs-app')
export class BsApp extends LitElement {
  static override styles = [sharedStyles, appStyles];

  @provide({ context: bridgeContext }) bridge: BroadsheetBridge = getBridge();

  @state() private counts: Sidebar | null = null;
  @state() private filter: ListFilter = 'all';
  @state() private sourceId: number | null = null;
  /** What is typed in the search box. */
  @state() private searchText = '';
  /** The search the list shows ('' = the filter). Trails searchText by a short pause. */
  @state() private query = '';
  /** What was in the search box when `query` was set: `query` without the `*` added while typing. */
  @state() private typedQuery = '';
  @state() private selectedId: number | null = null;
  @state() private article: ArticleView | null = null;
  @state() private articleLoading = false;
  @state() private articleError: string | null = null;
  @state() private settings: Settings = cachedSettings();
  /** Settings changed before the library's copy arrived; null once it has. */
  private changedWhileLoading: Partial<Settings> | null = {};
  @state() private info: string | null = null;
  /** A button beside the info notice ("Undo"), gone with it. */
  @state() private infoAction: { label: string; run: () => void } | null = null;
  @state() private error: string | null = null;
  @state() private welcomeResult: ImportResult | null = null;
  @state() private savedSearches: SavedSearch[] | null = null;
  /** What the current search found in all (from its first page), or null before it arrives. */
  @state() private results: SearchSummary | null = null;
  /** The words to mark in the open article: those of the search it was opened from. */
  @state() private hitTerms: SearchTerm[] = [];
  /** The subscriptions, or null before they arrive. */
  @state() private feeds: FeedView[] | null = null;
  /** "Refresh all" is running. */
  @state() private refreshing = false;
  /** How the window is laid out for its width (LayoutMode). */
  @state() private layoutMode: LayoutMode = currentLayout();
  /** The library drawer is open (narrow windows). */
  @state() private drawerOpen = false;
  /** One pane at a time, and it is the reader (always false in the other layouts). */
  @state() private reading = false;

  @query('bs-article-list') private list?: BsArticleList;
  @query('bs-reader') private reader?: BsReader;
  @query('bs-shortcuts') private shortcuts?: BsShortcuts;
  @query('.search input') private searchBox?: HTMLInputElement;
  @query('input.files-input') private fileInput?: HTMLInputElement;
  @query('input.opml-input') private opmlInput?: HTMLInputElement;
  @query('bs-url-dialog.add-feed') private addFeedDialog?: BsUrlDialog;
  @query('bs-url-dialog.save-page') private savePageDialog?: BsUrlDialog;
  @query('bs-confirm-dialog') private confirmDialog?: BsConfirmDialog;
  @query('bs-sidebar') private sidebar?: BsSidebar;
  @query('.library') private libraryButton?: HTMLButtonElement;
  @query('.options-panel') private optionsPanel?: HTMLElement;
  @query('.options-button') private optionsButton?: HTMLButtonElement;
  private readonly layoutQueries = [DRAWER_QUERY, SINGLE_QUERY].map((q) => window.matchMedia(q));

  private openSeq = 0;
  /** The selection when the search began, given back when it ends (Escape). */
  private beforeSearch: { selectedId: number | null } | null = null;
  private searchTimer?: ReturnType<typeof setTimeout>;
  private sidebarTimer?: ReturnType<typeof setTimeout>;
  private savedTimer?: ReturnType<typeof setTimeout>;
  private infoTimer?: ReturnType<typeof setTimeout>;
  private focusListOnLoad = true;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('pagehide', this.keepPlace);
    document.addEventListener('visibilitychange', this.keepPlace);
    for (const q of this.layoutQueries) q.addEventListener('change', this.onLayoutChange);
    void this.loadSettings();
    this.restorePlace();
  }

  protected override async firstUpdated(): Promise<void> {
    // The list sends its first page request as it renders; the counts go right after it, not
    // before: a host answers in order, and counting a big library takes longer than a page.
    await this.list?.updateComplete;
    await this.loadSidebar();
    // The list kept from last time may be a feed since removed (by the command line, say).
    const source = this.sourceId;
    if (source !== null && this.counts && !this.counts.sources.some((s) => s.id === source) && !this.feeds?.some((f) => f.id === source)) {
      this.sourceId = null;
    }
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('pagehide', this.keepPlace);
    document.removeEventListener('visibilitychange', this.keepPlace);
    for (const q of this.layoutQueries) q.removeEventListener('change', this.onLayoutChange);
    super.disconnectedCallback();
  }

  // ---- the reader's place -----------------------------------------------------------------

  /**
   * The list shown (a search too), the article open and how far down it, as they were when the
   * window was last closed or hidden (or reloaded): a reader comes back to where they stopped. An
   * article that is gone since is not an error.
   */
  private restorePlace(): void {
    const place = readPlace();
    if (!place) return;
    this.filter = place.filter;
    this.sourceId = place.sourceId;
    if (place.query) {
      this.searchText = place.searchText || place.query;
      this.setQuery(place.query);
    }
    if (place.articleId !== null) {
      this.reading = place.reading && this.layoutMode === 'single';
      void this.open(place.articleId, [], { restoring: place.position });
    }
  }

  /** On the way out (pagehide: closed or reloaded) or into the background (hidden: minimised, another tab). */
  private readonly keepPlace = (e?: Event): void => {
    if (e?.type === 'visibilitychange' && document.visibilityState !== 'hidden') return;
    writePlace({
      filter: this.filter,
      sourceId: this.sourceId,
      query: this.query,
      searchText: this.query ? this.searchText : '',
      articleId: this.article?.id ?? null,
      // Just opened, the reader may still show the article before: its position is not this one's.
      position: this.reader && this.reader.article?.id === this.article?.id ? this.reader.readingPosition : 0,
      reading: this.reading && this.article !== null,
    });
  };

  // ---- data -------------------------------------------------------------------------------

  private async loadSettings(): Promise<void> {
    try {
      const stored = await this.bridge.invoke('getSettings', {});
      // A choice made while the library was answering wins over what the library had.
      this.applySettings({ ...stored, ...this.changedWhileLoading });
    } catch (err) {
      this.applySettings(this.settings);
      this.notify('error', `Could not load your reader settings: ${messageOf(err)}`);
    } finally {
      this.changedWhileLoading = null;
    }
  }

  private applySettings(settings: Settings): void {
    this.settings = settings;
    applyTheme(settings.theme);
    cacheSettings(settings);
  }

  private changeSettings(patch: Partial<Settings>): void {
    this.applySettings({ ...this.settings, ...patch });
    if (this.changedWhileLoading) Object.assign(this.changedWhileLoading, patch);
    this.bridge.invoke('setSettings', patch).catch((err: unknown) => {
      this.notify('error', `Could not save the setting: ${messageOf(err)}`);
    });
  }

  private async loadSidebar(): Promise<void> {
    const saved = this.loadSavedSearches();
    const feeds = this.loadFeeds();
    try {
      this.counts = await this.bridge.invoke('sidebar', {});
    } catch (err) {
      this.notify('error', `Could not count the library: ${messageOf(err)}`);
    }
    await Promise.all([saved, feeds]);
  }

  private async loadFeeds(): Promise<void> {
    try {
      this.feeds = await this.bridge.invoke('feeds', {});
    } catch (err) {
      this.notify('error', `Could not load the feeds: ${messageOf(err)}`);
    }
  }

  // ---- feeds and saved pages ----------------------------------------------------------------

  private onFeedAction(action: FeedAction): void {
    // What these open (a dialog, a file picker) ends in the list, which the drawer covers.
    if (action !== 'refresh') void this.closeDrawer('none');
    switch (action) {
      case 'add':
        void this.addFeedDialog?.show();
        break;
      case 'save-page':
        void this.savePageDialog?.show();
        break;
      case 'refresh':
        void this.refreshAll();
        break;
      case 'import-opml':
        this.opmlInput?.click();
        break;
      case 'export-opml':
        void this.exportOpml();
        break;
    }
  }

  /** The Add feed dialog's work: subscribe (the library fetches at once), then show the feed. */
  private subscribe = async (typed: string): Promise<void> => {
    const { feed, alreadySubscribed, result } = await this.bridge.invoke('addFeed', { url: normaliseAddress(typed) });
    await this.showList({ sourceId: feed.id });
    const title = clip(feed.title);
    if (alreadySubscribed) this.notify('info', `You already follow “${title}”.`);
    else if (result?.status === 'failed') this.notify('error', `Subscribed to “${title}”, but its first refresh failed: ${result.error ?? 'unknown error'}`);
    else {
      const n = result?.new ?? 0;
      this.notify('info', `Subscribed to “${title}”: ${n === 1 ? '1 article' : `${formatCount(n)} articles`}.`);
    }
  };

  /** The Save page dialog's work: fetch and store the page with its pictures, then open it. */
  private savePage = async (typed: string): Promise<void> => {
    const saved = await this.bridge.invoke('savePage', { url: normaliseAddress(typed) });
    await this.onLibraryChange({ openId: saved.id, result: null });
    this.notify('info', summarizeSavedPage(saved));
  };

  private async refreshAll(): Promise<void> {
    const count = this.feeds?.length ?? 0;
    if (this.refreshing || count === 0) return;
    this.refreshing = true;
    this.notify('info', refreshingLine(count), { sticky: true });
    let line: string | null = null;
    try {
      const { results } = await this.bridge.invoke('refreshFeeds', {});
      line = summarizeRefresh(results);
    } catch (err) {
      this.notify('error', `Could not refresh the feeds: ${messageOf(err)}`);
    } finally {
      this.refreshing = false;
    }
    await this.loadSidebar();
    await this.list?.reload();
    if (line !== null) this.notify('info', line);
  }

  private async removeFeed(feed: FeedView): Promise<void> {
    const title = clip(feed.title);
    const ok = await this.confirmDialog?.confirm({
      heading: `Remove “${title}”?`,
      text: 'Its articles leave the library. Starred articles are kept.',
      action: 'Remove feed',
    });
    if (!ok) return;
    try {
      const r = await this.bridge.invoke('removeFeed', { id: feed.id });
      if (this.sourceId === feed.id) await this.showList({ sourceId: null });
      else {
        await this.loadSidebar();
        await this.list?.reload();
      }
      if (this.article && !(await this.bridge.invoke('getArticle', { id: this.article.id }))) {
        this.article = null;
        this.selectedId = null;
      }
      const kept = r.keptStarred ? `; ${r.keptStarred === 1 ? '1 starred article' : `${formatCount(r.keptStarred)} starred articles`} kept` : '';
      this.notify('info', `Removed “${title}” (${r.deleted === 1 ? '1 article' : `${formatCount(r.deleted)} articles`} deleted${kept}).`);
    } catch (err) {
      this.notify('error', `Could not remove “${title}”: ${messageOf(err)}`);
    }
  }

  private async importOpmlFromPicker(): Promise<void> {
    const file = this.opmlInput?.files?.[0];
    if (this.opmlInput) this.opmlInput.value = '';
    if (!file) return;
    if (file.size > MAX_OPML_FILE_BYTES) {
      this.notify('error', `Could not import ${file.name}: too large (the limit is ${MAX_OPML_FILE_BYTES / 1024 / 1024} MB).`);
      return;
    }
    this.notify('info', `Importing ${file.name}…`, { sticky: true });
    try {
      const result = await this.bridge.invoke('importOpml', { content: await file.text() });
      await this.loadSidebar();
      this.notify(result.added === 0 && result.failed > 0 ? 'error' : 'info', summarizeOpml(result));
    } catch (err) {
      this.notify('error', `Could not import ${file.name}: ${messageOf(err)}`);
    }
  }

  /**
   * Export: the app's save dialog where there is one (Electron); otherwise (the web host) the file
   * is offered as a download. A cancelled dialog is not an error and starts no download.
   */
  private async exportOpml(): Promise<void> {
    try {
      const { content } = await this.bridge.invoke('exportOpml', {});
      const r = await this.bridge.invoke('saveFile', { name: OPML_EXPORT_NAME, content, mime: 'text/x-opml' });
      if (r.saved) this.notify('info', 'Saved your feeds as OPML.');
      else if (!r.cancelled) {
        this.download(OPML_EXPORT_NAME, content, 'text/x-opml');
        this.notify('info', `Downloading ${OPML_EXPORT_NAME}.`);
      }
    } catch (err) {
      this.notify('error', `Could not export the feeds: ${messageOf(err)}`);
    }
  }

  private download(name: string, content: string, mime: string): void {
    const url = URL.createObjectURL(new Blob([content], { type: `${mime};charset=utf-8` }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Shows the whole library or one source (a feed), out of any search, and reloads the counts. */
  private async showList({ sourceId }: { sourceId: number | null }): Promise<void> {
    const reloadsItself = !this.list || this.filter !== 'all' || this.sourceId !== sourceId || this.query !== '';
    await this.loadSidebar();
    await this.showAllOf(sourceId, reloadsItself);
    await this.closeDrawer('none'); // (the feed shown was removed from the drawer)
    await this.focusList();
  }

  /**
   * Leaves any search, shows the whole library (or one source) and waits until the list has it.
   * `reloadsItself`: the list's inputs change, so it fetches on its own; otherwise reload it.
   */
  private async showAllOf(sourceId: number | null, reloadsItself: boolean): Promise<void> {
    this.forgetSearch();
    this.filter = 'all';
    this.sourceId = sourceId;
    await this.updateComplete;
    if (reloadsItself) {
      await this.list?.updateComplete;
      await this.list?.loaded;
    } else {
      await this.list?.reload();
    }
  }

  private async loadSavedSearches(): Promise<void> {
    try {
      this.savedSearches = await this.bridge.invoke('savedSearches', {});
    } catch (err) {
      this.notify('error', `Could not load the saved searches: ${messageOf(err)}`);
    }
  }

  /** After a star or read change: only searches with an is: filter can count differently. */
  private refreshSavedSoon(): void {
    if (!this.savedSearches?.some((s) => /(^|[\s(-])is:/i.test(s.query))) return;
    clearTimeout(this.savedTimer);
    this.savedTimer = setTimeout(() => void this.loadSavedSearches(), SIDEBAR_REFRESH_MS);
  }

  private async saveCurrentSearch(): Promise<void> {
    const query = this.query;
    if (!query) return;
    try {
      const saved = await this.bridge.invoke('saveSearch', { query });
      this.savedSearches = [...(this.savedSearches ?? []).filter((s) => s.id !== saved.id), saved].sort((a, b) =>
        a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
      );
      this.notify('info', `Saved the search “${clip(saved.name)}” in the sidebar.`);
    } catch (err) {
      this.notify('error', `Could not save the search “${clip(query)}”: ${messageOf(err)}`);
    }
  }

  private async removeSavedSearch(search: SavedSearch): Promise<void> {
    try {
      await this.bridge.invoke('deleteSavedSearch', { id: search.id });
      this.savedSearches = (this.savedSearches ?? []).filter((s) => s.id !== search.id);
      this.notify('info', `Removed the saved search “${clip(search.name)}”.`);
    } catch (err) {
      this.notify('error', `Could not remove the saved search “${clip(search.name)}”: ${messageOf(err)}`);
    }
  }

  private runSavedSearch(search: SavedSearch): void {
    clearTimeout(this.searchTimer);
    this.searchText = search.query;
    this.setQuery(search.query);
    void this.closeDrawer('list');
  }

  private refreshSidebarSoon(): void {
    clearTimeout(this.sidebarTimer);
    this.sidebarTimer = setTimeout(() => void this.loadSidebar(), SIDEBAR_REFRESH_MS);
  }

  /**
   * Opens an article. From a search result, `highlight` holds the search's words, marked in the
   * reader for as long as the search lasts. `restoring`: reopened where the reader left it last
   * time (restorePlace), scrolled to that position; not marked read again (it may have been
   * marked unread on purpose), and nothing said if it is gone.
   */
  private async open(id: number, highlight: SearchTerm[] = [], { restoring }: { restoring?: number } = {}): Promise<void> {
    this.selectedId = id;
    if (this.article?.id === id && !this.articleError && !this.articleLoading) {
      this.hitTerms = highlight;
      return;
    }
    const seq = ++this.openSeq;
    // A link in the article (a related one, say) had focus: it goes with the article it was in.
    const focusInReader = this.reader?.matches(':focus-within') ?? false;
    this.articleLoading = true;
    this.articleError = null;
    try {
      const article = await this.bridge.invoke('getArticle', { id });
      if (seq !== this.openSeq) return;
      if (!article) {
        this.article = null;
        if (restoring !== undefined) {
          this.selectedId = null;
          this.reading = false;
        } else this.articleError = 'it is no longer in the library.';
        return;
      }
      this.article = article;
      this.hitTerms = highlight;
      if (restoring !== undefined) {
        await this.updateComplete; // hands the article to the reader
        await this.reader?.restorePosition(restoring);
        return;
      }
      // Read when shown: with one pane at a time and the list in front, j only passes it.
      if (!article.isRead && this.articleShown) void this.setRead(article.id, true);
      this.keepPlace();
      if (focusInReader) void this.keepFocusInReader();
    } catch (err) {
      if (seq === this.openSeq) [this.article, this.articleError] = [null, messageOf(err)];
    } finally {
      if (seq === this.openSeq) this.articleLoading = false;
    }
  }

  /** After the reader shows another article: if what had focus in it is gone, the reader pane takes it. */
  private async keepFocusInReader(): Promise<void> {
    await this.updateComplete;
    await this.reader?.updateComplete;
    if (this.reader && !this.reader.matches(':focus-within')) {
      this.reader.shadowRoot?.querySelector<HTMLElement>('.scroll')?.focus({ preventScroll: true });
    }
  }

  /** j, k and the view keys from the sidebar: the list they act on takes focus, as a click on it would. */
  private focusListFromSidebar(): void {
    if (this.renderRoot.querySelector('bs-sidebar')?.matches(':focus-within')) this.list?.focus();
  }

  /** The view keys (1, 2, 3): All articles, Unread, Starred, out of any search or source. */
  private showView(filter: ListFilter): void {
    this.filter = filter;
    this.sourceId = null;
    if (this.query || this.searchText) this.forgetSearch();
    void this.focusList();
  }

  // ---- narrow windows: the library drawer, one pane at a time -------------------------------

  private readonly onLayoutChange = (): void => {
    const mode = currentLayout();
    if (mode === this.layoutMode) return;
    // Into one pane at a time, the reader stays in front if it was what the person was in.
    const inReader = this.reading || Boolean(this.article && this.reader?.matches(':focus-within'));
    const drawerHadFocus = this.drawerOpen && Boolean(this.sidebar?.matches(':focus-within'));
    this.layoutMode = mode;
    this.reading = mode === 'single' && inReader;
    if (this.drawerOpen) void this.closeDrawer(mode !== 'wide' && drawerHadFocus ? 'button' : 'none');
  };

  private async openDrawer(): Promise<void> {
    this.drawerOpen = true;
    await this.updateComplete;
    this.sidebar?.focusCurrent();
  }

  /** Closes the library drawer; focus goes back to its button, to the list, or stays where it is. */
  private async closeDrawer(focus: 'button' | 'list' | 'none'): Promise<void> {
    if (!this.drawerOpen) return;
    this.drawerOpen = false;
    await this.updateComplete;
    if (focus === 'button') this.libraryButton?.focus();
    else if (focus === 'list') await this.focusList();
  }

  /** One pane at a time: the list comes back in front of the reader (settles once it is shown). */
  private async leaveReader(): Promise<void> {
    if (!this.reading) return;
    this.reading = false;
    await this.updateComplete;
    this.list?.revealSelected();
  }

  /** The list takes focus; with one pane at a time, it is shown first. */
  private async focusList(): Promise<void> {
    if (this.reading) await this.leaveReader();
    this.list?.focus();
  }

  /**
   * One pane at a time: the reader takes the list's place, and focus (the article, to scroll with
   * the keys). Opened with a click, it gets no keyboard focus ring (where the browser can tell it so).
   */
  /** Whether the open article is in front of the person (not behind the list, one pane at a time). */
  private get articleShown(): boolean {
    return this.layoutMode !== 'single' || this.reading;
  }

  private async showReader({ pointer = false } = {}): Promise<void> {
    this.reading = true;
    // Opened while the list was in front (open() left it unread); one still loading is marked there.
    const shown = this.article;
    if (shown && !shown.isRead && shown.id === this.selectedId && !this.articleLoading) void this.setRead(shown.id, true);
    await this.updateComplete;
    await this.reader?.updateComplete;
    const options: FocusOptions & { focusVisible?: boolean } = { preventScroll: true, ...(pointer ? { focusVisible: false } : {}) };
    this.reader?.shadowRoot?.querySelector<HTMLElement>('.scroll')?.focus(options);
  }

  /** A click on a row of the list, with one pane at a time: the article it opened is shown. */
  private onListClick(e: MouseEvent): void {
    if (this.layoutMode !== 'single' || this.reading) return;
    const row = e.composedPath().find((n) => n instanceof HTMLElement && n.getAttribute('role') === 'option') as HTMLElement | undefined;
    if (row && this.selectedId !== null && row.id === `row-${this.selectedId}`) void this.showReader({ pointer: true });
  }

  /** Focus was in the reading options panel as it closed (light dismiss: Escape in a menu of it, say). */
  private optionsHadFocus = false;

  /** The panel closed with focus in it, and nothing else took it: its button does, not the page. */
  private readonly onOptionsToggle = (e: ToggleEvent): void => {
    if (e.newState !== 'closed') return;
    if (e.type === 'beforetoggle') {
      this.optionsHadFocus = this.optionsPanel?.matches(':focus-within') ?? false;
    } else if (this.optionsHadFocus) {
      this.optionsHadFocus = false;
      if (document.activeElement === document.body || this.optionsPanel?.matches(':focus-within')) this.optionsButton?.focus();
    }
  };

  /** Escape with the reading options panel open (or on its button): it closes, nothing else happens. */
  private closeOptions(): boolean {
    const panel = this.optionsPanel;
    if (!panel?.matches(':popover-open')) return false;
    panel.hidePopover();
    this.optionsButton?.focus();
    return true;
  }

  private async setRead(id: number, read: boolean): Promise<void> {
    const counted = this.patchArticle(id, { isRead: read });
    try {
      await this.bridge.invoke('setRead', { id, read });
    } catch (err) {
      this.patchArticle(id, { isRead: !read });
      this.notify('error', `Could not mark the article as ${read ? 'read' : 'unread'}: ${messageOf(err)}`);
    }
    if (!counted) this.refreshSidebarSoon();
    this.refreshSavedSoon();
  }

  private async setStarred(id: number, starred: boolean): Promise<void> {
    const counted = this.patchArticle(id, { isStarred: starred });
    try {
      await this.bridge.invoke('setStarred', { id, starred });
    } catch (err) {
      this.patchArticle(id, { isStarred: !starred });
      this.notify('error', `Could not ${starred ? 'star' : 'unstar'} the article: ${messageOf(err)}`);
    }
    if (!counted) this.refreshSidebarSoon();
    this.refreshSavedSoon();
  }

  /**
   * Shows a change at once everywhere it appears: list row, reader, counts. Returns whether the
   * counts could be corrected exactly here (the row, with its source, was known); if not, the
   * caller asks the library to count again, which is slow on a big library.
   */
  private patchArticle(id: number, patch: { isRead?: boolean; isStarred?: boolean }): boolean {
    const row = this.list?.rowOf(id);
    const before = row ?? (this.article?.id === id ? this.article : null);
    const exact = Boolean(this.counts && row && (patch.isRead === undefined || row.sourceId !== null || row.source === null));
    if (this.counts && before) {
      const c = { ...this.counts };
      if (patch.isRead !== undefined && patch.isRead !== before.isRead) {
        const delta = patch.isRead ? -1 : 1;
        c.unread += delta;
        if (row?.sourceId != null) {
          c.sources = c.sources.map((s) => (s.id === row.sourceId ? { ...s, unread: s.unread + delta } : s));
          if (this.feeds?.some((f) => f.id === row.sourceId)) {
            this.feeds = this.feeds.map((f) => (f.id === row.sourceId ? { ...f, unread: f.unread + delta } : f));
          }
        }
      }
      if (patch.isStarred !== undefined && patch.isStarred !== before.isStarred) c.starred += patch.isStarred ? 1 : -1;
      this.counts = c;
    }
    this.list?.patchRow(id, patch);
    if (this.article?.id === id) this.article = { ...this.article, ...patch };
    return exact;
  }

  private async onLibraryChange({ openId, result }: BsEventDetails['bs-library-change']): Promise<void> {
    // The list reloads by itself when its filter changes below, or appears fresh after the welcome.
    const reloadsItself = !this.list || this.filter !== 'all' || this.sourceId !== null || this.query !== '';
    await this.loadSidebar();
    // On the welcome screen the per-file lines say it all; elsewhere, one line in the status.
    if (result && this.counts?.all !== 0) this.reportImport(result);
    this.welcomeResult = result;
    await this.showAllOf(null, reloadsItself);
    if (openId !== null) {
      await this.open(openId);
      this.list?.revealSelected();
    }
    await this.focusList();
  }

  private reportImport(result: ImportResult): void {
    const failed = result.items.filter((i) => i.status === 'failed');
    const first = failed[0];
    const detail = first && first.status === 'failed' ? ` — ${first.name}: ${first.reason}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}` : '';
    this.notify(failed.length ? 'error' : 'info', `${summarizeImport(result)}${detail}`);
  }

  private async importFromPicker(): Promise<void> {
    const files = [...(this.fileInput?.files ?? [])];
    if (this.fileInput) this.fileInput.value = '';
    if (!files.length) return;
    this.notify('info', `Importing ${files.length === 1 ? files[0]!.name : `${files.length} files`}…`);
    const result = await importChosenFiles(this.bridge, files);
    const first = result.items.find((i) => i.status === 'imported');
    await this.onLibraryChange({ openId: first && 'id' in first ? first.id : null, result });
  }

  // ---- notices ----------------------------------------------------------------------------

  /** Shows a line in the status area; info lines go after a while, unless `sticky` (progress). */
  private notify(kind: 'error' | 'info', message: string, { sticky = false, action = null as { label: string; run: () => void } | null } = {}): void {
    clearTimeout(this.infoTimer);
    this.noticeHeld = { focus: false, pointer: false };
    this.infoAction = kind === 'info' ? action : null;
    if (kind === 'error') {
      this.error = message;
      this.info = null;
    } else {
      this.info = message;
      // An offer to undo stays long enough to be read and reached.
      this.noticeMs = sticky ? null : action ? 2 * INFO_NOTICE_MS : INFO_NOTICE_MS;
      this.startNoticeTimer();
    }
  }

  /** How long the info notice stays once nothing holds it; null: until replaced. */
  private noticeMs: number | null = null;
  private noticeHeld = { focus: false, pointer: false };

  private startNoticeTimer(): void {
    clearTimeout(this.infoTimer);
    if (this.noticeMs === null || this.noticeHeld.focus || this.noticeHeld.pointer) return;
    this.infoTimer = setTimeout(() => (this.info = this.infoAction = null), this.noticeMs);
  }

  /** A notice being read or reached for (its Undo focused, the pointer on it) does not go away. */
  private readonly holdNotice = (e: Event): void => {
    this.noticeHeld[e.type === 'focusin' ? 'focus' : 'pointer'] = true;
    clearTimeout(this.infoTimer);
  };

  private readonly releaseNotice = (e: Event): void => {
    this.noticeHeld[e.type === 'focusout' ? 'focus' : 'pointer'] = false;
    this.startNoticeTimer();
  };

  // ---- deleting, marking all read ---------------------------------------------------------

  private async deleteArticle(id: number, title: string): Promise<void> {
    const name = clip(title);
    const ok = await this.confirmDialog?.confirm({
      heading: `Delete “${name}”?`,
      text: 'It leaves the library, with the pictures only it uses. If it came from a feed, the feed will not bring it back.',
      action: 'Delete',
    });
    if (!ok) return;
    // As a mail reader does: the one after it takes its place (the one before, at the end).
    const items = this.list?.items ?? [];
    const at = items.findIndex((e) => e.id === id);
    const next = at < 0 ? null : ([...items.slice(at + 1), ...items.slice(0, at).reverse()].find((e) => e.id !== null)?.id ?? null);
    try {
      await this.bridge.invoke('deleteArticles', { ids: [id] });
    } catch (err) {
      this.notify('error', `Could not delete “${name}”: ${messageOf(err)}`);
      return;
    }
    if (this.article?.id === id) this.article = null;
    if (this.selectedId === id) this.selectedId = next;
    await this.loadSidebar();
    await this.list?.reload();
    this.refreshSavedSoon();
    this.notify('info', `Deleted “${name}”.`);
    if (next !== null && this.selectedId === next) {
      void this.open(next);
      this.list?.revealSelected();
    }
    this.list?.focus();
  }

  /** Marks every unread article of the list shown (all, unread, starred, or one source) as read; undoable. */
  private async markAllRead(): Promise<void> {
    if (this.query) return;
    const scope = { ...(this.filter === 'starred' ? { filter: this.filter } : {}), ...(this.sourceId !== null ? { sourceId: this.sourceId } : {}) };
    let ids: number[];
    try {
      ({ ids } = await this.bridge.invoke('markAllRead', scope));
    } catch (err) {
      this.notify('error', `Could not mark the articles as read: ${messageOf(err)}`);
      return;
    }
    await this.afterBulkRead(ids, true);
    if (ids.length === 0) {
      this.notify('info', 'Every article here is read already.');
      return;
    }
    const what = ids.length === 1 ? '1 article' : `${formatCount(ids.length)} articles`;
    this.notify('info', `Marked ${what} as read.`, {
      action: {
        label: 'Undo',
        run: () => void this.undoMarkAllRead(ids, what),
      },
    });
  }

  private async undoMarkAllRead(ids: number[], what: string): Promise<void> {
    this.info = this.infoAction = null;
    try {
      await this.bridge.invoke('setReadMany', { ids, read: false });
    } catch (err) {
      this.notify('error', `Could not mark the ${what} as unread again: ${messageOf(err)}`);
      return;
    }
    await this.afterBulkRead(ids, false);
    this.notify('info', `${what[0]!.toUpperCase()}${what.slice(1)} unread again.`);
  }

  private async afterBulkRead(ids: number[], read: boolean): Promise<void> {
    if (this.article && ids.includes(this.article.id)) this.article = { ...this.article, isRead: read };
    await this.loadSidebar();
    await this.list?.reload();
    this.refreshSavedSoon();
  }

  // ---- search -----------------------------------------------------------------------------

  private onSearchInput(e: InputEvent): void {
    this.searchText = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.setQuery(liveQuery(this.searchText)), SEARCH_DELAY_MS);
  }

  /**
   * Changes the search the list shows. Starting a search remembers the selection; ending it
   * (an empty query) gives that selection back and takes the marks out of the reader.
   */
  private setQuery(query: string): void {
    this.typedQuery = query ? this.searchText.trim() : '';
    if (query === this.query) return;
    if (!this.query) this.beforeSearch = { selectedId: this.selectedId };
    this.query = query;
    // The previous count stays up until the new one arrives (no flicker while typing).
    if (query) return;
    const before = this.beforeSearch;
    this.beforeSearch = null;
    this.results = null;
    this.hitTerms = [];
    if (!before) return;
    this.selectedId = before.selectedId;
    if (before.selectedId !== null && this.article?.id !== before.selectedId) void this.open(before.selectedId);
  }

  /** Drops the search without going back to its starting point (another list was chosen). */
  private forgetSearch(): void {
    clearTimeout(this.searchTimer);
    this.beforeSearch = null;
    this.query = this.searchText = this.typedQuery = '';
    this.results = null;
    this.hitTerms = [];
  }

  private onSearchResults(e: BsEvent<'bs-search-results'>): void {
    if (e.detail.query === this.query) this.results = e.detail;
  }

  private onArticleSelect(e: BsEvent<'bs-article-select'>): void {
    const terms = this.query && this.results?.query === this.query ? this.results.terms : [];
    void this.open(e.detail.id, terms);
  }

  private async onSearchKey(e: KeyboardEvent): Promise<void> {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.leaveSearch();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(this.searchTimer);
      const query = liveQuery(this.searchText);
      if (this.query !== query) {
        this.setQuery(query);
        await this.updateComplete;
      }
      await this.list?.updateComplete;
      await this.list?.loaded;
      this.list?.focus();
      this.list?.moveTo('first');
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.list?.focus();
      void this.list?.move(1);
    }
  }

  private leaveSearch(): void {
    clearTimeout(this.searchTimer);
    this.searchText = '';
    this.setQuery('');
    this.list?.focus();
  }

  // ---- keyboard ---------------------------------------------------------------------------

  private onKeyDown = (e: KeyboardEvent): void => {
    // Ctrl+P (⌘P) prints the open article alone (the print styles): Electron has no Print of its own.
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'p' && this.article && !e.defaultPrevented) {
      e.preventDefault();
      window.print();
      return;
    }
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const path = e.composedPath();
    // Open dialogs handle their own keys (Escape closes them natively).
    if (path.some((n) => n instanceof HTMLDialogElement && n.open)) return;
    if (e.key === 'Escape' && this.closeOptions()) {
      e.preventDefault();
      return;
    }
    // Never steal keys from someone typing.
    if (path.some((n) => n instanceof HTMLElement && (n.isContentEditable || /^(input|textarea|select)$/.test(n.localName)))) return;
    const target = path[0];
    const onControl = target instanceof HTMLElement && (/^(button|a|summary)$/.test(target.localName) || target.hasAttribute('data-zoom'));
    // Space does not follow a link (Enter does): on a link it scrolls the article like anywhere else.
    const spaceActivates = onControl && (target as HTMLElement).localName !== 'a';
    const welcome = this.showWelcome;

    const actions: Record<string, () => void> = {
      j: () => {
        this.focusListFromSidebar();
        void this.list?.move(1);
      },
      k: () => {
        this.focusListFromSidebar();
        void this.list?.move(-1);
      },
      '1': () => this.showView('all'),
      '2': () => this.showView('unread'),
      '3': () => this.showView('starred'),
      o: () => this.openSelected(),
      Enter: () => this.openSelected(),
      ' ': () => this.reader?.scrollPage(e.shiftKey ? -1 : 1),
      s: () => this.article && void this.setStarred(this.article.id, !this.article.isStarred),
      m: () => this.article && void this.setRead(this.article.id, !this.article.isRead),
      A: () => void this.markAllRead(),
      Delete: () => this.article && void this.deleteArticle(this.article.id, this.article.title),
      '/': () => {
        const search = () => {
          this.searchBox?.focus();
          this.searchBox?.select();
        };
        if (this.reading) void this.leaveReader().then(search);
        else search();
      },
      '?': () => void this.shortcuts?.show(),
      r: () => void this.refreshAll(),
      Escape: () => {
        if (this.reading) void this.focusList(); // one pane at a time: back to the list
        else if (this.query || this.searchText) this.leaveSearch();
        else if (this.error || this.info) this.error = this.info = null;
      },
    };
    if ((e.key === 'Enter' && onControl) || (e.key === ' ' && spaceActivates)) return;
    if (welcome && e.key !== '?' && e.key !== 'Escape' && e.key !== 'r') return;
    // In the library drawer Space scrolls the drawer, as it would the sidebar's list.
    if (this.drawerOpen && e.key === ' ') return;
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    if (this.drawerOpen && e.key !== '?') {
      // The drawer covers the list and the reader: it closes first (Escape only closes it), then
      // the key acts on the list, as from the sidebar.
      void this.closeDrawer(e.key === 'Escape' ? 'button' : 'list').then(() => e.key !== 'Escape' && action());
      return;
    }
    action();
  };

  private openSelected(): void {
    if (this.selectedId === null) {
      this.list?.moveTo('first');
    } else if (this.article?.id !== this.selectedId || this.articleError) {
      void this.open(this.selectedId);
    }
    // One pane at a time, the article opened comes in front of the list.
    if (this.layoutMode !== 'single') this.list?.focus();
    else if (!this.reading && this.selectedId !== null) void this.showReader();
  }

  // ---- view -------------------------------------------------------------------------------

  private get showWelcome(): boolean {
    return this.counts !== null && this.counts.all === 0;
  }

  private get heading(): { title: string; count: number | null; empty: string } {
    if (this.query) return { title: 'Search', count: this.results?.total ?? null, empty: `No results for “${clip(this.searchText.trim() || this.query)}”` };
    const c = this.counts;
    if (this.sourceId !== null) {
      const source = c?.sources.find((s) => s.id === this.sourceId);
      const feed = this.feeds?.find((f) => f.id === this.sourceId);
      const name = source?.name ?? feed?.title ?? null;
      return { title: name ?? 'Source', count: source?.total ?? feed?.total ?? null, empty: `No articles from ${name ?? 'this source'}` };
    }
    switch (this.filter) {
      case 'unread':
        return { title: 'Unread', count: c?.unread ?? null, empty: 'No unread articles' };
      case 'starred':
        return { title: 'Starred', count: c?.starred ?? null, empty: 'No starred articles' };
      default:
        return { title: 'All articles', count: c?.all ?? null, empty: c ? 'No articles' : '' };
    }
  }

  protected override updated(): void {
    if (this.focusListOnLoad && this.list && this.counts) {
      this.focusListOnLoad = false;
      if (!this.shadowRoot?.activeElement || document.activeElement === document.body) {
        if (this.reading) void this.showReader();
        else this.list.focus();
      }
    }
  }

  override render() {
    const welcome = this.showWelcome;
    const mode = this.layoutMode;
    const settings = html`<bs-settings
      slot=${mode === 'wide' ? 'tools' : nothing}
      .settings=${this.settings}
      @bs-settings-change=${(e: BsEvent<'bs-settings-change'>) => this.changeSettings(e.detail)}
    ></bs-settings>`;
    const tools =
      mode === 'wide'
        ? html`
            ${settings}
            <button slot="tools" class="btn icon help" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" @click=${() => void this.shortcuts?.show()}>?</button>
          `
        : // Too narrow for them all in the toolbar: the reading options and the shortcuts in a panel.
          html`
            <button slot="tools" class="btn icon options-button" aria-label="Reading options" title="Reading options" popovertarget="reading-options">Aa</button>
            <div
              slot="tools"
              id="reading-options"
              class="options-panel"
              popover
              role="group"
              aria-label="Reading options"
              @beforetoggle=${this.onOptionsToggle}
              @toggle=${this.onOptionsToggle}
            >
              <div class="labels" aria-hidden="true"><span>Theme</span><span>Text size</span><span>Line width</span></div>
              ${settings}
              <button
                class="btn shortcuts"
                title="Keyboard shortcuts (?)"
                @click=${() => {
                  // Closing the shortcuts, focus comes back to the options' button.
                  this.closeOptions();
                  void this.shortcuts?.show();
                }}
              >
                <kbd aria-hidden="true">?</kbd>Keyboard shortcuts
              </button>
            </div>
          `;
    const classes = [
      'layout',
      welcome ? 'welcome' : '',
      mode !== 'wide' ? 'drawer' : '',
      mode === 'single' ? 'single' : '',
      this.reading ? 'reading' : '',
      this.drawerOpen ? 'drawer-open' : '',
    ];
    return html`
      <div
        class=${classes.filter(Boolean).join(' ')}
        @bs-filter-select=${this.onFilterSelect}
        @bs-article-select=${this.onArticleSelect}
        @bs-related-open=${(e: BsEvent<'bs-related-open'>) => void this.open(e.detail.id)}
        @bs-search-results=${this.onSearchResults}
        @bs-saved-search-select=${(e: BsEvent<'bs-saved-search-select'>) => this.runSavedSearch(e.detail.search)}
        @bs-saved-search-remove=${(e: BsEvent<'bs-saved-search-remove'>) => void this.removeSavedSearch(e.detail.search)}
        @bs-star-change=${(e: BsEvent<'bs-star-change'>) => void this.setStarred(e.detail.id, e.detail.starred)}
        @bs-read-change=${(e: BsEvent<'bs-read-change'>) => void this.setRead(e.detail.id, e.detail.read)}
        @bs-article-delete=${(e: BsEvent<'bs-article-delete'>) => void this.deleteArticle(e.detail.id, e.detail.title)}
        @bs-library-change=${(e: BsEvent<'bs-library-change'>) => void this.onLibraryChange(e.detail)}
        @bs-notice=${(e: BsEvent<'bs-notice'>) => this.notify(e.detail.kind, e.detail.message)}
        @bs-feed-action=${(e: BsEvent<'bs-feed-action'>) => this.onFeedAction(e.detail.action)}
        @bs-feed-remove=${(e: BsEvent<'bs-feed-remove'>) => void this.removeFeed(e.detail.feed)}
      >
        ${this.drawerOpen ? html`<div class="scrim" @click=${() => void this.closeDrawer('button')}></div>` : nothing}
        <bs-sidebar
          id="library"
          .counts=${this.counts}
          .filter=${this.filter}
          .sourceId=${this.sourceId}
          .savedSearches=${this.savedSearches}
          .query=${this.query}
          .feeds=${this.feeds}
          .refreshing=${this.refreshing}
        >
          ${this.drawerOpen
            ? html`<button slot="brand" class="btn icon" aria-label="Close the library" title="Close (Esc)" @click=${() => void this.closeDrawer('button')}>
                ${icons.close}
              </button>`
            : nothing}
          ${welcome
            ? nothing
            : html`<button
                slot="footer"
                class="btn import"
                @click=${() => {
                  void this.closeDrawer('none');
                  this.fileInput?.click();
                }}
              >
                ${icons.importFile}Import files…
              </button>`}
          <button slot="footer" class="btn import" @click=${() => this.onFeedAction('save-page')}>${icons.page}Save page…</button>
        </bs-sidebar>
        ${welcome ? this.renderWelcome(tools) : this.renderReading(tools)}
      </div>
      <input class="files-input" type="file" multiple accept=${IMPORT_ACCEPT} aria-label="Article files" tabindex="-1" @change=${() => void this.importFromPicker()} />
      <input class="opml-input" type="file" accept=${OPML_ACCEPT} aria-label="OPML file" tabindex="-1" @change=${() => void this.importOpmlFromPicker()} />
      <bs-url-dialog
        class="add-feed"
        heading="Add feed"
        label="Feed or site address"
        action="Subscribe"
        busyText="Subscribing…"
        hint="Paste the address of a feed, or of a site that has one."
        .submit=${this.subscribe}
        @done=${() => void this.focusList()}
      ></bs-url-dialog>
      <bs-url-dialog
        class="save-page"
        heading="Save a web page"
        label="Page address"
        action="Save"
        busyText="Saving the page and its pictures…"
        hint="The article is stored with its pictures, to read offline."
        .submit=${this.savePage}
        @done=${() => void this.focusList()}
      ></bs-url-dialog>
      <bs-confirm-dialog></bs-confirm-dialog>
      <div class="notices">
        <div class="notice-region" role="status" aria-live="polite">
          ${this.info
            ? html`<div
                class="notice info"
                @focusin=${this.holdNotice}
                @mouseenter=${this.holdNotice}
                @focusout=${this.releaseNotice}
                @mouseleave=${this.releaseNotice}
              >
                <span class="text">${this.info}</span>
                ${this.infoAction ? html`<button class="btn undo" @click=${this.infoAction.run}>${this.infoAction.label}</button>` : nothing}
              </div>`
            : nothing}
        </div>
        <div class="notice-region" role="alert">
          ${this.error
            ? html`<div class="notice error">
                <span class="text" title=${this.error}>${this.error}</span>
                <button class="btn icon" aria-label="Dismiss" @click=${() => (this.error = null)}>${icons.close}</button>
              </div>`
            : nothing}
        </div>
      </div>
      <bs-shortcuts></bs-shortcuts>
    `;
  }

  /** The button of the library drawer (narrow windows). */
  private renderLibraryButton() {
    if (this.layoutMode === 'wide') return nothing;
    return html`<button
      class="btn icon library"
      aria-label="Library"
      title="Library"
      aria-expanded=${this.drawerOpen ? 'true' : 'false'}
      aria-controls="library"
      @click=${() => void (this.drawerOpen ? this.closeDrawer('button') : this.openDrawer())}
    >
      ${icons.library}
    </button>`;
  }

  private renderWelcome(tools: unknown) {
    return html`<div class="welcome-pane" ?inert=${this.drawerOpen}>
      <div class="bar">${this.renderLibraryButton()}${tools}</div>
      <bs-welcome .result=${this.welcomeResult}></bs-welcome>
    </div>`;
  }

  private renderReading(tools: unknown) {
    const h = this.heading;
    return html`
      <section class="list-pane" aria-label="Article list" ?inert=${this.drawerOpen}>
        <div class="search" role="search">
          ${this.renderLibraryButton()}
          <label>
            ${icons.search}
            <input
              type="search"
              aria-label="Search"
              placeholder="Search"
              autocomplete="off"
              spellcheck="false"
              maxlength=${MAX_QUERY_LENGTH}
              .value=${this.searchText}
              @input=${this.onSearchInput}
              @keydown=${this.onSearchKey}
            />
          </label>
        </div>
        ${this.query
          ? this.renderResultsHeading()
          : html`<div class="list-heading">
              <h2 dir="auto">${h.title}</h2>
              ${h.count !== null ? html`<span>${formatCount(h.count)} ${h.count === 1 ? 'article' : 'articles'}</span>` : nothing}
              <button class="btn icon mark-all" aria-label="Mark all as read" title="Mark all as read (Shift+A)" @click=${() => void this.markAllRead()}>
                ${icons.checkAll}
              </button>
            </div>`}
        <bs-article-list
          @click=${this.onListClick}
          .filter=${this.filter}
          .sourceId=${this.sourceId}
          .query=${this.query}
          .typedQuery=${this.typedQuery}
          .selectedId=${this.selectedId}
          .emptyText=${h.empty}
          .emptyHint=${this.query ? SYNTAX_HINT : nothing}
          .total=${h.count}
        ></bs-article-list>
      </section>
      <bs-reader
        ?inert=${this.drawerOpen}
        .article=${this.article}
        .loading=${this.articleLoading}
        .error=${this.articleError}
        .fontSize=${this.settings.fontSize}
        .lineWidth=${this.settings.lineWidth}
        .highlight=${this.hitTerms}
      >
        ${this.reading
          ? html`<button slot="start" class="btn back" aria-label="Back to the list" title="Back to the list (Esc)" @click=${() => void this.focusList()}>
              ${icons.back}<span>Back<span class="more"> to the list</span></span>
            </button>`
          : nothing}
        ${tools}
      </bs-reader>
    `;
  }

  /** "Search · 37 results · Save search", and a note when only the most recent matches were ranked. */
  private renderResultsHeading() {
    const r = this.results;
    const saved = this.savedSearches?.some((s) => s.query === this.query) ?? false;
    const tooLong = this.query.length > MAX_SAVED_QUERY;
    return html`<div class="list-heading results">
      <h2>Search</h2>
      <span class="total" role="status">${r ? (r.total === 0 ? 'No results' : `${formatCount(r.total)} ${r.total === 1 ? 'result' : 'results'}`) : ''}</span>
      <button
        class="btn save"
        aria-disabled=${saved || tooLong ? 'true' : 'false'}
        title=${saved ? 'This search is in the sidebar' : tooLong ? 'Too long to save' : `Save “${clip(this.query)}” in the sidebar`}
        @click=${() => !saved && !tooLong && void this.saveCurrentSearch()}
      >
        ${saved ? icons.bookmarkFilled : icons.bookmark}${saved ? 'Saved' : 'Save search'}
      </button>
      ${r?.rankedSubset
        ? html`<p class="ranked">Too many matches to rank them all: ranking covers the most recently saved ones, and every one whose title matches.</p>`
        : nothing}
    </div>`;
  }

  private onFilterSelect(e: BsEvent<'bs-filter-select'>): void {
    this.filter = e.detail.filter;
    this.sourceId = e.detail.sourceId;
    if (this.query || this.searchText) this.forgetSearch();
    void this.closeDrawer('list');
  }
}

/** A query or name as quoted in a message: long ones are cut. */
function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-app': BsApp;
  }
}
