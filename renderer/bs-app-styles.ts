import { css } from 'lit';

/**
 * The window's layout and chrome (<bs-app>): the three panes, the toolbar, the notices, and how
 * they rearrange in narrow windows (the drawer below 960 px, one pane below 720 px). Kept apart
 * from bs-app.ts, which is about behaviour; the panes style themselves.
 */
export const appStyles = css`
  :host {
    display: block;
    height: 100%;
    /* Nothing ever scrolls the window sideways, not even a control focused past its edge. */
    overflow: clip;
  }
  .layout {
    display: grid;
    grid-template-columns: var(--bs-sidebar-width, 232px) var(--bs-list-width, 380px) minmax(0, 1fr);
    height: 100%;
  }
  .layout.welcome {
    grid-template-columns: var(--bs-sidebar-width, 232px) minmax(0, 1fr);
  }
  @media (max-width: 1100px) {
    .layout {
      grid-template-columns: 196px 320px minmax(0, 1fr);
    }
    .layout.welcome {
      grid-template-columns: 196px minmax(0, 1fr);
    }
  }
  /*
   * Narrow windows (see LayoutMode). Below 960 px the library is a drawer over the window; the
   * list gets narrower before the reader does. Below 720 px the list and the reader share the
   * whole window, the one not shown hidden (not removed: the list keeps its place and rows).
   */
  .layout.drawer {
    grid-template-columns: min(320px, 40%) minmax(0, 1fr);
  }
  .layout.drawer.welcome,
  .layout.single {
    grid-template-columns: minmax(0, 1fr);
  }
  .layout.single > :is(.list-pane, bs-reader) {
    grid-area: 1 / 1;
  }
  .layout.single > .list-pane {
    border-right: 0;
  }
  /*
   * The pane shown covers the other, which is hidden a moment later: focus moves from one to
   * the other first (from a hidden element it would be lost, and come back with a keyboard
   * focus ring after a click).
   */
  .layout.single:not(.reading) > .list-pane,
  .layout.single.reading > bs-reader {
    z-index: 1;
  }
  .layout.single.reading > .list-pane,
  .layout.single:not(.reading) > bs-reader {
    visibility: hidden;
    transition: visibility 0s linear 0.1s;
  }
  .layout.drawer > bs-sidebar {
    position: fixed;
    z-index: 20;
    inset-block: 0;
    inset-inline-start: 0;
    width: min(300px, calc(100vw - 48px));
    box-shadow: var(--bs-shadow);
    visibility: hidden;
    transform: translateX(-100%);
    transition:
      transform var(--bs-duration, 120ms) ease-out,
      visibility 0s linear var(--bs-duration, 120ms);
  }
  .layout.drawer-open > bs-sidebar {
    visibility: visible;
    transform: none;
    transition: transform var(--bs-duration, 120ms) ease-out;
  }
  .scrim {
    position: fixed;
    inset: 0;
    z-index: 19;
    background: var(--bs-backdrop, rgb(20 20 18 / 0.55));
  }
  /* The reader's toolbar may wrap here (where the app asks it to), never cut a control off. */
  .layout.drawer > bs-reader {
    --bs-toolbar-wrap: wrap;
  }
  .search .library {
    margin-inline: -4px 8px;
  }
  .welcome-pane .bar .library {
    margin-inline-end: auto;
  }
  .back {
    padding-inline: 8px 10px;
  }
  @media (width < 420px) {
    .back .more {
      display: none;
    }
  }
  .options-button {
    anchor-name: --bs-reading-options;
    font: 600 14px/1 var(--bs-font-reading, Georgia, serif);
  }
  /* Reading options in a narrow window: a panel under its button, flipped up or over when there is no room. */
  .options-panel {
    position-anchor: --bs-reading-options;
    inset: auto;
    top: anchor(bottom);
    right: anchor(right);
    position-try-fallbacks: flip-block, flip-inline;
    margin: 6px 0;
    padding: 14px 14px 10px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-radius: var(--bs-radius-m, 8px);
    background: var(--bs-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    box-shadow: var(--bs-shadow);
  }
  @supports not (anchor-name: --a) {
    .options-panel {
      top: 56px;
      right: 8px;
    }
  }
  .options-panel:popover-open {
    display: grid;
    grid-template-columns: auto auto;
    gap: 10px 14px;
  }
  .options-panel .labels {
    display: grid;
    grid-auto-rows: 30px;
    row-gap: 8px;
    align-items: center;
    font-size: 13px;
    color: var(--bs-text-muted, #6a6864);
  }
  .options-panel bs-settings {
    flex-direction: column;
    align-items: flex-start;
    gap: 8px;
  }
  .options-panel .shortcuts {
    grid-column: 1 / -1;
    justify-content: flex-start;
    margin-inline: -8px;
    color: var(--bs-text-muted, #6a6864);
  }
  .list-pane {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
    background: var(--bs-list-bg, #fbfbfa);
    border-right: 1px solid var(--bs-border, #e5e3de);
  }
  .search {
    display: flex;
    align-items: center;
    height: var(--bs-bar-height, 52px);
    padding: 0 12px;
    flex: none;
    border-bottom: 1px solid var(--bs-border, #e5e3de);
  }
  .search label {
    position: relative;
    display: flex;
    align-items: center;
    width: 100%;
  }
  .search svg {
    position: absolute;
    left: 9px;
    width: 15px;
    height: 15px;
    color: var(--bs-text-faint, #9a9791);
    pointer-events: none;
  }
  .search input {
    width: 100%;
    height: 32px;
    padding: 0 10px 0 30px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-radius: 6px;
    background: var(--bs-field-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    font: 13.5px/1 var(--bs-font-ui, system-ui, sans-serif);
  }
  .search input::placeholder {
    color: var(--bs-text-faint, #9a9791);
  }
  .search input:focus-visible {
    outline-offset: 0;
    border-color: var(--bs-focus-ring, #3b7bd0);
  }
  .list-heading {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 8px;
    padding: 14px 16px 8px;
    flex: none;
    border-bottom: 1px solid var(--bs-border, #e5e3de);
  }
  .list-heading h2 {
    margin: 0;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font: 700 17px/1.25 var(--bs-font-reading, Georgia, serif);
    color: var(--bs-text-strong, #111);
  }
  .list-heading span {
    flex: none;
    font-size: 12px;
    color: var(--bs-text-muted, #6a6864);
    font-variant-numeric: tabular-nums;
  }
  .list-heading.results {
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-start;
    row-gap: 2px;
    padding-block: 9px 7px;
    min-height: 47px;
  }
  .list-heading.results .total {
    flex: 1;
    min-width: 0;
  }
  .list-heading .save {
    min-height: 26px;
    margin-inline-end: -6px;
    padding: 2px 8px;
    font-size: 12.5px;
    color: var(--bs-text-muted, #6a6864);
  }
  .list-heading .save:not([aria-disabled='true']) {
    color: var(--bs-accent, #2c5d8f);
  }
  .list-heading .save[aria-disabled='true'] {
    cursor: default;
  }
  .list-heading .save svg {
    width: 14px;
    height: 14px;
  }
  .list-heading .ranked {
    flex-basis: 100%;
    margin: 0;
    font-size: 11.5px;
    line-height: 1.35;
    color: var(--bs-text-faint, #9a9791);
  }
  bs-article-list {
    flex: 1;
    min-height: 0;
  }
  .welcome-pane {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--bs-bg, #fff);
  }
  .welcome-pane .bar {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 4px;
    height: var(--bs-bar-height, 52px);
    padding: 0 12px;
    flex: none;
  }
  bs-welcome {
    flex: 1;
    min-height: 0;
  }
  .help {
    font: 600 14px/1 var(--bs-font-ui, system-ui, sans-serif);
  }
  .import {
    width: 100%;
    justify-content: flex-start;
    color: var(--bs-text-muted, #6a6864);
  }
  .notices {
    position: fixed;
    left: 50%;
    bottom: 18px;
    transform: translateX(-50%);
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 8px;
    max-width: min(680px, 92vw);
    pointer-events: none;
    /* Above the library drawer (20) and its shade (19): Refresh all reports while the drawer stays open. */
    z-index: 21;
  }
  .notice {
    display: flex;
    align-items: center;
    gap: 10px;
    max-width: 100%;
    padding: 7px 8px 7px 14px;
    border: 1px solid var(--bs-border-strong, #d3d0c9);
    border-radius: 999px;
    background: var(--bs-bg, #fff);
    color: var(--bs-text, #1f1f1e);
    box-shadow: var(--bs-shadow);
    font-size: 13px;
    pointer-events: auto;
  }
  .notice:empty,
  .notice-region:empty {
    display: none;
  }
  .notice.error {
    border-color: color-mix(in srgb, var(--bs-danger, #a3292c) 40%, transparent);
    background: var(--bs-danger-bg, #fbeceb);
    color: var(--bs-danger, #a3292c);
  }
  .notice .text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .notice .btn {
    min-height: 24px;
    width: 24px;
    border-radius: 999px;
    color: inherit;
  }
  .notice .btn.undo {
    width: auto;
    padding: 0 10px;
    font-weight: 600;
    text-decoration: underline;
  }
  .list-heading:not(.results) h2 {
    flex: 1;
  }
  .list-heading .mark-all {
    flex: none;
    align-self: center;
  }
  input[type='file'] {
    display: none;
  }
  /* Printing: the article alone, as long as it is (theme.css, bs-reader). */
  @media print {
    :host {
      height: auto;
      overflow: visible;
    }
    .layout {
      display: block;
      height: auto;
    }
    .layout > :not(bs-reader),
    .notices {
      display: none !important;
    }
    .layout > bs-reader {
      visibility: visible !important; /* also where one pane at a time hides it behind the list */
    }
  }
`;
