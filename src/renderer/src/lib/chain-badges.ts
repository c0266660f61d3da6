import { type ChainBadge, type ChainErrorInfo, type ChainSummary } from '../../../shared/contract';
import { chainErrorAdvice, explainChainError as explainShared } from '../../../shared/chain-errors';
import { formatCount } from './format';

interface BadgeIndex {
  broken: Set<number>;
  /** Records at or after this seq were not checked (the walk stops at a missing hash). */
  uncheckedFrom: number;
}

const indexCache = new WeakMap<ChainSummary, BadgeIndex>();

function badgeIndex(summary: ChainSummary): BadgeIndex {
  let idx = indexCache.get(summary);
  if (idx) return idx;
  const broken = new Set<number>();
  let uncheckedFrom = summary.count;
  for (const e of summary.errors) {
    broken.add(e.seq);
    // The verifier stops after a record without a hash: nothing behind it was checked.
    if (e.type === 'missing_record_hash') uncheckedFrom = Math.min(uncheckedFrom, e.seq + 1);
  }
  idx = { broken, uncheckedFrom };
  indexCache.set(summary, idx);
  return idx;
}

/**
 * The badge of one ledger record given the latest verification of its run. Records appended
 * after the check (seq ≥ count) are honestly "unchecked", not assumed fine.
 */
export function badgeForSeq(summary: ChainSummary | null, seq: number): ChainBadge {
  if (!summary) return 'unchecked';
  if (summary.chain === 'unchained') return seq < summary.count ? 'unchained' : 'unchecked';
  const idx = badgeIndex(summary);
  if (idx.broken.has(seq)) return 'broken';
  if (seq >= idx.uncheckedFrom) return 'unchecked';
  return 'verified';
}

/** One problem of the chain in words a person can act on: the shared table's, as the CLI and the service say it. */
export function explainChainError(e: ChainErrorInfo): string {
  return e.type === 'provenance' ? e.message : explainShared(e, e.seq);
}

/** What to do about it (null for an audit bundle's finding: its message already says it). */
export function chainErrorAdviceOf(e: ChainErrorInfo): string | null {
  return e.type === 'provenance' ? null : chainErrorAdvice(e);
}

export interface ChainHeadline {
  tone: 'ok' | 'broken' | 'unchecked' | 'partial' | 'unchained';
  text: string;
}

/** The one-line verdict of the chain summary bar. */
export function chainHeadline(summary: ChainSummary | null, ledgerTotal: number): ChainHeadline {
  if (!summary) return { tone: 'unchecked', text: `${formatCount(ledgerTotal)} records, not verified yet.` };
  if (summary.chain === 'unchained') {
    return { tone: 'unchained', text: `Not chained: these ${formatCount(summary.count)} records carry no hashes, so there is nothing to verify and no tamper evidence (Python AbstractRuntime 0.4 writes ledgers this way unless the chain is turned on).` };
  }
  if (!summary.ok) {
    const first = summary.errors[0];
    const words = summary.explanation ?? (first ? explainChainError(first) : 'The chain does not verify.');
    return { tone: 'broken', text: words };
  }
  const newer = ledgerTotal - summary.count;
  if (newer > 0) {
    return { tone: 'partial', text: `${formatCount(summary.verifiedCount)} records verified; ${formatCount(newer)} newer not checked yet.` };
  }
  return { tone: 'ok', text: `All ${formatCount(summary.verifiedCount)} records verified: no record was changed, removed or reordered.` };
}
