/**
 * Incremental chain verification (issue 12 item 2): a second verification of a grown run reads
 * only the records after the head the first one verified, and a record changed below that head
 * (another process editing the file) is still caught, at its own seq. Through the real web host,
 * with a real workspace file; what was read is asserted from the verdict's counts.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type ChainSummary } from '../../../shared/contract/domain';
import { untilStatus, useHarness } from '../../testing/studio-harness';

const h = useHarness();

async function verify(runId: string): Promise<ChainSummary> {
  const { jobId } = await h.call('ledger.verify', { runId });
  for (let i = 0; i < 500; i++) {
    const job = await h.call('jobs.get', { jobId });
    if (job.finished) {
      if (!job.result) throw new Error(`verification failed: ${job.error}`);
      return job.result;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('verification never finished');
}

/** Answers the ask-user demo's next prompt, and waits until the run rests again. */
async function answer(runId: string, text?: string): Promise<void> {
  await h.service.idle();
  const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === runId)!;
  await h.call('prompts.answer', { runId, waitKey: prompt.waitKey, payloadJson: JSON.stringify({ response: text ?? prompt.choices![0] }) });
  await h.service.idle();
}

/** Changes one record's hashed text from another connection, as an editor of the file would. */
function tamper(path: string, runId: string, seq: number): void {
  const db = new Database(path);
  try {
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${t}"`);
    const changed = db.prepare("UPDATE ledger SET canonical = json_set(canonical, '$.attempt', 7) WHERE id = ((SELECT run_key FROM run_keys WHERE run_id = ?) << 32) + ?").run(runId, seq);
    if (changed.changes !== 1) throw new Error(`no record ${seq}`);
  } finally {
    db.close();
  }
}

describe('ledger.verify from the last verified head', () => {
  it('catches a record changed below the verified head by another process, at its own seq', async () => {
    const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    await answer(run.runId, 'Ada');
    const first = await verify(run.runId);
    expect(first).toMatchObject({ ok: true, chain: 'verified', checkedFromSeq: 0 });
    expect(first.count).toBeGreaterThan(1);
    tamper((await h.call('workspace.current', {}))!.path, run.runId, 1);
    await answer(run.runId);
    await untilStatus(h, run.runId, 'completed');
    const again = await verify(run.runId);
    expect(again).toMatchObject({ ok: false, chain: 'broken', firstBadSeq: 1, checkedFromSeq: 0 });
    expect(again.count).toBeGreaterThan(first.count);
  });

  it('reads only the records appended since the last verified head', async () => {
    const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    await answer(run.runId, 'Bo');
    const first = await verify(run.runId);
    expect(first).toMatchObject({ ok: true, chain: 'verified', checkedFromSeq: 0 });
    await answer(run.runId);
    const done = await untilStatus(h, run.runId, 'completed');
    const again = await verify(run.runId);
    // Only seqs from the old head's successor on were read; the verdict still covers the whole run.
    expect(again).toMatchObject({ ok: true, chain: 'verified', checkedFromSeq: first.count, count: done.ledgerCount, verifiedCount: done.ledgerCount });
    expect(done.ledgerCount).toBeGreaterThan(first.count);
    // Nothing new: nothing read.
    expect(await verify(run.runId)).toMatchObject({ ok: true, checkedFromSeq: done.ledgerCount, count: done.ledgerCount });
  });
});
