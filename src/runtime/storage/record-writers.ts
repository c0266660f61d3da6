/**
 * Who wrote each ledger record: the process (`worker-id@host`) that committed it, where the
 * workspace knows. Beside the record, never in it (the hash is the reference's, and the same
 * record copied elsewhere keeps its hash). A PostgreSQL workspace stamps every record it commits
 * (`ledger.written_by`); a SQLite workspace has one writer and stamps none, but keeps the writers
 * of records copied into it (`studio copy`), so they survive a round trip.
 */
export interface RecordWriterStore {
  /** The writer of each record of the run that has one, by seq. */
  writersOf(runId: string): Map<number, string> | Promise<Map<number, string>>;
  /** Sets the writers of the run's records at the seqs given (null: no writer known), leaving the others. */
  keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): void | Promise<void>;
}
