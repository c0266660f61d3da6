import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a folder with the two benchmark workflows, loaded by the host like any workflow module:
 * `bench_loop` (a tool call in a loop: two ledger records per round) and `bench_graph_300`
 * (a 300-node graph, wide and deep, with a few effect and subworkflow nodes).
 */
export function writeBenchWorkflows(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-bench-wf-'));
  writeFileSync(join(dir, 'bench.mjs'), MODULE);
  return dir;
}

const MODULE = String.raw`
import { EffectType, WorkflowSpec, defineTool } from 'abstractruntime';

export const benchTick = defineTool(
  { name: 'bench_tick', description: 'Returns its input.', parameters: { type: 'object', properties: { n: { type: 'number' } } } },
  ({ n }) => Number(n),
);
export const tools = [benchTick];

const rounds = (run) => (typeof run.vars.rounds === 'number' ? run.vars.rounds : 50000);
const benchLoop = new WorkflowSpec({
  workflowId: 'bench_loop',
  entryNode: 'count',
  description: 'Benchmark: a tool call in a loop (two ledger records per round).',
  nodes: {
    count: (run) => {
      const i = typeof run.vars.i === 'number' ? run.vars.i : 0;
      run.vars.i = i + 1;
      return { nodeId: 'count', nextNode: i < rounds(run) ? 'tick' : 'done' };
    },
    tick: (run) => ({
      nodeId: 'tick',
      effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: [{ name: 'bench_tick', arguments: { n: run.vars.i }, call_id: 't' + run.vars.i }] }, resultKey: 'last' },
      nextNode: 'count',
    }),
    done: () => ({ nodeId: 'done', completeOutput: { ok: true } }),
  },
  graph: {
    nodes: { count: { kind: 'start' }, tick: { kind: 'effect', effectType: EffectType.TOOL_CALLS }, done: { kind: 'terminal' } },
    edges: [{ from: 'count', to: 'tick', label: 'next' }, { from: 'tick', to: 'count' }, { from: 'count', to: 'done', label: 'finished' }],
  },
});

const N = 300;
const ids = Array.from({ length: N }, (_, i) => 'n' + i);
const handlers = {};
const graphNodes = {};
const edges = [];
for (let i = 0; i < N; i++) {
  const next = i + 1 < N ? ids[i + 1] : null;
  handlers[ids[i]] = () => (next ? { nodeId: ids[i], nextNode: next } : { nodeId: ids[i], completeOutput: { ok: true } });
  graphNodes[ids[i]] = i === 0 ? { kind: 'start' } : i === N - 1 ? { kind: 'terminal' } : i % 25 === 0 ? { kind: 'subworkflow', effectType: EffectType.START_SUBWORKFLOW, workflowId: 'bench_loop' } : i % 7 === 0 ? { kind: 'effect', effectType: EffectType.LLM_CALL } : { kind: 'step' };
  if (next) edges.push({ from: ids[i], to: next });
  // Branches back and across so the layout has real work: a bushy, looping graph.
  if (i % 5 === 0 && i + 7 < N) edges.push({ from: ids[i], to: ids[i + 7], label: 'skip' });
  if (i % 11 === 0 && i > 20) edges.push({ from: ids[i], to: ids[i - 20], label: 'retry' });
}
const benchGraph = new WorkflowSpec({ workflowId: 'bench_graph_300', entryNode: 'n0', description: 'Benchmark: 300 nodes.', nodes: handlers, graph: { nodes: graphNodes, edges } });

export const workflows = [benchLoop, benchGraph];
`;
