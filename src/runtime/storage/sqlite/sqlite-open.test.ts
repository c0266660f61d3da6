import { truncateSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRun } from '../testing/store-contract';
import { LATEST_SCHEMA_VERSION, WORKSPACE_APPLICATION_ID } from './migrations';
import { SqliteWorkspace } from './sqlite-workspace';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('opening a workspace file', () => {
  it('creates the schema once, records the migrations and re-opens without applying them again', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    expect(ws.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    const first = ws.migrations();
    expect(first.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await ws.runs.save(makeRun({ runId: 'kept' }));
    ws.close();
    const again = temp.open(path);
    expect(again.migrations()).toEqual(first);
    expect(await again.runs.load('kept')).not.toBeNull();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('application_id', { simple: true })).toBe(WORKSPACE_APPLICATION_ID);
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('uses WAL, foreign keys, a busy timeout, and synchronous=NORMAL by default or FULL on request', async () => {
    expect(temp.create().storageSettings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL', foreignKeys: true, busyTimeoutMs: 5000, walCheckpoints: 'writer' });
    const full = temp.create({ synchronous: 'FULL', busyTimeoutMs: 250 });
    expect(full.storageSettings()).toMatchObject({ synchronous: 'FULL', busyTimeoutMs: 250 });
    expect(await full.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
  });

  it('refuses a file that is not SQLite, with WORKSPACE_INVALID, and leaves it untouched', () => {
    const path = temp.newPath('notes.txt');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(10));
    expect(() => SqliteWorkspace.open(path)).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('not a SQLite database') }));
    expect(() => SqliteWorkspace.open(path, { readonly: true })).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID' }));
  });

  it('refuses a SQLite database of another application', () => {
    const path = temp.newPath('other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();
    expect(() => SqliteWorkspace.open(path)).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('another application') }));
    const tagged = temp.newPath('tagged.db');
    const t = new Database(tagged);
    t.pragma('application_id = 1234');
    t.exec('CREATE TABLE x (a)');
    t.close();
    expect(() => SqliteWorkspace.open(tagged)).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('0x4d2') }));
  });

  it('refuses a workspace written by a newer app, naming both versions', () => {
    const path = temp.newPath();
    temp.open(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 3}`);
    raw.close();
    expect(() => SqliteWorkspace.open(path)).toThrow(
      expect.objectContaining({ code: 'WORKSPACE_TOO_NEW', message: expect.stringMatching(new RegExp(`version ${LATEST_SCHEMA_VERSION + 3}.*\\(${LATEST_SCHEMA_VERSION}\\)`)) }),
    );
  });

  it('reports a damaged file as WORKSPACE_CORRUPT instead of crashing', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    for (let i = 0; i < 200; i++) await ws.runs.save(makeRun({ vars: { filler: 'x'.repeat(500), i } }));
    ws.close();
    // Keep the header, cut the file in the middle of its pages.
    truncateSync(path, 8 * 4096 + 100);
    let error: unknown;
    try {
      const again = SqliteWorkspace.open(path, { checkIntegrity: true });
      await again.runs.listRuns({ limit: 1000 });
      again.close();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'WORKSPACE_CORRUPT' });
  });

  it('does not create a file when create is false, or when opening read-only', () => {
    const path = temp.newPath();
    expect(() => SqliteWorkspace.open(path, { create: false })).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('does not exist') }));
    expect(() => SqliteWorkspace.open(path, { readonly: true })).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID' }));
  });

  it('opens read-only for audit: reads work, every write throws a typed error', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    const run = makeRun({ runId: 'audited' });
    await ws.runs.save(run);
    await ws.ledger.append(sampleRecord('audited', 0));
    ws.close();
    const ro = temp.open(path, { readonly: true });
    expect((await ro.runs.load('audited'))!.runId).toBe('audited');
    expect((await ro.verifyRun('audited')).ok).toBe(true);
    const readonlyError = expect.objectContaining({ code: 'STORE_ERROR', details: expect.objectContaining({ reason: 'readonly' }) });
    await expect(ro.runs.save(run)).rejects.toEqual(readonlyError);
    await expect(ro.ledger.append(sampleRecord('audited', 1))).rejects.toEqual(readonlyError);
    await expect(ro.artifacts.storeText('x')).rejects.toEqual(readonlyError);
    await expect(ro.runs.acquireRunLease('audited')).rejects.toEqual(readonlyError);
    await expect(ro.forkRun({ runId: 'audited', atSeq: 0 })).rejects.toEqual(readonlyError);
    expect(await ro.ledger.ledgerCount('audited')).toBe(1);
  });

  it('throws WORKSPACE_CLOSED after close, from every store', async () => {
    const ws = temp.create();
    ws.close();
    const closed = expect.objectContaining({ code: 'WORKSPACE_CLOSED' });
    await expect(ws.runs.load('x')).rejects.toEqual(closed);
    await expect(ws.runs.save(makeRun())).rejects.toEqual(closed);
    await expect(ws.ledger.list('x')).rejects.toEqual(closed);
    await expect(ws.artifacts.listAll()).rejects.toEqual(closed);
    await expect(ws.snapshots.list()).rejects.toEqual(closed);
    await expect(ws.verifyRun('x')).rejects.toEqual(closed);
    expect(() => ws.schemaVersion).toThrow(closed);
    ws.close(); // a second close is harmless
  });
});

describe('a workspace from a pre-release build', () => {
  it('is refused with WORKSPACE_INVALID, saying why, and left untouched', () => {
    const path = temp.newPath('old.sqlite');
    const old = new Database(path);
    old.pragma(`application_id = ${WORKSPACE_APPLICATION_ID}`);
    old.pragma('user_version = 1');
    old.exec('CREATE TABLE runs (run_id TEXT PRIMARY KEY); CREATE TABLE checkpoints (id INTEGER PRIMARY KEY)');
    old.close();
    expect(() => SqliteWorkspace.open(path)).toThrow(expect.objectContaining({ code: 'WORKSPACE_INVALID', message: expect.stringContaining('pre-release build') }));
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['checkpoints', 'runs']);
    after.close();
  });
});
