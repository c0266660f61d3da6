/**
 * The 100,000 runs both query benches read (bench/sqlite-queries.bench.ts and
 * bench/postgres-queries.bench.ts): 40% completed, 10% running, 10% failed, 5% cancelled, 35%
 * waiting (for a person, an event, a time in the past or the future, a subworkflow), over 20
 * workflows. One definition, so the two stores are measured on the same runs.
 */
import { RunStatus, WaitReason, waitState, type RunState } from '../src/runtime/index';

export const QUERY_RUNS = 100_000;
/** The instant the due-wait_until query asks about. */
export const QUERY_NOW = '2026-06-01T12:00:00+00:00';

const iso = (i: number, day: number): string =>
  `2026-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.${String(i % 1_000_000).padStart(6, '0')}+00:00`;

export function makeRun(i: number): RunState {
  const kind = i % 20;
  const status =
    kind < 8 ? RunStatus.COMPLETED : kind < 10 ? RunStatus.RUNNING : kind < 12 ? RunStatus.FAILED : kind < 13 ? RunStatus.CANCELLED : RunStatus.WAITING;
  const reasons = [WaitReason.USER, WaitReason.EVENT, WaitReason.UNTIL, WaitReason.UNTIL, WaitReason.SUBWORKFLOW, WaitReason.USER, WaitReason.EVENT];
  const reason = reasons[kind - 13];
  const waiting =
    status === RunStatus.WAITING && reason
      ? waitState({ reason, waitKey: reason === WaitReason.UNTIL ? null : `${reason}:${i}`, until: reason === WaitReason.UNTIL ? iso(i, i % 11) : null, prompt: reason === WaitReason.USER ? `Approve invoice ${i}?` : null })
      : null;
  const at = iso(i, Math.floor(i / 9000));
  return {
    runId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    workflowId: `wf_${i % 20}`,
    status,
    currentNode: 'step',
    vars: { customer: `customer ${i % 977}`, amount: i % 1000, _limits: { max_iterations: 25 } },
    waiting,
    output: status === RunStatus.COMPLETED ? { ok: true } : null,
    error: status === RunStatus.FAILED ? 'boom' : null,
    createdAt: at,
    updatedAt: at,
    actorId: null,
    sessionId: null,
    parentRunId: null,
  };
}
