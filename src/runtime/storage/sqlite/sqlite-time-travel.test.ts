import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneRunState, type RunState } from '../../core/models';
import { Runtime } from '../../core/runtime';
import { orderedKeys, type JsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { makeRun } from '../testing/store-contract';
import { SPILL_BYTES } from './checkpoint-state';
import { sampleRecord } from './test-support/records';
import { stubLlm, threeStepWorkflow } from './test-support/workflows';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** Runs the three-step workflow, noting the state saved at each ledger seq (the last save wins). */
async function recordedRun(): Promise<{ ws: ReturnType<TempWorkspaces['create']>; runId: string; savedAt: Map<number, RunState> }> {
  const ws = temp.create();
  const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: stubLlm().handler } });
  const savedAt = new Map<number, RunState>();
  let records = 0;
  // Events come after each commit, records first: the state saved sits at the head seq then.
  rt.onEvent((e) => {
    if (e.type === 'records-appended') records += e.records.length;
    if (e.type === 'run-saved') savedAt.set(records - 1, cloneRunState(e.run));
  });
  const runId = await rt.start({ workflow: threeStepWorkflow, vars: { topic: 'time travel' } });
  expect((await rt.tick({ workflow: threeStepWorkflow, runId })).status).toBe('completed');
  return { ws, runId, savedAt };
}

describe('time travel', () => {
  it('gives the state saved after every step, at any ledger seq', async () => {
    const { ws, runId, savedAt } = await recordedRun();
    const count = await ws.ledger.ledgerCount(runId);
    let expected: RunState | null = null;
    for (let seq = -1; seq < count + 2; seq++) {
      expected = savedAt.get(seq) ?? expected;
      expect(await ws.stateAt(runId, seq)).toEqual(expected);
    }
    expect(await ws.stateAt(runId, -2)).toBeNull();
    expect(await ws.stateAt('unknown', 3)).toBeNull();
    // A step in the middle: after b's effect completed (seq 3), b's result is in vars and c is next.
    const mid = (await ws.stateAt(runId, 3))!;
    expect(mid.currentNode).toBe('c');
    expect(Object.keys(mid.vars)).toEqual(['topic', '_limits', 'a', 'b']);
  });

  it('forks a new run from a middle step; it runs to completion on its own and records its origin', async () => {
    const { ws, runId } = await recordedRun();
    const parentLedger = await ws.ledger.list(runId);
    // seq 2 is b's `started` record: the state then is the one saved before b ran.
    const fork = await ws.forkRun({ runId, atSeq: 2, newRunId: 'fork-1', now: '2030-01-01T00:00:00+00:00' });
    expect(fork).toMatchObject({ runId: 'fork-1', status: 'running', currentNode: 'b', parentRunId: null, createdAt: '2030-01-01T00:00:00+00:00' });
    expect(fork.vars['a']).toEqual((await ws.stateAt(runId, 2))!.vars['a']);
    expect(await ws.runs.forkOrigin('fork-1')).toEqual({ runId, seq: 2, headHash: parentLedger[2]!.recordHash });
    expect(await ws.runs.forkOrigin(runId)).toBeNull();
    expect(await ws.runs.listForks(runId)).toEqual(['fork-1']);
    const genesis = (await ws.ledger.list('fork-1'))[0]!;
    expect(genesis.result).toEqual({ forked_from: { run_id: runId, seq: 2, head_hash: parentLedger[2]!.recordHash } });

    const llm = stubLlm();
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: llm.handler } });
    const done = await rt.tick({ workflow: threeStepWorkflow, runId: 'fork-1' });
    expect(done.status).toBe('completed');
    expect(llm.calls()).toBe(2); // b and c ran again for the fork; a's result came with the state
    expect((done.output as JsonObject)['a']).toEqual(fork.vars['a']);
    expect(await ws.ledger.ledgerCount('fork-1')).toBe(1 + 2 + 2 + 1);
    expect((await ws.verifyRun('fork-1')).ok).toBe(true);
    // The parent did not move.
    expect(await ws.ledger.ledgerCount(runId)).toBe(parentLedger.length);
    expect((await ws.verifyRun(runId)).ok).toBe(true);
  });

  it('refuses a fork from an unknown run, a seq it does not have, or into an existing id', async () => {
    const { ws, runId } = await recordedRun();
    await expect(ws.forkRun({ runId: 'nope', atSeq: 0 })).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
    await expect(ws.forkRun({ runId, atSeq: 99 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ws.forkRun({ runId, atSeq: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ws.forkRun({ runId, atSeq: 0, newRunId: runId })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const fromStart = await ws.forkRun({ runId, atSeq: -1 });
    expect(fromStart.currentNode).toBe('a');
    expect((await ws.runs.forkOrigin(fromStart.runId))!.headHash).toBeNull();
  });

  it('stores a large unchanged value once, not once per step, and gives it back exactly', async () => {
    const ws = temp.create();
    const doc = parseJson(`{"z":1.0,"a":"${'lorem ipsum '.repeat(SPILL_BYTES / 6)}","n":123456789012345678901234567890}`) as JsonObject;
    const run = makeRun({ runId: 'big', vars: { small: 1, document: doc, after: 'x' } });
    for (let i = 0; i < 10; i++) await ws.runs.commitStep({ ...run, vars: { ...run.vars, small: i } }, [sampleRecord('big', i)]);
    const raw = new Database(ws.path, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM state_values').pluck().get()).toBe(1);
    expect(raw.prepare("SELECT max(length(state)) FROM checkpoints WHERE run_id = 'big'").pluck().get()).toBeLessThan(1000);
    raw.close();
    for (const state of [await ws.runs.load('big'), await ws.stateAt('big', 4)]) {
      expect(orderedKeys(state!.vars)).toEqual(['small', 'document', 'after']);
      expect(state!.vars['document']).toEqual(doc);
      expect(String((state!.vars['document'] as JsonObject)['z'])).toBe('1.0');
    }
    expect((await ws.stateAt('big', 4))!.vars['small']).toBe(4);
  });
});

describe('checkpoints without records', () => {
  it('keeps every save, in save order, whether or not it appended records, and pages through them', async () => {
    const ws = temp.create();
    const run = makeRun({ runId: 'mixed', vars: { v: 0 } });
    const save = (v: number): Promise<void> => ws.runs.save({ ...run, vars: { v } });
    await save(1); // (-1, 1)
    await save(2); // (-1, 2)
    await ws.runs.commitStep({ ...run, vars: { v: 3 } }, [sampleRecord('mixed', 0)]); // (0, 0)
    await save(4); // (0, 1)
    await ws.ledger.append(sampleRecord('mixed', 1)); // a record without a state
    await save(5); // (1, 1)
    const all = await ws.listCheckpoints('mixed');
    expect(all.map((c) => [c.seq, c.n, c.state.vars['v']])).toEqual([
      [-1, 1, 1],
      [-1, 2, 2],
      [0, 0, 3],
      [0, 1, 4],
      [1, 1, 5],
    ]);
    const paged = [];
    for (let page = await ws.listCheckpoints('mixed', { limit: 2 }); page.length > 0; ) {
      paged.push(...page);
      const last = page[page.length - 1]!;
      page = await ws.listCheckpoints('mixed', { after: { seq: last.seq, n: last.n }, limit: 2 });
    }
    expect(paged.map((c) => [c.seq, c.n])).toEqual(all.map((c) => [c.seq, c.n]));
    expect((await ws.stateAt('mixed', -1))!.vars['v']).toBe(2);
    expect((await ws.stateAt('mixed', 0))!.vars['v']).toBe(4);
    expect((await ws.stateAt('mixed', 1))!.vars['v']).toBe(5);
    expect((await ws.latestCheckpoint('mixed'))!).toMatchObject({ seq: 1, n: 1 });
    expect((await ws.runs.load('mixed'))!.vars['v']).toBe(5);
    const raw = new Database(ws.path, { readonly: true });
    // The view shows both kinds of checkpoint as one list.
    expect(raw.prepare("SELECT seq, n FROM checkpoints WHERE run_id = 'mixed' ORDER BY seq, n").raw().all()).toEqual(all.map((c) => [c.seq, c.n]));
    raw.close();
  });
});
