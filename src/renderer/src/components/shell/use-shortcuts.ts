import { useEffect } from 'react';
import { isTypingTarget, matchShortcut, type ShortcutAction } from '../../lib/shortcuts';
import { type StudioStores } from '../../stores/studio-stores';
import { type InspectorTab } from '../../stores/ui-store';
import { useStores } from '../../stores/stores-context';
import { firstAnswerControl, focusSoon } from './focus-next';

export const INSPECTOR_TABS: readonly InspectorTab[] = ['record', 'state', 'snapshots', 'artifacts', 'provenance', 'conversation'];

function run(action: ShortcutAction, s: StudioStores): void {
  const ui = s.ui.getState();
  const view = s.runView.getState();
  const control = s.control.getState();
  const tabStep = (d: number) => {
    const i = INSPECTOR_TABS.indexOf(ui.inspectorTab);
    ui.setInspectorTab(INSPECTOR_TABS[(i + d + INSPECTOR_TABS.length) % INSPECTOR_TABS.length]!);
  };
  switch (action) {
    case 'help': return ui.setHelpOpen(true);
    case 'search': return ui.requestSearchFocus();
    case 'step': return void control.step();
    case 'continue': return void control.continueRun();
    case 'pause': return void control.pause();
    case 'next-record': return view.selectRelative(1);
    case 'prev-record': return view.selectRelative(-1);
    case 'newest-record': return view.ledger.total > 0 && !view.filtered ? view.select(view.ledger.total - 1, { scroll: true }) : view.selectRelative(-Infinity);
    case 'verify': return void (view.runId && s.chain.getState().verify(view.runId));
    case 'bookmark': return ui.requestBookmark();
    case 'fork': return void (view.runId && control.fork({ seq: view.selectedSeq ?? undefined }));
    case 'view-run': return ui.setView('run');
    case 'view-inbox': return ui.setView('inbox');
    case 'view-artifacts': return ui.setView('artifacts');
    case 'view-snapshots': return ui.setView('snapshots');
    case 'view-settings': return ui.setView('settings');
    case 'next-tab': return tabStep(1);
    case 'prev-tab': return tabStep(-1);
    case 'clear': return view.select(null);
    case 'answer': {
      // A prompt already on screen (the run view shows its run's) is answered there; else the inbox's first.
      const here = firstAnswerControl();
      if (here) return here.focus();
      ui.setView('inbox');
      (document.activeElement as HTMLElement | null)?.blur();
      return focusSoon(firstAnswerControl);
    }
  }
}

/** One window-level key handler for the shortcuts listed in lib/shortcuts.ts. */
export function useShortcuts(): void {
  const stores = useStores();
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (ev.defaultPrevented || isTypingTarget(ev.target)) return;
      // While a dialog is open, keys belong to it.
      if (document.querySelector('[role="dialog"]')) return;
      const action = matchShortcut(ev);
      if (!action) return;
      if (action === 'clear' && stores.runView.getState().selectedSeq === null) return;
      ev.preventDefault();
      run(action, stores);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);
}
