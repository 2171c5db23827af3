import { DEFAULT_SETTINGS, type Settings, type Theme } from '../preload/api.js';

/**
 * Applies reader settings to the document: <html data-theme="light|dark|sepia"> (with "system"
 * resolved from prefers-color-scheme and kept in step with it) and data-theme-setting with the
 * choice itself. The last settings are cached locally so the next start paints the right theme
 * before the library has answered.
 */
const CACHE_KEY = 'broadsheet.settings';
const dark = window.matchMedia('(prefers-color-scheme: dark)');
let chosen: Theme = 'system';

export function resolveTheme(theme: Theme): 'light' | 'dark' | 'sepia' {
  return theme === 'system' ? (dark.matches ? 'dark' : 'light') : theme;
}

export function applyTheme(theme: Theme): void {
  chosen = theme;
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(theme);
  root.dataset.themeSetting = theme;
}

dark.addEventListener('change', () => {
  if (chosen === 'system') applyTheme('system');
});

export function cachedSettings(): Settings {
  try {
    const raw = window.localStorage.getItem(CACHE_KEY);
    const cached = raw ? (JSON.parse(raw) as Partial<Settings>) : null;
    if (cached && ['system', 'light', 'dark', 'sepia'].includes(cached.theme as string)) return { ...DEFAULT_SETTINGS, ...cached };
  } catch {
    // No storage (or a corrupt entry): defaults until the library answers.
  }
  return DEFAULT_SETTINGS;
}

export function cacheSettings(settings: Settings): void {
  try {
    window.localStorage.setItem(CACHE_KEY, JSON.stringify(settings));
  } catch {
    // Storage unavailable: only the first frame of the next start is affected.
  }
}
