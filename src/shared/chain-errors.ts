/**
 * Hash-chain problems in words: one table, by the verifier's stable error code, read by the CLI
 * (`studio verify`), the service (a chain summary's explanation) and the renderer (badges, record
 * and provenance panels), so a problem reads the same wherever it is shown. A person should learn
 * which record is wrong, what most likely happened to it and what to do, without knowing how the
 * chain works. No Node, no DOM: this is shared code.
 */

/** What each verifier error carries, by its code (the runtime's ChainError and LedgerVerificationError, and the workspace's column check). */
export type ChainErrorFacts =
  | { type: 'record_hash_mismatch'; stored: string; computed: string }
  | { type: 'prev_hash_mismatch'; expectedPrevHash: string | null; actualPrevHash: string | null }
  | { type: 'missing_record_hash' }
  | { type: 'column_mismatch'; column: string }
  /** `torn`: the last line, which the file ends inside of (a write cut short); `beforeChain`: what the records before it are. */
  | { type: 'unreadable_record'; line: number; reason: string; torn?: boolean; beforeChain?: 'verified' | 'unchained' | 'broken' }
  | { type: 'run_id_mismatch'; expectedRunId: string; actualRunId: string | null }
  | { type: 'anchor_mismatch'; expectedCount: number; actualCount: number; expectedHeadHash: string | null; actualHash: string | null };

export type ChainErrorCode = ChainErrorFacts['type'];

export interface ChainErrorEntry<C extends ChainErrorCode = ChainErrorCode> {
  /** A few words, for a heading or a list. */
  title: string;
  /** One or two sentences naming the record (`record`: the number the reader sees it by). */
  explain(e: Extract<ChainErrorFacts, { type: C }>, record: number): string;
  /** The next step. */
  advice: string;
}

const short = (hash: string | null): string => (hash === null ? 'none' : `${hash.slice(0, 12)}…`);

/** A torn last line is what a crash mid-write leaves, not tampering: `complete` records come before it. */
function tornTail(e: { line: number; reason: string; beforeChain?: 'verified' | 'unchained' | 'broken' }, complete: number): string {
  const before = e.beforeChain === 'unchained' ? 'carry no hashes (not chained)' : e.beforeChain === 'broken' ? 'do not verify (see above)' : 'verified';
  const reason = e.reason.replace(/ \(the file ends inside this line[^)]*\)$/, '');
  return (
    `Line ${e.line} is torn: the file ends inside it (a write cut short, e.g. by a crash): ${reason}. ` +
    `The ${complete} complete record${complete === 1 ? '' : 's'} before it ${before}; the torn line is not a record and was left as it is (verify writes nothing).`
  );
}

const RESTORE = 'Restore the file from a backup made before the change, or compare it with an audit bundle exported earlier; until then, do not trust this run\'s history from this record on.';

export const CHAIN_ERRORS: { readonly [C in ChainErrorCode]: ChainErrorEntry<C> } = {
  record_hash_mismatch: {
    title: 'Record changed',
    explain: (e, n) => `Record ${n} was changed after it was written: its content hashes to ${short(e.computed)}, not to its stored hash ${short(e.stored)}.`,
    advice: RESTORE,
  },
  prev_hash_mismatch: {
    title: 'Chain link broken',
    explain: (e, n) =>
      e.expectedPrevHash === null
        ? `Record ${n} should start the chain (no prev_hash) but points to ${short(e.actualPrevHash)}: records before it were removed.`
        : `Record ${n} does not follow the record before it: it points to ${short(e.actualPrevHash)}, but the previous record's hash is ${short(e.expectedPrevHash)}. A record was removed, inserted or reordered just before it.`,
    advice: RESTORE,
  },
  missing_record_hash: {
    title: 'Hash missing',
    explain: (_e, n) => `Record ${n} has no hash: it was erased, or the record was written without the hash chain, so it and the records after it cannot be checked.`,
    advice: 'If the ledger was written with the chain on, the hash was removed on purpose: restore the file from a backup. The records after it are not checked.',
  },
  column_mismatch: {
    title: 'Row edited in the database',
    explain: (e, n) => `Record ${n} was edited in the database: its "${e.column}" column no longer matches the hashed record.`,
    advice: RESTORE,
  },
  unreadable_record: {
    title: 'Record unreadable',
    explain: (e, n) => (e.torn ? tornTail(e, n) : `Record ${n} (line ${e.line}) cannot be read: ${e.reason}.`),
    advice: 'The file was damaged (a write cut short, a flipped byte) or edited by hand: restore it from a backup; the records after it are not checked.',
  },
  run_id_mismatch: {
    title: 'Record of another run',
    explain: (e, n) => `Record ${n} belongs to run ${e.actualRunId ?? '(none)'}, not to this run (${e.expectedRunId}): it was copied from another ledger.`,
    advice: RESTORE,
  },
  anchor_mismatch: {
    title: 'Ledger cut or rewritten',
    explain: (e, n) =>
      e.actualCount < e.expectedCount
        ? `The ledger ends after ${e.actualCount} records, but ${e.expectedCount} were recorded earlier: records were cut from its end.`
        : `Record ${n} is not the record recorded earlier as the head (${short(e.expectedHeadHash)}): the ledger was rewritten.`,
    advice: RESTORE,
  },
};

function entryOf<C extends ChainErrorCode>(e: Extract<ChainErrorFacts, { type: C }>): ChainErrorEntry<C> {
  return CHAIN_ERRORS[e.type as C];
}

/** The problem in words, naming the record by `record` (its seq, or its index in a file). */
export function explainChainError(e: ChainErrorFacts, record: number): string {
  return entryOf(e).explain(e, record);
}

export const chainErrorTitle = (e: ChainErrorFacts): string => CHAIN_ERRORS[e.type].title;
export const chainErrorAdvice = (e: ChainErrorFacts): string => CHAIN_ERRORS[e.type].advice;
