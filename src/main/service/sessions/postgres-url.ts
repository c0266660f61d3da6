import { DEFAULT_PG_SCHEMA, PG_SCHEMA_NAME, PgWorkspaceInvalidError, redactUrl } from '../../../runtime/storage/postgres/index';

/** True for what Open… should treat as a PostgreSQL workspace rather than a file path. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text.trim());
}

/** A PostgreSQL workspace URL taken apart: how it is shown and kept (no password), and the password. */
export interface AttachUrl {
  /** `postgres://user@host:port/db?schema=s`: the workspace's id, shown and remembered; never a password. */
  shown: string;
  /** The password typed in the URL, or null (then the one kept in the secret store is used). */
  password: string | null;
  /** The URL to connect with, given the password to put back. */
  withPassword(password: string | null): string;
}

/**
 * Splits the password off a workspace URL, so that everything the Studio shows, saves or logs is
 * the URL without it and the password itself goes only to the secret store and the driver. The
 * schema is always spelt out (`?schema=`), so the same workspace has one id however it was typed.
 */
export function parseAttachUrl(text: string): AttachUrl {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new PgWorkspaceInvalidError(redactUrl(text), 'it is not a URL (expected postgres://user:password@host:port/database?schema=name)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new PgWorkspaceInvalidError(redactUrl(text), `the scheme is ${u.protocol} (expected postgres:)`);
  if (!u.hostname) throw new PgWorkspaceInvalidError(redactUrl(text), 'it names no host (expected postgres://user:password@host:port/database)');
  let password: string | null;
  try {
    password = u.password ? decodeURIComponent(u.password) : null;
  } catch {
    throw new PgWorkspaceInvalidError(redactUrl(text), 'its password is not valid percent-encoding');
  }
  u.password = '';
  u.protocol = 'postgres:'; // one spelling, so one workspace has one id
  if (!u.searchParams.get('schema')) u.searchParams.set('schema', DEFAULT_PG_SCHEMA);
  const schema = u.searchParams.get('schema') ?? '';
  if (!PG_SCHEMA_NAME.test(schema)) throw new PgWorkspaceInvalidError(redactUrl(text), `the schema name "${schema}" is not lower-case letters, digits and _ (at most 63)`);
  const shown = u.toString();
  return {
    shown,
    password,
    withPassword: (pw) => {
      const c = new URL(shown);
      if (pw) c.password = encodeURIComponent(pw);
      return c.toString();
    },
  };
}

/** Where a workspace's password is kept in the Studio's secret store (by the URL without it). */
export function passwordKey(shown: string): string {
  return `postgres-password:${shown}`;
}

/** How an attached workspace is named on screen: "schema on host:port/database". */
export function attachedName(shown: string): string {
  const u = new URL(shown);
  return `${u.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA} on ${u.host}${u.pathname}`;
}
