/**
 * Item 2 of issue 15: a deep-frozen effect payload cannot change, so the one canonical text the
 * idempotency key is computed from also serves both ledger records of the step. Proved by
 * counting reads of a payload field (a Proxy over the frozen payload: a frozen data property reads
 * the same value every time, an invariant the engine enforces). A payload that is not provably
 * unchangeable (not frozen, an accessor, an editable key-order list) is serialised again for the
 * records, after the handler, as before; the hashes are those of the plain payload either way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { canonicalJson } from '../../json/py-dumps';
import { orderedKeys, setKeyOrder, type JsonObject } from '../../json/json-value';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { sha256Hex } from '../../ledger/record-hash';
import { TempWorkspaces } from './test-support/temp-workspace';

const temps = new TempWorkspaces();
afterEach(() => temps.cleanup());

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** The payload behind a Proxy that counts reads of `prompt`. */
function counted(target: JsonObject): { payload: JsonObject; reads: () => number } {
  let n = 0;
  const payload = new Proxy(target, {
    get(t, k, r) {
      if (k === 'prompt') n++;
      return Reflect.get(t, k, r) as unknown;
    },
  });
  return { payload, reads: () => n };
}

function oneEffect(payload: JsonObject): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'frozen_payload',
    entryNode: 'a',
    nodes: {
      a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload, resultKey: 'out' }, nextNode: 'b' }),
      b: () => ({ nodeId: 'b', completeOutput: { done: true } }),
    },
  });
}

async function runOnce(payload: JsonObject, plain: JsonObject, handler = (): EffectOutcome => EffectOutcome.completed({ ok: 'é' })) {
  const ws = temps.create();
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: handler } });
  const wf = oneEffect(payload);
  const runId = await runtime.start({ workflow: wf });
  const state = await runtime.tick({ workflow: wf, runId });
  expect(state.status).toBe('completed');
  const records = await ws.ledger.list(runId);
  expect(verifyLedgerChain(records).ok).toBe(true);
  const [started, completed] = records;
  const key = sha256Hex(canonicalJson({ run_id: runId, node_id: 'a', effect_type: 'llm_call', effect_payload: plain }, { ensureAscii: true })).slice(0, 32);
  expect(started!.idempotencyKey).toBe(key);
  expect(completed!.idempotencyKey).toBe(key);
  return { started: started!, completed: completed! };
}

const sample = (): JsonObject => ({ prompt: 'naïve 😀', params: { temperature: 0.2, stop: ['\u2028', '\u007f'] } });

describe('a deep-frozen effect payload', () => {
  it('is serialised once for the idempotency key and both records', async () => {
    const { payload, reads } = counted(deepFreeze(sample()));
    const { started, completed } = await runOnce(payload, sample());
    expect(reads()).toBe(1);
    expect(started.effect?.payload).toEqual(sample());
    expect(completed.effect?.payload).toEqual(sample());
  });

  it('keeps its written key order (the key-order hint) when the order list is frozen too', async () => {
    const target = sample();
    setKeyOrder(target, ['params', 'prompt']);
    const { payload, reads } = counted(deepFreeze(target));
    Object.freeze((target as unknown as Record<symbol, unknown>)[Symbol.for('abstractruntime.json.keyOrder')]);
    const { completed } = await runOnce(payload, sample());
    expect(reads()).toBe(1);
    expect(orderedKeys(completed.effect!.payload)).toEqual(['params', 'prompt']);
  });
});

describe('a payload that is not provably unchangeable', () => {
  it('is serialised again for the records when it is not frozen', async () => {
    const { payload, reads } = counted(sample());
    await runOnce(payload, sample());
    expect(reads()).toBe(2);
  });

  it('is serialised again when a nested object is not frozen, or the key-order list is editable', async () => {
    const partly = sample();
    Object.freeze(partly);
    const a = counted(partly);
    await runOnce(a.payload, sample());
    expect(a.reads()).toBe(2);
    const ordered = sample();
    setKeyOrder(ordered, ['params', 'prompt']);
    const b = counted(deepFreeze(ordered));
    await runOnce(b.payload, sample());
    expect(b.reads()).toBe(2);
  });

  it('records what the handler changed it to, as before', async () => {
    const payload = sample();
    const { started, completed } = await runOnce(payload, sample(), () => {
      payload['prompt'] = 'edited';
      return EffectOutcome.completed({ ok: true });
    });
    // One commit after the handler holds both records (atomic store): both carry the edit, as the reference's shared dict does.
    expect(completed.effect?.payload['prompt']).toBe('edited');
    expect(started.effect?.payload['prompt']).toBe('edited');
  });
});
