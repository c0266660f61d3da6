/**
 * A writer process for the checkpoint tests: opens the workspace at argv[2] with small WAL
 * thresholds (so its checkpoint worker copies, catches up and lets the WAL restart often), drives a
 * durable loop of argv[3] steps in a new run (once its checkpoint worker has taken over), closes, and prints `{"runId","status","walCheckpoints"}`.
 * Run with `node --import tsx loop-writer-child.ts <path> <steps>`.
 */
import { EffectType } from '../../../core/enums';
import { Runtime } from '../../../core/runtime';
import { WorkflowSpec } from '../../../core/spec';
import { SqliteWorkspace } from '../sqlite-workspace';
import { stubLlm } from './workflows';

/** `steps` llm_call steps in a loop on one node, then completion. */
function counterLoop(steps: number): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'sqlite_counter_loop',
    entryNode: 'count',
    nodes: {
      count: (run) => {
        const i = Number(run.vars['i'] ?? 0);
        if (i >= steps) return { nodeId: 'count', completeOutput: { counted: i } };
        run.vars['i'] = i + 1;
        return { nodeId: 'count', effect: { type: EffectType.LLM_CALL, payload: { prompt: `count ${i}` }, resultKey: 'last' }, nextNode: 'count' };
      },
    },
  });
}

async function main(): Promise<void> {
  const [path, steps] = process.argv.slice(2) as [string, string];
  const ws = SqliteWorkspace.open(path, { backgroundCheckpoints: { signalEveryCommits: 50, restartFrames: 300 } });
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: stubLlm().handler } });
  const workflow = counterLoop(Number(steps));
  // The checkpoint worker starts once the writer is busy, on a thread of its own: on a loaded
  // machine the loop could end before it is ready. Saves of a run of its own keep the writer busy
  // until the worker has taken over, so the loop below always runs beside it.
  const warmId = await runtime.start({ workflow });
  const warm = await ws.runs.load(warmId);
  for (const deadline = Date.now() + 30_000; warm && ws.storageSettings().walCheckpoints === 'writer' && Date.now() < deadline; ) {
    await ws.runs.save(warm);
    await new Promise((r) => setTimeout(r, 2));
  }
  const runId = await runtime.start({ workflow });
  const state = await runtime.tick({ workflow, runId, maxSteps: Number(steps) + 1 });
  const mode = ws.storageSettings().walCheckpoints;
  ws.close();
  process.stdout.write(`${JSON.stringify({ runId, status: state.status, walCheckpoints: mode })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
