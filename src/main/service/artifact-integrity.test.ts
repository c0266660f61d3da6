/**
 * The integrity of offloaded values, as a typed verdict rather than a tag to notice: on a real
 * copy of the Python 0.4.28 folder with one blob removed and one rewritten, the artifact list,
 * each read and the check of `{"$artifact": id}` references say which are missing or damaged.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/studio-harness';

const PROMPT = '6627de0d6b6d16058520735bb7ccd81c'; // its blob is removed below
const DIGEST = '66dfafd6d11153a371fc980d0767467b'; // its blob is rewritten below
const INTACT = 'ea62774f8c390a4e2e87cd045b7bd705';

let h: Harness;
let runId: string;
beforeAll(async () => {
  h = await startHarness();
  const fixture = join(h.dir, 'fixtures', 'python-abstractruntime-0.4.28');
  runId = (JSON.parse(readFileSync(join(fixture, 'manifest.json'), 'utf8')) as Record<string, Record<string, string>>)['folder_unchained']!['offloaded']!;
  const copy = join(h.dir, 'py04-damaged');
  cpSync(join(fixture, 'folder'), copy, { recursive: true });
  const blobs = join(copy, 'artifacts', 'blobs');
  rmSync(join(blobs, 'e765e2eebad2bafe0230f29569ff9ce3c0d431913cbc489232c0329042477ca9.bin'));
  writeFileSync(join(blobs, 'dddf790b5543bc24d97d0db6f0a69098e126b2737cc4098be99c7f30f53ca703.bin'), 'digest: changed');
  await h.call('workspace.openPythonFolder', { path: copy });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('artifact integrity', () => {
  it('is a field of every listed artifact', async () => {
    const list = await h.call('artifacts.list', { runId });
    expect(Object.fromEntries(list.map((a) => [a.artifactId, a.integrity]))).toEqual({ [PROMPT]: 'blob missing', [DIGEST]: 'sha256 mismatch', [INTACT]: 'ok' });
  });

  it('comes with every read, so a preview says its bytes are not what was stored', async () => {
    expect(await h.call('artifacts.read', { artifactId: DIGEST })).toMatchObject({ integrity: 'sha256 mismatch' });
    expect(await h.call('artifacts.read', { artifactId: PROMPT })).toMatchObject({ integrity: 'blob missing', base64: '' });
    expect(await h.call('artifacts.read', { artifactId: INTACT })).toMatchObject({ integrity: 'ok' });
  });

  it('answers for $artifact references, including one that names no artifact at all', async () => {
    const checked = await h.call('artifacts.check', { artifactIds: [INTACT, PROMPT, DIGEST, 'no-such-artifact'] });
    expect(checked).toEqual([
      { artifactId: INTACT, integrity: 'ok' },
      { artifactId: PROMPT, integrity: 'blob missing' },
      { artifactId: DIGEST, integrity: 'sha256 mismatch' },
      { artifactId: 'no-such-artifact', integrity: 'missing' },
    ]);
  });
});
