/**
 * `studio worker` as child processes: two workers on one PostgreSQL workspace (a server the test
 * starts) with the demo workflows drive timer runs to completion, each record naming its worker,
 * and stop cleanly on SIGTERM. Bad usage is refused without a stack trace.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../runtime/core/runtime';
import { WorkflowSpec } from '../../runtime/core/spec';
import { verifyLedgerChain } from '../../runtime/ledger/chain-verifier';
import { freshSchema, usePgServer } from '../../runtime/storage/postgres/test-support/pg-workspaces';
import { askWorkers } from '../../runtime/worker/ask-workers';
import { runStudio, STUDIO_BIN } from './test-support';

const pg = usePgServer();
const DEMOS = join(__dirname, '..', '..', '..', 'resources', 'demo-workflows');
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function worker(url: string, id: string): { child: ChildProcessWithoutNullStreams; ready: Promise<string>; out: () => string } {
  const child = spawn(process.execPath, [STUDIO_BIN, 'worker', '--workspace', url, '--workflows', DEMOS, '--concurrency', '2', '--id', id]);
  children.push(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const ready = new Promise<string>((done) => child.stdout.on('data', () => out.includes('\n') && done(out)));
  return { child, ready, out: () => out };
}

// Only its id and entry node matter to start a run; the workers run the demo module's nodes.
const waitUntilDemo = new WorkflowSpec({ workflowId: 'wait_until_demo', entryNode: 'start', nodes: { start: () => ({ nodeId: 'start', completeOutput: {} }) } });

describe('studio worker', () => {
  it('two workers drive the runs of one PostgreSQL workspace, and say who wrote each record', async () => {
    const schema = freshSchema('cli');
    const url = `${pg.server().url}?schema=${schema}`;
    const ws = await pg.open(schema);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await rt.start({ workflow: waitUntilDemo, vars: { seconds: 1 } }));
    const a = worker(url, 'cli-a');
    const b = worker(url, 'cli-b');
    expect(await a.ready).toContain(`studio worker cli-a@${hostname()} on postgres://test:***@127.0.0.1`);
    expect(a.out()).not.toContain(pg.server().password);
    await b.ready;
    const deadline = Date.now() + 60_000;
    let runs = await ws.runs.listRuns({ limit: 10 });
    while (runs.some((r) => r.status !== 'completed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await ws.runs.listRuns({ limit: 10 });
    }
    expect(runs.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    const writers = new Set<string>();
    for (const id of ids) {
      const page = await ws.ledger.readLedgerPage(id);
      expect(verifyLedgerChain(page.map((e) => e.record)).ok).toBe(true);
      for (const e of page) writers.add(String(e.writtenBy));
    }
    expect(writers.has(`cli-a@${hostname()}`) || writers.has(`cli-b@${hostname()}`)).toBe(true);
    expect([...writers].every((w) => w === `cli-a@${hostname()}` || w === `cli-b@${hostname()}` || w.startsWith('pid-'))).toBe(true);
    for (const w of [a, b]) {
      const exited = once(w.child, 'exit');
      w.child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      expect(w.out()).toContain('stopped:');
    }
  }, 120_000);

  it('carries out the answers and cancels an attached Studio asks, and says so when it stops', async () => {
    const schema = freshSchema('cliask');
    const ws = await pg.open(schema, { writer: 'studio@test' });
    const w = worker(`${pg.server().url}?schema=${schema}`, 'cli-ask');
    await w.ready;
    expect((await ws.workers.live('ask_user_demo')).map((x) => x.workerId)).toEqual([`cli-ask@${hostname()}`]);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger });
    const askDemo = new WorkflowSpec({ workflowId: 'ask_user_demo', entryNode: 'start', nodes: { start: () => ({ nodeId: 'start', completeOutput: {} }) } });
    const [answerMe, cancelMe] = [await rt.start({ workflow: askDemo }), await rt.start({ workflow: askDemo })];
    for (const id of [answerMe, cancelMe]) while ((await ws.runs.load(id))?.status !== 'waiting') await new Promise((r) => setTimeout(r, 50));
    const waitKey = (await ws.runs.load(answerMe))!.waiting!.waitKey;
    const ask = (runId: string, body: Parameters<typeof askWorkers>[0]['request']['body']) => askWorkers({ workspace: ws, request: { runId, body, actorId: 'ada', requestedBy: 'test' } });
    expect(await ask(answerMe, { kind: 'resume', waitKey, payload: { response: 'Ada' } })).toMatchObject({ status: 'done', handledBy: `cli-ask@${hostname()}` });
    expect(await ask(cancelMe, { kind: 'cancel', reason: 'no' })).toMatchObject({ status: 'done', runStatus: 'cancelled' });
    while ((await ws.runs.load(answerMe))?.currentNode !== 'greet') await new Promise((r) => setTimeout(r, 50));
    const resume = (await ws.ledger.readLedgerPage(answerMe)).find((e) => e.record.result && 'resume' in e.record.result)!;
    expect(resume).toMatchObject({ writtenBy: `cli-ask@${hostname()}`, record: { actorId: 'ada', result: { via: { carried_out_by: `cli-ask@${hostname()}` } } } });
    const exited = once(w.child, 'exit');
    w.child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(w.out()).toContain('2 requests carried out');
    expect((await ws.workers.get(`cli-ask@${hostname()}`))?.live).toBe(false);
  }, 60_000);

  it('refuses a workspace that is not a PostgreSQL URL, with exit 2 and one line', async () => {
    const r = await runStudio(['worker', '--workspace', 'ws.sqlite', '--workflows', DEMOS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('worker needs --workspace postgres://');
  });
});
