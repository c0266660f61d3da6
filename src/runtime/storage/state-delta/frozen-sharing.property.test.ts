/**
 * The writer's shadow shares deep-frozen values with the user's state and compares them by
 * reference (frozen.ts). For random states where parts get frozen along the way, and random edits
 * of the parts that are not (frozen parts are replaced by edited copies, as user code must), each
 * save's delta applied to the state rebuilt before it gives exactly the state's text, save after
 * save, and no frozen value is ever written to.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRunState } from '../../core/codecs';
import { type RunState } from '../../core/models';
import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { isDeepFrozen } from './frozen';
import { applyStateDelta, StateDeltaTracker } from './state-delta';
import { makeRun } from '../testing/store-contract';

const text = (v: JsonValue): string => pyJsonDumps(v, { separators: [',', ':'] });
const key = fc.constantFrom('a', 'b', 'messages', '2', '10', 'ü', '😀');
const leaf: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.constantFrom(new JsonNumber('1.0'), new JsonNumber('-0.0'), 2n ** 64n, -0, 0.5),
  fc.string({ maxLength: 6, unit: 'binary' }),
);
const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((pairs) => {
      const out: JsonObject = {};
      for (const [k, v] of pairs) out[k] = v;
      setKeyOrder(out, [...new Set(pairs.map(([k]) => k))]);
      return out;
    }),
  ),
}));

type Edit = { kind: 'freeze' | 'set' | 'push' | 'shrink' | 'remove' | 'thaw'; at: number; key: string; value: JsonValue };
const edit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('freeze', 'set', 'push', 'shrink', 'remove', 'thaw'), at: fc.nat(), key, value });

function deepFreeze<T extends JsonValue>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) v.forEach((x) => deepFreeze(x));
    else if (isJsonObject(v)) for (const k of Object.keys(v)) deepFreeze(v[k] as JsonValue);
    Object.freeze(v);
  }
  return v;
}

/** Containers reachable from `root` with their parent (so a frozen one can be replaced). */
function containers(v: JsonValue, parent: JsonObject | JsonValue[] | null, at: string | number, out: [JsonObject | JsonValue[], JsonObject | JsonValue[] | null, string | number][]): typeof out {
  if (Array.isArray(v) || isJsonObject(v)) {
    out.push([v, parent, at]);
    if (Array.isArray(v)) v.forEach((x, i) => containers(x, v, i, out));
    else for (const k of orderedKeys(v)) containers(v[k] as JsonValue, v, k, out);
  }
  return out;
}

function applyEdit(vars: JsonObject, e: Edit): void {
  const all = containers(vars, null, '', []);
  const [c, parent, at] = all[e.at % all.length]!;
  if (e.kind === 'freeze') {
    if (parent) deepFreeze(c);
    return;
  }
  if (Object.isFrozen(c)) {
    // Frozen: the user replaces it with an edited copy, where its parent allows.
    if (e.kind === 'thaw' && parent && !Object.isFrozen(parent)) (parent as Record<string | number, JsonValue>)[at] = cloneJson(c);
    return;
  }
  if (Array.isArray(c)) {
    if (e.kind === 'push' || c.length === 0) c.push(cloneJson(e.value));
    else if (e.kind === 'shrink') c.length -= 1;
    else c[e.at % c.length] = cloneJson(e.value);
    return;
  }
  const keys = orderedKeys(c);
  if (e.kind === 'remove' && keys.length > 0) {
    const victim = keys[e.at % keys.length]!;
    delete c[victim];
    setKeyOrder(c, keys.filter((k) => k !== victim));
  } else {
    const fresh = !Object.hasOwn(c, e.key);
    c[e.key] = cloneJson(e.value);
    if (fresh) setKeyOrder(c, [...keys, e.key]);
  }
}

const runOf = (vars: JsonObject): RunState => makeRun({ runId: 'r', workflowId: 'w', currentNode: 'n', vars, createdAt: '2026-01-01T00:00:00', updatedAt: '2026-01-01T00:00:00' });

describe('state deltas with deep-frozen values shared', () => {
  it('rebuilds every save byte for byte while parts of the state are frozen and replaced', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 5 }), fc.array(fc.array(edit, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), (pairs, steps) => {
        const vars: JsonObject = {};
        for (const [k, v] of pairs) vars[k] = cloneJson(v);
        const run = runOf(vars);
        const tracker = new StateDeltaTracker<number>({ everySaves: 1000 });
        tracker.next(1, run);
        tracker.keyframeSaved(1, run, 1e9); // deltas never outgrow it here: every later save is one
        let rebuilt = parseJson(text(encodeRunState(run))) as JsonObject;
        for (const edits of steps) {
          for (const e of edits) applyEdit(vars, e);
          const next = tracker.next(1, run);
          expect(next.kind).toBe('delta');
          if (next.kind !== 'delta') return;
          rebuilt = applyStateDelta(rebuilt, next.text, 'test');
          expect(text(rebuilt)).toBe(text(encodeRunState(run)));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('shares a frozen message by reference and finds an in-place edit of an unfrozen one', () => {
    const frozen = deepFreeze({ role: 'user', content: 'x'.repeat(100) });
    const loose: JsonObject = { role: 'assistant', content: 'y' };
    const run = runOf({ messages: [frozen, loose] });
    const tracker = new StateDeltaTracker<number>();
    tracker.next(1, run);
    tracker.keyframeSaved(1, run, 1e9);
    expect(tracker.next(1, run)).toEqual({ kind: 'delta', text: '{"$delta":1}' });
    loose['content'] = 'z';
    const next = tracker.next(1, run);
    expect(next.kind === 'delta' && next.text).toBe('{"$delta":1,"p":{"o":{"vars":{"o":{"messages":{"a":2,"e":{"1":{"o":{"content":{"=":"z"}}}}}}}}}}');
    expect(isDeepFrozen(frozen)).toBe(true);
    expect(isDeepFrozen(loose)).toBe(false);
  });
});
