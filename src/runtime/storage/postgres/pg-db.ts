import type pg from 'pg';
import { type PoolClient, type QueryResultRow } from 'pg';
import { PgWorkspaceClosedError, translatePgError } from './pg-errors';

/** A query runner: the pool, or one client inside a transaction. `$S.` in SQL names the workspace's schema. */
export interface PgQuery {
  query<R extends QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * The connection pool of one PostgreSQL workspace (one schema). Every error leaving it is typed
 * and scrubbed of the password (see pg-errors.ts).
 */
export class PgDb implements PgQuery {
  private closed = false;
  private readonly sqlCache = new Map<string, string>();

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    /** The URL without its password: how the workspace is named in messages. */
    readonly name: string,
    private readonly password: string | null,
  ) {
    // An idle client losing its connection must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  sql(text: string): string {
    let out = this.sqlCache.get(text);
    if (out === undefined) {
      out = text.replaceAll('$S.', `"${this.schema}".`);
      this.sqlCache.set(text, out);
    }
    return out;
  }

  translate(err: unknown): unknown {
    return translatePgError(err, this.name, this.password);
  }

  async query<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    if (this.closed) throw new PgWorkspaceClosedError(this.name);
    try {
      return (await this.pool.query<R>(this.sql(sql), params as unknown[])).rows;
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Runs `work` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  async tx<T>(work: (q: PgQuery, client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new PgWorkspaceClosedError(this.name);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.translate(err);
    }
    const q: PgQuery = {
      query: async <R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> =>
        (await client.query<R>(this.sql(sql), params as unknown[])).rows,
    };
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await work(q, client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not hand it out again
      }
      throw this.translate(err);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
