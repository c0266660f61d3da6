import { ChainVerifier, type ChainReport } from '../../ledger/chain-verifier';
import { canonicalPrevHash } from '../sqlite/ledger-rows';
import { type PgQuery } from './pg-db';

export interface PgVerifyOptions {
  /** Called after each page with the records checked so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Records read per page (default 2000): the memory bound of a verification. */
  batchSize?: number;
  /**
   * Continue after a head verified before (`seq` and the hash it had): only the record at `seq` is
   * read again, and when it no longer holds that hash the walk starts from the first record.
   */
  after?: { seq: number; hash: string };
}

/**
 * Verifies a run's hash chain from the stored canonical texts, page by page, as the SQLite
 * workspace does (one sha256 per record, no JSON parse): the walk covers the records up to the
 * head it starts with, so records committed meanwhile wait for the next verification.
 */
export async function verifyPgRun(db: PgQuery, runId: string, options: PgVerifyOptions = {}): Promise<ChainReport> {
  const batch = Math.max(1, options.batchSize ?? 2000);
  const [head] = await db.query<{ seq: number }>('SELECT seq FROM $S.heads WHERE run_id = $1 AND seq >= 0', [runId]);
  const lastSeq = head?.seq ?? null;
  const total = lastSeq === null ? 0 : lastSeq + 1;
  const from = options.after;
  let resumable = false;
  if (from && lastSeq !== null && from.seq <= lastSeq) {
    const [row] = await db.query<{ record_hash: string }>('SELECT record_hash FROM $S.ledger WHERE run_id = $1 AND seq = $2', [runId, from.seq]);
    resumable = row?.record_hash === from.hash;
  }
  const verifier = resumable && from ? new ChainVerifier(undefined, { index: from.seq + 1, prevHash: from.hash }) : new ChainVerifier();
  let after = resumable && from ? from.seq : -1;
  let done = after + 1;
  let previous: string | null = resumable && from ? from.hash : null;
  options.onProgress?.(done, total);
  while (lastSeq !== null && after < lastSeq) {
    const rows = await db.query<{ seq: number; canonical: string; record_hash: string | null }>(
      'SELECT seq, canonical, record_hash FROM $S.ledger WHERE run_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4',
      [runId, after, lastSeq, batch],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const stored = r.record_hash ? r.record_hash : null;
      const prev = canonicalPrevHash(r.canonical);
      // Text that is not even JSON cannot match its hash: let that one error report it.
      verifier.pushCanonical(prev === undefined ? previous : prev, stored, r.canonical);
      previous = stored;
    }
    done += rows.length;
    after = rows[rows.length - 1]!.seq;
    options.onProgress?.(done, total);
  }
  return verifier.report(previous);
}
