import { useRef, useState } from 'react';
import { type BulkRunAction } from '../../../../shared/contract';
import { shortId } from '../../lib/format';
import { selectBulkPending, selectBulkReport, selectSelectedRuns } from '../../stores/runs-store';
import { selectReadOnly } from '../../stores/workspace-store';
import { useRuns, useStores, useWorkspace } from '../../stores/stores-context';
import { Modal } from '../common/modal';

const ACTIONS: Array<[BulkRunAction, string]> = [
  ['cancel', 'Cancel'],
  ['retry', 'Retry'],
  ['archive', 'Archive'],
  ['unarchive', 'Unarchive'],
];
const DONE: Record<BulkRunAction, string> = { cancel: 'cancelled', retry: 'retried', archive: 'archived', unarchive: 'unarchived', delete: 'deleted' };

/** What to do with the ticked runs, and what happened to each (failures by run, with why). */
export function RunBulkBar() {
  const { runs, runView } = useStores();
  const selected = useRuns(selectSelectedRuns);
  const pending = useRuns(selectBulkPending);
  const report = useRuns(selectBulkReport);
  const readOnly = useWorkspace(selectReadOnly);
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  if (readOnly || (selected.size === 0 && !report)) return null;
  const failed = report?.results.filter((r) => !r.ok) ?? [];
  const okCount = (report?.results.length ?? 0) - failed.length;
  const act = async (a: BulkRunAction) => {
    const done = await runs.getState().bulk(a);
    // The open run was just deleted: reopen it, so the run view says so instead of showing what is gone.
    const open = runView.getState().runId;
    if (open && done?.results.some((r) => r.ok && r.runId === open && r.summary?.deleted)) void runView.getState().open(open);
  };
  return (
    <div className="bulk" data-testid="bulk-bar">
      {selected.size > 0 ? (
        <div className="bulk-bar" role="toolbar" aria-label={`Actions on ${selected.size} selected runs`}>
          <span className="bulk-count">{selected.size} selected</span>
          {ACTIONS.map(([a, label]) => (
            <button key={a} type="button" className="btn small" disabled={pending !== null} onClick={() => void act(a)}>
              {pending === a ? `${label}…` : label}
            </button>
          ))}
          <button type="button" className="btn small danger" disabled={pending !== null} onClick={() => setConfirming(true)}>
            Delete…
          </button>
          <button type="button" className="btn small ghost" aria-label="Clear the selection" onClick={() => runs.getState().setSelected([])}>
            ✕
          </button>
        </div>
      ) : null}
      {report ? (
        <div className={`bulk-report${failed.length ? ' has-failures' : ''}`} role="status" data-testid="bulk-report">
          <div className="bulk-report-head">
            <strong>
              {okCount} {DONE[report.action]}
              {failed.length ? `, ${failed.length} not` : ''}
            </strong>
            <button type="button" className="btn small ghost" onClick={() => runs.getState().dismissBulkReport()}>
              Dismiss
            </button>
          </div>
          {failed.length ? (
            <ul className="bulk-failures">
              {failed.map((f) => (
                <li key={f.runId} data-run-id={f.runId}>
                  <span className="mono">{shortId(f.runId)}</span> <span className="tag">{f.ok ? '' : f.code}</span> {f.ok ? '' : f.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <Modal
        open={confirming}
        onOpenChange={setConfirming}
        title={`Delete ${selected.size} run${selected.size === 1 ? '' : 's'}?`}
        description="Their records, saved states, snapshots and artifacts are removed from the workspace. Each leaves a tombstone in the list: who deleted it, when, and the hash its chain ended on. Runs not finished, or held by another process, are refused and listed."
        initialFocus={confirm}
        testId="delete-runs-dialog"
        footer={
          <>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>Keep them</button>
            <button
              ref={confirm}
              type="button"
              className="btn danger"
              onClick={() => {
                setConfirming(false);
                void act('delete');
              }}
            >
              Delete
            </button>
          </>
        }
      />
    </div>
  );
}
