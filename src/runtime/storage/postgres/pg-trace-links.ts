import { type TraceLink } from '../../telemetry/record-spans';
import { type TraceLinkStore } from '../../telemetry/trace-link-store';
import { type PgQuery } from './pg-db';

/** Migration 7's `record_traces`: where each traced record sits in its trace, as on SQLite (sqlite-trace-links.ts). */
export class PgTraceLinks implements TraceLinkStore {
  constructor(private readonly db: PgQuery) {}

  async saveTraceLink(runId: string, seq: number, link: TraceLink): Promise<void> {
    await this.db.query(
      'INSERT INTO $S.record_traces (run_id, seq, trace_id, span_id) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, seq) DO UPDATE SET trace_id = excluded.trace_id, span_id = excluded.span_id',
      [runId, seq, link.traceId, link.spanId],
    );
  }

  async traceLinks(runId: string, fromSeq: number, toSeq: number): Promise<Map<number, TraceLink>> {
    const rows = await this.db.query<{ seq: number; trace_id: string; span_id: string }>(
      'SELECT seq, trace_id, span_id FROM $S.record_traces WHERE run_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [runId, fromSeq, toSeq],
    );
    return new Map(rows.map((r) => [r.seq, { traceId: r.trace_id, spanId: r.span_id }]));
  }
}
