/**
 * Migration 5 (`run_requests`) on a workspace left at schema 4: the open adds the queue, the
 * runs and ledger written before are untouched, and the queue's transitions only ever go one way.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { migrate, MIGRATIONS } from './migrations';
import { askWorkflow } from './test-support/workflows';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('migration 5: run requests', () => {
  it('adds the queue to a schema-4 workspace and leaves its runs as they were', async () => {
    const path = temp.newPath();
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.filter((m) => m.version <= 4));
    raw.close();
    const ws = temp.open(path); // migrates to 5
    expect(ws.migrations().map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const runId = await rt.start({ workflow: askWorkflow });
    await rt.tick({ workflow: askWorkflow, runId });

    const id = await ws.requests.submit({ runId, body: { kind: 'resume', waitKey: null, payload: { response: 'red' } }, actorId: 'u', requestedBy: 'test' });
    expect(await ws.requests.pendingFor([runId, 'other'])).toMatchObject([{ id, runId, status: 'pending', body: { kind: 'resume', payload: { response: 'red' } } }]);
    expect(await ws.requests.take(id, 'holder')).toBe(true);
    expect(await ws.requests.take(id, 'someone else')).toBe(false); // taken once
    expect(await ws.requests.withdraw(id)).toBe(false); // too late to withdraw
    expect(await ws.requests.takenFor([runId])).toMatchObject([{ id, status: 'taken', handledBy: 'holder' }]);
    expect(await ws.requests.finish(id, 'someone else', { runStatus: 'running' })).toBe(false); // only its taker finishes it
    expect(await ws.requests.retake(id, 'someone else', 'thief')).toBe(false);
    expect(await ws.requests.retake(id, 'holder', 'next holder')).toBe(true); // the run's next holder takes it over
    expect(await ws.requests.finish(id, 'holder', { runStatus: 'running' })).toBe(false); // the last holder can no longer finish it
    expect(await ws.requests.finish(id, 'next holder', { error: { code: 'RUN_NOT_WAITING', message: 'no' } })).toBe(true);
    expect(await ws.requests.get(id)).toMatchObject({ status: 'failed', handledBy: 'next holder', error: { code: 'RUN_NOT_WAITING' } });
    expect(await ws.requests.pendingFor([runId])).toEqual([]);
    expect((await ws.verifyRun(runId)).ok).toBe(true);
  });
});
