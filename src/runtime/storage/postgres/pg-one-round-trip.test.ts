import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { QUIET_NOTES_SQL } from './pg-change-notes';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

/**
 * Statements the pg driver sends to the server while `work` runs (each one a round trip), but the
 * notifications of quiet steps sent together at the end of their window (pg-change-notes.ts): a
 * timer's, not the step's, which may fire while `work` runs.
 */
async function statementsOf(work: () => Promise<void>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls
      .map((c) => (typeof c[0] === 'string' ? c[0] : String((c[0] as { text?: unknown }).text)))
      .filter((sql) => sql !== QUIET_NOTES_SQL);
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('PostgresWorkspace: a step commits in one round trip (issue 16)', () => {
  it('commits each step of a leased run it drives as one statement, with the chain, the state deltas and the run row all written', async () => {
    const ws = await server.open(freshSchema('one'));
    const run = makeRun();
    const lease = await ws.runs.acquireRunLease(run.runId);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      run.vars = { ...run.vars, i };
      run.updatedAt = `2025-12-17T08:31:0${i}.000000+00:00`;
      counts.push((await statementsOf(() => ws.runs.commitStep(run, [sampleRecord(run.runId, i)]))).length);
    }
    expect(counts).toEqual([1, 1, 1, 1, 1]);
    const list = await ws.ledger.list(run.runId);
    expect(list).toHaveLength(5);
    expect(verifyLedgerChain(list)).toMatchObject({ ok: true, count: 5 });
    expect(await ws.ledger.ledgerHead(run.runId)).toEqual({ seq: 4, recordHash: list[4]!.recordHash });
    expect((await ws.runs.load(run.runId))?.vars['i']).toBe(4);
    // Every saved state reads back (the later ones are deltas on the first).
    for (let i = 0; i < 5; i++) expect((await ws.stateAt(run.runId, i))?.vars['i']).toBe(i);
    await lease.release();
  });

  it('chains onto what another writer committed in between (its remembered head is stale): no fork, no lost record', async () => {
    const schema = freshSchema('stale');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const run = makeRun();
    await a.runs.commitStep(run, [sampleRecord(run.runId, 0, { stepId: 'a0' })]);
    await a.runs.commitStep(run, [sampleRecord(run.runId, 1, { stepId: 'a1' })]);
    await b.runs.commitStep({ ...run, vars: { by: 'b' } }, [sampleRecord(run.runId, 2, { stepId: 'b2' })]);
    await a.runs.commitStep({ ...run, vars: { by: 'a' } }, [sampleRecord(run.runId, 3, { stepId: 'a3' })]);
    const list = await a.ledger.list(run.runId);
    expect(list.map((r) => r.stepId)).toEqual(['a0', 'a1', 'b2', 'a3']);
    expect(verifyLedgerChain(list).ok).toBe(true);
    expect((await b.stateAt(run.runId, 2))?.vars).toEqual({ by: 'b' });
    expect((await b.stateAt(run.runId, 3))?.vars).toEqual({ by: 'a' });
  });

  it('keeps the typed LEASE_LOST of a holder whose lease was taken over, and writes nothing of its step', async () => {
    const schema = freshSchema('lost');
    const a = await server.open(schema, { leaseTtlMs: 300 });
    const b = await server.open(schema);
    const run = makeRun();
    await a.runs.acquireRunLease(run.runId);
    await a.runs.commitStep(run, [sampleRecord(run.runId, 0)]);
    a.leases['disarmRenewal'](); // a stalls: no renewals from now on
    await new Promise((r) => setTimeout(r, 400));
    await b.runs.acquireRunLease(run.runId);
    await expect(a.runs.commitStep(run, [sampleRecord(run.runId, 1, { stepId: 'late' })])).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await b.ledger.list(run.runId)).map((r) => r.stepId)).toEqual(['step-0']);
  });

  it('loads a run it holds under a lease from what it committed (no round trip), and from the server once the lease is given back', async () => {
    const schema = freshSchema('held');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const run = makeRun();
    await b.runs.save(run);
    const lease = await a.runs.acquireRunLease(run.runId);
    expect((await statementsOf(async () => void (await a.runs.load(run.runId)))).length).toBe(1); // not committed or read under this lease yet
    run.vars = { n: 1 };
    await a.runs.commitStep(run, [sampleRecord(run.runId, 0)]);
    let loaded: unknown = null;
    expect(await statementsOf(async () => void (loaded = await a.runs.load(run.runId)))).toEqual([]);
    expect(loaded).toEqual(run);
    expect(loaded).not.toBe(run);
    await expect(b.runs.commitStep({ ...run, vars: { n: 2 } }, [])).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await lease.release();
    await b.runs.commitStep({ ...run, vars: { n: 2 } }, []);
    expect((await a.runs.load(run.runId))?.vars).toEqual({ n: 2 });
  });

  it('tells listeners whether the writer held the run and which parent it has, so workers skip claims that cannot succeed', async () => {
    const schema = freshSchema('note');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const heard: unknown[] = [];
    const off = await b.onRunChange((c) => heard.push(c));
    const child = makeRun({ parentRunId: 'the-parent' });
    await a.runs.commitStep(child, []); // unleased
    const lease = await a.runs.acquireRunLease(child.runId);
    await a.runs.commitStep(child, [sampleRecord(child.runId, 0)]);
    for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    off();
    await lease.release();
    expect(heard).toEqual([
      expect.objectContaining({ runId: child.runId, status: 'running', leased: false, parentRunId: 'the-parent', headSeq: -1 }),
      expect.objectContaining({ runId: child.runId, status: 'running', leased: true, parentRunId: 'the-parent', headSeq: 0 }),
    ]);
  });
});
