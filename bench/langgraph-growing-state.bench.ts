/**
 * The growing-state workload of sqlite-growing-state.bench.ts on LangGraph.js with its SQLite
 * checkpointer (`@langchain/langgraph-checkpoint-sqlite`, `durability: "sync"`), as a reference
 * point: one node appends a 1 KB message to a `messages` channel (an appending reducer) per step.
 * LangGraph stores each changed channel whole in every checkpoint, so its file grows with the
 * square of the run: at 5,000 steps that is ~13 GB and hours here, so it runs LANGGRAPH_STEPS
 * (default 1,000) steps, and our workspace runs the same count in the same process for a like
 * for like figure.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { emit, load1, withTempDir } from './durable-loop';
import { Runtime } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { growingWorkflow, message, stubLlm } from './sqlite-growing-state.bench';

const STEPS = Number(process.env['LANGGRAPH_STEPS'] ?? 1000);

const State = Annotation.Root({
  messages: Annotation<object[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

export async function run(): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'langgraph.sqlite');
    const saver = SqliteSaver.fromConnString(path);
    const graph = new StateGraph(State)
      .addNode('turn', (s) => ({ messages: [message(s.messages.length)] }))
      .addEdge(START, 'turn')
      .addConditionalEdges('turn', (s) => (s.messages.length >= STEPS ? END : 'turn'))
      .compile({ checkpointer: saver });
    const t0 = process.hrtime.bigint();
    const out = await graph.invoke({ messages: [] }, { configurable: { thread_id: 'bench' }, durability: 'sync', recursionLimit: STEPS + 10 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (out.messages.length !== STEPS) throw new Error(`langgraph ran ${out.messages.length} steps`);
    const file = statSync(path).size + walSize(path);
    const ours = await ourWorkspace(join(dir, 'ours.sqlite'));
    emit({ bench: 'growing_state_ours_sqlite_same_run', steps: STEPS, steps_per_s: Math.round(STEPS / ours.seconds), file_mb: +(ours.bytes / 1e6).toFixed(1), load1: load1() });
    emit({ bench: 'growing_state_langgraph_sqlite', steps: STEPS, steps_per_s: Math.round(STEPS / seconds), file_mb: +(file / 1e6).toFixed(1), final_state_mb: +(JSON.stringify(out.messages).length / 1e6).toFixed(2), durability: 'sync', load1: load1() });
  });
}

/** The same steps on our runtime over a SqliteWorkspace, in the same process and folder. */
async function ourWorkspace(path: string): Promise<{ seconds: number; bytes: number }> {
  const ws = SqliteWorkspace.open(path);
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: stubLlm } });
  const wf = growingWorkflow(STEPS, []);
  const runId = await runtime.start({ workflow: wf });
  const t0 = process.hrtime.bigint();
  const final = await runtime.tick({ workflow: wf, runId, maxSteps: STEPS + 1 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  ws.close();
  if (final.status !== 'completed') throw new Error(`our run ended ${final.status}`);
  return { seconds, bytes: statSync(path).size };
}

function walSize(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
