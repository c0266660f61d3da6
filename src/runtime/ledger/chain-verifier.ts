import { encodeStepRecord } from '../core/codecs';
import { type StepRecord } from '../core/models';
import { type JsonObject } from '../json/json-value';
import { computeRecordHash, sha256Hex } from './record-hash';

export type ChainError =
  | { index: number; type: 'prev_hash_mismatch'; expectedPrevHash: string | null; actualPrevHash: string | null }
  | { index: number; type: 'missing_record_hash' }
  | { index: number; type: 'record_hash_mismatch'; stored: string; computed: string };

/**
 * What a ledger's hash chain says about it. `unchained`: no record carries a hash (Python 0.4's
 * factories and gateway write ledgers without the chain): no tamper evidence, and nothing wrong.
 */
export type ChainState = 'verified' | 'broken' | 'unchained';

export interface ChainReport {
  /** False only when the chain is broken: an unchained ledger is `ok` with `chain: 'unchained'`. */
  ok: boolean;
  chain: ChainState;
  count: number;
  errors: ChainError[];
  /** The first record that is wrong (index 0 included; the reference's `or` dropped it). */
  firstBadIndex: number | null;
  headHash: string | null;
  /** The last stored hash walked, as in the reference (not independently recomputed). */
  computedHeadHash: string | null;
  /**
   * The first index this walk read: 0 for a whole walk; for a walk continued from a verified head
   * (see ChainVerifier's `start`), the index after it, the records before it taken as verified.
   */
  checkedFrom?: number;
}

/** Where a walk continues: the records before `index` were verified, the last one with `prevHash` as its hash. */
export interface ChainStart {
  index: number;
  prevHash: string;
}

/**
 * The reference's `verify_ledger_chain`, incremental so a million records verify in bounded
 * memory. `prev` follows the *stored* hashes, so a tampered record flags only its own index and a
 * deleted record flags the next one. After a missing hash the walk stops, like the reference.
 * A ledger where no record carries `record_hash` or `prev_hash` is unchained, not broken; one whose
 * records carry hashes and then stop is broken at the first record without one.
 */
export class ChainVerifier {
  private prev: string | null = null;
  private index = 0;
  private stopped = false;
  private lastStored: string | null = null;
  /** Whether any record so far carried a record_hash or a prev_hash. */
  private sawHash = false;
  readonly errors: ChainError[] = [];
  /** Keeps at most this many errors in memory; `errorCount` still counts all. */
  errorCount = 0;

  private readonly checkedFrom: number;

  /** With `start`, the walk continues after a head verified before (an incremental verification). */
  constructor(
    private readonly maxErrors = 10_000,
    start?: ChainStart,
  ) {
    this.checkedFrom = start?.index ?? 0;
    if (start) {
      this.index = start.index;
      this.prev = this.lastStored = start.prevHash;
      this.sawHash = true;
    }
  }

  /** Verify one record given as its snake_case dict. */
  push(record: JsonObject): void {
    const stored = typeof record['record_hash'] === 'string' && record['record_hash'] ? record['record_hash'] : null;
    const prevHash = (record['prev_hash'] ?? null) as string | null;
    this.pushParts(prevHash, stored, () => computeRecordHash(record, prevHash));
  }

  /** Verify one record given as the canonical text that was hashed (SQLite keeps it). */
  pushCanonical(prevHash: string | null, storedHash: string | null, canonicalText: string): void {
    this.pushParts(prevHash, storedHash, () => sha256Hex(canonicalText));
  }

  private pushParts(prevHash: string | null, stored: string | null, compute: () => string): void {
    if (stored || prevHash) this.sawHash = true;
    if (this.stopped) {
      this.index++;
      return;
    }
    const i = this.index++;
    if (prevHash !== this.prev) this.add({ index: i, type: 'prev_hash_mismatch', expectedPrevHash: this.prev, actualPrevHash: prevHash });
    if (!stored) {
      this.add({ index: i, type: 'missing_record_hash' });
      this.stopped = true;
      return;
    }
    const computed = compute();
    if (computed !== stored) this.add({ index: i, type: 'record_hash_mismatch', stored, computed });
    this.prev = stored;
    this.lastStored = stored;
  }

  private add(e: ChainError): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push(e);
  }

  report(headHash: string | null): ChainReport {
    // Without any hash, the only error the walk can have found is the missing hash of record 0.
    if (!this.sawHash && this.index > 0) {
      return { ok: true, chain: 'unchained', count: this.index, errors: [], firstBadIndex: null, headHash: null, computedHeadHash: null, checkedFrom: this.checkedFrom };
    }
    return {
      ok: this.errorCount === 0,
      chain: this.errorCount === 0 ? 'verified' : 'broken',
      count: this.index,
      errors: [...this.errors],
      firstBadIndex: this.errors[0]?.index ?? null,
      headHash,
      computedHeadHash: this.lastStored,
      checkedFrom: this.checkedFrom,
    };
  }
}

/** Verify records given as snake_case dicts (e.g. parsed losslessly from a JSONL file). */
export function verifyLedgerDicts(records: readonly JsonObject[]): ChainReport {
  const v = new ChainVerifier();
  for (const r of records) v.push(r);
  const last = records.at(-1);
  const head = last && typeof last['record_hash'] === 'string' && last['record_hash'] ? last['record_hash'] : null;
  return v.report(head);
}

/** `verify_ledger_chain` over records as the runtime returns them. */
export function verifyLedgerChain(records: readonly StepRecord[]): ChainReport {
  return verifyLedgerDicts(records.map(encodeStepRecord));
}
