import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus } from '../../core/enums';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const NOW = '2026-12-04T02:00:00.000000+00:00';

async function finishedRun(ws: ReturnType<TempWorkspaces['create']>, records = 3) {
  const run = makeRun({ status: RunStatus.COMPLETED });
  await ws.runs.commitStep(run, Array.from({ length: records }, (_, i) => sampleRecord(run.runId, i)));
  return run;
}

describe('forks in the runs index (nested under their parent)', () => {
  it('counts a run\'s forks, hides forks of a listed parent when nesting, and lists them with forkOf', async () => {
    const ws = temp.create();
    const parent = await finishedRun(ws);
    const other = await finishedRun(ws);
    const a = await ws.forkRun({ runId: parent.runId, atSeq: 2 });
    const b = await ws.forkRun({ runId: parent.runId, atSeq: 2 });

    const flat = ws.runIndex.query({});
    expect(flat.total).toBe(4);
    expect(flat.items.find((r) => r.runId === parent.runId)?.forkCount).toBe(2);
    expect(flat.items.find((r) => r.runId === other.runId)?.forkCount).toBe(0);
    expect(flat.items.find((r) => r.runId === a.runId)?.forkCount).toBe(0);

    const nested = ws.runIndex.query({ topLevelOnly: true, nestForks: true });
    expect(nested.total).toBe(2);
    expect(nested.items.map((r) => r.runId).sort()).toEqual([parent.runId, other.runId].sort());

    const forks = ws.runIndex.query({ forkOf: parent.runId, sort: 'created_asc' });
    expect(forks.total).toBe(2);
    expect(forks.items.map((r) => r.runId)).toEqual([a.runId, b.runId]);
    expect(forks.items[0]).toMatchObject({ forkedFromRunId: parent.runId, forkedFromSeq: 2 });
    expect(ws.runIndex.query({ forkOf: other.runId }).total).toBe(0);
  });

  it('shows a fork at top level when its parent was deleted, or is archived out of the list', async () => {
    const ws = temp.create();
    const parent = await finishedRun(ws);
    const fork = await ws.forkRun({ runId: parent.runId, atSeq: 2 });
    const archivedParent = await finishedRun(ws);
    const fork2 = await ws.forkRun({ runId: archivedParent.runId, atSeq: 2 });
    ws.archive.setArchived(archivedParent.runId, true, 'human:ann', NOW);
    const top = (): string[] => ws.runIndex.query({ topLevelOnly: true, nestForks: true, archived: 'exclude' }).items.map((r) => r.runId);
    expect(top().sort()).toEqual([parent.runId, fork2.runId].sort());

    ws.archive.delete((await ws.runs.load(parent.runId))!, 'human:ann', NOW);
    const listed = ws.runIndex.query({ topLevelOnly: true, nestForks: true, archived: 'exclude', deleted: 'include' });
    expect(listed.items.map((r) => r.runId).sort()).toEqual([parent.runId, fork.runId, fork2.runId].sort());
    expect(listed.items.find((r) => r.runId === parent.runId)).toMatchObject({ forkCount: 0, tombstone: expect.objectContaining({ runId: parent.runId }) });
    // With the archived ones listed too, the archived parent is in the list, so its fork nests again.
    expect(ws.runIndex.query({ topLevelOnly: true, nestForks: true, archived: 'include' }).items.map((r) => r.runId).sort()).toEqual([fork.runId, archivedParent.runId].sort());
  });
});
