import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus } from '../../core/enums';
import { type RunState } from '../../core/models';
import { makeRun } from '../testing/store-contract';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

function rowCounts(path: string): { ledger: number; checkpoints: number; runs: number } {
  const raw = new Database(path, { readonly: true });
  const count = (t: string): number => raw.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  const out = { ledger: count('ledger'), checkpoints: count('checkpoints'), runs: count('runs') };
  raw.close();
  return out;
}

describe('commitStep: a step commits whole or not at all', () => {
  it('commits the records, the run and a checkpoint at the new head together', async () => {
    const ws = temp.create();
    const run = makeRun({ runId: 'atomic' });
    await ws.runs.commitStep(run, [sampleRecord('atomic', 0), sampleRecord('atomic', 1)]);
    expect(await ws.ledger.ledgerCount('atomic')).toBe(2);
    expect((await ws.runs.load('atomic'))!.runId).toBe('atomic');
    expect((await ws.listCheckpoints('atomic')).map((c) => c.seq)).toEqual([1]);
    expect(ws.runs.ownsLedger(ws.ledger)).toBe(true);
    expect(ws.runs.ownsLedger(temp.open(ws.path).ledger)).toBe(false);
  });

  it('writes neither state nor records when the run violates a constraint after the records were inserted', async () => {
    const ws = temp.create();
    const run = makeRun({ runId: 'r', vars: { step: 1 } });
    await ws.runs.commitStep(run, [sampleRecord('r', 0)]);
    const before = rowCounts(ws.path);
    const broken: RunState = { ...run, vars: { step: 2 }, status: 'exploded' as RunStatus };
    const records = [sampleRecord('r', 1), sampleRecord('r', 2)];
    await expect(ws.runs.commitStep(broken, records)).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('CHECK constraint') });
    expect(rowCounts(ws.path)).toEqual(before);
    expect(await ws.ledger.ledgerCount('r')).toBe(1);
    expect((await ws.runs.load('r'))!.vars).toEqual({ step: 1 });
    expect(records.map((r) => r.recordHash)).toEqual([null, null]);
    // The chain continues from the committed head, as if the failed step never happened.
    await ws.runs.commitStep({ ...run, vars: { step: 3 } }, [sampleRecord('r', 3)]);
    expect((await ws.ledger.ledgerHead('r'))!.seq).toBe(1);
    expect((await ws.verifyRun('r')).ok).toBe(true);
  });

  it('writes nothing when a later record of the step cannot be stored', async () => {
    const ws = temp.create();
    const run = makeRun({ runId: 's', status: RunStatus.RUNNING });
    const bad = sampleRecord('s', 1, { result: { when: new Date() as unknown as string } });
    await expect(ws.runs.commitStep({ ...run, status: RunStatus.COMPLETED }, [sampleRecord('s', 0), bad])).rejects.toMatchObject({
      code: 'NOT_JSON_SERIALIZABLE',
    });
    expect(rowCounts(ws.path)).toEqual({ ledger: 0, checkpoints: 0, runs: 0 });
    expect(await ws.runs.load('s')).toBeNull();
  });

  it('a second process sees a step entirely or not at all', async () => {
    const ws = temp.create();
    const reader = new Database(ws.path, { readonly: true });
    const seen = (): [number, number] => [
      reader.prepare("SELECT count(*) FROM ledger_records WHERE run_id = 'v'").pluck().get() as number,
      reader.prepare("SELECT count(*) FROM checkpoints WHERE run_id = 'v'").pluck().get() as number,
    ];
    const run = makeRun({ runId: 'v' });
    for (let i = 0; i < 20; i++) {
      await ws.runs.commitStep({ ...run, vars: { i } }, [sampleRecord('v', 2 * i), sampleRecord('v', 2 * i + 1)]);
      expect(seen()).toEqual([2 * (i + 1), i + 1]);
    }
    reader.close();
  });
});

describe('commitSteps: many steps in one transaction', () => {
  it('commits them all, chained in order, or none of them', async () => {
    const ws = temp.create();
    const run = makeRun({ runId: 'bulk' });
    const steps = [0, 1, 2].map((i) => ({ run: { ...run, vars: { i } }, records: [sampleRecord('bulk', 2 * i), sampleRecord('bulk', 2 * i + 1)] }));
    ws.commitSteps(steps);
    expect(await ws.ledger.ledgerCount('bulk')).toBe(6);
    expect((await ws.listCheckpoints('bulk')).map((c) => [c.seq, c.state.vars['i']])).toEqual([
      [1, 0],
      [3, 1],
      [5, 2],
    ]);
    expect(steps[2]!.records[1]!.prevHash).toBe(steps[2]!.records[0]!.recordHash);
    expect((await ws.verifyRun('bulk')).ok).toBe(true);
    const before = rowCounts(ws.path);
    const bad = { run: { ...run, status: 'exploded' as RunStatus }, records: [sampleRecord('bulk', 9)] };
    expect(() => ws.commitSteps([{ run, records: [sampleRecord('bulk', 7)] }, bad])).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
    expect(rowCounts(ws.path)).toEqual(before);
    await ws.ledger.append(sampleRecord('bulk', 8)); // the chain goes on from the committed head
    expect((await ws.verifyRun('bulk')).ok).toBe(true);
  });
});
