import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EffectType } from '../core/enums';
import { Runtime } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { verifyLedgerChain } from '../ledger/chain-verifier';
import { makeLlmCallHandler } from '../integrations/llm/llm-call-handler';
import { RemoteLlmClient } from '../integrations/llm/openai-compatible-client';
import { chatAnswer } from '../integrations/testing/fake-chat-server';
import { useFakeChatServer } from '../integrations/testing/use-fake-chat-server';
import { TempWorkspaces } from '../storage/sqlite/test-support/temp-workspace';
import { emitPastRunSpans } from './past-run-spans';
import { type TraceLink } from './record-spans';
import { OtlpReceiver, type ReceivedSpan } from './testing/otlp-receiver';

/** llm (a real LLM_CALL against a chat server) → ask (waits for a person) → done. */
const traced = new WorkflowSpec({
  workflowId: 'traced',
  entryNode: 'llm',
  nodes: {
    llm: () => ({ nodeId: 'llm', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'Say hi' }, resultKey: 'hi' }, nextNode: 'ask' }),
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Fine?' }, resultKey: 'fine' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { fine: run.vars['fine'] ?? null } }),
  },
});

const chat = useFakeChatServer();
const temp = new TempWorkspaces();
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(() => receiver.close());
afterEach(() => temp.cleanup());

/** What an app sets up: an SDK provider exporting OTLP/HTTP to its collector. */
const appProvider = (): BasicTracerProvider =>
  new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'traced-app' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: receiver.url }))],
  });

function runtimeOn(provider: BasicTracerProvider | null, links: Array<TraceLink & { seq: number | null }> = []) {
  const ws = temp.create();
  const llm = makeLlmCallHandler(new RemoteLlmClient({ serverBaseUrl: chat.baseUrl, model: 'gpt-test' }));
  const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: llm }, tracerProvider: provider, onTraceLink: (_r, seq, l) => links.push({ ...l, seq }) });
  return { ws, rt };
}

async function driveToEnd(rt: Runtime): Promise<string> {
  chat.enqueue({ body: chatAnswer('Hi!', { model: 'gpt-test-0613', usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }) });
  const runId = await rt.start({ workflow: traced });
  const waiting = await rt.tick({ workflow: traced, runId });
  await rt.resume({ workflow: traced, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'yes' } });
  return runId;
}

const ofRun = (spans: ReceivedSpan[], runId: string): ReceivedSpan[] => spans.filter((s) => s.attributes['abstractruntime.run.id'] === runId);
const byId = (spans: ReceivedSpan[]): Map<string, ReceivedSpan> => new Map(spans.map((s) => [s.spanId, s]));

describe('OpenTelemetry spans of a run, received over OTLP/HTTP', () => {
  it('sends one trace per run: a run span per drive, a span per finished record, effect spans under them', async () => {
    const provider = appProvider();
    const links: Array<TraceLink & { seq: number | null }> = [];
    const { ws, rt } = runtimeOn(provider, links);
    const runId = await driveToEnd(rt);
    await rt.tracing.settled();
    await provider.forceFlush();

    const spans = ofRun(receiver.spans(), runId);
    const ledger = await ws.ledger.list(runId);
    expect(verifyLedgerChain(ledger).ok).toBe(true); // tracing adds nothing to what is hashed
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.every((s) => s.scope === 'abstractruntime')).toBe(true);

    const runs = spans.filter((s) => s.name === 'run traced');
    expect(runs.map((s) => s.attributes['abstractruntime.run.status'])).toEqual(['waiting', 'completed']);
    expect(runs[0]!.parentSpanId).toBeNull();
    expect(runs[1]!.parentSpanId).toBe(runs[0]!.spanId); // the second drive joins the run's trace

    const steps = spans.filter((s) => s.name.startsWith('step '));
    const finished = ledger.map((r, seq) => ({ r, seq })).filter(({ r }) => r.status !== 'started');
    expect(steps.map((s) => s.attributes['abstractruntime.ledger.seq']).sort()).toEqual(finished.map((f) => f.seq).sort());
    for (const step of steps) {
      const seq = step.attributes['abstractruntime.ledger.seq'] as number;
      const rec = ledger[seq]!;
      expect(runs.map((r) => r.spanId)).toContain(step.parentSpanId);
      expect(step.attributes).toMatchObject({
        'abstractruntime.run.id': runId,
        'abstractruntime.workflow.id': 'traced',
        'abstractruntime.node.id': rec.nodeId,
        'abstractruntime.step.status': rec.status,
        'abstractruntime.attempt': rec.attempt,
        'abstractruntime.ledger.record_hash': rec.recordHash,
      });
    }
    expect(links.map((l) => l.spanId).sort()).toEqual(steps.map((s) => s.spanId).sort());

    const index = byId(spans);
    const llm = spans.find((s) => s.name === 'llm_call llm')!;
    expect(index.get(llm.parentSpanId!)!.name).toBe('step llm');
    expect(llm.attributes).toMatchObject({
      'abstractruntime.effect.type': 'llm_call',
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'gpt-test-0613',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
    });
    const ask = spans.filter((s) => s.name === 'ask_user ask');
    expect(ask.map((s) => index.get(s.parentSpanId!)!.name)).toEqual(['step ask']);
    expect(ask[0]!.attributes['abstractruntime.step.status']).toBe('waiting');
    expect(llm.endNanos >= llm.startNanos).toBe(true);
    await provider.shutdown();
  });

  it("uses the app's global provider, under the app's active span", async () => {
    const provider = appProvider();
    // What NodeSDK / NodeTracerProvider.register() do: a global provider and async context.
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const { rt } = runtimeOn(null);
      const app = trace.getTracer('app');
      const [runId, appSpanId] = await app.startActiveSpan('POST /orders', async (span) => {
        const id = await driveToEnd(rt);
        span.end();
        return [id, span.spanContext().spanId] as const;
      });
      await rt.tracing.settled();
      await provider.forceFlush();
      const runs = ofRun(receiver.spans(), runId).filter((s) => s.name === 'run traced');
      expect(runs[0]!.parentSpanId).toBe(appSpanId);
    } finally {
      trace.disable();
      context.disable();
      await provider.shutdown();
    }
  });

  it('sends nothing, and runs as before, when no provider is set', async () => {
    const before = receiver.spans().length;
    const { ws, rt } = runtimeOn(null);
    const runId = await driveToEnd(rt);
    await rt.tracing.settled();
    expect((await rt.getState(runId)).status).toBe('completed');
    expect(verifyLedgerChain(await ws.ledger.list(runId)).ok).toBe(true);
    expect(receiver.spans().length).toBe(before);
  });

  it('gives a past run the same tree from its stored state and ledger', async () => {
    const { ws, rt } = runtimeOn(null);
    const runId = await driveToEnd(rt);
    const provider = appProvider();
    emitPastRunSpans(provider.getTracer('abstractruntime'), (await ws.runs.load(runId))!, await ws.ledger.list(runId));
    await provider.forceFlush();
    const spans = ofRun(receiver.spans(), runId);
    const [run, ...rest] = spans.filter((s) => s.name === 'run traced');
    expect(rest).toEqual([]);
    expect(run!.attributes['abstractruntime.run.status']).toBe('completed');
    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.attributes['abstractruntime.node.id'])).toEqual(['llm', 'ask', 'ask', 'done']);
    expect(steps.every((s) => s.parentSpanId === run!.spanId)).toBe(true);
    await provider.shutdown();
  });
});
