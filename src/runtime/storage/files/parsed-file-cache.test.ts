import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write';
import { removeDir, tempDir } from './fixture-helpers';
import { ParsedFileCache } from './parsed-file-cache';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

function counting(): { parse: (b: Buffer) => string; calls: () => number } {
  let n = 0;
  return { parse: (b) => (n++, b.toString('utf8')), calls: () => n };
}

describe('ParsedFileCache', () => {
  it('parses an unchanged settled file once, and again after it changes or comes back', async () => {
    const d = await tempDir('cache');
    dirs.push(d);
    const path = join(d, 'run_a.json');
    await writeFile(path, 'one');
    const cache = new ParsedFileCache<string>(-60_000); // a negative margin: every file counts as settled
    const p = counting();
    expect(await cache.get(path, p.parse)).toBe('one');
    expect(await cache.get(path, p.parse)).toBe('one');
    expect(p.calls()).toBe(1);
    await writeFileAtomic(path, 'two', { fsync: false }); // a new inode
    expect(await cache.get(path, p.parse)).toBe('two');
    expect(p.calls()).toBe(2);
    await rm(path);
    expect(await cache.get(path, p.parse)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('never trusts a file changed within the racy margin (a same-size rewrite could keep its signature)', async () => {
    const d = await tempDir('cache-racy');
    dirs.push(d);
    const path = join(d, 'run_a.json');
    await writeFile(path, 'waiting');
    const cache = new ParsedFileCache<string>();
    const p = counting();
    await cache.get(path, p.parse);
    await writeFile(path, 'running');
    expect(await cache.get(path, p.parse)).toBe('running');
    expect(p.calls()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('retainOnly drops entries of files that are gone', async () => {
    const d = await tempDir('cache-retain');
    dirs.push(d);
    const cache = new ParsedFileCache<string>(-60_000);
    for (const n of ['a', 'b']) {
      await writeFile(join(d, n), n);
      await cache.get(join(d, n), (b) => b.toString());
    }
    cache.retainOnly(new Set([join(d, 'a')]));
    expect(cache.size).toBe(1);
  });
});
