import { afterAll, beforeAll } from 'vitest';
import { PostgresWorkspace, type PostgresWorkspaceOptions } from '../postgres-workspace';
import { startPgTestServer, type PgTestServer } from './pg-test-server';

let schemaSeq = 0;

/** A fresh schema name per workspace, so the tests of one file share a server but never data. */
export function freshSchema(prefix = 'ws'): string {
  schemaSeq++;
  return `${prefix}_${process.pid}_${schemaSeq}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * One PostgreSQL server for the test file (started in beforeAll, stopped in afterAll) and a
 * helper that opens workspaces on it, each closed in afterAll.
 */
export function usePgServer(options: { durable?: boolean } = {}): {
  server: () => PgTestServer;
  open: (schema?: string, options?: PostgresWorkspaceOptions) => Promise<PostgresWorkspace>;
} {
  let server: PgTestServer | null = null;
  const opened: PostgresWorkspace[] = [];
  beforeAll(async () => {
    server = await startPgTestServer({ durable: options.durable ?? false });
  }, 60_000);
  afterAll(async () => {
    for (const ws of opened.splice(0)) await ws.close().catch(() => undefined);
    await server?.stop();
  });
  const current = (): PgTestServer => {
    if (!server) throw new Error('the PostgreSQL test server is not started (call usePgServer at the top of a describe or file)');
    return server;
  };
  return {
    server: current,
    open: async (schema = freshSchema(), o = {}) => {
      const ws = await PostgresWorkspace.open(current().url, { schema, ...o });
      opened.push(ws);
      return ws;
    },
  };
}
