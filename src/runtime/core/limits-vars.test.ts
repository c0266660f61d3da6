import { describe, expect, it } from 'vitest';
import { RuntimeConfig } from './config';
import { checkLimits } from './limits';
import { clearTemp, defaultLimits, ensureLimits, ensureNamespaces, getNested, getScratchpad, setNested } from './vars';
import { type JsonObject } from '../json/json-value';
import { actorFingerprint } from '../identity/actor-fingerprint';
import { memoryRuntime } from '../testing/test-workflows';
import { WorkflowSpec } from './spec';
import { type RunState } from './models';

const wf = new WorkflowSpec({ workflowId: 'l', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', completeOutput: {} }) } });

describe('limits (reference §4)', () => {
  it('config seeds _limits; max_tokens falls back to the model, then 32768', () => {
    expect(new RuntimeConfig().toLimitsDict()).toEqual({
      max_iterations: 25, current_iteration: 0, max_tokens: 32768, max_output_tokens: null, estimated_tokens_used: 0, max_history_messages: -1, warn_iterations_pct: 80, warn_tokens_pct: 80,
    });
    expect(new RuntimeConfig().withCapabilities({ max_tokens: 8192 }).toLimitsDict()['max_tokens']).toBe(8192);
    expect(new RuntimeConfig({ maxTokens: 1000, modelCapabilities: { max_tokens: 8192 } }).toLimitsDict()['max_tokens']).toBe(1000);
  });

  it('reports status, warns and flags exceeded limits; updates only known keys', async () => {
    const { runtime } = memoryRuntime({ config: new RuntimeConfig({ maxIterations: 10 }) });
    const runId = await runtime.start({ workflow: wf });
    await runtime.updateLimits(runId, { current_iteration: 8, estimated_tokens_used: 100, bogus: 1 });
    const run = await runtime.getState(runId);
    expect((run.vars['_limits'] as JsonObject)['bogus']).toBeUndefined();
    const status = await runtime.getLimitStatus(runId);
    expect(status.iterations).toEqual({ current: 8, max: 10, pct: 80, warning: true });
    expect(status.tokens).toMatchObject({ estimatedUsed: 100, max: 32768, pct: 0.3, warning: false });
    expect(status.history).toEqual({ maxMessages: -1 });
    expect(checkLimits(run)).toEqual([{ limitType: 'iterations', status: 'warning', current: 8, maximum: 10, pct: 80 }]);
    await runtime.updateLimits(runId, { current_iteration: 10 });
    expect(runtime.checkLimits(await runtime.getState(runId))[0]).toMatchObject({ status: 'exceeded' });
  });

  it('never emits a tokens warning while no tokens were used', () => {
    const run = { vars: { _limits: { max_iterations: 25, current_iteration: 0, max_tokens: 10, estimated_tokens_used: 0 } } } as unknown as RunState;
    expect(checkLimits(run)).toEqual([]);
  });
});

describe('vars helpers (reference §2.5, vars.py)', () => {
  it('setNested walks dotted paths and replaces non-objects', () => {
    const v: JsonObject = { a: 'scalar' };
    setNested(v, 'a.b.c', 1);
    setNested(v, 'x', 2);
    expect(v).toEqual({ a: { b: { c: 1 } }, x: 2 });
    expect(getNested(v, 'a.b.c')).toBe(1);
    expect(getNested(v, 'a.z')).toBeUndefined();
  });

  it('namespaces and limits defaults', () => {
    const v: JsonObject = { context: 'bad' };
    ensureNamespaces(v);
    expect(v).toEqual({ context: {}, scratchpad: {}, _runtime: {}, _temp: {} });
    getScratchpad(v)['k'] = 1;
    clearTemp(v);
    expect(v['_temp']).toEqual({});
    expect(Object.keys(ensureLimits(v))).toEqual(Object.keys(defaultLimits()));
  });
});

describe('actor fingerprint (reference §8)', () => {
  it('reproduces the fixture actor id', () => {
    const a = actorFingerprint({ kind: 'agent', displayName: 'fixture-agent', metadata: { team: 'qa' } });
    expect(a.actorId).toBe('ar_7f705e54bbf08defdf1d5d43');
    expect(actorFingerprint({ kind: 'agent' }).actorId).not.toBe(actorFingerprint({ kind: 'agent', displayName: 'x' }).actorId);
  });
});
