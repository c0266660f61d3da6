/**
 * Everything at once, to see every Studio feature on one run:
 * - a synchronous subworkflow (the parent waits for its output) and an asynchronous one (it runs
 *   on its own, with its own timer);
 * - retries: `fetch` calls a flaky tool that fails its first two attempts; `check_fetch` sends
 *   the run back to `fetch` until it succeeds (each attempt is its own ledger entry);
 * - an artifact: `save_report` stores a JSON report through the Studio's `save_artifact` tool;
 * - a question (ask_user), an event (wait_event, resumed with a payload) and a timer
 *   (wait_until a few seconds ahead);
 * - a long loop: `loop` (a pure step) and `loop_effect` (a tool call) alternate
 *   vars.loop_total times (default 1500: 3000 steps, 3000 ledger records).
 */
import { EffectType, WorkflowSpec, defineTool, formatIsoTimestamp, isJsonObject, parseIsoTimestamp, type JsonObject, type JsonValue, type RunContext, type RunState } from 'abstractruntime';

const obj = (v: JsonValue | undefined): JsonObject => (isJsonObject(v) ? v : {});
const num = (v: JsonValue | undefined, fallback = 0): number => (typeof v === 'number' ? v : fallback);
/** The first result of a tool_calls effect stored at `v`: `{success, output, error}`. */
const firstResult = (v: JsonValue | undefined): JsonObject => {
  const results = obj(v)['results'];
  return Array.isArray(results) ? obj(results[0]) : {};
};
const secondsAfter = (iso: string, seconds: number): string => formatIsoTimestamp((parseIsoTimestamp(iso) ?? 0) + seconds * 1_000_000);

export const FLAKY_FAILURES = 2;
const MAX_FETCH_ATTEMPTS = 5;

/** Fails its first attempts like a flaky service; stateless (the attempt comes in), so replays agree. */
export const flakyFetch = defineTool(
  { name: 'flaky_fetch', description: 'Fetch the numbers of the day (fails the first two attempts).', parameters: { type: 'object', properties: { attempt: { type: 'number' } } } },
  ({ attempt }) => {
    if (Number(attempt) <= FLAKY_FAILURES) throw new Error(`upstream timed out (simulated, attempt ${String(attempt)})`);
    return { numbers: [3, 1, 4, 1, 5, 9, 2, 6], fetched_on_attempt: Number(attempt) };
  },
);
export const square = defineTool(
  { name: 'square', description: 'The square of a number.', parameters: { type: 'object', properties: { n: { type: 'number' } } } },
  ({ n }) => Number(n) * Number(n),
);
export const tools = [flakyFetch, square];

const toolCall = (name: string, args: JsonObject, callId: string): JsonObject => ({ tool_calls: [{ name, arguments: args, call_id: callId }] });

const childSync = new WorkflowSpec({
  workflowId: 'everything_child_sync',
  entryNode: 'sum',
  description: 'Child of everything_demo (synchronous): sums vars.numbers.',
  nodes: {
    sum: (run: RunState) => {
      const numbers = Array.isArray(run.vars['numbers']) ? run.vars['numbers'] : [];
      run.vars['sum'] = numbers.reduce<number>((a, n) => a + num(n), 0);
      return { nodeId: 'sum', nextNode: 'done' };
    },
    done: (run: RunState) => ({ nodeId: 'done', completeOutput: { sum: run.vars['sum'] ?? 0 } }),
  },
  graph: { nodes: { sum: { kind: 'start' }, done: { kind: 'terminal' } }, edges: [{ from: 'sum', to: 'done' }] },
});

const childAsync = new WorkflowSpec({
  workflowId: 'everything_child_async',
  entryNode: 'nap',
  description: 'Child of everything_demo (asynchronous): naps two seconds on its own timer, then completes.',
  nodes: {
    nap: (run: RunState, ctx: RunContext) => {
      const until = secondsAfter(ctx.nowIso(), 2);
      return { nodeId: 'nap', effect: { type: EffectType.WAIT_UNTIL, payload: { until }, resultKey: 'nap' }, nextNode: 'done' };
    },
    done: (run: RunState, ctx: RunContext) => ({ nodeId: 'done', completeOutput: { label: run.vars['label'] ?? null, woke_at: ctx.nowIso() } }),
  },
  graph: {
    nodes: { nap: { kind: 'effect', effectType: EffectType.WAIT_UNTIL, description: 'Waits two seconds' }, done: { kind: 'terminal' } },
    edges: [{ from: 'nap', to: 'done', label: 'time reached' }],
  },
});

const nodes = {
  setup: (run: RunState) => {
    run.vars['loop_total'] = num(run.vars['loop_total'], 1500);
    run.vars['fetch'] = { attempt: 0 };
    run.vars['loop'] = { i: 0, sum: 0 };
    return { nodeId: 'setup', nextNode: 'sync_child' };
  },
  sync_child: () => ({
    nodeId: 'sync_child',
    effect: { type: EffectType.START_SUBWORKFLOW, payload: { workflow_id: childSync.workflowId, vars: { numbers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } }, resultKey: 'children.sync' },
    nextNode: 'async_child',
  }),
  async_child: () => ({
    nodeId: 'async_child',
    effect: { type: EffectType.START_SUBWORKFLOW, payload: { workflow_id: childAsync.workflowId, async: true, vars: { label: 'napper' } }, resultKey: 'children.async' },
    nextNode: 'fetch',
  }),
  fetch: (run: RunState) => {
    // Counted before the call, in vars: the attempt number survives a restart with the run.
    const attempt = num(obj(run.vars['fetch'])['attempt']) + 1;
    run.vars['fetch'] = { ...obj(run.vars['fetch']), attempt };
    return { nodeId: 'fetch', effect: { type: EffectType.TOOL_CALLS, payload: toolCall('flaky_fetch', { attempt }, `fetch-${attempt}`), resultKey: 'fetch.last' }, nextNode: 'check_fetch' };
  },
  check_fetch: (run: RunState) => {
    const fetch = obj(run.vars['fetch']);
    const ok = firstResult(fetch['last'])['success'] === true;
    return { nodeId: 'check_fetch', nextNode: ok || num(fetch['attempt']) >= MAX_FETCH_ATTEMPTS ? 'save_report' : 'fetch' };
  },
  save_report: (run: RunState, ctx: RunContext) => {
    const fetched = firstResult(obj(run.vars['fetch'])['last']);
    const report: JsonObject = { title: 'Numbers of the day', made_at: ctx.nowIso(), fetched: fetched['output'] ?? null, child_sum: obj(obj(obj(run.vars['children'])['sync'])['output'])['sum'] ?? null };
    const args: JsonObject = { data: report, content_type: 'application/json', tags: { kind: 'report', workflow: 'everything_demo' } };
    return { nodeId: 'save_report', effect: { type: EffectType.TOOL_CALLS, payload: toolCall('save_artifact', args, 'report'), resultKey: 'report.saved' }, nextNode: 'check_report' };
  },
  check_report: (run: RunState) => {
    const saved = firstResult(obj(run.vars['report'])['saved']);
    // Without the Studio's save_artifact tool (another host) the run goes on and says why.
    run.vars['report'] = saved['success'] === true ? { artifact: saved['output'] ?? null } : { artifact: null, error: saved['error'] ?? 'not saved' };
    return { nodeId: 'check_report', nextNode: 'ask_ship' };
  },
  ask_ship: () => ({
    nodeId: 'ask_ship',
    effect: { type: EffectType.ASK_USER, payload: { prompt: 'The report is ready. Ship it?', choices: ['Ship it', 'Hold it'], allow_free_text: false }, resultKey: 'ship' },
    nextNode: 'decide',
  }),
  decide: (run: RunState) => ({ nodeId: 'decide', nextNode: obj(run.vars['ship'])['response'] === 'Hold it' ? 'finish' : 'wait_go' }),
  wait_go: (run: RunState) => ({
    nodeId: 'wait_go',
    effect: { type: EffectType.WAIT_EVENT, payload: { wait_key: `go:${run.runId}` }, resultKey: 'go' },
    nextNode: 'pause',
  }),
  pause: (run: RunState, ctx: RunContext) => ({
    nodeId: 'pause',
    effect: { type: EffectType.WAIT_UNTIL, payload: { until: secondsAfter(ctx.nowIso(), 5) }, resultKey: 'paused' },
    nextNode: 'loop',
  }),
  loop: (run: RunState) => {
    const loop = obj(run.vars['loop']);
    const last = firstResult(loop['last']);
    const sum = num(loop['sum']) + num(last['output']);
    const i = num(loop['i']);
    // Only counters are kept: vars stay small however long the loop runs.
    run.vars['loop'] = { i: i + 1, sum };
    return { nodeId: 'loop', nextNode: i < num(run.vars['loop_total']) ? 'loop_effect' : 'finish' };
  },
  loop_effect: (run: RunState) => {
    const i = num(obj(run.vars['loop'])['i']);
    return { nodeId: 'loop_effect', effect: { type: EffectType.TOOL_CALLS, payload: toolCall('square', { n: i }, `sq-${i}`), resultKey: 'loop.last' }, nextNode: 'loop' };
  },
  finish: (run: RunState) => {
    const loop = obj(run.vars['loop']);
    return {
      nodeId: 'finish',
      completeOutput: {
        shipped: obj(run.vars['ship'])['response'] !== 'Hold it',
        child_sum: obj(obj(obj(run.vars['children'])['sync'])['output'])['sum'] ?? null,
        async_child: obj(obj(run.vars['children'])['async'])['sub_run_id'] ?? null,
        fetch_attempts: obj(run.vars['fetch'])['attempt'] ?? 0,
        report: run.vars['report'] ?? null,
        go: run.vars['go'] ?? null,
        loop: { iterations: Math.max(0, num(loop['i']) - 1), sum_of_squares: num(loop['sum']) },
      },
    };
  },
};

const everythingDemo = new WorkflowSpec({
  workflowId: 'everything_demo',
  entryNode: 'setup',
  description: 'Everything at once: subworkflows (sync and async), retries, an artifact, a question, an event, a timer and a loop of thousands of steps.',
  nodes,
  graph: {
    nodes: {
      setup: { kind: 'start', description: 'Reads vars.loop_total (default 1500)' },
      sync_child: { kind: 'subworkflow', effectType: EffectType.START_SUBWORKFLOW, workflowId: childSync.workflowId, description: 'Runs a child and waits for its sum' },
      async_child: { kind: 'subworkflow', effectType: EffectType.START_SUBWORKFLOW, workflowId: childAsync.workflowId, description: 'Starts a child that runs on its own' },
      fetch: { kind: 'effect', effectType: EffectType.TOOL_CALLS, description: 'Calls flaky_fetch (fails twice)' },
      check_fetch: { kind: 'step', description: 'Retry until the fetch succeeds (5 attempts at most)' },
      save_report: { kind: 'effect', effectType: EffectType.TOOL_CALLS, description: 'Stores a JSON report artifact (save_artifact)' },
      check_report: { kind: 'step', description: 'Keeps the artifact reference' },
      ask_ship: { kind: 'effect', effectType: EffectType.ASK_USER, description: 'Ship it or hold it?' },
      decide: { kind: 'step' },
      wait_go: { kind: 'effect', effectType: EffectType.WAIT_EVENT, description: 'Waits for the event go:<run id>' },
      pause: { kind: 'effect', effectType: EffectType.WAIT_UNTIL, description: 'Waits five seconds' },
      loop: { kind: 'step', description: 'Adds the last square; another round?' },
      loop_effect: { kind: 'effect', effectType: EffectType.TOOL_CALLS, description: 'Squares the counter (tool call)' },
      finish: { kind: 'terminal', description: 'Completes with a summary of everything' },
    },
    edges: [
      { from: 'setup', to: 'sync_child' },
      { from: 'sync_child', to: 'async_child', label: 'child done' },
      { from: 'async_child', to: 'fetch', label: 'child started' },
      { from: 'fetch', to: 'check_fetch' },
      { from: 'check_fetch', to: 'fetch', label: 'retry' },
      { from: 'check_fetch', to: 'save_report', label: 'fetched' },
      { from: 'save_report', to: 'check_report' },
      { from: 'check_report', to: 'ask_ship' },
      { from: 'ask_ship', to: 'decide', label: 'answered' },
      { from: 'decide', to: 'wait_go', label: 'ship' },
      { from: 'decide', to: 'finish', label: 'hold' },
      { from: 'wait_go', to: 'pause', label: 'event' },
      { from: 'pause', to: 'loop', label: 'time reached' },
      { from: 'loop', to: 'loop_effect', label: 'next round' },
      { from: 'loop_effect', to: 'loop' },
      { from: 'loop', to: 'finish', label: 'done' },
    ],
  },
});

export const workflows = [everythingDemo, childSync, childAsync];
