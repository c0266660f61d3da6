import { afterEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../core/runtime';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { askWorkflow, stubLlm, threeStepWorkflow } from './test-support/workflows';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

describe('the Runtime over a SQLite workspace', () => {
  it('waits for a person, survives a restart, resumes, completes and verifies', async () => {
    const ws = temp.create();
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, artifactStore: ws.artifacts });
    const runId = await rt.start({ workflow: askWorkflow, vars: { topic: 'café' } });
    expect((await rt.tick({ workflow: askWorkflow, runId })).status).toBe('waiting');
    expect(ws.leaseHolder(runId)).toBeNull(); // released after the tick
    ws.close();

    const ws2 = temp.open(ws.path);
    const rt2 = new Runtime({ runStore: ws2.runs, ledgerStore: ws2.ledger });
    const waiting = (await ws2.runs.listRuns({ waitReason: 'user' }))[0]!;
    expect(waiting.runId).toBe(runId);
    expect(waiting.waiting!.prompt).toBe('Which colour? ☕');
    const done = await rt2.resume({ workflow: askWorkflow, runId, waitKey: waiting.waiting!.waitKey, payload: { response: 'green' } });
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ answer: { response: 'green' } });
    expect((await ws2.runs.load(runId))!.output).toEqual({ answer: { response: 'green' } });
    const ledger = await ws2.ledger.list(runId);
    expect(ledger.map((r) => r.status)).toEqual(['started', 'waiting', 'completed', 'completed']);
    expect(verifyLedgerChain(ledger).ok).toBe(true);
    const report = await ws2.verifyRun(runId);
    expect(report).toMatchObject({ ok: true, count: 4, firstBadIndex: null, headHash: ledger[3]!.recordHash });
  });

  it('commits every step with a checkpoint at its ledger head, and reuses nothing twice', async () => {
    const ws = temp.create();
    const llm = stubLlm();
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: llm.handler } });
    const runId = await rt.start({ workflow: threeStepWorkflow });
    const done = await rt.tick({ workflow: threeStepWorkflow, runId });
    expect(done.status).toBe('completed');
    expect(llm.calls()).toBe(3);
    expect(await ws.ledger.ledgerCount(runId)).toBe(7);
    // start (-1), then after each started record nothing is saved, after each completed one the state is.
    expect((await ws.listCheckpoints(runId)).map((c) => c.seq)).toEqual([-1, 1, 3, 5, 6]);
    expect((await ws.verifyRun(runId)).ok).toBe(true);
  });
});
