/**
 * Scheduler wake-up lateness (issue 4: p95 under 20 ms; the reference polls once a second): 1,000
 * runs on a SQLite workspace each wait until a moment spread over 3 seconds, and the real
 * Scheduler, on the real clock, wakes them. Lateness is the time from a run's `until` to the
 * moment its next node runs (after the scheduler's query, the run's lease and load).
 */
import { join } from 'node:path';
import { EffectType, Runtime, WorkflowSpec, formatIsoTimestamp, parseIsoTimestamp, systemClock } from '../src/runtime/index';
import { Scheduler } from '../src/runtime/scheduler/scheduler';
import { WorkflowRegistry } from '../src/runtime/scheduler/workflow-registry';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, percentile, withTempDir } from './durable-loop';

const RUNS = 1_000;
const SPREAD_MS = 3_000;

export async function run(): Promise<void> {
  const lateMs: number[] = [];
  const workflow = new WorkflowSpec({
    workflowId: 'bench_wait_until',
    entryNode: 'wait',
    nodes: {
      wait: (r) => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_UNTIL, payload: { until: r.vars['until'] as string }, resultKey: null }, nextNode: 'done' }),
      done: (r) => {
        lateMs.push((systemClock.nowMicros() - (parseIsoTimestamp(r.vars['until'] as string) ?? 0)) / 1000);
        return { nodeId: 'done', completeOutput: { woke: true } };
      },
    },
  });
  await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'scheduler.sqlite'));
    const registry = new WorkflowRegistry();
    registry.register(workflow);
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry });
    const scheduler = new Scheduler({ runtime, registry, pollIntervalS: 1 });
    try {
      // Due from 1.5 s after now: creating the waiting runs takes well under that.
      const base = systemClock.nowMicros() + 1_500_000;
      for (let i = 0; i < RUNS; i++) {
        const until = formatIsoTimestamp(base + Math.floor((i * SPREAD_MS * 1000) / RUNS));
        const runId = await runtime.start({ workflow, vars: { until } });
        await runtime.tick({ workflow, runId });
      }
      scheduler.start();
      const deadline = Date.now() + 1_500 + SPREAD_MS + 10_000;
      while (lateMs.length < RUNS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (lateMs.length < RUNS) throw new Error(`only ${lateMs.length} of ${RUNS} wait_until runs woke`);
      emit({
        bench: 'scheduler_wake_lateness_sqlite',
        runs: RUNS,
        spread_s: SPREAD_MS / 1000,
        p50_ms: +percentile(lateMs, 50).toFixed(2),
        p95_ms: +percentile(lateMs, 95).toFixed(2),
        max_ms: +Math.max(...lateMs).toFixed(2),
        load1: load1(),
      });
    } finally {
      await scheduler.stop();
      ws.close();
    }
  });
}
