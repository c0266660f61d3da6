/**
 * Issue 14 item 12: two people (or a person and the scheduler) acting on the same waiting run at
 * once. Whoever loses gets one stable code, RUN_NOT_WAITING, whatever the timing, and a message
 * that says who won and what the run does now; never RUN_LOCKED, CONFLICT or WAIT_KEY_MISMATCH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunDetail } from '../../shared/contract/domain';
import { startHarness, type Harness } from '../testing/studio-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const ROUNDS = 20;

async function waitingRun(workflowId: string): Promise<RunDetail> {
  const run = await h.call('runs.start', { workflowId });
  for (let i = 0; i < 200; i++) {
    const d = await h.call('runs.get', { runId: run.runId });
    if (d.status === 'waiting' && d.waiting) return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${run.runId} never waited`);
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };
const settled = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => ({ ok: true }) as const,
    (e: Error & { code: string }) => ({ ok: false, code: e.code, message: e.message }),
  );

describe('a lost race on a waiting run', () => {
  it('two answers to one prompt: one is applied, the other gets RUN_NOT_WAITING naming who answered', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await waitingRun('ask_user_demo');
      const waitKey = run.waiting!.waitKey;
      const answer = (name: string) => settled(h.call('prompts.answer', { runId: run.runId, waitKey, payloadJson: JSON.stringify({ response: name }) }));
      const outcomes = await Promise.all([answer('Ada'), answer('Bo')]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      const loser = outcomes.find((o) => !o.ok);
      expect(loser).toMatchObject({ code: 'RUN_NOT_WAITING', message: expect.stringMatching(new RegExp(`Run ${run.runId} was already answered by tester \\(human\\) at .*; your answer was not applied\\. It is now \\w+`)) });
      await h.call('runs.cancel', { runId: run.runId });
    }
  }, 60_000);

  it('an answer racing a cancel: the answer either lands or is refused naming the cancel', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await waitingRun('ask_user_demo');
      const answer = () => settled(h.call('prompts.answer', { runId: run.runId, waitKey: run.waiting!.waitKey, payloadJson: '{"response": "Ada"}' }));
      const [answered] = await Promise.all([answer(), h.call('runs.cancel', { runId: run.runId, reason: 'race' })]);
      const cancelled = { code: 'RUN_NOT_WAITING', message: expect.stringContaining(`Run ${run.runId} was already cancelled by tester (human) at `) };
      if (!answered.ok) expect(answered).toMatchObject(cancelled);
      expect((await h.call('runs.get', { runId: run.runId })).status).toBe('cancelled');
      // The slowest racer of all comes after the cancel: the same code, the same news.
      expect(await answer()).toMatchObject(answered.ok ? { code: 'RUN_NOT_WAITING', message: expect.stringContaining('It is now cancelled') } : cancelled);
    }
  }, 60_000);

  it('two fast-forwards of one timer: the loser gets RUN_NOT_WAITING naming who fast-forwarded it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await waitingRun('wait_until_demo');
      const outcomes = await Promise.all([settled(h.call('runs.fastForward', { runId: run.runId })), settled(h.call('runs.fastForward', { runId: run.runId }))]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.find((o) => !o.ok)).toMatchObject({ code: 'RUN_NOT_WAITING', message: expect.stringContaining(`Run ${run.runId} was already fast-forwarded by tester (human) at `) });
    }
  }, 60_000);
});
