import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { RequestCarrier } from '../../requests/request-carrier';
import { snapshotFromRun } from '../../snapshots/snapshot';
import { makeRun } from '../testing/store-contract';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();

const answer = (runId: string) => ({ runId, body: { kind: 'resume' as const, waitKey: 'k', payload: { response: 'Ada' } }, actorId: 'ada', requestedBy: 'the studio' });

describe('PgRunRequests: the run request queue on PostgreSQL (migration 2)', () => {
  it('refuses every transition from the wrong status or by the wrong holder, and changes nothing then', async () => {
    const ws = await pg.open();
    const id = await ws.requests.submit(answer('r1'));
    expect(await ws.requests.get(id)).toMatchObject({ id, runId: 'r1', status: 'pending', actorId: 'ada', requestedBy: 'the studio', body: { kind: 'resume', waitKey: 'k', payload: { response: 'Ada' } } });
    expect(await ws.requests.finish(id, 'w1', { runStatus: 'running' })).toBe(false); // not taken yet
    expect(await ws.requests.take(id, 'w1')).toBe(true);
    expect(await ws.requests.take(id, 'w2')).toBe(false);
    expect(await ws.requests.withdraw(id)).toBe(false);
    expect(await ws.requests.takenFor(['r1', 'r2'])).toMatchObject([{ id, handledBy: 'w1' }]);
    expect(await ws.requests.retake(id, 'w2', 'w3')).toBe(false);
    expect(await ws.requests.retake(id, 'w1', 'w2')).toBe(true); // w1 lost the run: w2 finishes what it left
    expect(await ws.requests.finish(id, 'w1', { runStatus: 'running' })).toBe(false); // too late for w1
    expect(await ws.requests.finish(id, 'w2', { error: { code: 'RUN_NOT_WAITING', message: 'no' } })).toBe(true);
    expect(await ws.requests.finish(id, 'w2', { runStatus: 'running' })).toBe(false); // once
    expect(await ws.requests.get(id)).toMatchObject({ status: 'failed', handledBy: 'w2', error: { code: 'RUN_NOT_WAITING', message: 'no' }, runStatus: null });
    expect(await ws.requests.pendingFor(['r1'])).toEqual([]);
    expect(await ws.requests.get(id + 1000)).toBeNull();
  });

  it('lets exactly one of a withdraw and a take win, from two opens of the workspace (two pools), over 60 rounds', async () => {
    const schema = freshSchema('race');
    const asker = await pg.open(schema);
    const holder = await pg.open(schema);
    let taken = 0;
    let withdrawn = 0;
    for (let i = 0; i < 60; i++) {
      const id = await asker.requests.submit(answer(`run-${i}`));
      const [took, gaveUp] = await Promise.all([holder.requests.take(id, 'w1'), asker.requests.withdraw(id)]);
      expect(took !== gaveUp, `round ${i}: exactly one wins`).toBe(true);
      const row = await asker.requests.get(id);
      expect(row!.status).toBe(took ? 'taken' : 'withdrawn');
      if (took) taken++;
      else withdrawn++;
    }
    expect(taken + withdrawn).toBe(60);
    expect(await holder.requests.pendingRunIds(100)).toEqual([]);
  });

  it('tells another process of a submit and of an answer at once, through NOTIFY', async () => {
    const schema = freshSchema('notify');
    const asker = await pg.open(schema);
    const holder = await pg.open(schema);
    const heard: string[] = [];
    const off = await holder.requests.onChange((c) => heard.push(`${c.runId}:${c.status}`));
    const seen = holder.requests.changeCounter();
    await new Promise((r) => setTimeout(r, 100)); // the LISTEN connection is up
    const before = holder.requests.changeCounter();
    const started = Date.now();
    const wake = holder.requests.nextChange(before, 10_000);
    const id = await asker.requests.submit(answer('r9'));
    await wake;
    expect(Date.now() - started).toBeLessThan(5_000); // the notification, not the 10 s fallback
    expect(holder.requests.changeCounter()).not.toBe(seen);
    expect(await holder.requests.pendingRunIds(10)).toEqual(['r9']);
    const asked = asker.requests.changeCounter();
    await holder.requests.take(id, 'w1');
    await holder.requests.finish(id, 'w1', { runStatus: 'completed' });
    await asker.requests.nextChange(asked, 10_000);
    expect((await asker.requests.get(id))!.status).toBe('done');
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(['r9:pending', 'r9:taken', 'r9:done']);
    off();
  });

  it('falls back on looking while its LISTEN connection is down, without spinning, and listens again once it is back', async () => {
    const schema = freshSchema('drop');
    const holder = await pg.open(schema);
    const asker = await pg.open(schema);
    holder.requests.changeCounter();
    await new Promise((r) => setTimeout(r, 200)); // listening
    const sql = new Client({ connectionString: pg.server().url });
    await sql.connect();
    await sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await sql.end();
    await new Promise((r) => setTimeout(r, 100)); // the drop is noticed
    const a = holder.requests.changeCounter();
    expect(holder.requests.changeCounter()).not.toBe(a); // every look counts as a change: nothing can be missed
    const t0 = Date.now();
    await holder.requests.nextChange(holder.requests.changeCounter(), 150);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140); // the poll's pause, not a busy loop
    // Reconnected after its pause (1 s): heard again, so the counter stays put until a write.
    const back = Date.now() + 10_000;
    let seen = holder.requests.changeCounter();
    while (holder.requests.changeCounter() !== seen && Date.now() < back) {
      await new Promise((r) => setTimeout(r, 100));
      seen = holder.requests.changeCounter();
    }
    expect(holder.requests.changeCounter()).toBe(seen);
    const woke = holder.requests.nextChange(seen, 10_000);
    const t1 = Date.now();
    await asker.requests.submit(answer('r-after'));
    await woke;
    expect(Date.now() - t1).toBeLessThan(5_000);
  });

  it('upgrades a version-1 workspace to version 2 and keeps its runs', async () => {
    const schema = freshSchema('v1');
    const ws = await pg.open(schema);
    const run = makeRun();
    await ws.runs.save(run);
    await ws.close();
    const sql = new Client({ connectionString: pg.server().url });
    await sql.connect();
    // Back to what version 1 left: no queue, no registry.
    await sql.query(`DROP TABLE "${schema}".run_requests; DROP TABLE "${schema}".workers; DELETE FROM "${schema}".schema_migrations WHERE version = 2`);
    await sql.end();
    const again = await pg.open(schema);
    expect(await again.schemaVersion()).toBeGreaterThanOrEqual(2);
    expect((await again.runs.load(run.runId))!.runId).toBe(run.runId);
    const id = await again.requests.submit(answer(run.runId));
    expect(await again.requests.pendingFor([run.runId])).toMatchObject([{ id }]);
  });
});

describe('restore requests (migration 5): a worker puts a run back to a snapshot of its own workspace', () => {
  it('keeps a restore body, carries it out with who asked and who did it, and refuses a missing or foreign snapshot', async () => {
    const ws = await pg.open(freshSchema('restore'), { writer: 'worker-r@test' });
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const run = { ...makeRun(), vars: { step: 1 } };
    await ws.runs.save(run);
    const snap = snapshotFromRun({ run, name: 'step one' });
    await ws.snapshots.save(snap);
    await ws.runs.save({ ...run, vars: { step: 2 } });
    const other = snapshotFromRun({ run: { ...makeRun(), runId: 'someone-else' }, name: 'not this run' });
    await ws.snapshots.save(other);
    const carrier = new RequestCarrier({ runtime, requests: ws.requests, name: 'worker-r@test', workflowOf: () => { throw new Error('no code needed'); }, snapshots: ws.snapshots });
    const ask = async (snapshotId: string) => {
      const id = await ws.requests.submit({ runId: run.runId, body: { kind: 'restore', snapshotId }, actorId: 'ada', requestedBy: 'the studio' });
      expect((await ws.requests.get(id))?.body).toEqual({ kind: 'restore', snapshotId });
      return (await carrier.carryOut((await ws.requests.get(id))!))!.request;
    };
    expect(await ask('no-such-snapshot')).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_SNAPSHOT' } });
    expect(await ask(other.snapshotId)).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('not of run') } });
    expect((await ws.runs.load(run.runId))!.vars).toEqual({ step: 2 }); // refused: nothing changed
    expect(await ask(snap.snapshotId)).toMatchObject({ status: 'done', handledBy: 'worker-r@test' });
    expect((await ws.runs.load(run.runId))!.vars).toEqual({ step: 1 });
    const last = (await ws.ledger.last(run.runId))!;
    expect(last.actorId).toBe('ada');
    expect(last.result).toMatchObject({ restored: { snapshot_id: snap.snapshotId, snapshot_name: 'step one' }, via: { carried_out_by: 'worker-r@test', requested_by: 'the studio' } });
  });
});
