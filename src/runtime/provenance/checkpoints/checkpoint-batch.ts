/**
 * One signature for many checkpoints: the checkpoints a signer makes in one flush (one per run
 * that stopped or crossed its record interval) become the leaves of a Merkle tree, and only the
 * tree's root is signed. Each checkpoint then carries the signed root statement and the sibling
 * hashes from its leaf up to the root (its proof). Many short runs thus cost one Ed25519
 * signature per flush instead of one per run, and a run's bundle holds only hashes of the others.
 *
 * Hashes (sha256, raw 32-byte digests inside): leaf = H(0x00 || statement UTF-8 bytes),
 * node = H(0x01 || left || right); an odd node at the end of a level moves up unchanged.
 * Proof entries are "l:<hex>" (the sibling is on the left) or "r:<hex>", leaf to root.
 */
import { hash } from 'node:crypto';
import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { isHash } from '../encoding';

export const CHECKPOINT_BATCH_TYPE = 'abstractruntime.checkpoint-batch.v1';
export const MAX_PROOF_LENGTH = 64;

/** The batch part of a checkpoint: the signed root statement, its signature, and this checkpoint's proof. */
export interface CheckpointBatchSignature {
  statement: string;
  signature: string;
  proof: string[];
}

export interface BatchClaim {
  actorId: string;
  keyId: string;
  signedAt: string;
  /** sha256 hex of the tree's root. */
  root: string;
  /** Number of checkpoints in the batch. */
  size: number;
}

const H = (bytes: Buffer): Buffer => hash('sha256', bytes, 'buffer') as unknown as Buffer;
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(statement: string): Buffer {
  return H(Buffer.concat([LEAF, Buffer.from(statement, 'utf8')]));
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return H(Buffer.concat([NODE, left, right]));
}

/** The root of the statements' tree and each statement's proof. */
export function merkleTree(statements: readonly string[]): { root: string; proofs: string[][] } {
  if (statements.length === 0) throw new RangeError('a batch needs at least one checkpoint');
  const levels: Buffer[][] = [statements.map(leafHash)];
  for (let level = levels[0]!; level.length > 1; ) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!); // the odd one out moves up as it is
    levels.push(next);
    level = next;
  }
  const proofs = statements.map((_, leaf) => {
    const proof: string[] = [];
    let idx = leaf;
    for (const level of levels.slice(0, -1)) {
      if (idx % 2 === 1) proof.push(`l:${level[idx - 1]!.toString('hex')}`);
      else if (idx + 1 < level.length) proof.push(`r:${level[idx + 1]!.toString('hex')}`);
      idx >>= 1;
    }
    return proof;
  });
  return { root: levels.at(-1)![0]!.toString('hex'), proofs };
}

/** The root a statement's proof leads to, or null when the proof is malformed. */
export function rootFromProof(statement: string, proof: readonly unknown[]): string | null {
  if (proof.length > MAX_PROOF_LENGTH) return null;
  let node = leafHash(statement);
  for (const step of proof) {
    if (typeof step !== 'string' || !/^[lr]:[0-9a-f]{64}$/.test(step)) return null;
    const sibling = Buffer.from(step.slice(2), 'hex');
    node = step[0] === 'l' ? nodeHash(sibling, node) : nodeHash(node, sibling);
  }
  return node.toString('hex');
}

export function batchStatement(c: BatchClaim): string {
  return canonicalJson({ type: CHECKPOINT_BATCH_TYPE, actor_id: c.actorId, key_id: c.keyId, signed_at: c.signedAt, root: c.root, size: c.size });
}

const KEYS = ['actor_id', 'key_id', 'root', 'signed_at', 'size', 'type'];

export function parseBatchStatement(statement: unknown): BatchClaim | null {
  if (typeof statement !== 'string') return null;
  let d;
  try {
    d = parseJson(statement);
  } catch {
    return null;
  }
  if (!isJsonObject(d) || d['type'] !== CHECKPOINT_BATCH_TYPE || canonicalJson(d) !== statement) return null;
  const keys = Object.keys(d).sort();
  if (keys.length !== KEYS.length || keys.some((k, i) => k !== KEYS[i])) return null;
  const { actor_id, key_id, signed_at, root, size } = d;
  if (typeof actor_id !== 'string' || typeof key_id !== 'string' || typeof signed_at !== 'string' || !isHash(root)) return null;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) return null;
  return { actorId: actor_id, keyId: key_id, signedAt: signed_at, root, size };
}
