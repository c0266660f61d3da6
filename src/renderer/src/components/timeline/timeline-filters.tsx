import { useMemo } from 'react';
import { type StepStatus, type WorkflowInfo } from '../../../../shared/contract';
import { formatCount } from '../../lib/format';
import { selectFiltered, selectLedgerFilter } from '../../stores/run-view-store';
import { useRunView, useStores } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';

const STATUSES: StepStatus[] = ['started', 'completed', 'waiting', 'failed'];
const BUILTIN_EFFECTS = ['llm_call', 'tool_calls', 'ask_user', 'wait_event', 'wait_until', 'start_subworkflow'];

/** Status and effect filters, and the node filter set by clicking the graph. */
export function TimelineFilters({ workflow }: { workflow: WorkflowInfo | null }) {
  const { runView } = useStores();
  const filter = useRunView(selectLedgerFilter);
  const filtered = useRunView(selectFiltered);
  const effects = useMemo(() => {
    const set = new Set(BUILTIN_EFFECTS);
    for (const n of workflow?.nodes ?? []) if (n.effectType) set.add(n.effectType);
    return [...set].sort();
  }, [workflow]);
  const set = runView.getState().setFilter;
  return (
    <div className="timeline-filters">
      <select className="select small" aria-label="Filter records by status" value={filter.status ?? ''} onChange={(e) => set({ status: (e.target.value || null) as StepStatus | null })}>
        <option value="">Any status</option>
        {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <select className="select small" aria-label="Filter records by effect type" value={filter.effectType ?? ''} onChange={(e) => set({ effectType: e.target.value || null })}>
        <option value="">Any effect</option>
        {effects.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      {/* The keyboard way to what clicking a graph node does. */}
      <select className="select small" aria-label="Filter records by node" value={filter.nodeId ?? ''} onChange={(e) => set({ nodeId: e.target.value || null })}>
        <option value="">Any node</option>
        {(workflow?.nodes ?? []).map((n) => <option key={n.id} value={n.id}>{n.id}</option>)}
        {filter.nodeId && !workflow?.nodes.some((n) => n.id === filter.nodeId) ? <option value={filter.nodeId}>{filter.nodeId}</option> : null}
      </select>
      {filter.nodeId ? (
        <span className="chip">
          node <span className="mono">{filter.nodeId}</span>
          <button type="button" className="chip-x" aria-label={`Stop filtering by node ${filter.nodeId}`} onClick={() => set({ nodeId: null })}>✕</button>
        </span>
      ) : null}
      {filtered ? (
        <span className="filter-status faint" aria-live="polite">
          {formatCount(filtered.desc.length)} matching{filtered.done ? '' : ', searching older records…'}
          {!filtered.done ? <ProgressBar done={filtered.windowsDone} total={filtered.windowsTotal} label="Filtering the ledger" /> : null}
        </span>
      ) : null}
      {filter.status || filter.effectType || filter.nodeId ? (
        <button type="button" className="btn small ghost" onClick={() => set({ status: null, effectType: null, nodeId: null })}>Clear filters</button>
      ) : null}
    </div>
  );
}
