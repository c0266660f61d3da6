import { RuntimeError } from '../../errors';

/**
 * Typed errors of the PostgreSQL workspace. A workspace is named by its URL with the password
 * taken out (`redactUrl`), and every driver message is scrubbed of the password before it is
 * wrapped, so a password never reaches a log, an error or the Studio.
 */

/** `postgres://user:secret@host/db` -> `postgres://user:***@host/db` (unparseable text: everything after the scheme hidden). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    const scheme = /^[a-z]+:\/\//i.exec(url)?.[0] ?? '';
    return `${scheme}***`;
  }
}

/** Removes a password (raw and URL-encoded) from any text. */
export function scrubSecret(text: string, secret: string | null): string {
  if (!secret) return text;
  let out = text;
  for (const s of new Set([secret, encodeURIComponent(secret)])) out = out.split(s).join('***');
  return out;
}

/** The URL is not a PostgreSQL workspace this version can use (bad URL, bad schema name, not ours). */
export class PgWorkspaceInvalidError extends RuntimeError {
  constructor(readonly workspace: string, reason: string) {
    super('WORKSPACE_INVALID', `${workspace} is not a usable AbstractRuntime workspace: ${reason}.`, { workspace, reason });
  }
}

export class PgWorkspaceTooNewError extends RuntimeError {
  constructor(readonly workspace: string, readonly schemaVersion: number, readonly supportedVersion: number) {
    super(
      'WORKSPACE_TOO_NEW',
      `${workspace} has schema version ${schemaVersion}, newer than this app supports (${supportedVersion}). Update the app to open it.`,
      { workspace, schemaVersion, supportedVersion },
    );
  }
}

export class PgWorkspaceClosedError extends RuntimeError {
  constructor(readonly workspace: string) {
    super('WORKSPACE_CLOSED', `The workspace ${workspace} is closed; open it again to use it.`, { workspace });
  }
}

/** Any failure of the server or the connection, with PostgreSQL's SQLSTATE when there is one. */
export class PgWorkspaceStoreError extends RuntimeError {
  constructor(readonly workspace: string, message: string, readonly sqlState: string | null) {
    super('STORE_ERROR', `${workspace}: ${message}`, { workspace, sqlState });
  }
}

/**
 * The commit of a step by a holder whose lease on the run was taken over (its fencing token is no
 * longer the run's) or has expired: nothing of the step was written. The run goes on with its
 * new holder; this one must drop it.
 */
export class LeaseLostError extends RuntimeError {
  constructor(readonly runId: string, readonly heldToken: number, readonly reason: string) {
    super('LEASE_LOST', `The lease on run ${runId} (token ${heldToken}) was lost: ${reason}. Nothing of the step was written; another worker carries the run on.`, {
      runId,
      heldToken,
      reason,
    });
  }
}

/**
 * A write of a run that was deleted (migration 7's triggers, SQLSTATE AR410): a worker that still
 * knew the run, or a late save. Nothing of it was written; the run's tombstone says what it was.
 */
export class PgRunDeletedError extends RuntimeError {
  constructor(readonly workspace: string, readonly runId: string | null) {
    super('RUN_DELETED', `${workspace}: run ${runId ?? '(unknown)'} was deleted, so it cannot be written again. Nothing was written; its tombstone says what it was.`, { workspace, runId });
  }
}

/** Wraps a driver error; our own RuntimeErrors pass through. The password never survives. */
export function translatePgError(err: unknown, workspace: string, password: string | null): unknown {
  if (err instanceof RuntimeError) return err;
  if (!(err instanceof Error)) return err;
  const code: unknown = (err as Error & { code?: unknown }).code;
  const sqlState = typeof code === 'string' ? code : null;
  if (sqlState === 'AR410') return new PgRunDeletedError(workspace, /^run (.*) was deleted/.exec(err.message)?.[1] ?? null);
  return new PgWorkspaceStoreError(workspace, scrubSecret(err.message, password), sqlState);
}

/** Stored data that cannot be read back as written (a delta with no keyframe, a row that does not decode): repair or restore the schema. */
export class PgWorkspaceCorruptError extends RuntimeError {
  constructor(readonly workspace: string, reason: string, details: Record<string, unknown> = {}) {
    super('WORKSPACE_CORRUPT', `${workspace} is damaged: ${reason}.`, { ...details, workspace });
  }
}
