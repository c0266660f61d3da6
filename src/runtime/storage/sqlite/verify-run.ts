import { InvalidArgumentError } from '../../errors';
import { ChainVerifier, type ChainReport } from '../../ledger/chain-verifier';
import { canonicalPrevHash } from './ledger-rows';
import { type RunKeys } from './run-keys';
import { RUN_RANGE } from './schema-v1';
import { type WorkspaceDb } from './workspace-db';

export interface VerifyRunOptions {
  /** Called after each page with the records checked so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Records read per page (default 1000): the memory bound of a verification. */
  batchSize?: number;
  signal?: AbortSignal;
  /**
   * Continue after a head verified before: `seq` and the stored hash it had. The records up to it
   * are taken as verified (the caller vouches that nobody changed them since, e.g. by SQLite's
   * data_version); only the record at `seq` is read again, and when it no longer holds that hash
   * (a restore, a rewrite) the walk starts over from the first record.
   */
  after?: { seq: number; hash: string };
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Verifies a run's hash chain from the stored canonical texts, page by page, in bounded memory:
 * the reference's `verify_ledger_chain` (prev follows the stored hashes, so a changed record is
 * reported at its own index and a deleted one at the next index). Indexes are positions in the
 * run's ledger, which equal `seq` while no row is missing.
 *
 * Per record: one sha256 of the stored text (no JSON parse, no re-serialisation) and a string
 * search for its prev_hash (see `canonicalPrevHash`). The queryable fields (the ledger_records
 * view) are computed from the same text, so they cannot disagree with it and need no separate check. The walk covers the
 * records that existed when it started; it yields to the event loop between pages.
 */
export async function verifyRunChain(db: WorkspaceDb, keys: RunKeys, runId: string, options: VerifyRunOptions = {}): Promise<ChainReport> {
  const batch = options.batchSize ?? 1000;
  if (!Number.isInteger(batch) || batch < 1) throw new InvalidArgumentError(`batchSize must be a positive integer (got ${batch}).`);
  const key = db.read(() => keys.find(runId)) ?? -1;
  // The walk covers the records up to the head it starts with; the total is the head's seq + 1
  // (exact unless a row was deleted behind SQLite's back, which the walk then reports).
  const lastSeq = key < 0 ? null : (db.read(() => db.stmt(`SELECT seq FROM ledger WHERE ${RUN_RANGE} ORDER BY id DESC LIMIT 1`, 'pluck').get(key, key)) as number | undefined) ?? null;
  const total = lastSeq === null ? 0 : lastSeq + 1;
  const page = db.stmt('SELECT seq, canonical, record_hash FROM ledger WHERE id > (? << 32) + ? AND id <= (? << 32) + ? ORDER BY id LIMIT ?', 'raw');
  // The head verified before must still be there, holding the hash it had. Rows below it are the
  // caller's to vouch for (reading them again is what this saves).
  const from = options.after;
  const resumable =
    from !== undefined &&
    key >= 0 &&
    lastSeq !== null &&
    from.seq <= lastSeq &&
    db.read(() => db.stmt('SELECT record_hash FROM ledger WHERE id = (? << 32) + ?', 'pluck').get(key, from.seq)) === from.hash;
  const verifier = resumable ? new ChainVerifier(undefined, { index: from.seq + 1, prevHash: from.hash }) : new ChainVerifier();
  let after = resumable ? from.seq : -1;
  let done = resumable ? from.seq + 1 : 0;
  let previous: string | null = resumable ? from.hash : null;
  options.onProgress?.(done, total);
  while (done < total && lastSeq !== null) {
    options.signal?.throwIfAborted();
    const rows = db.read(() => page.all(key, after, key, lastSeq, batch)) as [number, unknown, unknown][];
    if (rows.length === 0) break;
    for (const [, rawText, rawStored] of rows) {
      // A row written around SQLite (a tampered file) may hold other types: compare as text.
      const text = typeof rawText === 'string' ? rawText : String(rawText);
      const stored = typeof rawStored === 'string' && rawStored ? rawStored : null;
      const prev = canonicalPrevHash(text);
      // Text that is not even JSON cannot match its hash: let that one error report it.
      verifier.pushCanonical(prev === undefined ? previous : prev, stored, text);
      previous = stored;
    }
    done += rows.length;
    after = (rows[rows.length - 1] as [number, unknown, unknown])[0];
    options.onProgress?.(done, total);
    await yieldToLoop();
  }
  return verifier.report(previous);
}
