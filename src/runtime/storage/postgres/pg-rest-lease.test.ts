import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunState } from '../../core/models';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { QUIET_NOTES_SQL } from './pg-change-notes';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS, migrate } from './pg-migrations';
import { encodeRunStateText } from './pg-state-codec';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

afterEach(() => vi.restoreAllMocks());

/** Statements the pg driver sends while `work` runs (but the quiet steps' notifications, a timer's). */
async function statementsOf(work: () => Promise<void>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.map((c) => (typeof c[0] === 'string' ? c[0] : String((c[0] as { text?: unknown }).text))).filter((s) => s !== QUIET_NOTES_SQL);
  } finally {
    spy.mockRestore();
  }
}

const completed = (run: RunState): RunState => ({ ...run, status: 'completed', output: { ok: true }, updatedAt: '2025-12-17T08:40:00.000000+00:00' });

describe('PostgresWorkspace: the step that ends a run ends its lease (migration 8)', () => {
  it('expires the lease in the commit that completes the run, so the release sends nothing and anyone may take the run at once', async () => {
    const schema = freshSchema('rest');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const run = makeRun();
    const lease = await a.runs.acquireRunLease(run.runId);
    await a.runs.commitStep(run, [sampleRecord(run.runId, 0)]);
    const token = (await a.leaseHolder(run.runId))!.token;
    const done = completed(run);
    expect(await statementsOf(() => a.runs.commitStep(done, [sampleRecord(run.runId, 1)]))).toHaveLength(1);
    expect(await a.leaseHolder(run.runId)).toMatchObject({ token, live: false });
    // Taken by another open before the holder even released it: the run is done, nothing waits for it.
    const other = await b.runs.acquireRunLease(run.runId);
    expect(await statementsOf(() => lease.release())).toEqual([]);
    await other.release();
    expect(await a.leaseHolder(run.runId)).toBeNull();
    expect((await a.ledger.list(run.runId)).length).toBe(2);
  });

  it('deletes the rows of rested leases later, in one statement (housekeeping: they are expired already)', async () => {
    const schema = freshSchema('sweep');
    const a = await server.open(schema);
    const runs = [makeRun(), makeRun()];
    for (const run of runs) {
      const lease = await a.runs.acquireRunLease(run.runId);
      await a.runs.commitStep(completed(run), [sampleRecord(run.runId, 0)]);
      await lease.release();
    }
    for (const run of runs) expect(await a.leaseHolder(run.runId)).toMatchObject({ live: false });
    for (let i = 0; i < 100 && (await a.leaseHolder(runs[1]!.runId)) !== null; i++) await new Promise((r) => setTimeout(r, 50));
    for (const run of runs) expect(await a.leaseHolder(run.runId)).toBeNull();
  });

  it('takes a rested lease up again for a later step of its holder, unless someone took the run meanwhile: then LEASE_LOST and nothing written', async () => {
    const schema = freshSchema('resume');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const run = makeRun();
    const lease = await a.runs.acquireRunLease(run.runId);
    const done = completed(run);
    await a.runs.commitStep(done, [sampleRecord(run.runId, 0)]);
    // Still held here and nobody took it: resumed (one round trip more), committed, ended again.
    await a.runs.commitStep({ ...done, vars: { again: 1 } }, [sampleRecord(run.runId, 1)]);
    expect(await a.leaseHolder(run.runId)).toMatchObject({ live: false });
    expect((await a.runs.load(run.runId))?.vars).toEqual({ again: 1 });
    // Now another open takes the run, moves it and gives it back: the old holder's step must not land.
    const theirs = await b.runs.acquireRunLease(run.runId);
    await b.runs.commitStep({ ...done, vars: { theirs: 1 } }, [sampleRecord(run.runId, 2)]);
    await theirs.release();
    await expect(a.runs.commitStep({ ...done, vars: { stale: 1 } }, [sampleRecord(run.runId, 3)])).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await lease.release();
    expect((await a.runs.load(run.runId))?.vars).toEqual({ theirs: 1 });
    expect(await a.ledger.list(run.runId)).toHaveLength(3);
  });

  it('migrates a version-6 workspace: one commit_step, the new one, and its runs carry on', async () => {
    const schema = freshSchema('v6');
    const pool = new pg.Pool({ connectionString: server.server().url, max: 1 });
    const run = makeRun();
    try {
      const client = await pool.connect();
      try {
        expect(await migrate(client, schema, (v) => new Error(`too new: ${v}`), PG_MIGRATIONS.filter((m) => m.version <= 6))).toBe(0);
        await client.query(`INSERT INTO "${schema}".runs (run_id, workflow_id, status, created_at, updated_at, state) VALUES ($1, $2, $3, $4, $5, $6)`, [
          run.runId, run.workflowId, run.status, run.createdAt, run.updatedAt, encodeRunStateText(run),
        ]);
      } finally {
        client.release();
      }
      const ws = await server.open(schema);
      expect(await ws.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
      const fns = await pool.query<{ args: number }>(
        `SELECT pronargs AS args FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'commit_step'`,
        [schema],
      );
      expect(fns.rows).toEqual([{ args: 38 }]);
      const lease = await ws.runs.acquireRunLease(run.runId);
      await ws.runs.commitStep(completed(run), [sampleRecord(run.runId, 0)]);
      expect(await ws.leaseHolder(run.runId)).toMatchObject({ live: false });
      await lease.release();
      expect((await ws.runs.load(run.runId))?.status).toBe('completed');
    } finally {
      await pool.end();
    }
  });
});
