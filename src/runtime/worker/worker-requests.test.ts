import { afterEach, describe, expect, it } from 'vitest';
import { EffectType } from '../core/enums';
import { type RunState, type StepRecord } from '../core/models';
import { Runtime } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { isJsonObject } from '../json/json-value';
import { formatIsoTimestamp } from '../json/timestamp';
import { WorkflowRegistry } from '../scheduler/workflow-registry';
import { type PostgresWorkspace } from '../storage/postgres/postgres-workspace';
import { freshSchema, usePgServer } from '../storage/postgres/test-support/pg-workspaces';
import { askWorkers } from './ask-workers';
import { PostgresWorker } from './postgres-worker';

const pg = usePgServer();
const workers: PostgresWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Two questions, then done: an answer carried out leaves the run waiting on the next. */
const twoQuestions = new WorkflowSpec({
  workflowId: 'two_questions',
  entryNode: 'first',
  nodes: {
    first: () => ({ nodeId: 'first', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Name?' }, resultKey: 'name' }, nextNode: 'second' }),
    second: () => ({ nodeId: 'second', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Colour?' }, resultKey: 'colour' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { name: run.vars['name'] ?? null, colour: run.vars['colour'] ?? null } }),
  },
});

/** Runs until cancelled, 50 ms a node: a cancel must land at a node boundary, not after a 100-node tick (5 s). */
const spinner = new WorkflowSpec({
  workflowId: 'spinner',
  entryNode: 'spin',
  nodes: {
    spin: async (run) => {
      await sleep(50);
      run.vars['n'] = Number(run.vars['n'] ?? 0) + 1;
      return { nodeId: 'spin', nextNode: 'spin' };
    },
  },
});

const child = new WorkflowSpec({
  workflowId: 'child',
  entryNode: 'nap',
  nodes: {
    nap: (run) => ({ nodeId: 'nap', effect: { type: EffectType.WAIT_UNTIL, payload: { until: String(run.vars['until']) } }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { child_of: String(run.vars['tag']) } }),
  },
});

const parent = new WorkflowSpec({
  workflowId: 'parent',
  entryNode: 'call',
  nodes: {
    call: (run) => ({
      nodeId: 'call',
      effect: { type: EffectType.START_SUBWORKFLOW, payload: { workflow_id: 'child', vars: { until: String(run.vars['until']), tag: String(run.vars['tag']) } }, resultKey: 'sub' },
      nextNode: 'done',
    }),
    done: (run) => ({ nodeId: 'done', completeOutput: { sub: run.vars['sub'] ?? null } }),
  },
});

function registryOf(...specs: WorkflowSpec[]): WorkflowRegistry {
  const r = new WorkflowRegistry();
  for (const s of specs) r.register(s);
  return r;
}

async function startWorker(ws: PostgresWorkspace, registry: WorkflowRegistry): Promise<PostgresWorker> {
  const w = new PostgresWorker({ workspace: ws, registry, pollIntervalMs: 2_000 });
  workers.push(w);
  await w.start();
  return w;
}

async function until<T>(probe: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

const waitingRun = (ws: PostgresWorkspace, runId: string, node: string) =>
  until(async () => {
    const r = await ws.runs.load(runId);
    return r?.status === 'waiting' && r.currentNode === node ? r : null;
  });

const resumes = (ledger: StepRecord[]) => ledger.filter((r) => r.result && 'resume' in r.result);
const ask = (ws: PostgresWorkspace, run: RunState, body: Parameters<typeof askWorkers>[0]['request']['body'], actorId = 'ada', timeoutMs?: number) =>
  askWorkers({ workspace: ws, request: { runId: run.runId, body, actorId, requestedBy: 'the studio on test' }, timeoutMs });

describe('PostgreSQL workers carry out what an attached Studio asks, through the request queue', () => {
  it('times out with no live worker, names that, and withdraws the request: a worker started later never carries it out', async () => {
    const schema = freshSchema('noworker');
    const studio = await pg.open(schema, { writer: 'studio@test' });
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger, workflowRegistry: registryOf(twoQuestions) });
    const runId = await rt.start({ workflow: twoQuestions });
    const run = await rt.tick({ workflow: twoQuestions, runId }); // waits on its first question; nobody holds it now
    const err = (await ask(studio, run, { kind: 'resume', waitKey: run.waiting!.waitKey, payload: { response: 'late' } }, 'ada', 300).catch((e: unknown) => e)) as Error & {
      code: string;
      details: Record<string, unknown>;
    };
    expect(err).toMatchObject({ code: 'RUN_REQUEST_TIMEOUT', details: { withdrawn: true, liveWorkers: [] } });
    expect(err.message).toContain("No live worker serves workflow 'two_questions'");
    expect(err.message).toContain('withdrawn, so it never will be');
    expect(await studio.requests.get(Number(err.details['requestId']))).toMatchObject({ status: 'withdrawn', handledBy: null });

    const late = await pg.open(schema, { writer: 'late-worker@test' });
    await startWorker(late, registryOf(twoQuestions));
    await sleep(500);
    expect(await studio.runs.load(runId)).toMatchObject({ status: 'waiting', currentNode: 'first' });
    expect(resumes(await studio.ledger.list(runId))).toEqual([]);
    expect(await studio.requests.get(Number(err.details['requestId']))).toMatchObject({ status: 'withdrawn' });
  });

  it('an answer is carried out by one of two workers: the ledger names the asker, the request and the worker; two answers to one wait, one wins', async () => {
    const schema = freshSchema('answer');
    const studio = await pg.open(schema, { writer: 'studio@test' });
    await startWorker(await pg.open(schema, { writer: 'w1@host-a' }), registryOf(twoQuestions));
    await startWorker(await pg.open(schema, { writer: 'w2@host-b' }), registryOf(twoQuestions));
    expect((await studio.workers.live('two_questions')).map((w) => w.workerId).sort()).toEqual(['w1@host-a', 'w2@host-b']);
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger });
    const runId = await rt.start({ workflow: twoQuestions, actorId: 'app' });
    const first = await waitingRun(studio, runId, 'first'); // a worker drove it to its first question

    const done = await ask(studio, first, { kind: 'resume', waitKey: first.waiting!.waitKey, payload: { response: 'Ada' } });
    expect(done).toMatchObject({ status: 'done', actorId: 'ada', runStatus: 'running' });
    expect(['w1@host-a', 'w2@host-b']).toContain(done.handledBy);
    const second = await waitingRun(studio, runId, 'second'); // driven on after the answer
    const entries = await studio.ledger.readLedgerPage(runId);
    const answer = entries.find((e) => e.record.result && 'resume' in e.record.result)!;
    expect(answer.record.actorId).toBe('ada');
    expect(answer.record.result!['via']).toEqual({ request_id: done.id, requested_by: 'the studio on test', carried_out_by: done.handledBy });
    expect(answer.writtenBy).toBe(done.handledBy);

    // Two people answer the second question at once: exactly one answer is applied.
    const body = { kind: 'resume' as const, waitKey: second.waiting!.waitKey, payload: { response: 'red' } };
    const [a, b] = await Promise.all([ask(studio, second, body, 'ada'), ask(studio, second, { ...body, payload: { response: 'blue' } }, 'bob')]);
    const [won, lost] = a.status === 'done' ? [a, b] : [b, a];
    expect(won.status).toBe('done');
    expect(lost).toMatchObject({ status: 'failed', error: { code: 'RUN_NOT_WAITING' } });
    const end = await until(async () => ((await studio.runs.load(runId))?.status === 'completed' ? studio.runs.load(runId) : null));
    expect(end!.output).toEqual({ name: { response: 'Ada' }, colour: { response: won.actorId === 'ada' ? 'red' : 'blue' } });
    expect(resumes(await studio.ledger.list(runId))).toHaveLength(2);
    expect((await studio.verifyRun(runId)).ok).toBe(true);
  });

  it('cancels a waiting run nobody holds, and a running run at its next node boundary', async () => {
    const schema = freshSchema('cancel');
    const studio = await pg.open(schema, { writer: 'studio@test' });
    const worker = await startWorker(await pg.open(schema, { writer: 'w1@host-a' }), registryOf(twoQuestions, spinner));
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger });

    const waitingId = await rt.start({ workflow: twoQuestions });
    const waiting = await waitingRun(studio, waitingId, 'first');
    await until(async () => ((await studio.leaseHolder(waitingId)) === null ? true : null)); // released once it waits (just after its commit)
    expect(await ask(studio, waiting, { kind: 'cancel', reason: 'not needed' })).toMatchObject({ status: 'done', runStatus: 'cancelled', handledBy: 'w1@host-a' });
    expect((await studio.ledger.list(waitingId)).at(-1)).toMatchObject({ actorId: 'ada', result: { cancelled: { reason: 'not needed' }, via: { carried_out_by: 'w1@host-a' } } });

    const spinId = await rt.start({ workflow: spinner });
    const spinning = await until(async () => {
      const r = await studio.runs.load(spinId);
      return Number(r?.vars['n'] ?? 0) >= 3 ? r : null;
    });
    expect((await studio.leaseHolder(spinId))?.live).toBe(true); // the worker is driving it right now
    const asked = Date.now();
    const cancelled = await ask(studio, spinning, { kind: 'cancel', reason: 'stop spinning' });
    const tookMs = Date.now() - asked;
    expect(cancelled).toMatchObject({ status: 'done', runStatus: 'cancelled', handledBy: 'w1@host-a' });
    expect(tookMs).toBeLessThan(2_500); // a 100-node tick takes 5 s: it stopped at a node boundary
    const last = (await studio.ledger.list(spinId)).at(-1)!;
    expect(last).toMatchObject({ actorId: 'ada', result: { cancelled: { reason: 'stop spinning', previous_status: 'running' }, via: { request_id: cancelled.id } } });
    await until(async () => ((await studio.leaseHolder(spinId)) === null ? true : null));
    expect(worker.stats.requests).toBe(2);
  });

  it('finishes, without applying it twice, a request a holder applied and never finished (it died between the two)', async () => {
    const schema = freshSchema('inhand');
    const ghost = await pg.open(schema, { writer: 'ghost@host-x', leaseTtlMs: 500 });
    const rt = new Runtime({ runStore: ghost.runs, ledgerStore: ghost.ledger, workflowRegistry: registryOf(twoQuestions) });
    const runId = await rt.start({ workflow: twoQuestions });
    const run = await rt.tick({ workflow: twoQuestions, runId });
    const id = await ghost.requests.submit({ runId, body: { kind: 'resume', waitKey: run.waiting!.waitKey, payload: { response: 'Ada' } }, actorId: 'ada', requestedBy: 'the studio' });
    // The ghost holds the run, takes the request, applies it, and is gone before finishing it.
    await ghost.runs.acquireRunLease(runId);
    expect(await ghost.requests.take(id, 'ghost@host-x')).toBe(true);
    await rt.resume({ workflow: twoQuestions, runId, waitKey: run.waiting!.waitKey, payload: { response: 'Ada' }, actorId: 'ada', maxSteps: 0, via: { request_id: id, requested_by: 'the studio', carried_out_by: 'ghost@host-x' } });
    await ghost.close();

    const studio = await pg.open(schema, { writer: 'studio@test' });
    await startWorker(await pg.open(schema, { writer: 'w1@host-a' }), registryOf(twoQuestions));
    const finished = await until(async () => {
      const r = await studio.requests.get(id);
      return r?.status === 'done' ? r : null;
    });
    expect(finished).toMatchObject({ handledBy: 'w1@host-a', runStatus: 'running' });
    await waitingRun(studio, runId, 'second'); // and driven on
    const applied = resumes(await studio.ledger.list(runId));
    expect(applied).toHaveLength(1);
    expect(applied[0]!.result!['via']).toMatchObject({ request_id: id, carried_out_by: 'ghost@host-x' });
  });

  it('resumes a parent exactly once when its child completes on another worker', async () => {
    const schema = freshSchema('parent');
    const studio = await pg.open(schema, { writer: 'studio@test' });
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger });
    const untilIso = formatIsoTimestamp((Date.now() + 1_500) * 1000);
    const parentIds = [];
    for (let i = 0; i < 3; i++) parentIds.push(await rt.start({ workflow: parent, vars: { until: untilIso, tag: `p${i}` } }));

    // The first worker starts the parents and their children; the children wait for a time.
    const first = await startWorker(await pg.open(schema, { writer: 'starter@host-a' }), registryOf(parent, child));
    const parents = await Promise.all(parentIds.map((id) => until(async () => ((await studio.runs.load(id))?.waiting?.reason === 'subworkflow' ? studio.runs.load(id) : null))));
    await first.stop();
    // Only this one can run the children, so they complete here; the parents wait for someone who can run them.
    await startWorker(await pg.open(schema, { writer: 'child-only@host-b' }), registryOf(child));
    const childIds = parents.map((p) => String(p!.waiting!.details!['sub_run_id']));
    await Promise.all(childIds.map((id) => until(async () => ((await studio.runs.load(id))?.status === 'completed' ? true : null))));
    expect((await studio.runs.load(parentIds[0]!))!.status).toBe('waiting');
    // Two workers that can run the parents start at once and race for them.
    await Promise.all([
      startWorker(await pg.open(schema, { writer: 'p1@host-c' }), registryOf(parent, child)),
      startWorker(await pg.open(schema, { writer: 'p2@host-d' }), registryOf(parent, child)),
    ]);
    for (const [i, id] of parentIds.entries()) {
      const done = await until(async () => {
        const r = await studio.runs.load(id);
        return r?.status === 'completed' ? r : null;
      });
      expect(done.output).toEqual({ sub: { sub_run_id: childIds[i], output: { child_of: `p${i}` } } });
      const entries = await studio.ledger.readLedgerPage(id);
      const resumed = entries.filter((e) => e.record.result && 'resume' in e.record.result);
      expect(resumed).toHaveLength(1);
      expect(['p1@host-c', 'p2@host-d']).toContain(resumed[0]!.writtenBy);
      const childEntries = await studio.ledger.readLedgerPage(childIds[i]!);
      expect(childEntries.at(-1)!.writtenBy).toBe('child-only@host-b');
      expect(isJsonObject(resumed[0]!.record.result!['resume'])).toBe(true);
      expect((await studio.verifyRun(id)).ok).toBe(true);
    }
  });
});
