import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { DEFAULT_SETTINGS, type LineWidth, type Settings, type Theme } from '../preload/api.js';
import { fire } from './events.js';
import { sharedStyles } from './shared-styles.js';

export const FONT_SIZE_MIN = 12;
export const FONT_SIZE_MAX = 32;
const FONT_STEP = 1;

const THEMES: Array<[Theme, string]> = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
  ['sepia', 'Sepia'],
];
const WIDTHS: Array<[LineWidth, string]> = [
  ['narrow', 'Narrow'],
  ['medium', 'Medium'],
  ['wide', 'Wide'],
];

/**
 * Reader settings in the toolbar: Theme (select), "A− Smaller text" / "A+ Larger text" (buttons:
 * their names start with what they show, for voice control) and Line width (select). It only
 * reports changes; the app applies and saves them.
 *
 * @fires bs-settings-change - one setting changed (a partial Settings)
 */
@customElement('bs-settings')
export class BsSettings extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 6px;
        flex: none;
      }
      @container bar (max-width: 640px) {
        .size .value {
          display: none;
        }
      }
      .size {
        display: inline-flex;
        align-items: center;
        border: 1px solid var(--bs-border-strong, #d3d0c9);
        border-radius: var(--bs-radius-s, 4px);
        background: var(--bs-field-bg, #fff);
      }
      .size .btn {
        min-height: 28px;
        width: 32px;
        padding: 0;
        border-radius: 0;
        font-family: var(--bs-font-reading, Georgia, serif);
      }
      .size .btn.small {
        font-size: 12px;
      }
      .size .btn.large {
        font-size: 16px;
      }
      .size .value {
        min-width: 2.2em;
        text-align: center;
        font-size: 12px;
        font-variant-numeric: tabular-nums;
        color: var(--bs-text-muted, #6a6864);
        border-inline: 1px solid var(--bs-border, #e5e3de);
        line-height: 28px;
      }
      select.field {
        appearance: none;
        background-image: linear-gradient(45deg, transparent 50%, currentColor 50%),
          linear-gradient(135deg, currentColor 50%, transparent 50%);
        background-position:
          calc(100% - 13px) 52%,
          calc(100% - 9px) 52%;
        background-size: 4px 4px;
        background-repeat: no-repeat;
      }
    `,
  ];

  @property({ attribute: false }) settings: Settings = DEFAULT_SETTINGS;

  private change(patch: Partial<Settings>): void {
    fire(this, 'bs-settings-change', patch);
  }

  /**
   * At a limit the button says it is unavailable (aria-disabled) and does nothing, but stays
   * focusable: a disabled button would drop the keyboard focus of someone pressing it repeatedly.
   */
  private changeFontSize(size: number): void {
    const fontSize = Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, size));
    if (fontSize !== this.settings.fontSize) this.change({ fontSize });
  }

  override render() {
    const s = this.settings;
    return html`
      <select
        class="field"
        aria-label="Theme"
        title="Theme"
        .value=${s.theme}
        @change=${(e: Event) => this.change({ theme: (e.target as HTMLSelectElement).value as Theme })}
      >
        ${THEMES.map(([value, label]) => html`<option value=${value} ?selected=${value === s.theme}>${label}</option>`)}
      </select>
      <div class="size" role="group" aria-label="Text size">
        <button
          class="btn small"
          aria-label="A− Smaller text"
          title="Smaller text"
          aria-disabled=${s.fontSize <= FONT_SIZE_MIN ? 'true' : 'false'}
          @click=${() => this.changeFontSize(s.fontSize - FONT_STEP)}
        >A−</button>
        <span class="value" aria-live="polite" aria-label="Text size ${s.fontSize} pixels">${s.fontSize}</span>
        <button
          class="btn large"
          aria-label="A+ Larger text"
          title="Larger text"
          aria-disabled=${s.fontSize >= FONT_SIZE_MAX ? 'true' : 'false'}
          @click=${() => this.changeFontSize(s.fontSize + FONT_STEP)}
        >A+</button>
      </div>
      <select
        class="field"
        aria-label="Line width"
        title="Line width"
        .value=${s.lineWidth}
        @change=${(e: Event) => this.change({ lineWidth: (e.target as HTMLSelectElement).value as LineWidth })}
      >
        ${WIDTHS.map(([value, label]) => html`<option value=${value} ?selected=${value === s.lineWidth}>${label}</option>`)}
      </select>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bs-settings': BsSettings;
  }
}
