/**
 * The durable loop used by the throughput benchmarks: one node that issues an `llm_call` per step
 * (answered by a stub handler) and loops until `steps` calls were made. Every step writes two
 * hash-chained ledger records and saves the run state.
 */
import { EffectOutcome, Runtime, WorkflowSpec, type LedgerStore, type RunStore } from '../src/runtime/index';

export function loopWorkflow(steps: number): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'bench_loop',
    entryNode: 'step',
    nodes: {
      step: (run) => {
        const i = Number(run.vars['i'] ?? 0);
        if (i >= steps) return { nodeId: 'step', completeOutput: { steps: i } };
        run.vars['i'] = i + 1;
        return { nodeId: 'step', effect: { type: 'llm_call', payload: { prompt: `step ${i}`, params: { temperature: 0.2 } }, resultKey: '_temp.llm' }, nextNode: 'step' };
      },
    },
  });
}

export const stubLlm = () => EffectOutcome.completed({ content: 'ok', tool_calls: null, usage: { total_tokens: 12 }, model: 'stub', finish_reason: 'stop' });

/** Runs `steps` steps and returns steps per second (wall clock, one tick). */
export async function measureLoop(runStore: RunStore, ledgerStore: LedgerStore, steps: number): Promise<{ stepsPerSecond: number; seconds: number }> {
  const runtime = new Runtime({ runStore, ledgerStore, effectHandlers: { llm_call: stubLlm } });
  const wf = loopWorkflow(steps);
  const runId = await runtime.start({ workflow: wf });
  const t0 = process.hrtime.bigint();
  const state = await runtime.tick({ workflow: wf, runId, maxSteps: steps + 1 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (state.status !== 'completed') throw new Error(`bench run ended ${state.status}: ${state.error}`);
  return { stepsPerSecond: steps / seconds, seconds };
}

export function emit(figure: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(figure) + '\n');
}
