import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark' | 'system';
const KEY = 'tidemark.theme';

function stored(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The organization's default (branding's theme_default), used while the person has chosen none. */
let brandDefault: Theme = 'system';

function apply(t: Theme): void {
  const shown = t === 'system' ? brandDefault : t;
  if (shown === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = shown;
}

/** Applies the theme as a data attribute on <html>; the CSS follows the system when none is chosen. */
export function applyStoredTheme(): void {
  apply(stored());
}

/** Sets the organization's default theme; it shows unless the person picked light or dark themselves. */
export function applyBrandTheme(t: Theme): void {
  brandDefault = t;
  apply(stored());
}

export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    try {
      if (theme === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      /* storage may be unavailable (private mode); the choice then lasts for the page only */
    }
    apply(theme);
  }, [theme]);
  return [theme, setTheme];
}
