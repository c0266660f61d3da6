/**
 * A checkpoint of a run's chain head: a signed statement that the run's ledger had, at sequence
 * `seq` (0-based position), the record whose `record_hash` is `head_hash`. Because each record's
 * hash covers the previous one's, that one signature vouches for records 0..seq, and a ledger cut
 * short below `seq` can no longer match it.
 *
 * The statement is canonical JSON (sorted keys, no spaces, UTF-8, Python's json.dumps escaping)
 * stored as the exact text that was signed, so a verifier in any language checks the signature
 * over the bytes it is given and never has to re-serialise anything. Checkpoints of a run are
 * numbered (`n`) and chained (`prev` = sha256 of the previous statement), so dropping, reordering
 * or inserting one is visible.
 */
import { isJsonObject, type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { fromBase64, isHash, sha256Hex, toBase64, utf8 } from '../encoding';
import { ed25519Verify } from '../keys/ed25519';
import { type SigningKey } from '../keys/key-store';
import { type KeyObject } from 'node:crypto';
import { batchStatement, merkleTree, parseBatchStatement, rootFromProof, MAX_PROOF_LENGTH, type BatchClaim, type CheckpointBatchSignature } from './checkpoint-batch';

export const CHECKPOINT_TYPE = 'abstractruntime.chain-checkpoint.v1';

export interface CheckpointClaim {
  runId: string;
  /** Position of the head record in the run's ledger (0 for the first record). */
  seq: number;
  headHash: string;
  actorId: string;
  keyId: string;
  /** When it was signed, Python isoformat (as every runtime timestamp). */
  signedAt: string;
  /** 0 for the run's first checkpoint, then 1, 2, ... */
  n: number;
  /** sha256 hex of the previous checkpoint's statement; null for n = 0. */
  prev: string | null;
}

/**
 * A checkpoint as stored and bundled: the signed text and either its own Ed25519 signature
 * (base64) or, when it was signed together with other runs' checkpoints, the batch signature
 * and its Merkle proof (see checkpoint-batch.ts). Exactly one of the two.
 */
export interface SignedCheckpoint {
  statement: string;
  signature: string | null;
  batch?: CheckpointBatchSignature;
}

export interface ParsedCheckpoint extends SignedCheckpoint {
  claim: CheckpointClaim;
  /** sha256 hex of the statement: what the next checkpoint's `prev` must be. */
  hash: string;
  batchClaim: BatchClaim | null;
}

export function checkpointStatement(c: CheckpointClaim): string {
  return canonicalJson({
    type: CHECKPOINT_TYPE,
    run_id: c.runId,
    seq: c.seq,
    head_hash: c.headHash,
    actor_id: c.actorId,
    key_id: c.keyId,
    signed_at: c.signedAt,
    n: c.n,
    prev: c.prev,
  });
}

export function signCheckpoint(key: SigningKey, claim: Omit<CheckpointClaim, 'actorId' | 'keyId'>): ParsedCheckpoint {
  const full: CheckpointClaim = { ...claim, actorId: key.key.actorId, keyId: key.key.keyId };
  const statement = checkpointStatement(full);
  return { statement, signature: toBase64(key.sign(utf8(statement))), claim: full, hash: sha256Hex(statement), batchClaim: null };
}

/**
 * Signs checkpoints of one key, all with the same `signedAt`: a single one directly, several
 * (of different runs) with one signature over their Merkle root (see checkpoint-batch.ts).
 */
export function signCheckpoints(key: SigningKey, claims: readonly CheckpointClaim[], statementsOf?: readonly string[]): ParsedCheckpoint[] {
  for (const c of claims) {
    if (c.actorId !== key.key.actorId || c.keyId !== key.key.keyId || c.signedAt !== claims[0]?.signedAt) throw new RangeError('a batch is one key and one signing time');
  }
  const statements = statementsOf ?? claims.map(checkpointStatement);
  if (claims.length === 1) {
    const statement = statements[0]!;
    return [{ statement, signature: toBase64(key.sign(utf8(statement))), claim: claims[0]!, hash: sha256Hex(statement), batchClaim: null }];
  }
  const { root, proofs } = merkleTree(statements);
  const batchClaim: BatchClaim = { actorId: key.key.actorId, keyId: key.key.keyId, signedAt: claims[0]!.signedAt, root, size: statements.length };
  const rootStatement = batchStatement(batchClaim);
  const signature = toBase64(key.sign(utf8(rootStatement)));
  return claims.map((claim, i) => ({
    statement: statements[i]!,
    signature: null,
    batch: { statement: rootStatement, signature, proof: proofs[i]! },
    claim,
    hash: sha256Hex(statements[i]!),
    batchClaim,
  }));
}

const KEYS = ['actor_id', 'head_hash', 'key_id', 'n', 'prev', 'run_id', 'seq', 'signed_at', 'type'];
const KEY_ID = /^[0-9a-f]{32}$/;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The checkpoint's parts, or the reason it is not a well-formed v1 checkpoint (the signature is not checked here). */
export function parseCheckpoint(value: unknown): { ok: true; checkpoint: ParsedCheckpoint } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'it is not an object' };
  const { statement, signature, batch } = value as Partial<SignedCheckpoint>;
  if (typeof statement !== 'string') return { ok: false, reason: 'it needs a statement (a string)' };
  const batchProblem = signatureProblem(signature, batch);
  if (batchProblem) return { ok: false, reason: batchProblem };
  let d;
  try {
    d = parseJson(statement);
  } catch {
    return { ok: false, reason: 'its statement is not JSON' };
  }
  if (!isJsonObject(d)) return { ok: false, reason: 'its statement is not a JSON object' };
  const problem = claimProblem(d);
  if (problem) return { ok: false, reason: problem };
  if (canonicalJson(d) !== statement) return { ok: false, reason: 'its statement is not in canonical form' };
  const claim: CheckpointClaim = {
    runId: d['run_id'] as string,
    seq: d['seq'] as number,
    headHash: d['head_hash'] as string,
    actorId: d['actor_id'] as string,
    keyId: d['key_id'] as string,
    signedAt: d['signed_at'] as string,
    n: d['n'] as number,
    prev: (d['prev'] ?? null) as string | null,
  };
  const batchClaim = batch ? parseBatchStatement(batch.statement) : null;
  if (batch && !batchClaim) return { ok: false, reason: 'its batch statement is not a valid checkpoint batch' };
  if (batchClaim && (batchClaim.actorId !== claim.actorId || batchClaim.keyId !== claim.keyId || batchClaim.signedAt !== claim.signedAt)) {
    return { ok: false, reason: 'its batch names another signer or time than the checkpoint' };
  }
  const parsed: ParsedCheckpoint = { statement, signature: signature ?? null, claim, hash: sha256Hex(statement), batchClaim };
  if (batch) parsed.batch = { statement: batch.statement, signature: batch.signature, proof: [...batch.proof] };
  return { ok: true, checkpoint: parsed };
}

function signatureProblem(signature: unknown, batch: unknown): string | null {
  if (batch === undefined || batch === null) return typeof signature === 'string' ? null : 'it needs a signature (a string) or a batch signature';
  if (signature !== null && signature !== undefined) return 'it has both a signature and a batch signature';
  const b = batch as Partial<CheckpointBatchSignature>;
  if (typeof b !== 'object' || typeof b.statement !== 'string' || typeof b.signature !== 'string' || !Array.isArray(b.proof)) return 'its batch needs a statement, a signature and a proof';
  if (b.proof.length > MAX_PROOF_LENGTH || !b.proof.every((p) => typeof p === 'string')) return 'its batch proof is not a list of hashes';
  return null;
}

function claimProblem(d: JsonObject): string | null {
  const keys = Object.keys(d).sort();
  if (keys.length !== KEYS.length || keys.some((k, i) => k !== KEYS[i])) return `its statement must have exactly the keys ${KEYS.join(', ')}`;
  if (d['type'] !== CHECKPOINT_TYPE) return `its statement type is not ${CHECKPOINT_TYPE}`;
  if (typeof d['run_id'] !== 'string' || typeof d['actor_id'] !== 'string' || typeof d['signed_at'] !== 'string') return 'run_id, actor_id and signed_at must be strings';
  if (!isCount(d['seq']) || !isCount(d['n'])) return 'seq and n must be whole numbers >= 0';
  if (!isHash(d['head_hash'])) return 'head_hash must be 64 lowercase hex characters';
  if (typeof d['key_id'] !== 'string' || !KEY_ID.test(d['key_id'])) return 'key_id must be 32 lowercase hex characters';
  const prev = d['prev'];
  if (d['n'] === 0 ? prev !== null : !isHash(prev)) return 'prev must be null for n = 0 and a statement hash otherwise';
  return null;
}

/**
 * The signature holds: directly over the statement, or over a batch root the statement's proof
 * leads to. `seen` remembers batch signatures already checked (one batch signs many checkpoints).
 */
export function verifyCheckpointSignature(cp: ParsedCheckpoint, publicKey: KeyObject, seen?: Map<string, boolean>): boolean {
  if (cp.batch) {
    const root = rootFromProof(cp.statement, cp.batch.proof);
    if (root === null || root !== cp.batchClaim?.root) return false;
    const memo = `${cp.claim.keyId}\n${cp.batch.signature}\n${cp.batch.statement}`;
    const known = seen?.get(memo);
    if (known !== undefined) return known;
    const signature = fromBase64(cp.batch.signature);
    const ok = signature !== null && ed25519Verify(publicKey, utf8(cp.batch.statement), signature);
    seen?.set(memo, ok);
    return ok;
  }
  const signature = fromBase64(cp.signature);
  return signature !== null && ed25519Verify(publicKey, utf8(cp.statement), signature);
}

export function encodeCheckpoint(cp: SignedCheckpoint): JsonObject {
  const out: JsonObject = { statement: cp.statement, signature: cp.signature };
  if (cp.batch) out['batch'] = { statement: cp.batch.statement, signature: cp.batch.signature, proof: [...cp.batch.proof] };
  return out;
}

/** Just the stored form (drops parsed extras). */
export function storedCheckpoint(cp: SignedCheckpoint): SignedCheckpoint {
  const out: SignedCheckpoint = { statement: cp.statement, signature: cp.signature };
  if (cp.batch) out.batch = { statement: cp.batch.statement, signature: cp.batch.signature, proof: [...cp.batch.proof] };
  return out;
}
