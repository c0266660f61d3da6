import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus } from '../../core/enums';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const NOW = '2026-12-03T18:00:00.000000+00:00';

async function finishedRun(ws: ReturnType<TempWorkspaces['create']>, status: RunStatus = RunStatus.COMPLETED, records = 3) {
  const run = makeRun({ status });
  await ws.runs.commitStep(run, Array.from({ length: records }, (_, i) => sampleRecord(run.runId, i)));
  return run;
}

describe('archive and delete of runs (migration 7)', () => {
  it('refuses to delete a run that is not finished, and changes nothing', async () => {
    const ws = temp.create();
    const run = await finishedRun(ws, RunStatus.WAITING);
    expect(() => ws.archive.delete(run, 'human:ann', NOW)).toThrow(expect.objectContaining({ code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('it is waiting') }));
    expect(await ws.ledger.ledgerCount(run.runId)).toBe(3);
    expect(ws.archive.tombstone(run.runId)).toBeNull();
  });

  it('refuses to delete a parent whose children still exist', async () => {
    const ws = temp.create();
    const parent = await finishedRun(ws);
    await ws.runs.save(makeRun({ parentRunId: parent.runId, status: RunStatus.COMPLETED }));
    expect(() => ws.archive.delete(parent, 'human:ann', NOW)).toThrow(expect.objectContaining({ code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('child run') }));
    expect(await ws.runs.load(parent.runId)).not.toBeNull();
  });

  it('deletes a finished run but leaves a tombstone with its final head hash, listed as deleted', async () => {
    const ws = temp.create();
    const keep = await finishedRun(ws);
    const gone = await finishedRun(ws, RunStatus.FAILED, 4);
    const head = await ws.ledger.ledgerHead(gone.runId);
    await ws.artifacts.store(new TextEncoder().encode('only in the deleted run'), { runId: gone.runId });
    const t = ws.archive.delete(gone, 'human:ann', NOW);
    expect(t).toMatchObject({ runId: gone.runId, finalStatus: 'failed', recordCount: 4, headHash: head?.recordHash, deletedBy: 'human:ann', deletedAt: NOW });
    expect(await ws.runs.load(gone.runId)).toBeNull();
    expect(await ws.ledger.ledgerCount(gone.runId)).toBe(0);
    expect(await ws.artifacts.listByRun(gone.runId)).toEqual([]);
    expect(ws.archive.tombstone(gone.runId)).toEqual(t);
    // The other run is untouched.
    expect(await ws.ledger.ledgerCount(keep.runId)).toBe(3);

    const listed = ws.runIndex.query({ deleted: 'include' });
    expect(listed.total).toBe(2);
    expect(listed.items.find((r) => r.runId === gone.runId)?.tombstone).toEqual(t);
    expect(ws.runIndex.query({}).items.map((r) => r.runId)).toEqual([keep.runId]);
    expect(ws.runIndex.query({ deleted: 'only' }).items.map((r) => r.runId)).toEqual([gone.runId]);
    // A status filter is about live runs: tombstones are left out of it.
    expect(ws.runIndex.query({ deleted: 'include', status: RunStatus.FAILED }).total).toBe(0);
  });

  it('deletes who wrote the records and their trace links with the run (migration 9), and only its', async () => {
    const ws = temp.create();
    const keep = await finishedRun(ws);
    const gone = await finishedRun(ws);
    for (const r of [keep, gone]) {
      ws.recordWriters.keepWriters(r.runId, new Map([[0, 'worker-a@h'], [1, null]]));
      ws.ledger.saveTraceLink(r.runId, 0, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    }
    expect([...ws.recordWriters.writersOf(keep.runId)]).toEqual([[0, 'worker-a@h']]);
    ws.archive.delete(gone, 'human:ann', NOW);
    expect(ws.recordWriters.writersOf(gone.runId).size).toBe(0);
    expect(ws.ledger.traceLinks(gone.runId, 0, 10).size).toBe(0);
    expect([...ws.recordWriters.writersOf(keep.runId)]).toEqual([[0, 'worker-a@h']]);
    expect(ws.ledger.traceLinks(keep.runId, 0, 10).size).toBe(1);
  });

  it('keeps the ledger append-only for every run without a tombstone', async () => {
    const ws = temp.create();
    await finishedRun(ws);
    const raw = new Database(ws.path);
    expect(() => raw.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
    raw.close();
  });

  it('archives and unarchives: an archived run keeps its data and leaves the default list', async () => {
    const ws = temp.create();
    const a = await finishedRun(ws);
    const b = await finishedRun(ws);
    expect(ws.archive.setArchived(a.runId, true, 'human:ann', NOW)).toBe(true);
    expect(ws.runIndex.query({ archived: 'exclude' }).items.map((r) => r.runId)).toEqual([b.runId]);
    const only = ws.runIndex.query({ archived: 'only' }).items;
    expect(only.map((r) => [r.runId, r.archivedBy, r.archivedAt])).toEqual([[a.runId, 'human:ann', NOW]]);
    expect(await ws.ledger.ledgerCount(a.runId)).toBe(3);
    expect(ws.archive.setArchived(a.runId, false, 'human:ann', NOW)).toBe(true);
    expect(ws.runIndex.query({ archived: 'exclude' }).total).toBe(2);
    expect(ws.archive.setArchived('no-such-run', true, 'human:ann', NOW)).toBe(false);
  });

  it('pages runs and tombstones together in one order', async () => {
    const ws = temp.create();
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await finishedRun(ws, RunStatus.COMPLETED, 1));
    for (const r of runs.slice(0, 3)) ws.archive.delete(r, 'human:ann', `2026-12-03T18:00:0${runs.indexOf(r)}.000000+00:00`);
    const seen: string[] = [];
    for (let offset = 0; offset < 6; offset += 2) seen.push(...ws.runIndex.query({ deleted: 'include', offset, limit: 2 }).items.map((r) => r.runId));
    expect(new Set(seen).size).toBe(6);
    // Deleted last (the newest change) first.
    expect(seen.slice(0, 3)).toEqual([runs[2]!.runId, runs[1]!.runId, runs[0]!.runId]);
  });
});
