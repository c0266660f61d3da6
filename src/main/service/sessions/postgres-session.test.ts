/**
 * The Studio attached to a PostgreSQL workspace, through the real web host, on a real PostgreSQL
 * server (started by the test) with a real PostgresWorker driving its runs: open, list, read,
 * verify, see a worker's commits live, refusals of what only a driver may do, bad URLs each with
 * their typed error and nothing saved, and the password in no saved file, log line, answer or event.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EffectType, Runtime, WorkflowRegistry, WorkflowSpec, type RunState } from '../../../runtime/index';
import { verifyBundle } from '../../../runtime/provenance/index';
import { freshSchema, usePgServer } from '../../../runtime/storage/postgres/test-support/pg-workspaces';
import { type PostgresWorkspace } from '../../../runtime/storage/postgres/index';
import { PostgresWorker } from '../../../runtime/worker/postgres-worker';
import { type EventMap } from '../../../shared/contract/events';
import { PG_FALLBACK_POLL_MS } from './postgres-live';
import { startHarness, untilStatus, type Harness } from '../../testing/studio-harness';

const pg = usePgServer();

const askOnce = new WorkflowSpec({
  workflowId: 'ask_once',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Your name?' }, resultKey: 'name' }, nextNode: 'done' }),
    done: (run: RunState) => ({ nodeId: 'done', completeOutput: { name: run.vars['name'] ?? null } }),
  },
});

const waitGo = new WorkflowSpec({
  workflowId: 'wait_go',
  entryNode: 'wait',
  nodes: {
    wait: () => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_EVENT, payload: { wait_key: 'evt:go' }, resultKey: 'event' }, nextNode: 'done' }),
    done: (run: RunState) => ({ nodeId: 'done', completeOutput: { event: run.vars['event'] ?? null } }),
  },
});

let h: Harness;
const logged: string[] = [];
beforeAll(async () => {
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const real = console[m].bind(console);
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      real(...args);
    });
  }
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
  vi.restoreAllMocks();
});

const workers: PostgresWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
});

/** A schema with workers' workspace in it (the workers create it), and a client to start runs with. */
async function workspaceWithWorker(): Promise<{ schema: string; url: string; client: Runtime; ws: PostgresWorkspace }> {
  const schema = freshSchema('attach');
  const workerWs = await pg.open(schema, { writer: 'worker-a@test' });
  const registry = new WorkflowRegistry();
  registry.register(askOnce);
  registry.register(waitGo);
  const worker = new PostgresWorker({ workspace: workerWs, registry, pollIntervalMs: 200 });
  await worker.start();
  workers.push(worker);
  const ws = await pg.open(schema, { writer: 'app@test' });
  return { schema, url: `${pg.server().url}?schema=${schema}`, client: new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger }), ws };
}

/** Until `ok` holds (a condition, not a time: the test's own timeout bounds it). */
async function until(ok: () => Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 50));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The password, raw or URL-encoded, anywhere the Studio wrote or said something. */
function expectPasswordNowhere(password: string): void {
  const needles = [password, encodeURIComponent(password)];
  for (const f of filesUnder(h.dir)) {
    const text = readFileSync(f).toString('latin1');
    for (const n of needles) expect(text.includes(n), `${f} holds the password`).toBe(false);
  }
  for (const line of logged) for (const n of needles) expect(line).not.toContain(n);
  const events = JSON.stringify(h.events);
  for (const n of needles) expect(events).not.toContain(n);
}

describe('the Studio attached to a PostgreSQL workspace', () => {
  it('opens it by URL, shows it without the password, and lists, reads and verifies the runs workers drive', async () => {
    const { url, client, schema, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    const info = await h.call('workspace.open', { path: url });
    expect(info).toMatchObject({ kind: 'postgres', readOnly: false, id: expect.stringContaining(`schema=${schema}`) });
    expect(info.path).not.toContain(pg.server().password);
    expect(info.path).toMatch(/^postgres:\/\/test@127\.0\.0\.1:\d+\/postgres\?schema=/);
    // The worker drives the run to its question: the Studio hears it through LISTEN/NOTIFY.
    const changed = await h.waitForEvent('run.changed', (r) => r.runId === runId && r.status === 'waiting', 15_000);
    expect(changed.status).toBe('waiting');
    const page = await h.call('runs.query', { limit: 50 });
    expect(page.items.map((r) => r.runId)).toContain(runId);
    expect((await h.call('runs.query', { status: 'completed', limit: 50 })).total).toBe(0);
    expect((await h.call('runs.query', { text: runId.slice(0, 8), limit: 50 })).items.map((r) => r.runId)).toEqual([runId]);
    const detail = await h.call('runs.get', { runId });
    expect(detail).toMatchObject({ status: 'waiting', workflowId: 'ask_once' });
    expect(detail.ledgerCount).toBeGreaterThan(0);
    const ledger = await h.call('ledger.page', { runId, fromSeq: 0, limit: 100 });
    expect(ledger.total).toBe(detail.ledgerCount);
    const record = await h.call('ledger.record', { runId, seq: ledger.total - 1 });
    expect(record.status).toBe('waiting');
    const prompts = await h.call('prompts.list', {});
    expect(prompts.map((p) => p.runId)).toContain(runId);
    // Nothing is scheduled here: the status names the live workers instead.
    expect(await h.call('scheduler.status', {})).toMatchObject({ running: false, workers: [{ workerId: 'worker-a@test', workflowIds: expect.arrayContaining(['ask_once', 'wait_go']) }] });
    const { jobId } = await h.call('ledger.verify', { runId });
    const done = await h.waitForEvent('job.finished', (j) => j.jobId === jobId, 15_000);
    expect(done.result).toMatchObject({ chain: 'verified', count: ledger.total });
    // Artifacts and snapshots another process stored: listed and read.
    const art = await ws.artifacts.store(new TextEncoder().encode('hello from a worker'), { contentType: 'text/plain', runId });
    await ws.snapshots.save({ snapshotId: 'snap-1', runId, stepId: null, name: 'before the answer', description: null, tags: ['t'], createdAt: '2026-01-01T00:00:00.000000', updatedAt: '', runState: {} });
    expect((await h.call('artifacts.list', { runId })).map((a) => a.artifactId)).toEqual([art.artifactId]);
    const chunk = await h.call('artifacts.read', { artifactId: art.artifactId, offset: 0, length: 100 });
    expect(Buffer.from(chunk.base64, "base64").toString()).toBe("hello from a worker");
    expect((await h.call('snapshots.list', { runId })).map((x) => x.name)).toEqual(['before the answer']);
    expect(await h.call('workspace.actors', {})).toEqual([expect.objectContaining({ actorId: h.service.actorId, displayName: 'tester' })]);
    expectPasswordNowhere(pg.server().password);
  }, 60_000);

  it('announces a worker commit live: ledger.appended with its seqs, run.changed with the new status', async () => {
    const { url, client } = await workspaceWithWorker();
    await h.call('workspace.open', { path: url });
    const since = h.events.length;
    const runId = await client.start({ workflow: askOnce, vars: {} });
    const appended = await h.waitForEvent('ledger.appended', (e) => e.runId === runId, 15_000);
    expect(appended.firstSeq).toBe(0);
    await h.waitForEvent('run.changed', (r) => r.runId === runId && r.status === 'waiting', 15_000);
    const seqs = h.events.slice(since).flatMap((e) => {
      if (e.event !== 'ledger.appended') return [];
      const a = e.payload as EventMap['ledger.appended'];
      return a.runId === runId ? a.entries.map((x) => x.seq) : [];
    });
    const total = (await h.call('ledger.page', { runId, fromSeq: 0, limit: 100 })).total;
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
    const prompt = await h.waitForEvent('prompt.pending', (p) => p.runId === runId, 5000);
    expect(prompt.prompt).toBe('Your name?');
  }, 60_000);

  it('records an answer for the workers: a worker carries it out, the ledger names the Studio user and the worker', async () => {
    const { url, client, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    const waiting = await untilStatus(h, runId, 'waiting');
    const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === runId)!;
    const answered = await h.call('prompts.answer', { runId, waitKey: prompt.waitKey, payloadJson: '{"response": "Ada"}' });
    expect(answered.status === 'running' || answered.status === 'completed').toBe(true);
    const done = await untilStatus(h, runId, 'completed');
    expect(done.ledgerCount).toBeGreaterThan(waiting.ledgerCount);
    const resumed = (await ws.ledger.readLedgerPage(runId, { limit: 100 })).find((e) => (e.record.result as { via?: unknown } | null)?.via);
    expect(resumed?.record.actorId).toBe(h.service.actorId);
    expect((resumed?.record.result as { via: Record<string, unknown> }).via).toMatchObject({ carried_out_by: 'worker-a@test', requested_by: expect.stringMatching(/^the Studio/) });
    // The same record as the timeline reads it: actor and via in the record the panel shows.
    const shown = await h.call('ledger.record', { runId, seq: resumed!.seq });
    expect(shown.actorId).toBe(h.service.actorId);
    expect(shown.resultJson).toContain('worker-a@test');
    // A second answer to the same prompt lost the race: one typed code saying so.
    const again = await h.raw('prompts.answer', { runId, waitKey: prompt.waitKey, payloadJson: '{"response": "Bob"}' });
    expect(again.body).toMatchObject({ ok: false, error: { code: 'RUN_NOT_WAITING' } });
  }, 60_000);

  it('sends an event by request: a worker resumes the run with it and drives it to its end', async () => {
    const { url, client } = await workspaceWithWorker();
    const runId = await client.start({ workflow: waitGo, vars: {} });
    await h.call('workspace.open', { path: url });
    await untilStatus(h, runId, 'waiting');
    await h.call('runs.resumeEvent', { runId, waitKey: 'evt:go', payloadJson: '{"go": true}' });
    const done = await untilStatus(h, runId, 'completed');
    expect(done.outputJson).toContain('"go": true');
  }, 60_000);

  it('cancels by request: a worker cancels the run, the Studio user recorded as who did', async () => {
    const { url, client, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    await untilStatus(h, runId, 'waiting');
    const [cancelled] = await h.call('runs.cancel', { runId, reason: 'not needed' });
    expect(cancelled?.status).toBe('cancelled');
    const last = (await ws.ledger.last(runId))!;
    expect(last.actorId).toBe(h.service.actorId);
  }, 60_000);

  it('bulk cancel and retry are asked of the workers; archive and delete are kept in the workspace, a running run refused', async () => {
    const { url, client, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    await untilStatus(h, runId, 'waiting');
    const [cancelled] = await h.call('runs.bulk', { action: 'cancel', runIds: [runId] });
    expect(cancelled).toMatchObject({ runId, ok: true, summary: { status: 'cancelled' } });
    const [retried] = await h.call('runs.bulk', { action: 'retry', runIds: [runId] });
    expect(retried).toMatchObject({ runId, ok: true, newRunId: expect.any(String) });
    // The retry is a fork from the start, and a worker drives it to the question again.
    if (!retried?.ok || !retried.newRunId) throw new Error('the retry made no new run');
    const retry = retried.newRunId;
    await untilStatus(h, retry, 'waiting');
    expect(await ws.runs.forkOrigin(retry)).toMatchObject({ runId, seq: -1 });

    const [archived, notFinished] = await h.call('runs.bulk', { action: 'archive', runIds: [runId, retry] });
    expect(archived).toMatchObject({ ok: true, summary: { runId, archived: { by: h.service.actorId } } });
    expect(notFinished).toMatchObject({ ok: false, code: 'RUN_NOT_FINISHED' });
    expect((await h.call('runs.query', { limit: 100 })).items.map((r) => r.runId)).not.toContain(runId);
    expect((await h.call('runs.query', { archived: 'only', limit: 100 })).items.map((r) => r.runId)).toEqual([runId]);
    await h.call('runs.bulk', { action: 'unarchive', runIds: [runId] });
    expect((await h.call('runs.query', { archived: 'only', limit: 100 })).total).toBe(0);

    // The worker that cancelled the run lets go of it once done; a delete while it holds it is refused (pg-run-archive.test.ts).
    await until(async () => !(await ws.leaseHolder(runId))?.live);
    const head = await ws.ledger.ledgerHead(runId);
    const [refused, deleted] = await h.call('runs.bulk', { action: 'delete', runIds: [retry, runId] });
    expect(refused).toMatchObject({ ok: false, code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('it is waiting') });
    expect(deleted).toMatchObject({ ok: true, summary: { runId, deleted: { headHash: head?.recordHash, recordCount: (head?.seq ?? -1) + 1 } } });
    expect((await h.call('runs.query', { deleted: 'only', limit: 100 })).items.map((r) => r.runId)).toEqual([runId]);
    await expect(h.call('runs.get', { runId })).rejects.toMatchObject({ code: 'RUN_DELETED' });
    expect(await ws.runs.load(runId)).toBeNull();
    // The retry, a fork of the deleted run, lives on and is still the workers'.
    expect((await ws.runs.load(retry))?.status).toBe('waiting');
  }, 60_000);

  it('catches a change whose notification was missed with its slow poll', async () => {
    const { url, client, schema } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    await untilStatus(h, runId, 'waiting');
    await new Promise((r) => setTimeout(r, 300)); // what was notified is announced
    const since = h.events.length;
    // A write that sent no NOTIFY (as if the listening connection had dropped just then).
    const raw = new (await import('pg')).default.Client({ connectionString: pg.server().url });
    await raw.connect();
    await raw.query(`UPDATE "${schema}".runs SET updated_at = '9999-01-01T00:00:00.000000' WHERE run_id = $1`, [runId]);
    await raw.end();
    const seen = await h.waitForEvent('run.changed', (r) => r.runId === runId && h.events.length > since, 3 * PG_FALLBACK_POLL_MS + 2000);
    expect(seen.runId).toBe(runId);
    expect(h.events.slice(since).some((e) => e.event === 'run.changed')).toBe(true);
  }, 60_000);

  it('exports an audit bundle of a run the workers drove, in the SQLite format, and it verifies', async () => {
    const { url, client, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: waitGo, vars: {} });
    await h.call('workspace.open', { path: url });
    await untilStatus(h, runId, 'waiting');
    await h.call('runs.resumeEvent', { runId, waitKey: 'evt:go', payloadJson: '{"go": true}' });
    await untilStatus(h, runId, 'completed');
    await ws.artifacts.store(new TextEncoder().encode('evidence'), { contentType: 'text/plain', runId });
    // No workspace folder here: "into the workspace" goes where the person chooses (a download from the web host).
    for (const destination of ['workspace', 'choose'] as const) {
      const bundle = await h.call('runs.exportBundle', { runId, destination, includeArtifacts: true });
      expect(bundle, destination).toMatchObject({ runId, verified: true, download: { urlPath: expect.any(String) } });
      // What an auditor checks it with (`studio verify <file> --trusted keys.json`): the Studio's key, kept in the workspace, signed the head.
      const report = await verifyBundle(bundle.path, { trustedKeys: (await ws.actorKeys.list()).map((r) => r.key) });
      expect(report).toMatchObject({ ok: true, manifest: { runId, workflowId: 'wait_go', records: await ws.ledger.ledgerCount(runId), artifacts: 1 } });
      expect(report.contents.records.length).toBe(await ws.ledger.ledgerCount(runId));
      expect(report.sealed).toBe(true);
    }
    // Its head checkpoint is kept in the workspace (once: the second export found it signed already).
    expect(await ws.chainCheckpoints.list(runId)).toHaveLength(1);
  }, 60_000);

  it('refuses what only a driver may do, saying the workers drive the runs', async () => {
    const { url, client } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    for (const [op, req] of [
      ['runs.step', { runId }],
      ['runs.continue', { runId }],
      ['runs.start', { workflowId: 'ask_once' }],
    ] as const) {
      const res = await h.raw(op, req);
      expect(res.body, op).toMatchObject({ ok: false, error: { code: 'RUNS_DRIVEN_BY_WORKERS', message: expect.stringContaining('runs no workflow code') } });
    }
  }, 60_000);

  it('bookmarks here, restores through a worker (who asked, who did it), and forks here for the workers to drive', async () => {
    const { url, client, ws } = await workspaceWithWorker();
    const runId = await client.start({ workflow: askOnce, vars: {} });
    await h.call('workspace.open', { path: url });
    const waiting = await untilStatus(h, runId, 'waiting');
    // A bookmark is data: written here, into the workspace's own snapshots.
    const snap = await h.call('snapshots.create', { runId, name: 'before the answer' });
    expect((await ws.snapshots.load(snap.snapshotId))?.name).toBe('before the answer');
    const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === runId)!;
    await h.call('prompts.answer', { runId, waitKey: prompt.waitKey, payloadJson: '{"response": "Ada"}' });
    const done = await untilStatus(h, runId, 'completed');

    // The restore is a request: the worker puts the run back and drives it on (to the question again).
    const restored = await h.call('snapshots.restore', { snapshotId: snap.snapshotId });
    expect(restored.runId).toBe(runId);
    const again = await untilStatus(h, runId, 'waiting');
    expect(again.ledgerCount).toBeGreaterThan(done.ledgerCount);
    const rec = (await ws.ledger.readLedgerPage(runId, { limit: 100 })).find((e) => (e.record.result as { restored?: unknown } | null)?.restored);
    expect(rec?.record.actorId).toBe(h.service.actorId);
    expect(rec?.record.result).toMatchObject({
      restored: { snapshot_id: snap.snapshotId, snapshot_name: 'before the answer', from: { status: 'completed' }, to: { status: 'waiting' } },
      via: { carried_out_by: 'worker-a@test', requested_by: expect.stringMatching(/^the Studio/) },
    });
    // A snapshot that is gone: typed, nothing asked of the workers.
    await h.call('snapshots.delete', { snapshotId: snap.snapshotId });
    expect((await h.raw('snapshots.restore', { snapshotId: snap.snapshotId })).body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // A fork is written here at the record of the first question, with an edit; answered here, a worker drives it.
    const at = waiting.ledgerCount - 1;
    const vars = { ...(await ws.stateAt(runId, at))!.vars, note: 'edited by hand' };
    const fork = await h.call('runs.fork', { runId, seq: at, varsJson: JSON.stringify(vars) });
    expect(fork.forkedFrom).toMatchObject({ runId, seq: at });
    expect(fork.status).toBe('waiting');
    const forkPrompt = (await h.call('prompts.list', {})).find((p) => p.runId === fork.runId)!;
    await h.call('prompts.answer', { runId: fork.runId, waitKey: forkPrompt.waitKey, payloadJson: '{"response": "Grace"}' });
    const forkDone = await untilStatus(h, fork.runId, 'completed');
    expect(forkDone.outputJson).toContain('Grace');
    expect((await ws.runs.load(fork.runId))!.vars['note']).toBe('edited by hand');
    const genesis = (await ws.ledger.readLedgerPage(fork.runId, { limit: 1 }))[0]!;
    expect(genesis.record.actorId).toBe(h.service.actorId);
    expect(genesis.record.result).toMatchObject({ forked_from: { run_id: runId, seq: at, edited: { by: 'fork dialog' } } });
    expect((await ws.verifyRun(fork.runId)).ok).toBe(true);
    expect((await ws.verifyRun(runId)).ok).toBe(true);
    // The runs table nests the fork under its parent, as on SQLite; nothing is archived here.
    const nested = await h.call('runs.query', { topLevelOnly: true, nestForks: true, limit: 100 });
    expect(nested.items.map((r) => r.runId)).toContain(runId);
    expect(nested.items.map((r) => r.runId)).not.toContain(fork.runId);
    expect(nested.items.find((r) => r.runId === runId)?.forkCount).toBe(1);
    expect((await h.call('runs.query', { forkOf: runId, limit: 100 })).items.map((r) => r.runId)).toEqual([fork.runId]);
    expect((await h.call('runs.query', { archived: 'only', limit: 100 })).total).toBe(0);
  }, 60_000);

  it('refuses a bad URL, an unreachable server, a wrong password, a missing schema and a newer schema, each typed, saving nothing', async () => {
    const before = await h.call('workspace.current', {});
    const wrong = 'Wr0ng-Secret!';
    const { schema, ws } = await workspaceWithWorker();
    await ws.close();
    const cases: Array<[string, string]> = [
      ['postgres://', 'WORKSPACE_INVALID'],
      [`postgres://test:${wrong}@127.0.0.1:1/postgres?schema=${schema}`, 'STORE_ERROR'],
      [`${pg.server().urlWith({ password: wrong })}?schema=${schema}`, 'STORE_ERROR'],
      [`${pg.server().url}?schema=no_such_schema_here`, 'NOT_FOUND'],
      [`${pg.server().url}?schema=Bad"Name`, 'WORKSPACE_INVALID'],
    ];
    for (const [path, code] of cases) {
      const res = await h.raw('workspace.open', { path });
      expect(res.body, path.replace(wrong, '***')).toMatchObject({ ok: false, error: { code } });
      if (path.includes(':1/')) expect(JSON.stringify(res.body)).toContain('Is a PostgreSQL server running at 127.0.0.1:1');
      if (path.includes(wrong) && !path.includes(':1/')) expect(JSON.stringify(res.body)).toContain('Check the user name and password');
      expect(JSON.stringify(res.body)).not.toContain(wrong);
    }
    const newer = await pg.open(freshSchema('newer'));
    const raw = new (await import('pg')).default.Client({ connectionString: pg.server().url });
    await raw.connect();
    await raw.query(`INSERT INTO "${newer.schema}".schema_migrations (version, name) VALUES (99, 'future')`);
    await raw.end();
    const tooNew = await h.raw('workspace.open', { path: `${pg.server().url}?schema=${newer.schema}` });
    expect(tooNew.body).toMatchObject({ ok: false, error: { code: 'WORKSPACE_TOO_NEW' } });
    expect(await h.call('workspace.current', {})).toEqual(before);
    expectPasswordNowhere(wrong);
    expectPasswordNowhere(pg.server().password);
  }, 60_000);

  it('keeps the password in the secret store: the URL without it opens the same workspace again', async () => {
    const { url, schema } = await workspaceWithWorker();
    const first = await h.call('workspace.open', { path: url });
    const bare = `postgres://test@127.0.0.1:${pg.server().port}/postgres?schema=${schema}`;
    const again = await h.call('workspace.open', { path: bare });
    expect(again.id).toBe(first.id);
    // Remembered among the recent workspaces by that URL, so Open… lists it after a switch.
    const other = await workspaceWithWorker();
    expect((await h.call('workspace.open', { path: other.url })).id).not.toBe(first.id);
    const listed = (await h.call('workspace.list', {})).find((w) => w.id === first.id);
    expect(listed).toMatchObject({ kind: 'postgres', name: first.name, path: bare });
    expectPasswordNowhere(pg.server().password);
  }, 60_000);
});
