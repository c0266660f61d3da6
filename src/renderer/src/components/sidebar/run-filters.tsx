import { useEffect, useRef, useState } from 'react';
import { type RunStatus, type WaitReason } from '../../../../shared/contract';
import { selectRunFilters, type RunSort } from '../../stores/runs-store';
import { selectSearchFocusTick } from '../../stores/ui-store';
import { selectWorkflows } from '../../stores/workspace-store';
import { useRuns, useStores, useUi, useWorkspace } from '../../stores/stores-context';

const STATUSES: RunStatus[] = ['running', 'waiting', 'completed', 'failed', 'cancelled'];
const REASONS: WaitReason[] = ['user', 'event', 'until', 'job', 'subworkflow'];
const SORTS: Array<[RunSort, string]> = [
  ['updated_desc', 'Recently updated'],
  ['updated_asc', 'Least recently updated'],
  ['created_desc', 'Newest'],
  ['created_asc', 'Oldest'],
];

/** Search, filters and sort of the runs list. Typing is debounced so a query per key is not sent. */
export function RunFilters() {
  const { runs } = useStores();
  const filters = useRuns(selectRunFilters);
  const workflows = useWorkspace(selectWorkflows);
  const focusTick = useUi(selectSearchFocusTick);
  const [text, setText] = useState(filters.text);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusTick > 0) input.current?.focus();
  }, [focusTick]);

  useEffect(() => {
    if (text === runs.getState().filters.text) return;
    const t = setTimeout(() => runs.getState().setFilters({ text }), 200);
    return () => clearTimeout(t);
  }, [text, runs]);

  const set = runs.getState().setFilters;
  return (
    <div className="run-filters">
      <div className="search">
        <input
          ref={input}
          className="input"
          type="search"
          placeholder="Search runs: id, node, prompt…"
          aria-label="Search runs"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget.blur(), setText(''))}
        />
        <kbd className="search-kbd" aria-hidden="true">/</kbd>
      </div>
      <div className="filter-row">
        <select className="select" aria-label="Filter by status" value={filters.status ?? ''} onChange={(e) => set({ status: (e.target.value || null) as RunStatus | null })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <select className="select" aria-label="Filter by workflow" value={filters.workflowId ?? ''} onChange={(e) => set({ workflowId: e.target.value || null })}>
          <option value="">Any workflow</option>
          {workflows.map((w) => <option key={w.workflowId} value={w.workflowId}>{w.workflowId}</option>)}
        </select>
      </div>
      <div className="filter-row">
        <select className="select" aria-label="Filter by wait reason" value={filters.waitReason ?? ''} onChange={(e) => set({ waitReason: (e.target.value || null) as WaitReason | null })}>
          <option value="">Any wait</option>
          {REASONS.map((r) => <option key={r} value={r}>waiting: {r}</option>)}
        </select>
        <select className="select" aria-label="Sort runs" value={filters.sort} onChange={(e) => set({ sort: e.target.value as RunSort })}>
          {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      </div>
    </div>
  );
}
