import { describe, expect, it } from 'vitest';
import { EffectOutcome } from './outcome';
import { Runtime } from './runtime';
import { WorkflowSpec } from './spec';
import { type RuntimeEvent } from './runtime-events';
import { recordKind } from './step-records';
import { ManualClock } from '../json/timestamp';
import { verifyLedgerChain } from '../ledger/chain-verifier';
import { memoryRuntime } from '../testing/test-workflows';

const pauseWf = new WorkflowSpec({
  workflowId: 'pause_resume',
  entryNode: 'START',
  nodes: {
    START: () => ({ nodeId: 'START', nextNode: 'WAIT' }),
    WAIT: () => ({ nodeId: 'WAIT', effect: { type: 'wait_event', payload: { wait_key: 'evt:hello', resume_to_node: 'DONE' }, resultKey: 'event' } }),
    DONE: (r) => ({ nodeId: 'DONE', completeOutput: { event: r.vars['event'] ?? null } }),
  },
});

describe('pause and resume (test_pause_resume.py)', () => {
  it('waits on an event, stores the payload at result_key and completes', async () => {
    const { runtime, ledgerStore } = memoryRuntime();
    const runId = await runtime.start({ workflow: pauseWf });
    const waiting = await runtime.tick({ workflow: pauseWf, runId });
    expect(waiting.status).toBe('waiting');
    expect(waiting.waiting).toMatchObject({ reason: 'event', waitKey: 'evt:hello', resumeToNode: 'DONE', resultKey: 'event' });
    const done = await runtime.resume({ workflow: pauseWf, runId, waitKey: 'evt:hello', payload: { msg: 'hi' }, actorId: 'ar_person' });
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ event: { msg: 'hi' } });
    const ledger = await ledgerStore.list(runId);
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    // The resume is in the ledger: who answered which wait with what (the reference wrote nothing).
    const resume = ledger.find((r) => recordKind(r) === 'resume')!;
    expect(resume).toMatchObject({ nodeId: 'WAIT', status: 'completed', actorId: 'ar_person', result: { resume: { reason: 'event', wait_key: 'evt:hello', payload: { msg: 'hi' } } } });
    expect(verifyLedgerChain(ledger).ok).toBe(true);
  });

  it('resuming with a null wait key skips the check; with no resume target the node runs again', async () => {
    const wf = new WorkflowSpec({
      workflowId: 'again',
      entryNode: 'w',
      nodes: {
        w: (r) =>
          r.vars['got'] ? { nodeId: 'w', completeOutput: { got: r.vars['got'] } } : { nodeId: 'w', effect: { type: 'wait_event', payload: { wait_key: 'k' }, resultKey: 'got' } },
      },
    });
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: wf });
    await runtime.tick({ workflow: wf, runId });
    const done = await runtime.resume({ workflow: wf, runId, waitKey: null, payload: { v: 1 } });
    expect(done).toMatchObject({ status: 'completed', currentNode: 'w', output: { got: { v: 1 } } });
  });
});

describe('ledger emission (reference §2.11)', () => {
  it('writes nothing for start and pure transitions, two records per effect attempt, one for completion', async () => {
    const wf = new WorkflowSpec({
      workflowId: 'emission',
      entryNode: 'a',
      nodes: {
        a: () => ({ nodeId: 'a', nextNode: 'b' }),
        b: () => ({ nodeId: 'b', effect: { type: 'llm_call', payload: { prompt: 'x' }, resultKey: 'llm' }, nextNode: 'c' }),
        c: () => ({ nodeId: 'c', completeOutput: { ok: true } }),
      },
    });
    const { runtime, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: () => EffectOutcome.completed({ content: 'hi' }) } });
    const runId = await runtime.start({ workflow: wf, vars: { x: 1 } });
    expect(await ledgerStore.list(runId)).toEqual([]);
    const done = await runtime.tick({ workflow: wf, runId });
    expect(done.vars['llm']).toEqual({ content: 'hi' });
    const ledger = await ledgerStore.list(runId);
    expect(ledger.map((r) => [r.nodeId, r.status])).toEqual([
      ['b', 'started'],
      ['b', 'completed'],
      ['c', 'completed'],
    ]);
    expect(ledger[0]!.stepId).toBe(ledger[1]!.stepId);
    expect(ledger[0]!.startedAt).toBe(ledger[1]!.startedAt);
    expect(ledger[1]!.effect).toEqual({ type: 'llm_call', payload: { prompt: 'x' }, resultKey: 'llm' });
    expect(ledger[2]).toMatchObject({ effect: null, result: { completed: true }, attempt: 1, idempotencyKey: null });
  });

  it('seeds _limits after the caller vars, in the reference key order', async () => {
    const { runtime } = memoryRuntime();
    const runId = await runtime.start({ workflow: pauseWf, vars: { z: 1, a: 2 } });
    const s = await runtime.getState(runId);
    expect(Object.keys(s.vars)).toEqual(['z', 'a', '_limits']);
    expect(Object.keys(s.vars['_limits'] as object)).toEqual([
      'max_iterations', 'current_iteration', 'max_tokens', 'max_output_tokens', 'estimated_tokens_used', 'max_history_messages', 'warn_iterations_pct', 'warn_tokens_pct',
    ]);
    const custom = await runtime.start({ workflow: pauseWf, vars: { _limits: { max_iterations: 3 } } });
    expect((await runtime.getState(custom)).vars['_limits']).toEqual({ max_iterations: 3 });
  });

  it('writes timestamps in Python isoformat from the injected clock and ids from the injected generator', async () => {
    let n = 0;
    const clock = new ManualClock(Date.UTC(2025, 11, 17, 8, 30) * 1000 + 1, 1000);
    const { runtime, ledgerStore } = memoryRuntime({ clock, newId: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` });
    const runId = await runtime.start({ workflow: pauseWf });
    const s = await runtime.tick({ workflow: pauseWf, runId });
    expect(runId).toBe('00000000-0000-4000-8000-000000000001');
    expect(s.createdAt).toBe('2025-12-17T08:30:00.000001+00:00');
    expect(s.updatedAt).toMatch(/^2025-12-17T08:30:00\.\d{6}\+00:00$/);
    const [first] = await ledgerStore.list(runId);
    expect(first!.stepId).toBe('00000000-0000-4000-8000-000000000002');
  });
});

describe('effects (reference §2.6)', () => {
  const one = (effect: { type: 'wait_until' | 'ask_user' | 'wait_event'; payload: Record<string, unknown> }) =>
    new WorkflowSpec({
      workflowId: `one_${effect.type}`,
      entryNode: 'e',
      nodes: {
        e: () => ({ nodeId: 'e', effect: { type: effect.type, payload: effect.payload as never, resultKey: 'r' }, nextNode: 'done' }),
        done: (r) => ({ nodeId: 'done', completeOutput: { r: r.vars['r'] ?? null } }),
      },
    });

  it('wait_until in the past completes at once; in the future waits; without until fails', async () => {
    const { runtime } = memoryRuntime();
    const past = one({ type: 'wait_until', payload: { until: '2000-01-01T00:00:00+00:00' } });
    const s1 = await runtime.tick({ workflow: past, runId: await runtime.start({ workflow: past }) });
    expect(s1.output).toEqual({ r: { until: '2000-01-01T00:00:00+00:00', ready: true } });
    const future = one({ type: 'wait_until', payload: { until: '2999-01-01T00:00:00+00:00' } });
    const s2 = await runtime.tick({ workflow: future, runId: await runtime.start({ workflow: future }) });
    expect(s2.waiting).toMatchObject({ reason: 'until', until: '2999-01-01T00:00:00+00:00', waitKey: null, resumeToNode: 'done' });
    const bad = one({ type: 'wait_until', payload: {} });
    const s3 = await runtime.tick({ workflow: bad, runId: await runtime.start({ workflow: bad }) });
    expect(s3.error).toBe('Effect failed after 1 attempts: wait_until requires payload.until (ISO timestamp)');
  });

  it('ask_user defaults its wait key, keeps choices and free-text flag; requires a prompt', async () => {
    const { runtime } = memoryRuntime();
    const ask = one({ type: 'ask_user', payload: { prompt: 'Pick', choices: ['red', 'green'], allow_free_text: false } });
    const runId = await runtime.start({ workflow: ask });
    const s = await runtime.tick({ workflow: ask, runId });
    expect(s.waiting).toEqual({
      reason: 'user', waitKey: `user:${runId}:e`, until: null, resumeToNode: 'done', resultKey: 'r', prompt: 'Pick', choices: ['red', 'green'], allowFreeText: false, details: null,
    });
    const noPrompt = one({ type: 'ask_user', payload: {} });
    const f = await runtime.tick({ workflow: noPrompt, runId: await runtime.start({ workflow: noPrompt }) });
    expect(f.error).toBe('Effect failed after 1 attempts: ask_user requires payload.prompt');
  });

  it('wait_event requires a wait key; an effect type with no handler fails clearly', async () => {
    const { runtime } = memoryRuntime();
    const ev = one({ type: 'wait_event', payload: {} });
    const s = await runtime.tick({ workflow: ev, runId: await runtime.start({ workflow: ev }) });
    expect(s.error).toBe('Effect failed after 1 attempts: wait_event requires payload.wait_key');
    const llm = new WorkflowSpec({ workflowId: 'llm', entryNode: 'a', nodes: { a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { prompt: 'p' } }, nextNode: 'a' }) } });
    const s2 = await runtime.tick({ workflow: llm, runId: await runtime.start({ workflow: llm }) });
    expect(s2.error).toBe('Effect failed after 1 attempts: No effect handler registered for llm_call');
  });

  it('user handlers replace built-ins', async () => {
    const { runtime } = memoryRuntime({ effectHandlers: { ask_user: () => EffectOutcome.completed({ auto: true }) } });
    const ask = one({ type: 'ask_user', payload: { prompt: 'x' } });
    const s = await runtime.tick({ workflow: ask, runId: await runtime.start({ workflow: ask }) });
    expect(s.output).toEqual({ r: { auto: true } });
  });
});

describe('durable tool calls (test_durable_toolsets.py)', () => {
  it('persists tool results with maxSteps=1 and a new runtime completes the run', async () => {
    const wf = new WorkflowSpec({
      workflowId: 'tools',
      entryNode: 'ACT',
      nodes: {
        ACT: () => ({ nodeId: 'ACT', effect: { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { a: 2, b: 3 }, call_id: 'c1' }] }, resultKey: 'tool_results' }, nextNode: 'DONE' }),
        DONE: (r) => ({ nodeId: 'DONE', completeOutput: { tool_results: r.vars['tool_results'] ?? null } }),
      },
    });
    const tools = () => EffectOutcome.completed({ mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] });
    const { runtime, runStore, ledgerStore } = memoryRuntime({ effectHandlers: { tool_calls: tools } });
    const runId = await runtime.start({ workflow: wf });
    const s = await runtime.tick({ workflow: wf, runId, maxSteps: 1 });
    expect(s).toMatchObject({ status: 'running', currentNode: 'DONE' });
    expect(((await runStore.load(runId))!.vars['tool_results'] as { results: Array<{ output: number }> }).results[0]!.output).toBe(5);
    const runtime2 = new Runtime({ runStore, ledgerStore });
    expect((await runtime2.tick({ workflow: wf, runId })).status).toBe('completed');
  });
});

describe('concurrency and events', () => {
  it('never interleaves two ticks of one run', async () => {
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    const slow = async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 30));
      active--;
      return EffectOutcome.completed({ ok: true });
    };
    const wf = new WorkflowSpec({
      workflowId: 'slow',
      entryNode: 'a',
      nodes: { a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { prompt: 'p' }, resultKey: 'r' }, nextNode: 'b' }), b: () => ({ nodeId: 'b', completeOutput: {} }) },
    });
    const { runtime, ledgerStore } = memoryRuntime({ effectHandlers: { llm_call: slow } });
    const runId = await runtime.start({ workflow: wf });
    const [s1, s2] = await Promise.all([runtime.tick({ workflow: wf, runId }), runtime.tick({ workflow: wf, runId })]);
    expect(s1.status).toBe('completed');
    expect(s2.status).toBe('completed');
    expect(calls).toBe(1);
    expect(maxActive).toBe(1);
    expect(verifyLedgerChain(await ledgerStore.list(runId)).ok).toBe(true);
  });

  it('announces saved states and appended records after each commit', async () => {
    const { runtime } = memoryRuntime();
    const events: RuntimeEvent['type'][] = [];
    const off = runtime.onEvent((e) => events.push(e.type));
    const runId = await runtime.start({ workflow: pauseWf });
    await runtime.tick({ workflow: pauseWf, runId });
    off();
    await runtime.resume({ workflow: pauseWf, runId, waitKey: 'evt:hello', payload: {} });
    expect(events).toEqual(['run-saved', 'run-saved', 'records-appended', 'records-appended', 'run-saved']);
  });

  it('aborts an in-flight effect when the run is cancelled', async () => {
    let aborted = false;
    const wf = new WorkflowSpec({
      workflowId: 'abortable',
      entryNode: 'a',
      nodes: { a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { prompt: 'p' } }, nextNode: 'a' }) },
    });
    const { runtime } = memoryRuntime({
      effectHandlers: {
        llm_call: (_r, _e, _n, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve(EffectOutcome.failed('aborted'));
            });
          }),
      },
    });
    const runId = await runtime.start({ workflow: wf });
    const ticking = runtime.tick({ workflow: wf, runId });
    await new Promise((r) => setTimeout(r, 10));
    const cancelled = await runtime.cancelRun(runId, { reason: 'stop' });
    await ticking;
    expect(aborted).toBe(true);
    expect(cancelled.status).toBe('cancelled');
    expect((await runtime.getState(runId)).status).toBe('cancelled');
  });
});
