import { type RunStatus, type StepStatus } from '../../../../shared/contract';

/** A run or step status as a dot and a word (colour is never the only cue). */
export function StatusBadge({ status, paused = false }: { status: RunStatus | StepStatus; paused?: boolean }) {
  // A paused run that waits is still waiting: that is what a person has to act on.
  if (paused && status === 'running') {
    return <span className="status paused">paused</span>;
  }
  return <span className={`status ${status}`}>{status}</span>;
}
