/**
 * Run queries on a workspace of 100,000 runs (issue 4: under 20 ms each): list by status, by
 * workflow, by wait reason, and the due wait_until runs, each returning its default page of 100
 * decoded states. The runs are written through the workspace's own commit path, 5,000 per
 * transaction: 40% completed, 10% running, 10% failed, 5% cancelled, 35% waiting (for a person, an
 * event, a time in the past or the future, a subworkflow), over 20 workflows. Each figure is the
 * median of 9 calls after one warm-up call.
 */
import { join } from 'node:path';
import { RunStatus, WaitReason, type RunState } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { makeRun, QUERY_NOW as NOW, QUERY_RUNS as RUNS } from './query-runs';
import { emit, load1, median, withTempDir } from './durable-loop';

const CHUNK = 5_000;

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
