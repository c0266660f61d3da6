/**
 * The Studio on data written by the Python AbstractRuntime 0.4.28, through the real web host: its
 * JSON-files folder and its SQLite store open read-only, name their layout, list every run (the
 * paused one paused), page every ledger (system records included), and verify each run as
 * verified or unchained, never broken. The SQLite file is left byte for byte as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

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
