/**
 * `verifyProvenance`: everything a run's ledger, checkpoints and keys can prove, with each problem
 * located. The hash chain (the runtime's ChainVerifier), per-record signatures, checkpoints
 * (signature, chain, and match with the ledger: truncation included), keys (binding and trust),
 * and the records no signature covers. See docs/audit-bundle.md for the algorithm in words.
 */
import { encodeStepRecord } from '../../core/codecs';
import { type StepRecord } from '../../core/models';
import { type JsonObject, type JsonValue } from '../../json/json-value';
import { type ChainReport } from '../../ledger/chain-verifier';
import { type ActorKey, type KeyBinding } from '../keys/actor-key';
import { chainFindings } from './chain-checks';
import { checkCheckpoints, type CheckpointVerdict } from './checkpoint-checks';
import { firstBad, sortFindings, type ProvenanceFinding } from './findings';
import { buildKeyRing, trustFindings, type KeyRing } from './key-ring';
import { checkRecordSignatures } from './record-signature-checks';

export interface VerifyProvenanceInput {
  /** The run's records in ledger order: snake_case dicts parsed losslessly (preferred: unknown keys stay hashed) or StepRecords. */
  records: readonly JsonObject[] | readonly StepRecord[];
  /** The run's checkpoints in stored order ({statement, signature}); anything malformed is reported, not thrown. */
  checkpoints: readonly unknown[];
  /** Public keys (ActorKey or their JSON form). */
  keys: readonly (ActorKey | JsonValue)[];
  /** The keys the auditor trusts, obtained independently. Without them, signatures prove internal consistency only. */
  trustedKeys?: readonly ActorKey[] | null;
  /** The run expected; defaults to the first record's (or checkpoint's) run id. */
  runId?: string | null;
  /** Report records no signature covers as a warning instead of an error (e.g. a Python ledger, never signed). */
  allowUnsigned?: boolean;
}

export interface SignerSummary {
  actorId: string;
  keyId: string;
  kind: string;
  displayName: string | null;
  binding: KeyBinding;
  trusted: boolean | null;
  /** Valid checkpoints it signed, and the records they cover (0..throughSeq). */
  checkpoints: number;
  /** Valid per-record signatures it made. */
  records: number;
  throughSeq: number | null;
}

export interface ActorSummary {
  actorId: string | null;
  /** Records naming this actor. */
  records: number;
  /** Records naming this actor that the same actor signed (a checkpoint at that very record, or its record signature). */
  attested: number[];
}

export interface ProvenanceReport {
  ok: boolean;
  runId: string | null;
  records: number;
  headHash: string | null;
  chain: ChainReport;
  /** Sorted: records by seq, then checkpoints, keys, the ledger. */
  findings: ProvenanceFinding[];
  errors: number;
  warnings: number;
  firstBadSeq: number | null;
  firstBadCheckpoint: number | null;
  firstBadKey: number | null;
  /** Highest seq a valid signature vouches for (records 0..signedThrough), or null. */
  signedThrough: number | null;
  unsigned: { from: number; to: number } | null;
  trust: 'trusted-keys' | 'unanchored';
  checkpoints: CheckpointVerdict[];
  signers: SignerSummary[];
  actors: ActorSummary[];
}

const isStepRecord = (r: JsonObject | StepRecord): r is StepRecord => typeof (r as StepRecord).runId === 'string' && !('run_id' in r);

export function verifyProvenance(input: VerifyProvenanceInput): ProvenanceReport {
  const records = (input.records as readonly (JsonObject | StepRecord)[]).map((r) => (isStepRecord(r) ? encodeStepRecord(r) : r));
  const runId = input.runId ?? stringField(records[0], 'run_id') ?? firstCheckpointRun(input.checkpoints);
  const trusted = input.trustedKeys ?? null;
  const ring = buildKeyRing(input.keys, trusted);
  const chain = chainFindings(records, runId);
  const sigs = checkRecordSignatures(records, ring);
  const cps = checkCheckpoints(input.checkpoints, records, runId, ring);
  const findings = [...chain.findings, ...sigs.findings, ...cps.findings, ...ring.findings, ...trustFindings(ring, trusted !== null)];
  const through = Math.max(sigs.signedThrough, cps.signedThrough);
  const unsigned = records.length > 0 && through < records.length - 1 ? { from: through + 1, to: records.length - 1 } : null;
  if (unsigned) findings.push(unsignedFinding(unsigned, input.allowUnsigned === true));
  sortFindings(findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    ok: errors === 0,
    runId,
    records: records.length,
    headHash: chain.chain.headHash,
    chain: chain.chain,
    findings,
    errors,
    warnings: findings.length - errors,
    firstBadSeq: firstBad(findings, 'record'),
    firstBadCheckpoint: firstBad(findings, 'checkpoint'),
    firstBadKey: firstBad(findings, 'key'),
    signedThrough: through >= 0 ? through : null,
    unsigned,
    trust: trusted ? 'trusted-keys' : 'unanchored',
    checkpoints: cps.verdicts,
    signers: signerSummaries(ring, cps.verdicts, sigs.signedBy),
    actors: actorSummaries(records, cps.verdicts, sigs.signedBy, ring),
  };
}

function unsignedFinding(u: { from: number; to: number }, allowed: boolean): ProvenanceFinding {
  const what = u.from === u.to ? `record ${u.from} is` : `records ${u.from}..${u.to} are`;
  return {
    code: 'unsigned_records',
    severity: allowed ? 'warning' : 'error',
    location: { kind: 'records', from: u.from, to: u.to },
    message:
      `${what} not covered by any valid signature: nothing proves ${u.from === u.to ? 'it was' : 'they were'} written by the runtime that signed the rest ` +
      `(appended later, or signed by a key that does not verify), nor that more records did not follow`,
  };
}

function stringField(r: JsonObject | undefined, field: string): string | null {
  const v = r?.[field];
  return typeof v === 'string' ? v : null;
}

function firstCheckpointRun(checkpoints: readonly unknown[]): string | null {
  const first = checkpoints[0] as { statement?: unknown } | undefined;
  if (!first || typeof first.statement !== 'string') return null;
  const m = /"run_id":("(?:[^"\\]|\\.)*")/.exec(first.statement);
  try {
    return m ? (JSON.parse(m[1] as string) as string) : null;
  } catch {
    return null; // a damaged statement: it is reported as malformed, it just names no run
  }
}

function signerSummaries(ring: KeyRing, verdicts: readonly CheckpointVerdict[], signedBy: Map<number, string>): SignerSummary[] {
  const out: SignerSummary[] = [];
  for (const k of ring.byId.values()) {
    const mine = verdicts.filter((v) => v.keyId === k.key.keyId && (v.status === 'valid' || v.status === 'head-mismatch' || v.status === 'beyond-end'));
    const records = [...signedBy.values()].filter((id) => id === k.key.keyId).length;
    const seqs = [...mine.map((v) => v.seq as number), ...[...signedBy].filter(([, id]) => id === k.key.keyId).map(([s]) => s)];
    out.push({
      actorId: k.key.actorId,
      keyId: k.key.keyId,
      kind: k.key.kind,
      displayName: k.key.displayName,
      binding: k.binding,
      trusted: k.trusted,
      checkpoints: mine.length,
      records,
      throughSeq: seqs.length > 0 ? Math.max(...seqs) : null,
    });
  }
  return out;
}

function actorSummaries(records: readonly JsonObject[], verdicts: readonly CheckpointVerdict[], signedBy: Map<number, string>, ring: KeyRing): ActorSummary[] {
  const byActor = new Map<string | null, ActorSummary>();
  const checkpointed = new Map<number, Set<string | null>>();
  for (const v of verdicts) {
    if (v.status !== 'valid' || v.seq === null) continue;
    const set = checkpointed.get(v.seq) ?? new Set<string | null>();
    checkpointed.set(v.seq, set.add(v.actorId));
  }
  records.forEach((r, seq) => {
    const actorId = stringField(r, 'actor_id');
    let s = byActor.get(actorId);
    if (!s) byActor.set(actorId, (s = { actorId, records: 0, attested: [] }));
    s.records++;
    const byCheckpoint = checkpointed.get(seq)?.has(actorId) === true;
    const keyId = signedBy.get(seq);
    const byRecordSig = keyId !== undefined && ring.byId.get(keyId)?.key.actorId === actorId;
    if (actorId !== null && (byCheckpoint || byRecordSig)) s.attested.push(seq);
  });
  return [...byActor.values()];
}
