import { LitElement, css, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/** What the keys do; <bs-app> implements them, this list explains them. */
export const SHORTCUTS: ReadonlyArray<[keys: string[], what: string]> = [
  [['j', '↓'], 'Next article'],
  [['k', '↑'], 'Previous article'],
  [['Enter', 'o'], 'Open the selected article'],
  [['1', '2', '3'], 'All articles, Unread, Starred'],
  [['Space'], 'Scroll the article (Shift+Space back)'],
  [['s'], 'Star or unstar'],
  [['m'], 'Mark as read or unread'],
  [['Shift+A'], 'Mark all in the list as read'],
  [['Delete'], 'Delete the article'],
  [['/'], 'Search'],
  [['r'], 'Refresh all feeds'],
  [['Ctrl+P'], 'Print the article, or save it as a PDF (⌘P on a Mac)'],
  [['Esc'], 'Close, leave the search, or back to the list (narrow windows)'],
  [['?'], 'Show these shortcuts'],
];

/**
 * The keyboard shortcuts overlay: a modal dialog named "Keyboard shortcuts". Escape or Close
 * closes it.
 */
@customElement('bs-shortcuts')
export class BsShortcuts extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(440px, 92vw);
        padding: 22px 24px 18px;
        border: 1px solid var(--bs-border, #e5e3de);
        border-radius: var(--bs-radius-m, 8px);
        background: var(--bs-bg, #fff);
        color: var(--bs-text, #1f1f1e);
        box-shadow: var(--bs-shadow);
      }
      dialog::backdrop {
        background: var(--bs-backdrop, rgb(20 20 18 / 0.55));
      }
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        margin-bottom: 14px;
      }
      h2 {
        margin: 0;
        font: 700 17px/1.3 var(--bs-font-reading, Georgia, serif);
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 9px 18px;
        margin: 0;
        font-size: 14px;
      }
      dt {
        display: flex;
        gap: 4px;
        justify-content: flex-end;
      }
      dd {
        margin: 0;
        align-self: center;
        color: var(--bs-text, #1f1f1e);
      }
      .note {
        margin: 16px 0 0;
        font-size: 12.5px;
        color: var(--bs-text-muted, #6a6864);
      }
    `,
  ];

  @query('dialog') private dialog!: HTMLDialogElement;

  get open(): boolean {
    return Boolean(this.dialog?.open);
  }

  async show(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close(): void {
    this.dialog?.close();
  }

  override render() {
    return html`<dialog aria-labelledby="shortcuts-title">
      <header>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button class="btn icon" aria-label="Close" @click=${() => this.close()}>${icons.close}</button>
      </header>
      <dl>
        ${SHORTCUTS.map(
          ([keys, what]) => html`<dt>${keys.map((k) => html`<kbd>${k}</kbd>`)}</dt>
            <dd>${what}</dd>`,
        )}
      </dl>
      <p class="note">Shortcuts pause while you type in a field.</p>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-shortcuts': BsShortcuts;
  }
}
