import { context, ProxyTracerProvider, trace, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { RunStatus } from '../core/enums';
import { type RunState, type StepRecord } from '../core/models';
import { type LedgerStore } from '../storage/ledger-store';
import { emitRecordSpans, endRunSpan, startRunSpan, TRACER_NAME, type TraceLink } from './record-spans';
import { ATTR } from './span-attributes';
import { isTraceLinkStore } from './trace-link-store';

/** Called with each finished record's place in the trace, so an app can keep or show it. */
export type TraceLinkListener = (record: StepRecord, seq: number | null, link: TraceLink) => void;

export interface RunTracingOptions {
  /** The provider to trace with; default: the app's global one (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider | null;
  /** Numbers the records (the `ledger.seq` attribute); without it the attribute is left out. */
  ledgerStore?: LedgerStore | null;
  onLink?: TraceLinkListener | null;
}

/** The delegate of a proxy no app has set: OpenTelemetry's no-op provider. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** One drive of a run in this process: its span, and the next record's ledger seq once known. */
interface Segment {
  span: Span;
  context: Context;
  nextSeq: number | null;
  /** The first record's seq, asked for at its commit (the store may be closed by emission time). */
  firstSeq: Promise<number | null> | null;
  /** Known from the first commit that carries the run (write-ahead commits carry records only). */
  workflowId: string | null;
}

/**
 * Live tracing of a Runtime: after each durable commit, the committed records become spans (a
 * run span per drive, a step span per finished record, an effect span under it). With no
 * provider set anywhere, `committed` is one identity check and returns: no span, no copy.
 * Spans are emitted after the commit, with the records' own times, so tracing never delays a
 * step and a failing exporter never changes a run.
 */
export class RunTracing {
  private readonly segments = new Map<string, Segment>();
  /** The first run span of each run still going, so later drives join the same trace. */
  private readonly roots = new Map<string, Context>();
  /** Spans are emitted in commit order, after the commits, one batch after the other. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunTracingOptions = {}) {}

  /** The tracer when someone traces, else null: the only cost when nobody does. */
  private tracer(): Tracer | null {
    const provider = this.options.tracerProvider ?? trace.getTracerProvider();
    const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
    return delegate === NOOP_PROVIDER ? null : provider.getTracer(TRACER_NAME);
  }

  committed(run: RunState | null, records: readonly StepRecord[]): void {
    if (records.length === 0 && !this.segments.has(run?.runId ?? '')) return;
    const tracer = this.tracer();
    if (!tracer) return;
    const runId = run?.runId ?? records[0]!.runId;
    const seg = this.segments.get(runId) ?? this.open(tracer, runId, run, records);
    if (!seg) return;
    if (run && seg.workflowId === null) {
      seg.workflowId = run.workflowId;
      seg.span.updateName(`run ${run.workflowId}`).setAttribute(ATTR.WORKFLOW_ID, run.workflowId);
    }
    const batch = records.map((r) => ({ ...r }));
    if (seg.nextSeq === null && seg.firstSeq === null && batch.length > 0) seg.firstSeq = this.seqOf(runId, batch[0]!).catch(() => null);
    const ended = run && run.status !== RunStatus.RUNNING ? { ...run } : null;
    if (ended) this.segments.delete(runId);
    if (ended && ended.status !== RunStatus.WAITING) this.roots.delete(runId);
    this.chain = this.chain
      .then(() => this.emit(tracer, seg, batch))
      .then(() => {
        if (ended) endRunSpan(seg.span, ended);
      })
      .catch(() => undefined); // an observer: its failures never reach a run
  }

  private open(tracer: Tracer, runId: string, run: RunState | null, records: readonly StepRecord[]): Segment | null {
    const parent = this.roots.get(runId) ?? context.active();
    const span = startRunSpan(tracer, parent, { runId, workflowId: run?.workflowId ?? '' }, records[0]?.startedAt ?? run?.updatedAt ?? null);
    if (!span.isRecording()) return null;
    const ctx = trace.setSpan(parent, span);
    if (!this.roots.has(runId)) this.roots.set(runId, ctx);
    const seg: Segment = { span, context: ctx, nextSeq: null, firstSeq: null, workflowId: null };
    this.segments.set(runId, seg);
    return seg;
  }

  private async emit(tracer: Tracer, seg: Segment, batch: StepRecord[]): Promise<void> {
    if (batch.length === 0) return;
    if (seg.firstSeq) {
      seg.nextSeq = await seg.firstSeq;
      seg.firstSeq = null;
    }
    for (const record of batch) {
      const seq = seg.nextSeq;
      if (seg.nextSeq !== null) seg.nextSeq += 1;
      const link = emitRecordSpans(tracer, seg.context, record, seq, seg.workflowId);
      if (!link) continue;
      if (seq !== null) await this.keep(record.runId, seq, link);
      this.options.onLink?.(record, seq, link);
    }
  }

  /** The ledger keeps the ids beside the record when it can (the SQLite workspace does). */
  private async keep(runId: string, seq: number, link: TraceLink): Promise<void> {
    const store = this.options.ledgerStore;
    if (!isTraceLinkStore(store)) return;
    try {
      await store.saveTraceLink(runId, seq, link);
    } catch {
      // An observer: a store that cannot keep the ids (closed, busy) costs the link, never the run.
    }
  }

  /** Where a record sits in its run's ledger: looked up once per drive, then counted. */
  private async seqOf(runId: string, first: StepRecord): Promise<number | null> {
    const store = this.options.ledgerStore;
    if (!store || !first.recordHash) return null;
    const all = await store.list(runId);
    const at = all.findIndex((r) => r.recordHash === first.recordHash);
    return at < 0 ? null : at;
  }

  /** Resolves when every span of the commits so far has been handed to the provider. */
  settled(): Promise<void> {
    return this.chain;
  }
}
