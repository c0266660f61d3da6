import { SpanKind, SpanStatusCode, trace, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { StepStatus } from '../core/enums';
import { type RunState, type StepRecord } from '../core/models';
import { parseIsoTimestamp } from '../json/timestamp';
import { ATTR, genAiAttributes, recordAttributes } from './span-attributes';

/** Where a ledger record is in a trace: the ids a trace tool finds it by. */
export interface TraceLink {
  traceId: string;
  spanId: string;
}

/** The instrumentation scope our spans carry. */
export const TRACER_NAME = 'abstractruntime';

/**
 * Spans are built from committed ledger records, with the times the records carry, so a live run
 * and a past run exported later give the same tree: run → step (one per finished record) → effect.
 */
export function hrTimeOf(iso: string | null): HrTime | undefined {
  const micros = iso ? parseIsoTimestamp(iso) : null;
  if (micros === null) return undefined;
  const seconds = Math.floor(micros / 1_000_000);
  return [seconds, (micros - seconds * 1_000_000) * 1000];
}

/** Opens the span of a run (a root span, or a child of the app's span active in `parent`). */
export function startRunSpan(tracer: Tracer, parent: Context, run: Pick<RunState, 'runId' | 'workflowId'>, startedAt: string | null): Span {
  return tracer.startSpan(
    `run ${run.workflowId}`,
    { kind: SpanKind.INTERNAL, startTime: hrTimeOf(startedAt), attributes: { [ATTR.RUN_ID]: run.runId, [ATTR.WORKFLOW_ID]: run.workflowId } },
    parent,
  );
}

/** Closes a run's span with the status the run stopped in (completed, failed, waiting, cancelled). */
export function endRunSpan(span: Span, run: Pick<RunState, 'status' | 'error' | 'updatedAt'>): void {
  span.setAttribute(ATTR.RUN_STATUS, run.status);
  if (run.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: run.error ?? 'failed' });
  span.end(hrTimeOf(run.updatedAt));
}

/**
 * The span of one finished record (its step) and, when it ran an effect, the effect's span under
 * it. A `started` record opens nothing: its finished twin carries the same start time.
 */
export function emitRecordSpans(tracer: Tracer, runContext: Context, record: StepRecord, seq: number | null, workflowId: string | null): TraceLink | null {
  if (record.status === StepStatus.STARTED) return null;
  const start = hrTimeOf(record.startedAt);
  const end = hrTimeOf(record.endedAt ?? record.startedAt);
  const attributes = recordAttributes(record, seq, workflowId);
  const step = tracer.startSpan(`step ${record.nodeId}`, { startTime: start, attributes }, runContext);
  if (record.effect) {
    const effect = tracer.startSpan(
      `${record.effect.type} ${record.nodeId}`,
      { kind: record.effect.type === 'llm_call' ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: start, attributes: { ...attributes, ...genAiAttributes(record) } },
      trace.setSpan(runContext, step),
    );
    markFailure(effect, record);
    effect.end(end);
  }
  markFailure(step, record);
  step.end(end);
  const { traceId, spanId } = step.spanContext();
  return { traceId, spanId };
}

function markFailure(span: Span, record: StepRecord): void {
  if (record.status === StepStatus.FAILED) span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? 'failed' });
}
