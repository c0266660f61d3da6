import { memo } from 'react';
import { type ChainBadge as Badge, type LedgerEntry } from '../../../../shared/contract';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { ChainBadge } from '../common/chain-badge';
import { StatusBadge } from '../common/status-badge';

interface LedgerRowProps {
  seq: number;
  entry: LedgerEntry | undefined;
  badge: Badge;
  /** The display name of the record's actor, when the source knows it. */
  actorName?: string | null;
  selected: boolean;
  onSelect(seq: number): void;
}

const KIND_TEXT: Record<LedgerEntry['kind'], string> = { effect: '', completion: 'completion', resume: 'resume', cancel: 'cancel', restore: 'restore', fork: 'fork', status: 'status', other: '' };

/** One ledger record: chain badge, seq, node, effect, status, attempt, duration, actor, time. */
export const LedgerRow = memo(function LedgerRow({ seq, entry, badge, actorName = null, selected, onSelect }: LedgerRowProps) {
  if (!entry) {
    return (
      <div className="ledger-row loading" role="row" data-testid="ledger-row" data-seq={seq} data-chain={badge} aria-label={`Record ${seq}, loading`}>
        <span role="cell" className="c-chain"><ChainBadge badge={badge} /></span>
        <span role="cell" className="c-seq mono">{seq}</span>
        <span role="cell" className="c-rest"><span className="skeleton" style={{ width: 160 }} /></span>
      </div>
    );
  }
  const effect = entry.systemText ?? entry.effectType ?? KIND_TEXT[entry.kind];
  return (
    <div
      className={`ledger-row${selected ? ' selected' : ''} st-${entry.failure ? 'failed' : entry.status}${badge === 'broken' ? ' broken' : ''}`}
      role="row"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-testid="ledger-row"
      data-seq={seq}
      data-chain={badge}
      data-failed={entry.failure ? 'true' : undefined}
      title={entry.failure ?? undefined}
      onClick={() => onSelect(seq)}
    >
      <span role="cell" className="c-chain"><ChainBadge badge={badge} /></span>
      <span role="cell" className="c-seq mono">{seq}</span>
      <span role="cell" className="c-node mono ellipsis" title={entry.nodeId}>{entry.nodeId}</span>
      <span role="cell" className="c-effect ellipsis">
        {effect ? <span className={`effect-tag k-${entry.kind}`} title={effect}>{effect}</span> : <span className="faint">—</span>}
      </span>
      <span role="cell" className="c-status">
        {/* An effect can complete with its tool calls failed inside: that is a failure to see, not a green "completed". */}
        {entry.failure && entry.status !== 'failed' ? <span className="status failed">tool failed</span> : <StatusBadge status={entry.status} />}
      </span>
      <span role="cell" className={`c-attempt mono${entry.attempt > 1 ? ' retry' : ''}`} title={`Attempt ${entry.attempt}`}>{entry.attempt > 1 ? `#${entry.attempt}` : '1'}</span>
      <span role="cell" className="c-duration mono">{formatDuration(entry.durationMs)}</span>
      <span role="cell" className={`c-actor ellipsis${actorName ? '' : ' mono'}`} title={entry.actorId ?? 'no actor recorded'}>{actorName ?? entry.actorId ?? '—'}</span>
      <span role="cell" className="c-time mono faint">{formatTimestamp(entry.startedAt).slice(11)}</span>
    </div>
  );
});
