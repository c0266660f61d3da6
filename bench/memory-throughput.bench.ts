/** In-memory durable-loop throughput at 1k, 10k and 100k steps (issue 2: flat, ≥ 50,000 steps/s at 100k). */
import { HashChainedLedgerStore, InMemoryLedgerStore, InMemoryRunStore } from '../src/runtime/index';
import { emit, measureLoop } from './durable-loop';

export async function run(): Promise<void> {
  await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), 2000); // warm-up
  for (const steps of [1_000, 10_000, 100_000]) {
    const r = await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), steps);
    emit({ bench: 'durable_loop_memory', steps, steps_per_s: Math.round(r.stepsPerSecond), seconds: +r.seconds.toFixed(3), ledger_records: steps * 2 + 1 });
  }
}
