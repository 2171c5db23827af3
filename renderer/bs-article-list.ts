import { consume } from '@lit/context';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ArticleRow, BroadsheetBridge, ListCursor, ListFilter, SearchResult } from '../preload/api.js';
import { prepareSnippetHtml } from './article-html.js';
import { bridgeContext } from './context.js';
import { fire, messageOf } from './events.js';
import { firstLine, formatShortDate } from './format.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/** Rows per listArticles call (keyset paging). */
export const PAGE_SIZE = 200;
/** Load the next page when the visible range comes this close to the end of what is loaded. */
const PREFETCH_ROWS = 80;
const SEARCH_LIMIT = 200;
/** Matches --bs-row-height: rows have one fixed height, so the virtualizer never re-measures. */
const ROW_HEIGHT = 104;
/** Imported statically: the virtualizer would otherwise fetch its default layout lazily. */
const LAYOUT = flow();

export type ListEntry =
  | { kind: 'article'; id: number; row: ArticleRow }
  | { kind: 'result'; id: number; hit: SearchResult; snippet: string };

/**
 * The middle pane: the articles of the current filter, or search results. Virtualised with
 * <lit-virtualizer>, fed page by page with the library's keyset cursor as the person scrolls, so
 * 100,000 articles cost no more than the rows on screen. The list is one focus stop
 * (role="listbox", name "Articles"); the selected row is its aria-activedescendant.
 *
 * @fires bs-article-select - the selection moved to an article (click, arrows, j/k): open it
 * @fires bs-notice - a page failed to load
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
      }
      .row:hover {
        background: var(--bs-hover, rgb(0 0 0 / 0.04));
      }
      .row[aria-selected='true'] {
        background: var(--bs-selected-bg, #dfe7f1);
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
      lit-virtualizer:focus .row[aria-selected='true'] :is(.meta, .lead, .snippet) {
        color: inherit;
        opacity: 0.85;
      }
      .thumb {
        width: 64px;
        height: 64px;
        margin-top: 2px;
        border-radius: var(--bs-radius-s, 4px);
        object-fit: cover;
        background: var(--bs-placeholder-bg, #f1efea);
      }
      .state {
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
    `,
  ];

  @consume({ context: bridgeContext }) private bridge!: BroadsheetBridge;

  @property() filter: ListFilter = 'all';
  @property({ type: Number }) sourceId: number | null = null;
  /** When non-empty the list shows search results for it instead of the filter. */
  @property() query = '';
  /** The id of the selected article (kept by the app, so it survives filter changes). */
  @property({ type: Number }) selectedId: number | null = null;
  /** How many articles the filter holds (for aria-setsize), or null when unknown. */
  @property({ type: Number }) total: number | null = null;
  /** Shown when the list is empty, e.g. "No unread articles". */
  @property() emptyText = 'No articles';

  @state() private entries: ListEntry[] = [];
  @state() private loading = false;
  @state() private error: string | null = null;
  private next: ListCursor | null = null;
  /** Bumped on every reset, so a page that arrives for an old filter is dropped. */
  private generation = 0;
  private pendingMore: Promise<void> | null = null;
  private lastRangeEnd = 0;

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

  private async fetchFirst(): Promise<void> {
    const generation = ++this.generation;
    this.next = null;
    this.pendingMore = null;
    this.error = null;
    this.loading = true;
    try {
      if (this.query.trim()) {
        const { hits } = await this.bridge.invoke('search', { query: this.query.trim(), limit: SEARCH_LIMIT });
        if (generation !== this.generation) return;
        this.entries = hits.map((hit) => ({ kind: 'result', id: hit.id, hit, snippet: prepareSnippetHtml(hit.snippet) }));
      } else {
        const page = await this.bridge.invoke('listArticles', this.request());
        if (generation !== this.generation) return;
        this.entries = page.rows.map(toEntry);
        this.next = page.next;
      }
      await this.updateComplete;
      if (this.indexOfSelected() >= 0) this.revealSelected();
      else this.virtualizer?.scrollTo({ top: 0 });
    } catch (err) {
      if (generation !== this.generation) return;
      this.entries = [];
      this.error = messageOf(err);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Fetches the next page if there is one; concurrent calls share one request. */
  loadMore(): Promise<void> {
    if (!this.next || this.query.trim()) return Promise.resolve();
    if (this.pendingMore) return this.pendingMore;
    const generation = this.generation;
    const after = this.next;
    this.loading = true;
    this.pendingMore = this.bridge
      .invoke('listArticles', { ...this.request(), after })
      .then((page) => {
        if (generation !== this.generation) return;
        this.entries = this.entries.concat(page.rows.map(toEntry));
        this.next = page.next;
      })
      .catch((err: unknown) => {
        if (generation !== this.generation) return;
        fire(this, 'bs-notice', { kind: 'error', message: `Could not load more articles: ${messageOf(err)}` });
      })
      .finally(() => {
        if (generation !== this.generation) return;
        this.pendingMore = null;
        this.loading = false;
        // The person may already be at the new end (a fast fling): keep going.
        if (this.lastRangeEnd >= this.entries.length - PREFETCH_ROWS) void this.loadMore();
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
    const current = this.indexOfSelected();
    let target = current < 0 ? 0 : current + delta;
    if (target >= this.entries.length && this.next) {
      await this.loadMore();
    }
    target = Math.max(0, Math.min(this.entries.length - 1, target));
    if (target !== current) this.selectIndex(target);
  }

  /** Selects the first or last loaded row. */
  moveTo(edge: 'first' | 'last'): void {
    if (this.entries.length) this.selectIndex(edge === 'first' ? 0 : this.entries.length - 1);
  }

  /** Focuses the list itself (one focus stop; rows are reached with the keys). */
  override focus(options?: FocusOptions): void {
    this.virtualizer?.focus(options);
  }

  /** Scrolls the selected row into view. */
  revealSelected(): void {
    const index = this.indexOfSelected();
    if (index >= 0) this.virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
  }

  private selectIndex(index: number): void {
    const entry = this.entries[index];
    if (!entry) return;
    this.virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
    fire(this, 'bs-article-select', { id: entry.id });
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
    if (e.last >= this.entries.length - PREFETCH_ROWS) void this.loadMore();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor((this.virtualizer?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
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
        .keyFunction=${(e: ListEntry | undefined, i: number) => e?.id ?? `gone-${i}`}
        .renderItem=${(e: ListEntry | undefined, i: number) => (e ? this.renderEntry(e, i, i === selected) : html``)}
        @rangeChanged=${this.onRange}
        @keydown=${this.onKeyDown}
        @click=${this.onClick}
      ></lit-virtualizer>
      ${this.error
        ? html`<div class="state error" role="alert">
            <p>Could not load the articles: ${this.error}</p>
            <button class="btn outlined" @click=${() => void this.reload()}>Try again</button>
          </div>`
        : nothing}
      ${empty ? html`<div class="state" role="status">${this.emptyText}</div>` : nothing}
      ${this.loading && this.entries.length > 0 && this.next ? html`<div class="more" aria-hidden="true">Loading more…</div>` : nothing}
    `;
  }

  private renderEntry(entry: ListEntry, index: number, selected: boolean) {
    if (entry.kind === 'result') {
      const hit = entry.hit;
      return html`<div
        class="row"
        role="option"
        id="row-${entry.id}"
        data-index=${index}
        aria-selected=${selected ? 'true' : 'false'}
        aria-setsize=${this.entries.length}
        aria-posinset=${index + 1}
        aria-labelledby="title-${entry.id}"
        aria-describedby="meta-${entry.id} snippet-${entry.id}"
      >
        <span class="marker"></span>
        <div class="text">
          <p class="title" id="title-${entry.id}" dir="auto">${hit.title}</p>
          <div class="meta" id="meta-${entry.id}">
            ${hit.source ? html`<span class="source" dir="auto">${hit.source}</span>` : nothing}
            ${hit.publishedAt !== null ? html`<span class="date">${formatShortDate(hit.publishedAt)}</span>` : nothing}
          </div>
          <p class="snippet" id="snippet-${entry.id}" dir="auto">${unsafeHTML(entry.snippet)}</p>
        </div>
        <span></span>
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
        <p class="title" id="title-${row.id}" dir="auto">${row.title}</p>
        <div class="meta" id="meta-${row.id}">
          ${row.source ? html`<span class="source" dir="auto">${row.source}</span>` : nothing}
          <span class="date">${formatShortDate(when)}</span>
          <span class="visually-hidden">${[row.isRead ? '' : 'Unread', row.isStarred ? 'Starred' : ''].filter(Boolean).join(', ')}</span>
        </div>
        <p class="lead" dir="auto">${firstLine(row.lead)}</p>
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

function toEntry(row: ArticleRow): ListEntry {
  return { kind: 'article', id: row.id, row };
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-article-list': BsArticleList;
  }
}
