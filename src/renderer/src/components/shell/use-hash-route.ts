import { useEffect } from 'react';
import { formatRoute, parseRoute, type Route } from '../../lib/route';
import { formatRunQuery } from '../../lib/run-query';
import { useStores } from '../../stores/stores-context';

/**
 * Keeps the URL hash and the screen in step, both ways (reload, back button, pasted link): the
 * view, the open run, its selected record and the runs filter.
 */
export function useHashRoute(): void {
  const stores = useStores();
  useEffect(() => {
    const apply = (route: Route) => {
      const ui = stores.ui.getState();
      ui.setView(route.view);
      const runs = stores.runs.getState();
      if ((route.q ?? '') !== formatRunQuery(runs.filters)) runs.setFilterText(route.q ?? '');
      if (route.view === 'run' && route.runId && route.runId !== stores.runView.getState().runId) {
        void stores.runView.getState().open(route.runId).then(() => {
          if (route.seq !== null) stores.runView.getState().select(route.seq, { scroll: true, center: true });
        });
      }
    };
    apply(parseRoute(window.location.hash));

    const current = (): Route => {
      const view = stores.ui.getState().view;
      const q = formatRunQuery(stores.runs.getState().filters) || undefined;
      const rv = stores.runView.getState();
      const base: Route = view === 'run' ? { view, runId: rv.runId, seq: rv.runId ? rv.selectedSeq : null } : { view };
      return q ? { ...base, q } : base;
    };
    // A new view or run is a step back can return to; a record or a filter refines the same place.
    const write = (how: 'push' | 'replace') => {
      const hash = formatRoute(current());
      if (hash === window.location.hash || (hash === '#/' && window.location.hash === '')) return;
      if (how === 'push') window.history.pushState(window.history.state, '', hash);
      else window.history.replaceState(window.history.state, '', hash);
    };
    const offUi = stores.ui.subscribe((s, p) => s.view !== p.view && write('push'));
    const offRun = stores.runView.subscribe((s, p) => {
      if (s.runId !== p.runId) write('push');
      else if (s.selectedSeq !== p.selectedSeq) write('replace');
    });
    const offRuns = stores.runs.subscribe((s, p) => s.filters !== p.filters && write('replace'));
    const onPop = () => apply(parseRoute(window.location.hash));
    window.addEventListener('popstate', onPop);
    return () => {
      offUi();
      offRun();
      offRuns();
      window.removeEventListener('popstate', onPop);
    };
  }, [stores]);
}
