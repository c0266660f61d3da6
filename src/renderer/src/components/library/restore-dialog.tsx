import { useStore } from 'zustand';
import { selectRestoreConfirmation, type SnapshotsStoreApi } from '../../stores/snapshots-store';
import { useStores } from '../../stores/stores-context';
import { Modal } from '../common/modal';
import { ProgressBar } from '../common/progress-bar';
import { StateDiffView } from '../inspector/state-diff-view';

/** Confirms a restore by showing exactly what would change in the run's state. */
export function RestoreDialog({ api: snapshots }: { api: SnapshotsStoreApi }) {
  const { runView, ui } = useStores();
  const c = useStore(snapshots, selectRestoreConfirmation);
  const snap = c?.preview?.snapshot;
  return (
    <Modal
      open={c !== null}
      onOpenChange={(o) => !o && snapshots.getState().cancelRestore()}
      title={snap ? `Restore “${snap.name}”?` : 'Restore snapshot?'}
      description={snap ? `Run ${snap.runId} goes back to node ${snap.currentNode ?? '?'} (${snap.status ?? '?'}). These are the changes to its state:` : 'Computing what would change…'}
      wide
      testId="restore-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={() => snapshots.getState().cancelRestore()}>Keep the run as it is</button>
          <button
            type="button"
            className="btn primary"
            data-testid="restore-confirm"
            disabled={c?.status !== 'ready'}
            // Fire-and-forget: confirmRestore reports its own failure (ui.reportError) and resolves null.
            onClick={() => void snapshots.getState().confirmRestore().then((detail) => {
              if (detail) {
                // The restored state has another ledger head: reopen the run rather than patch it.
                ui.getState().setView('run');
                void runView.getState().open(detail.runId);
              }
            })}
          >
            Restore
          </button>
        </>
      }
    >
      {c?.status === 'loading' ? <ProgressBar label="Computing the restore diff" /> : null}
      {c?.status === 'error' ? <p className="field-error">Could not compute what would change: {c.error}. Close this and try again.</p> : null}
      {c?.preview ? <StateDiffView changes={c.preview.changes} title="Changes a restore would make" testId="restore-diff" /> : null}
    </Modal>
  );
}
