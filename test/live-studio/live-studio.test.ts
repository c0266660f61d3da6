/**
 * Issue 18, item 2: an app process drives a run with the runtime package on a workspace file, and
 * a Studio (the real service behind the real web host) is opened on the same file. The Studio sees
 * the run's records and wait as they land, never takes over the run while the app is alive, and
 * its answer reaches the app, which carries it out and records who asked. Once the app is killed
 * (SIGKILL), the Studio takes the run over and finishes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../src/runtime/storage/sqlite/index';
import { type EventName } from '../../src/shared/contract/events';
import { REPO_ROOT, startHarness, type Harness } from '../../src/main/testing/studio-harness';

const APP = fileURLToPath(new URL('./app-process.ts', import.meta.url));
const APP_TSCONFIG = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
const ASK_MODULE = join(REPO_ROOT, 'resources', 'demo-workflows', '02-ask-user.ts');

const children: ChildProcess[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const h of harnesses.splice(0)) await h.close();
});

interface App {
  child: ChildProcess;
  next: () => Promise<Record<string, unknown>>;
}

/** Starts the app on the workspace at `path`; it imports the runtime as 'abstractruntime'. */
function startApp(path: string): App {
  const child = spawn(process.execPath, ['--import', 'tsx', APP, path, ASK_MODULE, 'ask_user_demo'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: APP_TSCONFIG },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the app (pid ${child.pid}) exited: ${child.exitCode ?? child.signalCode}`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  return { child, next };
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Resolves once the Studio has pushed `event` after the first `mark` events it pushed. */
async function eventSince(h: Harness, mark: number, event: EventName): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (h.events.slice(mark).some((e) => e.event === event)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the Studio pushed no ${event} event`);
}

async function until<T>(what: string, look: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await look();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('your app and the Studio on one workspace, live', () => {
  it('the Studio sees and answers a run the app holds, the app carries it out, and the Studio takes over once the app is killed', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const path = join(h.dir, 'app.studio.sqlite');
    await h.call('workspace.create', { path });

    let mark = h.events.length;
    const app = startApp(path);
    const started = await app.next();
    const runId = started['started'] as string;
    expect(started['pid']).toBe(app.child.pid);

    // The app's writes reach the Studio as they land: a push, then the run, its records and its wait.
    await eventSince(h, mark, 'workspace.dataChanged');
    const waiting = await h.call('runs.get', { runId });
    expect(waiting).toMatchObject({ status: 'waiting', currentNode: 'start', waitReason: 'user', actorId: 'the-app' });
    expect((await h.call('ledger.page', { runId })).entries.map((e) => e.status)).toEqual(['started', 'waiting']);
    expect((await h.call('prompts.list', {})).map((p) => p.runId)).toContain(runId);

    // Unhappy first: a restore would take the run over; the Studio refuses while the app lives.
    const snap = await h.call('snapshots.create', { runId, name: 'before the answer' });
    await expect(h.call('snapshots.restore', { snapshotId: snap.snapshotId })).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect(await h.call('runs.get', { runId })).toMatchObject({ status: 'waiting', paused: false }); // refused, and left as it was
    // An answer the app refuses (the wrong wait key) comes back as the app's typed error, and changes nothing.
    await expect(h.call('prompts.answer', { runId, waitKey: 'not-this-wait', payloadJson: '{"response": "Ada"}' })).rejects.toMatchObject({
      code: 'WAIT_KEY_MISMATCH',
    });
    expect(await app.next()).toMatchObject({ request: { status: 'failed', error: { code: 'WAIT_KEY_MISMATCH' } } });
    expect((await h.call('runs.get', { runId })).status).toBe('waiting');

    // The answer: asked of the app, carried out there, recorded as the Studio user's.
    mark = h.events.length;
    await h.call('prompts.answer', { runId, waitKey: waiting.waiting?.waitKey ?? null, payloadJson: '{"response": "Ada"}' });
    expect(await app.next()).toMatchObject({ request: { status: 'done', actorId: h.service.actorId, handledBy: `app process ${app.child.pid}` } });
    await eventSince(h, mark, 'workspace.dataChanged');
    const second = await until('the app to drive on', () => h.call('runs.get', { runId }), (r) => r.status === 'waiting' && r.currentNode === 'greet');
    expect(second.varsJson).toContain('"Ada"');
    const answered = (await h.call('ledger.page', { runId })).entries.find((e) => e.kind === 'resume')!;
    expect(answered.actorId).toBe(h.service.actorId);
    const answeredRecord = await h.call('ledger.record', { runId, seq: answered.seq });
    expect(JSON.parse(answeredRecord.resultJson!)).toMatchObject({ via: { carried_out_by: `app process ${app.child.pid}`, requested_by: expect.stringContaining('the Studio') } });
    expect(answered.trace).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/) }); // the app traced it

    // The app dies with the run waiting: the Studio's next answer takes the run over and finishes it.
    app.child.kill('SIGKILL');
    await exited(app.child);
    await h.call('prompts.answer', { runId, waitKey: second.waiting?.waitKey ?? null, payloadJson: '{"response": "Say goodbye"}' });
    const done = await until('the Studio to finish the run', () => h.call('runs.get', { runId }), (r) => r.status === 'completed');
    expect(JSON.parse(done.outputJson!)).toMatchObject({ name: 'Ada', choice: 'Say goodbye' });
    const resumes = (await h.call('ledger.page', { runId })).entries.filter((e) => e.kind === 'resume');
    expect(resumes).toHaveLength(2);
    const secondResume = await h.call('ledger.record', { runId, seq: resumes[1]!.seq });
    expect(JSON.parse(secondResume.resultJson!)).not.toHaveProperty('via'); // carried out here, not asked
    const ws = SqliteWorkspace.open(path, { readonly: true });
    try {
      expect((await ws.verifyRun(runId)).ok).toBe(true); // one chain, written by two processes
      expect(ws.leaseHolder(runId)).toBeNull();
    } finally {
      ws.close();
    }
  });
});
