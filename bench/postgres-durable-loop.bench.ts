/**
 * The durable loop on PostgreSQL (a server of its own in a temp folder: fsync on,
 * synchronous_commit=on), and the server's own floor on the same server.
 *
 *   pg_commit_floor:  one connection committing one ~1.7 KB row per transaction (autocommit
 *                     INSERT): what any design committing each step in its own transaction
 *                     could reach over one connection.
 *   pg_durable_loop:  the bench loop (an llm_call per step, answered by a stub; two chained
 *                     records and the state per step, one transaction each) driven by N
 *                     PostgresWorkspace opens in one process, each driving its own run, each
 *                     on its own connection pool. Steps/s summed over the N.
 */
import pg from 'pg';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { startPgTestServer } from '../src/runtime/storage/postgres/test-support/pg-test-server';
import { emit, load1, measureLoop, median } from './durable-loop';

const FLOOR_COMMITS = 2_000;
const STEPS = Number(process.env['PG_BENCH_STEPS'] ?? 2_000);
const ROW = 'x'.repeat(1_730);

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

async function loop(url: string, writers: number): Promise<number> {
  const opens = await Promise.all(Array.from({ length: writers }, (_, i) => PostgresWorkspace.open(url, { schema: `bench_${writers}_${i}_${Date.now()}`, poolSize: 2 })));
  try {
    const t0 = performance.now();
    await Promise.all(opens.map((ws) => measureLoop(ws.runs, ws.ledger, STEPS)));
    return (writers * STEPS) / ((performance.now() - t0) / 1000);
  } finally {
    for (const ws of opens) await ws.close();
  }
}

export async function run(): Promise<void> {
  const server = await startPgTestServer({ durable: true });
  try {
    const floors: number[] = [];
    for (let i = 0; i < 3; i++) floors.push(await floor(server.url));
    emit({ bench: 'pg_commit_floor', commits_per_s: Math.round(median(floors)), commits: FLOOR_COMMITS, row_bytes: ROW.length, synchronous_commit: 'on', load1: load1() });
    for (const writers of [1, 2, 4]) {
      const rates: number[] = [];
      for (let i = 0; i < 3; i++) rates.push(await loop(server.url, writers));
      emit({ bench: 'pg_durable_loop', writers, steps_per_run: STEPS, steps_per_s: Math.round(median(rates)), synchronous_commit: 'on', load1: load1() });
    }
  } finally {
    await server.stop();
  }
}
