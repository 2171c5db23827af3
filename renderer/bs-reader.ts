import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ArticleView, BroadsheetBridge, LineWidth, RelatedArticle } from '../preload/api.js';
import { createPlaceholder, prepareBodyHtml } from './article-html.js';
import './bs-lightbox.js';
import type { BsLightbox } from './bs-lightbox.js';
import { bridgeContext } from './context.js';
import { fire, messageOf } from './events.js';
import { formatLongDate, formatShortDate, readingMinutes } from './format.js';
import { HIT_CLASS, highlightMatches, splitMatches, type SearchTerm } from './highlight.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

const MEASURE: Record<LineWidth, string> = { narrow: '34em', medium: '40em', wide: '48em' };
/** Related articles are asked for once the article has been on screen this long (j/k skims past). */
const RELATED_DELAY_MS = 200;
const RELATED_LIMIT = 5;

/**
 * The reading pane: a toolbar (Star / Unstar, Mark as unread / Mark as read, Open original, and
 * whatever the app slots in), then the article (role "article", named by its title): source,
 * title, byline, date, reading time, lead, body with its figures, attribution. Pictures open
 * large in a lightbox; links never navigate the page, they go to `openExternal`.
 *
 * Under the article, "Related articles" (<nav>): up to five saved articles about the same thing,
 * asked for after the article is shown; nothing at all when there are none.
 *
 * Opened from a search, the search's words (`highlight`) are marked in the title, lead, body and
 * captions (<mark class="bs-hit">) and the pane scrolls to the first one.
 *
 * Font size and line width are the custom properties --bs-reader-font-size and
 * --bs-reader-measure on this element.
 *
 * @fires bs-star-change - Star / Unstar was pressed ({ id, starred })
 * @fires bs-read-change - Mark as read / unread was pressed ({ id, read })
 * @fires bs-notice - a link could not be opened, or related articles could not be found
 * @fires bs-related-open - a related article was chosen ({ id })
 * @slot start - controls at the start of the toolbar (the app's "Back to the list", one pane at a time)
 * @slot tools - controls at the end of the toolbar (reader settings, help)
 */
@customElement('bs-reader')
export class BsReader extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--bs-bg, #fff);
        color: var(--bs-text, #1f1f1e);
        --bs-reader-font-size: 18px;
        --bs-reader-measure: 40em;
      }
      /*
       * One line. Where the app asks (--bs-toolbar-wrap: wrap, in narrow windows) a control that
       * does not fit even as an icon (wide system fonts, a big zoom) goes to a second line instead
       * of past the edge. Not by default: at 960 px the full toolbar uses some of its padding.
       */
      .bar {
        display: flex;
        flex-wrap: var(--bs-toolbar-wrap, nowrap);
        align-items: center;
        gap: 4px;
        min-height: var(--bs-bar-height, 52px);
        padding: 4px 12px;
        flex: none;
        border-bottom: 1px solid var(--bs-border, #e5e3de);
        container: bar / inline-size;
      }
      .bar .spacer {
        flex: 1;
      }
      /* A control never gets narrower than its content: the labels go first (below). */
      .bar .btn,
      ::slotted(*) {
        flex: none;
      }
      /*
       * Below this the action buttons keep their names but show only their icons. With labels
       * ("Unstar", "Mark as unread", "Open original") and the slotted reader settings and help
       * the bar needs about 700 px; the rest is room for wider system fonts. At 1280 px the pane
       * is narrower than this, at the app's minimum (960 px) icons only just fit.
       */
      @container bar (max-width: 760px) {
        .bar .label {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
          white-space: nowrap;
        }
        .bar .btn {
          padding-inline: 7px;
        }
      }
      .btn.starred svg {
        color: var(--bs-star, #c28a12);
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
        scroll-padding-top: 24px;
        container: page / inline-size;
      }
      /* A narrow pane (a narrow or zoomed window) keeps its words: smaller margins, not a thinner column. */
      @container page (max-width: 420px) {
        .scroll > :is(article, .related) {
          padding-inline: 20px;
        }
        .scroll > article {
          padding-top: 28px;
        }
      }
      .scroll:focus-visible {
        outline-offset: -3px;
      }
      article {
        box-sizing: content-box;
        max-width: var(--bs-reader-measure);
        margin: 0 auto;
        padding: 44px 40px 96px;
        font-family: var(--bs-font-reading, Georgia, serif);
        font-size: var(--bs-reader-font-size);
        line-height: 1.62;
        color: var(--bs-text, #1f1f1e);
        overflow-wrap: break-word;
      }
      header {
        margin-bottom: 1.6em;
      }
      .kicker {
        margin: 0 0 0.7em;
        font: 600 12px/1.3 var(--bs-font-ui, system-ui, sans-serif);
        letter-spacing: 0.09em;
        text-transform: uppercase;
        color: var(--bs-accent, #2c5d8f);
      }
      h1 {
        margin: 0 0 0.5em;
        font-family: var(--bs-font-reading, Georgia, serif);
        font-size: 2.05em;
        line-height: 1.16;
        font-weight: 700;
        letter-spacing: -0.01em;
        color: var(--bs-text-strong, #111);
        text-wrap: balance;
      }
      .byline {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.5em;
        margin: 0 0 1.4em;
        font: 13.5px/1.5 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-muted, #6a6864);
      }
      .byline .author {
        color: var(--bs-text, #1f1f1e);
        font-weight: 600;
      }
      .byline .sep {
        color: var(--bs-text-faint, #9a9791);
      }
      .lead {
        margin: 0;
        padding-bottom: 1.4em;
        border-bottom: 1px solid var(--bs-border, #e5e3de);
        font-size: 1.14em;
        line-height: 1.55;
        color: var(--bs-text-strong, #111);
      }
      .body :is(p, ul, ol, blockquote, pre, table, figure) {
        margin: 0 0 1.05em;
      }
      .body :is(h1, h2, h3, h4, h5, h6) {
        margin: 1.8em 0 0.5em;
        font-family: var(--bs-font-reading, Georgia, serif);
        line-height: 1.25;
        color: var(--bs-text-strong, #111);
        text-wrap: balance;
      }
      .body :is(h1, h2) {
        font-size: 1.3em;
      }
      .body h3 {
        font-size: 1.12em;
      }
      .body :is(h4, h5, h6) {
        font-size: 1em;
      }
      /* a[href] only: an <a> whose address the sanitiser removed leads nowhere and must not look like a link */
      .body a[href] {
        color: var(--bs-accent, #2c5d8f);
        text-decoration-thickness: 1px;
        text-underline-offset: 0.15em;
        cursor: pointer;
      }
      .body blockquote {
        margin-inline: 0;
        padding-inline-start: 1em;
        border-inline-start: 3px solid var(--bs-border-strong, #d3d0c9);
        color: var(--bs-text-muted, #6a6864);
        font-style: italic;
      }
      .body :is(ul, ol) {
        padding-inline-start: 1.4em;
      }
      .body li + li {
        margin-top: 0.3em;
      }
      .body :is(code, pre) {
        font-family: var(--bs-font-mono, monospace);
        font-size: 0.85em;
      }
      .body pre {
        padding: 0.8em 1em;
        overflow-x: auto;
        background: var(--bs-placeholder-bg, #f1efea);
        border-radius: var(--bs-radius-s, 4px);
      }
      .body table {
        border-collapse: collapse;
        font: 0.8em/1.45 var(--bs-font-ui, system-ui, sans-serif);
        display: block;
        overflow-x: auto;
      }
      .body :is(td, th) {
        padding: 0.35em 0.7em;
        border-bottom: 1px solid var(--bs-border, #e5e3de);
        text-align: start;
      }
      .body hr {
        border: 0;
        border-top: 1px solid var(--bs-border, #e5e3de);
        margin: 2em 0;
      }
      .body img {
        max-width: 100%;
        height: auto;
      }
      .body figure {
        margin: 1.8em 0;
      }
      .body figure img {
        display: block;
        width: 100%;
        height: auto;
        border-radius: 3px;
        background: var(--bs-placeholder-bg, #f1efea);
        cursor: zoom-in;
      }
      .body figure img:focus-visible {
        outline-offset: 3px;
      }
      .body .placeholder {
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: 7.5em;
        border-radius: 3px;
        background: var(--bs-placeholder-bg, #f1efea);
        background-image: repeating-linear-gradient(
          135deg,
          transparent 0 10px,
          var(--bs-placeholder-line, #e4e1da) 10px 11px
        );
      }
      .body .placeholder-note {
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--bs-placeholder-bg, #f1efea);
        font: 12px/1.4 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-faint, #9a9791);
      }
      .body figcaption {
        margin-top: 0.65em;
        padding-inline-start: 0.75em;
        border-inline-start: 2px solid var(--bs-border-strong, #d3d0c9);
        font: 0.74em/1.5 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-muted, #6a6864);
      }
      .body mark,
      mark.bs-hit {
        background: var(--bs-mark-bg, #fbe7a1);
        color: var(--bs-mark-text, inherit);
        border-radius: 2px;
        box-shadow: 0 0 0 1px var(--bs-mark-bg, #fbe7a1);
      }
      mark.bs-hit.first {
        background: var(--bs-mark-strong-bg, #f6d86b);
        box-shadow: 0 0 0 1px var(--bs-mark-strong-bg, #f6d86b);
      }
      article.with-related {
        padding-bottom: 8px;
      }
      .related {
        box-sizing: content-box;
        max-width: var(--bs-reader-measure);
        margin: 0 auto;
        padding: 0 40px 88px;
        font-size: var(--bs-reader-font-size);
      }
      .related h2 {
        margin: 0;
        padding: 0.9em 0 0.35em;
        border-top: 2px solid var(--bs-text-strong, #111);
        font: 700 12px/1.3 var(--bs-font-ui, system-ui, sans-serif);
        letter-spacing: 0.09em;
        text-transform: uppercase;
        color: var(--bs-text-strong, #111);
      }
      .related ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .related li + li {
        border-top: 1px solid var(--bs-border, #e5e3de);
      }
      .related a {
        display: flex;
        flex-direction: column;
        gap: 3px;
        padding: 0.7em 0;
        color: inherit;
        text-decoration: none;
        cursor: pointer;
      }
      .related a:focus-visible {
        outline-offset: 2px;
      }
      .related .title {
        font: 600 0.9em/1.3 var(--bs-font-reading, Georgia, serif);
        color: var(--bs-text-strong, #111);
        text-wrap: pretty;
      }
      .related a:hover .title {
        color: var(--bs-accent, #2c5d8f);
        text-decoration: underline;
        text-decoration-thickness: 1px;
        text-underline-offset: 0.15em;
      }
      .related .meta {
        display: flex;
        gap: 0.5em;
        font: 12px/1.4 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-muted, #6a6864);
      }
      .related .source {
        font-weight: 600;
        letter-spacing: 0.02em;
      }
      .attribution {
        margin: 2em 0 0;
        font-style: italic;
        color: var(--bs-text-muted, #6a6864);
      }
      .empty {
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        gap: 10px;
        height: 100%;
        padding: 24px;
        text-align: center;
        color: var(--bs-text-faint, #9a9791);
        font-size: 14px;
      }
      .empty p {
        margin: 0;
      }
      .empty.error {
        color: var(--bs-danger, #a3292c);
      }
      /* Printing: the article, not the toolbar or the related list; the pane grows to the article's length. */
      @media print {
        :host {
          display: block;
        }
        .bar,
        .related {
          display: none;
        }
        .scroll {
          overflow: visible;
        }
        article {
          max-width: none;
          padding: 0;
        }
        figure,
        img,
        blockquote,
        pre {
          break-inside: avoid;
        }
        h1,
        h2,
        h3 {
          break-after: avoid;
        }
      }
      /* Forced colours: marks in the system's Mark colours; the one scrolled to keeps a ring (no shadows there). */
      @media (forced-colors: active) {
        .body mark,
        mark.bs-hit,
        mark.bs-hit.first {
          background: Mark;
          color: MarkText;
        }
        mark.bs-hit.first {
          outline: 2px solid CanvasText;
          outline-offset: 1px;
        }
      }
    `,
  ];

  @consume({ context: bridgeContext }) private bridge!: BroadsheetBridge;

  /** The article to show; null shows a quiet hint. */
  @property({ attribute: false }) article: ArticleView | null = null;
  /** Set while an article loads (the previous one stays in view until the next arrives). */
  @property({ type: Boolean }) loading = false;
  /** A one-line reason when the article could not be loaded. */
  @property() error: string | null = null;
  /** Reader font size in CSS pixels. */
  @property({ type: Number }) fontSize = 18;
  @property() lineWidth: LineWidth = 'medium';
  /** Words of the search the article was opened from, to mark; empty when it was not. */
  @property({ attribute: false }) highlight: readonly SearchTerm[] = [];

  /** Related articles of the article on screen (empty until they arrive, and when there are none). */
  @state() private related: RelatedArticle[] = [];

  @query('.scroll') private scroller?: HTMLElement;
  @query('bs-lightbox') private lightbox?: BsLightbox;

  private bodyCache: { key: ArticleView; terms: string; html: string } | null = null;
  private relatedTimer?: ReturnType<typeof setTimeout>;
  private relatedFor: number | null = null;

  override disconnectedCallback(): void {
    clearTimeout(this.relatedTimer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fontSize')) this.style.setProperty('--bs-reader-font-size', `${this.fontSize}px`);
    if (changed.has('lineWidth')) this.style.setProperty('--bs-reader-measure', MEASURE[this.lineWidth] ?? MEASURE.medium);
    if (changed.has('article') && this.article?.id !== this.relatedFor) this.loadRelatedSoon();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const previous = changed.get('article') as ArticleView | null | undefined;
    const newArticle = changed.has('article') && previous?.id !== this.article?.id;
    const newTerms = changed.has('highlight') && termsKey(changed.get('highlight') ?? []) !== termsKey(this.highlight);
    if (newArticle) this.scroller?.scrollTo({ top: 0 });
    if ((newArticle || newTerms) && this.highlight.length) this.revealFirstHit();
  }

  /** Scrolls the first marked word to about a third of the way down the pane. */
  private revealFirstHit(): void {
    const scroller = this.scroller;
    const first = this.renderRoot.querySelector<HTMLElement>(`article mark.${HIT_CLASS}`);
    if (!scroller || !first) return;
    const offset = first.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    // A match near the top (the title, the lead) is seen from the start: no need to move.
    if (offset <= scroller.clientHeight * 0.6) return;
    scroller.scrollTo({ top: Math.max(0, scroller.scrollTop + offset - scroller.clientHeight / 3) });
    // Deeper down, the one scrolled to stands out from the rest (as a browser's find does).
    first.classList.add('first');
  }

  private loadRelatedSoon(): void {
    clearTimeout(this.relatedTimer);
    const id = this.article?.id ?? null;
    this.relatedFor = id;
    this.related = [];
    if (id === null) return;
    this.relatedTimer = setTimeout(() => {
      this.bridge.invoke('related', { id, limit: RELATED_LIMIT }).then(
        (related) => {
          if (this.relatedFor === id) this.related = related.filter((r) => r.id !== id).slice(0, RELATED_LIMIT);
        },
        (err: unknown) => {
          if (this.relatedFor === id) fire(this, 'bs-notice', { kind: 'error', message: `Could not find related articles: ${messageOf(err)}` });
        },
      );
    }, RELATED_DELAY_MS);
  }

  /** How far down the open article the pane is, from 0 to 1 (bs-app keeps it across restarts). */
  get readingPosition(): number {
    const el = this.scroller;
    const room = el && this.article ? el.scrollHeight - el.clientHeight : 0;
    return room > 0 ? Math.min(1, el!.scrollTop / room) : 0;
  }

  /** Back to a readingPosition, once the article on its way in has rendered. */
  async restorePosition(position: number): Promise<void> {
    await this.updateComplete;
    const el = this.scroller;
    if (el && position > 0) el.scrollTo({ top: position * (el.scrollHeight - el.clientHeight) });
  }

  /**
   * Scrolls the article by about a screen (Space / Shift+Space from anywhere): smoothly, or in
   * one step when the person asks for reduced motion.
   */
  scrollPage(direction: 1 | -1): void {
    const el = this.scroller;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (el) el.scrollBy({ top: direction * (el.clientHeight - 60), behavior: reduce ? 'instant' : 'smooth' });
  }

  get lightboxOpen(): boolean {
    return Boolean(this.lightbox?.open);
  }

  private bodyHtml(article: ArticleView): string {
    const terms = termsKey(this.highlight);
    if (this.bodyCache?.key !== article || this.bodyCache.terms !== terms) {
      let html = prepareBodyHtml(article, (h, v) => this.bridge.imageUrl(h, v));
      if (this.highlight.length) {
        // Marked in the inert, parsed body (captions included) before it is shown: text nodes
        // are split and wrapped, the markup itself is never edited as a string.
        const tpl = document.createElement('template');
        tpl.innerHTML = html;
        highlightMatches(tpl.content, this.highlight);
        html = tpl.innerHTML;
      }
      this.bodyCache = { key: article, terms, html };
    }
    return this.bodyCache.html;
  }

  /** A short text (title, lead) with the search's words in <mark class="bs-hit">. */
  private marked(text: string) {
    if (!this.highlight.length) return text;
    return splitMatches(text, this.highlight).map(([piece, hit]) => (hit ? html`<mark class=${HIT_CLASS}>${piece}</mark>` : piece));
  }

  private onBodyClick(e: MouseEvent): void {
    const target = e.target as Element;
    const link = target.closest('a');
    if (link) {
      e.preventDefault();
      if (e.type === 'click' || e.button === 1) this.followLink(link);
      return;
    }
    if (e.type === 'click' && target.localName === 'img' && target.hasAttribute('data-zoom')) this.zoom(target as HTMLImageElement);
  }

  private onBodyKey(e: KeyboardEvent): void {
    const target = e.target as Element;
    if ((e.key === 'Enter' || e.key === ' ') && target.localName === 'img' && target.hasAttribute('data-zoom')) {
      e.preventDefault();
      e.stopPropagation();
      this.zoom(target as HTMLImageElement);
    }
  }

  /** `error` does not bubble: caught on the way down, it swaps a picture that failed for a placeholder. */
  private readonly onImageError = {
    capture: true,
    handleEvent: (e: Event) => {
      const img = e.target as Element;
      if (img.localName === 'img') img.replaceWith(createPlaceholder(img.getAttribute('alt') ?? ''));
    },
  };

  private zoom(img: HTMLImageElement): void {
    const caption = img.closest('figure')?.querySelector('figcaption')?.textContent?.trim() ?? '';
    void this.lightbox?.show({ src: img.currentSrc || img.src, alt: img.alt, caption });
  }

  private followLink(link: HTMLAnchorElement): void {
    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) {
      const id = decodeURIComponent(href.slice(1));
      this.renderRoot.querySelector(`[id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'start' });
      return;
    }
    if (href) this.openExternal(href);
  }

  private openExternal(url: string): void {
    this.bridge.invoke('openExternal', { url }).then(
      (r) => {
        if (!r.opened) fire(this, 'bs-notice', { kind: 'info', message: `The link was not opened: ${url}` });
      },
      (err: unknown) => fire(this, 'bs-notice', { kind: 'error', message: `Could not open ${url}: ${messageOf(err)}` }),
    );
  }

  override render() {
    const a = this.article;
    return html`
      <div class="bar" role="toolbar" aria-label="Article">
        <slot name="start"></slot>
        ${a
          ? html`
              <button
                class="btn ${a.isStarred ? 'starred' : ''}"
                @click=${() => fire(this, 'bs-star-change', { id: a.id, starred: !a.isStarred })}
                title="${a.isStarred ? 'Unstar' : 'Star'} (s)"
              >
                ${a.isStarred ? icons.starFilled : icons.star}<span class="label">${a.isStarred ? 'Unstar' : 'Star'}</span>
              </button>
              <button
                class="btn"
                @click=${() => fire(this, 'bs-read-change', { id: a.id, read: !a.isRead })}
                title="${a.isRead ? 'Mark as unread' : 'Mark as read'} (m)"
              >
                ${a.isRead ? icons.circle : icons.circleFilled}<span class="label">${a.isRead ? 'Mark as unread' : 'Mark as read'}</span>
              </button>
              ${a.url && /^https?:/i.test(a.url)
                ? html`<button class="btn" title="Open original" @click=${() => this.openExternal(a.url!)}>
                    ${icons.external}<span class="label">Open original</span>
                  </button>`
                : nothing}
              <button class="btn icon delete" aria-label="Delete" title="Delete (Delete key)" @click=${() => fire(this, 'bs-article-delete', { id: a.id, title: a.title })}>
                ${icons.trash}
              </button>
            `
          : nothing}
        <span class="spacer"></span>
        <slot name="tools"></slot>
      </div>
      <div class="scroll" role=${a ? 'region' : nothing} aria-label=${a ? 'Reader' : nothing} tabindex=${a ? '0' : '-1'}>
        ${this.error
          ? html`<div class="empty error" role="alert"><p>Could not open the article: ${this.error}</p></div>`
          : a
            ? html`${this.renderArticle(a)}${this.renderRelated()}`
            : html`<div class="empty">
                <p>${this.loading ? 'Opening…' : 'Choose an article to read.'}</p>
                ${this.loading ? nothing : html`<p><kbd>j</kbd> <kbd>k</kbd> move through the list · <kbd>?</kbd> all shortcuts</p>`}
              </div>`}
      </div>
      <bs-lightbox></bs-lightbox>
    `;
  }

  private renderArticle(a: ArticleView) {
    const when = a.publishedAt ?? a.savedAt;
    const attribution = a.attribution?.trim().replace(/^\((.*)\)$/s, '$1').trim();
    const meta = [
      a.author ? html`<span>By <span class="author" dir="auto">${a.author}</span></span>` : null,
      html`<span>${a.publishedAt === null ? 'Saved ' : ''}<time datetime=${new Date(when).toISOString()}>${formatLongDate(when)}</time></span>`,
      html`<span>${readingMinutes(a.wordCount)} min read</span>`,
    ].filter((x) => x !== null);
    return html`<article aria-labelledby="article-title" class=${this.related.length ? 'with-related' : ''}>
      <header>
        ${a.source ? html`<p class="kicker" dir="auto">${a.source}</p>` : nothing}
        <h1 id="article-title" dir="auto" lang=${a.lang ?? nothing}>${this.marked(a.title)}</h1>
        <p class="byline">${meta.map((m, i) => html`${i ? html`<span class="sep" aria-hidden="true">·</span>` : nothing}${m}`)}</p>
        ${a.lead ? html`<p class="lead" dir="auto" lang=${a.lang ?? nothing}>${this.marked(a.lead)}</p>` : nothing}
      </header>
      <div class="body" dir="auto" lang=${a.lang ?? nothing} @click=${this.onBodyClick} @auxclick=${this.onBodyClick} @keydown=${this.onBodyKey} @error=${this.onImageError}>
        ${unsafeHTML(this.bodyHtml(a))}
      </div>
      ${attribution
        ? html`<p class="attribution" dir="auto">
            ${/^according to\b/i.test(attribution) ? `(${attribution})` : `(According to ${attribution})`}
          </p>`
        : nothing}
    </article>`;
  }

  private renderRelated() {
    if (!this.related.length) return nothing;
    return html`<nav class="related" aria-labelledby="related-title">
      <h2 id="related-title">Related articles</h2>
      <ul>
        ${this.related.map(
          (r) => html`<li>
            <a
              href="#article-${r.id}"
              @click=${(e: MouseEvent) => {
                e.preventDefault();
                fire(this, 'bs-related-open', { id: r.id });
              }}
            >
              <span class="title" dir="auto">${r.title}</span>
              ${r.source || r.publishedAt !== null
                ? html`<span class="meta">
                    ${r.source ? html`<span class="source" dir="auto">${r.source}</span>` : nothing}
                    ${r.publishedAt !== null ? html`<span>${formatShortDate(r.publishedAt)}</span>` : nothing}
                  </span>`
                : nothing}
            </a>
          </li>`,
        )}
      </ul>
    </nav>`;
  }
}

function termsKey(terms: readonly SearchTerm[]): string {
  return terms.map((t) => `${t.text}${t.prefix ? '*' : ''}`).join(' ');
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-reader': BsReader;
  }
}
