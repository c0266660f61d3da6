import { describe, expect, it } from 'vitest';
import { WorkflowSpec } from '../core/spec';
import { Runtime } from '../core/runtime';
import { type RunState } from '../core/models';
import { ManualClock, formatIsoTimestamp } from '../json/timestamp';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { isQueryableRunStore, type RunStore } from '../storage/run-store';
import { createScheduledRuntime } from './scheduled-runtime';
import { Scheduler } from './scheduler';
import { WorkflowRegistry } from './workflow-registry';

const eventWf = new WorkflowSpec({
  workflowId: 'event_wf',
  entryNode: 'wait',
  nodes: {
    wait: () => ({ nodeId: 'wait', effect: { type: 'wait_event', payload: { wait_key: 'evt:go' }, resultKey: 'event_data' }, nextNode: 'done' }),
    done: (r) => ({ nodeId: 'done', completeOutput: { event_data: r.vars['event_data'] ?? null } }),
  },
});

function untilWf(untilIso: () => string): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'until_wf',
    entryNode: 'wait',
    nodes: {
      wait: () => ({ nodeId: 'wait', effect: { type: 'wait_until', payload: { until: untilIso() }, resultKey: 'woke' }, nextNode: 'done' }),
      done: (r) => ({ nodeId: 'done', completeOutput: { woke: r.vars['woke'] ?? null } }),
    },
  });
}

describe('WorkflowRegistry', () => {
  it('registers, looks up, refuses duplicates, unregisters and lists', () => {
    const reg = new WorkflowRegistry();
    reg.register(eventWf);
    expect(reg.get('event_wf')).toBe(eventWf);
    expect(reg.has('event_wf')).toBe(true);
    expect(reg.size).toBe(1);
    expect(() => reg.register(eventWf)).toThrow(expect.objectContaining({ code: 'WORKFLOW_ALREADY_REGISTERED' }));
    expect(reg.getOrRaise('event_wf')).toBe(eventWf);
    expect(() => reg.getOrRaise('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_WORKFLOW' }));
    expect(reg.listIds()).toEqual(['event_wf']);
    reg.unregister('event_wf');
    expect(reg.get('event_wf')).toBeNull();
    expect(reg.has('event_wf')).toBe(false);
    expect(() => reg.unregister('event_wf')).toThrow(expect.objectContaining({ code: 'UNKNOWN_WORKFLOW' }));
  });
});

describe('Scheduler (test_scheduler.py)', () => {
  function setup(clock?: ManualClock) {
    const registry = new WorkflowRegistry();
    const runtime = new Runtime({ runStore: new InMemoryRunStore(), ledgerStore: new InMemoryLedgerStore(), workflowRegistry: registry, clock });
    return { registry, runtime, scheduler: new Scheduler({ runtime, registry, pollIntervalS: 0.05 }) };
  }

  it('requires a queryable run store', () => {
    const plain: RunStore = { save: async () => undefined, load: async () => null };
    expect(isQueryableRunStore(plain)).toBe(false);
    expect(isQueryableRunStore(new InMemoryRunStore())).toBe(true);
    const runtime = new Runtime({ runStore: plain, ledgerStore: new InMemoryLedgerStore() });
    expect(() => new Scheduler({ runtime, registry: new WorkflowRegistry() })).toThrow(expect.objectContaining({ code: 'STORE_NOT_QUERYABLE' }));
  });

  it('starts, refuses to start twice, and stops', async () => {
    const { scheduler } = setup();
    expect(scheduler.isRunning).toBe(false);
    scheduler.start();
    expect(scheduler.isRunning).toBe(true);
    expect(() => scheduler.start()).toThrow(expect.objectContaining({ code: 'SCHEDULER_RUNNING' }));
    await scheduler.stop();
    expect(scheduler.isRunning).toBe(false);
    await scheduler.stop();
  });

  it('pollOnce resumes a due wait_until run; counts cycles', async () => {
    const clock = new ManualClock(Date.UTC(2025, 11, 17, 8, 30) * 1000);
    const { registry, runtime, scheduler } = setup(clock);
    const wf = untilWf(() => formatIsoTimestamp(clock.peekMicros() + 60_000_000));
    registry.register(wf);
    const runId = await runtime.start({ workflow: wf });
    expect((await runtime.tick({ workflow: wf, runId })).status).toBe('waiting');
    expect(scheduler.stats.pollCycles).toBe(0);
    expect(await scheduler.pollOnce()).toBe(0);
    clock.advance(61_000_000);
    expect(await scheduler.pollOnce()).toBe(1);
    const state = await runtime.getState(runId);
    expect(state.status).toBe('completed');
    // Auto-unblock does not write result_key (reference behaviour).
    expect(state.output).toEqual({ woke: null });
    expect(scheduler.stats.pollCycles).toBe(2);
    expect(scheduler.stats.lastPollAt).not.toBeNull();
  });

  it('with a host drive, hands a due wait_until run over instead of ticking it', async () => {
    const clock = new ManualClock(Date.UTC(2025, 11, 17, 8, 30) * 1000);
    const registry = new WorkflowRegistry();
    const runtime = new Runtime({ runStore: new InMemoryRunStore(), ledgerStore: new InMemoryLedgerStore(), workflowRegistry: registry, clock });
    const handed: string[] = [];
    const scheduler = new Scheduler({ runtime, registry, pollIntervalS: 0.05, drive: (id) => void handed.push(id) });
    const wf = untilWf(() => formatIsoTimestamp(clock.peekMicros() + 60_000_000));
    registry.register(wf);
    const runId = await runtime.start({ workflow: wf });
    await runtime.tick({ workflow: wf, runId });
    clock.advance(61_000_000);
    expect(await scheduler.pollOnce()).toBe(1);
    expect(handed).toEqual([runId]);
    // Not one node ran here: the host's tick wakes it, so its breakpoints and pause hold.
    expect(await runtime.getState(runId)).toMatchObject({ status: 'waiting', currentNode: 'wait' });
  });

  it('with a host drive, resumes an event or a parent without running a node and hands it over', async () => {
    const registry = new WorkflowRegistry();
    const runtime = new Runtime({ runStore: new InMemoryRunStore(), ledgerStore: new InMemoryLedgerStore(), workflowRegistry: registry });
    const handed: string[] = [];
    const scheduler = new Scheduler({ runtime, registry, drive: (id) => void handed.push(id) });
    registry.register(eventWf);
    const runId = await runtime.start({ workflow: eventWf });
    await runtime.tick({ workflow: eventWf, runId });
    const resumed = await scheduler.resumeEvent({ runId, waitKey: 'evt:go', payload: { x: 1 } });
    expect(resumed).toMatchObject({ status: 'running', currentNode: 'done' });
    expect(await runtime.getState(runId)).toMatchObject({ status: 'running', currentNode: 'done', vars: { event_data: { x: 1 } } });
    expect(handed).toEqual([runId]);
  });

  it('survives store errors in a poll cycle: recorded, never thrown, and later cycles still run', async () => {
    const { runtime, scheduler } = setup();
    const store = runtime.runStore as InMemoryRunStore;
    const real = store.listDueWaitUntil.bind(store);
    let failures = 0;
    // Fails the due query once and the next-wake query (far-future "now") once.
    const failed = new Set<string>();
    store.listDueWaitUntil = async (q) => {
      const kind = q.nowIso.startsWith('9999') ? 'next-wake' : 'due';
      if (!failed.has(kind)) {
        failed.add(kind);
        failures++;
        throw new Error(`disk on fire (${kind})`);
      }
      return real(q);
    };
    scheduler.start();
    try {
      await expect(scheduler.pollOnce()).resolves.toBe(0);
      await expect(scheduler.pollOnce()).resolves.toBe(0);
      await expect(scheduler.pollOnce()).resolves.toBe(0);
      expect(failures).toBe(2);
      expect(scheduler.stats.errors.filter((e) => e.includes('disk on fire'))).toHaveLength(2);
      expect(scheduler.stats.pollCycles).toBeGreaterThanOrEqual(3);
    } finally {
      await scheduler.stop();
    }
  });

  it('resumes events, checks the wait key and the status', async () => {
    const { registry, runtime, scheduler } = setup();
    registry.register(eventWf);
    const runId = await runtime.start({ workflow: eventWf });
    await runtime.tick({ workflow: eventWf, runId });
    await expect(scheduler.resumeEvent({ runId, waitKey: 'wrong', payload: {} })).rejects.toThrow(/wait_key mismatch/);
    const done = await scheduler.resumeEvent({ runId, waitKey: 'evt:go', payload: { x: 1 } });
    expect(done.output).toEqual({ event_data: { x: 1 } });
    await expect(scheduler.resumeEvent({ runId, waitKey: 'evt:go', payload: {} })).rejects.toThrow(/not waiting/);
  });

  it('finds waiting runs by reason', async () => {
    const { registry, runtime, scheduler } = setup();
    registry.register(eventWf);
    for (let i = 0; i < 2; i++) await runtime.tick({ workflow: eventWf, runId: await runtime.start({ workflow: eventWf }) });
    expect(await scheduler.findWaitingRuns({ waitReason: 'event' })).toHaveLength(2);
    expect(await scheduler.findWaitingRuns({ waitReason: 'user' })).toHaveLength(0);
  });

  it('wakes a wait_until run in the background close to its due time, with callbacks', async () => {
    const resumed: RunState[] = [];
    const failed: string[] = [];
    const wf = untilWf(() => new Date(Date.now() + 100).toISOString().replace('Z', '000+00:00'));
    const sr = createScheduledRuntime({ workflows: [wf], pollIntervalS: 60, onRunResumed: (r) => resumed.push(r), onRunFailed: (id) => failed.push(id) });
    try {
      const [runId, state] = await sr.run(wf);
      expect(state.status).toBe('waiting');
      const t0 = Date.now();
      await expect.poll(async () => (await sr.getState(runId)).status, { timeout: 1000, interval: 5 }).toBe('completed');
      // The reference polls once a second; a one-minute poll interval proves the wake timer did it.
      expect(Date.now() - t0).toBeLessThan(900);
      expect(sr.stats.runsResumed).toBeGreaterThanOrEqual(1);
      expect(resumed.map((r) => r.runId)).toContain(runId);
      expect(failed).toEqual([]);
    } finally {
      await sr.stop();
    }
  });
});

describe('ScheduledRuntime', () => {
  it('is zero-config: auto-starts, runs, responds and completes', async () => {
    const sr = createScheduledRuntime();
    try {
      expect(sr.isRunning).toBe(true);
      const [runId, state] = await sr.run(eventWf);
      expect(state.status).toBe('waiting');
      expect(sr.registry.has('event_wf')).toBe(true);
      const done = await sr.respond(runId, { hello: 'world' });
      expect(done.status).toBe('completed');
      expect(done.output).toEqual({ event_data: { hello: 'world' } });
    } finally {
      await sr.stop();
    }
  });

  it('auto_start false, start registers, tick looks the workflow up, ledger and state', async () => {
    const sr = createScheduledRuntime({ workflows: [eventWf], autoStart: false });
    expect(sr.isRunning).toBe(false);
    expect(sr.registry.has('event_wf')).toBe(true);
    const other = new WorkflowSpec({ workflowId: 'other', entryNode: eventWf.entryNode, nodes: eventWf.nodes });
    const runId = await sr.start({ workflow: other });
    expect(sr.registry.has('other')).toBe(true);
    expect((await sr.tick(runId)).status).toBe('waiting');
    expect((await sr.getState(runId)).runId).toBe(runId);
    expect((await sr.getLedger(runId)).length).toBeGreaterThanOrEqual(1);
    expect((await sr.findWaitingRuns()).map((r) => r.runId)).toEqual([runId]);
    const resumed = await sr.resumeEvent({ runId, waitKey: 'evt:go', payload: { a: 1 } });
    expect(resumed.output).toEqual({ event_data: { a: 1 } });
    sr.startScheduler();
    expect(sr.isRunning).toBe(true);
    await sr.stop();
  });

  it('respond refuses runs that are not waiting or have no wait key', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1) * 1000);
    const wf = untilWf(() => '2099-01-01T00:00:00+00:00');
    const sr = createScheduledRuntime({ autoStart: false, clock });
    const [runId] = await sr.run(wf);
    await expect(sr.respond(runId, {})).rejects.toMatchObject({ code: 'RUN_NOT_WAITING' });
    const [doneId] = await sr.run(new WorkflowSpec({ workflowId: 'x', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', completeOutput: {} }) } }));
    await expect(sr.respond(doneId, {})).rejects.toThrow(/not waiting/);
  });
});
