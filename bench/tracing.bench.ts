/**
 * What OpenTelemetry tracing costs the in-memory durable loop (20,000 llm_call steps, two
 * hash-chained records each): no provider set (the default: one identity check per commit),
 * and an SDK provider whose batch processor hands every span to an exporter that drops it
 * (the runtime's span building plus the SDK's own cost, without network). Median of 3 runs.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { HashChainedLedgerStore, InMemoryLedgerStore, InMemoryRunStore, Runtime } from '../src/runtime/index';
import { emit, loopWorkflow, median, stubLlm } from './durable-loop';

const STEPS = 20_000;
const ROUNDS = 3;

class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

async function loop(provider: BasicTracerProvider | null): Promise<number> {
  const runtime = new Runtime({
    runStore: new InMemoryRunStore(),
    ledgerStore: new HashChainedLedgerStore(new InMemoryLedgerStore()),
    effectHandlers: { llm_call: stubLlm },
    tracerProvider: provider,
  });
  const wf = loopWorkflow(STEPS);
  const runId = await runtime.start({ workflow: wf });
  const t0 = process.hrtime.bigint();
  const state = await runtime.tick({ workflow: wf, runId, maxSteps: STEPS + 1 });
  await runtime.tracing.settled();
  await provider?.forceFlush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (state.status !== 'completed') throw new Error(`bench run ended ${state.status}`);
  return STEPS / seconds;
}

export async function run(): Promise<void> {
  await loop(null); // warm-up
  const off: number[] = [];
  const on: number[] = [];
  let exported = 0;
  for (let i = 0; i < ROUNDS; i++) {
    off.push(await loop(null));
    const exporter = new DroppingExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 2048 })] });
    on.push(await loop(provider));
    await provider.shutdown();
    exported = exporter.spans;
  }
  emit({ bench: 'tracing_memory_loop', steps: STEPS, provider: 'none', steps_per_s: Math.round(median(off)) });
  emit({ bench: 'tracing_memory_loop', steps: STEPS, provider: 'sdk_batch_dropping_exporter', steps_per_s: Math.round(median(on)), spans_per_run: exported });
}
