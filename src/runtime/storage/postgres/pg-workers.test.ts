import { describe, expect, it } from 'vitest';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();

describe('PgWorkers: the registry of worker processes (migration 2)', () => {
  it('refuses an id a live worker has, frees it when that worker stops or its heartbeat expires, and keeps the rows', async () => {
    const schema = freshSchema('workers');
    const a = await pg.open(schema);
    const b = await pg.open(schema);
    const reg = await a.workers.register({ workerId: 'w1@host-a', host: 'host-a', pid: 11, workflowIds: ['x', 'y'], ttlMs: 300 });
    await expect(b.workers.register({ workerId: 'w1@host-a', host: 'host-b', pid: 22, workflowIds: ['x'], ttlMs: 300 })).rejects.toMatchObject({
      code: 'WORKER_ID_IN_USE',
      message: expect.stringContaining('pid 11'),
    });
    await new Promise((r) => setTimeout(r, 500)); // the heartbeat (every 100 ms) keeps it alive past its TTL
    expect((await b.workers.live('y')).map((w) => w.workerId)).toEqual(['w1@host-a']);
    expect(await b.workers.live('z')).toEqual([]);
    await reg.stop();
    expect(await b.workers.get('w1@host-a')).toMatchObject({ live: false, host: 'host-a', workflowIds: ['x', 'y'] });
    expect((await b.workers.get('w1@host-a'))!.stoppedAt).not.toBeNull();
    const again = await b.workers.register({ workerId: 'w1@host-a', host: 'host-b', pid: 22, workflowIds: ['x'], ttlMs: 200 });
    expect(await a.workers.get('w1@host-a')).toMatchObject({ live: true, pid: 22, stoppedAt: null });
    await b.close(); // dies without stopping: its heartbeat ends, and the row expires
    await new Promise((r) => setTimeout(r, 400));
    expect(await a.workers.live()).toEqual([]);
    expect((await a.workers.all()).map((w) => w.workerId)).toEqual(['w1@host-a']);
    await again.stop(); // on a closed workspace: nothing to do, no error
  });
});
