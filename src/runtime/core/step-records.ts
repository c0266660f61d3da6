import { isStatusEvent, RESUME_EFFECT } from './system-records';
import { type JsonObject } from '../json/json-value';
import { StepStatus } from './enums';
import { encodeWaitState } from './codecs';
import { recordEffect, type Effect, type RunState, type StepRecord, type WaitState } from './models';

/**
 * Constructors of ledger records, mirroring `StepRecord.start` / `finish_*` of the reference.
 * The reference mutates one object and appends it twice; we build the finished record as a new
 * object with the same `stepId` and `startedAt`, which gives the same two lines.
 */
export function startRecord(args: {
  run: RunState;
  nodeId: string;
  effect: Effect | null;
  attempt?: number;
  idempotencyKey?: string | null;
  stepId: string;
  startedAt: string;
  actorId?: string | null;
}): StepRecord {
  return {
    runId: args.run.runId,
    stepId: args.stepId,
    nodeId: args.nodeId,
    status: StepStatus.STARTED,
    effect: args.effect ? recordEffect(args.effect) : null,
    result: null,
    error: null,
    startedAt: args.startedAt,
    endedAt: null,
    actorId: args.actorId !== undefined ? args.actorId : args.run.actorId,
    sessionId: args.run.sessionId,
    attempt: args.attempt ?? 1,
    idempotencyKey: args.idempotencyKey ?? null,
    prevHash: null,
    recordHash: null,
    signature: null,
  };
}

/**
 * A record of something done *to* a run rather than by its effects (a resume, a cancel, a
 * restore): completed at once, on the node the run stands on, by the acting actor.
 */
export function interventionRecord(args: { run: RunState; stepId: string; at: string; actorId?: string | null; result: JsonObject }): StepRecord {
  const rec = startRecord({ run: args.run, nodeId: args.run.currentNode, effect: null, stepId: args.stepId, startedAt: args.at, actorId: args.actorId ?? args.run.actorId });
  return { ...rec, status: StepStatus.COMPLETED, result: args.result, endedAt: args.at };
}

/** The one record of a completion (`complete_output`): `{"completed": true}`, attempt 1, no effect. */
export function completionRecord(args: { run: RunState; nodeId: string; stepId: string; startedAt: string; endedAt: string }): StepRecord {
  const rec = startRecord({ run: args.run, nodeId: args.nodeId, effect: null, stepId: args.stepId, startedAt: args.startedAt });
  return { ...rec, status: StepStatus.COMPLETED, result: { completed: true }, endedAt: args.endedAt };
}

const finished = (rec: StepRecord, endedAt: string): StepRecord => ({ ...rec, endedAt, prevHash: null, recordHash: null, signature: null });

export function finishSuccess(rec: StepRecord, result: JsonObject | null, endedAt: string): StepRecord {
  return { ...finished(rec, endedAt), status: StepStatus.COMPLETED, result };
}

export function finishWaiting(rec: StepRecord, wait: WaitState, endedAt: string): StepRecord {
  return { ...finished(rec, endedAt), status: StepStatus.WAITING, result: { wait: encodeWaitState(wait) } };
}

export function finishFailure(rec: StepRecord, error: string, endedAt: string): StepRecord {
  return { ...finished(rec, endedAt), status: StepStatus.FAILED, error };
}

/** What a record stands for, for readers (the Studio, audits). */
export type RecordKind = 'effect' | 'completion' | 'resume' | 'cancel' | 'restore' | 'fork' | 'status' | 'other';

export function recordKind(rec: Pick<StepRecord, 'effect' | 'result'>): RecordKind {
  // Python 0.4's system records (system-records.ts): a resume and the run's terminal status event.
  if (rec.effect?.type === RESUME_EFFECT) return 'resume';
  if (isStatusEvent(rec)) return 'status';
  if (rec.effect) return 'effect';
  const r = rec.result;
  if (!r) return 'other';
  if (r['completed'] === true) return 'completion';
  if ('resume' in r) return 'resume';
  if ('cancelled' in r) return 'cancel';
  if ('restored' in r) return 'restore';
  if ('forked_from' in r) return 'fork';
  return 'other';
}
