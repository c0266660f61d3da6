/**
 * Chain errors in words for `studio verify`: the shared table's (src/shared/chain-errors.ts), so
 * the CLI says what the Studio says. The CLI names a record by its index in the ledger.
 */
import { explainChainError as explain } from '../../shared/chain-errors';
import { type LedgerVerificationError } from '../../runtime/storage/files/index';

export const explainChainError = (e: LedgerVerificationError): string => explain(e, e.index);
