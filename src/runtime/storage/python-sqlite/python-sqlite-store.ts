/**
 * The SQLite store of the Python AbstractRuntime 0.4 (`SqliteDatabase`, WAL), opened read-only
 * for audit: tables `runs(run_id, …, run_json)` and `ledger(run_id, seq, record_json)`, where
 * `record_json` is the same StepRecord JSON as a JSONL ledger line.
 *
 * Never writes, and leaves no `-wal`/`-shm` behind: when the file has no pending WAL (the usual
 * case once Python closed it), it is read into memory and queried there, so nothing on disk is
 * touched; with a non-empty `-wal` (a Python process is live, or it stopped before a checkpoint)
 * the file is opened read-only in place so those commits are seen (the WAL files already exist).
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { decodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { RuntimeError } from '../../errors';
import { isJsonObject, type JsonObject } from '../../json/json-value';
import { JsonParseError, parseJson } from '../../json/parse';

/** Why a file is not (or cannot be read as) a Python 0.4 SQLite store. */
export class PythonSqliteStoreError extends RuntimeError {
  constructor(readonly path: string, reason: string) {
    super('PYTHON_STORE_INVALID', `${path} cannot be read as a Python AbstractRuntime SQLite store: ${reason}.`, { path, reason });
  }
}

/** A `record_json` or `run_json` that does not parse: reported on its row, the rest still reads. */
export interface UnreadableRow {
  runId: string;
  /** The ledger seq (null for a run row). */
  seq: number | null;
  reason: string;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Whether the file's header says SQLite with no application id (Python's store sets none; a
 * Studio workspace always has one), and its tables are the 0.4 store's. Reads the header first
 * so a Studio workspace or another file is never opened here.
 */
export function isPythonSqliteStore(path: string): boolean {
  if (!hasBareSqliteHeader(path)) return false;
  try {
    new PythonSqliteStore(path).close();
    return true;
  } catch (err) {
    if (err instanceof PythonSqliteStoreError) return false;
    throw err;
  }
}

function hasBareSqliteHeader(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(100);
    if (readSync(fd, head, 0, 100, 0) < 100) return false;
    return head.toString('latin1', 0, 16) === SQLITE_MAGIC && head.readUInt32BE(68) === 0;
  } finally {
    closeSync(fd);
  }
}

const walBytes = (path: string): number => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

function openSnapshot(path: string): Database.Database {
  if (walBytes(path) > 0) return new Database(path, { readonly: true, fileMustExist: true });
  const bytes = readFileSync(path);
  // Bytes 18-19 say "WAL" (2); an in-memory copy can only be read in rollback mode (1).
  if (bytes.length >= 100 && bytes[18] === 2) bytes[18] = bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

export class PythonSqliteStore {
  private readonly db: Database.Database;

  /** Opens `path` read-only; throws PythonSqliteStoreError when it is not a 0.4 store. */
  constructor(readonly path: string) {
    if (!hasBareSqliteHeader(path)) throw new PythonSqliteStoreError(path, 'it is not a SQLite file without an application id');
    try {
      this.db = openSnapshot(path);
    } catch (err) {
      throw new PythonSqliteStoreError(path, err instanceof Error ? err.message : String(err));
    }
    try {
      this.checkTables();
    } catch (err) {
      this.db.close();
      if (err instanceof PythonSqliteStoreError) throw err;
      throw new PythonSqliteStoreError(path, err instanceof Error ? err.message : String(err));
    }
  }

  private checkTables(): void {
    const columns = (table: string): Set<string> =>
      new Set((this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).map(String));
    const runs = columns('runs');
    const ledger = columns('ledger');
    if (!runs.has('run_json') || !ledger.has('record_json') || !ledger.has('seq')) {
      throw new PythonSqliteStoreError(this.path, 'it has no runs(run_json) and ledger(run_id, seq, record_json) tables');
    }
  }

  /** Every run, decoded from `run_json`; rows that do not decode are reported in `unreadable`. */
  listRuns(unreadable: UnreadableRow[] = []): RunState[] {
    const rows = this.db.prepare('SELECT run_id, run_json FROM runs').raw().all() as [unknown, unknown][];
    const out: RunState[] = [];
    for (const [id, text] of rows) {
      const run = this.decodeRun(String(id), text, unreadable);
      if (run) out.push(run);
    }
    return out;
  }

  loadRun(runId: string): RunState | null {
    const text = this.db.prepare('SELECT run_json FROM runs WHERE run_id = ?').pluck().get(runId);
    return text === undefined ? null : this.decodeRun(runId, text, []);
  }

  private decodeRun(runId: string, text: unknown, unreadable: UnreadableRow[]): RunState | null {
    try {
      return decodeRunState(parseJson(String(text)), `${this.path} (run ${runId})`);
    } catch (err) {
      if (!(err instanceof RuntimeError)) throw err;
      unreadable.push({ runId, seq: null, reason: err.message });
      return null;
    }
  }

  /** Run ids that have ledger rows, in run-id order. */
  ledgerRunIds(): string[] {
    return (this.db.prepare('SELECT DISTINCT run_id FROM ledger ORDER BY run_id').pluck().all() as unknown[]).map(String);
  }

  ledgerCount(runId: string): number {
    return this.db.prepare('SELECT count(*) FROM ledger WHERE run_id = ?').pluck().get(runId) as number;
  }

  /** The run's `record_json` texts in seq order, parsed losslessly (what the hash chain covers). */
  *ledgerRows(runId: string): Generator<{ seq: number; record: JsonObject } | { seq: number; error: string }> {
    const rows = this.db.prepare('SELECT seq, record_json FROM ledger WHERE run_id = ? ORDER BY seq').raw().iterate(runId) as Iterable<[number, unknown]>;
    for (const [seq, text] of rows) {
      try {
        const value = parseJson(String(text));
        if (isJsonObject(value)) yield { seq, record: value };
        else yield { seq, error: 'record_json does not hold a JSON object' };
      } catch (err) {
        if (!(err instanceof JsonParseError)) throw err;
        yield { seq, error: `invalid JSON in record_json at column ${err.column}: ${err.reason}` };
      }
    }
  }

  /** The run's records as dicts; throws on the first unreadable row (an audit view uses `ledgerRows`). */
  ledgerDicts(runId: string): JsonObject[] {
    const out: JsonObject[] = [];
    for (const row of this.ledgerRows(runId)) {
      if ('error' in row) throw new PythonSqliteStoreError(this.path, `ledger row ${row.seq} of run ${runId}: ${row.error}`);
      out.push(row.record);
    }
    return out;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
