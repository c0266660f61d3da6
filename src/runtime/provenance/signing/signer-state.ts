/** What the LedgerSigner keeps per run between events and flushes. */
import { type StepRecord } from '../../core/models';
import { type ParsedCheckpoint } from '../checkpoints/checkpoint';
import { type SigningKey } from '../keys/key-store';

/** A checkpoint wanted at (seq, head), by `key`. */
export interface Wish {
  seq: number;
  head: string;
  key: SigningKey;
}

export interface RunSigningState {
  /** Seq of the newest record seen (-1: none), and its hash. */
  seq: number;
  head: string | null;
  /** Highest seq a stored checkpoint covers (-1: none). */
  signedSeq: number;
  /** The run's last stored checkpoint (undefined: not loaded yet). */
  last: ParsedCheckpoint | null | undefined;
  /** Checkpoint whatever the head is at the next flush (timer, checkpointNow, a stop met mid-way). */
  wantCheckpoint: boolean;
  terminal: boolean;
  /** Checkpoints to sign, in seq order: every N records, stops, attestations. */
  pending: Wish[];
  /** Seq of the last checkpoint planned (-1: none). */
  planned: number;
  recordSigs: { seq: number; hash: string }[];
  /** Records seen before their position was known (a run met mid-way). */
  unplaced: StepRecord[];
  /** When the oldest unsigned record arrived (ms), or null. */
  since: number | null;
}

export function newRunState(): RunSigningState {
  return { seq: -1, head: null, signedSeq: -1, last: undefined, wantCheckpoint: false, terminal: false, pending: [], planned: -1, recordSigs: [], unplaced: [], since: null };
}

export function hasWork(s: RunSigningState): boolean {
  return s.unplaced.length > 0 || s.pending.length > 0 || s.recordSigs.length > 0 || (s.wantCheckpoint && s.seq > s.signedSeq);
}
