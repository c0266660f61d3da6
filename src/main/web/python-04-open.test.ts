/**
 * The Studio on data written by the Python AbstractRuntime 0.4.28, through the real web host: its
 * JSON-files folder and its SQLite store open read-only, name their layout, list every run (the
 * paused one paused), page every ledger (system records included), and verify each run as
 * verified or unchained, never broken. The SQLite file is left byte for byte as it was.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/studio-harness';

const h = useHarness();

async function finishedJob(jobId: string) {
  for (let i = 0; i < 500; i++) {
    const job = await h.call('jobs.get', { jobId });
    if (job.finished) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('job never finished');
}

const fixture = (): string => join(h.dir, 'fixtures', 'python-abstractruntime-0.4.28');
const manifest = (): Record<string, Record<string, string>> => JSON.parse(readFileSync(join(fixture(), 'manifest.json'), 'utf8')) as Record<string, Record<string, string>>;

describe.each([
  ['folder', 'folder', 'Python AbstractRuntime 0.4 data folder', 'python-folder'],
  ['sqlite', 'runtime.sqlite3', 'Python AbstractRuntime 0.4 SQLite store', 'python-sqlite'],
] as const)('the Python 0.4.28 %s in the Studio', (layout, name, label, kind) => {
  it('opens read-only with its layout named, and shows every run as Python left it', async () => {
    const path = join(fixture(), name);
    const before = layout === 'sqlite' ? readFileSync(path) : null;
    const info = await h.call('workspace.openPythonFolder', { path });
    expect(info).toMatchObject({ kind, layout: label, readOnly: true, loadErrors: [] });
    const runs = await h.call('runs.query', { limit: 100 });
    expect(runs.total).toBe(12);
    const m = manifest();
    const chained = m[`${layout}_chained`]!;
    const unchained = m[`${layout}_unchained`]!;
    expect(runs.items.find((r) => r.runId === chained['paused'])).toMatchObject({ status: 'waiting', paused: true });
    expect(runs.items.find((r) => r.runId === chained['waiting_user'])).toMatchObject({ status: 'waiting', paused: false, waitReason: 'user' });
    for (const r of runs.items) {
      const page = await h.call('ledger.page', { runId: r.runId, fromSeq: 0, limit: 100 });
      expect(page.entries.length, r.runId).toBe(r.ledgerCount);
      const job = await finishedJob((await h.call('ledger.verify', { runId: r.runId })).jobId);
      const want = Object.values(chained).includes(r.runId) ? 'verified' : 'unchained';
      expect(Object.values(unchained).includes(r.runId) || want === 'verified').toBe(true);
      expect(job.result, r.runId).toMatchObject({ ok: true, chain: want });
    }
    const answered = await h.call('ledger.page', { runId: chained['answered']!, fromSeq: 0, limit: 100 });
    expect(answered.entries.map((e) => e.effectType)).toEqual(['ask_user', 'ask_user', 'resume', null, 'emit_event']);
    if (before) {
      await h.call('workspace.open', { path: join(h.dir, 'user', 'workspaces', 'default.studio.sqlite') }).catch(() => undefined);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
    }
  });
});

describe('offloaded values of the Python 0.4 folder (artifacts in the v1 layout)', () => {
  it('lists the offloaded run’s artifacts with size and type, and reads the offloaded prompt', async () => {
    await h.call('workspace.openPythonFolder', { path: join(fixture(), 'folder') });
    const runId = manifest()['folder_unchained']!['offloaded']!;
    const list = await h.call('artifacts.list', { runId });
    expect(list.map((a) => a.artifactId).sort()).toEqual(['6627de0d6b6d16058520735bb7ccd81c', '66dfafd6d11153a371fc980d0767467b', 'ea62774f8c390a4e2e87cd045b7bd705']);
    const prompt = list.find((a) => a.artifactId === '6627de0d6b6d16058520735bb7ccd81c')!;
    expect(prompt).toMatchObject({ contentType: 'text/plain', sizeBytes: 10020, tags: { path: 'vars._runtime.node_traces.digest.steps[0].effect.payload.prompt' } });
    expect(prompt.tags['studio.integrity']).toBeUndefined();
    const chunk = await h.call('artifacts.read', { artifactId: prompt.artifactId, offset: 0, length: 64 });
    expect(Buffer.from(chunk.base64, 'base64').toString('utf8')).toMatch(/^Digest these mails: mail mail/);
  });

  it('flags a missing blob and a blob whose sha256 differs from its name', async () => {
    const copy = join(h.dir, 'py04-damaged');
    cpSync(join(fixture(), 'folder'), copy, { recursive: true });
    const blobs = join(copy, 'artifacts', 'blobs');
    rmSync(join(blobs, 'e765e2eebad2bafe0230f29569ff9ce3c0d431913cbc489232c0329042477ca9.bin'));
    writeFileSync(join(blobs, 'dddf790b5543bc24d97d0db6f0a69098e126b2737cc4098be99c7f30f53ca703.bin'), 'digest: changed');
    await h.call('workspace.openPythonFolder', { path: copy });
    const list = await h.call('artifacts.list', { runId: manifest()['folder_unchained']!['offloaded']! });
    const integrity = Object.fromEntries(list.map((a) => [a.artifactId, a.tags['studio.integrity'] ?? 'ok']));
    expect(integrity).toEqual({ '6627de0d6b6d16058520735bb7ccd81c': 'blob missing', '66dfafd6d11153a371fc980d0767467b': 'sha256 mismatch', ea62774f8c390a4e2e87cd045b7bd705: 'ok' });
  });
});
