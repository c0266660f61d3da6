import { RuntimeError, RunStatus, WaitReason, type RunState, type RunStore, type Scheduler } from '../../../runtime/index';

/**
 * For the driver, before it drives a run: a parent that waits on a child which completed while
 * the parent was held (the Scheduler leaves held runs alone) is resumed with the child's output
 * now, as the Scheduler would have done. Without this a paused parent whose child finished would
 * wait for ever after Continue.
 */
export function settleFinishedChild(scheduler: Scheduler, runs: RunStore): (run: RunState) => Promise<void> {
  return async (run) => {
    const w = run.waiting;
    if (run.status !== RunStatus.WAITING || w?.reason !== WaitReason.SUBWORKFLOW) return;
    const childId = w.details?.['sub_run_id'];
    const child = typeof childId === 'string' ? await runs.load(childId) : null;
    if (child?.status !== RunStatus.COMPLETED) return;
    try {
      await scheduler.resumeSubworkflowParent({ childRunId: child.runId, childOutput: child.output });
    } catch (e) {
      // Someone resumed it first (the Scheduler, on the child's completion): that is the goal.
      if (!(e instanceof RuntimeError && (e.code === 'RUN_NOT_WAITING' || e.code === 'WAIT_KEY_MISMATCH'))) throw e;
    }
  };
}
