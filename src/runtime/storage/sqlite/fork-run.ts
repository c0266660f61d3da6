import { cloneRunState, type RunState, type StepRecord } from '../../core/models';
import { type JsonObject } from '../../json/json-value';
import { InvalidArgumentError, UnknownRunError } from '../../errors';
import { type Checkpoints } from './checkpoints';
import { type RunKeys } from './run-keys';
import { type StepWriter } from './step-writer';
import { type WorkspaceDb } from './workspace-db';

export interface ForkRunOptions {
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

export interface ForkDeps {
  db: WorkspaceDb;
  keys: RunKeys;
  checkpoints: Checkpoints;
  writer: StepWriter;
}

/**
 * Creates a new run from the state a run had at a ledger seq, in one transaction. The fork gets:
 * - origin columns (parent run, seq, and the parent's record hash at that seq, i.e. the chain head
 *   the fork grew from), for queries;
 * - its own ledger, whose genesis record (status completed, no effect) says the same in its result,
 *   `{"forked_from": {"run_id", "seq", "head_hash"}}`, so the origin is covered by the fork's hash
 *   chain and cannot be edited unnoticed like a plain column could.
 * `parentRunId` is cleared: a fork of a subworkflow child must not be taken for the parent's child
 * (the scheduler would resume the parent with the fork's output).
 */
export function forkRun(deps: ForkDeps, o: ForkRunOptions): RunState {
  if (!Number.isInteger(o.atSeq) || o.atSeq < -1) throw new InvalidArgumentError(`atSeq must be an integer >= -1 (got ${o.atSeq}).`);
  if (!o.newRunId) throw new InvalidArgumentError('newRunId must be a non-empty string.');
  try {
    return write(deps, o);
  } catch (err) {
    deps.writer.forget();
    throw err;
  }
}

function write(deps: ForkDeps, o: ForkRunOptions): RunState {
  return deps.db.write('fork a run', () => {
    const exists = (id: string): boolean => deps.db.stmt('SELECT 1 FROM runs WHERE run_id = ?', 'pluck').get(id) !== undefined;
    if (!exists(o.runId)) throw new UnknownRunError(o.runId);
    if (exists(o.newRunId)) throw new InvalidArgumentError(`Cannot fork into ${o.newRunId}: a run with that id exists.`, { runId: o.newRunId });
    let headHash: string | null = null;
    if (o.atSeq >= 0) {
      const key = deps.keys.find(o.runId);
      const h = key === null || o.atSeq > 0xffffffff ? undefined : (deps.db.stmt('SELECT record_hash FROM ledger WHERE id = (? << 32) + ?', 'pluck').get(key, o.atSeq) as string | undefined);
      if (h === undefined) throw new InvalidArgumentError(`Run ${o.runId} has no ledger record with seq ${o.atSeq}.`, { runId: o.runId, seq: o.atSeq });
      headHash = h;
    }
    const source = deps.checkpoints.stateAt(o.runId, o.atSeq);
    if (!source) throw new InvalidArgumentError(`Run ${o.runId} has no saved state at or before seq ${o.atSeq}.`, { runId: o.runId, seq: o.atSeq });
    const run: RunState = { ...cloneRunState(source), runId: o.newRunId, parentRunId: null, createdAt: o.now, updatedAt: o.now };
    if (o.edit) run.vars = o.edit.vars;
    const origin: JsonObject = { run_id: o.runId, seq: o.atSeq, head_hash: headHash };
    if (o.edit) origin['edited'] = o.edit.record;
    const genesis: StepRecord = {
      runId: run.runId,
      stepId: o.stepId,
      nodeId: run.currentNode,
      status: 'completed',
      effect: null,
      result: { forked_from: origin },
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
    deps.writer.commitInTransaction(run, [genesis], { runId: o.runId, seq: o.atSeq, headHash });
    return run;
  });
}
