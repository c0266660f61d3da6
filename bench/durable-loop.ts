/**
 * The durable loop used by the throughput benchmarks: one node that issues an `llm_call` per step
 * (answered by a stub handler) and loops until `steps` calls were made. Every step writes two
 * hash-chained ledger records and saves the run state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EffectOutcome, Runtime, WorkflowSpec, type LedgerStore, type RunStore } from '../src/runtime/index';

export interface LoopOptions {
  /** Each step's payload deep-frozen (Object.freeze at every level): issue 15 item 2 then serialises it once a step. */
  frozenPayload?: boolean;
}

export function loopWorkflow(steps: number, options: LoopOptions = {}): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: options.frozenPayload ? 'bench_loop_frozen' : 'bench_loop',
    entryNode: 'step',
    nodes: {
      step: (run) => {
        const i = Number(run.vars['i'] ?? 0);
        if (i >= steps) return { nodeId: 'step', completeOutput: { steps: i } };
        run.vars['i'] = i + 1;
        const payload = options.frozenPayload
          ? Object.freeze({ prompt: `step ${i}`, params: Object.freeze({ temperature: 0.2 }) })
          : { prompt: `step ${i}`, params: { temperature: 0.2 } };
        return { nodeId: 'step', effect: { type: 'llm_call', payload, resultKey: '_temp.llm' }, nextNode: 'step' };
      },
    },
  });
}

export const stubLlm = () => EffectOutcome.completed({ content: 'ok', tool_calls: null, usage: { total_tokens: 12 }, model: 'stub', finish_reason: 'stop' });

/**
 * Runs `steps` steps and returns steps per second (wall clock, one tick), and the CPU time the
 * process spent per step (all its threads: user + system), which a busy shared machine inflates
 * far less than the wall clock.
 */
export async function measureLoop(runStore: RunStore, ledgerStore: LedgerStore, steps: number, options: LoopOptions = {}): Promise<{ stepsPerSecond: number; seconds: number; cpuUsPerStep: number }> {
  const runtime = new Runtime({ runStore, ledgerStore, effectHandlers: { llm_call: stubLlm } });
  const wf = loopWorkflow(steps, options);
  const runId = await runtime.start({ workflow: wf });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const state = await runtime.tick({ workflow: wf, runId, maxSteps: steps + 1 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (state.status !== 'completed') throw new Error(`bench run ended ${state.status}: ${state.error}`);
  return { stepsPerSecond: steps / seconds, seconds, cpuUsPerStep: (cpu.user + cpu.system) / steps };
}

/** CPU time (user + system, all threads) of the process so far, µs. */
export const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export function emit(figure: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(figure) + '\n');
}

/** The median of some measurements (benchmarks report medians of several runs). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile (0..100, nearest rank) of some measurements. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Runs `work` with a fresh folder on the normal disk (the OS temp folder), removed afterwards. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ar-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The machine's 1-minute load average, printed with each figure: this box is shared. */
export const load1 = (): number => +loadavg()[0]!.toFixed(2);
