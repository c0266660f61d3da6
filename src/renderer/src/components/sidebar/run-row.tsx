import { memo } from 'react';
import { type RunSummary } from '../../../../shared/contract';
import { formatRelative, formatTimestamp, shortId } from '../../lib/format';
import { depthOf, nestedCount, type ChildRow } from '../../lib/run-rows';
import { StatusBadge } from '../common/status-badge';

/**
 * How long ago a past instant was. The list's clock ticks every 30 s, so a run saved since the
 * last tick is newer than "now": that is "just now", never "in a few s".
 */
function formatAgo(iso: string, now: number): string {
  const t = Date.parse(iso);
  return formatRelative(iso, Number.isNaN(t) ? now : Math.max(now, t));
}

interface RunRowProps {
  run: RunSummary | null;
  child: ChildRow | null;
  selected: boolean;
  checked: boolean;
  expanded: boolean;
  expanding: boolean;
  now: number;
  actorName: string | null;
  /** The row's place among the top-level runs (null for a nested row): what onToggle is given. */
  topIndex: number | null;
  onOpen(runId: string): void;
  /** Stable across renders (with the others), so a scroll re-renders only the rows that changed. */
  onToggle(runId: string, topIndex: number): void;
  /** For a nested row: the top-level run it is shown under, and what opens its own forks. */
  topRunId: string | null;
  onToggleNested(topRunId: string, runId: string): void;
  onCheck(runId: string): void;
}

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** What a parent's disclosure shows: "2 forks", "1 child run and 2 forks". */
export function nestedLabel(run: RunSummary): string {
  const parts = [run.childCount > 0 ? plural(run.childCount, 'child run', 'child runs') : null, run.forkCount ? plural(run.forkCount, 'fork', 'forks') : null];
  return parts.filter((x) => x !== null).join(' and ');
}

/**
 * One run in the runs table: status, workflow, current node, wait, records, updated, actor (the
 * columns the pane has room for: see sidebar.css). Children and forks sit indented under their
 * parent (a fork with its whole row); a deleted run is its tombstone, struck through.
 */
export const RunRow = memo(function RunRow(p: RunRowProps) {
  const { child } = p;
  const fork = child?.relation === 'fork';
  const run = p.run ?? child?.summary ?? null;
  // A top-level row opens its child runs and forks; a fork under it opens its own forks.
  const toggleCount = !run ? 0 : !child ? nestedCount(run) : fork ? (run.forkCount ?? 0) : 0;
  const toggleLabel = !run ? '' : child ? plural(run.forkCount ?? 0, 'fork', 'forks') : nestedLabel(run);
  if (!run && !child) {
    return (
      <div className="run-row loading" aria-hidden="true">
        <span className="skeleton" style={{ width: 54 }} />
        <span className="skeleton" style={{ width: 120 }} />
      </div>
    );
  }
  const runId = run?.runId ?? child!.runId;
  const status = run?.status ?? child!.status;
  const workflowId = run?.workflowId ?? child!.workflowId;
  const deleted = run?.deleted ?? null;
  const node = run ? run.currentNode : '';
  const wait = run?.waitReason ? `${run.waitReason}${run.waitLabel ? `: ${run.waitLabel}` : ''}` : '';
  const state = deleted ? `deleted by ${p.actorName ?? deleted.deletedBy}` : `${status}${run?.paused ? ', paused' : ''}`;
  const label = `Run ${runId}, ${workflowId}, ${state}${node ? `, at ${node}` : ''}${run?.archived ? ', archived' : ''}`;
  return (
    <div
      className={`run-row${p.selected ? ' selected' : ''}${child ? ' child' : ''}${fork ? ' fork' : ''}${deleted ? ' deleted' : ''}${p.checked ? ' checked' : ''}`}
      data-testid="run-row"
      data-run-id={runId}
      data-status={deleted ? 'deleted' : status}
    >
      <input type="checkbox" className="row-check" checked={p.checked} aria-label={`Select run ${shortId(runId)} (${workflowId})`} onChange={() => p.onCheck(runId)} />
      {toggleCount > 0 ? (
        // Enter or Space press it; the list's Right and Left arrows open and close it too.
        <button
          type="button"
          className="row-toggle"
          data-testid="row-toggle"
          aria-expanded={p.expanded}
          aria-label={`${p.expanded ? 'Hide' : 'Show'} the ${toggleLabel} of ${runId}`}
          title={`${p.expanded ? 'Hide' : 'Show'} the ${toggleLabel} (Right and Left arrows)`}
          onClick={() => (p.topIndex !== null ? p.onToggle(runId, p.topIndex) : p.topRunId !== null && p.onToggleNested(p.topRunId, runId))}
        >
          {p.expanding ? '…' : p.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="row-toggle-space" aria-hidden="true">{child ? '↳' : ''}</span>
      )}
      {/* Named by its visible text (so what is read is what is seen), with a few words for a screen reader. */}
      <button type="button" className="run-row-main" title={label} aria-current={p.selected ? 'true' : undefined} onClick={() => p.onOpen(runId)}>
        <span className="sr-only">Run </span>
        <span className="col-status">{deleted ? <span className="status deleted">deleted</span> : <StatusBadge status={status} paused={run?.paused} compact />}</span>
        <span className="col-workflow" title={`${workflowId} · ${runId}`} style={child && depthOf(child) > 1 ? { paddingLeft: 12 * depthOf(child) } : undefined}>
          <span className="ellipsis run-wf">{workflowId}</span>
          <span className="mono faint run-id">{shortId(runId)}</span>
          {run?.archived ? <span className="tag">archived</span> : null}
          {run?.forkedFrom ? <span className="tag" title={`Forked from ${run.forkedFrom.runId}${run.forkedFrom.seq !== null ? ` at record ${run.forkedFrom.seq}` : ''}`}>fork</span> : null}
          {run?.forkCount && (!child || fork) ? <span className="tag fork-count" data-testid="fork-count">{plural(run.forkCount, 'fork', 'forks')}</span> : null}
        </span>
        <span className="col-node mono ellipsis" title={node}>
          <span className="sr-only">, at </span>
          {child && !fork ? 'child run' : node}
        </span>
        <span className="col-wait ellipsis" title={wait}>{wait}</span>
        <span className="col-records num">
          {run ? run.ledgerCount.toLocaleString() : ''}
          {run ? <span className="sr-only"> records, updated</span> : null}
        </span>
        <span className="col-updated nowrap" title={run ? `${deleted ? 'Deleted' : 'Updated'} ${formatTimestamp(run.updatedAt)}` : undefined}>
          {run ? formatAgo(run.updatedAt, p.now) : ''}
        </span>
        <span className="sr-only">, by </span>
        <span className="col-actor ellipsis" title={deleted?.deletedBy ?? run?.actorId ?? undefined}>{p.actorName ?? (deleted ? deleted.deletedBy : run?.actorId) ?? '—'}</span>
      </button>
    </div>
  );
});
