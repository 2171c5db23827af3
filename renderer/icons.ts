import { svg } from 'lit';

/** Small line icons (16×16 viewBox), decorative only: the control around them carries the name. */
const icon = (body: ReturnType<typeof svg>) =>
  svg`<svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const icons = {
  all: icon(svg`<rect x="2.5" y="2.5" width="11" height="11" rx="2"/><path d="M5 6h6M5 8.5h6M5 11h3.5"/>`),
  unread: icon(svg`<circle cx="8" cy="8" r="5.2"/><circle cx="8" cy="8" r="2.2" fill="currentColor" stroke="none"/>`),
  star: icon(svg`<path d="M8 1.9l1.85 3.8 4.15.6-3 2.93.71 4.13L8 11.4l-3.71 1.96.71-4.13-3-2.93 4.15-.6z"/>`),
  starFilled: icon(svg`<path fill="currentColor" d="M8 1.9l1.85 3.8 4.15.6-3 2.93.71 4.13L8 11.4l-3.71 1.96.71-4.13-3-2.93 4.15-.6z"/>`),
  source: icon(svg`<path d="M3 3.5h8.5v9H4.5A1.5 1.5 0 0 1 3 11z"/><path d="M11.5 6H13v5.5a1 1 0 0 1-1.5 1M5 6h4.5M5 8.5h4.5"/>`),
  search: icon(svg`<circle cx="7" cy="7" r="4.2"/><path d="M10.2 10.2L13.5 13.5"/>`),
  circle: icon(svg`<circle cx="8" cy="8" r="4.5"/>`),
  circleFilled: icon(svg`<circle cx="8" cy="8" r="4.5" fill="currentColor"/>`),
  external: icon(svg`<path d="M9 2.5h4.5V7M13.5 2.5L7.5 8.5M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3"/>`),
  close: icon(svg`<path d="M4 4l8 8M12 4l-8 8"/>`),
  keyboard: icon(svg`<rect x="1.5" y="4" width="13" height="8" rx="1.5"/><path d="M4 6.5h.01M6.5 6.5h.01M9 6.5h.01M11.5 6.5h.01M5 9.5h6"/>`),
  bookmark: icon(svg`<path d="M4.5 2.5h7v11L8 10.9l-3.5 2.6z"/>`),
  bookmarkFilled: icon(svg`<path fill="currentColor" d="M4.5 2.5h7v11L8 10.9l-3.5 2.6z"/>`),
  plus: icon(svg`<path d="M8 3v10M3 8h10"/>`),
  trash: icon(svg`<path d="M2.5 4.5h11M6 4.5V3h4v1.5M4 4.5l.7 8.5a1 1 0 0 0 1 .9h4.6a1 1 0 0 0 1-.9l.7-8.5M6.8 7v4.5M9.2 7v4.5"/>`),
  checkAll: icon(svg`<path d="M1.5 8.5l3 3 6-7M7.5 11.5l1 .5 6-7"/>`),
  refresh: icon(svg`<path d="M13 8a5 5 0 1 1-1.46-3.54"/><path d="M13 2.5v3h-3"/>`),
  feed: icon(svg`<path d="M3.5 3.5a9 9 0 0 1 9 9M3.5 7a5.5 5.5 0 0 1 5.5 5.5"/><circle cx="4.25" cy="11.75" r="1.1" fill="currentColor" stroke="none"/>`),
  warning: icon(svg`<path d="M8 2.2l6 10.8H2z"/><path d="M8 6.5v3"/><circle cx="8" cy="11.3" r="0.45" fill="currentColor"/>`),
  page: icon(svg`<path d="M4 2.5h5.5l2.5 2.5v8.5H4z"/><path d="M9.5 2.5V5H12M6 8h4M6 10.5h4"/>`),
  exportFile: icon(svg`<path d="M8 9.5v-7M5 5.5l3-3 3 3M3 11v1.5a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V11"/>`),
  /** A window with its sidebar: the library drawer's button. */
  library: icon(svg`<rect x="2" y="2.5" width="12" height="11" rx="1.5"/><path d="M6 2.5v11M3.6 5.2h1M3.6 7.2h1"/>`),
  back: icon(svg`<path d="M13 8H3.5M7.5 3.5L3 8l4.5 4.5"/>`),
  importFile: icon(svg`<path d="M8 2.5v7M5 6.5l3 3 3-3M3 11v1.5a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V11"/>`),
};
