import { useMemo, useState } from 'react';
import { selectDiff, selectDiffError, selectDiffStatus } from '../../stores/diff-store';
import { varsTextOf } from '../../lib/state-vars';
import { selectDetail, selectLedger, selectSelectedSeq } from '../../stores/run-view-store';
import { useCompare, useRunView, useStores } from '../../stores/stores-context';
import { JsonTreeView } from '../common/json-tree-view';
import { ProgressBar } from '../common/progress-bar';
import { StateDiffView } from './state-diff-view';
import { useOpenArtifact } from './use-open-artifact';
import { useStateAt } from './use-state-at';

/**
 * The run's state where the person is looking: after the selected record (time travel), or its
 * current vars and output when no record is selected; and a diff between any two records' states.
 */
export function StatePanel() {
  const detail = useRunView(selectDetail);
  const seq = useRunView(selectSelectedSeq);
  if (!detail) return <div className="hint-text">No run selected.</div>;
  return seq !== null ? <StateAtRecord runId={detail.runId} seq={seq} /> : <CurrentState />;
}

/** The state saved after the selected record; it follows the selection as it moves. */
function StateAtRecord({ runId, seq }: { runId: string; seq: number }) {
  const { runView } = useStores();
  const openArtifact = useOpenArtifact();
  const at = useStateAt(runId, seq);
  const ready = at.status === 'ready' && at.state.runId === runId && at.state.seq === seq ? at.state : null;
  const varsJson = useMemo(() => (ready ? varsTextOf(ready.stateJson) : null), [ready]);
  return (
    <div className="state-panel" data-testid="state-at-record" data-seq={seq}>
      <div className="state-following">
        <span>State after record <span className="mono">#{seq}</span></span>
        <button type="button" className="btn small" data-testid="state-show-current" onClick={() => runView.getState().select(null)}>Show the current state</button>
      </div>
      {at.status === 'loading' ? <ProgressBar label={`Reading the state after record ${seq}`} /> : null}
      {at.status === 'error' ? <p className="field-error" role="alert" data-testid="state-at-error">{at.message}</p> : null}
      {ready && varsJson !== null ? (
        <>
          <section className="panel-section">
            <h3 className="section-title">Vars</h3>
            <JsonTreeView json={varsJson} label={`Vars after record ${seq}`} openDepth={2} onArtifact={openArtifact} />
          </section>
          <CompareStates />
          <details className="panel-section raw">
            <summary className="section-title">Whole run state after record #{seq}</summary>
            <JsonTreeView json={ready.stateJson} label={`Whole run state after record ${seq}`} openDepth={1} onArtifact={openArtifact} />
          </details>
        </>
      ) : null}
    </div>
  );
}

function CurrentState() {
  const detail = useRunView(selectDetail)!;
  const openArtifact = useOpenArtifact();
  return (
    <div className="state-panel" data-testid="state-current">
      <div className="state-following faint">Current state. Select a record in the timeline to see the state after it.</div>
      <section className="panel-section">
        <h3 className="section-title">Vars</h3>
        <JsonTreeView json={detail.varsJson} label="Run vars" openDepth={2} onArtifact={openArtifact} />
      </section>
      {detail.outputJson ? (
        <section className="panel-section">
          <h3 className="section-title">Output</h3>
          <JsonTreeView json={detail.outputJson} label="Run output" onArtifact={openArtifact} />
        </section>
      ) : null}
      <CompareStates />
      <details className="panel-section raw">
        <summary className="section-title">Whole run state (run_&lt;id&gt;.json)</summary>
        <JsonTreeView json={detail.stateJson} label="Whole run state" openDepth={1} onArtifact={openArtifact} />
      </details>
    </div>
  );
}

function CompareStates() {
  const { compare, runView } = useStores();
  const ledger = useRunView(selectLedger);
  const diff = useCompare(selectDiff);
  const status = useCompare(selectDiffStatus);
  const error = useCompare(selectDiffError);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const max = ledger.total - 1;
  const parse = (v: string) => (v.trim() === '' ? null : Number(v));
  const f = parse(from);
  const t = parse(to) ?? max;
  const valid = max >= 0 && (f === null || (Number.isInteger(f) && f >= 0 && f <= max)) && Number.isInteger(t) && t >= 0 && t <= max;
  return (
    <section className="panel-section">
      <h3 className="section-title">Compare two states</h3>
      <form
        className="compare-form"
        onSubmit={(e) => {
          e.preventDefault();
          const runId = runView.getState().runId;
          if (runId && valid) compare.getState().compare(runId, f, t);
        }}
      >
        <label className="field inline">
          <span>after record</span>
          <input className="input mono" inputMode="numeric" placeholder="start" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="Compare from the state after record (empty: the initial state)" />
        </label>
        <label className="field inline">
          <span>with after record</span>
          <input className="input mono" inputMode="numeric" placeholder={String(Math.max(0, max))} value={to} onChange={(e) => setTo(e.target.value)} aria-label="Compare with the state after record" />
        </label>
        <button type="submit" className="btn small" disabled={!valid}>Compare</button>
      </form>
      {!valid && max >= 0 ? <p className="field-error">Records go from 0 to {max}.</p> : null}
      {status === 'loading' ? <ProgressBar label="Comparing states" /> : null}
      {status === 'error' ? <p className="field-error">{error}</p> : null}
      {status === 'ready' && diff ? <StateDiffView changes={diff.changes} title={`States from ${diff.fromSeq ?? 'start'} to ${diff.toSeq}`} testId="state-compare" /> : null}
    </section>
  );
}
