/**
 * Run queries on a PostgreSQL workspace of 100,000 runs (issue 16: under 20 ms each), the figures
 * bench/sqlite-queries.bench.ts takes on SQLite, on the same runs: list by status, by workflow,
 * by wait reason, all newest first, and the due wait_until runs, each returning its default page
 * of 100 decoded states. A server of its own (fsync on). The runs' rows are written as the step
 * writer writes them (the same columns, the state encoded by pg-state-codec) but 5,000 per
 * INSERT: through the commit path (five statements a run) the 100,000 took over 10 minutes on
 * this shared machine, and the queries read the runs table only. Then ANALYZE, as autovacuum would. Each figure is the median of 9 calls after one warm-up call,
 * over one connection pool on 127.0.0.1.
 */
import pg from 'pg';
import { RunStatus, WaitReason, type RunState } from '../src/runtime/index';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { type RunIndexQuery } from '../src/runtime/storage/sqlite/run-index';
import { encodeRunStateText } from '../src/runtime/storage/postgres/pg-state-codec';
import { startPgTestServer } from '../src/runtime/storage/postgres/test-support/pg-test-server';
import { makeRun, QUERY_NOW as NOW, QUERY_RUNS as RUNS } from './query-runs';
import { emit, load1, median } from './durable-loop';

const CHUNK = 5_000;

/** One statement over a connection of its own (the bench archives 1% of the runs with it). */
async function runSql(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function timeMs(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  return work().then(() => performance.now() - t0);
}

export async function run(): Promise<void> {
  const server = await startPgTestServer({ durable: true });
  const schema = 'queries_100k';
  try {
    const ws = await PostgresWorkspace.open(server.url, { schema });
    try {
      const t0 = performance.now();
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      for (let from = 0; from < RUNS; from += CHUNK) {
        const runs = Array.from({ length: CHUNK }, (_, j) => makeRun(from + j));
        const col = <T>(f: (r: RunState) => T): T[] => runs.map(f);
        await admin.query(
          `INSERT INTO "${schema}".runs (run_id, workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at, state)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
          [col((r) => r.runId), col((r) => r.workflowId), col((r) => r.status), col((r) => r.waiting?.reason ?? null), col((r) => r.waiting?.until ?? null),
            col((r) => r.parentRunId), col((r) => r.createdAt), col((r) => r.updatedAt), col((r) => encodeRunStateText(r))],
        );
      }
      const generateSeconds = (performance.now() - t0) / 1000;
      await admin.query(`ANALYZE "${schema}".runs`);
      await admin.end();
      const queries: [string, () => Promise<unknown[]>][] = [
        ['list_by_status_waiting', () => ws.runs.listRuns({ status: RunStatus.WAITING })],
        ['list_by_status_running', () => ws.runs.listRuns({ status: RunStatus.RUNNING })],
        ['list_by_workflow', () => ws.runs.listRuns({ workflowId: 'wf_7' })],
        ['list_by_wait_reason_user', () => ws.runs.listRuns({ waitReason: WaitReason.USER })],
        ['list_all_newest', () => ws.runs.listRuns({})],
        ['due_wait_until', () => ws.runs.listDueWaitUntil({ nowIso: NOW })],
      ];
      // The Studio's runs list (migration 7: archive flags and tombstones): a page of 100 with its total.
      const page = (q: RunIndexQuery) => async (): Promise<unknown[]> => (await ws.runIndex.query({ limit: 100, ...q })).items;
      await runSql(server.url, `UPDATE "${schema}".runs SET archived_at = updated_at, archived_by = 'bench' WHERE created_seq % 100 = 0`);
      const listQueries: [string, () => Promise<unknown[]>][] = [
        ['index_default_not_archived', page({ archived: 'exclude', deleted: 'exclude', topLevelOnly: true, nestForks: true })],
        ['index_archived_only', page({ archived: 'only' })],
        ['index_deleted_only', page({ deleted: 'only' })],
        ['index_with_deleted', page({ archived: 'exclude', deleted: 'include' })],
      ];
      queries.push(...listQueries);
      for (const [query, call] of queries) {
        const rows = (await call()).length;
        const ms: number[] = [];
        for (let i = 0; i < 9; i++) ms.push(await timeMs(call));
        emit({ bench: 'run_query_postgres', query, runs: RUNS, rows, ms: +median(ms).toFixed(2), max_ms: +Math.max(...ms).toFixed(2), load1: load1() });
      }
      emit({ bench: 'run_query_postgres_generate', runs: RUNS, seconds: +generateSeconds.toFixed(1), load1: load1() });
    } finally {
      await ws.close();
    }
  } finally {
    await server.stop();
  }
}
