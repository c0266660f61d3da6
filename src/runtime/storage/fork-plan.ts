import { cloneRunState, type RunState, type StepRecord } from '../core/models';
import { InvalidArgumentError } from '../errors';
import { type JsonObject } from '../json/json-value';

/** What a fork is made of, whichever store writes it. */
export interface ForkRequest {
  /** The run to fork. */
  runId: string;
  /** Fork the state as of this ledger seq of `runId` (-1: the state before its first record). */
  atSeq: number;
  /** Id of the new run; must not exist yet. */
  newRunId: string;
  /** Timestamp of the fork (Python isoformat); becomes the new run's createdAt and updatedAt. */
  now: string;
  /** Step id of the fork's genesis record. */
  stepId: string;
  /** Who forked it (recorded in the genesis record); defaults to the run's actor. */
  actorId?: string | null;
  /**
   * The person changed the state before forking: the fork starts with `vars` instead of the
   * parent's, and `record` (what was changed, as the caller describes it) is kept in the genesis
   * record's origin, under the hash chain, so the edit can be audited like the fork itself.
   */
  edit?: { vars: JsonObject; record: JsonObject };
}

/** Where a fork grew from: the parent, the seq, and the parent's record hash there (null at -1). */
export interface ForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

export interface ForkPlan {
  run: RunState;
  genesis: StepRecord;
  origin: ForkOrigin;
}

/** Refuses a fork request that no store could carry out, before anything is read. */
export function checkForkRequest(o: ForkRequest): void {
  if (!Number.isInteger(o.atSeq) || o.atSeq < -1) throw new InvalidArgumentError(`atSeq must be an integer >= -1 (got ${o.atSeq}).`);
  if (!o.newRunId) throw new InvalidArgumentError('newRunId must be a non-empty string.');
}

/**
 * The new run and its genesis record, the same for the SQLite and the PostgreSQL workspace (so a
 * fork made on either verifies and reads alike): the state at the seq under the new id, with
 * `parentRunId` cleared (a fork of a subworkflow child must not be taken for the parent's child:
 * the scheduler would resume the parent with the fork's output), and a genesis record (status
 * completed, no effect) whose result says `{"forked_from": {"run_id", "seq", "head_hash"}}` (plus
 * `edited` when the person changed the vars), so the origin is covered by the fork's hash chain.
 */
export function planFork(source: RunState, o: ForkRequest, headHash: string | null): ForkPlan {
  const run: RunState = { ...cloneRunState(source), runId: o.newRunId, parentRunId: null, createdAt: o.now, updatedAt: o.now };
  if (o.edit) run.vars = o.edit.vars;
  const originJson: JsonObject = { run_id: o.runId, seq: o.atSeq, head_hash: headHash };
  if (o.edit) originJson['edited'] = o.edit.record;
  const genesis: StepRecord = {
    runId: run.runId,
    stepId: o.stepId,
    nodeId: run.currentNode,
    status: 'completed',
    effect: null,
    result: { forked_from: originJson },
    error: null,
    startedAt: o.now,
    endedAt: o.now,
    actorId: o.actorId !== undefined ? o.actorId : run.actorId,
    sessionId: run.sessionId,
    attempt: 1,
    idempotencyKey: null,
    prevHash: null,
    recordHash: null,
    signature: null,
  };
  return { run, genesis, origin: { runId: o.runId, seq: o.atSeq, headHash } };
}

/** A workspace's `forkRun` options: the request with the new id and time left to the workspace. */
export type WorkspaceForkOptions = Omit<ForkRequest, 'newRunId' | 'now' | 'stepId'> & {
  /** Defaults to a new uuid. */
  newRunId?: string;
  /** Defaults to now. */
  now?: string;
};
