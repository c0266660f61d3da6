import { afterEach, describe, expect, it } from 'vitest';
import { EffectType } from '../core/enums';
import { Runtime } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { formatIsoTimestamp } from '../json/timestamp';
import { WorkflowRegistry } from '../scheduler/workflow-registry';
import { TempWorkspaces } from '../storage/sqlite/test-support/temp-workspace';
import { type SqliteWorkspace } from '../storage/sqlite/sqlite-workspace';
import { askHolder } from './ask-holder';
import { RunOwner } from './run-owner';

const temp = new TempWorkspaces();
const owners: RunOwner[] = [];
afterEach(async () => {
  for (const o of owners.splice(0)) await o.close();
  temp.cleanup();
});

/** Two questions, then done: an answer carried out by the owner leaves the run waiting again. */
const twoQuestions = new WorkflowSpec({
  workflowId: 'two_questions',
  entryNode: 'first',
  nodes: {
    first: () => ({ nodeId: 'first', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Name?' }, resultKey: 'name' }, nextNode: 'second' }),
    second: () => ({ nodeId: 'second', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Colour?' }, resultKey: 'colour' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { name: run.vars['name'] ?? null, colour: run.vars['colour'] ?? null } }),
  },
});

/** The app's side: a runtime on the workspace with an owner that holds the run it started. */
async function app(ws: SqliteWorkspace): Promise<{ runtime: Runtime; owner: RunOwner; runId: string }> {
  const registry = new WorkflowRegistry();
  registry.register(twoQuestions);
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry });
  const owner = new RunOwner({ runtime, requests: ws.requests, name: 'the app' });
  owners.push(owner);
  const runId = await runtime.start({ workflow: twoQuestions, actorId: 'app' });
  await owner.hold(runId);
  await runtime.tick({ workflow: twoQuestions, runId });
  return { runtime, owner, runId };
}

/** The Studio's side: another open of the same file (another lease owner), asking instead of acting. */
function ask(ws: SqliteWorkspace, runId: string, body: Parameters<typeof askHolder>[0]['request']['body'], timeoutMs?: number) {
  return askHolder({
    requests: ws.requests,
    request: { runId, body, actorId: 'studio-user', requestedBy: 'the studio' },
    holderLive: () => ws.leaseHolder(runId)?.live === true,
    holder: 'the app',
    timeoutMs,
  });
}

describe('RunOwner: the process that drives a run keeps it and carries out what others ask', () => {
  it('keeps the lease of a waiting run, so another process can neither resume nor tick it', async () => {
    const path = temp.newPath();
    const { runId } = await app(temp.open(path));
    const studio = temp.open(path);
    const rt = new Runtime({ runStore: studio.runs, ledgerStore: studio.ledger });
    expect((await rt.getState(runId)).status).toBe('waiting');
    await expect(rt.resume({ workflow: twoQuestions, runId, waitKey: null, payload: { response: 'stolen' } })).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await expect(rt.cancelRun(runId)).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect((await rt.getState(runId)).status).toBe('waiting'); // the loser changed nothing
    expect(studio.leaseHolder(runId)).toMatchObject({ live: true });
  });

  it('refuses with a typed error a request to a run that finished meanwhile, then lets the run go', async () => {
    const path = temp.newPath();
    const appWs = temp.open(path);
    const { runtime, owner, runId } = await app(appWs);
    const studio = temp.open(path);
    const asked = ask(studio, runId, { kind: 'resume', waitKey: null, payload: { response: 'late' } });
    await runtime.cancelRun(runId, { reason: 'the app gave up' }); // before the owner looked at the queue
    const outcome = await asked;
    expect(outcome).toMatchObject({ kind: 'answered', request: { status: 'failed', handledBy: 'the app', error: { code: 'RUN_NOT_WAITING' } } });
    await owner.idle();
    expect(owner.held()).toEqual([]);
    expect(studio.leaseHolder(runId)).toBeNull();
  });

  it('withdraws a request a live holder does not take in time, so it is never carried out later', async () => {
    const path = temp.newPath();
    const { owner, runId } = await app(temp.open(path)); // holds, but never serves
    const studio = temp.open(path);
    await expect(ask(studio, runId, { kind: 'cancel', reason: null }, 50)).rejects.toMatchObject({ code: 'RUN_REQUEST_TIMEOUT' });
    expect(await owner.serve()).toBe(0);
    expect((await studio.runs.load(runId))!.status).toBe('waiting');
  });

  it('carries out an answer: the ledger names who asked and through which request, and the run goes on', async () => {
    const path = temp.newPath();
    const { owner, runId } = await app(temp.open(path));
    owner.start();
    const studio = temp.open(path);
    const outcome = await ask(studio, runId, { kind: 'resume', waitKey: null, payload: { response: 'Ada' } });
    expect(outcome).toMatchObject({ kind: 'answered', request: { status: 'done', runStatus: 'running', handledBy: 'the app', actorId: 'studio-user' } });
    await owner.idle();
    const run = (await studio.runs.load(runId))!;
    expect(run).toMatchObject({ status: 'waiting', currentNode: 'second', vars: { name: { response: 'Ada' } } });
    const resume = (await studio.ledger.list(runId)).find((r) => r.result && 'resume' in r.result)!;
    expect(resume.actorId).toBe('studio-user');
    expect(resume.result!['via']).toEqual({ request_id: outcome.request.id, requested_by: 'the studio', carried_out_by: 'the app' });
    expect(studio.leaseHolder(runId)).toMatchObject({ live: true }); // still the app's
  });

  it('carries out a cancel and gives the ended run back', async () => {
    const path = temp.newPath();
    const { owner, runId } = await app(temp.open(path));
    owner.start();
    const studio = temp.open(path);
    const outcome = await ask(studio, runId, { kind: 'cancel', reason: 'not needed' });
    expect(outcome.request).toMatchObject({ status: 'done', runStatus: 'cancelled' });
    await owner.idle();
    const cancel = (await studio.ledger.list(runId)).at(-1)!;
    expect(cancel).toMatchObject({ actorId: 'studio-user', result: { cancelled: { reason: 'not needed' } } });
    expect(studio.leaseHolder(runId)).toBeNull();
  });

  it('says the holder is gone when its lease is, so the asker can take the run over', async () => {
    const path = temp.newPath();
    const appWs = temp.open(path);
    const { runId } = await app(appWs);
    const studio = temp.open(path);
    const asked = ask(studio, runId, { kind: 'resume', waitKey: null, payload: { response: 'x' } });
    appWs.close(); // its leases go with it, as they do when the process dies
    expect(await asked).toMatchObject({ kind: 'holder-gone', request: { status: 'withdrawn' } });
  });

  it('wakes a held run when the time it waits for comes: nobody else may', async () => {
    const ws = temp.create();
    const soon = new WorkflowSpec({
      workflowId: 'soon',
      entryNode: 'wait',
      nodes: {
        wait: () => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_UNTIL, payload: { until: formatIsoTimestamp(Date.now() * 1000 + 50_000) } }, nextNode: 'done' }),
        done: () => ({ nodeId: 'done', completeOutput: { woke: true } }),
      },
    });
    const registry = new WorkflowRegistry();
    registry.register(soon);
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry });
    const owner = new RunOwner({ runtime, requests: ws.requests });
    owners.push(owner);
    const runId = await runtime.start({ workflow: soon });
    await owner.hold(runId);
    expect((await runtime.tick({ workflow: soon, runId })).status).toBe('waiting');
    owner.start();
    expect(await owner.finished(runId)).toMatchObject({ status: 'completed', output: { woke: true } });
    await owner.idle();
    expect(ws.leaseHolder(runId)).toBeNull();
  });
});
