import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatCount } from '../../lib/format';
import { nestedCount, rowAt, rowCount } from '../../lib/run-rows';
import { runAt } from '../../lib/runs-pages';
import { selectRunId } from '../../stores/run-view-store';
import { selectActorNames } from '../../stores/workspace-store';
import {
  isNested,
  selectSelectedRuns,
  selectExpanding,
  selectExpansions,
  selectRunFilters,
  selectRunPages,
  selectRunsError,
  selectRunsTotal,
} from '../../stores/runs-store';
import { useRunView, useRuns, useStores, useWorkspace } from '../../stores/stores-context';
import { RunBulkBar } from './run-bulk-bar';
import { RunRow } from './run-row';
import { RunTableHeader } from './run-table-header';

const ROW_HEIGHT = 32;

/**
 * The runs table, virtualised: only rows in view exist in the DOM, and only their pages are
 * fetched, so 100,000 runs scroll like 100. Arrow keys move the open run; Space ticks it for a
 * bulk action.
 */
export function RunList() {
  const stores = useStores();
  const total = useRuns(selectRunsTotal);
  const pages = useRuns(selectRunPages);
  const expansions = useRuns(selectExpansions);
  const expanding = useRuns(selectExpanding);
  const filters = useRuns(selectRunFilters);
  const error = useRuns(selectRunsError);
  const selected = useRunView(selectRunId);
  const checked = useRuns(selectSelectedRuns);
  const actorNames = useWorkspace(selectActorNames);
  const scroller = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  const count = rowCount(total ?? 0, expansions);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    const a = rowAt(first, expansions);
    const b = rowAt(last, expansions);
    const lo = a.kind === 'top' ? a.topIndex : 0;
    const hi = b.kind === 'top' ? b.topIndex : lo + (last - first);
    stores.runs.getState().ensureRange(lo, hi + 1);
  }, [first, last, expansions, total, stores]);

  const open = useCallback(
    (runId: string) => {
      stores.ui.getState().setView('run');
      void stores.runView.getState().open(runId);
    },
    [stores],
  );

  const runIdAtRow = (i: number): string | null => {
    const ref = rowAt(i, expansions);
    return ref.kind === 'child' ? ref.child.runId : (runAt(pages, ref.topIndex)?.runId ?? null);
  };

  const check = useCallback((runId: string) => stores.runs.getState().toggleSelected(runId), [stores]);
  const toggle = useCallback((runId: string, topIndex: number) => void stores.runs.getState().toggleExpanded(runId, topIndex), [stores]);
  const toggleNested = useCallback((topRunId: string, runId: string) => void stores.runs.getState().toggleNestedForks(topRunId, runId), [stores]);

  // Right opens the run's children and forks, Left closes them (or, on a nested row, goes to its parent).
  const onDisclosureKey = (e: KeyboardEvent): void => {
    const target = e.target instanceof Element ? e.target.closest('[data-run-id]')?.getAttribute('data-run-id') : null;
    const runId = target ?? selected;
    const at = items.find((vi) => runIdAtRow(vi.index) === runId)?.index;
    if (runId === null || at === undefined) return;
    const ref = rowAt(at, expansions);
    if (ref.kind === 'child') {
      const hasForks = ref.child.relation === 'fork' && (ref.child.summary?.forkCount ?? 0) > 0;
      e.preventDefault();
      if (hasForks && Boolean(ref.child.open) !== (e.key === 'ArrowRight')) void stores.runs.getState().toggleNestedForks(ref.parentRunId, ref.child.runId);
      // Left on a closed nested row goes to the run it sits under.
      else if (e.key === 'ArrowLeft') open(ref.child.summary?.forkedFrom?.runId ?? ref.parentRunId);
      return;
    }
    const run = runAt(pages, ref.topIndex);
    if (!run || nestedCount(run) === 0) return;
    const isOpen = expansions.some((x) => x.parentRunId === run.runId);
    e.preventDefault();
    if (isOpen !== (e.key === 'ArrowRight')) void stores.runs.getState().toggleExpanded(run.runId, ref.topIndex);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === ' ' && e.target === e.currentTarget && selected) {
      e.preventDefault();
      check(selected);
      return;
    }
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      onDisclosureKey(e);
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    // The selected run is looked for among the rows in view only: a 100,000-row scan per key is not free.
    const row = items.find((vi) => runIdAtRow(vi.index) === selected)?.index ?? first - 1;
    const next = Math.max(0, Math.min(count - 1, row + (e.key === 'ArrowDown' ? 1 : -1)));
    const id = runIdAtRow(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    if (id) open(id);
  };

  return (
    <section className="sidebar-section runs" aria-label="Runs">
      <div className="section-head">
        <h2 className="section-title">Runs</h2>
        <span className="faint count" aria-live="polite">{total === null ? '…' : formatCount(total)}{isNested(filters) ? ' top-level' : ' matching'}</span>
      </div>
      <RunBulkBar />
      <RunTableHeader />
      <div ref={scroller} className="run-list" data-testid="run-list" role={count > 0 ? 'list' : 'group'} aria-label="Runs (arrow keys move, Right and Left open and close a run's forks and child runs, Space selects)" tabIndex={0} onKeyDown={onKeyDown}>
        {error && total === null ? <div className="empty"><strong>Runs could not load</strong>{error}</div> : null}
        {total === 0 ? (
          <div className="empty">
            <strong>No runs</strong>
            {isNested(filters) ? 'Start one from a workflow above.' : 'Nothing matches these filters.'}
          </div>
        ) : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const ref = rowAt(vi.index, expansions);
            const run = ref.kind === 'top' ? (runAt(pages, ref.topIndex) ?? null) : null;
            const child = ref.kind === 'child' ? ref.child : null;
            const id = run?.runId ?? child?.runId ?? null;
            return (
              <div key={vi.key} role="listitem" style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${vi.start}px)` }}>
                <RunRow
                  run={run}
                  child={child}
                  now={now}
                  selected={id !== null && id === selected}
                  checked={id !== null && checked.has(id)}
                  actorName={(run?.deleted ? actorNames.get(run.deleted.deletedBy) : run?.actorId ? actorNames.get(run.actorId) : undefined) ?? null}
                  onCheck={check}
                  expanded={run !== null ? expansions.some((e) => e.parentRunId === run.runId) : Boolean(child?.open)}
                  expanding={id !== null && expanding.includes(id)}
                  onOpen={open}
                  topIndex={ref.kind === 'top' ? ref.topIndex : null}
                  onToggle={toggle}
                  topRunId={ref.kind === 'child' ? ref.parentRunId : null}
                  onToggleNested={toggleNested}
                />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
