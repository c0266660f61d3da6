import { afterEach, describe, expect, it } from 'vitest';
import { EffectType } from '../core/enums';
import { Runtime } from '../core/runtime';
import { WorkflowSpec } from '../core/spec';
import { WorkflowRegistry } from '../scheduler/workflow-registry';
import { freshSchema, usePgServer } from '../storage/postgres/test-support/pg-workspaces';
import { askWorkers } from '../worker/ask-workers';
import { RunOwner } from './run-owner';

const pg = usePgServer();
const owners: RunOwner[] = [];
afterEach(async () => {
  for (const o of owners.splice(0)) await o.close();
});

const askName = new WorkflowSpec({
  workflowId: 'ask_name',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Your name?' }, resultKey: 'name' }, nextNode: 'greet' }),
    greet: (run) => ({ nodeId: 'greet', completeOutput: { message: `Hello, ${String((run.vars['name'] as { response: string }).response)}` } }),
  },
});

describe('RunOwner on PostgreSQL: an app holding its run is asked through the same queue as a worker', () => {
  it('carries out an answer asked with askWorkers (its 100 ms look skips the query unless a notification came) and records who asked', async () => {
    const schema = freshSchema('owner');
    const appWs = await pg.open(schema, { writer: 'the-app@host-a' });
    const registry = new WorkflowRegistry();
    registry.register(askName);
    const runtime = new Runtime({ runStore: appWs.runs, ledgerStore: appWs.ledger, workflowRegistry: registry });
    const owner = new RunOwner({ runtime, requests: appWs.requests, name: 'the-app@host-a' });
    owners.push(owner);
    const runId = await runtime.start({ workflow: askName });
    await owner.hold(runId);
    const waiting = await runtime.tick({ workflow: askName, runId });
    owner.start();

    const studio = await pg.open(schema, { writer: 'studio@test' });
    expect((await studio.leaseHolder(runId))?.live).toBe(true);
    const asked = askWorkers({ workspace: studio, request: { runId, body: { kind: 'resume', waitKey: waiting.waiting!.waitKey, payload: { response: 'Ada' } }, actorId: 'ada', requestedBy: 'the studio' }, timeoutMs: 5_000 });
    const answered = await asked;
    expect(answered).toMatchObject({ status: 'done', handledBy: 'the-app@host-a', actorId: 'ada' });
    expect(await owner.finished(runId)).toMatchObject({ status: 'completed', output: { message: 'Hello, Ada' } });
    const resume = (await studio.ledger.readLedgerPage(runId)).find((e) => e.record.result && 'resume' in e.record.result)!;
    expect(resume.writtenBy).toBe('the-app@host-a');
    expect(resume.record.result!['via']).toEqual({ request_id: answered.id, requested_by: 'the studio', carried_out_by: 'the-app@host-a' });
  });
});
