import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FeedView, ListFilter, SavedSearch, Sidebar } from '../preload/api.js';
import { fire, type FeedAction } from './events.js';
import { groupByFolder } from './feeds.js';
import { formatCount } from './format.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/**
 * The library navigation (<nav aria-label="Library">): All, Unread and Starred with their counts,
 * the saved searches with how many articles each finds now, then every source with its unread
 * count, then the feeds (grouped under their folders) with their unread counts. Entries are links
 * (so their names never collide with the reader's Star / Mark as unread buttons); the current one
 * carries aria-current="page". Each saved search has a small "Remove saved search NAME" button and
 * each feed a "Remove feed TITLE" button, shown on hover and focus. A feed whose last refresh
 * failed shows a warning badge; the reason is the link's description, shown on hover and focus.
 * The Feeds heading carries "Add feed" and "Refresh all"; under the feeds, "Import OPML…" and
 * "Export OPML…".
 *
 * @fires bs-filter-select - a filter or source was chosen ({ filter, sourceId })
 * @fires bs-saved-search-select - a saved search was chosen: run it
 * @fires bs-saved-search-remove - a saved search's remove button was pressed
 * @fires bs-feed-action - Add feed, Refresh all, Import OPML…, Export OPML… was pressed
 * @fires bs-feed-remove - a feed's remove button was pressed
 * @slot footer - extra controls under the sources (the app puts its import button here)
 * @slot brand - a control at the end of the title row (the app's "Close the library", when the
 *   sidebar is a drawer over a narrow window)
 */
@customElement('bs-sidebar')
export class BsSidebar extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--bs-sidebar-bg, #f2f1ee);
        color: var(--bs-text, #1f1f1e);
        border-right: 1px solid var(--bs-border, #e5e3de);
      }
      .brand {
        display: flex;
        align-items: center;
        height: var(--bs-bar-height, 52px);
        padding: 0 18px;
        flex: none;
        font: 700 15px/1 var(--bs-font-reading, Georgia, serif);
        letter-spacing: 0.01em;
        color: var(--bs-text-strong, #111);
      }
      .brand ::slotted(*) {
        margin-inline: auto -8px;
      }
      nav {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        padding: 4px 10px 16px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      h2 {
        margin: 20px 8px 6px;
        font: 600 11px/1.2 var(--bs-font-ui, system-ui, sans-serif);
        letter-spacing: 0.08em;
        text-transform: uppercase;
        color: var(--bs-text-faint, #9a9791);
      }
      a {
        display: flex;
        align-items: center;
        gap: 9px;
        width: 100%;
        min-height: 32px;
        margin: 1px 0;
        padding: 5px 8px;
        border: 0;
        border-radius: var(--bs-radius-s, 4px);
        background: transparent;
        color: inherit;
        font: 14px/1.25 var(--bs-font-ui, system-ui, sans-serif);
        text-align: start;
        text-decoration: none;
        cursor: pointer;
      }
      a:hover {
        background: var(--bs-hover, rgb(0 0 0 / 0.04));
      }
      a[aria-current='page'] {
        background: var(--bs-selected-bg, #dfe7f1);
        color: var(--bs-selected-text, #111);
        font-weight: 600;
      }
      a:focus-visible {
        outline-offset: -2px;
      }
      svg {
        width: 16px;
        height: 16px;
        flex: none;
        color: var(--bs-text-muted, #6a6864);
      }
      .starred svg {
        color: var(--bs-star, #c28a12);
      }
      .unread-icon svg {
        color: var(--bs-unread, #2f6fb3);
      }
      .name {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .count {
        flex: none;
        font-size: 12px;
        font-variant-numeric: tabular-nums;
        color: var(--bs-text-muted, #6a6864);
        font-weight: 400;
      }
      .empty {
        margin: 4px 8px;
        color: var(--bs-text-faint, #9a9791);
        font-size: 13px;
      }
      /* Saved searches and feeds: a count that gives way to a remove button on hover or focus. */
      :is(.saved, .feed) {
        position: relative;
      }
      :is(.saved, .feed) a {
        padding-inline-end: 34px;
      }
      :is(.saved, .feed) .count {
        position: absolute;
        right: 10px;
        transition: opacity var(--bs-duration, 120ms);
      }
      :is(.saved, .feed) .remove {
        position: absolute;
        top: 50%;
        right: 3px;
        width: 26px;
        min-height: 26px;
        transform: translateY(-50%);
        color: var(--bs-text-muted, #6a6864);
        opacity: 0;
      }
      :is(.saved, .feed) .remove svg {
        width: 12px;
        height: 12px;
      }
      :is(.saved, .feed):hover .remove,
      :is(.saved, .feed) .remove:focus-visible {
        opacity: 1;
      }
      :is(.saved, .feed):hover .count,
      :is(.saved, .feed):has(.remove:focus-visible) .count {
        opacity: 0;
      }
      :is(.saved, .feed) .remove:hover {
        color: var(--bs-danger, #a3292c);
      }
      .footer {
        flex: none;
        padding: 10px;
        border-top: 1px solid var(--bs-border, #e5e3de);
      }
      .section-head {
        display: flex;
        align-items: center;
        gap: 2px;
        margin: 14px 0 0;
      }
      .section-head h2 {
        flex: 1;
        margin: 6px 8px 6px;
      }
      .section-head .btn {
        width: 26px;
        min-height: 26px;
        color: var(--bs-text-muted, #6a6864);
      }
      .section-head .btn svg {
        width: 15px;
        height: 15px;
      }
      .spinning svg {
        animation: spin 1s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spinning svg {
          animation: none;
        }
      }
      h3 {
        display: flex;
        align-items: center;
        gap: 6px;
        margin: 10px 8px 2px;
        font: 600 12px/1.3 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-muted, #6a6864);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .feed .badge {
        display: inline-flex;
        flex: none;
      }
      .feed .badge svg {
        width: 14px;
        height: 14px;
        color: var(--bs-danger, #a3292c);
      }
      .feed .reason {
        position: absolute;
        z-index: 2;
        top: calc(100% - 2px);
        left: 8px;
        right: 8px;
        padding: 6px 8px;
        border: 1px solid color-mix(in srgb, var(--bs-danger, #a3292c) 35%, transparent);
        border-radius: var(--bs-radius-s, 4px);
        background: var(--bs-danger-bg, #fbeceb);
        color: var(--bs-danger, #a3292c);
        box-shadow: var(--bs-shadow);
        font: 12px/1.35 var(--bs-font-ui, system-ui, sans-serif);
        overflow-wrap: anywhere;
        opacity: 0;
        pointer-events: none;
        transition: opacity var(--bs-duration, 120ms);
      }
      .feed:hover .reason,
      .feed:has(a:focus-visible) .reason {
        opacity: 1;
      }
      .feed-tools {
        display: flex;
        flex-wrap: wrap;
        gap: 2px;
        margin: 6px 0 0;
      }
      .feed-tools .btn {
        min-height: 26px;
        padding: 2px 8px;
        font-size: 12.5px;
        color: var(--bs-text-muted, #6a6864);
      }
      .feed-tools .btn svg {
        width: 14px;
        height: 14px;
      }
    `,
  ];

  /** The counts to show; null while they load. */
  @property({ attribute: false }) counts: Sidebar | null = null;
  @property() filter: ListFilter = 'all';
  /** The chosen source, or null for the whole library. */
  @property({ type: Number }) sourceId: number | null = null;
  /** Saved searches with their counts; null while they load. */
  @property({ attribute: false }) savedSearches: SavedSearch[] | null = null;
  /** The search the list shows ('' when none): its saved search, if any, is the current entry. */
  @property() query = '';
  /** The subscriptions; null while they load. */
  @property({ attribute: false }) feeds: FeedView[] | null = null;
  /** A refresh of every feed is running. */
  @property({ type: Boolean }) refreshing = false;

  /** Focuses the current entry (the list shown), or the first one: where a person opening the library starts. */
  focusCurrent(): void {
    const links = this.renderRoot.querySelectorAll<HTMLAnchorElement>('nav a[href]');
    const current = [...links].find((a) => a.getAttribute('aria-current') === 'page') ?? links[0];
    current?.focus();
  }

  override render() {
    const c = this.counts;
    return html`
      <div class="brand">Broadsheet<slot name="brand"></slot></div>
      <nav aria-label="Library">
        <ul>
          ${this.item('all', null, 'All', c?.all, icons.all, '')}
          ${this.item('unread', null, 'Unread', c?.unread, icons.unread, 'unread-icon')}
          ${this.item('starred', null, 'Starred', c?.starred, icons.star, 'starred')}
        </ul>
        ${this.savedSearches?.length
          ? html`<h2 id="saved-heading">Saved searches</h2>
              <ul aria-labelledby="saved-heading">
                ${this.savedSearches.map((s) => this.savedItem(s))}
              </ul>`
          : nothing}
        ${this.renderSources()} ${this.renderFeeds()}
      </nav>
      <div class="footer"><slot name="footer"></slot></div>
    `;
  }

  /** The sources that are not feeds (feeds have their own section). */
  private renderSources() {
    const c = this.counts;
    const feedIds = new Set((this.feeds ?? []).map((f) => f.id));
    const sources = (c?.sources ?? []).filter((s) => !feedIds.has(s.id));
    // With feeds and nothing else, an empty "Sources" section would only be noise.
    if (c && sources.length === 0 && this.feeds?.length) return nothing;
    return html`<h2 id="sources-heading">Sources</h2>
      ${c && sources.length === 0 ? html`<p class="empty">No sources yet</p>` : nothing}
      <ul aria-labelledby="sources-heading">
        ${sources.map((s) => this.item('all', s.id, s.name, s.unread || undefined, icons.source, ''))}
      </ul>`;
  }

  private renderFeeds() {
    const feeds = this.feeds;
    const action = (a: FeedAction) => () => fire(this, 'bs-feed-action', { action: a });
    return html`<div class="section-head">
        <h2 id="feeds-heading">Feeds</h2>
        <button class="btn icon" aria-label="Add feed" title="Add feed" @click=${action('add')}>${icons.plus}</button>
        <button
          class="btn icon ${this.refreshing ? 'spinning' : ''}"
          aria-label="Refresh all"
          title=${this.refreshing ? 'Refreshing…' : 'Refresh all feeds (r)'}
          ?disabled=${this.refreshing || !feeds?.length}
          @click=${action('refresh')}
        >
          ${icons.refresh}
        </button>
      </div>
      ${feeds && feeds.length === 0 ? html`<p class="empty">No feeds yet</p>` : nothing}
      ${groupByFolder(feeds ?? []).map(({ folder, feeds: list }, i) =>
        folder === null
          ? html`<ul aria-labelledby="feeds-heading">
              ${list.map((f) => this.feedItem(f))}
            </ul>`
          : html`<h3 id="folder-${i}" dir="auto">${folder}</h3>
              <ul aria-labelledby="folder-${i}">
                ${list.map((f) => this.feedItem(f))}
              </ul>`,
      )}
      <div class="feed-tools">
        <button class="btn" @click=${action('import-opml')}>${icons.importFile}Import OPML…</button>
        <button class="btn" ?disabled=${!feeds?.length} @click=${action('export-opml')}>${icons.exportFile}Export OPML…</button>
      </div>`;
  }

  private feedItem(feed: FeedView) {
    const current = !this.query && this.sourceId === feed.id;
    const errorId = `feed-error-${feed.id}`;
    return html`<li class="feed">
      <a
        href="#feed-${feed.id}"
        aria-current=${current ? 'page' : 'false'}
        aria-describedby=${feed.lastError ? errorId : nothing}
        @click=${(e: MouseEvent) => {
          e.preventDefault();
          fire(this, 'bs-filter-select', { filter: 'all', sourceId: feed.id });
        }}
      >
        ${icons.feed}<span class="name" dir="auto">${feed.title}</span>${feed.lastError
          ? html`<span class="badge" aria-hidden="true">${icons.warning}</span>`
          : nothing}${feed.unread > 0 ? html`<span class="count">${formatCount(feed.unread)}</span>` : nothing}
      </a>
      ${feed.lastError ? html`<span class="reason" id=${errorId} role="tooltip">Refresh failed: ${feed.lastError}</span>` : nothing}
      <button class="btn icon remove" aria-label="Remove feed ${feed.title}" title="Remove feed" @click=${() => fire(this, 'bs-feed-remove', { feed })}>
        ${icons.close}
      </button>
    </li>`;
  }

  private savedItem(search: SavedSearch) {
    const current = this.query !== '' && this.query === search.query;
    return html`<li class="saved">
      <a
        href="#search-${search.id}"
        title=${search.query}
        aria-current=${current ? 'page' : 'false'}
        @click=${(e: MouseEvent) => {
          e.preventDefault();
          fire(this, 'bs-saved-search-select', { search });
        }}
      >
        ${icons.search}<span class="name" dir="auto">${search.name}</span><span class="count">${formatCount(search.count)}</span>
      </a>
      <button
        class="btn icon remove"
        aria-label="Remove saved search ${search.name}"
        title="Remove saved search"
        @click=${() => fire(this, 'bs-saved-search-remove', { search })}
      >
        ${icons.close}
      </button>
    </li>`;
  }

  private item(filter: ListFilter, sourceId: number | null, name: string, count: number | undefined, icon: unknown, cls: string) {
    // While a search is shown, the filter underneath it is not what the list shows.
    const current = !this.query && this.sourceId === sourceId && (sourceId !== null || this.filter === filter);
    return html`<li>
      <a
        href=${sourceId === null ? `#${filter}` : `#source-${sourceId}`}
        class=${cls}
        aria-current=${current ? 'page' : 'false'}
        @click=${(e: MouseEvent) => {
          e.preventDefault();
          fire(this, 'bs-filter-select', { filter, sourceId });
        }}
      >
        ${icon}<span class="name" dir="auto">${name}</span>${count !== undefined && count > 0
          ? html`<span class="count">${formatCount(count)}</span>`
          : nothing}
      </a>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-sidebar': BsSidebar;
  }
}
