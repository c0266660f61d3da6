/**
 * Archive and delete of runs in a PostgreSQL workspace (migration 7), with the SQLite
 * workspace's semantics (run-archive.test.ts there): archive hides a finished run from the
 * default list and keeps everything; delete drops a finished run's data and leaves a tombstone.
 * Added here: a run a worker holds is never deleted under it, and a deleted run is never
 * written again (no worker can claim or resurrect it).
 */
import { describe, expect, it } from 'vitest';
import { RunStatus } from '../../core/enums';
import { snapshotFromRun } from '../../snapshots/snapshot';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { type PostgresWorkspace } from './postgres-workspace';
import { usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();
const NOW = '2026-12-03T18:00:00.000000+00:00';

async function finishedRun(ws: PostgresWorkspace, status: RunStatus = RunStatus.COMPLETED, records = 3) {
  const run = makeRun({ status });
  await ws.runs.commitStep(run, Array.from({ length: records }, (_, i) => sampleRecord(run.runId, i)));
  return run;
}

describe('PostgreSQL: archive and delete of runs (migration 7)', () => {
  it('refuses to delete a run that is not finished, and changes nothing', async () => {
    const ws = await pg.open();
    const run = await finishedRun(ws, RunStatus.WAITING);
    await expect(ws.archive.delete(run.runId, 'human:ann', NOW)).rejects.toMatchObject({ code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('it is waiting') });
    expect(await ws.ledger.ledgerCount(run.runId)).toBe(3);
    expect(await ws.archive.tombstone(run.runId)).toBeNull();
  });

  it('refuses to delete a parent whose children still exist, and an unknown run', async () => {
    const ws = await pg.open();
    const parent = await finishedRun(ws);
    await ws.runs.save(makeRun({ parentRunId: parent.runId, status: RunStatus.COMPLETED }));
    await expect(ws.archive.delete(parent.runId, 'human:ann', NOW)).rejects.toMatchObject({ code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('child run') });
    expect(await ws.runs.load(parent.runId)).not.toBeNull();
    await expect(ws.archive.delete('no-such-run', 'human:ann', NOW)).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
  });

  it('refuses to delete a finished run while a live worker holds its lease', async () => {
    const ws = await pg.open();
    const worker = await pg.open(ws.schema, { writer: 'worker-a@test' });
    const run = await finishedRun(ws);
    const lease = await worker.runs.acquireRunLease(run.runId);
    await expect(ws.archive.delete(run.runId, 'human:ann', NOW)).rejects.toMatchObject({ code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('worker-a@test holds it') });
    expect(await ws.ledger.ledgerCount(run.runId)).toBe(3);
    await lease.release();
    await expect(ws.archive.delete(run.runId, 'human:ann', NOW)).resolves.toMatchObject({ runId: run.runId });
  });

  it('deletes a finished run but leaves a tombstone with its final head hash, listed as deleted', async () => {
    const ws = await pg.open();
    const keep = await finishedRun(ws);
    const gone = await finishedRun(ws, RunStatus.FAILED, 4);
    const head = await ws.ledger.ledgerHead(gone.runId);
    const shared = new TextEncoder().encode('in both runs');
    await ws.artifacts.store(new TextEncoder().encode('only in the deleted run'), { runId: gone.runId });
    await ws.artifacts.store(shared, { runId: gone.runId });
    const kept = await ws.artifacts.store(shared, { runId: keep.runId });
    await ws.snapshots.save(snapshotFromRun({ run: gone, name: 'gone', newId: () => 'snap-gone' }));
    await ws.ledger.saveTraceLink(gone.runId, 0, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    expect((await ws.ledger.traceLinks(gone.runId, 0, 10)).size).toBe(1);
    const t = await ws.archive.delete(gone.runId, 'human:ann', NOW);
    expect(t).toMatchObject({ runId: gone.runId, finalStatus: 'failed', recordCount: 4, headHash: head?.recordHash, deletedBy: 'human:ann', deletedAt: NOW });
    expect(await ws.runs.load(gone.runId)).toBeNull();
    expect(await ws.ledger.ledgerCount(gone.runId)).toBe(0);
    expect(await ws.ledger.ledgerHead(gone.runId)).toBeNull();
    expect(await ws.artifacts.listByRun(gone.runId)).toEqual([]);
    expect(await ws.snapshots.load('snap-gone')).toBeNull();
    expect(await ws.listCheckpoints(gone.runId, {})).toEqual([]);
    expect((await ws.ledger.traceLinks(gone.runId, 0, 10)).size).toBe(0);
    expect(await ws.archive.tombstone(gone.runId)).toEqual(t);
    // The other run is untouched, its artifact too (the blob it shares stays).
    expect(await ws.ledger.ledgerCount(keep.runId)).toBe(3);
    expect((await ws.artifacts.load(kept.artifactId))?.content).toEqual(shared);

    const listed = await ws.runIndex.query({ deleted: 'include' });
    expect(listed.total).toBe(2);
    expect(listed.items.find((r) => r.runId === gone.runId)?.tombstone).toEqual(t);
    expect((await ws.runIndex.query({})).items.map((r) => r.runId)).toEqual([keep.runId]);
    expect((await ws.runIndex.query({ deleted: 'only' })).items.map((r) => r.runId)).toEqual([gone.runId]);
    expect((await ws.runIndex.query({ deleted: 'include', status: RunStatus.FAILED })).total).toBe(0);
  });

  it('never writes a deleted run again: a late commit of it is refused, and no worker can claim it', async () => {
    const ws = await pg.open();
    const worker = await pg.open(ws.schema, { writer: 'worker-a@test' });
    const run = await finishedRun(ws);
    await worker.runs.load(run.runId); // the worker knows its head: its next commit would be one statement
    await ws.archive.delete(run.runId, 'human:ann', NOW);
    await expect(worker.runs.commitStep({ ...run, status: RunStatus.RUNNING }, [sampleRecord(run.runId, 3)])).rejects.toMatchObject({ code: 'RUN_DELETED' });
    await expect(ws.runs.save({ ...run, status: RunStatus.RUNNING })).rejects.toMatchObject({ code: 'RUN_DELETED' });
    expect(await ws.runs.load(run.runId)).toBeNull();
    expect(await ws.ledger.ledgerCount(run.runId)).toBe(0);
    expect(await worker.runs.listClaimable({ nowIso: NOW, workflowIds: [run.workflowId], limit: 10 })).toEqual([]);
  });

  it('fails the requests still open when the run is deleted, and refuses one asked after (RUN_DELETED)', async () => {
    const ws = await pg.open();
    const run = await finishedRun(ws);
    const asked = await ws.requests.submit({ runId: run.runId, body: { kind: 'cancel', reason: 'late' }, actorId: 'human:bob', requestedBy: 'test' });
    await ws.archive.delete(run.runId, 'human:ann', NOW);
    expect(await ws.requests.get(asked)).toMatchObject({ status: 'failed', handledBy: 'human:ann', error: { code: 'RUN_DELETED' } });
    await expect(ws.requests.submit({ runId: run.runId, body: { kind: 'cancel', reason: 'later' }, actorId: 'human:bob', requestedBy: 'test' })).rejects.toMatchObject({ code: 'RUN_DELETED' });
    // Its only run deleted, the workspace still holds its tombstone: no copy may land on it as if it were empty.
    expect(await ws.isEmpty()).toBe(false);
  });

  it('archives and unarchives: an archived run keeps its data and leaves the default list', async () => {
    const ws = await pg.open();
    const a = await finishedRun(ws);
    const b = await finishedRun(ws);
    expect(await ws.archive.setArchived(a.runId, true, 'human:ann', NOW)).toBe(true);
    expect((await ws.runIndex.query({ archived: 'exclude' })).items.map((r) => r.runId)).toEqual([b.runId]);
    const only = (await ws.runIndex.query({ archived: 'only' })).items;
    expect(only.map((r) => [r.runId, r.archivedBy, r.archivedAt])).toEqual([[a.runId, 'human:ann', NOW]]);
    expect((await ws.runIndex.get(a.runId))?.archivedBy).toBe('human:ann');
    expect(await ws.ledger.ledgerCount(a.runId)).toBe(3);
    expect(await ws.archive.setArchived(a.runId, false, 'human:ann', NOW)).toBe(true);
    expect((await ws.runIndex.query({ archived: 'exclude' })).total).toBe(2);
    expect(await ws.archive.setArchived('no-such-run', true, 'human:ann', NOW)).toBe(false);
  });

  it('nests a fork under its parent only while the parent is listed (an archived parent is not)', async () => {
    const ws = await pg.open();
    const parent = await finishedRun(ws);
    const fork = await ws.forkRun({ runId: parent.runId, atSeq: 2, actorId: 'human:ann' });
    expect((await ws.runIndex.query({ archived: 'exclude', nestForks: true })).items.map((r) => r.runId)).toEqual([parent.runId]);
    await ws.archive.setArchived(parent.runId, true, 'human:ann', NOW);
    expect((await ws.runIndex.query({ archived: 'exclude', nestForks: true })).items.map((r) => r.runId)).toEqual([fork.runId]);
  });

  it('pages runs and tombstones together in one order', async () => {
    const ws = await pg.open();
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await finishedRun(ws, RunStatus.COMPLETED, 1));
    for (const [i, r] of runs.slice(0, 3).entries()) await ws.archive.delete(r.runId, 'human:ann', `2030-12-03T18:00:0${i}.000000+00:00`);
    const seen: string[] = [];
    for (let offset = 0; offset < 6; offset += 2) seen.push(...(await ws.runIndex.query({ deleted: 'include', offset, limit: 2 })).items.map((r) => r.runId));
    expect(new Set(seen).size).toBe(6);
    expect(seen.slice(0, 3)).toEqual([runs[2]!.runId, runs[1]!.runId, runs[0]!.runId]);
  });
});
