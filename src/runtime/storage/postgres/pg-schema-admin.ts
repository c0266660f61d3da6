import pg from 'pg';
import { PgWorkspaceInvalidError, translatePgError } from './pg-errors';
import { parseWorkspaceUrl } from './postgres-workspace';

/** The tables whose rows make a workspace's content (what "empty" is judged on). */
// run_tombstones (migration 7): a workspace whose runs were all deleted still holds what is left of them.
const CONTENT_TABLES = ['runs', 'heads', 'artifacts', 'snapshots', 'actor_keys', 'chain_checkpoints', 'run_tombstones'];

async function withClient<T>(url: string, schema: string | undefined, work: (c: pg.Client, schema: string) => Promise<T>): Promise<T> {
  const parsed = parseWorkspaceUrl(url, schema);
  const client = new pg.Client({ connectionString: parsed.connectionString });
  try {
    await client.connect();
    return await work(client, parsed.schema);
  } catch (err) {
    throw translatePgError(err, `${parsed.name} (schema ${parsed.schema})`, parsed.password);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the URL's schema exists (without creating it, as opening a workspace would). */
export function pgSchemaExists(url: string, schema?: string): Promise<boolean> {
  return withClient(url, schema, async (c, s) => (await c.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS ok', [s])).rows[0]?.ok === true);
}

/** Drops a schema and everything in it (a copy that failed half-way). */
export function pgDropSchema(url: string, schema: string): Promise<void> {
  return withClient(url, schema, async (c, s) => void (await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)));
}

async function isEmptyWorkspace(c: pg.Client, schema: string): Promise<boolean> {
  const present = await c.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
  const tables = new Set(present.rows.map((r) => r.table_name));
  const ours = CONTENT_TABLES.filter((t) => tables.has(t));
  // A schema with tables that are not a workspace's is someone else's: never empty for us.
  if (tables.size > 0 && !tables.has('schema_migrations')) return false;
  if (ours.length === 0) return true;
  await c.query(`LOCK TABLE ${ours.map((t) => `"${schema}".${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  const used = await c.query<{ used: boolean }>(`SELECT ${ours.map((t) => `EXISTS (SELECT 1 FROM "${schema}".${t})`).join(' OR ')} AS used`);
  return used.rows[0]?.used !== true;
}

/** True when the URL's schema does not exist or holds a workspace with nothing in it. */
export function pgTargetIsFree(url: string, schema?: string): Promise<boolean> {
  return withClient(url, schema, async (c, s) => {
    const exists = (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s])).rowCount === 1;
    if (!exists) return true;
    await c.query('BEGIN');
    try {
      return await isEmptyWorkspace(c, s);
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

/**
 * Puts the finished schema `from` in place as `to`, in one transaction: `to` must not exist or be
 * an empty workspace (dropped then, its tables locked first so nothing lands in it meanwhile).
 * Returns false, changing nothing, when `to` holds data by then.
 */
export function pgSwapInSchema(url: string, from: string, to: string): Promise<boolean> {
  if (from === to) throw new PgWorkspaceInvalidError(url, 'a schema cannot replace itself');
  return withClient(url, to, async (c) => {
    await c.query('BEGIN');
    try {
      const exists = (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [to])).rowCount === 1;
      if (exists) {
        if (!(await isEmptyWorkspace(c, to))) {
          await c.query('ROLLBACK');
          return false;
        }
        await c.query(`DROP SCHEMA "${to}" CASCADE`);
      }
      await c.query(`ALTER SCHEMA "${from}" RENAME TO "${to}"`);
      await c.query('COMMIT');
      return true;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
