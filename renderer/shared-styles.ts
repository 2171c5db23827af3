import { css } from 'lit';

/** Focus rings, quiet buttons and the visually-hidden helper, shared by every element. */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus {
    outline: none;
  }
  :focus-visible {
    outline: 2px solid var(--bs-focus-ring, #3b7bd0);
    outline-offset: 2px;
    border-radius: var(--bs-radius-s, 4px);
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 30px;
    padding: 4px 10px;
    border: 1px solid transparent;
    border-radius: var(--bs-radius-s, 4px);
    background: transparent;
    color: var(--bs-text, #1f1f1e);
    font: 500 13px/1.2 var(--bs-font-ui, system-ui, sans-serif);
    cursor: pointer;
    white-space: nowrap;
    transition: background-color var(--bs-duration, 120ms), border-color var(--bs-duration, 120ms);
  }
  .btn:hover {
    background: var(--bs-hover, rgb(0 0 0 / 0.04));
  }
  .btn:active {
    background: var(--bs-border, #e5e3de);
  }
  .btn[disabled],
  .btn[aria-disabled='true'] {
    opacity: 0.45;
    cursor: default;
    background: transparent;
  }
  .btn.outlined {
    border-color: var(--bs-border-strong, #d3d0c9);
    background: var(--bs-field-bg, #fff);
  }
  .btn.outlined:hover {
    background: var(--bs-hover, rgb(0 0 0 / 0.04));
  }
  .btn.primary {
    background: var(--bs-accent, #2c5d8f);
    color: var(--bs-accent-text, #fff);
    border-color: var(--bs-accent, #2c5d8f);
  }
  .btn.primary:hover {
    filter: brightness(1.08);
  }
  .btn.icon {
    width: 30px;
    padding: 0;
    /* An icon button is as wide as its icon, or it shows nothing: a row never squeezes it. */
    flex: none;
  }
  .btn svg {
    width: 16px;
    height: 16px;
    flex: none;
  }
  select.field {
    min-height: 30px;
    padding: 3px 26px 3px 8px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-radius: var(--bs-radius-s, 4px);
    background-color: var(--bs-field-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    font: 13px/1.2 var(--bs-font-ui, system-ui, sans-serif);
    cursor: pointer;
  }
  kbd {
    display: inline-block;
    min-width: 1.6em;
    padding: 1px 5px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-bottom-width: 2px;
    border-radius: var(--bs-radius-s, 4px);
    background: var(--bs-field-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    font: 600 12px/1.4 var(--bs-font-ui, system-ui, sans-serif);
    text-align: center;
  }
  /*
   * Forced colours (Windows high contrast): the browser swaps the theme's colours for the
   * person's system colours, but not an SVG's, and every background becomes Canvas. So icons
   * follow the text around them, states that were a background (the current sidebar entry) or
   * a fade (unavailable buttons) use system colours, and focus rings are CanvasText.
   */
  @media (forced-colors: active) {
    /* !important: elements colour their icons with more specific rules (stars, warnings). */
    svg {
      color: inherit !important;
    }
    :focus-visible {
      outline-color: CanvasText;
    }
    .btn[disabled],
    .btn[aria-disabled='true'] {
      opacity: 1;
      color: GrayText;
      border-color: GrayText;
    }
    /* The current entry of a navigation list (the sidebar), as specific as the rule it replaces and more. */
    nav a[href][aria-current='page'] {
      /* Not adjusted, or the browser puts a Canvas backplate behind the HighlightText. */
      forced-color-adjust: none;
      background: Highlight;
      color: HighlightText;
    }
    nav a[href][aria-current='page'] * {
      color: inherit;
    }
    nav a[href][aria-current='page']:focus-visible {
      outline-color: HighlightText;
    }
  }
`;
