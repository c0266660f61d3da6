import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, parseIsoTimestamp, Runtime, Scheduler, WorkflowRegistry, WorkflowSpec, type RunState } from '../../../runtime/index';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { type RunStop } from '../../../shared/contract/run-stop';
import { RunDriver, type DriverState, type HeldStop } from './run-driver';
import { settleFinishedChild } from './settle-child';

const T0 = parseIsoTimestamp('2026-01-01T00:00:00+00:00')!;

/** `spin` loops for ever (a pure node, one state save per visit); `timer` waits 2 s, then `woke_up`; `boom` throws. */
const workflows = [
  new WorkflowSpec({
    workflowId: 'spin',
    entryNode: 'spin',
    nodes: { spin: (r) => ((r.vars['i'] = Number(r.vars['i'] ?? 0) + 1), { nodeId: 'spin', nextNode: 'spin' }) },
  }),
  new WorkflowSpec({
    workflowId: 'timer',
    entryNode: 'wait',
    nodes: {
      wait: () => ({ nodeId: 'wait', effect: { type: 'wait_until', payload: { until: '2026-01-01T00:00:02+00:00' } }, nextNode: 'woke_up' }),
      woke_up: () => ({ nodeId: 'woke_up', completeOutput: { woke: true } }),
    },
  }),
  new WorkflowSpec({
    workflowId: 'parent',
    entryNode: 'call',
    nodes: {
      call: () => ({ nodeId: 'call', effect: { type: 'start_subworkflow', payload: { workflow_id: 'child' }, resultKey: 'child' }, nextNode: 'done' }),
      done: (r) => ({ nodeId: 'done', completeOutput: { child: r.vars['child'] ?? null } }),
    },
  }),
  new WorkflowSpec({
    workflowId: 'child',
    entryNode: 'ask',
    nodes: {
      ask: () => ({ nodeId: 'ask', effect: { type: 'wait_event', payload: { wait_key: 'go', resume_to_node: 'end' } } }),
      end: () => ({ nodeId: 'end', completeOutput: { answer: 42 } }),
    },
  }),
  new WorkflowSpec({
    workflowId: 'parent_inline',
    entryNode: 'call',
    nodes: {
      call: () => ({ nodeId: 'call', effect: { type: 'start_subworkflow', payload: { workflow_id: 'long_child' }, resultKey: 'child' }, nextNode: 'done' }),
      done: (r) => ({ nodeId: 'done', completeOutput: { child: r.vars['child'] ?? null } }),
    },
  }),
  new WorkflowSpec({
    workflowId: 'long_child',
    entryNode: 'a',
    nodes: {
      a: (r) => (duringChild?.(r.runId), { nodeId: 'a', nextNode: 'b' }),
      b: () => ({ nodeId: 'b', nextNode: 'c' }),
      c: () => ({ nodeId: 'c', completeOutput: { went: 'a-b-c' } }),
    },
  }),
  new WorkflowSpec({
    workflowId: 'boom',
    entryNode: 'a',
    nodes: {
      a: () => ({ nodeId: 'a', nextNode: 'b' }),
      b: () => {
        throw new Error('node b is broken');
      },
    },
  }),
];

/** What a person does while a child run is being ticked inside its parent's node (its first node calls it). */
let duringChild: ((childId: string) => void) | null = null;
let dir: string;
let ws: SqliteWorkspace;
let clock: ManualClock;
let runtime: Runtime;
let driver: RunDriver;
let errors: Array<{ runId: string; error: unknown }>;
let stops: Array<{ runId: string; stop: RunStop }>;
let leases: number;
const registry = new WorkflowRegistry();
for (const wf of workflows) registry.register(wf);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-driver-'));
  ws = SqliteWorkspace.open(join(dir, 'ws.sqlite'), { create: true });
  leases = 0;
  const acquire = ws.runs.acquireRunLease.bind(ws.runs);
  // Observed, not replaced: every call still takes the store's own lease.
  ws.runs.acquireRunLease = (id: string) => (leases++, acquire(id));
  clock = new ManualClock(T0);
  runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry, clock });
  errors = [];
  stops = [];
  driver = new RunDriver(runtime, registry, { paused: [], breakpoints: {} }, () => undefined, (runId, error) => errors.push({ runId, error }));
  driver.onStop((runId, stop) => stops.push({ runId, stop }));
});

afterEach(async () => {
  await driver.close();
  ws.close();
  rmSync(dir, { recursive: true, force: true });
});

const wf = (id: string) => registry.getOrRaise(id);
const state = (runId: string): Promise<RunState> => runtime.getState(runId);

describe('RunDriver: one drive path', () => {
  it('a timer woken by the scheduler stops at the breakpoint on the node after it, with that stop stated', async () => {
    const scheduler = new Scheduler({ runtime, registry, isHeld: (id) => driver.isPaused(id), drive: (id) => driver.kick(id) });
    const runId = await runtime.start({ workflow: wf('timer') });
    driver.setBreakpoint(runId, 'woke_up', true);
    driver.kick(runId);
    await driver.idle();
    expect(driver.stopOf(await state(runId))).toMatchObject({ kind: 'waiting', reason: 'until' });
    clock.advance(3_000_000);
    expect(await scheduler.pollOnce()).toBe(1);
    await driver.idle();
    const held = await state(runId);
    expect(held).toMatchObject({ status: 'running', currentNode: 'woke_up' });
    expect(driver.stopOf(held)).toEqual({ kind: 'breakpoint', node: 'woke_up' });
    expect(driver.isPaused(runId)).toBe(true);
    // What the Studio keeps beside the workspace: after a restart the run still says which breakpoint held it.
    const afterRestart = new RunDriver(runtime, registry, JSON.parse(JSON.stringify(driver.snapshot())) as DriverState, () => undefined, () => undefined);
    expect(afterRestart.stopOf(held)).toEqual({ kind: 'breakpoint', node: 'woke_up' });
    driver.continue(runId);
    await driver.idle();
    expect(driver.stopOf(await state(runId))).toEqual({ kind: 'finished', status: 'completed' });
    expect(driver.snapshot().heldStops).toEqual({});
  });

  it('a stepped run still says which node its Step ran after a restart', async () => {
    const runId = await runtime.start({ workflow: wf('spin') });
    driver.pause(runId);
    await driver.step(runId);
    const stop = driver.stopOf(await state(runId));
    expect(stop).toMatchObject({ kind: 'stepped' });
    const afterRestart = new RunDriver(runtime, registry, JSON.parse(JSON.stringify(driver.snapshot())) as DriverState, () => undefined, () => undefined);
    expect(afterRestart.stopOf(await state(runId))).toEqual(stop);
    // A sidecar written before this field, or with a damaged entry, says plain "paused".
    const older = new RunDriver(runtime, registry, { paused: [runId], breakpoints: {}, heldStops: { [runId]: { kind: 'breakpoint' } as unknown as HeldStop } }, () => undefined, () => undefined);
    expect(older.stopOf(await state(runId))).toEqual({ kind: 'paused' });
  });

  it('a child ticked inside its parent\'s node obeys its own Pause and breakpoints; the parent waits on it, and both end on Continue', async () => {
    const inline = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry, clock, childStop: (c) => driver.holdsChild(c) });
    const scheduler = new Scheduler({ runtime: inline, registry, isHeld: (id) => driver.isPaused(id), drive: (id) => driver.kick(id) });
    driver = new RunDriver(inline, registry, { paused: [], breakpoints: {} }, () => undefined, (runId, error) => errors.push({ runId, error }), { settle: settleFinishedChild(scheduler, ws.runs) });
    driver.onStop((runId, stop) => stops.push({ runId, stop }));
    scheduler.start();
    try {
      for (const [how, expected] of [
        ['pause', { kind: 'paused' }],
        ['breakpoint', { kind: 'breakpoint', node: 'c' }],
      ] as const) {
        // The person acts on the child while it runs (its first node): Pause, or a breakpoint on c.
        duringChild = (id) => (how === 'pause' ? driver.pause(id) : driver.setBreakpoint(id, 'c', true));
        const parentId = await inline.start({ workflow: wf('parent_inline') });
        driver.kick(parentId);
        await driver.idle();
        duringChild = null;
        const parent = await state(parentId);
        expect(parent, how).toMatchObject({ status: 'waiting', waiting: { reason: 'subworkflow', details: { sub_waiting: { held: true } } } });
        const childId = String(parent.waiting?.details?.['sub_run_id']);
        const child = await state(childId);
        expect(child, how).toMatchObject({ status: 'running', currentNode: how === 'pause' ? 'b' : 'c' });
        expect(driver.stopOf(child), how).toEqual(expected);
        expect(stops.filter((s) => s.runId === childId).at(-1), how).toEqual({ runId: childId, stop: expected });
        driver.continue(childId);
        await driver.idle();
        expect(await state(childId), how).toMatchObject({ status: 'completed', output: { went: 'a-b-c' } });
        for (let i = 0; i < 100 && (await state(parentId)).status !== 'completed'; i++) {
          await new Promise((r) => setTimeout(r, 20)); // the Scheduler resumes the parent after the child's commit
          await driver.idle();
        }
        expect(await state(parentId), how).toMatchObject({ status: 'completed', output: { child: { sub_run_id: childId, output: { went: 'a-b-c' } } } });
      }
    } finally {
      duringChild = null;
      await scheduler.stop();
    }
  });

  it('a parent held while its child completed goes on when continued (the Scheduler left it alone)', async () => {
    const scheduler = new Scheduler({ runtime, registry, isHeld: (id) => driver.isPaused(id), drive: (id) => driver.kick(id) });
    driver = new RunDriver(runtime, registry, { paused: [], breakpoints: {} }, () => undefined, (runId, error) => errors.push({ runId, error }), { settle: settleFinishedChild(scheduler, ws.runs) });
    scheduler.start();
    try {
      const parentId = await runtime.start({ workflow: wf('parent') });
      driver.kick(parentId);
      await driver.idle();
      const waiting = await state(parentId);
      expect(waiting.waiting?.reason).toBe('subworkflow');
      const childId = String(waiting.waiting?.details?.['sub_run_id']);
      driver.pause(parentId);
      await driver.resume({ workflow: wf('child'), runId: childId, waitKey: 'go', payload: {}, actorId: null });
      await driver.idle();
      await new Promise((r) => setTimeout(r, 50)); // the Scheduler's parent resume runs after the child's commit
      expect((await state(childId)).status).toBe('completed');
      expect((await state(parentId)).status).toBe('waiting'); // held: nobody moved it
      driver.continue(parentId);
      await driver.idle();
      expect(await state(parentId)).toMatchObject({ status: 'completed', output: { child: { sub_run_id: childId, output: { answer: 42 } } } });
    } finally {
      await scheduler.stop();
    }
  });

  it('a Step aimed at a state the run has left is refused with RUN_MOVED_ON and runs nothing', async () => {
    const runId = await runtime.start({ workflow: wf('spin') });
    driver.pause(runId);
    const seen = await state(runId);
    await driver.step(runId, { currentNode: seen.currentNode, updatedAt: seen.updatedAt });
    const now = await state(runId);
    expect(now.vars['i']).toBe(1);
    // The same node, a later state: the person saw the run before the first step.
    await expect(driver.step(runId, { currentNode: seen.currentNode, updatedAt: seen.updatedAt })).rejects.toMatchObject({ code: 'RUN_MOVED_ON' });
    expect((await state(runId)).vars['i']).toBe(1);
    expect(driver.stopOf(await state(runId))).toEqual({ kind: 'stepped', node: 'spin' });
  });

  it('a pause during a long drive stops it before its next node; the whole drive took one lease', async () => {
    const runId = await runtime.start({ workflow: wf('spin') });
    leases = 0;
    driver.kick(runId);
    // The drive yields to the event loop every few ms while it keeps the run: the timer gets in.
    setTimeout(() => driver.pause(runId), 80);
    await driver.idle();
    const after = await state(runId);
    expect(after.status).toBe('running');
    expect(Number(after.vars['i'])).toBeGreaterThan(10);
    expect(driver.stopOf(after)).toEqual({ kind: 'paused' });
    expect(leases).toBe(1);
  });

  it('a cancel during a long drive waits for the drive to stand still, then cancels', async () => {
    const runId = await runtime.start({ workflow: wf('spin') });
    driver.kick(runId);
    await new Promise((r) => setTimeout(r, 50));
    const [cancelled] = await driver.whileHalted(async () => [await runtime.cancelRun(runId, { reason: 'enough' })]);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'enough' });
    await driver.idle();
    expect(driver.stopOf(await state(runId))).toEqual({ kind: 'finished', status: 'cancelled' });
  });

  it('a node that throws ends the drive with an error stop and reports it, the run left where it was', async () => {
    const runId = await runtime.start({ workflow: wf('boom') });
    driver.kick(runId);
    await driver.idle();
    const after = await state(runId);
    expect(after).toMatchObject({ status: 'running', currentNode: 'b' });
    expect(driver.stopOf(after)).toEqual({ kind: 'error', message: 'node b is broken' });
    expect(errors).toEqual([{ runId, error: expect.objectContaining({ message: 'node b is broken' }) }]);
    expect(stops.at(-1)).toEqual({ runId, stop: { kind: 'error', message: 'node b is broken' } });
  });

  it('a restored run is held, says so, and moves only on Continue', async () => {
    const runId = await runtime.start({ workflow: wf('spin') });
    const start = await state(runId);
    driver.pause(runId);
    await driver.step(runId);
    await driver.step(runId);
    const restored = await driver.restore(runId, start, { actorId: null, origin: { snapshot_id: 's1' } });
    expect(restored.vars['i']).toBeUndefined();
    driver.kick(runId); // a wake-up or a start would not move it either
    await driver.idle();
    expect((await state(runId)).vars['i']).toBeUndefined();
    expect(driver.stopOf(await state(runId))).toEqual({ kind: 'held_after_restore' });
    expect(stops.at(-1)).toEqual({ runId, stop: { kind: 'held_after_restore' } });
    // What the Studio keeps beside the workspace: after a restart the run still says why it is held.
    const afterRestart = new RunDriver(runtime, registry, driver.snapshot(), () => undefined, () => undefined);
    expect(afterRestart.stopOf(await state(runId))).toEqual({ kind: 'held_after_restore' });
    driver.continue(runId);
    expect(driver.snapshot().heldAfterRestore).toEqual([]);
    driver.pause(runId);
  });
});
