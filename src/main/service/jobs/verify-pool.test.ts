/**
 * Many verifications at once, through the real web host: identical requests share one job, the
 * jobs run through a small pool of worker threads, and other requests are answered meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/studio-harness';

const h = useHarness();

async function finished(jobId: string) {
  for (;;) {
    const job = await h.call('jobs.get', { jobId });
    if (job.finished) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ledger.verify under a burst', () => {
  it('shares one job between identical requests, bounds the rest, and keeps answering other calls', async () => {
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) runs.push((await h.call('runs.start', { workflowId: 'hello_world' })).runId);
    await h.service.idle();

    // 150 calls: 30 identical ones for each of 5 runs, all sent at once; a plain query meanwhile.
    const burst = Array.from({ length: 150 }, (_, i) => h.call('ledger.verify', { runId: runs[i % runs.length]! }));
    const other = h.raw('runs.query', {});
    expect((await other).status).toBe(200);
    const ids = (await Promise.all(burst)).map((r) => r.jobId);
    const perRun = runs.map((_, r) => new Set(ids.filter((_, i) => i % runs.length === r)).size);
    // Each run's 30 requests arrived while its first job was queued or running: one job each
    // (a few more only if a job finished before the last of its requests arrived).
    expect(perRun.every((n) => n <= 3), `jobs per run: ${perRun.join(', ')}`).toBe(true);
    for (const id of new Set(ids)) expect((await finished(id)).result).toMatchObject({ ok: true });
  });
});
