import { type ReactNode } from 'react';
import { type LedgerEntry, type LedgerRecord } from '../../../../shared/contract';
import { badgeForSeq, explainChainError } from '../../lib/chain-badges';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { currentSummary } from '../../stores/chain-store';
import { selectDiff, selectDiffError, selectDiffSeq, selectDiffStatus } from '../../stores/diff-store';
import { selectRunId, selectSelectedEntry, selectSelectedSeq } from '../../stores/run-view-store';
import { recordFor, type RecordState } from '../../stores/record-store';
import { useChain, useDiff, useRecord, useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { selectActorNames } from '../../stores/workspace-store';
import { ChainBadge } from '../common/chain-badge';
import { CopyText } from '../common/copy-text';
import { JsonTreeView } from '../common/json-tree-view';
import { ProgressBar } from '../common/progress-bar';
import { StatusBadge } from '../common/status-badge';
import { LlmCallView } from './llm-call-view';
import { StateDiffView } from './state-diff-view';
import { useOpenArtifact } from './use-open-artifact';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/**
 * The selected ledger record: its fields, effect, result, error, and the state change it made. The
 * row's summary shows at once; the record in full (its JSON texts) comes from `ledger.record`.
 */
export function RecordPanel() {
  const seq = useRunView(selectSelectedSeq);
  const runId = useRunView(selectRunId);
  const row = useRunView(selectSelectedEntry);
  const full = useRecord((s) => recordFor(s, runId, seq));
  const status = useRecord((s) => (s.runId === runId && s.seq === seq ? s.status : 'loading'));
  const error = useRecord((s) => s.error);
  if (seq === null) {
    return <div className="hint-text">Select a ledger record (click, or <kbd>j</kbd>/<kbd>k</kbd>) to see its effect, result and the state change it made.</div>;
  }
  if (status === 'gone') return <p className="field-error" role="alert">Record {seq} is no longer in this run&apos;s ledger: {error}</p>;
  const entry = full ?? row;
  if (!entry) return <div className="empty"><ProgressBar label="Loading record" />Loading record {seq}…</div>;
  return <RecordDetails entry={entry} full={full} status={status} error={error} />;
}

interface DetailsProps {
  /** The record in full when read, else its timeline row. */
  entry: LedgerEntry;
  full: LedgerRecord | null;
  status: RecordState['status'];
  error: string | null;
}

function RecordDetails({ entry, full, status, error }: DetailsProps) {
  const { runView } = useStores();
  const runId = useRunView(selectRunId);
  const summary = useChain((s) => currentSummary(s, runId));
  const badge = badgeForSeq(summary, entry.seq);
  const chainErrors = summary?.errors.filter((e) => e.seq === entry.seq) ?? [];
  const openArtifact = useOpenArtifact();
  const actorName = useWorkspace((s) => (entry.actorId ? (selectActorNames(s).get(entry.actorId) ?? null) : null));
  return (
    <div className="record-panel">
      <header className="panel-head">
        <ChainBadge badge={badge} />
        <strong>Record {entry.seq}</strong>
        {entry.failure && entry.status !== 'failed' ? <span className="status failed">tool failed</span> : <StatusBadge status={entry.status} />}
        <button type="button" className="link mono" title="Show only this node's records" onClick={() => runView.getState().setFilter({ nodeId: entry.nodeId })}>{entry.nodeId}</button>
      </header>
      {chainErrors.map((e) => (
        <p key={e.type} className="chain-error" role="alert">{explainChainError(e)}</p>
      ))}
      <dl className="fields">
        <Field label="kind">{entry.kind}{entry.effectType ? <> · <span className="mono">{entry.effectType}</span></> : null}</Field>
        <Field label="attempt">{entry.attempt}</Field>
        <Field label="started">{formatTimestamp(entry.startedAt)}</Field>
        <Field label="ended">{formatTimestamp(entry.endedAt)} <span className="faint">({formatDuration(entry.durationMs)})</span></Field>
        <Field label="actor">
          {entry.actorId ? (
            <>
              {actorName ? <strong>{actorName} </strong> : null}
              <CopyText text={entry.actorId} label="actor id" />
            </>
          ) : (
            <span className="faint">none recorded</span>
          )}
        </Field>
        {full ? <Field label="step id"><CopyText text={full.stepId} label="step id" /></Field> : null}
        {full?.idempotencyKey ? <Field label="idempotency"><CopyText text={full.idempotencyKey} label="idempotency key" /></Field> : null}
        <Field label="prev hash">{entry.prevHash ? <CopyText text={entry.prevHash} display={entry.prevHash.slice(0, 24)} label="previous hash" /> : <span className="faint">— (first record)</span>}</Field>
        <Field label="record hash">{entry.recordHash ? <CopyText text={entry.recordHash} display={entry.recordHash.slice(0, 24)} label="record hash" /> : <span className="faint">missing</span>}</Field>
        {entry.trace ? (
          <>
            <Field label="trace id"><CopyText text={entry.trace.traceId} label="trace id" /></Field>
            <Field label="span id"><CopyText text={entry.trace.spanId} label="span id" /></Field>
          </>
        ) : null}
        {full?.signature ? <Field label="signature"><CopyText text={full.signature} display={full.signature.slice(0, 24)} label="signature" /></Field> : null}
      </dl>
      {full?.error || entry.failure ? (
        <section className="panel-section">
          <h3 className="section-title">Error</h3>
          <pre className="error-text">{full ? (full.error ?? full.failure) : entry.failure}</pre>
        </section>
      ) : null}
      {full ? <RecordTexts record={full} /> : status === 'error' ? <p className="field-error">Could not read the record: {error}</p> : <ProgressBar label="Loading the record" />}
      <section className="panel-section">
        <h3 className="section-title">State change</h3>
        <RecordDiff seq={entry.seq} />
      </section>
      {full ? (
        <details className="panel-section raw">
          <summary className="section-title">Record as written (JSONL)</summary>
          <JsonTreeView json={full.recordJson} label="Raw record" openDepth={1} onArtifact={openArtifact} />
        </details>
      ) : null}
    </div>
  );
}

/** What the record carried: the LLM call at a glance, the effect, the result. */
function RecordTexts({ record }: { record: LedgerRecord }) {
  const openArtifact = useOpenArtifact();
  return (
    <>
      <LlmCallView entry={record} />
      {record.effectJson ? (
        <section className="panel-section">
          <h3 className="section-title">Effect</h3>
          <JsonTreeView json={record.effectJson} label="Effect" onArtifact={openArtifact} />
        </section>
      ) : null}
      <section className="panel-section">
        <h3 className="section-title">Result</h3>
        <JsonTreeView json={record.resultJson} label="Result" onArtifact={openArtifact} />
      </section>
    </>
  );
}

function RecordDiff({ seq }: { seq: number }) {
  const diff = useDiff(selectDiff);
  const status = useDiff(selectDiffStatus);
  const error = useDiff(selectDiffError);
  const diffSeq = useDiff(selectDiffSeq);
  if (status === 'error') return <p className="field-error">Could not compute the diff: {error}</p>;
  if (status === 'loading' || diffSeq !== seq || !diff) return <ProgressBar label="Computing the state diff" />;
  return <StateDiffView changes={diff.changes} title={`State change made by record ${seq}`} />;
}
