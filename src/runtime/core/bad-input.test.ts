import { describe, expect, it } from 'vitest';
import { WorkflowSpec } from './spec';
import { EffectOutcome } from './outcome';
import { type JsonObject } from '../json/json-value';
import { memoryRuntime } from '../testing/test-workflows';

/** Every bad input gets a typed error with a stable code, and the stored run stays as it was. */
const waitWf = new WorkflowSpec({
  workflowId: 'w',
  entryNode: 'a',
  nodes: {
    a: () => ({ nodeId: 'a', effect: { type: 'wait_event', payload: { wait_key: 'k' }, resultKey: 'r' }, nextNode: 'b' }),
    b: () => ({ nodeId: 'b', completeOutput: {} }),
  },
});

describe('bad input', () => {
  it('unknown run ids', async () => {
    const { runtime } = memoryRuntime();
    for (const call of [
      () => runtime.getState('nope'),
      () => runtime.tick({ workflow: waitWf, runId: 'nope' }),
      () => runtime.resume({ workflow: waitWf, runId: 'nope', waitKey: null, payload: {} }),
      () => runtime.cancelRun('nope'),
      () => runtime.updateLimits('nope', {}),
      () => runtime.getLimitStatus('nope'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'UNKNOWN_RUN', message: 'Unknown run_id: nope' });
    }
  });

  it('an unknown node propagates and leaves the run as saved', async () => {
    const wf = new WorkflowSpec({ workflowId: 'x', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', nextNode: 'ghost' }) } });
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    await expect(runtime.tick({ workflow: wf, runId })).rejects.toMatchObject({ code: 'UNKNOWN_NODE', message: "Unknown node_id 'ghost' in workflow 'x'" });
    expect(await runtime.getState(runId)).toMatchObject({ status: 'running', currentNode: 'ghost' });
  });

  it('a node with neither effect nor next node', async () => {
    const wf = new WorkflowSpec({ workflowId: 'x', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a' }) } });
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    const before = await runtime.getState(runId);
    await expect(runtime.tick({ workflow: wf, runId })).rejects.toMatchObject({ code: 'INVALID_STEP_PLAN', message: "Node 'a' returned no effect and no next_node" });
    expect(await runtime.getState(runId)).toEqual(before);
  });

  it('an effect without a next node keeps its ledger records but not the state', async () => {
    const wf = new WorkflowSpec({ workflowId: 'x', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { p: 1 }, resultKey: 'r' } }) } });
    const { runtime, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: () => EffectOutcome.completed({ ok: 1 }) } });
    const runId = await runtime.start({ workflow: wf });
    await expect(runtime.tick({ workflow: wf, runId })).rejects.toMatchObject({ code: 'INVALID_STEP_PLAN', message: "Node 'a' executed effect but did not specify next_node" });
    expect((await runtime.getState(runId)).vars['r']).toBeUndefined();
    expect((await ledgerStore.list(runId)).map((r) => r.status)).toEqual(['started', 'completed']);
  });

  it('a wrong wait key, and resuming a run that is not waiting', async () => {
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: waitWf });
    await expect(runtime.resume({ workflow: waitWf, runId, waitKey: 'k', payload: {} })).rejects.toMatchObject({ code: 'RUN_NOT_WAITING', message: 'Run is not waiting' });
    await runtime.tick({ workflow: waitWf, runId });
    const before = await runtime.getState(runId);
    await expect(runtime.resume({ workflow: waitWf, runId, waitKey: 'other', payload: {} })).rejects.toMatchObject({
      code: 'WAIT_KEY_MISMATCH',
      message: "wait_key mismatch: expected 'k', got 'other'",
    });
    expect(await runtime.getState(runId)).toEqual(before);
  });

  it('payloads that are not JSON-serialisable', async () => {
    const { runtime } = memoryRuntime();
    const bad: unknown[] = [{ f: () => 1 }, { d: new Date() }, { n: Number.NaN }, { u: undefined }, { m: new Map() }];
    for (const vars of bad) {
      await expect(runtime.start({ workflow: waitWf, vars: vars as JsonObject })).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });
    }
    const cyclic: JsonObject = {};
    cyclic['self'] = cyclic;
    await expect(runtime.start({ workflow: waitWf, vars: cyclic })).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });

    const runId = await runtime.start({ workflow: waitWf });
    await runtime.tick({ workflow: waitWf, runId });
    const before = await runtime.getState(runId);
    await expect(runtime.resume({ workflow: waitWf, runId, waitKey: 'k', payload: { when: new Date() } as unknown as JsonObject })).rejects.toMatchObject({
      code: 'NOT_JSON_SERIALIZABLE',
      message: expect.stringContaining('$.when'),
    });
    expect(await runtime.getState(runId)).toEqual(before);
  });

  it('a node that puts a non-JSON value in vars or its plan fails before anything is saved', async () => {
    const wf = new WorkflowSpec({
      workflowId: 'x',
      entryNode: 'a',
      nodes: {
        a: (run) => {
          (run.vars as Record<string, unknown>)['when'] = new Date();
          return { nodeId: 'a', nextNode: 'a' };
        },
      },
    });
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    const before = await runtime.getState(runId);
    await expect(runtime.tick({ workflow: wf, runId })).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });
    expect(await runtime.getState(runId)).toEqual(before);
  });

  it('a handler result that is not JSON fails the effect with a clear message', async () => {
    const wf = new WorkflowSpec({ workflowId: 'x', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: {} }, nextNode: 'a' }) } });
    const { runtime } = memoryRuntime({ effectHandlers: { llm_call: () => EffectOutcome.completed({ at: new Date() } as unknown as JsonObject) } });
    const s = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(s.status).toBe('failed');
    expect(s.error).toContain('not JSON-serialisable');
  });
});
