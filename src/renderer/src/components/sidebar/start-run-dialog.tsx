import { useRef, useState } from 'react';
import { checkJsonInput } from '../../lib/prompt-payloads';
import { selectPendingCommand } from '../../stores/run-control-store';
import { useControl, useStores } from '../../stores/stores-context';
import { Modal } from '../common/modal';
import { focusSoon, runRowButton } from '../shell/focus-next';

/** Starts a run of a workflow with initial vars, paused at its entry node by default (to step it). */
export function StartRunDialog({ workflowId, onClose }: { workflowId: string | null; onClose(): void }) {
  const { control } = useStores();
  const pending = useControl(selectPendingCommand);
  const [vars, setVars] = useState('{}');
  const [paused, setPaused] = useState(true);
  const started = useRef<string | null>(null);
  const error = vars.trim() === '' ? null : checkJsonInput(vars, 'initial vars');
  const submit = async () => {
    if (!workflowId || error) return;
    const detail = await control.getState().start(workflowId, vars.trim() || null, paused);
    if (!detail) return;
    started.current = detail.runId;
    onClose();
  };
  return (
    <Modal
      open={workflowId !== null}
      onOpenChange={(o) => !o && onClose()}
      title={`Start ${workflowId ?? ''}`}
      description="The run is saved to the workspace and appears in the runs list."
      onCloseAutoFocus={(e) => {
        // Started: the next action is on the new run (its row: Enter opens it, s steps it), not on ▶ Start.
        const runId = started.current;
        if (!runId) return;
        e.preventDefault();
        focusSoon(() => runRowButton(runId));
      }}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="start-run-form" className="btn primary" disabled={!!error || pending === 'start'} data-testid="start-run-submit">
            {pending === 'start' ? 'Starting…' : paused ? 'Start paused' : 'Start'}
          </button>
        </>
      }
    >
      <form
        id="start-run-form"
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Initial vars (JSON object)</span>
          <textarea className="textarea code" rows={6} value={vars} onChange={(e) => setVars(e.target.value)} aria-label="Initial vars as JSON" spellCheck={false} />
          {error ? <span className="field-error">{error}</span> : null}
        </label>
        <label className="check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />
          Pause at the entry node, to step it node by node
        </label>
      </form>
    </Modal>
  );
}
