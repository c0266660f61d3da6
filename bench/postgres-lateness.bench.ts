/**
 * Wake-up lateness on PostgreSQL (issue 16: p95 under 50 ms, each run woken once): 4
 * PostgresWorker instances (each its own PostgresWorkspace open: own pool, own LISTEN connection,
 * as 4 processes would have) share one workspace on a server of its own (fsync on). 1,000 runs
 * are then started (by a fifth open) and the workers drive each into a wait until a moment spread
 * over 3 seconds; the commit that makes a run wait notifies every worker, which arms a timer. Lateness is the time from a run's
 * `until` to the moment its next node runs (after the claim query, the lease race among the 4
 * workers and the run's load). "Woken once": how many runs ran that node more than once.
 */
import { EffectType, Runtime, WorkflowSpec, formatIsoTimestamp, parseIsoTimestamp, systemClock } from '../src/runtime/index';
import { WorkflowRegistry } from '../src/runtime/scheduler/workflow-registry';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { startPgTestServer } from '../src/runtime/storage/postgres/test-support/pg-test-server';
import { PostgresWorker } from '../src/runtime/worker/postgres-worker';
import { emit, load1, percentile } from './durable-loop';

const RUNS = 1_000;
const WORKERS = 4;
const SPREAD_MS = 3_000;
const LEAD_MS = 45_000; // starting 1,000 runs (and driving each into its wait) must end before the first is due: ~16 s at load 13
const CREATORS = 8;
// Runs each worker drives at once (PG_LATENESS_CONCURRENCY, default 4), with a pool two larger.
const CONCURRENCY = Math.max(1, Number(process.env['PG_LATENESS_CONCURRENCY'] ?? 4));

export async function run(): Promise<void> {
  const woke = new Map<string, number[]>();
  const workflow = new WorkflowSpec({
    workflowId: 'bench_pg_wait_until',
    entryNode: 'wait',
    nodes: {
      wait: (r) => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_UNTIL, payload: { until: r.vars['until'] as string }, resultKey: null }, nextNode: 'done' }),
      done: (r) => {
        const late = (systemClock.nowMicros() - (parseIsoTimestamp(r.vars['until'] as string) ?? 0)) / 1000;
        woke.set(r.runId, [...(woke.get(r.runId) ?? []), late]);
        return { nodeId: 'done', completeOutput: { woke: true } };
      },
    },
  });
  const server = await startPgTestServer({ durable: true, maxConnections: 100 });
  const schema = `lateness_${Date.now()}`;
  const opens: PostgresWorkspace[] = [];
  const workers: PostgresWorker[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) {
      const ws = await PostgresWorkspace.open(server.url, { schema, writer: `bench-worker-${i}@local`, poolSize: CONCURRENCY + 2 });
      opens.push(ws);
      const registry = new WorkflowRegistry();
      registry.register(workflow);
      const worker = new PostgresWorker({ workspace: ws, registry, concurrency: CONCURRENCY, onError: (runId, err) => console.error(`worker ${i}: ${runId}: ${String(err)}`) });
      workers.push(worker);
      await worker.start();
    }
    const starter = await PostgresWorkspace.open(server.url, { schema, poolSize: CREATORS });
    opens.push(starter);
    const runtime = new Runtime({ runStore: starter.runs, ledgerStore: starter.ledger });
    await new Promise((r) => setTimeout(r, 500)); // the workers' LISTEN connections are up
    const base = systemClock.nowMicros() + LEAD_MS * 1000;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATORS }, async () => {
        while (next < RUNS) {
          const i = next++;
          const until = formatIsoTimestamp(base + Math.floor((i * SPREAD_MS * 1000) / RUNS));
          // Started only: a worker claims the new run and ticks it into its wait, as in production.
          await runtime.start({ workflow, vars: { until } });
        }
      }),
    );
    const createdS = (performance.now() - t0) / 1000;
    if (createdS * 1000 > LEAD_MS) throw new Error(`starting ${RUNS} runs took ${createdS.toFixed(1)} s, longer than the ${LEAD_MS / 1000} s lead: the figure would measure that`);
    const deadline = Date.now() + LEAD_MS + SPREAD_MS + 15_000;
    // CPU of this process (the 4 workers share its one thread) over the wake-ups, from the first due time.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (base - systemClock.nowMicros()) / 1000)));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    while (woke.size < RUNS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const cpu = process.cpuUsage(cpu0);
    const wakeWallMs = performance.now() - wall0;
    await new Promise((r) => setTimeout(r, 500)); // a second wake-up of a run, if any, would land by now
    if (woke.size < RUNS) throw new Error(`only ${woke.size} of ${RUNS} wait_until runs woke`);
    const firsts = [...woke.values()].map((l) => l[0]!);
    emit({
      bench: 'pg_wake_lateness',
      runs: RUNS,
      workers: WORKERS,
      concurrency_per_worker: CONCURRENCY,
      spread_s: SPREAD_MS / 1000,
      p50_ms: +percentile(firsts, 50).toFixed(2),
      p95_ms: +percentile(firsts, 95).toFixed(2),
      max_ms: +Math.max(...firsts).toFixed(2),
      woken_more_than_once: [...woke.values()].filter((l) => l.length > 1).length,
      runs_driven_per_worker: workers.map((w) => w.stats.runsDriven),
      start_runs_s: +createdS.toFixed(1),
      wake_phase_s: +(wakeWallMs / 1000).toFixed(2),
      bench_process_cpu_pct: Math.round(((cpu.user + cpu.system) / 1000 / wakeWallMs) * 100),
      synchronous_commit: 'on',
      load1: load1(),
    });
  } finally {
    for (const w of workers) await w.stop();
    for (const ws of opens) await ws.close();
    await server.stop();
  }
}
