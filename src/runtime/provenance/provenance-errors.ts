/**
 * Errors of the provenance layer. They extend RuntimeError (so hosts that branch on RuntimeError,
 * like the CLI, show them as one clear line) and carry their own stable `reason` code.
 */
import { RuntimeError, type RuntimeErrorCode } from '../errors';

export type ProvenanceErrorReason =
  | 'KEY_NOT_FOUND'
  | 'KEY_LOCKED'
  | 'KEY_PROTECTION_MISMATCH'
  | 'KEY_INVALID'
  | 'KEY_CONFLICT'
  | 'KEYCHAIN_UNAVAILABLE'
  | 'CHECKPOINT_CONFLICT'
  | 'CHECKPOINT_INVALID'
  | 'LEDGER_DOES_NOT_VERIFY'
  | 'BUNDLE_UNREADABLE';

const BASE_CODE: Record<ProvenanceErrorReason, RuntimeErrorCode> = {
  KEY_NOT_FOUND: 'INVALID_ARGUMENT',
  KEY_LOCKED: 'INVALID_ARGUMENT',
  KEY_PROTECTION_MISMATCH: 'INVALID_ARGUMENT',
  KEY_INVALID: 'CORRUPT_FILE',
  KEY_CONFLICT: 'INVALID_ARGUMENT',
  KEYCHAIN_UNAVAILABLE: 'STORE_ERROR',
  CHECKPOINT_CONFLICT: 'STORE_ERROR',
  CHECKPOINT_INVALID: 'INVALID_ARGUMENT',
  LEDGER_DOES_NOT_VERIFY: 'STORE_ERROR',
  BUNDLE_UNREADABLE: 'CORRUPT_FILE',
};

export class ProvenanceError extends RuntimeError {
  constructor(
    readonly reason: ProvenanceErrorReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(BASE_CODE[reason], message, { ...details, reason });
  }
}
