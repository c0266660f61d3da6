import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTempFileName, writeFileAtomic } from './atomic-write';
import { removeDir, tempDir } from './fixture-helpers';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
async function dir(): Promise<string> {
  const d = await tempDir('atomic');
  dirs.push(d);
  return d;
}

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temp file behind', async () => {
    const d = await dir();
    const path = join(d, 'run_a.json');
    await writeFileAtomic(path, 'first ☕');
    await writeFileAtomic(path, new Uint8Array([0, 1, 2]));
    expect([...(await readFile(path))]).toEqual([0, 1, 2]);
    expect(await readdir(d)).toEqual(['run_a.json']);
  });

  it('on failure throws, keeps the old file intact and removes its temp file', async () => {
    const d = await dir();
    const target = join(d, 'target');
    await mkdir(join(target, 'child'), { recursive: true }); // renaming a file over a non-empty folder fails
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readdir(d)).toEqual(['target']);
    expect(await readdir(target)).toEqual(['child']);
  });

  it('fails cleanly when the folder does not exist', async () => {
    const d = await dir();
    await expect(writeFileAtomic(join(d, 'missing', 'f.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(d)).toEqual([]);
  });

  it('concurrent writers never mix: the file is one whole version', async () => {
    const d = await dir();
    const path = join(d, 'run_a.json');
    const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(50_000 + i));
    await Promise.all(versions.map((v) => writeFileAtomic(path, v, { fsync: false })));
    expect(versions).toContain(await readFile(path, 'utf8'));
    expect(await readdir(d)).toEqual(['run_a.json']);
  });

  it('readers during a write see the old file or the new one, never a part', async () => {
    const d = await dir();
    const path = join(d, 'run_a.json');
    const oldText = 'o'.repeat(4 << 20);
    const newText = 'n'.repeat(8 << 20);
    await writeFileAtomic(path, oldText, { fsync: false });
    const writing = writeFileAtomic(path, newText);
    const seen = new Set<number>();
    let done = false;
    void writing.finally(() => (done = true));
    while (!done) seen.add((await readFile(path)).length);
    await writing;
    seen.add((await readFile(path)).length);
    expect([...seen].every((n) => n === oldText.length || n === newText.length)).toBe(true);
    expect(seen.has(newText.length)).toBe(true);
  });

  it('names temp files so that no store glob matches them', () => {
    expect(isTempFileName('.run_a.json.123.abcdef.tmp')).toBe(true);
    expect(isTempFileName('run_a.json')).toBe(false);
    expect(isTempFileName('.hidden')).toBe(false);
  });
});
