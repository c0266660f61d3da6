import { describe, expect, it } from 'vitest';
import { WorkflowSpec } from '../../core/spec';
import { type JsonObject } from '../../json/json-value';
import { memoryRuntime } from '../../testing/test-workflows';
import { ApprovalToolExecutor, executeApprovedToolCalls } from './approval-tool-executor';
import { defineTool, MappingToolExecutor } from './mapping-tool-executor';
import { PassthroughToolExecutor } from './passthrough-tool-executor';
import { makeToolCallsHandler, NO_TOOL_EXECUTOR_ERROR } from './tool-calls-handler';
import { type ToolExecutor } from './tool-executor';

const CALLS = [{ name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' }];

function toolsWorkflow(payload: JsonObject = { tool_calls: CALLS }): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'tools',
    entryNode: 'n1',
    nodes: {
      n1: () => ({ nodeId: 'n1', effect: { type: 'tool_calls', payload, resultKey: 'tool_results' }, nextNode: 'n2' }),
      n2: (run) => ({ nodeId: 'n2', completeOutput: { tool_results: run.vars['tool_results'] ?? null } }),
      other: () => ({ nodeId: 'other', completeOutput: { via: 'other' } }),
    },
  });
}

const runtimeWith = (executor: ToolExecutor | null) => memoryRuntime({ effectHandlers: { tool_calls: makeToolCallsHandler(executor) } }).runtime;

describe('TOOL_CALLS handler', () => {
  it('passthrough waits with the calls in details and resumes to the next node (test_integrations_abstractcore)', async () => {
    const runtime = runtimeWith(new PassthroughToolExecutor());
    const workflow = toolsWorkflow();
    const runId = await runtime.start({ workflow });
    const waiting = await runtime.tick({ workflow, runId });
    expect(waiting.status).toBe('waiting');
    expect(waiting.waiting).toMatchObject({
      reason: 'event',
      waitKey: `tool_calls:${runId}:n1`,
      resumeToNode: 'n2',
      resultKey: 'tool_results',
      details: { mode: 'passthrough', tool_calls: CALLS },
    });
    const answer = { mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] };
    const done = await runtime.resume({ workflow, runId, waitKey: `tool_calls:${runId}:n1`, payload: answer });
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ tool_results: answer });
  });

  it('honours payload.wait_key and payload.resume_to_node, and a custom mode', async () => {
    const runtime = runtimeWith(new PassthroughToolExecutor({ mode: 'host' }));
    const workflow = toolsWorkflow({ tool_calls: CALLS, wait_key: 'my-key', resume_to_node: 'other' });
    const runId = await runtime.start({ workflow });
    const waiting = await runtime.tick({ workflow, runId });
    expect(waiting.waiting).toMatchObject({ waitKey: 'my-key', resumeToNode: 'other', details: { mode: 'host', tool_calls: CALLS } });
    expect((await runtime.resume({ workflow, runId, waitKey: 'my-key', payload: {} })).output).toEqual({ via: 'other' });
  });

  it('fails clearly without a tool_calls list, without an executor, or when the executor throws', async () => {
    const cases: Array<[ToolExecutor | null, JsonObject, string]> = [
      [new PassthroughToolExecutor(), { tool_calls: 'add' }, 'tool_calls requires payload.tool_calls (list)'],
      [null, { tool_calls: CALLS }, NO_TOOL_EXECUTOR_ERROR],
      [{ execute: () => Promise.reject(new Error('worker exploded')) }, { tool_calls: CALLS }, 'worker exploded'],
    ];
    for (const [executor, payload, error] of cases) {
      const runtime = runtimeWith(executor);
      const workflow = toolsWorkflow(payload);
      const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
      expect(run.status).toBe('failed');
      expect(run.error).toBe(`Effect failed after 1 attempts: ${error}`);
    }
  });
});

describe('ApprovalToolExecutor', () => {
  const add = defineTool({ name: 'add' }, ({ x, y }) => Number(x) + Number(y));
  const deleteFile = defineTool({ name: 'delete_file' }, ({ path }) => `deleted ${String(path)}`);
  const executor = new ApprovalToolExecutor({ inner: MappingToolExecutor.fromTools([add, deleteFile]), requiresApproval: (name) => name === 'delete_file' });
  const batch: JsonObject[] = [
    { name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' },
    { name: 'delete_file', arguments: { path: '/tmp/a' }, call_id: 'c2' },
    { name: 'delete_file', arguments: { path: '/etc/passwd' }, call_id: 'c3' },
  ];

  it('runs a batch that needs no approval at once', async () => {
    const runtime = runtimeWith(executor);
    const workflow = toolsWorkflow({ tool_calls: [batch[0]!] });
    const run = await runtime.tick({ workflow, runId: await runtime.start({ workflow }) });
    expect(run.status).toBe('completed');
    expect((run.output!['tool_results'] as JsonObject)['results']).toEqual([{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }]);
  });

  it('waits for a person, then approve / edit / reject resumes the run to completion', async () => {
    const runtime = runtimeWith(executor);
    const workflow = toolsWorkflow({ tool_calls: batch });
    const runId = await runtime.start({ workflow });
    const waiting = await runtime.tick({ workflow, runId });
    expect(waiting.status).toBe('waiting');
    expect(waiting.waiting!.reason).toBe('event');
    expect(waiting.waiting!.details).toEqual({ mode: 'approval', approval_required: ['c2', 'c3'], tool_calls: batch });

    const calls = waiting.waiting!.details!['tool_calls'] as JsonObject[];
    const payload = await executeApprovedToolCalls(executor, calls, {
      c2: { approved: true, arguments: { path: '/tmp/b' } },
      c3: { approved: false, reason: 'never touch /etc' },
    });
    const done = await runtime.resume({ workflow, runId, waitKey: waiting.waiting!.waitKey, payload, actorId: 'reviewer-1' });
    expect(done.status).toBe('completed');
    expect(done.output!['tool_results']).toEqual({
      mode: 'executed',
      results: [
        { call_id: 'c1', name: 'add', success: true, output: 5, error: null },
        { call_id: 'c2', name: 'delete_file', success: true, output: 'deleted /tmp/b', error: null },
        { call_id: 'c3', name: 'delete_file', success: false, output: null, error: 'Rejected by reviewer: never touch /etc' },
      ],
      decisions: [
        { call_id: 'c2', name: 'delete_file', approved: true, edited: true, reason: null, arguments: { path: '/tmp/b' } },
        { call_id: 'c3', name: 'delete_file', approved: false, edited: false, reason: 'never touch /etc' },
      ],
    });
    // The ledger says who answered, and with what.
    const resume = (await runtime.getLedger(runId)).find((r) => r.result && 'resume' in r.result);
    expect(resume!.actorId).toBe('reviewer-1');
  });

  it('refuses decisions that are missing or name no call, before running anything', async () => {
    await expect(executeApprovedToolCalls(executor, batch, { c2: { approved: true } })).rejects.toThrow("Tool call 'c3' (delete_file) needs a decision");
    await expect(executeApprovedToolCalls(executor, batch, { c2: { approved: true }, c3: { approved: true }, c9: { approved: true } })).rejects.toThrow("No tool call with key 'c9'");
  });
});
