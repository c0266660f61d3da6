import { type StepRecord } from '../../core/models';
import { InvalidArgumentError } from '../../errors';
import { type LedgerStore } from '../ledger-store';
import { decodeLedgerRow } from './ledger-rows';
import { type Checkpoints } from './checkpoints';
import { type RunKeys } from './run-keys';
import { RUN_RANGE } from './schema-v1';
import { type LedgerHead, type StepWriter } from './step-writer';
import { type WorkspaceDb } from './workspace-db';
import { SqliteTraceLinks } from './sqlite-trace-links';
import { type TraceLink } from '../../telemetry/record-spans';
import { type TraceLinkStore } from '../../telemetry/trace-link-store';

/** A record with its per-run sequence number (0 for a run's first record). */
export interface LedgerEntry {
  seq: number;
  record: StepRecord;
}

export interface LedgerPageQuery {
  /** First seq to return (default 0). */
  fromSeq?: number;
  /** At most this many records (default 100, at most MAX_LEDGER_PAGE). */
  limit?: number;
}

export const MAX_LEDGER_PAGE = 10_000;
const MAX_SEQ = 0xffffffff;

type Row = [seq: number, canonical: string, recordHash: string, signature: string | null, keyOrder: string | null];
const COLUMNS = 'seq, canonical, record_hash, signature, key_order';

/**
 * The ledger of a SQLite workspace. `append` chains the record itself, on the head read inside
 * its transaction, so it needs no HashChainedLedgerStore in front (one would be harmless: it
 * computes the same prev_hash). Reads never load more than asked: a run's records are one rowid
 * range (see schema-v1), so the head and pages are rowid seeks, and the idempotency lookup is an
 * index seek.
 */
export class SqliteLedgerStore implements LedgerStore, TraceLinkStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly writer: StepWriter,
    private readonly keys: RunKeys,
    private readonly checkpoints: Checkpoints,
  ) {
    this.traces = new SqliteTraceLinks(db);
  }

  private readonly traces: SqliteTraceLinks;

  /** Keeps where a record landed in its trace (the runtime's tracing calls it; see TraceLinkStore). */
  saveTraceLink(runId: string, seq: number, link: TraceLink): void {
    this.traces.saveTraceLink(runId, seq, link);
  }

  traceLinks(runId: string, fromSeq: number, toSeq: number): Map<number, TraceLink> {
    return this.traces.traceLinks(runId, fromSeq, toSeq);
  }

  async append(record: StepRecord): Promise<void> {
    this.writer.commit(null, [record]);
  }

  async list(runId: string): Promise<StepRecord[]> {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      if (key === null) return [];
      const rows = this.db.stmt(`SELECT ${COLUMNS} FROM ledger WHERE ${RUN_RANGE} ORDER BY id`, 'raw').all(key, key) as Row[];
      return rows.map((row) => this.decode(runId, row));
    });
  }

  async last(runId: string): Promise<StepRecord | null> {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      const row = key === null ? undefined : (this.db.stmt(`SELECT ${COLUMNS} FROM ledger WHERE ${RUN_RANGE} ORDER BY id DESC LIMIT 1`, 'raw').get(key, key) as Row | undefined);
      return row ? this.decode(runId, row) : null;
    });
  }

  /** Uses the index on completed keys; the decoded record is checked again, so a wrong key can only miss, never mislead. */
  /**
   * The latest completed record with this key among the records written after the run's saved
   * state. The runtime reuses a result only to recover an effect whose state save was lost; a
   * step commits its state with its records here, so the candidates are the few records past the
   * last saved state (none, after a clean commit). No index is needed, and none is paid for on
   * every append (it cost a page write per step and grew with the ledger).
   */
  async findCompleted(runId: string, idempotencyKey: string): Promise<StepRecord | null> {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      if (key === null) return null;
      const stateSeq = this.checkpoints.find(key, MAX_SEQ)?.seq ?? -1;
      const row = this.db
        .stmt(`SELECT ${COLUMNS} FROM ledger WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) AND completed_key = ? ORDER BY id DESC LIMIT 1`, 'raw')
        .get(key, stateSeq, key, idempotencyKey) as Row | undefined;
      const record = row ? this.decode(runId, row) : null;
      return record && record.status === 'completed' && record.idempotencyKey === idempotencyKey ? record : null;
    });
  }

  /** Records of a run from `fromSeq`, in order, at most `limit` (for timelines: load the page in view). */
  async readLedgerPage(runId: string, query: LedgerPageQuery = {}): Promise<LedgerEntry[]> {
    const fromSeq = query.fromSeq ?? 0;
    const limit = query.limit ?? 100;
    if (!Number.isInteger(fromSeq) || !Number.isInteger(limit) || limit < 0) {
      throw new InvalidArgumentError(`readLedgerPage needs an integer fromSeq and a limit >= 0 (got ${fromSeq}, ${limit}).`);
    }
    return this.db.read(() => {
      const key = this.keys.find(runId);
      if (key === null || fromSeq > MAX_SEQ) return [];
      const rows = this.db
        .stmt(`SELECT ${COLUMNS} FROM ledger WHERE id >= (? << 32) + ? AND id < ((? + 1) << 32) ORDER BY id LIMIT ?`, 'raw')
        .all(key, Math.max(0, fromSeq), key, Math.min(limit, MAX_LEDGER_PAGE)) as Row[];
      return rows.map((row) => ({ seq: row[0], record: this.decode(runId, row) }));
    });
  }

  async ledgerCount(runId: string): Promise<number> {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      return key === null ? 0 : (this.db.stmt(`SELECT count(*) FROM ledger WHERE ${RUN_RANGE}`, 'pluck').get(key, key) as number);
    });
  }

  /** The last record's seq and hash, or null for a run with no records. */
  async ledgerHead(runId: string): Promise<LedgerHead | null> {
    return this.db.read(() => {
      const head = this.writer.head(runId);
      return head.seq < 0 ? null : head;
    });
  }

  /** The head this connection last wrote for the run, from memory (see StepWriter.writtenHead); null when unknown. */
  writtenHead(runId: string): LedgerHead | null {
    return this.writer.writtenHead(runId);
  }

  /** Ids of every run that has ledger records (for tools that verify a whole workspace). */
  async ledgerRunIds(): Promise<string[]> {
    return this.db.read(
      () =>
        this.db
          .stmt(`SELECT k.run_id FROM run_keys k WHERE EXISTS (SELECT 1 FROM ledger WHERE id >= (k.run_key << 32) AND id < ((k.run_key + 1) << 32)) ORDER BY k.run_id`, 'pluck')
          .all() as string[],
    );
  }

  private decode(runId: string, row: Row): StepRecord {
    return decodeLedgerRow(row[1], row[2], row[3], row[4], `${this.db.path} ledger of run ${runId}, seq ${row[0]}`);
  }
}
