import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES } from './sqlite-artifact-store';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

function blobRows(path: string): { blobs: number; chunks: number } {
  const raw = new Database(path, { readonly: true });
  const out = {
    blobs: raw.prepare('SELECT count(*) FROM blobs').pluck().get() as number,
    chunks: raw.prepare('SELECT count(*) FROM blob_chunks').pluck().get() as number,
  };
  raw.close();
  return out;
}

function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) % 251;
  return out;
}

/** Byte equality without vitest's element-by-element diff (slow on megabytes). */
const hex = (b: Uint8Array | null | undefined): string | null => (b ? Buffer.from(b).toString('hex') : null);

describe('SQLite artifacts', () => {
  it('stores the same bytes once however many runs refer to them, and drops them with the last reference', async () => {
    const ws = temp.create();
    const report = bytesOf(BLOB_CHUNK_BYTES + 10);
    await ws.artifacts.store(report, { artifactId: 'run1-report', runId: 'run-1', contentType: 'application/pdf' });
    await ws.artifacts.store(report, { artifactId: 'run2-report', runId: 'run-2', contentType: 'application/pdf' });
    expect(blobRows(ws.path)).toEqual({ blobs: 1, chunks: 2 });
    expect((await ws.artifacts.listByRun('run-2')).map((m) => m.artifactId)).toEqual(['run2-report']);
    expect(await ws.artifacts.delete('run1-report')).toBe(true);
    expect(blobRows(ws.path)).toEqual({ blobs: 1, chunks: 2 });
    expect(hex((await ws.artifacts.load('run2-report'))!.content) === hex(report)).toBe(true);
    expect(await ws.artifacts.delete('run2-report')).toBe(true);
    expect(blobRows(ws.path)).toEqual({ blobs: 0, chunks: 0 });
  });

  it('keeps one blob when content-addressed bytes are stored again (the id moves to the latest run, as in the reference)', async () => {
    const ws = temp.create();
    const a = await ws.artifacts.storeText('same text', { runId: 'run-1' });
    const b = await ws.artifacts.storeText('same text', { runId: 'run-2' });
    expect(b.artifactId).toBe(a.artifactId);
    expect(blobRows(ws.path).blobs).toBe(1);
    expect((await ws.artifacts.getMetadata(a.artifactId))!.runId).toBe('run-2');
  });

  it('drops the old bytes when an explicit id is stored again with new content', async () => {
    const ws = temp.create();
    await ws.artifacts.store(bytesOf(100, 1), { artifactId: 'draft' });
    await ws.artifacts.store(bytesOf(100, 2), { artifactId: 'draft' });
    expect(blobRows(ws.path)).toEqual({ blobs: 1, chunks: 1 });
    expect(hex((await ws.artifacts.load('draft'))!.content)).toBe(hex(bytesOf(100, 2)));
  });

  it('reads any byte range in bounded chunks', async () => {
    const ws = temp.create();
    const size = 2 * BLOB_CHUNK_BYTES + 3;
    const content = bytesOf(size, 7);
    await ws.artifacts.store(content, { artifactId: 'big' });
    const ranges: [number, number][] = [
      [0, 10],
      [BLOB_CHUNK_BYTES - 5, 10],
      [BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES],
      [1, 2 * BLOB_CHUNK_BYTES],
      [size - 2, 100],
      [0, size],
    ];
    for (const [offset, length] of ranges) {
      const got = await ws.artifacts.readArtifactChunk('big', offset, length);
      expect(got!.byteLength).toBe(Math.min(length, size - offset));
      expect(hex(got) === hex(content.slice(offset, offset + length))).toBe(true);
    }
    expect(await ws.artifacts.readArtifactChunk('big', size, 10)).toEqual(new Uint8Array(0));
    expect(await ws.artifacts.readArtifactChunk('big', 5, 0)).toEqual(new Uint8Array(0));
    expect(await ws.artifacts.readArtifactChunk('missing', 0, 10)).toBeNull();
    await expect(ws.artifacts.readArtifactChunk('big', -1, 10)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ws.artifacts.readArtifactChunk('big', 0, 1e12)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
