import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EffectOutcome } from '../../../core/outcome';
import { Runtime } from '../../../core/runtime';
import { type RunState, type StepRecord } from '../../../core/models';
import { makeRun } from '../../testing/store-contract';
import { sampleRecord } from '../test-support/records';
import { TempWorkspaces } from '../test-support/temp-workspace';
import { checkExplained, checkWorkspace, CrashInvariantError } from './crash-checks';
import { mainWorkflow } from './crash-workflows';
import { SideLog } from './side-log';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

// The crash test is only as good as its checks: each must fail on the state it exists to catch.
describe('the crash checks', () => {
  const effect = (i: number): StepRecord => sampleRecord('r', i, { effect: { type: 'llm_call', payload: { i }, resultKey: `r_${i}` }, result: { v: i } });
  const state = (over: Partial<RunState>): RunState => makeRun({ runId: 'r', vars: { r_0: { v: 0 } }, ...over });

  it('accept a state saved at its last completed record, with unfinished attempts after it', () => {
    const records = [effect(0), sampleRecord('r', 1, { status: 'started', result: null })];
    expect(() => checkExplained('r', { seq: 0, n: 0, state: state({}) }, records)).not.toThrow();
  });

  it('refuse a var no completed record explains, a lost result, and a completed record after the state', () => {
    expect(() => checkExplained('r', { seq: 0, n: 0, state: state({ vars: { r_0: { v: 0 }, r_9: 1 } }) }, [effect(0)])).toThrow(/r_9 has no completed record/);
    expect(() => checkExplained('r', { seq: 0, n: 0, state: state({ vars: {} }) }, [effect(0)])).toThrow(/r_0 has no completed record|does not hold/);
    expect(() => checkExplained('r', { seq: 0, n: 0, state: state({}) }, [effect(0), effect(1)])).toThrow(CrashInvariantError);
  });

  it('refuse a waiting or completed run whose last record does not say so', () => {
    const waiting = state({ status: 'waiting', waiting: { reason: 'event', waitKey: 'k', until: null, resumeToNode: null, resultKey: null, prompt: null, choices: null, allowFreeText: true, details: null } });
    expect(() => checkExplained('r', { seq: 0, n: 0, state: waiting }, [effect(0)])).toThrow(/not its waiting record|record it was saved at/);
    expect(() => checkExplained('r', { seq: 0, n: 0, state: state({ status: 'completed' }) }, [effect(0)])).toThrow(/not the completion/);
  });

  it('catch an effect executed again after its completion was committed', async () => {
    const ws = temp.create();
    const log = join(temp.newPath('log'), '..', 'executions.jsonl');
    const side = new SideLog(log);
    const rt = new Runtime({
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      effectHandlers: {
        llm_call: (run) => {
          const id = `exec-${run.vars['i']}`;
          side.append({ x: id, p: process.pid, r: run.runId, k: '', t: 'llm_call', a: 1 });
          return EffectOutcome.completed({ exec_id: id });
        },
      },
    });
    const runId = await rt.start({ workflow: mainWorkflow, vars: { plan: 'LL' } });
    expect((await rt.tick({ workflow: mainWorkflow, runId })).status).toBe('completed');
    side.close();
    // Give the logged executions their real keys, as the crash child logs them.
    const records = (await ws.ledger.list(runId)).filter((r) => r.status === 'completed' && r.effect);
    const lines = records.map((r) => JSON.stringify({ x: r.result!['exec_id'], p: 1, r: runId, k: r.idempotencyKey, t: 'llm_call', a: 1 }));
    const clean = join(temp.newPath('clean'), '..', 'clean.jsonl');
    appendFileSync(clean, lines.map((l) => `${l}\n`).join(''));
    await expect(checkWorkspace(ws, clean)).resolves.toMatchObject({ runs: 1, completedRuns: 1 });
    appendFileSync(clean, `${JSON.stringify({ x: 'later', p: 2, r: runId, k: records[0]!.idempotencyKey, t: 'llm_call', a: 1 })}\n`);
    await expect(checkWorkspace(ws, clean)).rejects.toThrow(/executed again after its completion was committed/);
  });
});
