/**
 * The audit commands on files they must not change: a damaged workspace fails `studio verify`
 * (exit 1, saying the file is damaged), and no read-only command leaves a `-wal` or `-shm`
 * beside the workspace it read.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { damageLeafPage } from '../../runtime/storage/sqlite/test-support/damage-page';
import { makeRun, sampleRecord } from '../../runtime/storage/testing/store-contract';
import { runStudio, TempDirs } from './test-support';

const temps = new TempDirs();
let wsPath = '';
beforeEach(async () => {
  wsPath = join(temps.make('damaged'), 'w.studio.sqlite');
  const ws = SqliteWorkspace.open(wsPath);
  for (let i = 0; i < 40; i++) await ws.runs.save(makeRun({ runId: `run-${i}`, vars: { filler: 'x'.repeat(400), i } }));
  // A ledger to verify: without one, `verify` answers "nothing to verify" (exit 2).
  for (let i = 0; i < 3; i++) await ws.ledger.append(sampleRecord('run-0', i));
  ws.close();
});
afterEach(() => temps.cleanup());

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('studio verify on a damaged workspace', () => {
  it('fails with exit 1 and says the file is damaged, writing nothing', async () => {
    damageLeafPage(wsPath);
    const before = digest(wsPath);
    const r = await runStudio(['verify', wsPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('The workspace file is damaged');
    const json = JSON.parse((await runStudio(['verify', wsPath, '--json'])).stdout) as { ok: boolean; integrityProblems: string[] };
    expect(json.ok).toBe(false);
    expect(json.integrityProblems.length).toBeGreaterThan(0);
    expect(digest(wsPath)).toBe(before);
  });
});

describe('read-only commands', () => {
  it('leave no -wal or -shm beside the workspace', async () => {
    for (const args of [['runs', wsPath], ['verify', wsPath]]) {
      const r = await runStudio(args);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(`${wsPath}-wal`), args.join(' ')).toBe(false);
      expect(existsSync(`${wsPath}-shm`), args.join(' ')).toBe(false);
    }
  });
});
