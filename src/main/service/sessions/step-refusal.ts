import { RunStatus, type RunState } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';

/** Where a person saw the run when they pressed Step. */
export interface StepExpectation {
  currentNode: string;
  updatedAt: string;
}

/** Why a run that is not running cannot be stepped, and what to do instead. */
export function stepRefusal(run: RunState): string {
  if (run.status === RunStatus.WAITING) {
    const w = run.waiting;
    const what = w?.reason === 'until' ? `a time (${w.until}); fast-forward it to go on` : w?.reason === 'user' ? 'an answer; answer it in the inbox' : `${w?.reason ?? 'something'} (${w?.waitKey ?? ''}); resume it to go on`;
    return `Run ${run.runId} is waiting for ${what}.`;
  }
  return `Run ${run.runId} is ${run.status}: there is nothing left to step.`;
}

/** A Step aimed at a state the run has left: nothing ran, and the person is told where it is now. */
export function movedOnError(now: RunState, seen: StepExpectation): StudioError {
  const where = now.currentNode === seen.currentNode ? `is at \`${now.currentNode}\` again, in a later state` : `is now at \`${now.currentNode}\``;
  return new StudioError('RUN_MOVED_ON', `Run ${now.runId} moved on since you saw it at \`${seen.currentNode}\`: it ${where}. Nothing was stepped; look at where it stands and step again.`, {
    runId: now.runId,
    seen,
    currentNode: now.currentNode,
    updatedAt: now.updatedAt,
  });
}
