import { RunStatus, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { type JsonObject } from '../json/json-value';
import { type RunStore } from '../storage/run-store';

/** Whether a worker holding the run can tick it now: running, or waiting for a time that has come. */
export function movable(run: RunState, nowIso: string): boolean {
  if (run.status === RunStatus.RUNNING) return true;
  const w = run.waiting;
  return run.status === RunStatus.WAITING && w?.reason === WaitReason.UNTIL && w.until !== null && w.until <= nowIso;
}

/**
 * The resume a parent waiting on a child is owed once that child completed (the payload the
 * scheduler gives: `{sub_run_id, output}`), or null. Asked by the holder of the parent's lease,
 * and the resume checks the wait again under it: however many workers see the child complete,
 * the parent resumes once.
 */
export async function parentResume(runs: RunStore, run: RunState): Promise<{ waitKey: string | null; payload: JsonObject } | null> {
  const w = run.waiting;
  if (run.status !== RunStatus.WAITING || w?.reason !== WaitReason.SUBWORKFLOW) return null;
  const childId = w.details?.['sub_run_id'];
  if (typeof childId !== 'string') return null;
  const child = await runs.load(childId);
  if (child?.status !== RunStatus.COMPLETED) return null;
  return { waitKey: w.waitKey, payload: { sub_run_id: childId, output: child.output } };
}
