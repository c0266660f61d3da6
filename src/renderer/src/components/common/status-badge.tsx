import { type RunStatus, type StepStatus } from '../../../../shared/contract';

/** A run or step status as a dot and a word (colour is never the only cue). */
export function StatusBadge({ status, paused = false }: { status: RunStatus | StepStatus; paused?: boolean }) {
  // A paused run that waits is still waiting: that is what a person has to act on.
  if (paused && status === 'running') {
    return <span className="status paused">paused</span>;
  }
  // Still waiting (that is what a person acts on), but held: Python 0.4's pause_run keeps runs waiting.
  if (paused && status === 'waiting') {
    return <span className="status waiting" title="Waiting, and paused: it does not resume until it is continued">waiting · paused</span>;
  }
  return <span className={`status ${status}`}>{status}</span>;
}
