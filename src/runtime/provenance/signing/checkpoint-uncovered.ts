/**
 * At start-up: runs whose ledger head is past their last checkpoint (the process stopped before it
 * signed them) are checkpointed now, so no record waits for the run's next event to be signed.
 */
import { parseCheckpoint } from '../checkpoints/checkpoint';
import { type ChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { type LedgerSigner } from './ledger-signer';

/** `heads`: each run's last record seq (e.g. SqliteLedgerStore.ledgerHead). Returns the runs checkpointed. */
export async function checkpointUncovered(signer: LedgerSigner, checkpoints: ChainCheckpointStore, heads: Iterable<{ runId: string; seq: number }>): Promise<string[]> {
  const done: string[] = [];
  for (const { runId, seq } of heads) {
    const last = await checkpoints.last(runId);
    const parsed = last ? parseCheckpoint(last) : null;
    const covered = parsed?.ok ? parsed.checkpoint.claim.seq : -1;
    if (seq > covered) {
      await signer.checkpointNow(runId);
      done.push(runId);
    }
  }
  return done;
}
