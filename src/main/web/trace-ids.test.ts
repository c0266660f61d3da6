/**
 * Issue 18, item 3: a run traced by the process that drove it (an app with an OpenTelemetry SDK)
 * shows each record's trace and span id in the Studio, read from the workspace file.
 */
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { EffectType, Runtime, WorkflowSpec } from '../../runtime/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { startHarness, type Harness } from '../testing/studio-harness';

const greet = new WorkflowSpec({
  workflowId: 'traced_greet',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Name?' }, resultKey: 'name' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { name: run.vars['name'] ?? null } }),
  },
});

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('trace ids in the Studio', () => {
  it('gives each traced record its trace and span id, and none to records nobody traced', async () => {
    h = await startHarness();
    const path = join(h.dir, 'traced.studio.sqlite');
    await h.call('workspace.create', { path });

    const exporter = new InMemorySpanExporter();
    const app = SqliteWorkspace.open(path);
    const traced = new Runtime({ runStore: app.runs, ledgerStore: app.ledger, tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }) });
    const runId = await traced.start({ workflow: greet });
    const waiting = await traced.tick({ workflow: greet, runId });
    await traced.resume({ workflow: greet, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'Ada' } });
    await traced.tracing.settled();
    const untraced = new Runtime({ runStore: app.runs, ledgerStore: app.ledger });
    const plainId = await untraced.start({ workflow: greet });
    await untraced.tick({ workflow: greet, runId: plainId });
    app.close();

    const { entries } = await h.call('ledger.page', { runId });
    const spans = new Map(exporter.getFinishedSpans().filter((s) => s.name.startsWith('step ')).map((s) => [s.attributes['abstractruntime.ledger.seq'], s.spanContext()]));
    const withIds = entries.filter((e) => e.trace);
    expect(withIds.length).toBe(spans.size);
    for (const e of withIds) expect(e.trace).toEqual({ traceId: spans.get(e.seq)!.traceId, spanId: spans.get(e.seq)!.spanId });
    expect(entries.filter((e) => !e.trace).map((e) => e.status)).toEqual(['started']); // a started record has no span of its own
    expect((await h.call('ledger.page', { runId: plainId })).entries.every((e) => e.trace === undefined)).toBe(true); // untraced rows carry no trace field, as in events
  });
});
