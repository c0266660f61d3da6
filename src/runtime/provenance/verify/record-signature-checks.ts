/** Per-record signatures: every `signature` field that is not null must be a valid, trusted signature of the record's hash. */
import { type JsonObject } from '../../json/json-value';
import { parseRecordSignature, verifyRecordSignature } from '../signing/record-signature';
import { type ProvenanceFinding } from './findings';
import { type KeyRing } from './key-ring';

export interface RecordSignatureResult {
  findings: ProvenanceFinding[];
  /** Highest seq with a valid signature, or -1. */
  signedThrough: number;
  /** seq -> key id of each valid signature. */
  signedBy: Map<number, string>;
}

export function checkRecordSignatures(records: readonly JsonObject[], ring: KeyRing): RecordSignatureResult {
  const findings: ProvenanceFinding[] = [];
  const signedBy = new Map<number, string>();
  let signedThrough = -1;
  records.forEach((r, seq) => {
    const field = r['signature'];
    if (field === undefined || field === null) return;
    const bad = (code: ProvenanceFinding['code'], message: string, keyId?: string): void => {
      findings.push({ code, severity: 'error', location: { kind: 'record', seq }, message, ...(keyId ? { keyId } : {}) });
    };
    const parsed = parseRecordSignature(field);
    if (!parsed) return bad('record_signature_invalid', `record ${seq} has a signature field that is not an Ed25519 record signature (ed25519:<key id>:<base64>)`);
    const key = ring.byId.get(parsed.keyId);
    if (!key) return bad('record_signature_unknown_key', `record ${seq} is signed with key ${parsed.keyId}, which is not among the usable keys`, parsed.keyId);
    const hash = r['record_hash'];
    if (typeof hash !== 'string' || !verifyRecordSignature(key.publicKey, parsed.keyId, hash, parsed.signature)) {
      return bad('record_signature_invalid', `record ${seq}'s signature does not match its record_hash: the record's hash or its signature was changed`, parsed.keyId);
    }
    key.used++; // a good signature, trusted or not
    if (key.trusted === false) return bad('record_signature_untrusted', `record ${seq} is signed by ${key.key.actorId} with a key that is not among the trusted keys`, parsed.keyId);
    signedBy.set(seq, parsed.keyId);
    signedThrough = seq;
  });
  return { findings, signedThrough, signedBy };
}
