import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { snapshotFromRun } from '../../snapshots/snapshot';
import { copyFixture, removeDir, runIndependentVerify, snapshotTree, tempDir } from './fixture-helpers';
import { ReadOnlyStoreError } from './file-store-errors';
import { DataFolderNotFoundError, openPythonDataFolder } from './python-data-folder';
import { verifyDataFolder } from './verify-data-folder';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
const RUN = '00000000-0000-4000-8000-000000000005';

const askWorkflow = new WorkflowSpec({
  workflowId: 'folder_ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: 'ask_user', payload: { prompt: 'Colour? ☕', choices: ['red', 'green'] }, resultKey: 'answer' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { answer: run.vars['answer'] ?? null, f: 1.5 } }),
  },
});

describe('openPythonDataFolder', () => {
  it('read-only: every write of every store throws ReadOnlyStoreError and the folder is unchanged', async () => {
    const dir = await copyFixture();
    dirs.push(dir);
    const before = await snapshotTree(dir);
    const folder = await openPythonDataFolder(dir, { readOnly: true });
    const run = (await folder.runStore.load(RUN))!;
    const record = (await folder.ledgerStore.list(RUN))[0]!;
    const writes: [string, () => Promise<unknown>][] = [
      ['run save', () => folder.runStore.save(run)],
      ['ledger append', () => folder.ledgerStore.append(record)],
      ['artifact store', () => folder.artifactStore.storeText('x')],
      ['artifact delete', () => folder.artifactStore.delete('fixture-explicit-id')],
      ['artifact deleteByRun', () => folder.artifactStore.deleteByRun('00000000-0000-4000-8000-00000000001d')],
      ['snapshot save', () => folder.snapshotStore.save(snapshotFromRun({ run, name: 'x' }))],
      ['snapshot delete', () => folder.snapshotStore.delete('00000000-0000-4000-8000-000000000007')],
    ];
    for (const [what, write] of writes) {
      const attempt = write();
      await expect(attempt, what).rejects.toBeInstanceOf(ReadOnlyStoreError);
      await expect(attempt, what).rejects.toMatchObject({ code: 'READ_ONLY', readOnly: true });
    }
    const after = await snapshotTree(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [rel, bytes] of before) expect(after.get(rel)!.equals(bytes), rel).toBe(true);
  });

  it('read-only needs an existing folder; writable creates it', async () => {
    const parent = await tempDir('folder');
    dirs.push(parent);
    await expect(openPythonDataFolder(join(parent, 'missing'), { readOnly: true })).rejects.toBeInstanceOf(DataFolderNotFoundError);
    await writeFile(join(parent, 'file'), '');
    await expect(openPythonDataFolder(join(parent, 'file'), { readOnly: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const folder = await openPythonDataFolder(join(parent, 'new', 'data'));
    expect(folder.readOnly).toBe(false);
    expect(await readdir(join(parent, 'new'))).toEqual(['data']);
  });

  it('runs a workflow across a restart, and the folder verifies here and with the Python check', async () => {
    const dir = await tempDir('folder-runtime');
    dirs.push(dir);
    const first = await openPythonDataFolder(dir, { fsync: false });
    const rt = new Runtime({ runStore: first.runStore, ledgerStore: first.ledgerStore, artifactStore: first.artifactStore });
    const runId = await rt.start({ workflow: askWorkflow, vars: { topic: 'café', big: 12345678901234567890n } });
    await rt.tick({ workflow: askWorkflow, runId });
    const second = await openPythonDataFolder(dir, { fsync: false });
    const rt2 = new Runtime({ runStore: second.runStore, ledgerStore: second.ledgerStore });
    const waiting = await rt2.getState(runId);
    const done = await rt2.resume({ workflow: askWorkflow, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'green' } });
    expect(done.status).toBe('completed');

    const result = await verifyDataFolder(dir);
    expect(result).toMatchObject({ ok: true, runs: 1, failures: [], corruptFiles: [], runsWithoutLedger: [] });
    const records = await second.ledgerFiles.list(runId);
    expect(result.records).toBe(records.length);
    const [ledger, runFile] = await runIndependentVerify([second.ledgerFiles.pathFor(runId), second.runStore.pathFor(runId)]);
    expect(ledger).toMatchObject({ ok: true, count: records.length, head_hash: records.at(-1)!.recordHash, bytes_match_python: true });
    expect(runFile).toMatchObject({ bytes_match_python: true });
  });
});

describe('verifyDataFolder', () => {
  it('reports corrupt run, artifact and snapshot files, a ledger under another run, and runs without a ledger', async () => {
    const dir = await copyFixture();
    dirs.push(dir);
    await writeFile(join(dir, 'run_broken.json'), '{');
    await writeFile(join(dir, 'artifacts', 'broken.meta'), 'not json');
    await writeFile(join(dir, 'snapshots', 'snapshot_broken.json'), '[]');
    await copyFile(join(dir, `ledger_${RUN}.jsonl`), join(dir, 'ledger_impostor.jsonl'));
    await rm(join(dir, 'ledger_00000000-0000-4000-8000-000000000013.jsonl'));
    const result = await verifyDataFolder(dir);
    expect(result.ok).toBe(false);
    expect(result.corruptFiles.sort()).toEqual(
      [join(dir, 'run_broken.json'), join(dir, 'artifacts', 'broken.meta'), join(dir, 'snapshots', 'snapshot_broken.json')].sort(),
    );
    expect(result.failures.map((f) => [f.runId, f.firstBadIndex])).toEqual([['impostor', 0]]);
    expect(result.failures[0]!.errors.every((e) => e.type === 'run_id_mismatch')).toBe(true);
    expect(result.runsWithoutLedger).toEqual(['00000000-0000-4000-8000-000000000013']);
  });
});
