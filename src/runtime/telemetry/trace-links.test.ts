import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../core/runtime';
import { TempWorkspaces } from '../storage/sqlite/test-support/temp-workspace';
import { askWorkflow } from '../storage/sqlite/test-support/workflows';
import { ATTR } from './span-attributes';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('ledger records keep their trace and span ids', () => {
  it('keeps, beside each traced record of a SQLite workspace, the ids of its step span, across a re-open', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const path = temp.newPath();
    const ws = temp.open(path);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, tracerProvider: provider });
    const runId = await rt.start({ workflow: askWorkflow });
    const waiting = await rt.tick({ workflow: askWorkflow, runId });
    await rt.resume({ workflow: askWorkflow, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'red' } });
    await rt.tracing.settled();
    ws.close();

    const again = temp.open(path);
    const count = await again.ledger.ledgerCount(runId);
    const links = again.ledger.traceLinks(runId, 0, count - 1);
    const steps = exporter.getFinishedSpans().filter((s) => s.name.startsWith('step '));
    expect(links.size).toBe(steps.length);
    expect(links.size).toBeGreaterThanOrEqual(3); // the wait, the answer, the completion
    for (const span of steps) {
      const seq = span.attributes[ATTR.LEDGER_SEQ] as number;
      expect(links.get(seq)).toEqual({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
    }
    expect((await again.verifyRun(runId)).ok).toBe(true); // the ids are beside the records, not in their hashes
  });

  it('keeps nothing when nobody traces', async () => {
    const ws = temp.create();
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const runId = await rt.start({ workflow: askWorkflow });
    await rt.tick({ workflow: askWorkflow, runId });
    expect(ws.ledger.traceLinks(runId, 0, 100).size).toBe(0);
  });
});
