import { selectRunFilters, selectRunPages, selectSelectedRuns } from '../../stores/runs-store';
import { useRuns, useStores } from '../../stores/stores-context';

/**
 * The runs table's column heads (each row's button also says all of it in words, for a screen
 * reader) and the tick that selects every loaded run. "Updated" flips the order.
 */
export function RunTableHeader() {
  const { runs } = useStores();
  const pages = useRuns(selectRunPages);
  const checked = useRuns(selectSelectedRuns);
  const filters = useRuns(selectRunFilters);
  const loaded: string[] = [];
  for (const rows of pages.values()) for (const r of rows) loaded.push(r.runId);
  const all = loaded.length > 0 && loaded.every((id) => checked.has(id));
  const asc = filters.sort === 'updated_asc';
  return (
    <div className="run-table-head">
      <input
        type="checkbox"
        className="row-check"
        aria-label={all ? 'Clear the selection' : `Select the ${loaded.length} loaded runs`}
        checked={all}
        onChange={() => runs.getState().setSelected(all ? [] : loaded)}
      />
      <span className="row-toggle-space" aria-hidden="true" />
      <div className="run-table-cols">
        <span className="col-status">Status</span>
        <span className="col-workflow">Workflow</span>
        <span className="col-node">Node</span>
        <span className="col-wait">Waits</span>
        <span className="col-records num">Records</span>
        <button type="button" className="col-updated col-sort" aria-label={`Updated: ${asc ? 'oldest' : 'newest'} first (click to flip)`} onClick={() => runs.getState().setFilters({ sort: asc ? 'updated_desc' : 'updated_asc' })}>
          Updated {asc ? '↑' : '↓'}
        </button>
        <span className="col-actor">Actor</span>
      </div>
    </div>
  );
}
