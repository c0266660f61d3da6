import { useEffect } from 'react';
import { selectTheme } from '../../stores/ui-store';
import { useUi } from '../../stores/stores-context';

/** Puts the chosen theme on <html>; "system" removes it, so `color-scheme: light dark` (theme.css) follows the system. */
export function useTheme(): void {
  const theme = useUi(selectTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
}
