/**
 * One worker process of bench/postgres-durable-loop.bench.ts (not a bench itself: no `.bench.`
 * in its name). Opens its workspace, says "ready", waits for "go" on stdin, drives one run of
 * `steps` durable-loop steps and prints its figure as one JSON line. Before "ready" each kind
 * runs a warm-up of PG_BENCH_WARMUP_STEPS steps (default 300) on a run of its own, so the figure
 * is the steady state of a process that has been working (JIT-compiled, connections open), not
 * its first seconds: the same warm-up for ours and for DBOS.
 *
 *   ours <url> <schema> <steps>   the durable loop on a PostgresWorkspace
 *   dbos <url> <steps>            a DBOS Transact workflow of `steps` runStep calls
 */
import { createInterface } from 'node:readline';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { measureLoop } from './durable-loop';

const WARMUP_STEPS = Number(process.env['PG_BENCH_WARMUP_STEPS'] ?? 300);

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line.trim() === 'go') {
        rl.close();
        resolve();
      }
    });
  });
}

async function ours(url: string, schema: string, steps: number): Promise<void> {
  const ws = await PostgresWorkspace.open(url, { schema, poolSize: 2, writer: `bench-${process.pid}@local` });
  try {
    if (WARMUP_STEPS > 0) await measureLoop(ws.runs, ws.ledger, WARMUP_STEPS);
    process.stdout.write('ready\n');
    await waitForGo();
    const r = await measureLoop(ws.runs, ws.ledger, steps);
    process.stdout.write(`${JSON.stringify({ steps, seconds: r.seconds })}\n`);
  } finally {
    await ws.close();
  }
}

async function dbos(url: string, steps: number): Promise<void> {
  const { DBOS } = await import('@dbos-inc/dbos-sdk');
  DBOS.setConfig({ name: 'bench_dbos', systemDatabaseUrl: url, logLevel: 'error' });
  const step = async (i: number): Promise<{ content: string; i: number }> => ({ content: 'ok', i });
  const workflow = DBOS.registerWorkflow(
    async (n: number): Promise<number> => {
      let done = 0;
      for (let i = 0; i < n; i++) done += (await DBOS.runStep(() => step(i), { name: 'llm_call' })).i >= 0 ? 1 : 0;
      return done;
    },
    { name: 'bench_loop' },
  );
  await DBOS.launch(); // after registering: DBOS refuses registrations once launched
  try {
    if (WARMUP_STEPS > 0 && (await workflow(WARMUP_STEPS)) !== WARMUP_STEPS) throw new Error('the DBOS warm-up workflow did not run every step');
    process.stdout.write('ready\n');
    await waitForGo();
    const t0 = process.hrtime.bigint();
    const done = await workflow(steps);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (done !== steps) throw new Error(`DBOS workflow ran ${done} of ${steps} steps`);
    process.stdout.write(`${JSON.stringify({ steps, seconds })}\n`);
  } finally {
    await DBOS.shutdown();
  }
}

const [kind, url = '', a = '', b = ''] = process.argv.slice(2);
const main = kind === 'ours' ? ours(url, a, Number(b)) : kind === 'dbos' ? dbos(url, Number(a)) : Promise.reject(new Error(`unknown child kind ${String(kind)}`));
main.catch((err: unknown) => {
  console.error(err);
  process.exit(1); // DBOS's pools would keep the process alive, and the bench waiting
});
