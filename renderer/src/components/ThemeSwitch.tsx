import { useId, useState } from 'react';
import { THEMES, applyTheme, storedTheme, type Theme } from '../lib/theme';

const NAMES: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Light, dark, or as the OS says. */
export function ThemeSwitch() {
  const id = useId();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  return (
    <label className="inline-field theme-switch" htmlFor={id}>
      Theme
      <select
        id={id}
        value={theme}
        onChange={(e) => {
          const next = e.target.value as Theme;
          applyTheme(next);
          setTheme(next);
        }}
      >
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {NAMES[t]}
          </option>
        ))}
      </select>
    </label>
  );
}
