import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../core/runtime';
import { freshSchema, usePgServer } from '../storage/postgres/test-support/pg-workspaces';
import { askWorkers } from './ask-workers';
import { approvalWorkflow } from './test-support/approval-workflow';

/**
 * A worker SIGKILLed while it carries out a request it took (running the tool a person approved):
 * another worker takes the run over once the lease expires, finds the request in the dead
 * worker's hand and not applied (the ledger says so), carries it out once, and the asker, still
 * waiting, gets its answer from the second worker.
 */
const pg = usePgServer();
const CHILD = join(__dirname, 'test-support', 'request-worker-child.ts');
const TTL_MS = 1000;
const alive = new Set<ChildProcess>();
afterAll(() => {
  for (const c of alive) c.kill('SIGKILL');
});

/** Starts a worker process; resolves once it is registered, with a promise of each later stdout line. */
async function startWorker(schema: string, workerId: string, mode: 'hang' | 'run'): Promise<{ child: ChildProcess; line: (pred: (o: Record<string, unknown>) => boolean) => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, pg.server().url, schema, workerId, String(TTL_MS), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const line = async (pred: (o: Record<string, unknown>) => boolean): Promise<void> => {
    while (!lines.some(pred)) await new Promise<void>((r) => waiters.push(r));
  };
  await line((o) => o['ready'] === workerId);
  return { child, line };
}

describe('PostgreSQL workers: a worker killed with a request in hand', () => {
  it('leaves it to the worker that takes the run over, which carries it out once; the asker hears from that one', async () => {
    const schema = freshSchema('reqcrash');
    const studio = await pg.open(schema, { writer: 'studio@test' });
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger });
    const runId = await rt.start({ workflow: approvalWorkflow, actorId: 'app' });
    const doomed = await startWorker(schema, 'doomed@host-a', 'hang');
    let run = await studio.runs.load(runId);
    while (run?.waiting?.details?.['mode'] !== 'approval') {
      await new Promise((r) => setTimeout(r, 25));
      run = await studio.runs.load(runId);
    }

    const started = Date.now();
    const answered = askWorkers({
      workspace: studio,
      request: { runId, body: { kind: 'resume', waitKey: run.waiting.waitKey, payload: { decisions: { c1: { approved: true } } } }, actorId: 'ada', requestedBy: 'the studio on test' },
      timeoutMs: 20_000,
    });
    await doomed.line((o) => o['tool'] === 'started'); // it took the request and runs the approved tool
    const exited = once(doomed.child, 'exit');
    doomed.child.kill('SIGKILL');
    await exited;
    const [inHand] = await studio.requests.takenFor([runId]);
    expect(inHand).toMatchObject({ status: 'taken', handledBy: 'doomed@host-a' });

    await startWorker(schema, 'heir@host-b', 'run');
    const done = await answered;
    const roundTripMs = Date.now() - started;
    expect(done).toMatchObject({ id: inHand!.id, status: 'done', handledBy: 'heir@host-b' });
    expect((await studio.workers.get('doomed@host-a'))?.live).toBe(false);

    let end = await studio.runs.load(runId);
    while (end?.status !== 'completed') {
      await new Promise((r) => setTimeout(r, 25));
      end = await studio.runs.load(runId);
    }
    const entries = await studio.ledger.readLedgerPage(runId);
    const resumes = entries.filter((e) => e.record.result && 'resume' in e.record.result);
    expect(resumes).toHaveLength(1); // applied once, by the heir
    expect(resumes[0]!.record.actorId).toBe('ada');
    expect(resumes[0]!.record.result!['via']).toEqual({ request_id: inHand!.id, requested_by: 'the studio on test', carried_out_by: 'heir@host-b' });
    expect(resumes[0]!.writtenBy).toBe('heir@host-b');
    expect(JSON.stringify(end.output)).toContain('"by":"heir@host-b"');
    expect((await studio.verifyRun(runId)).ok).toBe(true);
    process.stdout.write(`${JSON.stringify({ requestCrash: { roundTripMs, leaseTtlMs: TTL_MS } })}\n`);
  }, 60_000);
});
