import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../runtime/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { makeRun } from '../../runtime/storage/testing/store-contract';
import { RunVisitReader } from './run-visit-reader';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(): { path: string; ws: SqliteWorkspace } {
  const dir = mkdtempSync(join(tmpdir(), 'visits-'));
  dirs.push(dir);
  const path = join(dir, 'w.studio.sqlite');
  return { path, ws: SqliteWorkspace.open(path) };
}

async function walk(ws: SqliteWorkspace, run: ReturnType<typeof makeRun>, nodes: string[]): Promise<void> {
  for (const n of nodes) {
    run.currentNode = n;
    await ws.runs.save(run);
  }
}

describe('RunVisitReader', () => {
  it('counts a restore as a visit of the node the run is put back at, never as a transition the workflow took', async () => {
    const { ws } = workspace();
    const run = makeRun();
    await walk(ws, run, ['start', 'end']);
    const atStart = { ...run, currentNode: 'start' };
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    await runtime.restoreState(run.runId, atStart, { origin: { snapshot_id: 's1' } });
    const visits = await new RunVisitReader().read(ws, run.runId, ws.externalChangeCounter());
    expect(visits.transitions).toEqual([{ from: 'start', to: 'end', count: 1 }]); // no end -> start edge
    expect(visits.visits).toEqual([
      { nodeId: 'start', count: 2 },
      { nodeId: 'end', count: 1 },
    ]);
    // After the restore the run steps on as usual: start -> end again is a transition.
    await walk(ws, { ...atStart }, ['end']);
    const after = await new RunVisitReader().read(ws, run.runId, ws.externalChangeCounter());
    expect(after.transitions).toEqual([{ from: 'start', to: 'end', count: 2 }]);
    ws.close();
  });

  it('carries a count on as the run grows, and agrees with a count read from the start', async () => {
    const { ws } = workspace();
    const run = makeRun();
    const reader = new RunVisitReader();
    await walk(ws, run, ['a', 'b', 'a']);
    expect((await reader.read(ws, run.runId, ws.externalChangeCounter())).states).toBe(3);
    await walk(ws, run, ['b', 'c', 'c']);
    const carried = await reader.read(ws, run.runId, ws.externalChangeCounter());
    expect(carried).toEqual(await new RunVisitReader().read(ws, run.runId, ws.externalChangeCounter()));
    expect(carried.visits).toEqual([
      { nodeId: 'a', count: 2 },
      { nodeId: 'b', count: 2 },
      { nodeId: 'c', count: 1 },
    ]);
    ws.close();
  });

  it('counts each state once when two reads overlap', async () => {
    const { ws } = workspace();
    const run = makeRun();
    await walk(ws, run, ['a', 'b', 'c']);
    const reader = new RunVisitReader();
    const [one, two] = await Promise.all([reader.read(ws, run.runId, null), reader.read(ws, run.runId, null)]);
    expect(one.states).toBe(3);
    expect(two.states).toBe(3);
  });

  it('starts over when someone else changed the file', async () => {
    const { path, ws } = workspace();
    const run = makeRun();
    await walk(ws, run, ['a', 'b']);
    const reader = new RunVisitReader();
    const before = ws.externalChangeCounter();
    await reader.read(ws, run.runId, before);
    const other = SqliteWorkspace.open(path);
    await walk(other, run, ['c']);
    other.close();
    const changes = ws.externalChangeCounter();
    expect(changes).not.toBe(before);
    expect(await reader.read(ws, run.runId, changes)).toEqual(await new RunVisitReader().read(ws, run.runId, changes));
    ws.close();
  });
});
