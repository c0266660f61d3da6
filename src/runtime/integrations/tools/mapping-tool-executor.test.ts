import { describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { JsonNumber } from '../../json/json-number';
import { type JsonObject } from '../../json/json-value';
import { InMemoryLedgerStore } from '../../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../../storage/memory/memory-run-store';
import { toJsonable } from './jsonable';
import { defineTool, MappingToolExecutor, type ToolFunction } from './mapping-tool-executor';
import { makeToolCallsHandler } from './tool-calls-handler';
import { type ToolExecutionContext } from './tool-executor';

const ctx: ToolExecutionContext = { runId: 'r', nodeId: 'n', actorId: null, sessionId: null, signal: new AbortController().signal };

function add({ x, y }: JsonObject): number {
  return Number(x) + Number(y);
}
const wordCount = defineTool({ name: 'word_count', description: 'Count words' }, async ({ text }) => ({ words: String(text).split(' ').length }));

describe('MappingToolExecutor', () => {
  it('reproduces the results the reference stored in fixture run …0001', async () => {
    const executor = MappingToolExecutor.fromTools([add, wordCount]);
    const result = await executor.execute(
      [
        { name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' },
        { name: 'word_count', arguments: { text: 'a b c' }, call_id: 'c2' },
        { name: 'missing_tool', arguments: {}, call_id: 'c3' },
      ],
      ctx,
    );
    expect(JSON.stringify(result)).toBe(
      JSON.stringify({
        mode: 'executed',
        results: [
          { call_id: 'c1', name: 'add', success: true, output: 5, error: null },
          { call_id: 'c2', name: 'word_count', success: true, output: { words: 3 }, error: null },
          { call_id: 'c3', name: 'missing_tool', success: false, output: null, error: "Tool 'missing_tool' not found" },
        ],
      }),
    );
  });

  it('reports a throwing tool, bad arguments and a missing call id without failing the batch', async () => {
    const boom: ToolFunction = () => {
      throw new Error('division by zero');
    };
    const executor = new MappingToolExecutor({ boom, add });
    const result = await executor.execute([{ name: 'boom', arguments: {} }, { name: 'add', arguments: '{"x":1}' }, 'not a call'], ctx);
    expect(result['results']).toEqual([
      { call_id: '', name: 'boom', success: false, output: null, error: 'division by zero' },
      { call_id: '', name: 'add', success: false, output: null, error: "Tool 'add' arguments must be a JSON object, got string" },
      { call_id: '', name: '', success: false, output: null, error: "Tool '' not found" },
    ]);
  });

  it('gives the tool a copy of its arguments and the call context', async () => {
    const seen: unknown[] = [];
    const mutate: ToolFunction = (args, context) => {
      args['x'] = 99;
      seen.push(context.runId);
      return 'ok';
    };
    const call = { name: 'mutate', arguments: { x: 1 }, call_id: 'c' };
    await new MappingToolExecutor({ mutate }).execute([call], ctx);
    expect(call.arguments).toEqual({ x: 1 });
    expect(seen).toEqual(['r']);
  });

  it('fromTools names tools and refuses duplicates, nameless tools and non-functions', () => {
    const executor = MappingToolExecutor.fromTools([add, wordCount]);
    expect(executor.toolNames).toEqual(['add', 'word_count']);
    expect(executor.definitions()).toEqual([
      { name: 'add', description: '', parameters: { type: 'object', properties: {} } },
      { name: 'word_count', description: 'Count words', parameters: { type: 'object', properties: {} } },
    ]);
    expect(() => MappingToolExecutor.fromTools([add, add])).toThrow("Duplicate tool name 'add'");
    expect(() => MappingToolExecutor.fromTools([(() => (args: JsonObject) => args)()])).toThrow(/has no name/);
    expect(() => MappingToolExecutor.fromTools([42 as unknown as ToolFunction])).toThrow('Tool at index 0 is not a function');
  });
});

describe('toJsonable', () => {
  it('makes any tool output storable', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(
      toJsonable({
        date: new Date('2025-01-02T03:04:05Z'),
        map: new Map<unknown, unknown>([[1, 'one']]),
        set: new Set([1, 2]),
        point: new Point(1, 2),
        missing: undefined,
        error: new Error('bad'),
        big: 10n ** 20n,
        fn: function named() {},
        cyclic,
      }),
    ).toEqual({
      date: '2025-01-02T03:04:05.000Z',
      map: { '1': 'one' },
      set: [1, 2],
      point: { x: 1, y: 2 },
      missing: null,
      error: 'bad',
      big: 10n ** 20n,
      fn: expect.stringContaining('function named'),
      cyclic: { a: 1, self: '[Circular]' },
    });
    expect(toJsonable(NaN)).toEqual(new JsonNumber('NaN'));
    expect(toJsonable(-Infinity)).toEqual(new JsonNumber('-Infinity'));
  });
});

describe('TOOL_CALLS with the mapping executor (test_durable_toolsets)', () => {
  it('persists tool results at the step boundary and a new runtime completes the run', async () => {
    const runStore = new InMemoryRunStore();
    const ledgerStore = new InMemoryLedgerStore();
    const workflow = new WorkflowSpec({
      workflowId: 'durable_tools',
      entryNode: 'act',
      nodes: {
        act: () => ({ nodeId: 'act', effect: { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { x: 2, y: 3 }, call_id: 'c1' }] }, resultKey: 'tool_results' }, nextNode: 'done' }),
        done: (run) => ({ nodeId: 'done', completeOutput: { tool_results: run.vars['tool_results'] ?? null } }),
      },
    });
    const make = (): Runtime => new Runtime({ runStore, ledgerStore, effectHandlers: { tool_calls: makeToolCallsHandler(MappingToolExecutor.fromTools([add])) } });
    const first = make();
    const runId = await first.start({ workflow });
    const mid = await first.tick({ workflow, runId, maxSteps: 1 });
    expect([mid.status, mid.currentNode]).toEqual(['running', 'done']);
    const stored = await runStore.load(runId);
    expect(stored!.vars['tool_results']).toEqual({ mode: 'executed', results: [{ call_id: 'c1', name: 'add', success: true, output: 5, error: null }] });
    const done = await make().tick({ workflow, runId });
    expect(done.status).toBe('completed');
    expect((done.output!['tool_results'] as JsonObject)['mode']).toBe('executed');
  });
});
