import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { RunStatus, WaitReason } from '../../core/enums';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

const waitingUntil = (until: string, workflowId = 'wf_a') =>
  makeRun({ workflowId, status: RunStatus.WAITING, waiting: { reason: WaitReason.UNTIL, waitKey: null, until, resumeToNode: null, resultKey: null, prompt: null, choices: null, allowFreeText: true, details: null } });

describe('PostgresWorkspace: claiming due wait_until runs (issue 16)', () => {
  it('leases a batch of due runs in one statement, earliest due first, and never hands one run to two claimers', async () => {
    const schema = freshSchema('due');
    const [a, b] = [await server.open(schema), await server.open(schema)];
    const runs = Array.from({ length: 30 }, (_, i) => waitingUntil(`2025-01-01T00:00:${String(i).padStart(2, '0')}.000000+00:00`));
    for (const r of runs) await a.runs.save(r);
    await a.runs.save(waitingUntil('2999-01-01T00:00:00.000000+00:00')); // not due
    await a.runs.save(waitingUntil('2025-01-01T00:00:00.000000+00:00', 'wf_other')); // a workflow the claimers do not run
    const now = '2026-01-01T00:00:00.000000+00:00';
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const first = await a.runs.claimDueWaitUntil({ nowIso: now, workflowIds: ['wf_a'], limit: 5 });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(first.map((c) => c.runId)).toEqual(runs.slice(0, 5).map((r) => r.runId));
    const [x, y] = await Promise.all([
      a.runs.claimDueWaitUntil({ nowIso: now, workflowIds: ['wf_a'], limit: 20 }),
      b.runs.claimDueWaitUntil({ nowIso: now, workflowIds: ['wf_a'], limit: 20 }),
    ]);
    const ids = [...first, ...x, ...y].map((c) => c.runId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(runs.map((r) => r.runId)));
    // A claim is a lease like any other: held, fenced, renewed, given back.
    expect(a.leases.tokenOf(first[0]!.runId)).toBe(1);
    await expect(b.runs.acquireRunLease(first[0]!.runId)).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await first[0]!.lease.release();
    await b.runs.acquireRunLease(first[0]!.runId);
    expect(await b.runs.claimDueWaitUntil({ nowIso: now, workflowIds: ['wf_a'], limit: 20 })).toEqual([]);
  });
});

describe('PostgresWorkspace: giving leases back', () => {
  it('gives back the leases released while a release is on its way in one statement, each of them gone once its release resolves', async () => {
    const schema = freshSchema('rel');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const leases = await Promise.all(Array.from({ length: 6 }, (_, i) => a.runs.acquireRunLease(`r${i}`)));
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    await Promise.all(leases.map((l) => l.release()));
    const deletes = spy.mock.calls.filter((c) => String(typeof c[0] === 'string' ? c[0] : (c[0] as { text: string }).text).startsWith('DELETE'));
    spy.mockRestore();
    expect(deletes.length).toBeLessThanOrEqual(2); // the first alone, the five that queued behind it together
    for (let i = 0; i < 6; i++) expect(await a.leaseHolder(`r${i}`)).toBeNull();
    await b.runs.acquireRunLease('r0');
    expect(b.leases.tokenOf('r0')).toBe(1);
  });

  it('hands each claimed run over with its state, its head and whether it has open requests: its load and its first step cost no round trip more than the step itself', async () => {
    const schema = freshSchema('due_state');
    const [a, b] = [await server.open(schema), await server.open(schema)];
    const run = waitingUntil('2025-01-01T00:00:00.000000+00:00');
    await b.runs.save(run);
    await b.runs.commitStep(run, [sampleRecord(run.runId, 0)]);
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const [claimed] = await a.runs.claimDueWaitUntil({ nowIso: '2026-01-01T00:00:00.000000+00:00', workflowIds: ['wf_a'], limit: 5 });
    const loaded = await a.runs.load(run.runId);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(loaded).toEqual(run);
    await a.runs.commitStep({ ...loaded!, status: RunStatus.RUNNING, waiting: null }, [sampleRecord(run.runId, 1)]);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
    expect(claimed!.openRequests).toBe(false);
    await claimed!.lease.release();
    expect(await a.ledger.list(run.runId)).toHaveLength(2);
    // A run asked something says so in its claim: the worker then reads its queue before driving it.
    const asked = waitingUntil('2025-01-01T00:00:00.000000+00:00');
    await b.runs.save(asked);
    await b.requests.submit({ runId: asked.runId, body: { kind: 'resume', waitKey: 'k', payload: {} }, actorId: null, requestedBy: 'test' });
    const [withRequest] = await a.runs.claimDueWaitUntil({ nowIso: '2026-01-01T00:00:00.000000+00:00', workflowIds: ['wf_a'], limit: 5 });
    expect(withRequest).toMatchObject({ runId: asked.runId, openRequests: true });
    await withRequest!.lease.release();
    expect((await b.runs.load(run.runId))?.status).toBe(RunStatus.RUNNING);
  });
});
