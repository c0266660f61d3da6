import type Database from 'better-sqlite3';
import { type WalCheckpointer, type WalWriterCopies } from './wal-checkpointer';
import { translateSqliteError, WorkspaceClosedError, WorkspaceReadOnlyError } from './workspace-errors';

export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement<unknown[], unknown>;

/**
 * The one connection of a workspace, shared by its stores. Every store goes through `read` or
 * `write`, which is where the closed and read-only checks and the error translation live, so no
 * raw SqliteError (or better-sqlite3's "connection is not open" TypeError) reaches a caller.
 */
export class WorkspaceDb {
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly inTx: Database.Transaction<(work: () => unknown) => unknown>;
  private closed = false;
  /** Copies the WAL back off this thread (writable file connections only); told of every commit. */
  private checkpointer: WalCheckpointer | null = null;
  /** Run once the connection is closed (the open path tidies up after a read-only connection). */
  private readonly afterClose: Array<() => void> = [];

  constructor(
    readonly db: SqliteDatabase,
    readonly path: string,
    readonly readonly: boolean,
  ) {
    // One transaction wrapper for every write: better-sqlite3 turns nested calls into savepoints.
    this.inTx = db.transaction((work: () => unknown) => work());
  }

  /** Hands WAL checkpointing to `checkpointer` (see wal-checkpointer.ts); set once, right after open. */
  useCheckpointer(checkpointer: WalCheckpointer): void {
    this.checkpointer = checkpointer;
  }

  /** Calls `fn` right after the connection closes. */
  whenClosed(fn: () => void): void {
    this.afterClose.push(fn);
  }

  /** Who copies the WAL back into the file: see WalCheckpointer.mode (`writer` when there is no checkpointer). */
  get checkpointMode(): 'writer' | 'worker' | 'failed' {
    return this.checkpointer?.mode ?? 'writer';
  }

  /** How often the committing thread copied the WAL tail itself (null without a checkpoint worker). */
  get walWriterCopies(): WalWriterCopies | null {
    return this.checkpointer?.writerCopies ?? null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * A prepared statement, prepared once per connection (preparing costs more than running).
   * `raw` returns rows as arrays and `pluck` the first column only: both skip building an object
   * per row, which matters on the hot paths. The mode is part of the cache key because it is a
   * setting of the statement object.
   */
  stmt(sql: string, mode: 'object' | 'raw' | 'pluck' = 'object'): SqliteStatement {
    const key = mode === 'object' ? sql : `${mode}\u0000${sql}`;
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      if (mode === 'raw') s.raw(true);
      else if (mode === 'pluck') s.pluck(true);
      this.statements.set(key, s);
    }
    return s;
  }

  assertOpen(): void {
    if (this.closed) throw new WorkspaceClosedError(this.path);
  }

  read<T>(work: () => T): T {
    this.assertOpen();
    try {
      return work();
    } catch (err) {
      throw translateSqliteError(err, this.path);
    }
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: the write lock is taken up front, so a reader never
   * has to upgrade (which could fail with SQLITE_BUSY mid-step); the busy timeout covers waiting
   * for another process. Anything thrown rolls the whole transaction back.
   */
  write<T>(operation: string, work: () => T): T {
    this.assertOpen();
    if (this.readonly) throw new WorkspaceReadOnlyError(this.path, operation);
    if (this.db.inTransaction) return this.translating(work);
    const result = this.translating(() => this.inTx.immediate(work) as T);
    this.checkpointer?.afterCommit();
    return result;
  }

  private translating<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      throw translateSqliteError(err, this.path);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    // The worker's connection closes first, so this one is the last: it checkpoints and removes the WAL.
    this.checkpointer?.close();
    this.db.close();
    for (const fn of this.afterClose.splice(0)) fn();
  }
}
