/** Small workflows and helpers shared by the runtime's tests (not exported by the library). */
import { type EffectType } from '../core/enums';
import { EffectOutcome } from '../core/outcome';
import { type EffectHandler } from '../core/effect-handler';
import { Runtime, type RuntimeOptions } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { type JsonObject } from '../json/json-value';
import { HashChainedLedgerStore } from '../ledger/hash-chained-ledger-store';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';

/** Fails `failCount` times, then succeeds with `{ success: true, attempt }`. */
export function failingHandler(failCount = 0): EffectHandler & { calls: JsonObject[]; readonly callCount: number } {
  const calls: JsonObject[] = [];
  const handler: EffectHandler = (run, effect) => {
    calls.push({ run_id: run.runId, payload: effect.payload ?? {} });
    if (calls.length <= failCount) return EffectOutcome.failed(`Simulated failure ${calls.length}`);
    return EffectOutcome.completed({ success: true, attempt: calls.length });
  };
  return Object.defineProperties(handler, {
    calls: { value: calls },
    callCount: { get: () => calls.length },
  }) as EffectHandler & { calls: JsonObject[]; readonly callCount: number };
}

/** start: one effect (result at `result`) → done: completes with it. */
export function effectWorkflow(type: EffectType = 'llm_call', payload: JsonObject = { prompt: 'test' }): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'effect_workflow',
    entryNode: 'start',
    nodes: {
      start: () => ({ nodeId: 'start', effect: { type, payload, resultKey: 'result' }, nextNode: 'done' }),
      done: (run) => ({ nodeId: 'done', completeOutput: { result: run.vars['result'] ?? null } }),
    },
  });
}

export interface MemoryRuntime {
  runtime: Runtime;
  runStore: InMemoryRunStore;
  ledgerStore: HashChainedLedgerStore;
  sleeps: number[];
}

export function memoryRuntime(options: Partial<RuntimeOptions> = {}): MemoryRuntime {
  const runStore = (options.runStore as InMemoryRunStore | undefined) ?? new InMemoryRunStore();
  const ledgerStore = (options.ledgerStore as HashChainedLedgerStore | undefined) ?? new HashChainedLedgerStore(new InMemoryLedgerStore());
  const sleeps: number[] = [];
  const runtime = new Runtime({
    ...options,
    runStore,
    ledgerStore,
    sleep: options.sleep ?? (async (s) => void sleeps.push(s)),
  });
  return { runtime, runStore, ledgerStore, sleeps };
}
