import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ListFilter, SavedSearch, Sidebar } from '../preload/api.js';
import { fire } from './events.js';
import { formatCount } from './format.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/**
 * The library navigation (<nav aria-label="Library">): All, Unread and Starred with their counts,
 * the saved searches with how many articles each finds now, then every source with its unread
 * count. Entries are links (so their names never collide with the reader's Star / Mark as unread
 * buttons); the current one carries aria-current="page". Each saved search has a small
 * "Remove saved search NAME" button, shown on hover and focus.
 *
 * @fires bs-filter-select - a filter or source was chosen ({ filter, sourceId })
 * @fires bs-saved-search-select - a saved search was chosen: run it
 * @fires bs-saved-search-remove - a saved search's remove button was pressed
 * @slot footer - extra controls under the sources (the app puts its import button here)
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
      .saved {
        position: relative;
      }
      .saved a {
        padding-inline-end: 34px;
      }
      .saved .count {
        position: absolute;
        right: 10px;
        transition: opacity var(--bs-duration, 120ms);
      }
      .saved .remove {
        position: absolute;
        top: 50%;
        right: 3px;
        width: 26px;
        min-height: 26px;
        transform: translateY(-50%);
        color: var(--bs-text-muted, #6a6864);
        opacity: 0;
      }
      .saved .remove svg {
        width: 12px;
        height: 12px;
      }
      .saved:hover .remove,
      .saved .remove:focus-visible {
        opacity: 1;
      }
      .saved:hover .count,
      .saved:has(.remove:focus-visible) .count {
        opacity: 0;
      }
      .saved .remove:hover {
        color: var(--bs-danger, #a3292c);
      }
      .footer {
        flex: none;
        padding: 10px;
        border-top: 1px solid var(--bs-border, #e5e3de);
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

  override render() {
    const c = this.counts;
    return html`
      <div class="brand">Broadsheet</div>
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
        <h2 id="sources-heading">Sources</h2>
        ${c && c.sources.length === 0 ? html`<p class="empty">No sources yet</p>` : nothing}
        <ul aria-labelledby="sources-heading">
          ${(c?.sources ?? []).map((s) => this.item('all', s.id, s.name, s.unread || undefined, icons.source, ''))}
        </ul>
      </nav>
      <div class="footer"><slot name="footer"></slot></div>
    `;
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
