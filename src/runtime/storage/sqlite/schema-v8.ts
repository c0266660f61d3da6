import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 8: `state_chunks`, the chunks of chunked keyframes (state-delta/chunks.ts).
 *
 * A keyframe's top-level lists of at least SPILL_BYTES (a transcript) are stored as runs of items,
 * each run once under the sha256 of its text, like state_values holds whole large vars; the row's
 * `spills` map names a chunked var's chunks by a list of sha256s (a whole var by one sha256, as
 * before), and the row's own text keeps the list's last items inline. Two keyframes of a transcript
 * that grew share all their chunks but the last, so keyframes come every ~32 saves instead of every
 * 1,000 without the file growing, and a rebuild applies at most that many deltas.
 *
 * Rows written before stay as they are (whole spilled values, read as before); only new keyframes
 * are chunked. A chunk, like a spilled value, is never updated: an append-only table.
 */
export function stateChunksTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE state_chunks (
      sha256 TEXT PRIMARY KEY,
      text   TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER state_chunks_append_only_update BEFORE UPDATE ON state_chunks
    BEGIN SELECT RAISE(ABORT, 'state chunks are append-only: a stored chunk cannot change'); END;
  `);
}
