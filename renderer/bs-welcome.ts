import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { BroadsheetBridge, ImportResult } from '../preload/api.js';
import { bridgeContext } from './context.js';
import { fire, messageOf } from './events.js';
import { icons } from './icons.js';
import { IMPORT_ACCEPT, importChosenFiles, summarizeImport } from './import-files.js';
import { sharedStyles } from './shared-styles.js';

/**
 * The first screen of an empty library (a region named "Welcome to Broadsheet"): what the app
 * does, an "Import files…" button (a file picker for .txt, .md, .markdown, .html, .htm) with one
 * result line per file, and "Add the sample article".
 *
 * @fires bs-library-change - articles were added ({ openId, result })
 * @fires bs-notice - the sample could not be added
 */
@customElement('bs-welcome')
export class BsWelcome extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        background: var(--bs-bg, #fff);
        color: var(--bs-text, #1f1f1e);
      }
      section {
        max-width: 36em;
        margin: 0 auto;
        padding: 12vh 40px 64px;
        font: 17px/1.6 var(--bs-font-reading, Georgia, serif);
      }
      .eyebrow {
        margin: 0 0 10px;
        font: 600 12px/1.3 var(--bs-font-ui, system-ui, sans-serif);
        letter-spacing: 0.09em;
        text-transform: uppercase;
        color: var(--bs-accent, #2c5d8f);
      }
      h1 {
        margin: 0 0 16px;
        font-size: 34px;
        line-height: 1.15;
        color: var(--bs-text-strong, #111);
      }
      p {
        margin: 0 0 14px;
      }
      ol {
        margin: 18px 0 26px;
        padding-inline-start: 1.3em;
      }
      li {
        margin-bottom: 8px;
      }
      code {
        font: 0.85em var(--bs-font-mono, monospace);
        padding: 1px 4px;
        border-radius: 3px;
        background: var(--bs-placeholder-bg, #f1efea);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
        margin: 8px 0 4px;
      }
      .actions .btn {
        min-height: 38px;
        padding: 6px 16px;
        font-size: 14px;
      }
      .hint {
        font: 13px/1.5 var(--bs-font-ui, system-ui, sans-serif);
        color: var(--bs-text-muted, #6a6864);
      }
      .results {
        margin: 22px 0 0;
        padding: 12px 14px;
        border: 1px solid var(--bs-border, #e5e3de);
        border-radius: var(--bs-radius-m, 8px);
        background: var(--bs-list-bg, #fbfbfa);
        font: 13px/1.5 var(--bs-font-ui, system-ui, sans-serif);
      }
      .results h2 {
        margin: 0 0 6px;
        font-size: 13px;
        font-weight: 600;
      }
      .results ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .results li {
        display: flex;
        gap: 8px;
        margin: 3px 0;
        overflow-wrap: anywhere;
      }
      .tag {
        flex: none;
        min-width: 5.6em;
        font-weight: 600;
      }
      .imported .tag {
        color: var(--bs-accent, #2c5d8f);
      }
      .duplicate .tag {
        color: var(--bs-text-muted, #6a6864);
      }
      .failed .tag {
        color: var(--bs-danger, #a3292c);
      }
      input[type='file'] {
        display: none;
      }
    `,
  ];

  @consume({ context: bridgeContext }) private bridge!: BroadsheetBridge;

  /** The last import's outcome, shown as one line per file. */
  @property({ attribute: false }) result: ImportResult | null = null;
  @state() private busy: 'import' | 'sample' | null = null;

  @query('input[type="file"]') private input!: HTMLInputElement;

  /** Opens the file picker (also used by the app's "Import files…" button). */
  pickFiles(): void {
    this.input.click();
  }

  private async onFiles(): Promise<void> {
    const files = [...(this.input.files ?? [])];
    this.input.value = '';
    if (!files.length) return;
    this.busy = 'import';
    try {
      const result = await importChosenFiles(this.bridge, files);
      this.result = result;
      const first = result.items.find((i) => i.status === 'imported' || i.status === 'duplicate');
      fire(this, 'bs-library-change', { openId: first && 'id' in first ? first.id : null, result });
    } finally {
      this.busy = null;
    }
  }

  private async addSample(): Promise<void> {
    this.busy = 'sample';
    try {
      const { id } = await this.bridge.invoke('addSample', {});
      fire(this, 'bs-library-change', { openId: id, result: null });
    } catch (err) {
      fire(this, 'bs-notice', { kind: 'error', message: `Could not add the sample article: ${messageOf(err)}` });
    } finally {
      this.busy = null;
    }
  }

  override render() {
    return html`<section aria-labelledby="welcome-title">
      <p class="eyebrow">Your library is empty</p>
      <h1 id="welcome-title">Welcome to Broadsheet</h1>
      <p>
        Broadsheet keeps the articles you save on this computer — the words, the pictures and their
        captions — so you can read them later with the network off, and find any of them again in
        an instant.
      </p>
      <ol>
        <li>Import articles you have saved as text, Markdown or web pages.</li>
        <li>Read them here, in a calm column, with every figure and caption in place.</li>
        <li>Press <code>/</code> to search everything you ever saved.</li>
      </ol>
      <div class="actions">
        <button class="btn primary" ?disabled=${this.busy !== null} @click=${() => this.pickFiles()}>
          ${icons.importFile}${this.busy === 'import' ? 'Importing…' : 'Import files…'}
        </button>
        <button class="btn outlined" ?disabled=${this.busy !== null} @click=${() => void this.addSample()}>
          Add the sample article
        </button>
      </div>
      <p class="hint">
        Files ending in .txt, .md, .markdown, .html or .htm. From a terminal:
        <code>broadsheet import FOLDER</code>.
      </p>
      <input
        type="file"
        multiple
        accept=${IMPORT_ACCEPT}
        aria-label="Article files"
        tabindex="-1"
        @change=${() => void this.onFiles()}
      />
      <div role="status" aria-live="polite">${this.result ? this.renderResult(this.result) : nothing}</div>
    </section>`;
  }

  private renderResult(r: ImportResult) {
    return html`<div class="results">
      <h2>${summarizeImport(r)}</h2>
      <ul>
        ${r.items.map(
          (i) => html`<li class=${i.status}>
            <span class="tag">${i.status}</span>
            <span dir="auto">${i.status === 'failed' ? `${i.name}: ${i.reason}` : `${i.title} (${i.name})`}</span>
          </li>`,
        )}
      </ul>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-welcome': BsWelcome;
  }
}
