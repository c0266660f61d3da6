import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../errors';
import { ManualClock, parseIsoTimestamp } from '../../json/timestamp';
import { removeDir, tempDir } from './fixture-helpers';
import { FileArtifactStore } from './file-artifact-store';
import { ReadOnlyStoreError } from './file-store-errors';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
async function dir(): Promise<string> {
  const d = await tempDir('artifacts');
  dirs.push(d);
  return d;
}
const clockAt = (iso: string): ManualClock => new ManualClock(parseIsoTimestamp(iso)!);

describe('FileArtifactStore', () => {
  it('writes artifacts/<id>.bin and a .meta exactly as the reference, created_at from the clock', async () => {
    const base = await dir();
    const store = new FileArtifactStore(base, { clock: clockAt('2025-12-17T08:31:01.092001+00:00') });
    const meta = await store.storeText('plain note ✓', { runId: '00000000-0000-4000-8000-00000000001d', tags: { kind: 'note' } });
    expect(meta.artifactId).toBe('56b25ef4f609593eb267d25473d24cb6');
    expect((await readdir(join(base, 'artifacts'))).sort()).toEqual([`${meta.artifactId}.bin`, `${meta.artifactId}.meta`]);
    expect(await readFile(join(base, 'artifacts', `${meta.artifactId}.meta`), 'utf8')).toBe(
      '{\n  "artifact_id": "56b25ef4f609593eb267d25473d24cb6",\n  "content_type": "text/plain",\n  "size_bytes": 14,\n' +
        '  "created_at": "2025-12-17T08:31:01.092001+00:00",\n  "run_id": "00000000-0000-4000-8000-00000000001d",\n  "tags": {\n    "kind": "note"\n  }\n}',
    );
  });

  it('exists looks only at .bin, load needs both files, getMetadata reads only .meta, delete reports either', async () => {
    const base = await dir();
    const store = new FileArtifactStore(base, { fsync: false });
    const a = await store.store(new Uint8Array([1, 2, 3]), { artifactId: 'only-bin' });
    await rm(join(base, 'artifacts', 'only-bin.meta'));
    expect(await store.exists(a.artifactId)).toBe(true);
    expect(await store.load(a.artifactId)).toBeNull();
    expect(await store.getMetadata(a.artifactId)).toBeNull();

    const b = await store.store(new Uint8Array([4]), { artifactId: 'only-meta' });
    await rm(join(base, 'artifacts', 'only-meta.bin'));
    expect(await store.exists(b.artifactId)).toBe(false);
    expect(await store.load(b.artifactId)).toBeNull();
    expect((await store.getMetadata(b.artifactId))!.sizeBytes).toBe(1);
    expect(await store.delete(b.artifactId)).toBe(true);
    expect(await store.delete(b.artifactId)).toBe(false);
    expect(await store.delete(a.artifactId)).toBe(true);
    expect(await readdir(join(base, 'artifacts'))).toEqual([]);
  });

  it('storing the same bytes again moves the artifact to the latest run (the reference quirk)', async () => {
    const store = new FileArtifactStore(await dir(), { fsync: false });
    const first = await store.storeText('same', { runId: 'r1' });
    const second = await store.storeText('same', { runId: 'r2' });
    expect(second.artifactId).toBe(first.artifactId);
    expect(await store.listByRun('r1')).toEqual([]);
    expect((await store.listByRun('r2')).map((m) => m.artifactId)).toEqual([first.artifactId]);
  });

  it('listings skip unreadable .meta files and report them; load and getMetadata throw for them', async () => {
    const base = await dir();
    const reported: string[] = [];
    const store = new FileArtifactStore(base, { fsync: false, onCorrupt: (path) => reported.push(path) });
    const good = await store.storeText('fine', { runId: 'r1' });
    const bad = await store.storeText('bad', { runId: 'r1' });
    const badMeta = join(base, 'artifacts', `${bad.artifactId}.meta`);
    await writeFile(badMeta, '{"artifact_id": ');
    const renamed = join(base, 'artifacts', 'other-name.meta');
    await writeFile(renamed, await readFile(join(base, 'artifacts', `${good.artifactId}.meta`)));
    expect((await store.listByRun('r1')).map((m) => m.artifactId)).toEqual([good.artifactId]);
    expect(store.corruptFiles().sort()).toEqual([badMeta, renamed].sort());
    expect(reported.sort()).toEqual([badMeta, renamed].sort());
    expect((await store.listAll()).map((m) => m.artifactId)).toEqual([good.artifactId]);
    await expect(store.getMetadata(bad.artifactId)).rejects.toBeInstanceOf(CorruptFileError);
    await expect(store.load(bad.artifactId)).rejects.toMatchObject({ code: 'CORRUPT_FILE', path: badMeta });
  });

  it('validates the id on every operation', async () => {
    const store = new FileArtifactStore(await dir());
    for (const op of [
      (s: FileArtifactStore) => s.load('../x'),
      (s: FileArtifactStore) => s.getMetadata('a/b'),
      (s: FileArtifactStore) => s.exists('a.b'),
      (s: FileArtifactStore) => s.delete(''),
    ]) {
      await expect(op(store)).rejects.toMatchObject({ code: 'INVALID_ARTIFACT_ID' });
    }
  });

  it('read-only: store and delete throw, nothing is created', async () => {
    const base = await dir();
    const store = new FileArtifactStore(base, { readOnly: true });
    await expect(store.storeText('x')).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(store.delete('abc')).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(store.deleteByRun('r1')).resolves.toBe(0);
    expect(await store.listAll()).toEqual([]);
    expect(await readdir(base)).toEqual([]);
  });
});
