/**
 * Time travel and LLM retry through the real web host and a real SQLite workspace: bookmark and
 * fork at a record, fork with edited vars (the diff in the fork's origin), the conversation's
 * records, retry of a failed LLM call, and export as a one-time browser download.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAnswer, startFakeChatServer, type FakeChatServer } from '../../../runtime/integrations/testing/fake-chat-server';
import { startHarness, untilStatus, type Harness } from '../../testing/studio-harness';

let h: Harness;
let chat: FakeChatServer;
beforeAll(async () => {
  chat = await startFakeChatServer({ status: 500, body: { error: { message: 'the model is down' } } });
  h = await startHarness();
  const path = join(h.dir, 'tt.studio.sqlite');
  await h.call('workspace.create', { path });
  await h.waitForEvent('workspace.changed', (w) => w?.path === path);
  await h.call('settings.update', { llm: { baseUrl: chat.baseUrl, model: 'fake-model' } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await chat?.close();
});

/** A run with two saved states: waiting for its event (record 0), then completed with it. */
async function completedHello(): Promise<string> {
  const run = await h.call('runs.start', { workflowId: 'test_event', varsJson: '{"name": "Ada", "big": 12345678901234567890}', pausedAtEntry: false });
  await untilStatus(h, run.runId, 'waiting');
  await h.call('runs.resumeEvent', { runId: run.runId, waitKey: 'evt:go', payloadJson: '{"go": true}' });
  await untilStatus(h, run.runId, 'completed');
  return run.runId;
}

/** The vars at a record as JSON text, with `changes` applied by text (so big numbers stay as they were written). */
async function edited(runId: string, seq: number, changes: Record<string, string>): Promise<string> {
  const state = (await h.call('ledger.stateAt', { runId, seq })).stateJson;
  let vars = state.slice(state.indexOf('"vars": ') + 8);
  vars = vars.slice(0, matchingBrace(vars) + 1);
  for (const [k, v] of Object.entries(changes)) vars = vars.replace(new RegExp(`"${k}": "[^"]*"`), `"${k}": ${JSON.stringify(v)}`);
  return vars;
}

function matchingBrace(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new Error('no closing brace');
}

describe('fork with edited vars', () => {
  it('refuses bad JSON, a non-object and an edit that changes nothing, with nothing created', async () => {
    const runId = await completedHello();
    const before = (await h.call('runs.query', {})).total;
    await expect(h.call('runs.fork', { runId, seq: 0, varsJson: '{"name": ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.call('runs.fork', { runId, seq: 0, varsJson: '[1]' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.call('runs.fork', { runId, seq: 0, varsJson: await edited(runId, 0, {}) })).rejects.toThrow(/same as the state/);
    expect((await h.call('runs.query', {})).total).toBe(before);
  });

  it('starts the fork with the edited vars, numbers kept exact, and records the diff in its origin', async () => {
    const runId = await completedHello();
    const fork = await h.call('runs.fork', { runId, seq: 0, varsJson: await edited(runId, 0, { name: 'Grace' }) });
    expect(fork.varsJson).toContain('"name": "Grace"');
    expect(fork.varsJson).toContain('12345678901234567890');
    const genesis = await h.call('ledger.record', { runId: fork.runId, seq: 0 });
    const origin = (JSON.parse(genesis.resultJson!) as { forked_from: { run_id: string; seq: number; edited: { changes: Array<{ path: string[]; before: string; after: string }> } } }).forked_from;
    expect(origin).toMatchObject({ run_id: runId, seq: 0 });
    expect(origin.edited.changes).toEqual([{ path: ['vars', 'name'], kind: 'changed', before: '"Ada"', after: '"Grace"' }]);
    expect(genesis.actorId).toBeTruthy();
  });
});

describe('bookmark at a record', () => {
  it('holds the state after that record, not the current one; a record past the end is NOT_FOUND', async () => {
    const runId = await completedHello();
    const snap = await h.call('snapshots.create', { runId, seq: 0, name: 'at the start' });
    const at0 = JSON.parse((await h.call('ledger.stateAt', { runId, seq: 0 })).stateJson) as { status: string };
    expect(at0.status).not.toBe('completed');
    expect(snap.status).toBe(at0.status);
    const now = await h.call('snapshots.create', { runId, name: 'now' });
    expect(now.status).toBe('completed');
    await expect(h.call('snapshots.create', { runId, seq: 999, name: 'nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('conversation and retry of a failed LLM call', () => {
  it('a run with no LLM calls has an empty conversation, and nothing of it is retryable', async () => {
    const runId = await completedHello();
    const c = await h.call('ledger.conversation', { runId });
    expect(c).toMatchObject({ runId, truncated: false });
    // Only the event's resume: no call, no tools, no question.
    expect(c.records.map((r) => r.effectType)).toEqual([null]);
    await expect(h.call('runs.retryLlm', { runId, seq: 0 })).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
  });

  it('retries a failed call from the state before it, recorded with the actor; a second retry of the same record is RUN_MOVED_ON', async () => {
    const run = await h.call('runs.start', { workflowId: 'llm_demo', varsJson: '{"topic": "owls"}', pausedAtEntry: false });
    await untilStatus(h, run.runId, 'failed', 1500);
    const failed = await h.call('ledger.conversation', { runId: run.runId });
    const last = failed.records.at(-1)!;
    expect(last).toMatchObject({ effectType: 'llm_call', status: 'failed' });
    expect(last.seq).toBe(failed.ledgerTotal - 1);

    chat.enqueue({ body: chatAnswer('Owls cannot move their eyes.', { usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }) });
    const retried = await h.call('runs.retryLlm', { runId: run.runId, seq: last.seq });
    expect(retried.status).not.toBe('failed');
    const done = await untilStatus(h, run.runId, 'completed');
    expect(done.outputJson).toContain('Owls cannot move their eyes.');
    const restore = await h.call('ledger.record', { runId: run.runId, seq: last.seq + 1 });
    expect(restore.resultJson).toContain('"retry_of"');
    expect(restore.actorId).toBeTruthy();
    await expect(h.call('runs.retryLlm', { runId: run.runId, seq: last.seq })).rejects.toMatchObject({ code: 'RUN_MOVED_ON' });
    const after = await h.call('ledger.conversation', { runId: run.runId });
    expect(after.records.filter((r) => r.effectType === 'llm_call' && r.status === 'completed')).toHaveLength(1);
  }, 60_000);
});

describe('export where the user chooses (web host)', () => {
  it('is a one-time download with Content-Disposition; the second fetch and a wrong token get nothing', async () => {
    const runId = await completedHello();
    const exported = await h.call('runs.exportBundle', { runId, destination: 'choose' });
    expect(exported.verified).toBe(true);
    const urlPath = exported.download!.urlPath;
    const base = `http://127.0.0.1:${h.host.port}${urlPath}`;
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    const res = await fetch(`${base}?token=${h.host.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${exported.fileName}"; filename*=UTF-8''${exported.fileName}`);
    const body = await res.text();
    expect(body.length).toBe(exported.sizeBytes);
    expect((await fetch(`${base}?token=${h.host.token}`)).status).toBe(404);
  });
});
