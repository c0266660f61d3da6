import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { makeRun } from '../testing/store-contract';
import { PG_LATEST_SCHEMA_VERSION } from './pg-migrations';
import { PostgresWorkspace } from './postgres-workspace';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();

describe('PostgresWorkspace: opening', () => {
  it('never puts the password in an error when the credentials are wrong', async () => {
    const secret = 'S3cret-Wr0ng!pass';
    const url = pg.server().urlWith({ password: secret });
    const err = (await PostgresWorkspace.open(url, { schema: freshSchema() }).catch((e: unknown) => e)) as Error & { code: string; details: object };
    expect(err).toMatchObject({ code: 'STORE_ERROR' });
    const shown = `${err.message} ${JSON.stringify(err.details)} ${String(err.stack)}`;
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(encodeURIComponent(secret));
    expect(err.message).toContain('***');
  });

  it('rejects a URL that is not PostgreSQL and a schema name that is not plain, naming neither password', async () => {
    await expect(PostgresWorkspace.open('mysql://u:hunter2@h/db')).rejects.toMatchObject({ code: 'WORKSPACE_INVALID', message: expect.not.stringContaining('hunter2') });
    await expect(PostgresWorkspace.open(pg.server().url, { schema: 'Robert"; DROP TABLE x' })).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    await expect(PostgresWorkspace.open('not a url at all')).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
  });

  it('keeps several workspaces apart in one database, one schema each (also from ?schema= in the URL)', async () => {
    const a = await pg.open(freshSchema('a'));
    const b = await PostgresWorkspace.open(`${pg.server().url}?schema=${freshSchema('b')}`);
    try {
      const run = makeRun();
      await a.runs.save(run);
      expect(await a.runs.load(run.runId)).not.toBeNull();
      expect(await b.runs.load(run.runId)).toBeNull();
      expect(b.name).not.toContain(pg.server().password);
    } finally {
      await b.close();
    }
  });

  it('applies numbered migrations once, also when two processes open a new workspace at once', async () => {
    const schema = freshSchema('mig');
    const [x, y] = await Promise.all([pg.open(schema), pg.open(schema)]);
    expect(await x.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
    expect(await y.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
    await x.close();
    const again = await pg.open(schema);
    expect(await again.schemaVersion()).toBe(PG_LATEST_SCHEMA_VERSION);
  });

  it('refuses a workspace written by a newer version', async () => {
    const schema = freshSchema('new');
    const ws = await pg.open(schema);
    await ws.close();
    const client = new Client({ connectionString: pg.server().url });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (99, 'future')`);
    await client.end();
    await expect(PostgresWorkspace.open(pg.server().url, { schema })).rejects.toMatchObject({ code: 'WORKSPACE_TOO_NEW' });
  });

  it('throws WORKSPACE_CLOSED after close', async () => {
    const ws = await pg.open();
    await ws.close();
    await expect(ws.runs.load('x')).rejects.toMatchObject({ code: 'WORKSPACE_CLOSED' });
  });
});
