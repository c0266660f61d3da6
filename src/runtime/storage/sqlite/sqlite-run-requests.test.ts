import { afterEach, describe, expect, it } from 'vitest';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('SqliteRunRequests', () => {
  it('refuses a restore request with INVALID_ARGUMENT and writes nothing (restores are asked of PostgreSQL workers only)', async () => {
    const ws = temp.create();
    await expect(ws.requests.submit({ runId: 'r1', body: { kind: 'restore', snapshotId: 's1' }, actorId: 'ada', requestedBy: 'the studio' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('SQLite workspace'),
    });
    expect(await ws.requests.pendingFor(['r1'])).toEqual([]);
    const id = await ws.requests.submit({ runId: 'r1', body: { kind: 'cancel', reason: 'x' }, actorId: 'ada', requestedBy: 'the studio' });
    expect((await ws.requests.get(id))?.body).toEqual({ kind: 'cancel', reason: 'x' });
  });
});
