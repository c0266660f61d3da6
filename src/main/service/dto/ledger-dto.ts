import { encodeRecordedEffect, encodeStepRecord, parseIsoTimestamp, pyJsonDumps, recordKind, systemRecordText, type StepRecord } from '../../../runtime/index';
import { LEDGER_FAILURE_PREVIEW, type ChainErrorInfo, type ChainSummary, type LedgerEntry, type LedgerRecord } from '../../../shared/contract/domain';
import { type SessionChainReport } from '../sessions/session';
import { recordFailure } from './record-failure';

/** The timeline row of a record: no JSON texts, the failure shortened (see LedgerEntry). */
export function toLedgerEntry(seq: number, r: StepRecord): LedgerEntry {
  return summaryOf(seq, r, preview(recordFailure(r)));
}

/** A record in full, for the record panel (`ledger.record`). */
export function toLedgerRecord(seq: number, r: StepRecord): LedgerRecord {
  return {
    ...summaryOf(seq, r, recordFailure(r)),
    runId: r.runId,
    stepId: r.stepId,
    error: r.error,
    idempotencyKey: r.idempotencyKey,
    signature: r.signature,
    effectJson: r.effect ? pyJsonDumps(encodeRecordedEffect(r.effect), { indent: 2 }) : null,
    resultJson: r.result ? pyJsonDumps(r.result, { indent: 2 }) : null,
    recordJson: pyJsonDumps(encodeStepRecord(r)),
  };
}

function summaryOf(seq: number, r: StepRecord, failure: string | null): LedgerEntry {
  const started = parseIsoTimestamp(r.startedAt);
  const ended = r.endedAt ? parseIsoTimestamp(r.endedAt) : null;
  return {
    seq,
    nodeId: r.nodeId,
    status: r.status,
    effectType: r.effect?.type ?? null,
    kind: recordKind(r),
    systemText: systemRecordText(r),
    attempt: r.attempt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: started !== null && ended !== null ? (ended - started) / 1000 : null,
    actorId: r.actorId,
    failure,
    prevHash: r.prevHash,
    recordHash: r.recordHash,
  };
}

function preview(text: string | null): string | null {
  return text !== null && text.length > LEDGER_FAILURE_PREVIEW ? `${text.slice(0, LEDGER_FAILURE_PREVIEW - 1)}…` : text;
}

/** The first problem of a chain, in words a person can act on. */
export function explainChainError(e: ChainErrorInfo): string {
  switch (e.type) {
    case 'record_hash_mismatch':
      return `Record ${e.seq} was changed after it was written: its stored hash does not match its content.`;
    case 'prev_hash_mismatch':
      return e.seq === 0
        ? `Record 0 claims a predecessor (${short(e.actualPrevHash)}) but is the first record: records before it were removed.`
        : `Record ${e.seq} does not follow record ${e.seq - 1}: a record was removed, inserted or moved before it (its prev_hash ${short(e.actualPrevHash)} is not the hash of the record before, ${short(e.expectedPrevHash)}).`;
    case 'missing_record_hash':
      return `Record ${e.seq} has no hash: it was written without the hash chain, so it and what follows cannot be checked.`;
    case 'column_mismatch':
      return `Record ${e.seq} was edited in the database: its ${e.column} column disagrees with the hashed record.`;
    case 'provenance':
      return e.message;
  }
}

const short = (h: string | null): string => (h ? `${h.slice(0, 12)}…` : 'none');

/** `seqOf(index)`: ledgers are read in order, so the index of a record is its seq unless rows are missing. */
export function toChainSummary(source: { runId: string; sourceId: string }, report: SessionChainReport, checkedAt: string, seqOf: (index: number) => number = (i) => i): ChainSummary {
  const errors: ChainErrorInfo[] = report.errors.map((e) => ({ ...e, seq: seqOf(e.index) }) as ChainErrorInfo);
  const bad = new Set(errors.map((e) => e.index));
  const first = errors[0] ?? null;
  return {
    runId: source.runId,
    sourceId: source.sourceId,
    ok: report.ok,
    chain: report.chain,
    count: report.count,
    verifiedCount: report.chain === 'unchained' ? 0 : report.count - bad.size,
    headHash: report.headHash,
    firstBadSeq: first ? first.seq : null,
    explanation: report.explanation ?? (first ? explainChainError(first) : null),
    errors,
    checkedAt,
  };
}
