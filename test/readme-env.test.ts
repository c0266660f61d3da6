/**
 * The README documents every environment variable the project reads: each `process.env.X`,
 * `process.env['X']` and `env['X']` / `env.X` in the sources, scripts, tests and benchmarks.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SCANNED = ['src', 'bin', 'scripts', 'e2e', 'bench', 'test'];
const SOURCE = /\.(ts|tsx|mts|mjs|cjs|js)$/;
const READ = /\benv(?:\.([A-Z][A-Z0-9_]{2,})|\[\s*['"]([A-Z][A-Z0-9_]{2,})['"]\s*\])/g;
/** Constants naming a variable (`KEY_PASSPHRASE_ENV = 'STUDIO_KEY_PASSPHRASE'`). */
const NAMED = /_ENV\s*=\s*['"]([A-Z][A-Z0-9_]{2,})['"]/g;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && SOURCE.test(e.name) && !e.parentPath.includes('node_modules')).map((e) => join(e.parentPath, e.name));
}

describe('the README', () => {
  it('documents every environment variable the code reads', async () => {
    const read = new Set<string>();
    for (const dir of SCANNED) {
      for (const file of await sources(dir)) {
        const text = await readFile(file, 'utf8');
        for (const m of text.matchAll(READ)) read.add((m[1] ?? m[2])!);
        for (const m of text.matchAll(NAMED)) read.add(m[1]!);
      }
    }
    expect(read.size).toBeGreaterThan(10);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect([...read].filter((name) => !readme.includes(`\`${name}\``)).sort()).toEqual([]);
  });
});
