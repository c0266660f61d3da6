import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, parseIsoTimestamp } from '../json/timestamp';
import { SqliteWorkspace } from '../storage/sqlite/index';
import { memoryRuntime } from '../testing/test-workflows';
import { Runtime } from './runtime';
import { WorkflowSpec } from './spec';

/** a → b → c → done, counting which nodes ran. */
function countingWf(ran: string[]): WorkflowSpec {
  const node = (id: string, next: string) => () => (ran.push(id), { nodeId: id, nextNode: next });
  return new WorkflowSpec({
    workflowId: 'counting',
    entryNode: 'a',
    nodes: { a: node('a', 'b'), b: node('b', 'c'), c: node('c', 'done'), done: () => (ran.push('done'), { nodeId: 'done', completeOutput: { ok: true } }) },
  });
}

const T0 = parseIsoTimestamp('2026-01-01T00:00:00+00:00')!;
const timerWf = new WorkflowSpec({
  workflowId: 'timer',
  entryNode: 'wait',
  nodes: {
    wait: () => ({ nodeId: 'wait', effect: { type: 'wait_until', payload: { until: '2026-01-01T00:00:02+00:00' } }, nextNode: 'woke_up' }),
    woke_up: () => ({ nodeId: 'woke_up', completeOutput: { woke: true } }),
  },
});

describe('tick with a stop predicate', () => {
  it('stops exactly before the node the predicate names, without running it, and saves where it stands', async () => {
    const ran: string[] = [];
    const wf = countingWf(ran);
    const { runtime, runStore } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    const asked: string[] = [];
    const stopped = await runtime.tick({ workflow: wf, runId, shouldStop: (r) => (asked.push(r.currentNode), r.currentNode === 'c') });
    expect(ran).toEqual(['a', 'b']);
    expect(asked).toEqual(['a', 'b', 'c']);
    expect(stopped).toMatchObject({ status: 'running', currentNode: 'c' });
    expect(await runStore.load(runId)).toMatchObject({ status: 'running', currentNode: 'c' });
    const done = await runtime.tick({ workflow: wf, runId });
    expect(done.status).toBe('completed');
    expect(ran).toEqual(['a', 'b', 'c', 'done']);
  });

  it('asks before the first node too: a predicate true at once runs nothing', async () => {
    const ran: string[] = [];
    const wf = countingWf(ran);
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    const same = await runtime.tick({ workflow: wf, runId, shouldStop: () => true });
    expect(ran).toEqual([]);
    expect(same.currentNode).toBe('a');
  });

  it('still ends at maxSteps and at a wait, whatever the predicate says', async () => {
    const ran: string[] = [];
    const wf = countingWf(ran);
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    expect((await runtime.tick({ workflow: wf, runId, maxSteps: 2, shouldStop: () => false })).currentNode).toBe('c');
    const clock = new ManualClock(T0);
    const t = memoryRuntime({ clock });
    const timerRun = await t.runtime.start({ workflow: timerWf });
    expect((await t.runtime.tick({ workflow: timerWf, runId: timerRun, shouldStop: () => false })).status).toBe('waiting');
  });

  it('accepts a promise, so a host can yield between nodes while it keeps the run', async () => {
    const ran: string[] = [];
    const wf = countingWf(ran);
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    let yields = 0;
    const done = await runtime.tick({ workflow: wf, runId, shouldStop: () => new Promise<boolean>((r) => setImmediate(() => (yields++, r(false)))) });
    expect(done.status).toBe('completed');
    expect(yields).toBe(4);
  });

  it('a due wait_until stopped before its resume node is saved woken, at that node (not lost, not run)', async () => {
    const clock = new ManualClock(T0);
    const { runtime, runStore } = memoryRuntime({ clock });
    const runId = await runtime.start({ workflow: timerWf });
    expect((await runtime.tick({ workflow: timerWf, runId })).status).toBe('waiting');
    clock.advance(3_000_000);
    const held = await runtime.tick({ workflow: timerWf, runId, shouldStop: (r) => r.currentNode === 'woke_up' });
    expect(held).toMatchObject({ status: 'running', currentNode: 'woke_up', waiting: null });
    expect(await runStore.load(runId)).toMatchObject({ status: 'running', currentNode: 'woke_up', waiting: null });
  });

  it('the predicate sees resume too: a resumed run stops before the node named', async () => {
    const wf = new WorkflowSpec({
      workflowId: 'ask',
      entryNode: 'ask',
      nodes: {
        ask: () => ({ nodeId: 'ask', effect: { type: 'wait_event', payload: { wait_key: 'go', resume_to_node: 'after' } } }),
        after: () => ({ nodeId: 'after', nextNode: 'end' }),
        end: () => ({ nodeId: 'end', completeOutput: {} }),
      },
    });
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    await runtime.tick({ workflow: wf, runId });
    const r = await runtime.resume({ workflow: wf, runId, waitKey: 'go', payload: {}, shouldStop: (s) => s.currentNode === 'end' });
    expect(r).toMatchObject({ status: 'running', currentNode: 'end' });
  });
});

describe('tick over a leasing store', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('takes the run lease once for a whole tick of many nodes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tick-stop-'));
    const ws = SqliteWorkspace.open(join(dir, 'ws.sqlite'), { create: true });
    try {
      const leases: string[] = [];
      const acquire = ws.runs.acquireRunLease.bind(ws.runs);
      // Observe (not replace) the store's own lease: every call still goes to it.
      ws.runs.acquireRunLease = (id: string) => (leases.push(id), acquire(id));
      const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
      const ran: string[] = [];
      const wf = countingWf(ran);
      const runId = await runtime.start({ workflow: wf });
      const done = await runtime.tick({ workflow: wf, runId, shouldStop: () => false });
      expect(done.status).toBe('completed');
      expect(ran).toEqual(['a', 'b', 'c', 'done']);
      expect(leases).toEqual([runId]);
    } finally {
      ws.close();
    }
  });
});
