/**
 * Per-record signatures: the reference's planned use of the record's `signature` field (sign the
 * record_hash with Ed25519). Measured too slow to do for every record of the durable loop (see
 * docs/audit-bundle.md), so the LedgerSigner does it only when asked; verifiers always check a
 * `signature` field that is not null.
 *
 * Field format: `ed25519:<key_id>:<base64 signature>`; the signed bytes are the canonical JSON
 * `{"key_id":…,"record_hash":…,"type":"abstractruntime.record-signature.v1"}`.
 */
import { type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../json/py-dumps';
import { fromBase64, toBase64, utf8 } from '../encoding';
import { ed25519Verify } from '../keys/ed25519';
import { type SigningKey } from '../keys/key-store';

export const RECORD_SIGNATURE_TYPE = 'abstractruntime.record-signature.v1';

export function recordSignatureStatement(keyId: string, recordHash: string): string {
  return canonicalJson({ type: RECORD_SIGNATURE_TYPE, key_id: keyId, record_hash: recordHash });
}

export function signRecordHash(key: SigningKey, recordHash: string): string {
  const sig = key.sign(utf8(recordSignatureStatement(key.key.keyId, recordHash)));
  return `ed25519:${key.key.keyId}:${toBase64(sig)}`;
}

const FIELD = /^ed25519:([0-9a-f]{32}):([A-Za-z0-9+/=]+)$/;

/** The key id and signature bytes of a `signature` field, or null when it is not in the format. */
export function parseRecordSignature(value: unknown): { keyId: string; signature: Uint8Array } | null {
  if (typeof value !== 'string') return null;
  const m = FIELD.exec(value);
  const signature = m ? fromBase64(m[2]) : null;
  return m && signature ? { keyId: m[1] as string, signature } : null;
}

export function verifyRecordSignature(publicKey: KeyObject, keyId: string, recordHash: string, signature: Uint8Array): boolean {
  return ed25519Verify(publicKey, utf8(recordSignatureStatement(keyId, recordHash)), signature);
}

/** Where per-record signatures go: SQLite fills the ledger's `signature` column once (its trigger allows that). */
export interface RecordSignatureSink {
  putSignature(runId: string, seq: number, recordHash: string, signature: string): Promise<void>;
}
