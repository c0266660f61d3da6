/**
 * Run queries on a workspace of 100,000 runs (issue 4: under 20 ms each): list by status, by
 * workflow, by wait reason, and the due wait_until runs, each returning its default page of 100
 * decoded states. The runs are written through the workspace's own commit path, 5,000 per
 * transaction: 40% completed, 10% running, 10% failed, 5% cancelled, 35% waiting (for a person, an
 * event, a time in the past or the future, a subworkflow), over 20 workflows. Each figure is the
 * median of 9 calls after one warm-up call.
 */
import { join } from 'node:path';
import { RunStatus, WaitReason, waitState, type RunState } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, median, withTempDir } from './durable-loop';

const RUNS = 100_000;
const CHUNK = 5_000;
const NOW = '2026-06-01T12:00:00+00:00';

const iso = (i: number, day: number): string =>
  `2026-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.${String(i % 1_000_000).padStart(6, '0')}+00:00`;

function makeRun(i: number): RunState {
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

function timeMs(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  return work().then(() => performance.now() - t0);
}

export async function run(): Promise<void> {
  await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'runs-100k.sqlite'));
    try {
      const t0 = performance.now();
      for (let from = 0; from < RUNS; from += CHUNK) ws.commitSteps(Array.from({ length: CHUNK }, (_, j) => ({ run: makeRun(from + j), records: [] })));
      const generateSeconds = (performance.now() - t0) / 1000;
      const queries: [string, () => Promise<RunState[]>][] = [
        ['list_by_status_waiting', () => ws.runs.listRuns({ status: RunStatus.WAITING })],
        ['list_by_status_running', () => ws.runs.listRuns({ status: RunStatus.RUNNING })],
        ['list_by_workflow', () => ws.runs.listRuns({ workflowId: 'wf_7' })],
        ['list_by_wait_reason_user', () => ws.runs.listRuns({ waitReason: WaitReason.USER })],
        ['list_all_newest', () => ws.runs.listRuns({})],
        ['due_wait_until', () => ws.runs.listDueWaitUntil({ nowIso: NOW })],
      ];
      for (const [query, call] of queries) {
        const rows = (await call()).length;
        const ms: number[] = [];
        for (let i = 0; i < 9; i++) ms.push(await timeMs(call));
        emit({ bench: 'run_query_sqlite', query, runs: RUNS, rows, ms: +median(ms).toFixed(2), max_ms: +Math.max(...ms).toFixed(2), load1: load1() });
      }
      emit({ bench: 'run_query_sqlite_generate', runs: RUNS, seconds: +generateSeconds.toFixed(1), load1: load1() });
    } finally {
      ws.close();
    }
  });
}
