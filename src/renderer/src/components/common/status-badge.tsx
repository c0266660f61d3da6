import { type RunStatus, type StepStatus } from '../../../../shared/contract';
import { Icon } from './icon';

/**
 * A run or step status as a dot and a word (colour is never the only cue). `compact` (the runs
 * table's narrow column) says "paused" of a waiting run with the pause icon instead of the word.
 */
export function StatusBadge({ status, paused = false, compact = false }: { status: RunStatus | StepStatus; paused?: boolean; compact?: boolean }) {
  // A paused run that waits is still waiting: that is what a person has to act on.
  if (paused && status === 'running') {
    return <span className="status paused">paused</span>;
  }
  // Still waiting (that is what a person acts on), but held: Python 0.4's pause_run keeps runs waiting.
  if (paused && status === 'waiting') {
    const title = 'Waiting, and paused: it does not resume until it is continued';
    return compact ? (
      <span className="status waiting" title={title}>
        waiting
        <Icon name="pause" size={10} />
        <span className="sr-only"> · paused</span>
      </span>
    ) : (
      <span className="status waiting" title={title}>waiting · paused</span>
    );
  }
  return <span className={`status ${status}`}>{status}</span>;
}
