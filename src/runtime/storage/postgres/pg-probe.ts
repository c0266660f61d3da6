import pg from 'pg';
import { translatePgError } from './pg-errors';

/** What a schema holds, looked at without creating or changing anything. */
export interface PgSchemaProbe {
  /** The schema has an AbstractRuntime workspace (its migrations table). */
  exists: boolean;
  version: number;
}

/**
 * Looks whether `schema` of the database at `connectionString` holds a workspace, over one
 * connection of its own, writing nothing: an attached Studio opens existing workspaces only (the
 * workers create them), so a mistyped schema is an error rather than a new empty workspace.
 * Errors are typed as the workspace's (STORE_ERROR with SQLSTATE) and never carry the password.
 */
export async function probePgSchema(connectionString: string, schema: string, name: string, password: string | null): Promise<PgSchemaProbe> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a connection lost after the answer is nobody's concern
  try {
    await client.connect();
    const t = await client.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migrations') AS ok`,
      [schema],
    );
    if (!t.rows[0]?.ok) return { exists: false, version: 0 };
    const v = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM "${schema.replaceAll('"', '""')}".schema_migrations`);
    return { exists: true, version: v.rows[0]?.v ?? 0 };
  } catch (err) {
    throw translatePgError(err, name, password);
  } finally {
    await client.end().catch(() => undefined);
  }
}
