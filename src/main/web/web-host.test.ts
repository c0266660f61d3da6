import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { operationNames } from '../../shared/contract/operations';
import { chatAnswer, openAiToolCall, startFakeChatServer } from '../../runtime/integrations/testing/fake-chat-server';
import { startHarness, untilStatus, type Harness } from '../testing/studio-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function settle(): Promise<void> {
  await h.service.idle();
}

async function finishedJob(jobId: string) {
  for (let i = 0; i < 500; i++) {
    const job = await h.call('jobs.get', { jobId });
    if (job.finished) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('job never finished');
}

describe('web host: the guard at the door', () => {
  it('refuses API calls without the token, with a wrong Host, or with GET', async () => {
    const res = await fetch(`http://127.0.0.1:${h.host.port}/api/runs.query`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect((await h.raw('runs.query', {}, { 'X-Studio-Token': 'wrong' })).status).toBe(401);
    const get = await fetch(`http://127.0.0.1:${h.host.port}/api/runs.query?token=${h.host.token}`);
    expect(get.status).toBe(405);
    // fetch cannot forge Host; node:http can, as a DNS-rebinding page's requests would carry it.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.host.port, path: '/api/runs.query', method: 'POST', headers: { Host: 'evil.example', 'X-Studio-Token': h.host.token } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('refuses an event socket without the token or from another origin', async () => {
    for (const [url, origin] of [
      [`ws://127.0.0.1:${h.host.port}/api/events`, undefined],
      [`ws://127.0.0.1:${h.host.port}/api/events?token=${h.host.token}`, 'http://evil.example'],
    ] as const) {
      const ws = new WebSocket(url, origin ? { origin } : {});
      const outcome = await new Promise<string>((r) => {
        ws.once('open', () => r('open'));
        ws.once('error', () => r('refused'));
      });
      expect(outcome).toBe('refused');
      ws.terminate();
    }
  });

  it('serves the renderer with a strict Content-Security-Policy, and never files outside it', async () => {
    const res = await fetch(`http://127.0.0.1:${h.host.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const escape = await fetch(`http://127.0.0.1:${h.host.port}/..%2f..%2fetc%2fpasswd`);
    expect(await escape.text()).not.toContain('root:');
  });

  it('answers bad percent-encoding with 400 and a folder without a page with 404', async () => {
    const api = await fetch(`http://127.0.0.1:${h.host.port}/api/runs.%E0%A4%A`, { method: 'POST', headers: { 'X-Studio-Token': h.host.token }, body: '{}' });
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await fetch(`http://127.0.0.1:${h.host.port}/%E0%A4%A`)).status).toBe(400);
    mkdirSync(join(h.dir, 'renderer', 'assets'), { recursive: true });
    const folder = await fetch(`http://127.0.0.1:${h.host.port}/assets/`);
    expect(folder.status).toBe(404);
    // Trust is answered for a workspace that exists (the full story: service/workspace-trust.test.ts).
    expect((await h.raw('workspace.trust', { path: join(h.dir, 'no-such.studio.sqlite'), trusted: true })).status).toBe(404);
  });

  it('answers unknown operations and invalid requests with typed errors', async () => {
    const unknown = await h.raw('runs.explode', {});
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    const bad = await h.raw('runs.query', { limit: -1, extra: true });
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const notJson = await fetch(`http://127.0.0.1:${h.host.port}/api/runs.query`, { method: 'POST', headers: { 'X-Studio-Token': h.host.token }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });
});

describe('web host: every operation', () => {
  it('workspace and workflows', async () => {
    const ws = await h.call('workspace.current', {});
    expect(ws).toMatchObject({ kind: 'sqlite', readOnly: false });
    // The broken module is reported with its file and error; the others still load.
    expect(ws!.loadErrors).toEqual([{ file: expect.stringMatching(/zz-broken\.ts$/), line: 1, message: expect.any(String) }]);
    expect((await h.call('workspace.list', {})).map((w) => w.path)).toContain(ws!.path);
    const wfs = await h.call('workflows.list', {});
    const ask = wfs.find((w) => w.workflowId === 'ask_user_demo')!;
    expect(ask.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['start', 'greet', 'respond']));
    expect(ask.edges.length).toBeGreaterThan(0);
    expect(ask.source).toMatch(/02-ask-user\.ts$/);
    await expect(h.call('workspace.open', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await expect(h.call('workspace.open', { path: join(h.dir, 'nope.sqlite') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A workflow folder outside the allowed roots is refused before anything is saved or loaded.
    await expect(h.call('workflows.addFolder', { path: '/etc' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    // Before any run, the inferred graph has the module's nodes and no transitions yet.
    expect(await h.call('workflows.inferred', { workflowId: 'ask_user_demo' })).toMatchObject({ workflowId: 'ask_user_demo', runsScanned: 0, edges: [] });
    expect(await h.call('scheduler.status', {})).toMatchObject({ running: true });
  });

  it('starts a run paused, steps it to a prompt, answers from the inbox and sees it complete', async () => {
    const started = await h.call('runs.start', { workflowId: 'ask_user_demo', pausedAtEntry: true });
    expect(started).toMatchObject({ status: 'running', paused: true, currentNode: 'start' });
    await settle();
    expect((await h.call('runs.get', { runId: started.runId })).ledgerCount).toBe(0);
    const stepped = await h.call('runs.step', { runId: started.runId });
    expect(stepped).toMatchObject({ status: 'waiting', waitReason: 'user' });
    const prompts = await h.call('prompts.list', {});
    const card = prompts.find((p) => p.runId === started.runId)!;
    expect(card).toMatchObject({ kind: 'question', prompt: expect.any(String) });
    await h.call('runs.continue', { runId: started.runId });
    await h.call('prompts.answer', { runId: started.runId, waitKey: card.waitKey, payloadJson: '{"response": "Ada"}' });
    await settle();
    const second = (await h.call('prompts.list', {})).find((p) => p.runId === started.runId)!;
    expect(second.choices?.length).toBeGreaterThan(0);
    await h.call('prompts.answer', { runId: started.runId, waitKey: second.waitKey, payloadJson: JSON.stringify({ response: second.choices![0] }) });
    await settle();
    const done = await untilStatus(h, started.runId, 'completed', 200);
    expect(JSON.parse(done.outputJson!)).toMatchObject({ name: 'Ada' });
    await h.waitForEvent('run.changed', (r) => r.runId === started.runId && r.status === 'completed');
    await h.waitForEvent('prompt.answered', (p) => p.runId === started.runId);

    const page = await h.call('ledger.page', { runId: started.runId });
    const resumes = page.entries.filter((e) => e.kind === 'resume');
    expect(resumes).toHaveLength(2);
    expect(resumes[0]!.actorId).toBe(h.service.actorId);
    const answered = await h.call('ledger.record', { runId: started.runId, seq: resumes[0]!.seq });
    expect(JSON.parse(answered.resultJson!)).toMatchObject({ resume: { payload: { response: 'Ada' } } });
    expect(page.total).toBe(page.entries.length);
    const waiting = await h.call('ledger.page', { runId: started.runId, status: 'waiting' });
    expect(waiting.entries.every((e) => e.status === 'waiting')).toBe(true);

    const { jobId } = await h.call('ledger.verify', { runId: started.runId });
    const job = await finishedJob(jobId);
    expect(job.result).toMatchObject({ ok: true, count: page.total, verifiedCount: page.total, firstBadSeq: null });
    await h.waitForEvent('job.finished', (j) => j.jobId === jobId);

    const last = page.total - 1;
    const at = await h.call('ledger.stateAt', { runId: started.runId, seq: last });
    expect(JSON.parse(at.stateJson)).toMatchObject({ status: 'completed' });
    const past = await h.raw('ledger.stateAt', { runId: started.runId, seq: page.total });
    expect(past.status).toBe(404);
    expect(past.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const diff = await h.call('ledger.diff', { runId: started.runId, fromSeq: null, toSeq: last });
    expect(diff.changes.some((c) => c.path.join('.') === 'status')).toBe(true);
    expect(diff.changes.some((c) => c.path[0] === 'vars' && c.kind === 'added')).toBe(true);
  });

  it('stops at a breakpoint, and continues past it', async () => {
    const run = await h.call('runs.start', { workflowId: 'multi_step_demo', pausedAtEntry: true });
    await h.call('runs.setBreakpoint', { runId: run.runId, nodeId: 'finish', enabled: true });
    await expect(h.call('runs.setBreakpoint', { runId: run.runId, nodeId: 'ghost', enabled: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await h.call('runs.continue', { runId: run.runId });
    await settle();
    const held = await h.call('runs.get', { runId: run.runId });
    expect(held).toMatchObject({ status: 'running', currentNode: 'finish', paused: true, breakpoints: ['finish'] });
    await h.call('runs.continue', { runId: run.runId });
    await settle();
    await untilStatus(h, run.runId, 'completed', 200);
    await h.call('runs.pause', { runId: run.runId });
    await expect(h.call('runs.step', { runId: run.runId })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('fast-forwards a wait_until and cancels a run with its children', async () => {
    const timer = await h.call('runs.start', { workflowId: 'wait_until_demo' });
    await settle();
    expect((await untilStatus(h, timer.runId, 'waiting', 200)).waitReason).toBe('until');
    expect((await h.call('prompts.list', {})).find((p) => p.runId === timer.runId)).toMatchObject({ kind: 'timer' });
    await h.call('runs.fastForward', { runId: timer.runId });
    await settle();
    await untilStatus(h, timer.runId, 'completed', 200);
    // Fast-forwarding a timer that has already gone off is acting on a run someone else moved on first.
    await expect(h.call('runs.fastForward', { runId: timer.runId })).rejects.toMatchObject({ code: 'RUN_NOT_WAITING', message: expect.stringContaining('It is now completed.') });

    const other = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    await settle();
    const cancelled = await h.call('runs.cancel', { runId: other.runId, reason: 'test over' });
    expect(cancelled.map((c) => c.status)).toEqual(['cancelled']);
    expect((await h.call('runs.get', { runId: other.runId })).error).toBe('test over');
    // The same run through the bulk operation: cancelled already, so reported, not cancelled again.
    expect(await h.call('runs.bulk', { action: 'cancel', runIds: [other.runId] })).toEqual([
      { runId: other.runId, ok: false, action: 'cancel', code: 'RUN_FINISHED', message: `Run ${other.runId} already cancelled: there is nothing to cancel.` },
    ]);
  });

  it('bookmarks, previews and restores a snapshot, and forks from a snapshot and from a record', async () => {
    const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    await settle();
    const waiting = await untilStatus(h, run.runId, 'waiting', 200);
    const snap = await h.call('snapshots.create', { runId: run.runId, name: 'before answer', tags: ['Demo'], description: 'first prompt' });
    expect((await h.call('snapshots.list', { tag: 'demo' })).map((s) => s.snapshotId)).toContain(snap.snapshotId);
    expect(await h.call('snapshots.update', { snapshotId: snap.snapshotId, name: 'renamed', tags: ['demo', 'x'] })).toMatchObject({ name: 'renamed', tags: ['demo', 'x'] });
    await h.call('prompts.answer', { runId: run.runId, waitKey: waiting.waiting!.waitKey, payloadJson: '{"response":"Bo"}' });
    await settle();
    const preview = await h.call('snapshots.previewRestore', { snapshotId: snap.snapshotId });
    expect(preview.changes.length).toBeGreaterThan(0);
    const restored = await h.call('snapshots.restore', { snapshotId: snap.snapshotId });
    expect(restored).toMatchObject({ status: 'waiting', paused: true, currentNode: waiting.currentNode });
    const page = await h.call('ledger.page', { runId: run.runId, fromSeq: 0, limit: 500 });
    expect(page.entries.at(-1)).toMatchObject({ kind: 'restore', actorId: h.service.actorId });

    const fromSnap = await h.call('runs.fork', { snapshotId: snap.snapshotId });
    expect(fromSnap.forkedFrom).toMatchObject({ runId: run.runId });
    const fromRecord = await h.call('runs.fork', { runId: run.runId, seq: 0 });
    expect(fromRecord.forkedFrom).toMatchObject({ runId: run.runId, seq: 0 });
    expect((await h.call('runs.get', { runId: run.runId })).forks.map((f) => f.runId)).toEqual(expect.arrayContaining([fromSnap.runId, fromRecord.runId]));
    await expect(h.call('runs.fork', { runId: run.runId, seq: 10_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await h.call('snapshots.delete', { snapshotId: snap.snapshotId })).toEqual({ deleted: true });
  });

  it('resumes a wait_event run with a JSON payload, keeping number lexemes', async () => {
    const run = await h.call('runs.start', { workflowId: 'test_event' });
    await settle();
    expect((await h.call('prompts.list', {})).find((p) => p.runId === run.runId)).toMatchObject({ kind: 'event', waitKey: 'evt:go' });
    await expect(h.call('runs.resumeEvent', { runId: run.runId, waitKey: 'evt:wrong', payloadJson: '{}' })).rejects.toMatchObject({ code: 'WAIT_KEY_MISMATCH' });
    await expect(h.call('runs.resumeEvent', { runId: run.runId, waitKey: 'evt:go', payloadJson: '[1, 2' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.call('runs.resumeEvent', { runId: run.runId, waitKey: 'evt:go', payloadJson: '[1]' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await h.call('runs.resumeEvent', { runId: run.runId, waitKey: 'evt:go', payloadJson: '{"n": 1.0, "big": 12345678901234567890}' });
    await settle();
    const done = await untilStatus(h, run.runId, 'completed', 200);
    expect(done.outputJson).toContain('"n": 1.0');
    expect(done.outputJson).toContain('12345678901234567890');
  });

  it('reads a run as a conversation, and refuses to retry a record that is not a failed LLM call (the journeys: time-travel-ops.test.ts)', async () => {
    const run = await h.call('runs.start', { workflowId: 'test_event' });
    await settle();
    const c = await h.call('ledger.conversation', { runId: run.runId });
    expect(c).toMatchObject({ runId: run.runId, records: [], truncated: false });
    await expect(h.call('runs.retryLlm', { runId: run.runId, seq: 0 })).rejects.toMatchObject({ code: 'NOT_RETRYABLE' });
    await expect(h.call('ledger.conversation', { runId: 'no-such-run' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('creates a new workspace and opens the first one again', async () => {
    const first = (await h.call('workspace.current', {}))!;
    const created = await h.call('workspace.create', { path: join(h.dir, 'second.studio.sqlite') });
    expect(created.name).toBe('second');
    expect((await h.call('runs.query', {})).total).toBe(0);
    await expect(h.call('workspace.create', { path: join(h.dir, 'second.studio.sqlite') })).rejects.toMatchObject({ code: 'CONFLICT' });
    await h.call('workspace.open', { path: first.path });
    expect((await h.call('runs.query', {})).total).toBeGreaterThan(0);
  });

  it('lists and reads artifacts in bounded chunks', async () => {
    const s = h.service.session!;
    const meta = await s.artifacts.storeText('x'.repeat(100_000), { runId: 'some-run', tags: { kind: 'note' } });
    const list = await h.call('artifacts.list', {});
    expect(list.map((a) => a.artifactId)).toContain(meta.artifactId);
    expect(await h.call('artifacts.list', { runId: 'some-run' })).toHaveLength(1);
    const first = await h.call('artifacts.read', { artifactId: meta.artifactId, offset: 0, length: 65536 });
    expect(first).toMatchObject({ contentType: 'text/plain', sizeBytes: 100_000, eof: false });
    expect(Buffer.from(first.base64, 'base64').length).toBe(65536);
    const rest = await h.call('artifacts.read', { artifactId: meta.artifactId, offset: 65536 });
    expect(rest.eof).toBe(true);
    await expect(h.call('artifacts.read', { artifactId: 'missing', offset: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A workspace's own blobs live in its SQLite file (checked on open): present is ok, absent is missing.
    expect(await h.call('artifacts.check', { artifactIds: [meta.artifactId, 'missing'] })).toEqual([
      { artifactId: meta.artifactId, integrity: 'ok' },
      { artifactId: 'missing', integrity: 'missing' },
    ]);
  });

  it('names the actors it knows, the Studio user among them', async () => {
    const actors = await h.call('workspace.actors', {});
    expect(actors).toContainEqual({ actorId: h.service.actorId, kind: 'human', displayName: 'tester' });
  });

  it('counts the visits of nodes that write no ledger record from the saved states', async () => {
    const started = await h.call('runs.start', { workflowId: 'multi_step_demo' });
    const done = await untilStatus(h, started.runId, 'completed', 200);
    const visits = await h.call('runs.visits', { runId: done.runId });
    const count = (id: string) => visits?.visits.find((v) => v.nodeId === id)?.count;
    expect([count('init'), count('check'), count('process'), count('finish')]).toEqual([1, 6, 5, 1]);
    expect(visits?.transitions).toContainEqual({ from: 'process', to: 'check', count: 5 });
    expect(visits?.complete).toBe(true);
  });

  it('queries runs with filters, text, sort and paging', async () => {
    const all = await h.call('runs.query', { limit: 1000 });
    expect(all.total).toBe(all.items.length);
    const completed = await h.call('runs.query', { status: 'completed' });
    expect(completed.items.every((r) => r.status === 'completed')).toBe(true);
    const byWf = await h.call('runs.query', { workflowId: 'ask_user_demo' });
    expect(byWf.items.every((r) => r.workflowId === 'ask_user_demo')).toBe(true);
    const text = await h.call('runs.query', { text: all.items[0]!.runId.slice(0, 8) });
    expect(text.items.map((r) => r.runId)).toContain(all.items[0]!.runId);
    const page2 = await h.call('runs.query', { offset: 1, limit: 1 });
    expect(page2.items[0]!.runId).toBe(all.items[1]!.runId);
    const oldest = await h.call('runs.query', { sort: 'created_asc', limit: 1 });
    expect(oldest.items).toHaveLength(1);
  });

  it('opens a Python data folder read-only, verifies it, and finds a tampered record', async () => {
    const folder = join(h.dir, 'fixtures', 'python-abstractruntime-0.2.0');
    const info = await h.call('workspace.openPythonFolder', { path: folder });
    expect(info).toMatchObject({ kind: 'python-folder', readOnly: true });
    const runs = await h.call('runs.query', { limit: 100 });
    expect(runs.total).toBe(12);
    for (const r of runs.items) {
      const job = await finishedJob((await h.call('ledger.verify', { runId: r.runId })).jobId);
      expect(job.result?.ok, r.runId).toBe(true);
    }
    // The refusal names the source and what to do (asked of the session's capabilities, not its class).
    const refusal = { code: 'READ_ONLY', message: expect.stringContaining(`${info.name} is a Python data folder opened read-only for audit; runs in it cannot be changed. Open a workspace to run workflows.`) };
    await expect(h.call('runs.start', { workflowId: 'x' })).rejects.toMatchObject(refusal);
    await expect(h.call('snapshots.create', { runId: runs.items[0]!.runId, name: 'x' })).rejects.toMatchObject(refusal);
    await expect(h.call('settings.get', {})).rejects.toMatchObject(refusal);

    const tampered = join(h.dir, 'tampered');
    cpSync(folder, tampered, { recursive: true });
    const file = join(tampered, 'ledger_00000000-0000-4000-8000-000000000001.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"word_count"', '"word_kount"');
    writeFileSync(file, lines.join('\n'));
    await h.call('workspace.openPythonFolder', { path: tampered });
    const job = await finishedJob((await h.call('ledger.verify', { runId: '00000000-0000-4000-8000-000000000001' })).jobId);
    expect(job.result).toMatchObject({ ok: false, firstBadSeq: 2 });
    expect(job.result!.explanation).toMatch(/^Record 2 was changed after it was written/);
  });

  it('configures the LLM server with a secret header kept out of the workspace file, and runs the LLM demo', async () => {
    const llm = await startFakeChatServer({ body: chatAnswer('Octopuses have three hearts.') });
    await h.call('workspace.open', { path: join(h.dir, 'user', 'workspaces', 'default.studio.sqlite') });
    try {
      const before = await h.call('settings.get', {});
      expect(before).toMatchObject({ llm: { baseUrl: null }, secretStorage: 'memory' });
      expect(before.tools.map((t) => t.name)).toContain('save_artifact');
      expect(await h.call('settings.testLlm', {})).toMatchObject({ ok: false });
      const updated = await h.call('settings.update', {
        llm: { baseUrl: llm.baseUrl + '/', model: 'stub-model', headers: [{ name: 'Authorization', secret: true, value: 'Bearer sk-test-123' }, { name: 'X-Team', secret: false, value: 'qa' }] },
      });
      expect(updated.llm).toMatchObject({ baseUrl: llm.baseUrl, model: 'stub-model' });
      expect(updated.llm.headers).toEqual([
        { name: 'Authorization', secret: true, value: null, stored: true },
        { name: 'X-Team', secret: false, value: 'qa', stored: true },
      ]);
      const ws = (await h.call('workspace.current', {}))!;
      expect(readFileSync(`${ws.path}.studio.json`, 'utf8')).not.toContain('sk-test-123');
      expect(await h.call('settings.testLlm', {})).toMatchObject({ ok: true });
      expect(llm.requests.at(-1)!.headers['authorization']).toBe('Bearer sk-test-123');

      const run = await h.call('runs.start', { workflowId: 'llm_demo' });
      await settle();
      const done = await untilStatus(h, run.runId, 'completed', 200);
      expect(done.outputJson).toContain('three hearts');
      expect(llm.requests.at(-1)!.headers['x-abstractcore-run-id']).toBe(run.runId);

      // The ReAct demo: the LLM asks for write_note, which needs approval; a person approves an edited call.
      llm.enqueue({ body: chatAnswer(null, { toolCalls: [openAiToolCall('c1', 'write_note', { text: 'draft' })] }) }, { body: chatAnswer('Saved the note.') });
      const agent = await h.call('runs.start', { workflowId: 'react_agent_demo', varsJson: '{"context": {"task": "Save a note"}}' });
      await settle();
      const approval = (await h.call('prompts.list', {})).find((p) => p.runId === agent.runId)!;
      expect(approval).toMatchObject({ kind: 'approval' });
      expect(approval.toolCallsJson).toContain('write_note');
      await expect(h.call('prompts.answer', { runId: agent.runId, waitKey: approval.waitKey, payloadJson: '{"decisions": {"nope": {"approved": true}}}' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await h.call('prompts.answer', { runId: agent.runId, waitKey: approval.waitKey, payloadJson: '{"decisions": {"c1": {"approved": true, "arguments": {"text": "final"}}}}' });
      await settle();
      const agentDone = await untilStatus(h, agent.runId, 'completed', 200);
      expect(agentDone.outputJson).toContain('Saved the note.');
      const resume = (await h.call('ledger.page', { runId: agent.runId, limit: 1000 })).entries.find((e) => e.kind === 'resume')!;
      expect(resume.actorId).toBe(h.service.actorId);
      expect((await h.call('ledger.record', { runId: agent.runId, seq: resume.seq })).resultJson).toContain('"final"');

      await expect(h.call('settings.update', { toolApproval: { no_such_tool: true } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.call('settings.update', { llm: { baseUrl: 'ftp://x' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await llm.close();
    }
  });

  it('exports a completed run as a signed audit bundle, opens it read-only, and locates a tampered record', async () => {
    const workspace = await h.call('workspace.open', { path: join(h.dir, 'user', 'workspaces', 'default.studio.sqlite') });
    const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
    for (const answer of ['Ada', null]) {
      await settle();
      const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === run.runId)!;
      await h.call('prompts.answer', { runId: run.runId, waitKey: prompt.waitKey, payloadJson: JSON.stringify({ response: answer ?? prompt.choices![0] }) });
    }
    await settle();
    await untilStatus(h, run.runId, 'completed', 200);
    const total = (await h.call('ledger.page', { runId: run.runId })).total;

    const exported = await h.call('runs.exportBundle', { runId: run.runId });
    expect(exported).toMatchObject({ runId: run.runId, verified: true, fileName: `${run.runId}.arbundle.jsonl`, path: join(h.dir, 'user', 'workspaces', 'exports', `${run.runId}.arbundle.jsonl`) });
    expect(existsSync(exported.path)).toBe(true);
    const bytes = readFileSync(exported.path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(exported.sha256);
    expect(bytes.length).toBe(exported.sizeBytes);
    expect(exported.report).toMatch(/^VERIFIED/);
    expect(exported.report).toContain(`actor ${h.service.actorId} signed its own records`); // the answers, attested by the user's key
    expect((await h.call('runs.exportBundle', { runId: run.runId, includeArtifacts: false })).verified).toBe(true); // replaces the earlier file

    const info = await h.call('workspace.openBundle', { path: exported.path });
    expect(info).toMatchObject({ kind: 'bundle', readOnly: true, loadErrors: [] });
    const runs = await h.call('runs.query', {});
    expect(runs.items.map((r) => [r.runId, r.workflowId, r.status])).toEqual([[run.runId, 'ask_user_demo', 'completed']]);
    expect((await h.call('ledger.page', { runId: run.runId })).total).toBe(total);
    const verified = await finishedJob((await h.call('ledger.verify', { runId: run.runId })).jobId);
    expect(verified.result).toMatchObject({ ok: true, count: total, verifiedCount: total, firstBadSeq: null, errors: [] });
    const refusal = { code: 'READ_ONLY', message: expect.stringContaining(`${info.name} is an audit bundle opened read-only for audit; runs in it cannot be changed. Open a workspace to run workflows.`) };
    await expect(h.call('runs.start', { workflowId: 'ask_user_demo' })).rejects.toMatchObject(refusal);
    await expect(h.call('runs.exportBundle', { runId: run.runId })).rejects.toMatchObject(refusal);
    await expect(h.call('workspace.openBundle', { path: workspace.path })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const tampered = join(h.dir, 'tampered.arbundle.jsonl');
    const lines = readFileSync(exported.path, 'utf8').split('\n');
    const recordLines = lines.flatMap((l, i) => (l.startsWith('{"line":') ? [i] : []));
    const at = recordLines[2]!;
    const line = JSON.parse(lines[at]!) as { line: string; section: string };
    lines[at] = JSON.stringify({ ...line, line: line.line.replace(/"node_id": "[^"]*"/, '"node_id": "forged"') });
    writeFileSync(tampered, lines.join('\n'));
    const opened = await h.call('workspace.openBundle', { path: tampered });
    expect(opened.loadErrors.map((e) => e.message)).toEqual([expect.stringMatching(/^record_changed: record 2 was changed/)]);
    const broken = await finishedJob((await h.call('ledger.verify', { runId: run.runId })).jobId);
    expect(broken.result).toMatchObject({ ok: false, firstBadSeq: 2, errors: [{ seq: 2, type: 'provenance', code: 'record_changed' }] });
    expect(broken.result!.explanation).toMatch(/^Record 2 was changed after it was written/);
    await h.call('workspace.open', { path: workspace.path });
  });

  it('covers every operation of the contract in this file', () => {
    const source = readFileSync(__filename, 'utf8');
    const missing = operationNames.filter((op) => !source.includes(`'${op}'`));
    expect(missing).toEqual([]);
  });
});
