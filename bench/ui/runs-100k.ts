import { RunStatus, WaitReason, waitState, type RunState } from '../../src/runtime/index';
import { SqliteWorkspace } from '../../src/runtime/storage/sqlite/index';
import { sqliteSetForkOrigins, type SqliteForkOrigin } from '../../src/runtime/storage/sqlite/sqlite-copy-queries';
import { makeRun } from '../query-runs';

export const UI_RUNS = 100_000;
/** One run in this many is a fork of the run before it (so the list nests 1,000 forks). */
const FORK_EVERY = 100;
const CHUNK = 5_000;

/**
 * The query benches' 100,000 runs (bench/query-runs.ts), made quiet for an open Studio: no run is
 * left for the scheduler to drive (running, a due time, a subworkflow become completed, waiting
 * for a person or an event), so what is measured is the table, not a scheduler catching up.
 */
function quietRun(i: number): RunState {
  const r = makeRun(i);
  if (r.status === RunStatus.RUNNING) return { ...r, status: RunStatus.COMPLETED, output: { ok: true } };
  if (r.waiting && r.waiting.reason !== WaitReason.USER && r.waiting.reason !== WaitReason.EVENT) {
    return { ...r, waiting: waitState({ reason: WaitReason.EVENT, waitKey: `event:${i}` }) };
  }
  return r;
}

/** Writes the runs straight through the workspace's commit path (5,000 a transaction); returns seconds taken. */
export function writeRuns100k(path: string): number {
  const t0 = performance.now();
  const ws = SqliteWorkspace.open(path);
  try {
    for (let from = 0; from < UI_RUNS; from += CHUNK) ws.commitSteps(Array.from({ length: CHUNK }, (_, j) => ({ run: quietRun(from + j), records: [] })));
  } finally {
    ws.close();
  }
  const origins = new Map<string, SqliteForkOrigin>();
  for (let i = FORK_EVERY; i < UI_RUNS; i += FORK_EVERY) origins.set(quietRun(i).runId, { runId: quietRun(i - 1).runId, seq: -1, headHash: null });
  sqliteSetForkOrigins(path, origins);
  return (performance.now() - t0) / 1000;
}

// `tsx bench/ui/runs-100k.ts <workspace file>`: the UI bench runs this in a process of its own
// (Playwright's loader does not take the runtime's ES-module workers); prints the seconds taken.
if (process.argv[1]?.endsWith('runs-100k.ts') && process.argv[2]) process.stdout.write(`${writeRuns100k(process.argv[2])}\n`);
