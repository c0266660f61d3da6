import { RunVersion } from './run-version';
import { type ReactNode } from 'react';
import { useStore } from 'zustand';
import { describeRunStop, type RunDetail } from '../../../../shared/contract';
import { formatCount, formatTimestamp, shortId } from '../../lib/format';
import { useStores } from '../../stores/stores-context';
import { CopyText } from '../common/copy-text';
import { StatusBadge } from '../common/status-badge';
import { RunControls } from './run-controls';

function RunLink({ runId, children }: { runId: string; children: ReactNode }) {
  const { runView } = useStores();
  return (
    <button type="button" className="link mono" aria-label={`Open run ${runId}`} onClick={() => void runView.getState().open(runId)}>
      {children}
    </button>
  );
}

/** Why the run stands still, in words ("paused at breakpoint `woke_up`"), and a drive error on it. */
function RunStopLine({ detail }: { detail: RunDetail }) {
  const { control } = useStores();
  const driveError = useStore(control, (st) => st.driveErrors[detail.runId] ?? null);
  const stop = detail.stop;
  const shown = stop && stop.kind !== 'finished' && stop.kind !== 'waiting' ? stop : null;
  if (!shown && !driveError) return null;
  return (
    <div className="run-stop">
      {shown ? (
        <span data-testid="run-stop" data-stop={shown.kind} className={shown.kind === 'error' ? 'run-error' : undefined}>
          {describeRunStop(shown, detail.status === 'waiting' ? detail.waiting : null)
            .split('`')
            .map((part, i) => (i % 2 === 1 ? <code key={i} className="mono">{part}</code> : part))}
        </span>
      ) : null}
      {driveError && shown?.kind !== 'error' ? (
        <span data-testid="drive-error" className="run-error">
          driving this run failed: {driveError}
        </span>
      ) : null}
    </div>
  );
}

/** Which run this is, where it stands, where it came from, and the controls to drive it. */
export function RunHeader({ detail }: { detail: RunDetail }) {
  const origin = detail.forkedFrom;
  return (
    <header className="run-header">
      <div className="run-title">
        <StatusBadge status={detail.status} paused={detail.paused} />
        <h1 className="run-title-wf">{detail.workflowId}</h1>
        <CopyText text={detail.runId} label="run id" />
        <span className="faint">at</span>
        <span className="mono node-chip" data-testid="current-node">{detail.currentNode}</span>
        {detail.waiting ? (
          <span className="faint ellipsis">
            waiting for {detail.waiting.reason}
            {detail.waiting.waitKey ? <> · <span className="mono">{detail.waiting.waitKey}</span></> : null}
          </span>
        ) : null}
      </div>
      <div className="run-meta faint">
        <span>{formatCount(detail.ledgerCount)} records</span>
        <RunVersion version={detail.workflowVersion} />
        <span>created {formatTimestamp(detail.createdAt)}</span>
        <span>updated {formatTimestamp(detail.updatedAt)}</span>
        {detail.actorId ? <span>actor <span className="mono">{detail.actorId}</span></span> : null}
        {detail.parentRunId ? <span>child of <RunLink runId={detail.parentRunId}>{shortId(detail.parentRunId)}</RunLink></span> : null}
        {origin ? (
          <span data-testid="fork-origin">
            forked from <RunLink runId={origin.runId}>{shortId(origin.runId)}</RunLink>
            {origin.snapshotId ? ' (snapshot)' : origin.seq !== null ? ` at record ${origin.seq}` : ''}
          </span>
        ) : null}
        {detail.forks.length > 0 ? (
          <span data-testid="fork-list">
            {detail.forks.length} fork{detail.forks.length > 1 ? 's' : ''}:{' '}
            {detail.forks.slice(0, 4).map((f, i) => (
              <span key={f.runId}>
                {i > 0 ? ', ' : ''}
                <RunLink runId={f.runId}>{shortId(f.runId)}{f.seq !== null ? ` @${f.seq}` : ''}</RunLink>
              </span>
            ))}
            {detail.forks.length > 4 ? `+${detail.forks.length - 4}` : null}
          </span>
        ) : null}
        {detail.children.length > 0 ? (
          <span>
            {detail.children.length} child run{detail.children.length > 1 ? 's' : ''}:{' '}
            {detail.children.slice(0, 4).map((c, i) => (
              <span key={c.runId}>
                {i > 0 ? ', ' : ''}
                <RunLink runId={c.runId}>{c.workflowId}</RunLink> <span className="faint">({c.status})</span>
              </span>
            ))}
            {detail.children.length > 4 ? ` +${detail.children.length - 4}` : null}
          </span>
        ) : null}
        {detail.error ? <span className="run-error">error: {detail.error}</span> : null}
      </div>
      <RunStopLine detail={detail} />
      {detail.ledgerNotice ? (
        <p className="run-notice" role="note" data-testid="ledger-notice">
          {detail.ledgerNotice}
        </p>
      ) : null}
      <RunControls detail={detail} />
    </header>
  );
}
