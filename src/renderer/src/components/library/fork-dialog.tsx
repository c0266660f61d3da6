import { useEffect, useMemo, useRef, useState } from 'react';
import { type RunDetail } from '../../../../shared/contract';
import { checkVarsText, sameJson, varsEdits, varsTextOf } from '../../lib/state-vars';
import { useStores } from '../../stores/stores-context';
import { Modal } from '../common/modal';
import { ProgressBar } from '../common/progress-bar';
import { useStateAt } from '../inspector/use-state-at';

/**
 * Fork with an editable state: the vars saved after the chosen record, in a JSON editor. The text
 * is checked as the person types (lossless-json, so big numbers stay exact); the backend records
 * the diff of the edit in the fork's origin. Unchanged vars make a plain fork.
 */
export function ForkDialog({ detail, seq, open, onOpenChange }: { detail: RunDetail; seq: number; open: boolean; onOpenChange(open: boolean): void }) {
  const { control } = useStores();
  const at = useStateAt(open ? detail.runId : null, open ? seq : null);
  const original = useMemo(() => (at.status === 'ready' ? varsTextOf(at.state.stateJson) : null), [at]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const editor = useRef<HTMLTextAreaElement>(null);
  // Each opening starts from the saved vars: a cancelled edit is not carried into the next fork.
  useEffect(() => {
    if (open && original !== null) setText(original);
  }, [open, original]);
  const check = checkVarsText(text);
  const unchanged = original !== null && check.ok && sameJson(text, original);
  const edits = useMemo(() => (original !== null && check.ok && !unchanged ? varsEdits(original, text) : []), [original, text, check.ok, unchanged]);
  const submit = async () => {
    if (!check.ok || original === null) return;
    setBusy(true);
    const fork = await control.getState().fork(unchanged ? { seq } : { seq, varsJson: text });
    setBusy(false);
    // A refused fork (reported by the store) keeps the dialog and the edit, so nothing typed is lost.
    if (fork) onOpenChange(false);
  };
  return (
    <Modal
      open={open}
      onOpenChange={(o) => !busy && onOpenChange(o)}
      title={`Fork at record #${seq}`}
      description="The fork starts from the state saved after this record, paused. Edit its vars first if you like: the change is recorded in the fork's origin."
      wide
      testId="fork-dialog"
      initialFocus={editor}
      footer={
        <>
          <span className="grow faint" data-testid="fork-edit-summary">{original === null ? '' : !check.ok ? 'Fix the JSON to fork.' : unchanged ? 'Vars unchanged: a plain fork.' : 'Edited: the diff goes into the fork\u2019s origin.'}</span>
          <button type="button" className="btn" disabled={busy} onClick={() => onOpenChange(false)}>Cancel</button>
          {!unchanged && original !== null ? (
            <button type="button" className="btn" disabled={busy} onClick={() => setText(original)}>Undo edits</button>
          ) : null}
          <button type="button" className="btn primary" data-testid="fork-submit" disabled={!check.ok || original === null || busy} onClick={() => void submit()}>
            {busy ? 'Forking…' : unchanged ? 'Fork' : 'Fork with edits'}
          </button>
        </>
      }
    >
      {at.status === 'loading' ? <ProgressBar label={`Reading the state after record ${seq}`} /> : null}
      {at.status === 'error' ? <p className="field-error" role="alert">{at.message}</p> : null}
      <label className="field">
        <span>vars after record #{seq}</span>
        <textarea
          ref={editor}
          className="textarea mono json-editor"
          rows={18}
          spellCheck={false}
          aria-label="Vars as JSON"
          aria-invalid={!check.ok}
          aria-describedby="fork-json-error"
          data-testid="fork-vars"
          value={text}
          disabled={original === null}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {!check.ok && original !== null ? (
        <p id="fork-json-error" className="field-error" role="alert" data-testid="fork-json-error">{check.message}</p>
      ) : null}
      {edits.length > 0 ? (
        <div className="fork-edits" data-testid="fork-edits">
          <span className="faint">Recorded in the fork&apos;s origin:</span>
          <ul aria-label="Edits to the vars">
            {edits.map((e) => (
              <li key={e.path} className={`edit-${e.kind}`}><span className="edit-kind">{e.kind}</span> <span className="mono">{e.path}</span></li>
            ))}
          </ul>
        </div>
      ) : null}
    </Modal>
  );
}
