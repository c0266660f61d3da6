import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { type WorkflowInfo } from '../../../../shared/contract';
import { badgeForSeq } from '../../lib/chain-badges';
import { entryAt, seqAtRow } from '../../lib/ledger-cache';
import { currentSummary } from '../../stores/chain-store';
import {
  selectFiltered,
  selectLedger,
  selectRunId,
  selectScrollTarget,
  selectSelectedSeq,
  timelineRowOfSeq,
} from '../../stores/run-view-store';
import { useChain, useRunView, useStores, useWorkspace } from '../../stores/stores-context';
import { selectActorNames } from '../../stores/workspace-store';
import { Icon } from '../common/icon';
import { ChainSummaryBar } from './chain-summary-bar';
import { LedgerRow } from './ledger-row';
import { TimelineFilters } from './timeline-filters';

const ROW = 26;

/**
 * The ledger, newest record first, virtualised: a 100,000-record run renders ~40 rows and fetches
 * only the pages in view. Arrow keys (and j/k anywhere) move the selection.
 */
export function LedgerTimeline({ workflow }: { workflow: WorkflowInfo | null }) {
  const stores = useStores();
  const runId = useRunView(selectRunId);
  const ledger = useRunView(selectLedger);
  const filtered = useRunView(selectFiltered);
  const selectedSeq = useRunView(selectSelectedSeq);
  const scrollTarget = useRunView(selectScrollTarget);
  const summary = useChain((s) => currentSummary(s, runId));
  const actorNames = useWorkspace(selectActorNames);
  const scroller = useRef<HTMLDivElement>(null);

  const count = filtered ? filtered.desc.length : ledger.total;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    stores.runView.getState().ensureRows(first, last);
  }, [first, last, ledger.total, stores]);

  useEffect(() => {
    if (!scrollTarget) return;
    const row = timelineRowOfSeq(stores.runView.getState(), scrollTarget.seq);
    // A jump (broken record, URL) centres the row; stepping with j/k only keeps it in view.
    if (row >= 0) virtualizer.scrollToIndex(row, { align: scrollTarget.center ? 'center' : 'auto' });
    // Focus follows a keyboard jump, so screen readers announce the record.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>('.ledger-row.selected')?.focus({ preventScroll: true }));
  }, [scrollTarget, stores, virtualizer]);

  const onSelect = useCallback((seq: number) => stores.runView.getState().select(seq), [stores]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      stores.runView.getState().selectRelative(e.key === 'ArrowDown' ? 1 : -1);
    }
  };

  return (
    <section className="timeline" aria-label="Ledger timeline">
      <ChainSummaryBar />
      <TimelineFilters workflow={workflow} />
      <div className="ledger-head" role="presentation">
        <span className="c-chain" title="Hash chain"><Icon name="chain" size={12} /></span>
        <span className="c-seq">seq</span>
        <span className="c-node">node</span>
        <span className="c-effect">effect</span>
        <span className="c-status">status</span>
        <span className="c-attempt">try</span>
        <span className="c-duration">duration</span>
        <span className="c-actor">actor</span>
        <span className="c-time">started</span>
      </div>
      <div ref={scroller} className="ledger-scroll" data-testid="ledger-timeline" role="table" aria-label="Ledger records, newest first" aria-rowcount={count} tabIndex={0} onKeyDown={onKeyDown}>
        {count === 0 ? <div className="hint-text">{filtered ? (filtered.done ? 'No record matches these filters.' : 'Searching…') : 'No ledger records yet. Step the run to write the first one.'}</div> : null}
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const e = filtered ? filtered.desc[vi.index] : entryAt(ledger, seqAtRow(ledger.total, vi.index));
            const seq = filtered ? (e?.seq ?? -1) : seqAtRow(ledger.total, vi.index);
            return (
              // Keyed by seq: when records land on top, the rows in view keep their elements and
              // only move down, instead of every row taking the text of the one above it.
              <div key={seq >= 0 ? seq : `row-${vi.index}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${vi.start}px)` }}>
                <LedgerRow seq={seq} entry={e} badge={badgeForSeq(summary, seq)} actorName={e?.actorId ? (actorNames.get(e.actorId) ?? null) : null} selected={seq === selectedSeq} onSelect={onSelect} />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
