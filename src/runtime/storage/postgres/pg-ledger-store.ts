import { type StepRecord } from '../../core/models';
import { InvalidArgumentError } from '../../errors';
import { type LedgerStore } from '../ledger-store';
import { decodeLedgerRow } from '../sqlite/ledger-rows';
import { type PgDb } from './pg-db';
import { type PgStepWriter } from './pg-step-writer';
import { type TraceLink } from '../../telemetry/record-spans';
import { type TraceLinkStore } from '../../telemetry/trace-link-store';
import { PgTraceLinks } from './pg-trace-links';

/** A record with its per-run sequence number (0 for a run's first record) and who wrote it. */
export interface PgLedgerEntry {
  seq: number;
  record: StepRecord;
  /** `worker-id@host` of the process that committed it. */
  writtenBy: string | null;
}

export const PG_MAX_LEDGER_PAGE = 10_000;

interface Row {
  seq: number;
  canonical: string;
  record_hash: string;
  signature: string | null;
  key_order: string | null;
  written_by: string | null;
}
const COLUMNS = 'seq, canonical, record_hash, signature, key_order, written_by';

/**
 * The ledger of a PostgreSQL workspace. `append` chains the record itself, on the head locked
 * inside its transaction (see PgStepWriter), so it needs no HashChainedLedgerStore in front. The
 * stored text is the SQLite workspace's, so hashes are byte-identical to the Python reference.
 */
export class PgLedgerStore implements LedgerStore, TraceLinkStore {
  private readonly traces: PgTraceLinks;

  constructor(
    private readonly db: PgDb,
    private readonly writer: PgStepWriter,
  ) {
    this.traces = new PgTraceLinks(db);
  }

  /** Keeps where a record landed in its trace (the runtime's tracing calls it; see TraceLinkStore). */
  saveTraceLink(runId: string, seq: number, link: TraceLink): Promise<void> {
    return this.traces.saveTraceLink(runId, seq, link);
  }

  traceLinks(runId: string, fromSeq: number, toSeq: number): Promise<Map<number, TraceLink>> {
    return this.traces.traceLinks(runId, fromSeq, toSeq);
  }

  async append(record: StepRecord): Promise<void> {
    await this.writer.commit(null, [record]);
  }

  async list(runId: string): Promise<StepRecord[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.ledger WHERE run_id = $1 ORDER BY seq`, [runId]);
    return rows.map((r) => this.decode(runId, r));
  }

  async last(runId: string): Promise<StepRecord | null> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.ledger WHERE run_id = $1 ORDER BY seq DESC LIMIT 1`, [runId]);
    return rows[0] ? this.decode(runId, rows[0]) : null;
  }

  /** The decoded record is checked again, so a wrong lookup key can only miss, never mislead. */
  async findCompleted(runId: string, idempotencyKey: string): Promise<StepRecord | null> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM $S.ledger WHERE run_id = $1 AND completed_key = $2 ORDER BY seq DESC LIMIT 1`,
      [runId, idempotencyKey],
    );
    const record = rows[0] ? this.decode(runId, rows[0]) : null;
    return record && record.status === 'completed' && record.idempotencyKey === idempotencyKey ? record : null;
  }

  /** Records of a run from `fromSeq`, in order, at most `limit`, each with its writer. */
  async readLedgerPage(runId: string, query: { fromSeq?: number; limit?: number } = {}): Promise<PgLedgerEntry[]> {
    const fromSeq = query.fromSeq ?? 0;
    const limit = query.limit ?? 100;
    if (!Number.isInteger(fromSeq) || !Number.isInteger(limit) || limit < 0) {
      throw new InvalidArgumentError(`readLedgerPage needs an integer fromSeq and a limit >= 0 (got ${fromSeq}, ${limit}).`);
    }
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.ledger WHERE run_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`, [
      runId,
      Math.max(0, fromSeq),
      Math.min(limit, PG_MAX_LEDGER_PAGE),
    ]);
    return rows.map((r) => ({ seq: r.seq, record: this.decode(runId, r), writtenBy: r.written_by }));
  }

  async ledgerCount(runId: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM $S.ledger WHERE run_id = $1', [runId]);
    return rows[0]?.n ?? 0;
  }

  /** The last record's seq and hash, or null for a run with no records. */
  async ledgerHead(runId: string): Promise<{ seq: number; recordHash: string | null } | null> {
    const rows = await this.db.query<{ seq: number; record_hash: string | null }>('SELECT seq, record_hash FROM $S.heads WHERE run_id = $1 AND seq >= 0', [runId]);
    return rows[0] ? { seq: rows[0].seq, recordHash: rows[0].record_hash } : null;
  }

  /** Ids of every run that has ledger records. */
  async ledgerRunIds(): Promise<string[]> {
    return (await this.db.query<{ run_id: string }>('SELECT run_id FROM $S.heads WHERE seq >= 0 ORDER BY run_id')).map((r) => r.run_id);
  }

  private decode(runId: string, r: Row): StepRecord {
    return decodeLedgerRow(r.canonical, r.record_hash, r.signature, r.key_order, `${this.db.name} ledger of run ${runId}, seq ${r.seq}`);
  }
}
