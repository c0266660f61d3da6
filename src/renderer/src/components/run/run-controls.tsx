import { useState } from 'react';
import { type RunDetail } from '../../../../shared/contract';
import { shortcutKey } from '../../lib/shortcuts';
import { selectPendingCommand, type RunCommand } from '../../stores/run-control-store';
import { selectLedger, selectSelectedSeq } from '../../stores/run-view-store';
import { selectDrivenByWorkers, selectReadOnly } from '../../stores/workspace-store';
import { useControl, useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { Hint } from '../common/hint';
import { Icon, type IconName } from '../common/icon';
import { Modal } from '../common/modal';
import { ForkDialog } from '../library/fork-dialog';
import { ExportBundleButton } from './export-bundle-button';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * What can be done to a run right now; the reason a button is disabled is in its tooltip. With
 * `drivenByWorkers` (a PostgreSQL workspace) the workers drive every run: nothing here steps,
 * continues or pauses one, while cancels, forks, bookmarks and audit bundles still work (they are
 * asked of the workers, written as data, or read).
 */
export function runAbilities(d: RunDetail, readOnly: boolean, drivenByWorkers = false) {
  const live = !FINISHED.has(d.status);
  const drive = !readOnly && !drivenByWorkers;
  return {
    step: drive && d.status === 'running',
    // A held run that waits (a timer, an event, an answer) is let go too: it goes on when the wait ends.
    continue: drive && live && d.paused,
    pause: drive && live && !d.paused,
    cancel: !readOnly && live,
    fork: !readOnly,
    bookmark: !readOnly,
    // Read from the stores, SQLite or PostgreSQL alike: only a read-only source exports nothing.
    exportBundle: !readOnly,
  };
}

const WORKERS_DRIVE = 'The workers of this PostgreSQL workspace drive its runs: this Studio runs no workflow code, so it cannot step, continue or pause them (answers, cancels, restores and forks work).';

/**
 * A toolbar command. `detail` (e.g. the record it acts at) follows the label and is the first
 * thing dropped when the main area is narrow; the tooltip always says it in full.
 */
function Cmd(props: { cmd: RunCommand | null; label: string; detail?: string; icon: IconName; keys?: string; enabled: boolean; why: string; primary?: boolean; testId?: string; onClick(): void }) {
  const pending = useControl(selectPendingCommand);
  const busy = props.cmd !== null && pending === props.cmd;
  return (
    <Hint text={props.enabled ? `${props.label}${props.detail ?? ''}` : props.why} keys={props.keys}>
      <span className="btn-wrap">
        <button
          type="button"
          className={`btn${props.primary ? ' primary' : ''}`}
          data-testid={props.testId}
          aria-keyshortcuts={props.keys}
          aria-busy={busy}
          disabled={!props.enabled || pending !== null}
          onClick={props.onClick}
        >
          {busy ? <span className="spinner small" aria-hidden="true" /> : <Icon name={props.icon} />}
          {props.label}
          {props.detail ? <span className="cmd-detail">{props.detail}</span> : null}
          {props.keys ? <kbd aria-hidden="true">{props.keys}</kbd> : null}
        </button>
      </span>
    </Hint>
  );
}

export function RunControls({ detail }: { detail: RunDetail }) {
  const { control, ui } = useStores();
  const readOnly = useWorkspace(selectReadOnly);
  const workers = useWorkspace(selectDrivenByWorkers);
  const selectedSeq = useRunView(selectSelectedSeq);
  const total = useRunView(selectLedger).total;
  const [cancelling, setCancelling] = useState(false);
  const [editFork, setEditFork] = useState(false);
  // Time travel: fork and bookmark act at the selected record, else at the run's last one.
  const atSeq = selectedSeq ?? (total > 0 ? total - 1 : null);
  const [reason, setReason] = useState('');
  const can = runAbilities(detail, readOnly, workers);
  const ro = workers ? WORKERS_DRIVE : 'This workspace is read-only (opened for audit).';
  const notRunning = detail.status === 'waiting' ? 'The run is waiting: answer its prompt to move it on.' : `The run is ${detail.status}.`;
  return (
    <div className="run-controls" role="toolbar" aria-label="Run controls">
      <Cmd cmd="step" label="Step" icon="step" keys={shortcutKey('step')} enabled={can.step} primary testId="step-button" why={readOnly || workers ? ro : notRunning} onClick={() => void control.getState().step()} />
      <Cmd cmd="continue" label="Continue" icon="play" keys={shortcutKey('continue')} enabled={can.continue} testId="continue-button" why={readOnly || workers ? ro : detail.paused ? notRunning : 'The run is not paused: the scheduler is already driving it.'} onClick={() => void control.getState().continueRun()} />
      <Cmd cmd="pause" label="Pause" icon="pause" keys={shortcutKey('pause')} enabled={can.pause} testId="pause-button" why={readOnly || workers ? ro : detail.paused ? 'Already paused.' : `The run is ${detail.status}.`} onClick={() => void control.getState().pause()} />
      <Cmd cmd="cancel" label="Cancel" icon="stop" enabled={can.cancel} testId="cancel-button" why={readOnly ? ro : `The run is ${detail.status}.`} onClick={() => setCancelling(true)} />
      <span className="toolbar-sep" />
      <Cmd cmd="fork" label="Fork" detail={selectedSeq !== null ? ` at #${selectedSeq}` : undefined} icon="fork" keys={shortcutKey('fork')} enabled={can.fork} testId="fork-button" why={ro} onClick={() => void control.getState().fork({ seq: selectedSeq ?? undefined })} />
      <Cmd cmd={null} label="Edit & fork…" icon="fork" enabled={can.fork && atSeq !== null} testId="fork-edit-button" why={readOnly ? ro : 'The run has no records yet.'} onClick={() => setEditFork(true)} />
      <Cmd cmd={null} label="Bookmark" detail={selectedSeq !== null ? ` #${selectedSeq}` : undefined} icon="bookmark" keys={shortcutKey('bookmark')} enabled={can.bookmark} testId="bookmark-button" why={ro} onClick={() => ui.getState().requestBookmark()} />
      <ExportBundleButton detail={detail} enabled={can.exportBundle} why={ro} />
      {atSeq !== null ? <ForkDialog detail={detail} seq={atSeq} open={editFork} onOpenChange={setEditFork} /> : null}
      <Modal
        open={cancelling}
        onOpenChange={setCancelling}
        title="Cancel this run?"
        description={`Run ${detail.runId} and its ${detail.children.length} child run(s) stop for good. The ledger records who cancelled it and why.`}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setCancelling(false)}>Keep running</button>
            <button
              type="button"
              className="btn primary"
              onClick={() => {
                setCancelling(false);
                void control.getState().cancel(reason.trim() || null);
              }}
            >
              Cancel run
            </button>
          </>
        }
      >
        <label className="field">
          <span>Reason (optional, recorded)</span>
          <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Reason for cancelling" autoFocus />
        </label>
      </Modal>
    </div>
  );
}
