import { consume } from '@lit/context';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ArticleRow, BroadsheetBridge, ListCursor, ListFilter, SearchCursor, SearchResult } from '../preload/api.js';
import { prepareSnippetHtml } from './article-html.js';
import { bridgeContext } from './context.js';
import { fire, messageOf } from './events.js';
import { firstLine, formatShortDate, matchedInLabel } from './format.js';
import { splitMatches, type SearchTerm } from './highlight.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/** Rows per listArticles call (keyset paging). */
export const PAGE_SIZE = 200;
/** Load the next page when the visible range comes this close to the end of what is loaded. */
const PREFETCH_ROWS = 80;
/** The same for search results, whose pages are smaller and cost more (snippets). */
const PREFETCH_RESULTS = 20;
/** Results per search call: each carries a snippet, which costs more than a list row. */
export const SEARCH_PAGE_SIZE = 50;
/** At most this much of a snippet comes before its first match, so the match shows in two lines. */
const SNIPPET_LEAD = 48;
/** Matches --bs-row-height: rows have one fixed height, so the virtualizer never re-measures. */
const ROW_HEIGHT = 104;
/** Matches --bs-result-height (title, source and date, two lines of snippet). */
const RESULT_HEIGHT = 120;
/** Imported statically: the virtualizer would otherwise fetch its default layout lazily. */
const LAYOUT = flow();
/**
 * Loaded article rows kept on each side of the visible ones. Pages farther away are dropped
 * (their places kept, as gaps) and fetched again with their keyset cursor when scrolled back to:
 * every row kept costs ~1 KB of JS heap, and at 50,000 kept rows garbage collection made
 * flinging through the list stutter (tasks over 50 ms; bench/list.ts).
 */
export const KEEP_ROWS = 2000;

/** A row whose page was dropped (see KEEP_ROWS); it is fetched again when it comes into view. */
export type GapEntry = { kind: 'gap'; id: null };
const GAP: GapEntry = Object.freeze({ kind: 'gap', id: null });

export type ListEntry =
  | { kind: 'article'; id: number; row: ArticleRow }
  | { kind: 'result'; id: number; hit: SearchResult; snippet: string; title: Array<[string, boolean]> }
  | GapEntry;

/** One page of the article list: where it sits and the cursor that fetched it. */
interface PageSlot {
  start: number;
  count: number;
  after: ListCursor | undefined;
  dropped: boolean;
}

/**
 * The middle pane: the articles of the current filter, or search results. Virtualised with
 * <lit-virtualizer>, fed page by page with the library's keyset cursor as the person scrolls, so
 * 100,000 articles (or matches) cost no more than the rows on screen. The list is one focus stop
 * (role="listbox", name "Articles"); the selected row is its aria-activedescendant.
 *
 * A search result shows its title (search words marked), source, date, the library's snippet
 * with the matches in <mark>, and where it matched when that was not the body ("in a caption").
 *
 * @fires bs-article-select - the selection moved to an article (click, arrows, j/k): open it
 * @fires bs-search-results - the first page of a search arrived (total, ranking, words to mark)
 * @fires bs-notice - a page or a search failed
 */
@customElement('bs-article-list')
export class BsArticleList extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        position: relative;
      }
      lit-virtualizer {
        flex: 1;
        min-height: 0;
        height: 100%;
        overscroll-behavior: contain;
      }
      lit-virtualizer:focus-visible {
        outline: 2px solid var(--bs-focus-ring, #3b7bd0);
        outline-offset: -2px;
        border-radius: 0;
      }
      /* With a selected row, its strong colour is the focus indicator (as in desktop lists). */
      lit-virtualizer[aria-activedescendant]:focus-visible {
        outline: none;
      }
      .row {
        display: grid;
        grid-template-columns: 14px minmax(0, 1fr) auto;
        column-gap: 10px;
        width: 100%;
        height: var(--bs-row-height, 104px);
        padding: 12px 16px 12px 12px;
        border-bottom: 1px solid var(--bs-border, #e5e3de);
        color: var(--bs-text, #1f1f1e);
        cursor: default;
        overflow: hidden;
        user-select: none;
        /* A row's layout and paint never reach outside it (fixed height): cheaper frames when flinging. */
        contain: strict;
      }
      .row.result {
        grid-template-columns: minmax(0, 1fr);
        height: var(--bs-result-height, 120px);
        padding: 12px 16px;
      }
      .row:hover {
        background: var(--bs-hover, rgb(0 0 0 / 0.04));
      }
      .row[aria-selected='true'] {
        background: var(--bs-selected-bg, #e2e9f2);
        color: var(--bs-selected-text, #111);
      }
      lit-virtualizer:focus .row[aria-selected='true'] {
        background: var(--bs-selected-focus-bg, #2c5d8f);
        color: var(--bs-selected-focus-text, #fff);
        border-bottom-color: transparent;
      }
      .marker {
        display: flex;
        justify-content: center;
        padding-top: 6px;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--bs-unread, #2f6fb3);
      }
      .marker svg {
        width: 12px;
        height: 12px;
        margin-top: -2px;
        color: var(--bs-star, #c28a12);
      }
      lit-virtualizer:focus .row[aria-selected='true'] .dot {
        background: currentColor;
      }
      lit-virtualizer:focus .row[aria-selected='true'] .marker svg {
        color: currentColor;
      }
      .text {
        min-width: 0;
        display: flex;
        flex-direction: column;
        gap: 3px;
      }
      .title {
        display: -webkit-box;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 2;
        overflow: hidden;
        margin: 0;
        font: 500 14.5px/1.3 var(--bs-font-ui, system-ui, sans-serif);
        color: inherit;
      }
      .unread .title {
        font-weight: 700;
      }
      .meta {
        display: flex;
        gap: 6px;
        font-size: 12px;
        line-height: 1.3;
        color: var(--bs-text-muted, #6a6864);
        white-space: nowrap;
        min-width: 0;
      }
      .meta .source {
        overflow: hidden;
        text-overflow: ellipsis;
        font-weight: 600;
      }
      .meta .date {
        flex: none;
        font-variant-numeric: tabular-nums;
      }
      .meta .where {
        flex: none;
        padding: 0 6px;
        border-radius: 999px;
        background: var(--bs-tag-bg, rgb(0 0 0 / 0.055));
        font-size: 11px;
        line-height: 15px;
      }
      .meta .sep {
        flex: none;
        color: var(--bs-text-faint, #9a9791);
      }
      .lead {
        margin: 0;
        font-size: 13px;
        line-height: 1.35;
        color: var(--bs-text-muted, #6a6864);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .snippet {
        margin: 0;
        display: -webkit-box;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 2;
        overflow: hidden;
        font-size: 13px;
        line-height: 1.35;
        color: var(--bs-text-muted, #6a6864);
      }
      mark {
        background: var(--bs-mark-bg, #fbe7a1);
        color: var(--bs-mark-text, inherit);
        border-radius: 2px;
        padding: 0 1px;
      }
      /* The separator is decoration in --bs-text-faint, which is too light on the selected row. */
      .row[aria-selected='true'] .meta .sep {
        color: inherit;
      }
      /*
       * Colours, not opacity: a faded row would fade its marks too. The pairs are checked in
       * tests/theme-contrast.test.ts.
       */
      lit-virtualizer:focus .row[aria-selected='true'] .meta,
      lit-virtualizer:focus .row[aria-selected='true'] .lead,
      lit-virtualizer:focus .row[aria-selected='true'] .snippet {
        color: var(--bs-selected-focus-muted, #dfe7ee);
      }
      lit-virtualizer:focus .row[aria-selected='true'] .where {
        color: var(--bs-selected-focus-text, #fff);
        background: var(--bs-selected-focus-tag-bg, #416d9a);
      }
      lit-virtualizer:focus .row[aria-selected='true'] mark {
        background: var(--bs-mark-on-selected-bg, #fbe7a1);
        color: var(--bs-mark-on-selected-text, #111110);
      }
      .thumb {
        width: 64px;
        height: 64px;
        margin-top: 2px;
        border-radius: var(--bs-radius-s, 4px);
        object-fit: cover;
        background: var(--bs-placeholder-bg, #f1efea);
      }
      /* Over the (empty) list, at its top: the list keeps the pane's height below. */
      .state {
        position: absolute;
        inset: 0 0 auto;
        padding: 40px 24px;
        text-align: center;
        color: var(--bs-text-muted, #6a6864);
        font-size: 14px;
      }
      .state.error {
        color: var(--bs-danger, #a3292c);
      }
      .state p {
        margin: 0 0 12px;
      }
      .state .hint {
        max-width: 30em;
        margin: 0 auto;
        font-size: 12.5px;
        line-height: 1.5;
        color: var(--bs-text-faint, #9a9791);
      }
      .state .hint code {
        font: 12px/1 var(--bs-font-mono, monospace);
        color: var(--bs-text-muted, #6a6864);
      }
      .more {
        position: absolute;
        bottom: 10px;
        left: 50%;
        transform: translateX(-50%);
        padding: 3px 10px;
        border-radius: 999px;
        background: var(--bs-sidebar-bg, #f2f1ee);
        border: 1px solid var(--bs-border, #e5e3de);
        color: var(--bs-text-muted, #6a6864);
        font-size: 12px;
        pointer-events: none;
      }
      /*
       * Forced colours (Windows high contrast): the theme's backgrounds all become Canvas, so the
       * selection, the unread dots and the list's focus are drawn in the person's system colours.
       * Each selector is at least as specific as the one it replaces (the focused-list ones).
       */
      @media (forced-colors: active) {
        lit-virtualizer:focus-visible,
        lit-virtualizer[aria-activedescendant]:focus-visible {
          outline: 2px solid CanvasText;
          outline-offset: -2px;
        }
        /*
         * Not adjusted (every colour in it is a system colour set here): the browser would put a
         * Canvas backplate behind each line of HighlightText.
         */
        .row[aria-selected='true'],
        lit-virtualizer:focus .row[aria-selected='true'] {
          forced-color-adjust: none;
          background: Highlight;
          color: HighlightText;
          border-bottom-color: CanvasText;
        }
        .row[aria-selected='true'] .thumb {
          background: Canvas;
        }
        /* The focused list's selected row: a ring inside it as well (the list's own is under the rows). */
        lit-virtualizer:focus-visible .row[aria-selected='true'] {
          outline: 2px solid HighlightText;
          outline-offset: -4px;
        }
        /* (Icons follow the text: sharedStyles.) */
        .row[aria-selected='true'] :is(.title, .meta, .lead, .snippet, .sep, .where),
        lit-virtualizer:focus .row[aria-selected='true'] :is(.title, .meta, .lead, .snippet, .sep, .where) {
          color: inherit;
        }
        .meta .where,
        lit-virtualizer:focus .row[aria-selected='true'] .where {
          background: transparent;
          outline: 1px solid currentColor;
          outline-offset: -1px;
        }
        .dot {
          background: CanvasText;
        }
        .row[aria-selected='true'] .dot,
        lit-virtualizer:focus .row[aria-selected='true'] .dot {
          background: HighlightText;
        }
        mark,
        lit-virtualizer:focus .row[aria-selected='true'] mark {
          background: Mark;
          color: MarkText;
        }
      }
    `,
  ];

  @consume({ context: bridgeContext }) private bridge!: BroadsheetBridge;

  @property() filter: ListFilter = 'all';
  @property({ type: Number }) sourceId: number | null = null;
  /** When non-empty the list shows search results for it instead of the filter. */
  @property() query = '';
  /**
   * The search as the person typed it, for messages: `query` may carry a `*` the app added while
   * the last word was being typed. Messages quote `query` when this is empty.
   */
  @property() typedQuery = '';
  /** The id of the selected article (kept by the app, so it survives filter changes). */
  @property({ type: Number }) selectedId: number | null = null;
  /** How many articles the filter holds (for aria-setsize), or null when unknown. */
  @property({ type: Number }) total: number | null = null;
  /** Shown when the list is empty, e.g. "No unread articles". */
  @property() emptyText = 'No articles';
  /** A second, quieter line under emptyText (the search syntax after an empty search). */
  @property({ attribute: false }) emptyHint: unknown = nothing;

  @state() private entries: ListEntry[] = [];
  @state() private loading = false;
  @state() private error: string | null = null;
  private next: ListCursor | null = null;
  /** The search's own cursor, and what it found in all (for aria-setsize). */
  private searchNext: SearchCursor | null = null;
  private searchTotal = 0;
  /** The words of the current search, to mark in result titles. */
  private terms: SearchTerm[] = [];
  /** Bumped on every reset, so a page that arrives for an old filter is dropped. */
  private generation = 0;
  private pendingMore: Promise<void> | null = null;
  private lastRangeEnd = 0;
  /** The article list's pages, in order (not used for search results, which are few). */
  private slots: PageSlot[] = [];
  private refilling = new Map<PageSlot, Promise<void>>();
  /** Rows kept loaded on each side of the visible ones (KEEP_ROWS; tests set fewer). */
  @property({ attribute: false }) keepRows = KEEP_ROWS;
  /** A row the keyboard is moving to (Home, End): its page is kept even before it is selected. */
  private pinned = -1;
  /** Bumped by every keyboard move, so that End still fetching pages gives way to a later key. */
  private moves = 0;
  /** Bumped by every scroll to a row (scrollToRow), so that an older one's check gives way. */
  private reveals = 0;

  /**
   * Entries are typed `| undefined` in the virtualizer callbacks: right after the list shrinks it
   * may still ask for the old range once.
   */
  @query('lit-virtualizer') private virtualizer?: LitVirtualizer<ListEntry>;

  /** The loaded entries, in order (read-only view, e.g. for tests). */
  get items(): readonly ListEntry[] {
    return this.entries;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('filter') || changed.has('sourceId') || changed.has('query')) void this.reload();
  }

  /** Settles when the current first page (or search) has loaded. */
  loaded: Promise<void> = Promise.resolve();

  /** Drops what is loaded and fetches the first page again. */
  reload(): Promise<void> {
    this.loaded = this.fetchFirst();
    return this.loaded;
  }

  private get searching(): boolean {
    return this.query.trim() !== '';
  }

  private get prefetch(): number {
    return this.searching ? PREFETCH_RESULTS : PREFETCH_ROWS;
  }

  private get hasMore(): boolean {
    return this.searching ? this.searchNext !== null : this.next !== null;
  }

  private async fetchFirst(): Promise<void> {
    const generation = ++this.generation;
    this.next = this.searchNext = null;
    this.pendingMore = null;
    this.slots = [];
    this.refilling.clear();
    this.pinned = -1;
    this.error = null;
    this.loading = true;
    const query = this.query.trim();
    const typed = this.typedQuery.trim() || query;
    try {
      if (query) {
        const res = await this.bridge.invoke('search', { query, limit: SEARCH_PAGE_SIZE });
        if (generation !== this.generation) return;
        this.terms = res.terms;
        this.searchTotal = res.total;
        this.searchNext = res.next;
        this.entries = res.hits.map((hit) => this.toResult(hit));
        fire(this, 'bs-search-results', { query, total: res.total, rankedSubset: res.rankedSubset, terms: res.terms });
      } else {
        const page = await this.bridge.invoke('listArticles', this.request());
        if (generation !== this.generation) return;
        this.entries = page.rows.map(toEntry);
        this.slots = [{ start: 0, count: page.rows.length, after: undefined, dropped: false }];
        this.next = page.next;
      }
      // Loaded: nothing says "Loading more…" while the virtualizer lays the rows out.
      this.loading = false;
      await this.laidOut();
      if (generation !== this.generation) return;
      if (this.indexOfSelected() >= 0) this.revealSelected();
      else this.virtualizer?.scrollTo({ top: 0 });
    } catch (err) {
      if (generation !== this.generation) return;
      this.entries = [];
      this.error = messageOf(err);
      if (query) fire(this, 'bs-notice', { kind: 'error', message: `Could not search for “${short(typed)}”: ${this.error}` });
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Fetches the next page if there is one; concurrent calls share one request. */
  loadMore(): Promise<void> {
    if (!this.hasMore) return Promise.resolve();
    if (this.pendingMore) return this.pendingMore;
    const generation = this.generation;
    const query = this.query.trim();
    const typed = this.typedQuery.trim() || query;
    const listAfter = this.next;
    const searchAfter = this.searchNext;
    this.loading = true;
    const page: Promise<void> =
      query && searchAfter
        ? this.bridge.invoke('search', { query, limit: SEARCH_PAGE_SIZE, after: searchAfter }).then((res) => {
            if (generation !== this.generation) return;
            // A result already shown (ties in score and date at a page edge) is not shown twice.
            const shown = new Set(this.entries.map((e) => e.id));
            this.entries = this.entries.concat(res.hits.filter((h) => !shown.has(h.id)).map((hit) => this.toResult(hit)));
            this.searchNext = res.next;
          })
        : this.bridge.invoke('listArticles', { ...this.request(), after: listAfter! }).then((res) => {
            if (generation !== this.generation) return;
            this.slots.push({ start: this.entries.length, count: res.rows.length, after: listAfter!, dropped: false });
            this.entries = this.entries.concat(res.rows.map(toEntry));
            this.next = res.next;
          });
    this.pendingMore = page
      .catch((err: unknown) => {
        if (generation !== this.generation) return;
        const what = query ? `more results for “${short(typed)}”` : 'more articles';
        fire(this, 'bs-notice', { kind: 'error', message: `Could not load ${what}: ${messageOf(err)}` });
        // Stop asking for this page on every scroll; the next search or reload starts afresh.
        if (query) this.searchNext = null;
        else this.next = null;
      })
      .finally(() => {
        if (generation !== this.generation) return;
        this.pendingMore = null;
        this.loading = false;
        // The person may already be at the new end (a fast fling): keep going.
        if (this.lastRangeEnd >= this.entries.length - this.prefetch) void this.loadMore();
      });
    return this.pendingMore;
  }

  /** Changes one loaded row in place (after star / read changes). */
  patchRow(id: number, patch: Partial<Pick<ArticleRow, 'isRead' | 'isStarred'>>): void {
    const index = this.entries.findIndex((e) => e.id === id);
    const entry = this.entries[index];
    if (!entry || entry.kind !== 'article') return;
    const entries = this.entries.slice();
    entries[index] = { ...entry, row: { ...entry.row, ...patch } };
    this.entries = entries;
  }

  /** The loaded row of an article, if it is in the list. */
  rowOf(id: number): ArticleRow | null {
    const entry = this.entries.find((e) => e.id === id);
    return entry?.kind === 'article' ? entry.row : null;
  }

  /**
   * Moves the selection by `delta` rows (j/k, arrows) and asks to open the article there; at the
   * end of what is loaded it first fetches the next page.
   */
  async move(delta: number): Promise<void> {
    if (this.entries.length === 0) return;
    this.moves++;
    const current = this.indexOfSelected();
    let target = current < 0 ? 0 : current + delta;
    if (target >= this.entries.length && this.hasMore) {
      await this.loadMore();
    }
    target = Math.max(0, Math.min(this.entries.length - 1, target));
    if (target !== current) this.selectIndex(target);
  }

  /**
   * Selects the first or the last row (Home, End). The last is the list's real end: the pages not
   * fetched yet are fetched first, one after the other (keyset paging has no way to jump), and
   * those far from the end are dropped as it goes (KEEP_ROWS), as if the person had scrolled there.
   */
  async moveTo(edge: 'first' | 'last'): Promise<void> {
    if (!this.entries.length) return;
    const move = ++this.moves;
    const generation = this.generation;
    if (edge === 'last') {
      while (this.hasMore) {
        await this.loadMore();
        // Another key, another filter or search while the pages came: that one wins.
        if (move !== this.moves || generation !== this.generation) return;
        this.keepNear(this.entries.length - 1, this.entries.length - 1);
      }
    }
    const index = edge === 'first' ? 0 : this.entries.length - 1;
    this.pinned = index;
    await this.ensureLoaded(index);
    if (move !== this.moves || generation !== this.generation) return;
    this.selectIndex(index);
  }

  /** Focuses the list itself (one focus stop; rows are reached with the keys). */
  override focus(options?: FocusOptions): void {
    this.virtualizer?.focus(options);
  }

  /**
   * Settles once the virtualizer has laid out the entries just rendered. Until then it still has
   * the previous ones (none, after an empty view): scrolling to a row it does not know yet leaves
   * the list at the top. Its layoutComplete only settles when something changed, hence the frames.
   */
  private async laidOut(): Promise<void> {
    await this.updateComplete;
    const virtualizer = this.virtualizer;
    if (!virtualizer) return;
    await virtualizer.updateComplete;
    // (A hidden window has no frames: the timeout settles it there.)
    await Promise.race([virtualizer.layoutComplete, frames(3), new Promise((resolve) => setTimeout(resolve, 250))]);
  }

  /** Scrolls the selected row into view. */
  revealSelected(): void {
    const index = this.indexOfSelected();
    if (index >= 0) void this.scrollToRow(index);
  }

  private selectIndex(index: number): void {
    const entry = this.entries[index];
    if (!entry || entry.kind === 'gap') return;
    void this.scrollToRow(index);
    fire(this, 'bs-article-select', { id: entry.id });
  }

  /**
   * Scrolls the row at `index` into view, then checks once the list has settled that it stayed
   * there, and scrolls again if not. The virtualizer keeps a row it scrolled to before rendering it
   * (revealSelected after an empty view) "pinned", block 'nearest' meaning "at the nearer edge",
   * until a scroll of the person's clears it; but for two frames after each of its own position
   * corrections it takes every scroll for its own. So a j in those frames (a quick key on a slow
   * machine) scrolled the next row in, and the pin put the previous one back at the bottom edge:
   * the selection moved, off screen. Only the latest scroll checks (a newer one wins).
   */
  private async scrollToRow(index: number): Promise<void> {
    const reveal = ++this.reveals;
    const id = this.entries[index]?.id;
    for (let tries = 0; tries < 3; tries++) {
      this.virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
      // Past the virtualizer's correction frames (a hidden window has none: the timeout).
      await Promise.race([frames(3), new Promise((resolve) => setTimeout(resolve, 250))]);
      if (reveal !== this.reveals || id == null || this.entries[index]?.id !== id || this.rowInView(id)) return;
    }
  }

  /** Is the row of article `id` rendered and wholly inside the list's visible area? */
  private rowInView(id: number): boolean {
    const row = this.renderRoot.querySelector(`#row-${id}`);
    const box = this.virtualizer;
    if (!row || !box) return false;
    const r = row.getBoundingClientRect();
    const view = box.getBoundingClientRect();
    return r.top >= view.top - 0.5 && r.bottom <= view.bottom + 0.5;
  }

  private indexOfSelected(): number {
    return this.selectedId === null ? -1 : this.entries.findIndex((e) => e.id === this.selectedId);
  }

  private request() {
    return {
      filter: this.filter,
      ...(this.sourceId !== null ? { sourceId: this.sourceId } : {}),
      limit: PAGE_SIZE,
    };
  }

  private onRange(e: RangeChangedEvent): void {
    this.lastRangeEnd = e.last;
    if (e.last >= this.entries.length - this.prefetch) void this.loadMore();
    this.keepNear(e.first, e.last);
  }

  /**
   * Drops the pages far from rows first..last (never the selected row's) and fetches again the
   * dropped ones that are coming into view.
   */
  private keepNear(first: number, last: number): void {
    if (this.searching || this.slots.length === 0) return;
    const selected = this.indexOfSelected();
    const lo = first - this.keepRows;
    const hi = last + this.keepRows;
    let entries: ListEntry[] | null = null;
    for (const slot of this.slots) {
      const end = slot.start + slot.count;
      const near = (end > lo && slot.start < hi) || (selected >= slot.start && selected < end) || (this.pinned >= slot.start && this.pinned < end);
      if (!near && !slot.dropped) {
        entries ??= this.entries.slice();
        entries.fill(GAP, slot.start, end);
        slot.dropped = true;
      } else if (slot.dropped && end > first - this.prefetch && slot.start <= last + this.prefetch) {
        void this.refill(slot);
      }
    }
    if (entries) this.entries = entries;
  }

  /** Fetches a dropped page again with the cursor that first fetched it. */
  private refill(slot: PageSlot): Promise<void> {
    const pending = this.refilling.get(slot);
    if (pending) return pending;
    const generation = this.generation;
    const request = { ...this.request(), ...(slot.after ? { after: slot.after } : {}) };
    const done = this.bridge
      .invoke('listArticles', request)
      .then((res) => {
        if (generation !== this.generation || !slot.dropped) return;
        const entries = this.entries.slice();
        res.rows.slice(0, slot.count).forEach((row, k) => (entries[slot.start + k] = toEntry(row)));
        slot.dropped = false;
        this.entries = entries;
      })
      .catch(() => {
        // It stays a gap, and is asked for again the next time it scrolls into view.
      })
      .finally(() => this.refilling.delete(slot));
    this.refilling.set(slot, done);
    return done;
  }

  /** Settles when the row at `index` is loaded (fetching its page again if it was dropped). */
  private async ensureLoaded(index: number): Promise<void> {
    const slot = this.slots.find((s) => index >= s.start && index < s.start + s.count);
    if (slot?.dropped) await this.refill(slot);
  }

  private toResult(hit: SearchResult): ListEntry {
    return { kind: 'result', id: hit.id, hit, snippet: prepareSnippetHtml(hit.snippet, { maxLead: SNIPPET_LEAD }), title: splitMatches(hit.title, this.terms) };
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const rowHeight = this.searching ? RESULT_HEIGHT : ROW_HEIGHT;
    const page = Math.max(1, Math.floor((this.virtualizer?.clientHeight ?? 600) / rowHeight) - 1);
    const moves: Record<string, () => void> = {
      ArrowDown: () => void this.move(1),
      ArrowUp: () => void this.move(-1),
      PageDown: () => void this.move(page),
      PageUp: () => void this.move(-page),
      Home: () => this.moveTo('first'),
      End: () => this.moveTo('last'),
    };
    const action = moves[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as Element).closest<HTMLElement>('[role="option"]');
    const index = row ? Number(row.dataset.index) : -1;
    if (index >= 0) this.selectIndex(index);
  }

  override render() {
    const selected = this.indexOfSelected();
    const activeId = selected >= 0 ? `row-${this.entries[selected]!.id}` : nothing;
    const empty = !this.loading && !this.error && this.entries.length === 0;
    return html`
      <lit-virtualizer
        scroller
        role="listbox"
        aria-label="Articles"
        aria-busy=${this.loading ? 'true' : 'false'}
        aria-activedescendant=${activeId}
        tabindex="0"
        .items=${this.entries}
        .layout=${LAYOUT}
        .keyFunction=${(e: ListEntry | undefined, i: number) => e?.id ?? `gap-${i}`}
        .renderItem=${(e: ListEntry | undefined, i: number) => (e ? this.renderEntry(e, i, i === selected) : html``)}
        @rangeChanged=${this.onRange}
        @keydown=${this.onKeyDown}
        @click=${this.onClick}
      ></lit-virtualizer>
      ${this.error
        ? this.searching
          ? // The app's one-line alert has said why; this is what is left in the pane.
            html`<div class="state error">
              <p>The search did not finish.</p>
              <button class="btn outlined" @click=${() => void this.reload()}>Try again</button>
            </div>`
          : html`<div class="state error" role="alert">
              <p>Could not load the articles: ${this.error}</p>
              <button class="btn outlined" @click=${() => void this.reload()}>Try again</button>
            </div>`
        : nothing}
      ${empty
        ? html`<div class="state" role="status">
            <p>${this.emptyText}</p>
            ${this.emptyHint === nothing ? nothing : html`<p class="hint">${this.emptyHint}</p>`}
          </div>`
        : nothing}
      ${this.loading && this.entries.length > 0 && this.hasMore ? html`<div class="more" aria-hidden="true">Loading more…</div>` : nothing}
    `;
  }

  private renderEntry(entry: ListEntry, index: number, selected: boolean) {
    // A dropped row while its page is fetched again: same height, nothing to read yet.
    if (entry.kind === 'gap') return html`<div class="row gap" data-index=${index} aria-hidden="true"></div>`;
    if (entry.kind === 'result') {
      const hit = entry.hit;
      const where = matchedInLabel(hit.matchedIn);
      const meta = [
        hit.source ? html`<span class="source" dir="auto">${hit.source}</span>` : null,
        html`<span class="date">${formatShortDate(hit.publishedAt ?? hit.savedAt)}</span>`,
      ].filter((m) => m !== null);
      return html`<div
        class="row result"
        role="option"
        id="row-${entry.id}"
        data-index=${index}
        aria-selected=${selected ? 'true' : 'false'}
        aria-setsize=${Math.max(this.searchTotal, this.entries.length)}
        aria-posinset=${index + 1}
        aria-labelledby="title-${entry.id}"
        aria-describedby="meta-${entry.id} snippet-${entry.id}"
      >
        <div class="text">
          <p class="title" id="title-${entry.id}" dir="auto" lang=${hit.lang ?? nothing}>${entry.title.map(([text, hit]) => (hit ? html`<mark>${text}</mark>` : text))}</p>
          <div class="meta" id="meta-${entry.id}">
            ${meta.map((m, i) => html`${i ? html`<span class="sep" aria-hidden="true">·</span>` : nothing}${m}`)}
            ${where ? html`<span class="where">${where}</span>` : nothing}
          </div>
          <p class="snippet" id="snippet-${entry.id}" dir="auto" lang=${hit.lang ?? nothing}>${unsafeHTML(entry.snippet)}</p>
        </div>
      </div>`;
    }
    const row = entry.row;
    const when = row.publishedAt ?? row.savedAt;
    return html`<div
      class="row ${row.isRead ? 'read' : 'unread'}"
      role="option"
      id="row-${row.id}"
      data-index=${index}
      aria-selected=${selected ? 'true' : 'false'}
      aria-setsize=${this.total ?? (this.next ? -1 : this.entries.length)}
      aria-posinset=${index + 1}
      aria-labelledby="title-${row.id}"
      aria-describedby="meta-${row.id}"
    >
      <span class="marker">
        ${row.isStarred ? icons.starFilled : !row.isRead ? html`<span class="dot"></span>` : nothing}
      </span>
      <div class="text">
        <p class="title" id="title-${row.id}" dir="auto" lang=${row.lang ?? nothing}>${row.title}</p>
        <div class="meta" id="meta-${row.id}">
          ${row.source ? html`<span class="source" dir="auto">${row.source}</span>` : nothing}
          <span class="date">${formatShortDate(when)}</span>
          <span class="visually-hidden">${[row.isRead ? '' : 'Unread', row.isStarred ? 'Starred' : ''].filter(Boolean).join(', ')}</span>
        </div>
        <p class="lead" dir="auto" lang=${row.lang ?? nothing}>${firstLine(row.lead)}</p>
      </div>
      ${row.thumbnail
        ? html`<img
            class="thumb"
            src=${this.bridge.imageUrl(row.thumbnail, 'thumb')}
            alt=""
            loading="lazy"
            decoding="async"
            @error=${(e: Event) => ((e.target as HTMLElement).style.visibility = 'hidden')}
          />`
        : html`<span></span>`}
    </div>`;
  }
}

/** Settles after `n` animation frames. */
function frames(n: number): Promise<void> {
  return new Promise((resolve) => {
    const next = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
    next(n);
  });
}

function toEntry(row: ArticleRow): ListEntry {
  return { kind: 'article', id: row.id, row };
}

/** A query as quoted in a message: long ones are cut. */
function short(query: string): string {
  return query.length > 60 ? `${query.slice(0, 60)}…` : query;
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-article-list': BsArticleList;
  }
}
