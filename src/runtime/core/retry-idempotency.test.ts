import { describe, expect, it } from 'vitest';
import { DefaultEffectPolicy, NoRetryPolicy, RetryPolicy, computeIdempotencyKey } from './policy';
import { Runtime } from './runtime';
import { WorkflowSpec } from './spec';
import { EffectOutcome } from './outcome';
import { effectWorkflow, failingHandler, memoryRuntime } from '../testing/test-workflows';
import { createScheduledRuntime } from '../scheduler/scheduled-runtime';

describe('retries (test_retry_idempotency.py)', () => {
  it('does not retry by default', async () => {
    const handler = failingHandler(1);
    const { runtime } = memoryRuntime({ effectHandlers: { llm_call: handler } });
    const wf = effectWorkflow();
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('failed');
    expect(state.error).toBe('Effect failed after 1 attempts: Simulated failure 1');
    expect(handler.callCount).toBe(1);
  });

  it('calls a throwing handler once and fails the run', async () => {
    let calls = 0;
    const { runtime } = memoryRuntime({
      effectHandlers: {
        llm_call: () => {
          calls++;
          throw new Error('boom');
        },
      },
    });
    const wf = effectWorkflow();
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('failed');
    expect(state.error).toBe('Effect failed after 1 attempts: Effect handler raised exception: boom');
    expect(calls).toBe(1);
  });

  it('retries with RetryPolicy until success, sleeping between attempts', async () => {
    const handler = failingHandler(2);
    const { runtime, sleeps, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: handler }, effectPolicy: new RetryPolicy({ llmMaxAttempts: 3, backoffBase: 1.0 }) });
    const wf = effectWorkflow();
    const runId = await runtime.start({ workflow: wf });
    const state = await runtime.tick({ workflow: wf, runId });
    expect(state.status).toBe('completed');
    expect(handler.callCount).toBe(3);
    expect(sleeps).toEqual([1, 2]);
    const records = await ledgerStore.list(runId);
    const effectRecords = records.filter((r) => r.effect !== null);
    expect(effectRecords.filter((r) => r.status === 'started').map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(effectRecords.map((r) => r.status)).toEqual(['started', 'failed', 'started', 'failed', 'started', 'completed']);
    // Same step id inside an attempt, a new one per attempt.
    expect(effectRecords[0]!.stepId).toBe(effectRecords[1]!.stepId);
    expect(effectRecords[0]!.stepId).not.toBe(effectRecords[2]!.stepId);
  });

  it('fails after the attempts are exhausted', async () => {
    const handler = failingHandler(10);
    const { runtime } = memoryRuntime({ effectHandlers: { llm_call: handler }, effectPolicy: new RetryPolicy({ llmMaxAttempts: 3 }) });
    const wf = effectWorkflow();
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('failed');
    expect(state.error).toContain('after 3 attempts');
    expect(handler.callCount).toBe(3);
  });

  it('sets attempts per effect type', () => {
    const policy = new RetryPolicy({ llmMaxAttempts: 3, toolMaxAttempts: 2 });
    expect(policy.maxAttempts({ type: 'llm_call', payload: {} })).toBe(3);
    expect(policy.maxAttempts({ type: 'tool_calls', payload: {} })).toBe(2);
    expect(policy.maxAttempts({ type: 'wait_event', payload: {} })).toBe(1);
  });

  it('backs off exponentially, capped at the maximum', () => {
    const effect = { type: 'llm_call' as const, payload: {} };
    const p = new DefaultEffectPolicy({ defaultMaxAttempts: 5, defaultBackoffBase: 1.0, defaultBackoffMax: 60.0 });
    expect([1, 2, 3, 4].map((attempt) => p.backoffSeconds({ effect, attempt }))).toEqual([1, 2, 4, 8]);
    const capped = new DefaultEffectPolicy({ defaultMaxAttempts: 10, defaultBackoffBase: 1.0, defaultBackoffMax: 10.0 });
    expect(capped.backoffSeconds({ effect, attempt: 7 })).toBe(10);
  });

  it('does not sleep after a first-attempt success', async () => {
    const handler = failingHandler(0);
    const { runtime, sleeps } = memoryRuntime({ effectHandlers: { llm_call: handler }, effectPolicy: new RetryPolicy() });
    const wf = effectWorkflow();
    await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(handler.callCount).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a two-argument handler that throws, then succeeds', async () => {
    let calls = 0;
    const { runtime } = memoryRuntime({
      effectHandlers: {
        llm_call: (_run, _effect) => {
          calls++;
          if (calls <= 2) throw new Error(`transient ${calls}`);
          return EffectOutcome.completed({ ok: true });
        },
      },
      effectPolicy: new RetryPolicy({ llmMaxAttempts: 3 }),
    });
    const wf = effectWorkflow();
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('completed');
    expect(calls).toBe(3);
  });

  it('never retries a waiting effect', async () => {
    const wf = effectWorkflow('wait_event', { wait_key: 'user_input' });
    const { runtime } = memoryRuntime({ effectPolicy: new RetryPolicy({ llmMaxAttempts: 3 }) });
    const state = await runtime.tick({ workflow: wf, runId: await runtime.start({ workflow: wf }) });
    expect(state.status).toBe('waiting');
  });
});

describe('policies', () => {
  it('NoRetryPolicy allows one attempt; a custom policy maps effect types', () => {
    expect(new NoRetryPolicy().maxAttempts({ type: 'llm_call', payload: {} })).toBe(1);
    const p = new DefaultEffectPolicy({ defaultMaxAttempts: 5, effectMaxAttempts: { llm_call: 10 } });
    expect(p.maxAttempts({ type: 'llm_call', payload: {} })).toBe(10);
    expect(p.maxAttempts({ type: 'tool_calls', payload: {} })).toBe(5);
  });

  it('createScheduledRuntime passes the policy through', async () => {
    const policy = new RetryPolicy({ llmMaxAttempts: 5 });
    const sr = createScheduledRuntime({ effectPolicy: policy, autoStart: false });
    expect(sr.runtime.effectPolicy).toBe(policy);
  });
});

describe('idempotency', () => {
  const effect = { type: 'llm_call' as const, payload: { prompt: 'test' } };

  it('computes a deterministic 32-character key that depends on run and payload', () => {
    const k1 = computeIdempotencyKey({ runId: 'run-1', nodeId: 'node-1', effect });
    expect(k1).toBe(computeIdempotencyKey({ runId: 'run-1', nodeId: 'node-1', effect }));
    expect(k1).toMatch(/^[0-9a-f]{32}$/);
    expect(computeIdempotencyKey({ runId: 'run-2', nodeId: 'node-1', effect })).not.toBe(k1);
    expect(computeIdempotencyKey({ runId: 'run-1', nodeId: 'node-1', effect: { type: 'llm_call', payload: { prompt: 'test2' } } })).not.toBe(k1);
    // result_key is not part of the key
    expect(computeIdempotencyKey({ runId: 'run-1', nodeId: 'node-1', effect: { ...effect, resultKey: 'x' } })).toBe(k1);
  });

  it('matches the Python key for a non-ASCII payload (ensure_ascii=True)', () => {
    // The fixture's LLM record: stored key b56d46d58222cf398a501acfbd10294a.
    const key = computeIdempotencyKey({
      runId: '00000000-0000-4000-8000-000000000001',
      nodeId: 'llm',
      effect: { type: 'llm_call', payload: { prompt: 'add 2 and 3 — café ☕', system_prompt: 'You are a planner.', params: { temperature: 0.2, max_tokens: 64 } } },
    });
    expect(key).toBe('b56d46d58222cf398a501acfbd10294a');
  });

  it('reuses a completed result after a restart instead of calling the handler again', async () => {
    const handler = failingHandler(0);
    const wf = effectWorkflow();
    const { runtime, runStore, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: handler } });
    const runId = await runtime.start({ workflow: wf });
    expect((await runtime.tick({ workflow: wf, runId })).status).toBe('completed');
    expect(handler.callCount).toBe(1);
    // Simulate a crash that lost the state save: the run is back at the effect node.
    const run = (await runStore.load(runId))!;
    await runStore.save({ ...run, status: 'running', currentNode: 'start', output: null });
    const runtime2 = new Runtime({ runStore, ledgerStore, effectHandlers: { llm_call: handler } });
    const state2 = await runtime2.tick({ workflow: wf, runId });
    expect(state2.status).toBe('completed');
    expect(handler.callCount).toBe(1);
    expect(state2.output).toEqual({ result: { success: true, attempt: 1 } });
  });

  it('records a 32-character key on every effect record', async () => {
    const { runtime, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: failingHandler(0) } });
    const wf = effectWorkflow();
    const runId = await runtime.start({ workflow: wf });
    await runtime.tick({ workflow: wf, runId });
    const effectRecords = (await ledgerStore.list(runId)).filter((r) => r.effect !== null);
    expect(effectRecords.length).toBeGreaterThanOrEqual(1);
    for (const r of effectRecords) expect(r.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('executes again when a loop comes back to a node with the same payload (the reference reused it)', async () => {
    const handler = failingHandler(0);
    const wf = new WorkflowSpec({
      workflowId: 'loop',
      entryNode: 'act',
      nodes: {
        act: () => ({ nodeId: 'act', effect: { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }, resultKey: 'out' }, nextNode: 'loop' }),
        loop: (run) => {
          const n = Number(run.vars['n'] ?? 0) + 1;
          run.vars['n'] = n;
          return n < 3 ? { nodeId: 'loop', nextNode: 'act' } : { nodeId: 'loop', completeOutput: { n } };
        },
      },
    });
    const { runtime, ledgerStore } = memoryRuntime({ effectHandlers: { tool_calls: handler } });
    const runId = await runtime.start({ workflow: wf });
    expect((await runtime.tick({ workflow: wf, runId })).status).toBe('completed');
    expect(handler.callCount).toBe(3);
    expect((await ledgerStore.list(runId)).filter((r) => r.status === 'completed' && r.effect)).toHaveLength(3);
  });
});
