/**
 * The dashboard's theme (issue 12): follow the OS light/dark setting, or a manual choice kept in this browser's
 * local storage. Applied as `data-theme` on the root element, which the stylesheet reads; "system" removes it.
 */

/** The choices, in the order the switch shows them. */
export const THEMES = ['system', 'light', 'dark'] as const;
/** A theme choice. */
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = 'codex-pool-theme';

/** The stored choice; "system" when none (or storage is unavailable). */
export function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : 'system';
  } catch {
    return 'system';
  }
}

/** Shows `theme` now and remembers it. */
export function applyTheme(theme: Theme, remember = true): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  if (!remember) return;
  try {
    if (theme === 'system') window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
}
