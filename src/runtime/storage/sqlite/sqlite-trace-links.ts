import { type TraceLink } from '../../telemetry/record-spans';
import { type TraceLinkStore } from '../../telemetry/trace-link-store';
import { type WorkspaceDb } from './workspace-db';

/** Migration 6's `record_traces`: where each traced record of the workspace sits in its trace. */
export class SqliteTraceLinks implements TraceLinkStore {
  private tableKnown = false;

  constructor(private readonly db: WorkspaceDb) {}

  /** A file opened read-only is not migrated: one from before migration 6 has no ids to show. */
  private hasTable(): boolean {
    if (!this.tableKnown) {
      this.tableKnown = this.db.read(() => this.db.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_traces'", 'pluck').get() === 1);
    }
    return this.tableKnown;
  }

  saveTraceLink(runId: string, seq: number, link: TraceLink): void {
    // A read-only or closed connection (an audit open, a close racing the span export) keeps nothing.
    if (this.db.readonly || this.db.isClosed || !this.hasTable()) return;
    this.db.write('keep a record trace id', () =>
      this.db.stmt('INSERT OR REPLACE INTO record_traces (run_id, seq, trace_id, span_id) VALUES (?, ?, ?, ?)').run(runId, seq, link.traceId, link.spanId),
    );
  }

  traceLinks(runId: string, fromSeq: number, toSeq: number): Map<number, TraceLink> {
    if (!this.hasTable()) return new Map();
    const rows = this.db.read(
      () =>
        this.db.stmt('SELECT seq, trace_id, span_id FROM record_traces WHERE run_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').all(runId, fromSeq, toSeq) as {
          seq: number;
          trace_id: string;
          span_id: string;
        }[],
    );
    return new Map(rows.map((r) => [r.seq, { traceId: r.trace_id, spanId: r.span_id }]));
  }
}
