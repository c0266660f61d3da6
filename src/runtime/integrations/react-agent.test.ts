import { describe, expect, it } from 'vitest';
import { type JsonObject, type JsonValue } from '../json/json-value';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { createHybridRuntime, createRemoteRuntime } from './factories';
import { createReactAgent } from './react-agent';
import { chatAnswer, openAiToolCall } from './testing/fake-chat-server';
import { useFakeChatServer } from './testing/use-fake-chat-server';
import { ApprovalToolExecutor, executeApprovedToolCalls } from './tools/approval-tool-executor';
import { defineTool, MappingToolExecutor } from './tools/mapping-tool-executor';

const chat = useFakeChatServer();

const add = defineTool(
  { name: 'add', description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } },
  ({ a, b }) => Number(a) + Number(b),
);
const agent = createReactAgent({ systemPrompt: 'You are a calculator.', tools: [add.toolDefinition!], maxIterations: 5, params: { temperature: 0 } });
const messagesOf = (i: number): JsonObject[] => (chat.requests[i]!.json as { messages: JsonObject[] }).messages;

describe('ReAct agent', () => {
  it('runs a full loop to completion: tool call (add 2 and 3), tool result, final answer', async () => {
    chat.enqueue(
      { body: chatAnswer(null, { toolCalls: [openAiToolCall('call_1', 'add', { a: 2, b: 3 })], usage: { total_tokens: 20 } }) },
      { body: chatAnswer('2 + 3 = 5', { usage: { total_tokens: 25 } }) },
    );
    const runtime = createHybridRuntime({ serverBaseUrl: chat.baseUrl, model: 'test-model', tools: [add] });
    const runId = await runtime.start({ workflow: agent, vars: { context: { task: 'What is 2 + 3?' } } });
    const run = await runtime.tick({ workflow: agent, runId });

    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ answer: '2 + 3 = 5', stop_reason: 'answered', iterations: 2 });
    expect(chat.requests).toHaveLength(2);
    const first = chat.requests[0]!.json as JsonObject;
    expect(first['tools']).toEqual([{ type: 'function', function: add.toolDefinition as unknown as JsonValue }]);
    expect(first['temperature']).toBe(0);
    expect(messagesOf(0)).toEqual([
      { role: 'system', content: 'You are a calculator.' },
      { role: 'user', content: 'What is 2 + 3?' },
    ]);
    expect(messagesOf(1).slice(2)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '5' },
    ]);
    const limits = run.vars['_limits'] as JsonObject;
    expect([limits['current_iteration'], limits['estimated_tokens_used']]).toEqual([2, 45]);
    const effects = (await runtime.getLedger(runId)).filter((r) => r.effect && r.status === 'completed').map((r) => [r.nodeId, r.effect!.type]);
    expect(effects).toEqual([
      ['reason', 'llm_call'],
      ['act', 'tool_calls'],
      ['reason', 'llm_call'],
    ]);
  });

  it('stops at the iteration limit when the model keeps calling tools', async () => {
    const looping = () => ({ body: chatAnswer('thinking', { toolCalls: [openAiToolCall('c', 'add', { a: 1, b: 1 })] }) });
    chat.enqueue(looping, looping, looping);
    const runtime = createHybridRuntime({ serverBaseUrl: chat.baseUrl, model: 'test-model', tools: [add] });
    const limited = createReactAgent({ tools: [add.toolDefinition!], maxIterations: 2 });
    const run = await runtime.tick({ workflow: limited, runId: await runtime.start({ workflow: limited, vars: { context: { task: 'loop' } } }) });
    expect(run.output).toEqual({ answer: 'thinking', stop_reason: 'max_iterations', iterations: 2 });
    expect(chat.requests).toHaveLength(2);
  });

  it('waits for approval of a tool call, survives a restart, and completes once approved', async () => {
    chat.enqueue({ body: chatAnswer(null, { toolCalls: [openAiToolCall('call_9', 'add', { a: 20, b: 22 })] }) }, { body: chatAnswer('It is 42.') });
    const runStore = new InMemoryRunStore();
    const ledgerStore = new InMemoryLedgerStore();
    const approval = new ApprovalToolExecutor({ inner: MappingToolExecutor.fromTools([add]), requiresApproval: () => true });
    const make = () => createRemoteRuntime({ serverBaseUrl: chat.baseUrl, model: 'test-model', runStore, ledgerStore, toolExecutor: approval });
    const first = make();
    const runId = await first.start({ workflow: agent, vars: { context: { task: 'What is 20 + 22?' } } });
    const waiting = await first.tick({ workflow: agent, runId });
    expect(waiting.status).toBe('waiting');
    expect(waiting.currentNode).toBe('act');
    expect(waiting.waiting!.details).toEqual({ mode: 'approval', approval_required: ['call_9'], tool_calls: [{ name: 'add', arguments: { a: 20, b: 22 }, call_id: 'call_9' }] });

    // A new process: same stores, a fresh runtime.
    const second = make();
    const stored = await second.getState(runId);
    const payload = await executeApprovedToolCalls(approval, stored.waiting!.details!['tool_calls'] as JsonValue[], { call_9: { approved: true } });
    const done = await second.resume({ workflow: agent, runId, waitKey: stored.waiting!.waitKey, payload });
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ answer: 'It is 42.', stop_reason: 'answered', iterations: 2 });
    expect(messagesOf(1).at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_9', content: '42' });
  });

  it('with the remote runtime defaults, the host runs the tools (passthrough) and resumes', async () => {
    chat.enqueue({ body: chatAnswer(null, { toolCalls: [openAiToolCall('call_1', 'add', { a: 1, b: 2 })] }) }, { body: chatAnswer('3') });
    const runtime = createRemoteRuntime({ serverBaseUrl: chat.baseUrl, model: 'test-model' });
    const runId = await runtime.start({ workflow: agent, vars: { context: { task: '1 + 2?' } } });
    const waiting = await runtime.tick({ workflow: agent, runId });
    expect(waiting.waiting).toMatchObject({ reason: 'event', details: { mode: 'passthrough' } });
    const payload = { mode: 'executed', results: [{ call_id: 'call_1', name: 'add', success: true, output: 3, error: null }] };
    const done = await runtime.resume({ workflow: agent, runId, waitKey: waiting.waiting!.waitKey, payload });
    expect(done.output).toEqual({ answer: '3', stop_reason: 'answered', iterations: 2 });
  });

  it('refuses to start without a task, leaving the run where it was', async () => {
    const runtime = createHybridRuntime({ serverBaseUrl: chat.baseUrl, model: 'test-model' });
    const runId = await runtime.start({ workflow: agent });
    await expect(runtime.tick({ workflow: agent, runId })).rejects.toThrow('The ReAct agent needs vars.context.task');
    expect((await runtime.getState(runId)).currentNode).toBe('init');
    expect(chat.requests).toHaveLength(0);
  });

  it('declares its graph for the Studio', () => {
    const graph = agent.graph();
    expect(graph.nodes.map((n) => [n.id, n.kind, n.effectType])).toEqual([
      ['init', 'start', null],
      ['reason', 'effect', 'llm_call'],
      ['act', 'effect', 'tool_calls'],
      ['observe', 'step', null],
      ['finish', 'terminal', null],
    ]);
    expect(graph.edges).toHaveLength(6);
  });
});
