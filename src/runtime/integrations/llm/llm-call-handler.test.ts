import { describe, expect, it, vi } from 'vitest';
import { RetryPolicy } from '../../core/policy';
import { WorkflowSpec } from '../../core/spec';
import { type JsonObject } from '../../json/json-value';
import { effectWorkflow, memoryRuntime } from '../../testing/test-workflows';
import { chatAnswer } from '../testing/fake-chat-server';
import { useFakeChatServer } from '../testing/use-fake-chat-server';
import { makeLlmCallHandler, type LlmCallHandlerOptions } from './llm-call-handler';
import { RemoteLlmClient } from './openai-compatible-client';

const chat = useFakeChatServer();

function setup(options: { timeoutS?: number; retry?: boolean; handler?: LlmCallHandlerOptions } = {}) {
  const client = new RemoteLlmClient({ serverBaseUrl: chat.baseUrl, model: 'test-model', timeoutS: options.timeoutS });
  return memoryRuntime({
    effectHandlers: { llm_call: makeLlmCallHandler(client, options.handler) },
    ...(options.retry ? { effectPolicy: new RetryPolicy() } : {}),
  });
}

const ask = (payload: JsonObject): WorkflowSpec =>
  new WorkflowSpec({
    workflowId: 'ask',
    entryNode: 'call',
    nodes: {
      call: () => ({ nodeId: 'call', effect: { type: 'llm_call', payload, resultKey: 'llm' }, nextNode: 'done' }),
      done: (run) => ({ nodeId: 'done', completeOutput: { content: ((run.vars['llm'] as JsonObject)['content'] ?? null) } }),
    },
  });

describe('LLM_CALL handler', () => {
  it('stores the normalised result at result_key (test_llm_call_handler_sets_result_key)', async () => {
    chat.enqueue({ headers: { 'x-abstractcore-trace-id': 'tr_1' }, body: chatAnswer('four') });
    const { runtime } = setup();
    const workflow = ask({ prompt: 'two plus two?', params: { temperature: 0 } });
    const runId = await runtime.start({ workflow });
    const run = await runtime.tick({ workflow, runId });
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ content: 'four' });
    expect(Object.keys(run.vars['llm'] as JsonObject)).toEqual(['content', 'data', 'tool_calls', 'usage', 'model', 'finish_reason', 'metadata', 'trace_id']);
    expect((run.vars['llm'] as JsonObject)['trace_id']).toBe('tr_1');
  });

  it("injects the run's trace metadata into the request; the ledger keeps the original payload", async () => {
    chat.enqueue({ body: chatAnswer('ok') });
    const { runtime } = setup();
    const payload = { prompt: 'hi', params: { temperature: 0.5, trace_metadata: { request: 'r-9' } } };
    const workflow = ask(payload);
    const runId = await runtime.start({ workflow, actorId: 'ar_actor', sessionId: 'sess-1' });
    await runtime.tick({ workflow, runId });
    const req = chat.requests[0]!;
    expect(JSON.parse(req.headers['x-abstractcore-trace-metadata'] as string)).toEqual({ request: 'r-9', run_id: runId, actor_id: 'ar_actor', session_id: 'sess-1' });
    expect(req.headers['x-abstractcore-run-id']).toBe(runId);
    expect(req.headers['x-abstractcore-actor-id']).toBe('ar_actor');
    expect(req.headers['x-abstractcore-session-id']).toBe('sess-1');
    expect(req.headers['x-abstractcore-parent-run-id']).toBeUndefined();
    const records = await runtime.getLedger(runId);
    expect(records[0]!.effect!.payload).toEqual(payload);
    expect(payload.params.trace_metadata).toEqual({ request: 'r-9' });
  });

  it('fails without prompt or messages', async () => {
    const { runtime } = setup();
    const workflow = ask({ system_prompt: 'x', messages: [] });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.status).toBe('failed');
    expect(run.error).toBe('Effect failed after 1 attempts: llm_call requires payload.prompt or payload.messages');
    expect(chat.requests).toHaveLength(0);
  });

  it('retries through RetryPolicy: two server errors, then an answer, completes on attempt 3', async () => {
    chat.enqueue({ status: 500, body: 'overloaded' }, { status: 429, body: { error: 'slow down' } }, { body: chatAnswer('finally') });
    const { runtime, sleeps } = setup({ retry: true });
    const workflow = ask({ prompt: 'retry me' });
    const runId = await runtime.start({ workflow });
    const run = await runtime.tick({ workflow, runId });
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ content: 'finally' });
    expect(chat.requests).toHaveLength(3);
    expect(sleeps).toEqual([1, 2]);
    const ledger = await runtime.getLedger(runId);
    const ends = ledger.filter((r) => r.effect && r.status !== 'started').map((r) => [r.attempt, r.status, r.error]);
    expect(ends).toEqual([
      [1, 'failed', expect.stringMatching(/^LLM server answered HTTP 500 .* to POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: overloaded$/)],
      [2, 'failed', expect.stringMatching(/HTTP 429 .*slow down/)],
      [3, 'completed', null],
    ]);
  });

  it('gives up after the policy attempts with the last error', async () => {
    chat.enqueue({ status: 503, body: 'down' }, { status: 503, body: 'down' }, { status: 503, body: 'still down' });
    const { runtime } = setup({ retry: true });
    const workflow = ask({ prompt: 'x' });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^Effect failed after 3 attempts: LLM server answered HTTP 503 .*still down$/);
  });

  it('a timeout fails the effect', async () => {
    chat.enqueue({ delayMs: 3000, body: chatAnswer('late') });
    const { runtime } = setup({ timeoutS: 0.2 });
    const workflow = ask({ prompt: 'x' });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^Effect failed after 1 attempts: LLM server did not answer POST .* within 0\.2 s \(timeout\)$/);
  });

  it('cancelRun aborts the request in flight; the run is cancelled, not retried', async () => {
    chat.enqueue({ delayMs: 5000, body: chatAnswer('never') });
    const { runtime } = setup({ retry: true });
    const workflow = ask({ prompt: 'x' });
    const runId = await runtime.start({ workflow });
    const ticking = runtime.tick({ workflow, runId });
    await vi.waitFor(() => expect(chat.requests).toHaveLength(1));
    const started = Date.now();
    await runtime.cancelRun(runId, { reason: 'user pressed stop' });
    const run = await ticking;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(run.status).toBe('cancelled');
    expect(chat.requests).toHaveLength(1);
    await vi.waitFor(() => expect(chat.server.aborted).toBeGreaterThan(0));
    const failed = (await runtime.getLedger(runId)).find((r) => r.status === 'failed');
    expect(failed?.error).toContain('was cancelled: user pressed stop');
  });

  it('adds usage.total_tokens to _limits.estimated_tokens_used after each call', async () => {
    chat.enqueue({ body: chatAnswer('a', { usage: { total_tokens: 12 } }) }, { body: chatAnswer('b', { usage: { total_tokens: 30 } }) }, { body: chatAnswer('c', { usage: { total_tokens: '9' } }) });
    const { runtime } = setup();
    const step = (id: string, next: string) => () => ({ nodeId: id, effect: { type: 'llm_call' as const, payload: { prompt: id }, resultKey: id }, nextNode: next });
    const workflow = new WorkflowSpec({
      workflowId: 'three',
      entryNode: 'a',
      nodes: { a: step('a', 'b'), b: step('b', 'c'), c: step('c', 'done'), done: () => ({ nodeId: 'done', completeOutput: { ok: true } }) },
    });
    const runId = await runtime.start({ workflow });
    const run = await runtime.tick({ workflow, runId });
    expect(run.status).toBe('completed');
    // 12 + 30; a count that is not a number is ignored.
    expect((run.vars['_limits'] as JsonObject)['estimated_tokens_used']).toBe(42);
    expect((await runtime.getLimitStatus(runId)).tokens.estimatedUsed).toBe(42);
  });

  it('recordTokenUsage: false leaves the counter as 0.2.0 does', async () => {
    chat.enqueue({ body: chatAnswer('a', { usage: { total_tokens: 12 } }) });
    const { runtime } = setup({ handler: { recordTokenUsage: false } });
    const workflow = effectWorkflow('llm_call', { prompt: 'x' });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect((run.vars['_limits'] as JsonObject)['estimated_tokens_used']).toBe(0);
  });
});

describe('LLM_CALL handler, streaming', () => {
  it('streams when asked, reports fragments, and stores the same result', async () => {
    const chunk = (content: string, finish: string | null = null): string => JSON.stringify({ model: 'test-model', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
    chat.enqueue({ events: [chunk('Hel'), chunk('lo', 'stop'), '[DONE]'] });
    const seen: string[] = [];
    const client = new RemoteLlmClient({ serverBaseUrl: chat.baseUrl, model: 'test-model' });
    const { runtime } = memoryRuntime({
      effectHandlers: {
        llm_call: makeLlmCallHandler(client, {
          onDelta: (d, call) => {
            seen.push(`${call.nodeId}:${d.content}`);
            throw new Error('a broken listener is ignored');
          },
        }),
      },
    });
    const workflow = ask({ prompt: 'greet' });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.output).toEqual({ content: 'Hello' });
    expect(seen).toEqual(['call:Hel', 'call:lo']);
    expect((chat.requests[0]!.json as JsonObject)['stream']).toBe(true);
  });
});
