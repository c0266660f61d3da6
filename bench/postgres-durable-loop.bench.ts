/**
 * The durable loop on PostgreSQL (a server of its own in a temp folder: fsync on,
 * synchronous_commit=on), beside the server's own floor and DBOS Transact on the same server.
 *
 *   pg_commit_floor:  one connection committing one ~1.7 KB row per transaction (autocommit
 *                     INSERT): what any design committing each step in its own transaction
 *                     could reach over one connection.
 *   pg_commit_floor_concurrent: the same transaction over 1, 2 and 4 connections at once (the
 *                     total commits/s), plain and with a NOTIFY in each transaction: the ceiling
 *                     of 1 / 2 / 4 workers on this machine (the server shares its CPUs with them),
 *                     and what a notification per commit costs it (PostgreSQL serialises the
 *                     commits of notifying transactions, WAL flush included).
 *   pg_durable_loop:  the bench loop (an llm_call per step, answered by a stub; two chained
 *                     records, the state delta and the run row per step, one transaction each)
 *                     in W worker processes (bench/pg-loop-child.ts), each driving its own run of
 *                     total/W steps, all in one workspace (one schema). Steps/s is the
 *                     total over the wall time from "go" to the last process done.
 *   dbos_durable_loop: DBOS Transact (@dbos-inc/dbos-sdk), one process, a workflow of N
 *                     `DBOS.runStep` calls (each step's output checkpointed in its system
 *                     database, on the same server).
 *
 * PG_BENCH_STEPS sets the totals (default "10000"; "10000,100000" for both of the issue's).
 * PG_BENCH_ROUNDS (default 1) repeats floor, DBOS and ours 1/2/4 in turns on the same server:
 * the machine is shared, so each round also emits its own ratios (`pg_durable_loop_round`), the
 * figures of one moment compared with each other, and the last line their medians. The floor is
 * measured again just before and after the one-worker figure (`one_vs_floor_around`).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { startPgTestServer } from '../src/runtime/storage/postgres/test-support/pg-test-server';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { emit, load1, median } from './durable-loop';

const FLOOR_COMMITS = 2_000;
const TOTALS = (process.env['PG_BENCH_STEPS'] ?? '10000').split(',').map(Number);
const DBOS_STEPS = Number(process.env['DBOS_BENCH_STEPS'] ?? 5_000);
const ROW = 'x'.repeat(1_730);
const CHILD = join(__dirname, 'pg-loop-child.ts');
const ROUNDS = Math.max(1, Number(process.env['PG_BENCH_ROUNDS'] ?? 1));
const WARMUP_STEPS = Number(process.env['PG_BENCH_WARMUP_STEPS'] ?? 300);

function round2(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +v.toFixed(2)]));
}

async function floor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS floor_rows (id bigserial PRIMARY KEY, body text NOT NULL)');
  for (let i = 0; i < 200; i++) await client.query('INSERT INTO floor_rows (body) VALUES ($1)', [ROW]);
  const t0 = performance.now();
  for (let i = 0; i < FLOOR_COMMITS; i++) await client.query('INSERT INTO floor_rows (body) VALUES ($1)', [ROW]);
  const perS = FLOOR_COMMITS / ((performance.now() - t0) / 1000);
  await client.end();
  return perS;
}

/** `connections` clients committing FLOOR_COMMITS rows between them at once (each its share, one per transaction); commits/s in all. */
async function floorConcurrent(url: string, connections: number, notify: boolean): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const sql = notify
    ? "WITH i AS (INSERT INTO floor_rows (body) VALUES ($1) RETURNING id) SELECT pg_notify('floor_bench', id::text) FROM i"
    : 'INSERT INTO floor_rows (body) VALUES ($1)';
  try {
    await clients[0]!.query('CREATE TABLE IF NOT EXISTS floor_rows (id bigserial PRIMARY KEY, body text NOT NULL)');
    const commit = async (c: pg.Client, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await c.query(sql, [ROW]);
    };
    await Promise.all(clients.map((c) => commit(c, 100)));
    const each = Math.floor(FLOOR_COMMITS / connections);
    const t0 = performance.now();
    await Promise.all(clients.map((c) => commit(c, each)));
    return (each * connections) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** Starts the children, waits until each is ready, says go to all, and returns the wall seconds until the last is done. */
async function race(args: string[][]): Promise<number> {
  const children = args.map((a) => spawn(process.execPath, [...process.execArgv, CHILD, ...a], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = children.map((c) => {
    let buf = '';
    const waiters: ((line: string) => void)[] = [];
    c.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        waiters.shift()?.(line);
      }
    });
    const failed = new Promise<never>((_, reject) => c.on('exit', (code) => code !== 0 && reject(new Error(`a bench child exited ${code}`))));
    return () => Promise.race([new Promise<string>((r) => waiters.push(r)), failed]);
  });
  const next = lines.map((l) => l());
  await Promise.all(next);
  const results = lines.map((l) => l());
  const t0 = performance.now();
  for (const c of children) c.stdin.write('go\n');
  await Promise.all(results);
  const seconds = (performance.now() - t0) / 1000;
  for (const c of children) c.stdin.end();
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
  return seconds;
}

export async function run(): Promise<void> {
  const server = await startPgTestServer({ durable: true });
  const ratios: Record<string, number>[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const floors: number[] = [];
      for (let i = 0; i < 3; i++) floors.push(await floor(server.url));
      const floorPerS = median(floors);
      emit({ bench: 'pg_commit_floor', round, commits_per_s: Math.round(floorPerS), commits: FLOOR_COMMITS, row_bytes: ROW.length, synchronous_commit: 'on', load1: load1() });
      for (const notify of [false, true]) {
        const c: Record<string, number> = {};
        for (const n of [1, 2, 4]) c[`c${n}`] = Math.round(await floorConcurrent(server.url, n, notify));
        emit({ bench: 'pg_commit_floor_concurrent', round, notify, commits_per_s_1_2_4: [c['c1'], c['c2'], c['c4']], four_vs_one: +(c['c4']! / c['c1']!).toFixed(2), load1: load1() });
      }
      const dbosUrl = server.url.replace(/\/[^/?]+(\?|$)/, `/dbos_bench_${round}$1`);
      const dbosPerS = DBOS_STEPS / (await race([['dbos', dbosUrl, String(DBOS_STEPS)]]));
      emit({ bench: 'dbos_durable_loop', round, processes: 1, steps: DBOS_STEPS, steps_per_s: Math.round(dbosPerS), warmup_steps: WARMUP_STEPS, synchronous_commit: 'on', load1: load1() });
      for (const total of TOTALS) {
        const ours = new Map<number, number>();
        // The floor again just before and just after the one-worker figure: on a shared machine the
        // floor of a minute ago is not the floor of now (it moved 10x within minutes at load 8).
        const around: number[] = [await floor(server.url)];
        for (const workers of [1, 2, 4]) {
          const schema = `loop_${round}_${total}_${workers}_${Date.now()}`;
          await (await PostgresWorkspace.open(server.url, { schema })).close(); // migrated once, before the race
          const seconds = await race(Array.from({ length: workers }, () => ['ours', server.url, schema, String(Math.floor(total / workers))]));
          ours.set(workers, total / seconds);
          emit({ bench: 'pg_durable_loop', round, processes: workers, steps: total, steps_per_s: Math.round(total / seconds), warmup_steps: WARMUP_STEPS, synchronous_commit: 'on', load1: load1() });
          if (workers === 1) around.push(await floor(server.url));
        }
        const floorAround = (around[0]! + around[1]!) / 2;
        emit({ bench: 'pg_commit_floor_around_one_worker', round, before: Math.round(around[0]!), after: Math.round(around[1]!), load1: load1() });
        const r = {
          one_vs_dbos: ours.get(1)! / dbosPerS,
          one_vs_floor: ours.get(1)! / floorPerS,
          one_vs_floor_around: ours.get(1)! / floorAround,
          two_vs_one: ours.get(2)! / ours.get(1)!,
          four_vs_one: ours.get(4)! / ours.get(1)!,
        };
        ratios.push(r);
        emit({ bench: 'pg_durable_loop_round', round, steps: total, ...round2(r), load1: load1() });
      }
    }
    if (ROUNDS > 1) {
      const keys = Object.keys(ratios[0] ?? {});
      emit({ bench: 'pg_durable_loop_median_ratios', rounds: ROUNDS, ...round2(Object.fromEntries(keys.map((k) => [k, median(ratios.map((x) => x[k]!))]))), load1: load1() });
    }
  } finally {
    await server.stop();
  }
}
