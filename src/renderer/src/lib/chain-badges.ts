import { type ChainBadge, type ChainErrorInfo, type ChainSummary } from '../../../shared/contract';
import { formatCount, shortHash } from './format';

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

/** One problem of the chain in words a person can act on. */
export function explainChainError(e: ChainErrorInfo): string {
  switch (e.type) {
    case 'record_hash_mismatch':
      return `Record ${e.seq} was changed after it was written: its stored hash ${shortHash(e.stored)} does not match its content (${shortHash(e.computed)}).`;
    case 'prev_hash_mismatch':
      return `Record ${e.seq} does not link to the record before it: it points to ${shortHash(e.actualPrevHash)} but the previous record's hash is ${shortHash(e.expectedPrevHash)}. A record was removed, inserted or reordered just before it.`;
    case 'missing_record_hash':
      return `Record ${e.seq} has no hash, so nothing from there on can be checked. It was written without the hash chain or its hash was erased.`;
    case 'column_mismatch':
      return `Record ${e.seq}: the database column "${e.column}" no longer matches the hashed record. The row was edited in place.`;
    case 'provenance':
      return e.message;
  }
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
