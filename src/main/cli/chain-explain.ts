/**
 * Chain errors in words. A person reading `studio verify` output should learn which record is
 * wrong and what most likely happened to it, without knowing how the hash chain works.
 */
import { type LedgerVerificationError } from '../../runtime/storage/files/index';

const short = (hash: string | null): string => (hash === null ? 'none' : hash.slice(0, 16));

export function explainChainError(e: LedgerVerificationError): string {
  const at = `record ${e.index}`;
  switch (e.type) {
    case 'record_hash_mismatch':
      return `${at} was changed after it was written: its content hashes to ${short(e.computed)}…, not to its stored hash ${short(e.stored)}…`;
    case 'prev_hash_mismatch':
      if (e.expectedPrevHash === null) return `${at} should start the chain (no prev_hash) but points to ${short(e.actualPrevHash)}…: records before it were removed`;
      return (
        `${at} does not follow the record before it: it points to ${short(e.actualPrevHash)}…, but the previous record's hash is ` +
        `${short(e.expectedPrevHash)}… (a record was removed, inserted or reordered here)`
      );
    case 'missing_record_hash':
      return `${at} has no record_hash (its hash was removed, or it was never chained); the chain cannot be followed past it`;
    case 'unreadable_record':
      if (e.torn) {
        return (
          `line ${e.line} is torn: the file ends inside it (a write cut short, e.g. by a crash): ${e.reason.replace(/ \(the file ends inside this line[^)]*\)$/, '')}. ` +
          `The ${e.index} complete record${e.index === 1 ? '' : 's'} before it ${e.beforeChain === 'unchained' ? 'carry no hashes (not chained)' : e.beforeChain === 'broken' ? 'do not verify (see above)' : 'verified'}; ` +
          'the torn line is not a record and was left as it is (verify writes nothing)'
        );
      }
      return `${at} (line ${e.line}) cannot be read: ${e.reason}`;
    case 'run_id_mismatch':
      return `${at} belongs to run ${e.actualRunId ?? '(none)'}, not to this run (copied from another ledger?)`;
    case 'anchor_mismatch':
      return e.actualCount < e.expectedCount
        ? `the ledger ends after ${e.actualCount} records, but ${e.expectedCount} were recorded earlier: records were cut from its end`
        : `${at} is not the record recorded earlier as the head (${short(e.expectedHeadHash)}…): the ledger was rewritten`;
  }
}
