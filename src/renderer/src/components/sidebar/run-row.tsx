import { memo } from 'react';
import { type RunSummary } from '../../../../shared/contract';
import { formatRelative, shortId } from '../../lib/format';
import { type ChildRow } from '../../lib/run-rows';
import { StatusBadge } from '../common/status-badge';

interface RunRowProps {
  run: RunSummary | null;
  child: ChildRow | null;
  selected: boolean;
  expanded: boolean;
  expanding: boolean;
  now: number;
  onOpen(runId: string): void;
  onToggle(): void;
}

/** One run in the list: status, workflow, where it is, how long ago; children indented. */
export const RunRow = memo(function RunRow({ run, child, selected, expanded, expanding, now, onOpen, onToggle }: RunRowProps) {
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
  const where = run ? (run.waitLabel ?? run.currentNode) : 'child run';
  const label = `Run ${runId}, ${workflowId}, ${status}${run?.paused ? ', paused' : ''}, at ${where}`;
  return (
    <div className={`run-row${selected ? ' selected' : ''}${child ? ' child' : ''}`} data-testid="run-row" data-run-id={runId} data-status={status}>
      {run && run.childCount > 0 ? (
        <button type="button" className="row-toggle" aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} ${run.childCount} child runs of ${runId}`} onClick={onToggle}>
          {expanding ? '…' : expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="row-toggle-space" aria-hidden="true">{child ? '↳' : ''}</span>
      )}
      <button type="button" className="run-row-main" aria-label={label} aria-current={selected ? 'true' : undefined} onClick={() => onOpen(runId)}>
        <span className="run-row-line">
          <StatusBadge status={status} paused={run?.paused} />
          <span className="ellipsis run-wf">{workflowId}</span>
          <span className="mono faint run-id">{shortId(runId)}</span>
        </span>
        <span className="run-row-line sub">
          <span className="ellipsis">
            {run?.forkedFrom ? <span className="tag" title={`Forked from ${run.forkedFrom.runId}`}>fork</span> : null}{' '}
            {run?.waitReason ? <span className="faint">{run.waitReason}: </span> : null}
            {where}
          </span>
          {run ? <span className="faint nowrap">{run.ledgerCount.toLocaleString()} rec · {formatRelative(run.updatedAt, now)}</span> : null}
        </span>
      </button>
    </div>
  );
});
