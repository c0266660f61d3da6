import { type RunState } from '../../core/models';
import { InvalidArgumentError, UnknownRunError } from '../../errors';
import { checkForkRequest, planFork, type ForkRequest } from '../fork-plan';
import { type Checkpoints } from './checkpoints';
import { type RunKeys } from './run-keys';
import { type StepWriter } from './step-writer';
import { type WorkspaceDb } from './workspace-db';

/** What to fork (see fork-plan.ts). */
export type ForkRunOptions = ForkRequest;

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
  checkForkRequest(o);
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
    const { run, genesis } = planFork(source, o, headHash);
    deps.writer.commitInTransaction(run, [genesis], { runId: o.runId, seq: o.atSeq, headHash });
    return run;
  });
}
