import { useMemo, useState } from 'react';
import { type ChainSummary, type LedgerEntry } from '../../../../shared/contract';
import { chainErrorAdviceOf, explainChainError } from '../../lib/chain-badges';
import { formatCount, formatTimestamp } from '../../lib/format';
import { loadedCount, loadedEntries } from '../../lib/ledger-cache';
import { currentSummary, latestJobOf } from '../../stores/chain-store';
import { selectLedger, selectRunId } from '../../stores/run-view-store';
import { selectWorkspace } from '../../stores/workspace-store';
import { useChain, useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';
import { OpenFolderDialog, type FolderKind } from '../shell/open-folder-dialog';

interface ActorStat {
  actorId: string;
  records: number;
  firstSeq: number;
}

function actorsOf(entries: readonly LedgerEntry[]): ActorStat[] {
  const m = new Map<string, ActorStat>();
  for (const e of entries) {
    const id = e.actorId ?? '(none)';
    const s = m.get(id);
    if (s) s.records++;
    else m.set(id, { actorId: id, records: 1, firstSeq: e.seq });
  }
  return [...m.values()].sort((a, b) => b.records - a.records);
}

/** A run's audit: chain verification, who acted, who answered which prompt. */
/** The verdict on the chain in one sentence; unchained is calm: nothing is wrong, there is just nothing to check. */
const VERDICT: Record<ChainSummary['chain'], (count: number, verified: number) => string> = {
  verified: (_count, verified) => `The chain verifies: all ${formatCount(verified)} records are as written.`,
  broken: () => 'The chain is broken.',
  unchained: (count) => `Not chained: these ${formatCount(count)} records carry no hashes, so there is no tamper evidence to check.`,
};

export function ProvenancePanel() {
  const stores = useStores();
  const runId = useRunView(selectRunId);
  const ledger = useRunView(selectLedger);
  const workspace = useWorkspace(selectWorkspace);
  const [opening, setOpening] = useState<FolderKind | null>(null);
  const summary = useChain((s) => currentSummary(s, runId));
  const job = useChain((s) => latestJobOf(s, runId));
  const running = job !== null && !job.progress.finished;
  const entries = useMemo(() => loadedEntries(ledger), [ledger]);
  const actors = useMemo(() => actorsOf(entries), [entries]);
  const answers = useMemo(() => entries.filter((e) => e.kind === 'resume'), [entries]);
  const partial = loadedCount(ledger) < ledger.total;

  return (
    <div className="provenance-panel">
      <section className="panel-section">
        <h3 className="section-title">Hash chain</h3>
        {!runId ? <p className="faint">Select a run to verify its ledger.</p> : null}
        {running ? (
          <div className="verify-progress">
            <ProgressBar done={job.progress.done} total={job.progress.total} label="Verifying the hash chain" />
            <span className="faint">{formatCount(job.progress.done)} of {formatCount(job.progress.total)} records checked</span>
          </div>
        ) : null}
        {summary ? (
          <div className={`verdict ${summary.chain === 'unchained' ? 'unchained' : summary.ok ? 'ok' : 'broken'}`} data-testid="provenance-verdict" data-chain={summary.chain}>
            <strong>{VERDICT[summary.chain](summary.count, summary.verifiedCount)}</strong>
            {!summary.ok ? (
              <ul className="chain-errors">
                {summary.errors.slice(0, 20).map((e) => (
                  <li key={`${e.seq}:${e.type}`}>
                    <button type="button" className="link mono" onClick={() => stores.runView.getState().select(e.seq, { scroll: true, center: true })}>#{e.seq}</button> {explainChainError(e)}
                  </li>
                ))}
                {summary.errors.length > 20 ? <li className="faint">…and {summary.errors.length - 20} more.</li> : null}
              </ul>
            ) : null}
            {!summary.ok && summary.errors[0] && chainErrorAdviceOf(summary.errors[0]) ? <p className="chain-advice" data-testid="chain-advice">What to do: {chainErrorAdviceOf(summary.errors[0])}</p> : null}
            <span className="faint">Checked {formatTimestamp(summary.checkedAt)}</span>
          </div>
        ) : null}
        {runId ? (
          <button type="button" className="btn small" disabled={running} onClick={() => void stores.chain.getState().verify(runId)}>
            {running ? 'Verifying…' : 'Verify chain'}
          </button>
        ) : null}
      </section>
      <section className="panel-section">
        <h3 className="section-title">Who answered</h3>
        {answers.length === 0 ? <p className="faint">No prompt was answered{partial ? ' in the loaded records' : ''}.</p> : null}
        <ul className="answers">
          {answers.map((e) => (
            <li key={e.seq}>
              <button type="button" className="link mono" onClick={() => stores.runView.getState().select(e.seq, { scroll: true, center: true })}>#{e.seq}</button>{' '}
              <span className="mono">{e.actorId ?? 'unknown actor'}</span> answered at <span className="mono">{e.nodeId}</span>{' '}
              <span className="faint">{formatTimestamp(e.endedAt ?? e.startedAt)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel-section">
        <h3 className="section-title">Actors{partial ? ` (in the ${formatCount(loadedCount(ledger))} loaded records)` : ''}</h3>
        <table className="actors">
          <thead><tr><th>actor id</th><th>records</th><th>first</th></tr></thead>
          <tbody>
            {actors.map((a) => (
              <tr key={a.actorId}><td className="mono">{a.actorId}</td><td>{formatCount(a.records)}</td><td className="mono">#{a.firstSeq}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel-section">
        <h3 className="section-title">Audit elsewhere</h3>
        <p className="faint">
          {workspace?.kind === 'python-folder'
            ? 'This is a Python data folder, opened read-only: its chains verify with the same rules as the Python tool.'
            : workspace?.kind === 'bundle'
              ? "This is an audit bundle, opened read-only: verifying shows the bundle's own findings (chain, signed checkpoints, keys, seal) on its records."
              : 'Audit runs written by the Python AbstractRuntime, or a run exported as an audit bundle: open it read-only and verify it here.'}
        </p>
        <div className="row">
          <button type="button" className="btn small" data-testid="open-python-folder" onClick={() => setOpening('python')}>Open Python data folder…</button>
          <button type="button" className="btn small" data-testid="open-bundle" onClick={() => setOpening('bundle')}>Open audit bundle…</button>
        </div>
        <OpenFolderDialog kind={opening} onClose={() => setOpening(null)} />
      </section>
    </div>
  );
}
