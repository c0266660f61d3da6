import { useEffect } from 'react';
import { selectTheme } from '../../stores/ui-store';
import { useUi } from '../../stores/stores-context';

/** Puts the chosen theme on <html>; "system" removes it so prefers-color-scheme decides. */
export function useTheme(): void {
  const theme = useUi(selectTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
}
