import { useEffect } from 'react';
import { formatRoute, parseRoute, type Route } from '../../lib/route';
import { useStores } from '../../stores/stores-context';

/** Keeps the URL hash and the screen in step, both ways (reload, back button, pasted link). */
export function useHashRoute(): void {
  const stores = useStores();
  useEffect(() => {
    const apply = (route: Route) => {
      const ui = stores.ui.getState();
      ui.setView(route.view);
      if (route.view === 'run' && route.runId && route.runId !== stores.runView.getState().runId) {
        void stores.runView.getState().open(route.runId).then(() => {
          if (route.seq !== null) stores.runView.getState().select(route.seq, { scroll: true, center: true });
        });
      }
    };
    apply(parseRoute(window.location.hash));

    const current = (): Route => {
      const view = stores.ui.getState().view;
      return view === 'run' ? { view, runId: stores.runView.getState().runId, seq: null } : { view };
    };
    const write = () => {
      const hash = formatRoute(current());
      if (hash !== window.location.hash && !(hash === '#/' && window.location.hash === '')) {
        window.history.pushState(window.history.state, '', hash);
      }
    };
    const offUi = stores.ui.subscribe((s, p) => s.view !== p.view && write());
    const offRun = stores.runView.subscribe((s, p) => s.runId !== p.runId && write());
    const onPop = () => apply(parseRoute(window.location.hash));
    window.addEventListener('popstate', onPop);
    return () => {
      offUi();
      offRun();
      window.removeEventListener('popstate', onPop);
    };
  }, [stores]);
}
