import { RuntimeError } from '../../errors';

/**
 * Typed errors of the SQLite workspace. Every failure of better-sqlite3 that reaches a caller is
 * translated into one of these (see `translateSqliteError`), so hosts branch on `code`, never on
 * SQLite's message text, and a bad file never surfaces as a raw crash.
 */

/** The path is not a workspace: missing, not a SQLite file, or another application's database. */
export class WorkspaceInvalidError extends RuntimeError {
  constructor(readonly path: string, reason: string) {
    super('WORKSPACE_INVALID', `${path} is not an AbstractRuntime workspace: ${reason}.`, { path, reason });
  }
}

/** Written by a newer version of the app: opening it could lose data this version does not know. */
export class WorkspaceTooNewError extends RuntimeError {
  constructor(readonly path: string, readonly fileVersion: number, readonly supportedVersion: number) {
    super(
      'WORKSPACE_TOO_NEW',
      `${path} has schema version ${fileVersion}, newer than this app supports (${supportedVersion}). Update the app to open it.`,
      { path, fileVersion, supportedVersion },
    );
  }
}

export class WorkspaceCorruptError extends RuntimeError {
  constructor(readonly path: string, detail: string) {
    super('WORKSPACE_CORRUPT', `${path} is corrupt: ${detail}. Restore it from a backup, or export what still reads.`, { path, detail });
  }
}

export class WorkspaceClosedError extends RuntimeError {
  constructor(readonly path: string) {
    super('WORKSPACE_CLOSED', `The workspace ${path} is closed; open it again to use it.`, { path });
  }
}

/**
 * A write on a workspace opened read-only (for audit). The error code union has no
 * WORKSPACE_READONLY yet, so it carries STORE_ERROR with `details.reason = 'readonly'`.
 */
export class WorkspaceReadOnlyError extends RuntimeError {
  constructor(readonly path: string, readonly operation: string) {
    super('STORE_ERROR', `Cannot ${operation}: the workspace ${path} is open read-only. Open it without { readonly: true } to change it.`, {
      path,
      operation,
      reason: 'readonly',
    });
  }
}

/** Any other storage failure (disk full, I/O error, busy for longer than the timeout, a rejected write). */
export class WorkspaceStoreError extends RuntimeError {
  constructor(readonly path: string, message: string, readonly sqliteCode: string | null, cause?: unknown) {
    super('STORE_ERROR', `${path}: ${message}`, { path, sqliteCode });
    if (cause !== undefined) this.cause = cause;
  }
}

function sqliteCodeOf(err: unknown): string | null {
  if (err instanceof Error && err.name === 'SqliteError') {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}

/** Maps a better-sqlite3 error to a typed workspace error; our own RuntimeErrors pass through. */
export function translateSqliteError(err: unknown, path: string): unknown {
  if (err instanceof RuntimeError) return err;
  const code = sqliteCodeOf(err);
  if (code === null) return err;
  const message = (err as Error).message;
  if (code === 'SQLITE_NOTADB') return new WorkspaceInvalidError(path, 'it is not a SQLite database');
  if (code.startsWith('SQLITE_CORRUPT')) return new WorkspaceCorruptError(path, message);
  if (code.startsWith('SQLITE_BUSY')) {
    return new WorkspaceStoreError(path, `the workspace stayed locked by another process longer than the busy timeout (${message})`, code, err);
  }
  if (code.startsWith('SQLITE_READONLY')) return new WorkspaceStoreError(path, `the workspace file cannot be written (${message})`, code, err);
  return new WorkspaceStoreError(path, message, code, err);
}
