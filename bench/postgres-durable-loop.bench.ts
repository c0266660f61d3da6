/**
 * The durable loop on PostgreSQL (a server of its own in a temp folder: fsync on,
 * synchronous_commit=on), beside the server's own floor and DBOS Transact on the same server.
 *
 *   pg_commit_floor:  one connection committing one ~1.7 KB row per transaction (autocommit
 *                     INSERT): what any design committing each step in its own transaction
 *                     could reach over one connection.
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
  try {
    const floors: number[] = [];
    for (let i = 0; i < 3; i++) floors.push(await floor(server.url));
    emit({ bench: 'pg_commit_floor', commits_per_s: Math.round(median(floors)), commits: FLOOR_COMMITS, row_bytes: ROW.length, synchronous_commit: 'on', load1: load1() });
    const dbosUrl = server.url.replace(/\/[^/?]+(\?|$)/, '/dbos_bench$1');
    const dbos = await race([['dbos', dbosUrl, String(DBOS_STEPS)]]);
    emit({ bench: 'dbos_durable_loop', processes: 1, steps: DBOS_STEPS, steps_per_s: Math.round(DBOS_STEPS / dbos), synchronous_commit: 'on', load1: load1() });
    for (const total of TOTALS) {
      for (const workers of [1, 2, 4]) {
        const schema = `loop_${total}_${workers}_${Date.now()}`;
        await (await PostgresWorkspace.open(server.url, { schema })).close(); // migrated once, before the race
        const seconds = await race(Array.from({ length: workers }, () => ['ours', server.url, schema, String(Math.floor(total / workers))]));
        emit({ bench: 'pg_durable_loop', processes: workers, steps: total, steps_per_s: Math.round(total / seconds), synchronous_commit: 'on', load1: load1() });
      }
    }
  } finally {
    await server.stop();
  }
}
