import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { icons } from './icons.js';
import { sharedStyles } from './shared-styles.js';

export interface LightboxPicture {
  src: string;
  alt: string;
  caption: string;
}

/**
 * A picture shown large with its caption, in a modal <dialog> (name: the caption, or
 * "Picture"). Escape, the Close button or a click outside the picture closes it; focus returns
 * to where it was.
 */
@customElement('bs-lightbox')
export class BsLightbox extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        max-width: min(96vw, 1600px);
        max-height: 96vh;
        padding: 0;
        border: 0;
        background: transparent;
        color: #f4f2ee;
        overflow: visible;
      }
      dialog::backdrop {
        background: rgb(10 10 10 / 0.82);
      }
      dialog[open] {
        animation: fade var(--bs-duration, 120ms) ease-out;
      }
      @keyframes fade {
        from {
          opacity: 0;
        }
      }
      figure {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 12px;
        margin: 0;
      }
      img {
        display: block;
        max-width: min(96vw, 1600px);
        max-height: calc(96vh - 90px);
        object-fit: contain;
        border-radius: 3px;
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
      }
      figcaption {
        max-width: 70ch;
        font: 14px/1.5 var(--bs-font-ui, system-ui, sans-serif);
        text-align: center;
        color: #e8e6e1;
      }
      .close {
        position: fixed;
        top: 14px;
        right: 14px;
        color: #f4f2ee;
        background: rgb(255 255 255 / 0.1);
      }
      .close:hover {
        background: rgb(255 255 255 / 0.2);
      }
    `,
  ];

  @state() private picture: LightboxPicture | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the lightbox on a picture. */
  async show(picture: LightboxPicture): Promise<void> {
    this.picture = picture;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close(): void {
    this.dialog?.close();
  }

  get open(): boolean {
    return Boolean(this.dialog?.open);
  }

  override render() {
    const p = this.picture;
    return html`<dialog
      aria-label=${p?.caption || p?.alt || 'Picture'}
      @click=${(e: MouseEvent) => {
        // Clicks on the backdrop land on the dialog itself.
        if (e.target === this.dialog || (e.target as Element).localName === 'figure') this.close();
      }}
      @close=${() => (this.picture = null)}
    >
      ${p
        ? html`<figure>
            <img src=${p.src} alt=${p.alt} />
            ${p.caption ? html`<figcaption dir="auto">${p.caption}</figcaption>` : nothing}
          </figure>`
        : nothing}
      <button class="btn icon close" aria-label="Close" @click=${() => this.close()}>${icons.close}</button>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-lightbox': BsLightbox;
  }
}
