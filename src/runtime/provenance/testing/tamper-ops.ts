/**
 * The tamperings of the tamper suite. Each takes an untouched copy of a signed run (ledger lines,
 * checkpoints, keys) and returns a tampered copy with where the damage is, i.e. what a correct
 * verifier must report first; or null when it does not apply to this run.
 */
import { deleteRecord, duplicate, editField, insertForged, move, otherRunRecord, rehashEdit, rewriteAndResign, rewriteChain, swap, truncate } from './record-tampers';
import { dropCheckpoint, dropKey, editCheckpoint, editKeyDescription, flipSignature, forgeCheckpoint, reorderCheckpoints, replaceKey, resignCheckpoint } from './signature-tampers';
import { type LedgerCopy, type Op, type TamperContext, type Tampering } from './tamper-kit';

export type { Expectation, LedgerCopy, TamperContext, Tampering } from './tamper-kit';

export const TAMPER_OPS: { name: string; weight: number; op: Op }[] = [
  { name: 'edit-field', weight: 30, op: editField },
  { name: 'delete-record', weight: 6, op: deleteRecord },
  { name: 'insert-forged', weight: 6, op: insertForged },
  { name: 'swap-records', weight: 4, op: swap },
  { name: 'move-record', weight: 4, op: move },
  { name: 'truncate', weight: 5, op: truncate },
  { name: 'duplicate-record', weight: 2, op: duplicate },
  { name: 'other-run-record', weight: 2, op: otherRunRecord },
  { name: 'rehash-edit', weight: 5, op: rehashEdit },
  { name: 'rewrite-chain', weight: 4, op: rewriteChain },
  { name: 'rewrite-and-resign', weight: 4, op: rewriteAndResign },
  { name: 'edit-checkpoint', weight: 6, op: editCheckpoint },
  { name: 'flip-signature', weight: 4, op: flipSignature },
  { name: 'drop-checkpoint', weight: 5, op: dropCheckpoint },
  { name: 'forge-checkpoint', weight: 5, op: forgeCheckpoint },
  { name: 'resign-checkpoint', weight: 5, op: resignCheckpoint },
  { name: 'reorder-checkpoints', weight: 3, op: reorderCheckpoints },
  { name: 'replace-key', weight: 4, op: replaceKey },
  { name: 'edit-key-description', weight: 2, op: editKeyDescription },
  { name: 'drop-key', weight: 2, op: dropKey },
];

export function randomTampering(copy: LedgerCopy, x: TamperContext): Tampering {
  const total = TAMPER_OPS.reduce((n, o) => n + o.weight, 0);
  for (;;) {
    let r = x.rng.int(total);
    const chosen = TAMPER_OPS.find((o) => (r -= o.weight) < 0) as (typeof TAMPER_OPS)[number];
    const t = chosen.op(copy, x);
    if (t) return { name: chosen.name, ...t };
  }
}
