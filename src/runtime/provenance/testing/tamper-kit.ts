/** Shared parts of the tamper suite's operations: the copy of a signed run, expectations, helpers. */
import { type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { canonicalJson, pyJsonDumps } from '../../json/py-dumps';
import { computeRecordHash } from '../../ledger/record-hash';
import { parseCheckpoint, signCheckpoint, storedCheckpoint, type CheckpointClaim, type SignedCheckpoint } from '../checkpoints/checkpoint';
import { sha256Hex } from '../encoding';
import { type ActorKey } from '../keys/actor-key';
import { type SigningKey } from '../keys/key-store';
import { type Rng } from './rng';

export interface LedgerCopy {
  runId: string;
  lines: string[];
  checkpoints: SignedCheckpoint[];
  keys: ActorKey[];
}

export type Expectation =
  | { at: 'record'; seq: number }
  /** Cannot be pinned to one record: the first reported finding's range must contain it. */
  | { at: 'span'; seq: number }
  | { at: 'truncated'; from: number }
  | { at: 'unsigned'; from: number }
  | { at: 'checkpoint'; index: number }
  | { at: 'key'; index: number };

export interface Tampering {
  name: string;
  detail: string;
  copy: LedgerCopy;
  expect: Expectation[];
}

export interface TamperContext {
  rng: Rng;
  /** Keys the attacker holds: one self-certified, one claiming the host's actor id. */
  attackers: SigningKey[];
  /** Lines of other runs (to splice in a record of another run). */
  otherRuns: string[][];
}

export type Op = (c: LedgerCopy, x: TamperContext) => Omit<Tampering, 'name'> | null;

export const parse = (line: string): JsonObject => parseJson(line) as JsonObject;
export const dump = (d: JsonObject): string => pyJsonDumps(d);
export const clone = (c: LedgerCopy): LedgerCopy => ({ runId: c.runId, lines: [...c.lines], checkpoints: c.checkpoints.map(storedCheckpoint), keys: c.keys.map((k) => ({ ...k })) });
export const claims = (c: LedgerCopy): CheckpointClaim[] => c.checkpoints.map((cp) => (parseCheckpoint(cp) as { ok: true; checkpoint: { claim: CheckpointClaim } }).checkpoint.claim);
export const hashAt = (c: LedgerCopy, i: number): string => parse(c.lines[i] as string)['record_hash'] as string;
export const randomHash = (x: TamperContext): string => sha256Hex(String(x.rng.next()));

/**
 * Equal in meaning: a missing `signature` is a null one, and so is a missing `prev_hash` (the
 * reference hashes `prev_hash` as null when absent, so no verifier can or should tell them apart).
 */
function meaning(d: JsonObject): string {
  const copy = { ...d };
  if (copy['signature'] === null) delete copy['signature'];
  if (copy['prev_hash'] === null) delete copy['prev_hash'];
  return canonicalJson(copy);
}
export const noop = (a: JsonObject, b: JsonObject): boolean => meaning(a) === meaning(b);

export function rehashFrom(lines: string[], from: number): void {
  let prev = from > 0 ? (parse(lines[from - 1] as string)['record_hash'] as string) : null;
  for (let j = from; j < lines.length; j++) {
    const d = parse(lines[j] as string);
    d['prev_hash'] = prev;
    d['record_hash'] = prev = computeRecordHash(d, prev);
    lines[j] = dump(d);
  }
}

/** Re-signs checkpoints from index `from` with `key`, keeping the chain of checkpoints linked. */
export function resignFrom(c: LedgerCopy, from: number, key: SigningKey, heads: (claim: CheckpointClaim) => string): void {
  const all = claims(c);
  let prev = from > 0 ? sha256Hex((c.checkpoints[from - 1] as SignedCheckpoint).statement) : null;
  for (let k = from; k < all.length; k++) {
    const cl = all[k] as CheckpointClaim;
    const cp = signCheckpoint(key, { runId: cl.runId, seq: cl.seq, headHash: heads(cl), signedAt: cl.signedAt, n: cl.n, prev });
    c.checkpoints[k] = { statement: cp.statement, signature: cp.signature };
    prev = cp.hash;
  }
}

export function addKey(c: LedgerCopy, key: ActorKey): void {
  if (!c.keys.some((k) => k.keyId === key.keyId)) c.keys.push(key);
}

