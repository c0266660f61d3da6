import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus, WaitReason } from '../../core/enums';
import { type RunState, waitState } from '../../core/models';
import { type ListRunsQuery } from '../run-store';
import { filterDueWaitUntil, filterRuns } from '../run-queries';
import { makeRun } from '../testing/store-contract';
import { CHILDREN_BY_STATUS_SQL, CHILDREN_SQL, DUE_WAIT_UNTIL_SQL, listRunsSql } from './sqlite-run-store';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

function plan(path: string, sql: string, params: unknown[]): string {
  const raw = new Database(path, { readonly: true });
  const rows = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  raw.close();
  return rows.map((r) => r.detail).join(' | ');
}

const queries: ListRunsQuery[] = [
  {},
  { status: RunStatus.WAITING },
  { workflowId: 'wf_b' },
  { waitReason: WaitReason.USER },
  { status: RunStatus.WAITING, waitReason: WaitReason.UNTIL, limit: 5 },
  { status: RunStatus.COMPLETED, workflowId: 'wf_a', limit: 3 },
];

describe('run queries', () => {
  it('are answered from an index, never a scan of runs or a sort', async () => {
    const ws = temp.create();
    await ws.runs.save(makeRun());
    for (const q of queries) {
      const { sql, params } = listRunsSql(q);
      const p = plan(ws.path, sql, [...params, 10]);
      expect(p).toMatch(/(SCAN|SEARCH) r USING INDEX runs_by_/);
      expect(p).not.toContain('TEMP B-TREE');
    }
    for (const [sql, params] of [
      [DUE_WAIT_UNTIL_SQL, ['2030-01-01', 10]],
      [CHILDREN_SQL, ['p']],
      [CHILDREN_BY_STATUS_SQL, ['p', 'running']],
    ] as const) {
      const p = plan(ws.path, sql, [...params]);
      expect(p).toMatch(/SEARCH r USING INDEX runs_(due_until|by_parent)/);
      expect(p).not.toContain('TEMP B-TREE');
    }
  });

  it('agree with the reference semantics on a mixed workspace', async () => {
    const ws = temp.create();
    const runs: RunState[] = [];
    const statuses = Object.values(RunStatus);
    for (let i = 0; i < 300; i++) {
      const status = statuses[i % statuses.length]!;
      const waiting =
        status === RunStatus.WAITING
          ? waitState(i % 2 ? { reason: WaitReason.UNTIL, until: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00+00:00` } : { reason: WaitReason.USER, waitKey: `u${i}` })
          : null;
      // Some equal timestamps, to check that ties keep creation order.
      const updatedAt = `2025-06-01T00:00:${String(i % 50).padStart(2, '0')}+00:00`;
      const run = makeRun({ runId: `run-${i}`, status, waiting, workflowId: i % 3 ? 'wf_a' : 'wf_b', updatedAt, parentRunId: i % 7 === 0 ? 'run-0' : null });
      runs.push(run);
      await ws.runs.save(run);
    }
    const ids = (rs: RunState[]): string[] => rs.map((r) => r.runId);
    for (const q of queries) expect(ids(await ws.runs.listRuns(q))).toEqual(ids(filterRuns(runs, q)));
    for (const now of ['2025-01-10T00:00:00+00:00', '2026-01-01T00:00:00+00:00']) {
      expect(ids(await ws.runs.listDueWaitUntil({ nowIso: now, limit: 20 }))).toEqual(ids(filterDueWaitUntil(runs, now, 20)));
    }
    expect(ids(await ws.runs.listChildren({ parentRunId: 'run-0' }))).toEqual(ids(runs.filter((r) => r.parentRunId === 'run-0')));
    expect(ids(await ws.runs.listChildren({ parentRunId: 'run-0', status: RunStatus.FAILED }))).toEqual(
      ids(runs.filter((r) => r.parentRunId === 'run-0' && r.status === RunStatus.FAILED)),
    );
    expect(await ws.runs.count()).toBe(300);
  });
});

describe('runs rows of running runs', () => {
  const at = (ms: number): string => `2025-06-01T00:00:00.${String(ms * 1000).padStart(6, '0')}+00:00`;
  const rowOf = (path: string, runId: string): { status: string; updated_at: string } => {
    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT status, updated_at FROM runs WHERE run_id = ?').get(runId) as { status: string; updated_at: string };
    raw.close();
    return row;
  };

  it('may lag the state of a running run within a tenth of a second, never its status, and listRuns stays exact', async () => {
    const ws = temp.create();
    const a = makeRun({ runId: 'a', updatedAt: at(10) });
    const b = makeRun({ runId: 'b', status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.USER, waitKey: 'k' }), updatedAt: at(20) });
    await ws.runs.save(a);
    await ws.runs.save(b);
    await ws.runs.save({ ...a, updatedAt: at(30), vars: { step: 2 } }); // same tenth as the row: the row is not rewritten
    expect(rowOf(ws.path, 'a').updated_at).toBe(at(10));
    expect((await ws.runs.load('a'))!.updatedAt).toBe(at(30));
    const states = [{ ...a, updatedAt: at(30), vars: { step: 2 } }, b];
    const ids = (rs: RunState[]): string[] => rs.map((r) => r.runId);
    for (const q of [{}, { limit: 1 }, { status: RunStatus.RUNNING }, { workflowId: 'wf_a' }]) {
      expect(ids(await ws.runs.listRuns(q))).toEqual(ids(filterRuns(states, q)));
    }
    await ws.runs.save({ ...a, updatedAt: at(130) }); // the next tenth: rewritten
    expect(rowOf(ws.path, 'a').updated_at).toBe(at(130));
    await ws.runs.save({ ...a, status: RunStatus.COMPLETED, updatedAt: at(131) }); // a status change: always rewritten
    expect(rowOf(ws.path, 'a')).toEqual({ status: 'completed', updated_at: at(131) });
    await ws.runs.save({ ...a, updatedAt: at(132) });
    expect(rowOf(ws.path, 'a')).toEqual({ status: 'running', updated_at: at(132) });
  });

  it('are exact for another connection that wrote in between', async () => {
    const ws = temp.create();
    const other = temp.open(ws.path);
    const a = makeRun({ runId: 'x', updatedAt: at(10) });
    await ws.runs.save(a);
    await other.runs.save({ ...a, status: RunStatus.FAILED, updatedAt: at(40) });
    await ws.runs.save({ ...a, updatedAt: at(50) }); // ws must not trust its cached row (running at 10)
    expect(rowOf(ws.path, 'x')).toEqual({ status: 'running', updated_at: at(50) });
  });
});

describe('wait_until times for a scheduler', () => {
  it('lists the earliest waits first from the index, without reading states', async () => {
    const ws = temp.create();
    const until = (d: number): string => `2025-01-0${d}T00:00:00+00:00`;
    for (const [id, d] of [['late', 3], ['early', 1], ['mid', 2]] as const) {
      await ws.runs.save(makeRun({ runId: id, status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.UNTIL, until: until(d) }) }));
    }
    await ws.runs.save(makeRun({ runId: 'user', status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.USER, waitKey: 'k' }) }));
    expect(await ws.runs.listWaitUntilTimes({ limit: 2 })).toEqual([
      { runId: 'early', until: until(1) },
      { runId: 'mid', until: until(2) },
    ]);
    expect((await ws.runs.listWaitUntilTimes()).map((r) => r.runId)).toEqual(['early', 'mid', 'late']);
  });
});
