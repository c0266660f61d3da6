import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../errors';
import { ManualClock, parseIsoTimestamp } from '../../json/timestamp';
import { snapshotFromRun } from '../../snapshots/snapshot';
import { makeRun } from '../testing/store-contract';
import { removeDir, tempDir } from './fixture-helpers';
import { ReadOnlyStoreError } from './file-store-errors';
import { JsonSnapshotStore } from './json-snapshot-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
async function dir(): Promise<string> {
  const d = await tempDir('snapshots');
  dirs.push(d);
  return d;
}

describe('JsonSnapshotStore', () => {
  it('writes snapshot_<id>.json with indent 2 and no newline, stamping updatedAt on the object it is given', async () => {
    const d = await dir();
    const clock = new ManualClock(parseIsoTimestamp('2025-12-17T09:00:00+00:00')!);
    const store = new JsonSnapshotStore(d, { clock, fsync: false });
    const snap = snapshotFromRun({ run: makeRun({ runId: 'r1', vars: {} }), name: 'café', tags: ['t'], newId: () => 's1' });
    snap.createdAt = '2025-12-17T08:00:00+00:00';
    await store.save(snap);
    expect(snap.updatedAt).toBe('2025-12-17T09:00:00+00:00');
    const text = await readFile(join(d, 'snapshot_s1.json'), 'utf8');
    expect(text.startsWith('{\n  "snapshot_id": "s1",\n  "run_id": "r1",\n  "step_id": null,\n  "name": "café",\n  "description": null,\n  "tags": [\n    "t"\n  ],\n  "created_at": "2025-12-17T08:00:00+00:00",\n  "updated_at": "2025-12-17T09:00:00+00:00",\n  "run_state": {\n    "run_id": "r1",')).toBe(true);
    expect(text.endsWith('\n  }\n}')).toBe(true);
  });

  it('list skips and reports files it cannot parse; load throws CorruptFileError for them', async () => {
    const d = await dir();
    const reported: string[] = [];
    const store = new JsonSnapshotStore(d, { fsync: false, onCorrupt: (p) => reported.push(p) });
    const snap = snapshotFromRun({ run: makeRun(), name: 'ok', newId: () => 'good' });
    await store.save(snap);
    const bad = join(d, 'snapshot_bad.json');
    await writeFile(bad, '{"snapshot_id": "bad"');
    expect((await store.list()).map((s) => s.snapshotId)).toEqual(['good']);
    expect(store.corruptFiles()).toEqual([bad]);
    expect(reported).toEqual([bad]);
    await expect(store.load('bad')).rejects.toBeInstanceOf(CorruptFileError);
    await expect(store.load('bad')).rejects.toMatchObject({ path: bad });
    expect(await store.load('none')).toBeNull();
  });

  it('fills the reference defaults for fields a file lacks', async () => {
    const d = await dir();
    const clock = new ManualClock(parseIsoTimestamp('2025-12-17T09:00:00+00:00')!);
    const store = new JsonSnapshotStore(d, { clock });
    await writeFile(join(d, 'snapshot_min.json'), '{"snapshot_id": "min", "run_id": "r1", "name": null, "tags": null}');
    expect(await store.load('min')).toMatchObject({ name: '', tags: [], runState: {}, createdAt: '2025-12-17T09:00:00+00:00' });
  });

  it('read-only: save and delete throw and the folder is not created; ids are validated', async () => {
    const parent = await dir();
    const store = new JsonSnapshotStore(join(parent, 'snapshots'), { readOnly: true });
    const snap = snapshotFromRun({ run: makeRun(), name: 'x' });
    const before = snap.updatedAt;
    await expect(store.save(snap)).rejects.toBeInstanceOf(ReadOnlyStoreError);
    expect(snap.updatedAt).toBe(before);
    await expect(store.delete(snap.snapshotId)).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(store.load('../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await store.list()).toEqual([]);
    expect(await readdir(parent)).toEqual([]);
  });
});
