/**
 * States rebuilt from deltas are kept to start the next rebuild from (state-delta/rebuilt-states):
 * whatever order steps are asked in, and whatever a caller does to a state it was given, every
 * `stateAt` equals the state the step saved, as a fresh connection (nothing kept) reads it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cloneRunState, type RunState } from '../../core/models';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { type JsonObject, type JsonValue } from '../../json/json-value';
import { JsonNumber } from '../../json/json-number';
import { stubLlm } from './test-support/workflows';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const STEPS = 120;

/** A transcript that grows, an item edited in place now and then, a key removed and re-added, `1.0` and a big integer. */
const agent = new WorkflowSpec({
  workflowId: 'growing',
  entryNode: 'turn',
  nodes: {
    turn: (run) => {
      const messages = (run.vars['messages'] ??= []) as JsonValue[];
      if (messages.length >= STEPS) return { nodeId: 'turn', completeOutput: { turns: messages.length } };
      const i = messages.length;
      messages.push(i % 3 ? Object.freeze({ role: 'user', content: `m${i} ${'é'.repeat(i % 7)}` }) : { role: 'assistant', content: `m${i}`, score: new JsonNumber('1.0') });
      if (i % 10 === 9) {
        const old = messages[i - 3] as JsonObject;
        if (Object.isFrozen(old)) messages[i - 3] = { ...old, content: `replaced at ${i}` };
        else old['content'] = `edited at ${i}`;
      }
      if (i % 17 === 0) delete run.vars['note'];
      else run.vars['note'] = { big: 2n ** 70n, at: i };
      return { nodeId: 'turn', effect: { type: 'llm_call', payload: { prompt: `turn ${i}` }, resultKey: '_temp.llm' }, nextNode: 'turn' };
    },
  },
});

describe('rebuilt states kept between reads', () => {
  it('answers every step exactly, in random order, however callers edit what they got', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: stubLlm().handler } });
    const savedAt = new Map<number, RunState>();
    let records = 0;
    rt.onEvent((e) => {
      if (e.type === 'records-appended') records += e.records.length;
      if (e.type === 'run-saved') savedAt.set(records - 1, cloneRunState(e.run));
    });
    const runId = await rt.start({ workflow: agent });
    expect((await rt.tick({ workflow: agent, runId, maxSteps: STEPS + 1 })).status).toBe('completed');
    ws.close();

    const warm = temp.open(path, { readonly: true });
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const seq = [...savedAt.keys()][seed % savedAt.size]!;
      const state = (await warm.stateAt(runId, seq))!;
      expect(state).toEqual(savedAt.get(seq));
      // A caller edits what it got: the kept states must not see it.
      const messages = (state.vars['messages'] ??= []) as JsonObject[];
      messages.push({ role: 'intruder', content: 'x' });
      if (messages[0]) messages[0]['content'] = 'changed';
      state.vars['note'] = null;
    }
    const cold = temp.open(path, { readonly: true });
    for (const seq of savedAt.keys()) expect(await warm.stateAt(runId, seq)).toEqual(await cold.stateAt(runId, seq));
  });
});
