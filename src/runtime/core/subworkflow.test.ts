import { describe, expect, it } from 'vitest';
import { WorkflowSpec } from './spec';
import { WorkflowRegistry } from '../scheduler/workflow-registry';
import { createScheduledRuntime } from '../scheduler/scheduled-runtime';
import { memoryRuntime } from '../testing/test-workflows';
import { type JsonObject } from '../json/json-value';

const simpleChild = new WorkflowSpec({
  workflowId: 'simple_child',
  entryNode: 'run',
  nodes: { run: (r) => ({ nodeId: 'run', completeOutput: { result: 'child done', received_input: r.vars['input'] ?? null } }) },
});

const askingChild = new WorkflowSpec({
  workflowId: 'asking_child',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: 'ask_user', payload: { prompt: 'Child question?', wait_key: 'child_prompt' }, resultKey: 'answer' }, nextNode: 'done' }),
    done: (r) => ({ nodeId: 'done', completeOutput: { answer: r.vars['answer'] ?? null } }),
  },
});

const failingChild = new WorkflowSpec({
  workflowId: 'failing_child',
  entryNode: 'boom',
  nodes: {
    boom: () => {
      throw new Error('child exploded');
    },
  },
});

function parent(childId: string, extra: JsonObject = {}, id = 'parent'): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: id,
    entryNode: 'call',
    nodes: {
      call: () => ({ nodeId: 'call', effect: { type: 'start_subworkflow', payload: { workflow_id: childId, vars: { input: 'hello' }, ...extra }, resultKey: 'child_result' }, nextNode: 'done' }),
      done: (r) => ({ nodeId: 'done', completeOutput: { child_result: r.vars['child_result'] ?? null } }),
    },
  });
}

function setup(...specs: WorkflowSpec[]) {
  const registry = new WorkflowRegistry();
  for (const s of specs) registry.register(s);
  return { ...memoryRuntime({ workflowRegistry: registry }), registry };
}

describe('start_subworkflow (test_subworkflow.py)', () => {
  it('sync: the child completes inside the parent effect', async () => {
    const wf = parent('simple_child');
    const { runtime } = setup(simpleChild, wf);
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('completed');
    const cr = state.output!['child_result'] as JsonObject;
    expect(cr['output']).toEqual({ result: 'child done', received_input: 'hello' });
    expect(typeof cr['sub_run_id']).toBe('string');
  });

  it('sync: a waiting child makes the parent wait on it', async () => {
    const wf = parent('asking_child');
    const { runtime } = setup(askingChild, wf);
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('waiting');
    expect(state.waiting!.reason).toBe('subworkflow');
    const d = state.waiting!.details!;
    expect(state.waiting!.waitKey).toBe(`subworkflow:${d['sub_run_id']}`);
    expect(d['sub_workflow_id']).toBe('asking_child');
    expect(d['sub_waiting']).toEqual({ reason: 'user', wait_key: 'child_prompt' });
  });

  it('sync: a failing child fails the parent with the child id and the error', async () => {
    const wf = parent('failing_child');
    const { runtime } = setup(failingChild, wf);
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('failed');
    expect(state.error).toContain('failing_child');
    expect(state.error).toContain('child exploded');
  });

  it('async: the parent continues at once and the child waits to be driven', async () => {
    const wf = parent('asking_child', { async: true });
    const { runtime } = setup(askingChild, wf);
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('completed');
    const cr = state.output!['child_result'] as JsonObject;
    expect(cr['async']).toBe(true);
    const childId = cr['sub_run_id'] as string;
    expect((await runtime.getState(childId)).status).toBe('running');
    expect((await runtime.tick({ workflow: askingChild, runId: childId })).status).toBe('waiting');
  });

  it('nests three levels, outputs nested under .output', async () => {
    const middle = parent('simple_child', {}, 'middle');
    const top = parent('middle', {}, 'top');
    const { runtime } = setup(simpleChild, middle, top);
    const state = await runtime.tick({ workflow: top, runId: await runtime.start({ workflow: top }) });
    expect(state.status).toBe('completed');
    const mid = (state.output!['child_result'] as JsonObject)['output'] as JsonObject;
    const leaf = (mid['child_result'] as JsonObject)['output'] as JsonObject;
    expect(leaf['result']).toBe('child done');
  });

  it('fails clearly without a registry, with an unknown workflow, or without a workflow id', async () => {
    const noRegistry = memoryRuntime();
    const wf = parent('simple_child');
    const s1 = await noRegistry.runtime.tick({ workflow: wf, runId: await noRegistry.runtime.start({ workflow: wf }) });
    expect(s1.status).toBe('failed');
    expect(s1.error).toContain('workflow_registry');

    const unknown = parent('nope');
    const { runtime } = setup(unknown);
    const s2 = await runtime.tick({ workflow: unknown, runId: await runtime.start({ workflow: unknown }) });
    expect(s2.status).toBe('failed');
    expect(s2.error).toContain("'nope' not found");

    const noId = new WorkflowSpec({
      workflowId: 'no_id',
      entryNode: 'call',
      nodes: { call: () => ({ nodeId: 'call', effect: { type: 'start_subworkflow', payload: {} }, nextNode: 'call' }) },
    });
    const s3 = await runtime.tick({ workflow: noId, runId: await runtime.start({ workflow: noId }) });
    expect(s3.error).toContain('workflow_id');
  });

  it('records the parent on the child and lists children', async () => {
    const wf = parent('simple_child');
    const { runtime, runStore } = setup(simpleChild, wf);
    const runId = await runtime.start({ workflow: wf });
    const state = await runtime.tick({ workflow: wf, runId });
    const childId = (state.output!['child_result'] as JsonObject)['sub_run_id'] as string;
    expect((await runtime.getState(childId)).parentRunId).toBe(runId);
    const children = await runStore.listChildren({ parentRunId: runId });
    expect(children.map((c) => c.workflowId)).toEqual(['simple_child']);
  });
});

describe('subworkflows with the scheduled runtime', () => {
  it('runs a parent through the registry', async () => {
    const wf = parent('simple_child');
    const sr = createScheduledRuntime({ workflows: [simpleChild], autoStart: false });
    const [, state] = await sr.run(wf);
    expect(state.status).toBe('completed');
  });

  it('resumes the child by hand, then the parent with the child output', async () => {
    const wf = parent('asking_child');
    const sr = createScheduledRuntime({ workflows: [askingChild], autoStart: false });
    const [parentId, waiting] = await sr.run(wf);
    const childId = waiting.waiting!.details!['sub_run_id'] as string;
    const child = await sr.resumeEvent({ runId: childId, waitKey: 'child_prompt', payload: { response: 'yes' } });
    expect(child.status).toBe('completed');
    const done = await sr.resumeEvent({ runId: parentId, waitKey: waiting.waiting!.waitKey, payload: child.output! });
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ child_result: { answer: { response: 'yes' } } });
  });

  it('resumeSubworkflowParent completes the parent', async () => {
    const wf = parent('asking_child');
    const sr = createScheduledRuntime({ workflows: [askingChild], autoStart: false });
    const [parentId, waiting] = await sr.run(wf);
    const childId = waiting.waiting!.details!['sub_run_id'] as string;
    const child = await sr.resumeEvent({ runId: childId, waitKey: 'child_prompt', payload: { response: 'ok' } });
    const resumed = await sr.resumeSubworkflowParent({ childRunId: childId, childOutput: child.output });
    expect(resumed!.runId).toBe(parentId);
    expect(resumed!.status).toBe('completed');
    expect(resumed!.output).toEqual({ child_result: { sub_run_id: childId, output: { answer: { response: 'ok' } } } });
    expect(await sr.resumeSubworkflowParent({ childRunId: 'unknown', childOutput: null })).toBeNull();
  });

  it('a running scheduler resumes the waiting parent when its child completes', async () => {
    const wf = parent('asking_child');
    const sr = createScheduledRuntime({ workflows: [askingChild], autoStart: true, pollIntervalS: 60 });
    try {
      const [parentId, waiting] = await sr.run(wf);
      const childId = waiting.waiting!.details!['sub_run_id'] as string;
      await sr.respond(childId, { response: 'auto' });
      await expect.poll(async () => (await sr.getState(parentId)).status, { timeout: 2000 }).toBe('completed');
      expect((await sr.getState(parentId)).output).toEqual({ child_result: { sub_run_id: childId, output: { answer: { response: 'auto' } } } });
    } finally {
      await sr.stop();
    }
  });
});

describe('auto-resume races', () => {
  it('a parent resumed by hand just as its child completes ends completed, with no scheduler error', async () => {
    const wf = parent('asking_child');
    const sr = createScheduledRuntime({ workflows: [askingChild], autoStart: true, pollIntervalS: 60 });
    try {
      for (let i = 0; i < 5; i++) {
        const [parentId, waiting] = await sr.run(wf);
        const childId = waiting.waiting!.details!['sub_run_id'] as string;
        const child = await sr.respond(childId, { response: 'x' });
        // The host resumes the parent itself, racing the scheduler's own resume of it.
        const byHand = sr.resumeEvent({ runId: parentId, waitKey: waiting.waiting!.waitKey, payload: { sub_run_id: childId, output: child.output } });
        await expect(byHand).resolves.toMatchObject({ status: 'completed' });
        await new Promise((r) => setTimeout(r, 20));
        expect((await sr.getState(parentId)).status).toBe('completed');
      }
      expect(sr.stats.errors).toEqual([]);
    } finally {
      await sr.stop();
    }
  });
});

describe('cancellation', () => {
  const waitWf = new WorkflowSpec({
    workflowId: 'waiter',
    entryNode: 'w',
    nodes: { w: () => ({ nodeId: 'w', effect: { type: 'wait_event', payload: { wait_key: 'evt' } }, nextNode: 'w' }) },
  });

  it('cancels running and waiting runs, leaves finished ones alone, and records who cancelled', async () => {
    const { runtime, ledgerStore } = memoryRuntime();
    const running = await runtime.start({ workflow: waitWf });
    const c1 = await runtime.cancelRun(running, { reason: 'user stop', actorId: 'ar_human' });
    expect(c1).toMatchObject({ status: 'cancelled', error: 'user stop' });
    const ledger = await ledgerStore.list(running);
    expect(ledger.at(-1)).toMatchObject({ actorId: 'ar_human', result: { cancelled: { reason: 'user stop', previous_status: 'running' } } });

    const waiting = await runtime.start({ workflow: waitWf });
    await runtime.tick({ workflow: waitWf, runId: waiting });
    const c2 = await runtime.cancelRun(waiting);
    expect(c2).toMatchObject({ status: 'cancelled', error: 'Cancelled', waiting: null });

    const done = simpleChild;
    const finished = await runtime.start({ workflow: done });
    await runtime.tick({ workflow: done, runId: finished });
    expect((await runtime.cancelRun(finished)).status).toBe('completed');
    await expect(runtime.cancelRun('missing')).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
  });

  it('a cancelled run stays cancelled when ticked (the reference ran it on)', async () => {
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: simpleChild });
    await runtime.cancelRun(runId);
    const state = await runtime.tick({ workflow: simpleChild, runId });
    expect(state.status).toBe('cancelled');
  });

  it('cancelWithChildren cancels a parent and its descendants', async () => {
    const mid = parent('asking_child', {}, 'middle');
    const top = parent('middle', {}, 'top');
    const sr = createScheduledRuntime({ workflows: [askingChild, mid], autoStart: false });
    const [topId, state] = await sr.run(top);
    expect(state.status).toBe('waiting');
    const cancelled = await sr.cancelWithChildren(topId, { reason: 'stop all' });
    expect(cancelled).toHaveLength(3);
    for (const r of cancelled) expect(r.status).toBe('cancelled');
  });
});
