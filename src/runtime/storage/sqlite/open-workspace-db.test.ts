/**
 * The open path under damage and misuse: a file that is not yet a workspace, a damaged page, a
 * read-only audit that must leave nothing behind, and files that hold a private key.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRun } from '../testing/store-contract';
import { SqliteWorkspace } from './sqlite-workspace';
import { damageLeafPage } from './test-support/damage-page';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function workspaceWithRuns(): Promise<string> {
  const path = temp.newPath();
  const ws = SqliteWorkspace.open(path);
  for (let i = 0; i < 60; i++) await ws.runs.save(makeRun({ vars: { filler: 'x'.repeat(400), i } }));
  ws.close();
  return path;
}

describe('opening without create', () => {
  it('refuses an empty SQLite database that is not a workspace, and leaves it byte-identical', () => {
    const path = temp.newPath('other.sqlite');
    const raw = new Database(path);
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    raw.close();
    const before = digest(path);
    expect(() => SqliteWorkspace.open(path, { create: false })).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('empty SQLite database') }));
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('a damaged workspace', () => {
  it('is refused with WORKSPACE_CORRUPT when integrity is checked, before a single byte is written', async () => {
    const path = await workspaceWithRuns();
    damageLeafPage(path);
    const before = digest(path);
    expect(() => SqliteWorkspace.open(path, { create: false, checkIntegrity: true })).toThrow(expect.objectContaining({ code: 'WORKSPACE_CORRUPT' }));
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('a read-only audit', () => {
  it('leaves no -wal or -shm beside a workspace it found without them, and the file byte-identical', async () => {
    const path = await workspaceWithRuns();
    const before = digest(path);
    const ws = SqliteWorkspace.open(path, { readonly: true });
    expect((await ws.runs.listRuns({ limit: 5 })).length).toBe(5);
    ws.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(digest(path)).toBe(before);
  });

  it('leaves the pair alone while another connection writes', async () => {
    const path = await workspaceWithRuns();
    const writer = temp.open(path);
    const reader = SqliteWorkspace.open(path, { readonly: true });
    await reader.runs.listRuns({ limit: 1 });
    reader.close();
    await writer.runs.save(makeRun({ runId: 'after-the-audit' }));
    expect(await writer.runs.load('after-the-audit')).not.toBeNull();
  });
});

describe('file modes', () => {
  it.skipIf(process.platform === 'win32')('creates a workspace and its -wal readable by its owner only (0600)', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    await ws.runs.save(makeRun({ runId: 'r' }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-shm`).mode & 0o777).toBe(0o600);
  });
});
