import { useStores } from '../../stores/stores-context';
import { firstAnswerControl, focusSoon } from './focus-next';

/**
 * The first stops of the Tab order, visible only when focused: to the inbox's first answer (Tab,
 * Enter: two keys from the address bar), to the runs table, and to the main area.
 */
export function SkipLinks() {
  const { ui } = useStores();
  const go = (e: React.MouseEvent, find: () => HTMLElement | null, view?: 'inbox') => {
    e.preventDefault();
    if (view) ui.getState().setView(view);
    (document.activeElement as HTMLElement | null)?.blur();
    focusSoon(find);
  };
  return (
    <nav className="skip-links" aria-label="Skip links">
      <a href="#inbox-answer" onClick={(e) => go(e, () => firstAnswerControl() ?? document.querySelector<HTMLElement>('[data-testid="prompt-inbox"] .page-head h2, [data-testid="prompt-inbox"]'), 'inbox')}>
        Skip to the inbox answer
      </a>
      <a href="#run-list" onClick={(e) => go(e, () => document.querySelector<HTMLElement>('[data-testid="run-list"]'))}>
        Skip to the runs
      </a>
      <a href="#main" onClick={(e) => go(e, () => document.getElementById('main'))}>
        Skip to the main area
      </a>
    </nav>
  );
}
