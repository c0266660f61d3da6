/**
 * The demo workflows of resources/demo-workflows, loaded as the Studio loads them and driven to
 * completion on in-memory stores and a simulated clock. (This test lives here because vitest
 * collects tests under src/ and test/ only; the demos are what `studio serve` shows first.)
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFolders } from '../service/workflow-loader';
import {
  EffectType,
  executeApprovedToolCalls,
  isJsonObject,
  openPythonDataFolder,
  verifyDataFolder,
  type JsonObject,
  type LlmClient,
  type LlmGenerateRequest,
  type RunState,
} from '../../runtime/index';
import { DEMO_DIR, driveToEnd, harness, loadDemo } from './demo-harness';
import { TempDirs } from './test-support';

const DEMO_FILES = readdirSync(DEMO_DIR).filter((f) => f.endsWith('.ts')).sort();
const answer = (response: string): JsonObject => ({ response });

describe('demo workflows: loading and declared graphs', () => {
  it('has the reference examples and the everything demo', () => {
    expect(DEMO_FILES).toEqual([
      '01-hello-world.ts', '02-ask-user.ts', '03-wait-until.ts', '04-multi-step.ts',
      '05-persistence.ts', '06-llm-call.ts', '07-react-agent.ts', '08-everything.ts',
    ]);
  });

  it.each(DEMO_FILES)('%s declares every node (kind, effect) and edges between known nodes', async (file) => {
    const { workflows } = await loadDemo(file);
    expect(workflows.length).toBeGreaterThan(0);
    for (const spec of workflows) {
      const graph = spec.graph();
      const ids = new Set(graph.nodes.map((n) => n.id));
      expect(Object.keys(spec.declaration.nodes ?? {}).sort()).toEqual(Object.keys(spec.nodes).sort());
      expect(graph.nodes.find((n) => n.id === spec.entryNode)).toBeDefined();
      for (const e of graph.edges) expect([ids.has(e.from), ids.has(e.to)]).toEqual([true, true]);
      for (const n of graph.nodes) {
        if (n.kind === 'effect' || n.kind === 'subworkflow') expect(n.effectType, `${spec.workflowId}.${n.id}`).not.toBeNull();
        if (ids.size > 1) expect(graph.edges.some((e) => e.from === n.id || e.to === n.id), `${spec.workflowId}.${n.id} has an edge`).toBe(true);
      }
    }
  });

  it('loads through the Studio loader with no errors, with distinct workflow and tool names', async () => {
    const result = await loadWorkflowFolders([DEMO_DIR]);
    expect(result.errors).toEqual([]);
    const ids = result.modules.flatMap((m) => m.workflows.map((w) => w.workflowId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(10);
    const tools = result.modules.flatMap((m) => m.tools.map((t) => t.toolDefinition?.name));
    expect(tools.sort()).toEqual(['add', 'current_time', 'flaky_fetch', 'square', 'word_count', 'write_note']);
  });
});

describe('demo workflows: every one runs to completion', () => {
  it('hello world', async () => {
    const h = harness(await loadDemo('01-hello-world.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('hello_world') });
    expect((await driveToEnd(h, runId)).output).toEqual({ message: 'Hello, World!' });
  });

  it('ask user: a name, then one of three choices', async () => {
    const h = harness(await loadDemo('02-ask-user.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('ask_user_demo') });
    const prompts: string[] = [];
    const run = await driveToEnd(h, runId, (r) => {
      prompts.push(r.waiting?.prompt ?? '');
      return r.waiting?.choices ? answer(r.waiting.choices[1] ?? '') : answer('Ada');
    });
    expect(prompts).toEqual(['What is your name?', 'Nice to meet you, Ada! What would you like?']);
    expect(run.output).toMatchObject({ name: 'Ada', choice: 'Share a fun fact', reply: expect.stringContaining('Fun fact for Ada') });
  });

  it('wait until: sleeps three seconds of simulated time', async () => {
    const h = harness(await loadDemo('03-wait-until.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('wait_until_demo') });
    const first = await h.runtime.tick({ workflow: h.registry.getOrRaise('wait_until_demo'), runId });
    expect(first.waiting).toMatchObject({ reason: 'until', resumeToNode: 'woke_up' });
    const run = await driveToEnd(h, runId);
    const out = run.output as { scheduled_for: string; woke_at: string };
    expect(out.woke_at >= out.scheduled_for).toBe(true);
  });

  it('multi-step: loops over five items', async () => {
    const h = harness(await loadDemo('04-multi-step.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('multi_step_demo') });
    expect((await driveToEnd(h, runId)).output).toEqual({
      processed: ['Apple', 'BANANA', 'CHERRY', 'Date', 'ELDERBERRY'],
      count: 5,
      summary: 'Processed 5 items',
    });
  });

  it('persistence: waits in a data folder, answered by a second runtime after a "restart"', async () => {
    const temps = new TempDirs();
    try {
      const demo = await loadDemo('05-persistence.ts');
      const dir = temps.make('persist');
      const first = await openPythonDataFolder(dir);
      const before = harness({ ...demo, stores: first });
      const runId = await before.runtime.start({ workflow: before.registry.getOrRaise('persistence_demo') });
      const waiting = await before.runtime.tick({ workflow: before.registry.getOrRaise('persistence_demo'), runId });
      expect(waiting).toMatchObject({ status: 'waiting', currentNode: 'step2' });

      const second = await openPythonDataFolder(dir); // a new process: nothing shared but the files
      const after = harness({ ...demo, stores: second });
      const run = await driveToEnd(after, runId, () => answer('still here'));
      expect(run.output).toMatchObject({ message: 'still here' });
      expect((await verifyDataFolder(dir)).ok).toBe(true);
    } finally {
      temps.cleanup();
    }
  });

  it('llm call: a stub LLM answers', async () => {
    const llm: LlmClient = { generate: async (r) => ({ content: `Fact: ${r.prompt.includes('octopuses') ? 'three hearts' : '?'}`, model: 'stub-model' }) };
    const h = harness({ ...(await loadDemo('06-llm-call.ts')), llm });
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('llm_demo') });
    expect((await driveToEnd(h, runId)).output).toEqual({ topic: 'octopuses', fact: 'Fact: three hearts', model: 'stub-model' });
  });

  it('ReAct agent: harmless tools run at once, write_note waits for approval', async () => {
    const demo = await loadDemo('07-react-agent.ts');
    const requests: LlmGenerateRequest[] = [];
    const script: JsonObject[] = [
      { content: '', tool_calls: [{ name: 'add', arguments: { a: 17, b: 25 }, call_id: 'c1' }, { name: 'word_count', arguments: { text: 'durable runs survive restarts' }, call_id: 'c2' }, { name: 'current_time', arguments: {}, call_id: 'c3' }] },
      { content: '', tool_calls: [{ name: 'write_note', arguments: { title: 'Demo', body: '42, 4 words' }, call_id: 'c4' }] },
      { content: '17 + 25 = 42; 4 words; note saved.', tool_calls: [] },
    ];
    const llm: LlmClient = { generate: async (r) => (requests.push(r), script[requests.length - 1] ?? { content: 'done' }) };
    const h = harness({ ...demo, llm });
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('react_agent_demo') });
    const approvals: RunState[] = [];
    const run = await driveToEnd(h, runId, async (r) => {
      approvals.push(r);
      const calls = r.waiting?.details?.['tool_calls'];
      return executeApprovedToolCalls(h.executor, Array.isArray(calls) ? calls : [], { c4: { approved: true } });
    });
    expect(run.output).toEqual({ answer: '17 + 25 = 42; 4 words; note saved.', stop_reason: 'answered', iterations: 3 });
    expect(approvals.map((a) => [a.currentNode, a.waiting?.details?.['approval_required']])).toEqual([['act', ['c4']]]);
    expect(String((requests[0]?.messages?.[0] as JsonObject | undefined)?.['content'])).toContain('What is 17 + 25?'); // the default task
    const toolMessages = (requests[1]?.messages ?? []).filter((m) => isJsonObject(m) && m['role'] === 'tool');
    expect(toolMessages.slice(0, 2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: '42' },
      { role: 'tool', tool_call_id: 'c2', content: '4' },
    ]);
  });
});

describe('the everything demo', () => {
  it('runs subworkflows, retries, an artifact, a question, an event, a timer and a 1500-round loop', async () => {
    const h = harness(await loadDemo('08-everything.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('everything_demo') });
    const asked: string[] = [];
    const run = await driveToEnd(h, runId, (r) => {
      asked.push(`${r.waiting?.reason}:${r.currentNode}`);
      return r.waiting?.reason === 'user' ? answer('Ship it') : { go: true, by: 'test' };
    });
    expect(asked).toEqual(['user:ask_ship', 'event:wait_go']);
    const output = run.output as JsonObject;
    expect(output).toMatchObject({ shipped: true, child_sum: 55, fetch_attempts: 3, go: { go: true, by: 'test' } });
    expect(output['loop']).toEqual({ iterations: 1500, sum_of_squares: (1500 * 1501 * 3001) / 6 });

    const artifact = (output['report'] as { artifact: { $artifact: string } }).artifact;
    expect(await h.artifacts.loadJson(artifact.$artifact)).toMatchObject({ title: 'Numbers of the day', child_sum: 55, fetched: { fetched_on_attempt: 3 } });

    const ledger = await h.runtime.getLedger(runId);
    const fetches = ledger.filter((r) => r.nodeId === 'fetch' && r.status === 'completed').map((r) => (r.result?.['results'] as JsonObject[])[0]?.['success']);
    expect(fetches).toEqual([false, false, true]);
    expect(ledger.filter((r) => r.nodeId === 'loop_effect' && r.effect?.type === EffectType.TOOL_CALLS)).toHaveLength(3000);

    const asyncChild = await h.runtime.getState(String(output['async_child']));
    expect(asyncChild).toMatchObject({ status: 'completed', parentRunId: runId, output: { label: 'napper' } });
  });

  it('stops early when the report is held', async () => {
    const h = harness(await loadDemo('08-everything.ts'));
    const runId = await h.runtime.start({ workflow: h.registry.getOrRaise('everything_demo'), vars: { loop_total: 3 } });
    const run = await driveToEnd(h, runId, () => answer('Hold it'));
    expect(run.output).toMatchObject({ shipped: false, go: null, loop: { iterations: 0, sum_of_squares: 0 } });
  });
});
