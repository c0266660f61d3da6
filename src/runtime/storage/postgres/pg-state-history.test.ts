import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cloneRunState, type RunState } from '../../core/models';
import { stateText } from '../sqlite/checkpoint-state';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS, migrate, type PgMigration } from './pg-migrations';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: server.server().url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function migrateWith(schema: string, migrations: readonly PgMigration[]): Promise<number> {
  const pool = new pg.Pool({ connectionString: server.server().url, max: 1 });
  const client = await pool.connect();
  try {
    return await migrate(client, schema, (v) => new Error(`too new: ${v}`), migrations);
  } finally {
    client.release();
    await pool.end();
  }
}

/** A run whose transcript grows by one message per save. */
function grown(run: RunState, i: number): RunState {
  const next = cloneRunState(run);
  const t = Array.isArray(next.vars['transcript']) ? next.vars['transcript'] : [];
  next.vars['transcript'] = [...t, { i, text: `message ${i} ${'x'.repeat(200)}` }];
  next.currentNode = `n${i}`;
  next.updatedAt = `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000000+00:00`;
  return next;
}

describe('PostgreSQL state history', () => {
  it('stores per-step deltas with keyframes, and the state rebuilt at every step is the one the step saved', async () => {
    const ws = await server.open(freshSchema('hist'), { keyframes: { everySaves: 10 } });
    let run = makeRun();
    const saved: { seq: number; state: RunState }[] = [];
    for (let i = 0; i < 60; i++) {
      run = grown(run, i);
      // Every third save carries no record: it lands at (head, n >= 1).
      const records = i % 3 === 2 ? [] : [sampleRecord(run.runId, i)];
      await ws.runs.commitStep(run, records);
      saved.push({ seq: (await ws.ledger.list(run.runId)).length - 1, state: cloneRunState(run) });
    }
    for (const [i, s] of saved.entries()) {
      const later = saved[i + 1];
      if (later && later.seq === s.seq) continue; // a later save at the same head wins
      expect(await ws.stateAt(run.runId, s.seq)).toEqual(s.state);
    }
    expect((await ws.listCheckpoints(run.runId)).map((c) => c.state)).toEqual(saved.map((s) => s.state));
    expect(await ws.latestCheckpoint(run.runId)).toMatchObject({ seq: saved.at(-1)!.seq, state: saved.at(-1)!.state });
    const rows = await sql<{ keyframe: boolean; bytes: number }>(`SELECT keyframe, length(state) AS bytes FROM "${ws.schema}".run_states WHERE run_id = $1`, [run.runId]);
    const keyframes = rows.filter((r) => r.keyframe);
    expect(rows).toHaveLength(60);
    // Every 10th save, plus one each time the growing state doubles (the deltas would outweigh it).
    expect(keyframes.length).toBeGreaterThanOrEqual(6);
    expect(keyframes.length).toBeLessThan(rows.length / 4);
    const deltaBytes = rows.filter((r) => !r.keyframe).reduce((a, r) => a + r.bytes, 0);
    expect(deltaBytes / (rows.length - keyframes.length)).toBeLessThan(400); // a message, not the transcript
  });

  it('writes a keyframe, not a delta from a stale copy, when another process saved the run in between', async () => {
    const schema = freshSchema('two');
    const a = await server.open(schema);
    const b = await server.open(schema);
    let run = makeRun();
    const states: RunState[] = [];
    for (let i = 0; i < 8; i++) {
      run = grown(run, i);
      await (i % 3 === 1 ? b : a).runs.commitStep(run, [sampleRecord(run.runId, i)]);
      states.push(cloneRunState(run));
    }
    for (let seq = 0; seq < 8; seq++) expect(await b.stateAt(run.runId, seq)).toEqual(states[seq]);
    expect(await a.runs.load(run.runId)).toEqual(run);
  });

  it('reports a delta whose keyframe is gone as WORKSPACE_CORRUPT and changes nothing', async () => {
    const ws = await server.open(freshSchema('bad'));
    let run = makeRun();
    for (let i = 0; i < 4; i++) {
      run = grown(run, i);
      await ws.runs.commitStep(run, [sampleRecord(run.runId, i)]);
    }
    await sql(`DELETE FROM "${ws.schema}".run_states WHERE run_id = $1 AND keyframe`, [run.runId]);
    await expect(ws.stateAt(run.runId, 2)).rejects.toMatchObject({ code: 'WORKSPACE_CORRUPT', message: expect.stringContaining('no full state before it') });
    await expect(ws.listCheckpoints(run.runId)).rejects.toMatchObject({ code: 'WORKSPACE_CORRUPT' });
    expect(await ws.runs.load(run.runId)).toEqual(run); // the current state is the run row's
  });
});

describe('PostgreSQL migrations from version 1', () => {
  it('turns each version-1 run into a keyframe at its head, and carries on with deltas', async () => {
    const schema = freshSchema('v1');
    expect(await migrateWith(schema, PG_MIGRATIONS.filter((m) => m.version === 1))).toBe(0);
    // Rows as version 1 wrote them: the current state only, one run with records and one without.
    const withRecords = grown(makeRun(), 0);
    const bare = grown(makeRun(), 0);
    for (const r of [withRecords, bare]) {
      await sql(
        `INSERT INTO "${schema}".runs (run_id, workflow_id, status, created_at, updated_at, state) VALUES ($1, $2, $3, $4, $5, $6)`,
        [r.runId, r.workflowId, r.status, r.createdAt, r.updatedAt, stateText(r)],
      );
    }
    await sql(`INSERT INTO "${schema}".heads (run_id, seq, record_hash) VALUES ($1, 4, 'h')`, [withRecords.runId]);
    const ws = await server.open(schema);
    expect(await ws.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
    expect(await ws.stateAt(withRecords.runId, 4)).toEqual(withRecords);
    expect(await ws.stateAt(withRecords.runId, 3)).toBeNull(); // nothing was kept before it
    expect(await ws.latestCheckpoint(bare.runId)).toMatchObject({ seq: -1, n: 1, state: bare });
    const next = grown(bare, 1);
    await ws.runs.commitStep(next, [sampleRecord(bare.runId, 1)]);
    expect((await ws.listCheckpoints(bare.runId)).map((c) => c.state)).toEqual([bare, next]);
  });

  it('applies a lower migration that arrives after a higher one (2 written on another branch after 3 ran)', async () => {
    const schema = freshSchema('gap');
    const [v1, v3] = [PG_MIGRATIONS.find((m) => m.version === 1)!, PG_MIGRATIONS.find((m) => m.version === 3)!];
    expect(await migrateWith(schema, [v1, v3])).toBe(0);
    const v2: PgMigration = { version: 2, name: 'stand-in for run requests', sql: 'CREATE TABLE $S.stand_in (id integer PRIMARY KEY);' };
    expect(await migrateWith(schema, [v1, v2, v3])).toBe(3);
    const versions = await sql<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(await sql(`SELECT * FROM "${schema}".stand_in`)).toEqual([]);
    // A version this list does not know is a newer app's, gap or not.
    await expect(migrateWith(schema, [v1, v3])).rejects.toThrow('too new: 2');
  });
});
