/**
 * `workspace.open` on files that must not be written: not a workspace yet, read-only, damaged.
 * Through the real web host, with real files: the answer says what happened, the file is left
 * byte-identical, and a later switch is whole (answered, announced, nothing left open).
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { makeRun } from '../../../runtime/storage/testing/store-contract';
import { damageLeafPage } from '../../../runtime/storage/sqlite/test-support/damage-page';
import { useHarness } from '../../testing/studio-harness';

const h = useHarness();

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function workspaceWithRuns(name: string): Promise<string> {
  const path = join(h.dir, name);
  const ws = SqliteWorkspace.open(path);
  for (let i = 0; i < 60; i++) await ws.runs.save(makeRun({ runId: `run-${i}`, vars: { filler: 'x'.repeat(400), i } }));
  ws.close();
  return path;
}

async function backToADefaultWorkspace(): Promise<void> {
  const path = join(h.dir, `fresh-${Date.now()}.studio.sqlite`);
  await h.call('workspace.create', { path });
  await h.waitForEvent('workspace.changed', (w) => w?.path === path);
}

describe('workspace.open without create', () => {
  it('refuses an empty SQLite file that is not a workspace, and leaves it untouched', async () => {
    const path = join(h.dir, 'someone-elses.sqlite');
    const raw = new Database(path);
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    raw.close();
    const before = digest(path);
    const current = await h.call('workspace.current', {});
    const res = await h.raw('workspace.open', { path });
    expect(res.body).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect(digest(path)).toBe(before);
    expect(await h.call('workspace.current', {})).toEqual(current);
  });
});

describe('a read-only workspace file', () => {
  it('opens read-only and says so; writes are refused; the file and its folder stay as they were; the next switch is whole', async () => {
    const path = await workspaceWithRuns('read-only.studio.sqlite');
    chmodSync(path, 0o444);
    const before = digest(path);
    const info = await h.call('workspace.open', { path });
    expect(info).toMatchObject({ path, readOnly: true, readOnlyReason: expect.stringContaining('read-only') });
    expect((await h.call('runs.query', {})).total).toBe(60);
    const start = await h.raw('runs.start', { workflowId: 'hello_world' });
    expect(start.status).toBe(403);
    expect(start.body).toMatchObject({ ok: false, error: { code: 'READ_ONLY', message: `${path} cannot be changed: ${info.readOnlyReason}` } });

    const next = join(h.dir, 'after-read-only.studio.sqlite');
    const created = await h.raw('workspace.create', { path: next });
    expect(created.status).toBe(200);
    await h.waitForEvent('workspace.changed', (w) => w?.path === next);
    expect((await h.call('workspace.current', {}))?.path).toBe(next);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(digest(path)).toBe(before);
  });
});

describe('a damaged workspace', () => {
  it('opens read-only naming the damage, is never written, and refuses runs.start', async () => {
    const path = await workspaceWithRuns('damaged.studio.sqlite');
    damageLeafPage(path);
    const before = digest(path);
    const info = await h.call('workspace.open', { path });
    expect(info).toMatchObject({ readOnly: true, readOnlyReason: expect.stringContaining('corrupt') });
    const start = await h.raw('runs.start', { workflowId: 'hello_world' });
    expect(start.body).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    await backToADefaultWorkspace();
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
