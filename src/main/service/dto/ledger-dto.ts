import { encodeRecordedEffect, encodeStepRecord, parseIsoTimestamp, pyJsonDumps, recordKind, systemRecordText, type StepRecord } from '../../../runtime/index';
import { LEDGER_FAILURE_PREVIEW, type ChainErrorInfo, type ChainSummary, type LedgerEntry, type LedgerRecord } from '../../../shared/contract/domain';
import { explainChainError as explainShared } from '../../../shared/chain-errors';
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

/** The first problem of a chain, in the shared table's words (the CLI's and the renderer's too). */
export function explainChainError(e: ChainErrorInfo): string {
  return e.type === 'provenance' ? e.message : explainShared(e, e.seq);
}

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
    checkedFromSeq: seqOf(report.checkedFrom ?? 0),
    explanation: report.explanation ?? (first ? explainChainError(first) : null),
    errors,
    checkedAt,
  };
}
