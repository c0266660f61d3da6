/**
 * Checkpoints judged one by one (well-formed, this run, a known key of the actor it names, a
 * good signature, a trusted key), as a chain (numbered and linked, seqs increasing), and against
 * the ledger: a valid checkpoint must name a record that exists and has the signed hash.
 */
import { type JsonObject } from '../../json/json-value';
import { parseCheckpoint, verifyCheckpointSignature, type ParsedCheckpoint } from '../checkpoints/checkpoint';
import { short, type FindingCode, type ProvenanceFinding } from './findings';
import { type KeyRing } from './key-ring';

export type CheckpointStatus =
  | 'valid'
  | 'head-mismatch'
  | 'beyond-end'
  | 'malformed'
  | 'wrong-run'
  | 'unknown-key'
  | 'actor-mismatch'
  | 'bad-signature'
  | 'untrusted-key';

export interface CheckpointVerdict {
  index: number;
  status: CheckpointStatus;
  n: number | null;
  seq: number | null;
  headHash: string | null;
  actorId: string | null;
  keyId: string | null;
  signedAt: string | null;
}

export interface CheckpointResult {
  verdicts: CheckpointVerdict[];
  findings: ProvenanceFinding[];
  /** Highest seq claimed by a checkpoint whose signature holds (matching the ledger or not), or -1. */
  signedThrough: number;
}

export function checkCheckpoints(checkpoints: readonly unknown[], records: readonly JsonObject[], runId: string | null, ring: KeyRing): CheckpointResult {
  const verdicts: CheckpointVerdict[] = [];
  const findings: ProvenanceFinding[] = [];
  let prev: ParsedCheckpoint | null = null;
  let signedThrough = -1;
  let lastMatch = -1;
  let beyond: { index: number; cp: ParsedCheckpoint } | null = null;
  const seen = new Map<string, boolean>();
  for (const [index, value] of checkpoints.entries()) {
    const parsed = parseCheckpoint(value);
    if (!parsed.ok) {
      findings.push(at('checkpoint_malformed', index, null, `checkpoint ${index} is not a valid checkpoint: ${parsed.reason}`));
      verdicts.push({ index, status: 'malformed', n: null, seq: null, headHash: null, actorId: null, keyId: null, signedAt: null });
      continue;
    }
    const cp = parsed.checkpoint;
    const c = cp.claim;
    findings.push(...linkFindings(index, cp, prev));
    prev = cp;
    const status = judge(index, cp, runId, ring, findings, seen);
    const verdict: CheckpointVerdict = { index, status, n: c.n, seq: c.seq, headHash: c.headHash, actorId: c.actorId, keyId: c.keyId, signedAt: c.signedAt };
    verdicts.push(verdict);
    if (status !== 'valid') continue;
    signedThrough = Math.max(signedThrough, c.seq);
    if (c.seq >= records.length) {
      verdict.status = 'beyond-end';
      if (!beyond || c.seq > beyond.cp.claim.seq) beyond = { index, cp };
      continue;
    }
    const actual = records[c.seq]?.['record_hash'];
    if (actual !== c.headHash) {
      verdict.status = 'head-mismatch';
      findings.push({
        code: 'checkpoint_head_mismatch',
        severity: 'error',
        location: { kind: 'record', seq: c.seq, range: [lastMatch + 1, c.seq] },
        checkpoint: index,
        actorId: c.actorId,
        keyId: c.keyId,
        message:
          `record ${c.seq} is not the record ${c.actorId} signed in checkpoint ${index} (signed hash ${short(c.headHash)}, ledger has ${short(typeof actual === 'string' ? actual : null)}): ` +
          `the ledger was changed at or before record ${c.seq}, after record ${lastMatch}`,
      });
      continue;
    }
    lastMatch = Math.max(lastMatch, c.seq);
  }
  if (beyond) findings.push(truncation(beyond, records.length));
  return { verdicts, findings, signedThrough };
}

function truncation(b: { index: number; cp: ParsedCheckpoint }, count: number): ProvenanceFinding {
  const c = b.cp.claim;
  return {
    code: 'ledger_truncated',
    severity: 'error',
    location: { kind: 'records', from: count, to: c.seq },
    checkpoint: b.index,
    actorId: c.actorId,
    keyId: c.keyId,
    message:
      `the ledger ends ${count === 0 ? 'before its first record' : `at record ${count - 1}`}, but checkpoint ${b.index}, signed by ${c.actorId} at ${c.signedAt}, ` +
      `says it reached record ${c.seq}: records ${count}..${c.seq} are missing (cut from the end)`,
  };
}

/** Is the checkpoint numbered and linked right after the one before it, with a higher seq? */
function linkFindings(index: number, cp: ParsedCheckpoint, prev: ParsedCheckpoint | null): ProvenanceFinding[] {
  const c = cp.claim;
  const wantN = prev ? prev.claim.n + 1 : 0;
  const out: ProvenanceFinding[] = [];
  if (c.n > wantN) {
    out.push(at('checkpoint_missing', index, c.seq, `checkpoint${c.n - wantN > 1 ? `s ${wantN}..${c.n - 1} are` : ` ${wantN} is`} missing before checkpoint ${index} (number ${c.n}): dropped from the list`));
  } else if (c.n !== wantN || c.prev !== (prev?.hash ?? null)) {
    out.push(at('checkpoint_chain_broken', index, c.seq, `checkpoint ${index} does not follow the checkpoint before it (number ${c.n}, expected ${wantN}; or its link differs): checkpoints were changed, reordered or forged here`));
  } else if (prev && c.seq <= prev.claim.seq) {
    out.push(at('checkpoint_out_of_order', index, c.seq, `checkpoint ${index} claims seq ${c.seq}, not beyond the previous checkpoint's seq ${prev.claim.seq}`));
  }
  return out;
}

function judge(index: number, cp: ParsedCheckpoint, runId: string | null, ring: KeyRing, findings: ProvenanceFinding[], seen: Map<string, boolean>): CheckpointStatus {
  const c = cp.claim;
  const fail = (status: CheckpointStatus, code: FindingCode, message: string): CheckpointStatus => {
    findings.push({ ...at(code, index, c.seq, message), keyId: c.keyId, actorId: c.actorId });
    return status;
  };
  if (runId !== null && c.runId !== runId) return fail('wrong-run', 'checkpoint_wrong_run', `checkpoint ${index} is for run ${c.runId}, not for run ${runId}`);
  const key = ring.byId.get(c.keyId);
  if (!key) return fail('unknown-key', 'checkpoint_unknown_key', `checkpoint ${index} was signed with key ${c.keyId}, which is not among the usable keys`);
  if (key.key.actorId !== c.actorId) return fail('actor-mismatch', 'checkpoint_actor_mismatch', `checkpoint ${index} names actor ${c.actorId}, but key ${c.keyId} belongs to ${key.key.actorId}`);
  if (!verifyCheckpointSignature(cp, key.publicKey, seen)) return fail('bad-signature', 'checkpoint_bad_signature', `checkpoint ${index}'s signature does not match its statement: the statement or the signature was changed, or it was never signed by ${c.actorId}`);
  key.used++; // a good signature, trusted or not
  if (key.trusted === false) return fail('untrusted-key', 'checkpoint_untrusted_key', `checkpoint ${index} was signed by ${c.actorId} with key ${c.keyId}, which is not among the trusted keys`);
  return 'valid';
}

function at(code: FindingCode, index: number, seq: number | null, message: string): ProvenanceFinding {
  return { code, severity: 'error', location: { kind: 'checkpoint', index, seq }, message };
}
