import { RunStatus, type RunState } from '../../../runtime/index';
import { type RunStop } from '../../../shared/contract/run-stop';

/**
 * The stop a run shows: a terminal status always wins (whatever stopped it before); otherwise
 * what its driver last stated; otherwise what its state says (held, or waiting). Null only while
 * the run is being driven, or for a running run nobody drives (a source opened read-only).
 */
export function runStopOf(run: RunState, o: { paused: boolean; recorded: RunStop | null; driving: boolean }): RunStop | null {
  if (run.status === RunStatus.COMPLETED || run.status === RunStatus.FAILED || run.status === RunStatus.CANCELLED) {
    return { kind: 'finished', status: run.status };
  }
  if (o.recorded) return o.recorded;
  if (o.driving) return null;
  if (o.paused) return { kind: 'paused' };
  if (run.status === RunStatus.WAITING && run.waiting) {
    return { kind: 'waiting', reason: run.waiting.reason, waitKey: run.waiting.waitKey, until: run.waiting.until };
  }
  return null;
}
