import { chainHeadline } from '../../lib/chain-badges';
import { formatCount, formatTimestamp, shortHash } from '../../lib/format';
import { currentSummary, latestJobOf } from '../../stores/chain-store';
import { selectLedger, selectRunId } from '../../stores/run-view-store';
import { useChain, useRunView, useStores } from '../../stores/stores-context';
import { CopyText } from '../common/copy-text';
import { Hint } from '../common/hint';
import { ProgressBar } from '../common/progress-bar';

const ICON = { ok: '✓', broken: '!', partial: '✓', unchecked: '○', unchained: '–' } as const;

/** The verdict on the run's hash chain, in words, with the first broken record one click away. */
export function ChainSummaryBar() {
  const stores = useStores();
  const runId = useRunView(selectRunId);
  const ledger = useRunView(selectLedger);
  const summary = useChain((s) => currentSummary(s, runId));
  const job = useChain((s) => latestJobOf(s, runId));
  const running = job !== null && !job.progress.finished;
  const head = chainHeadline(summary, ledger.total);
  return (
    <div className={`chain-bar tone-${head.tone}`} data-testid="chain-summary" data-ok={summary ? String(summary.ok) : 'unknown'} data-chain={summary?.chain ?? 'unknown'} role="region" aria-label="Hash-chain summary">
      <span className={`chain-bar-icon tone-${head.tone}`} aria-hidden="true">{ICON[head.tone]}</span>
      <div className="chain-bar-text">
        <span className="chain-headline">{head.text}</span>
        <span className="chain-meta faint">
          {summary ? (
            <>
              {formatCount(summary.verifiedCount)}/{formatCount(summary.count)} verified · head{' '}
              {summary.headHash ? <CopyText text={summary.headHash} display={shortHash(summary.headHash, 16)} label="head hash" /> : '—'} · checked{' '}
              {formatTimestamp(summary.checkedAt)}
            </>
          ) : (
            'Each record stores the hash of the one before it: verifying proves nothing was edited, removed or reordered.'
          )}
        </span>
        {running ? (
          <div className="chain-progress">
            <ProgressBar done={job.progress.done} total={job.progress.total} label="Verifying the hash chain" />
            <span className="faint">
              verifying {job.progress.total > 0 ? `${formatCount(job.progress.done)} / ${formatCount(job.progress.total)}` : '…'}
            </span>
          </div>
        ) : null}
      </div>
      {summary && summary.firstBadSeq !== null ? (
        <button
          type="button"
          className="btn small danger"
          data-testid="jump-to-broken"
          onClick={() => stores.runView.getState().select(summary.firstBadSeq!, { scroll: true, center: true })}
        >
          Jump to record {summary.firstBadSeq}
        </button>
      ) : null}
      <Hint text="Verify every record's hash and link" keys="v">
        <button type="button" className="btn small" data-testid="verify-button" disabled={!runId || running} onClick={() => runId && void stores.chain.getState().verify(runId)}>
          {running ? 'Verifying…' : summary ? 'Verify again' : 'Verify chain'}
        </button>
      </Hint>
    </div>
  );
}
