import { type RecordWriterStore } from '../record-writers';
import { type PgQuery } from './pg-db';

/**
 * Who wrote each record of a PostgreSQL workspace: the `written_by` column every commit fills
 * with its writer's name. `keepWriters` sets it as a copy found it at its source (the copy's own
 * commits stamped the copying process, which wrote none of them).
 */
export class PgRecordWriters implements RecordWriterStore {
  constructor(private readonly db: PgQuery) {}

  async writersOf(runId: string): Promise<Map<number, string>> {
    const rows = await this.db.query<{ seq: number; written_by: string }>(
      'SELECT seq, written_by FROM $S.ledger WHERE run_id = $1 AND written_by IS NOT NULL ORDER BY seq',
      [runId],
    );
    return new Map(rows.map((r) => [r.seq, r.written_by]));
  }

  async keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): Promise<void> {
    if (writers.size === 0) return;
    await this.db.query(
      'UPDATE $S.ledger l SET written_by = u.by FROM unnest($2::integer[], $3::text[]) AS u(seq, by) WHERE l.run_id = $1 AND l.seq = u.seq',
      [runId, [...writers.keys()], [...writers.values()]],
    );
  }
}
