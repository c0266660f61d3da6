import { ROOT_CONTEXT, trace, type Tracer } from '@opentelemetry/api';
import { type RunState, type StepRecord } from '../core/models';
import { emitRecordSpans, endRunSpan, startRunSpan, type TraceLink } from './record-spans';

/**
 * The spans of a past run, from its stored state and ledger: the same tree live tracing gives
 * (one run span, a step span per finished record, effect spans under them), in a trace of its
 * own. `records` is the whole ledger in order, so a record's index is its ledger seq.
 */
export function emitPastRunSpans(tracer: Tracer, run: RunState, records: readonly StepRecord[]): TraceLink[] {
  const span = startRunSpan(tracer, ROOT_CONTEXT, run, records[0]?.startedAt ?? run.createdAt);
  const ctx = trace.setSpan(ROOT_CONTEXT, span);
  const links: TraceLink[] = [];
  records.forEach((record, seq) => {
    const link = emitRecordSpans(tracer, ctx, record, seq, run.workflowId);
    if (link) links.push(link);
  });
  endRunSpan(span, run);
  return links;
}
