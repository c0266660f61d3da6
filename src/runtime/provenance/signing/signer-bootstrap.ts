/**
 * Placing records the signer meets mid-way (it started after the run did, or missed events): find
 * their positions in the stored ledger, and check that the stored ledger verifies (hash chain,
 * and the last stored checkpoint) before the signer vouches for it. Read once per such run.
 */
import { type StepRecord } from '../../core/models';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { type ParsedCheckpoint } from '../checkpoints/checkpoint';
import { ProvenanceError } from '../provenance-errors';

/** What the signer needs of a ledger: any LedgerStore has it. */
export interface LedgerReader {
  list(runId: string): Promise<StepRecord[]>;
}

export async function placeStoredRecords(
  ledger: LedgerReader,
  runId: string,
  seen: readonly StepRecord[],
  last: ParsedCheckpoint | null,
): Promise<{ placed: { record: StepRecord; seq: number }[]; headSeq: number; head: string }> {
  const stored = await ledger.list(runId);
  const newest = seen.at(-1);
  const at = newest ? stored.findLastIndex((r) => r.recordHash === newest.recordHash) : -1;
  if (at < 0) throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Run ${runId}: a committed record is not in the stored ledger; not signing it.`, { runId });
  const chain = verifyLedgerChain(stored.slice(0, at + 1));
  if (!chain.ok) {
    throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Run ${runId}: the stored ledger does not verify (record ${chain.firstBadIndex}); not signing it.`, { runId, firstBadIndex: chain.firstBadIndex });
  }
  if (last && (last.claim.seq > at || stored[last.claim.seq]?.recordHash !== last.claim.headHash)) {
    throw new ProvenanceError('LEDGER_DOES_NOT_VERIFY', `Run ${runId}: the stored ledger no longer matches checkpoint ${last.claim.n} (seq ${last.claim.seq}); not signing it.`, { runId });
  }
  // Everything from the last checkpoint (or the start) up to the newest seen record is placed,
  // so attestations and record signatures of records the events missed are not lost either.
  const from = last ? last.claim.seq + 1 : 0;
  const out: { record: StepRecord; seq: number }[] = [];
  for (let seq = from; seq <= at; seq++) out.push({ record: stored[seq] as StepRecord, seq });
  return { placed: out, headSeq: at, head: stored[at]?.recordHash as string };
}
