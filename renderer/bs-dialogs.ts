import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { messageOf } from './events.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

/** The look of every small modal dialog (the shortcuts overlay has the same frame). */
const dialogStyles = css`
  dialog {
    width: min(460px, 92vw);
    padding: 20px 22px 18px;
    border: 1px solid var(--bs-border, #e5e3de);
    border-radius: var(--bs-radius-m, 8px);
    background: var(--bs-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    box-shadow: var(--bs-shadow);
    font: 14px/1.45 var(--bs-font-ui, system-ui, sans-serif);
  }
  dialog::backdrop {
    background: var(--bs-backdrop, rgb(20 20 18 / 0.55));
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    margin-bottom: 12px;
  }
  h2 {
    margin: 0;
    font: 700 17px/1.3 var(--bs-font-reading, Georgia, serif);
    color: var(--bs-text-strong, #111);
  }
  p {
    margin: 0 0 12px;
  }
  label {
    display: block;
    margin-bottom: 6px;
    font-weight: 600;
    font-size: 13px;
  }
  input {
    width: 100%;
    height: 34px;
    padding: 0 10px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-radius: 6px;
    background: var(--bs-field-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    font: 14px/1 var(--bs-font-ui, system-ui, sans-serif);
  }
  input:focus-visible {
    outline-offset: 0;
    border-color: var(--bs-focus-ring, #3b7bd0);
  }
  input[aria-invalid='true'] {
    border-color: var(--bs-danger, #a3292c);
  }
  .hint {
    margin: 6px 0 0;
    font-size: 12.5px;
    color: var(--bs-text-muted, #6a6864);
  }
  .line {
    min-height: 1.45em;
    margin: 10px 0 0;
    font-size: 13px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .line.error {
    color: var(--bs-danger, #a3292c);
  }
  .line.busy {
    color: var(--bs-text-muted, #6a6864);
  }
  .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 14px;
  }
  .btn.danger {
    background: var(--bs-danger, #a3292c);
    border-color: var(--bs-danger, #a3292c);
    color: #fff;
  }
  .spinner {
    display: inline-block;
    width: 11px;
    height: 11px;
    margin-inline-end: 6px;
    vertical-align: -1px;
    border: 1.5px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;

/**
 * A modal dialog asking for one web address: "Add feed" and "Save a web page". The app gives it
 * `submit`, which does the work and rejects with a sentence when it fails. While it runs the
 * dialog says `busyText` ("Subscribing…"); a failure shows its one line in the dialog, which stays
 * open with the address kept; success closes it and fires `done` (the app then moves the focus to
 * what it shows: closing a dialog gives the focus back to the button that opened it).
 */
@customElement('bs-url-dialog')
export class BsUrlDialog extends LitElement {
  static override styles = [sharedStyles, dialogStyles];

  /** The dialog's name (its heading). */
  @property() heading = '';
  @property() label = 'Address';
  @property() action = 'OK';
  @property() busyText = 'Working…';
  @property() hint = '';
  @property() placeholder = 'https://';
  /** Does the work; rejects with the reason to show. */
  @property({ attribute: false }) submit: (url: string) => Promise<void> = async () => {};

  @state() private busy = false;
  @state() private error: string | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input') private input!: HTMLInputElement;

  get open(): boolean {
    return Boolean(this.dialog?.open);
  }

  async show(): Promise<void> {
    await this.updateComplete;
    if (this.dialog.open) return;
    this.error = null;
    this.input.value = '';
    this.dialog.showModal();
    this.input.focus();
  }

  close(): void {
    this.dialog?.close();
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const url = this.input.value.trim();
    if (!url) {
      this.error = 'Type or paste an address.';
      this.input.focus();
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      await this.submit(url);
      this.close();
      this.dispatchEvent(new Event('done'));
    } catch (err) {
      this.error = messageOf(err);
      await this.updateComplete;
      this.input.focus();
    } finally {
      this.busy = false;
    }
  }

  private onCancel(e: Event): void {
    // Escape while the work runs would hide the outcome: wait for it.
    if (this.busy) e.preventDefault();
  }

  override render() {
    return html`<dialog aria-labelledby="title" @cancel=${this.onCancel}>
      <form method="dialog" @submit=${this.onSubmit} novalidate>
        <header>
          <h2 id="title">${this.heading}</h2>
          <button type="button" class="btn icon" aria-label="Close" ?disabled=${this.busy} @click=${() => this.close()}>${icons.close}</button>
        </header>
        <label for="address">${this.label}</label>
        <input
          id="address"
          type="text"
          inputmode="url"
          autocomplete="off"
          spellcheck="false"
          maxlength="8192"
          placeholder=${this.placeholder}
          aria-invalid=${this.error ? 'true' : 'false'}
          aria-describedby=${this.hint ? 'error hint' : 'error'}
          ?readonly=${this.busy}
        />
        ${this.hint ? html`<p class="hint" id="hint">${this.hint}</p>` : nothing}
        <p class="line ${this.error ? 'error' : this.busy ? 'busy' : ''}">
          <span id="error" role="alert" title=${this.error ?? ''}>${this.error ?? nothing}</span>
          <span role="status">${!this.error && this.busy ? html`<span class="spinner" aria-hidden="true"></span>${this.busyText}` : nothing}</span>
        </p>
        <div class="buttons">
          <button type="button" class="btn outlined" ?disabled=${this.busy} @click=${() => this.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this.busy}>${this.action}</button>
        </div>
      </form>
    </dialog>`;
  }
}

/**
 * A modal question with one consequential answer ("Remove feed?"). `confirm()` resolves true when
 * the person pressed the action button, false on Cancel or Escape.
 */
@customElement('bs-confirm-dialog')
export class BsConfirmDialog extends LitElement {
  static override styles = [sharedStyles, dialogStyles];

  @state() private heading = '';
  @state() private text = '';
  @state() private action = 'OK';
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve: ((ok: boolean) => void) | null = null;

  async confirm(opts: { heading: string; text: string; action: string }): Promise<boolean> {
    this.resolve?.(false);
    this.heading = opts.heading;
    this.text = opts.text;
    this.action = opts.action;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector<HTMLButtonElement>('button.cancel')?.focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private done(ok: boolean): void {
    const resolve = this.resolve;
    this.resolve = null;
    this.dialog.close();
    resolve?.(ok);
  }

  override render() {
    return html`<dialog aria-labelledby="title" aria-describedby="text" @close=${() => this.resolve && this.done(false)}>
      <header><h2 id="title">${this.heading}</h2></header>
      <p id="text">${this.text}</p>
      <div class="buttons">
        <button class="btn outlined cancel" @click=${() => this.done(false)}>Cancel</button>
        <button class="btn danger" @click=${() => this.done(true)}>${this.action}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-url-dialog': BsUrlDialog;
    'bs-confirm-dialog': BsConfirmDialog;
  }
}
