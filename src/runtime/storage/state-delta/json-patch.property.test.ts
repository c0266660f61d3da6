/**
 * Byte-exact deltas: for random values and random edits of them (keys added, removed, renamed in
 * place and reordered, arrays grown and shrunk, unicode, integers beyond 2^53, `1.0`-style
 * floats, integer-like keys), the patch written as text and read back with the lossless parser
 * turns the old value's text into exactly the new value's text. Both ways a store uses it are
 * checked: applied to a value parsed from text (a rebuild) and to an in-memory copy (a writer's
 * shadow of the last saved state).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonNumber } from '../../json/json-number';
import { cloneJson, isJsonObject, orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { applyJsonPatch } from './apply-patch';
import { diffJson } from './json-patch';
import { applyStateDelta, stateDeltaText } from './state-delta';

const text = (v: JsonValue): string => pyJsonDumps(v, { separators: [',', ':'] });

const key = fc.oneof(fc.constantFrom('a', 'b', 'messages', '2', '10', '0', 'ü', '😀', '\uE000', 'k"q'), fc.string({ maxLength: 4, unit: 'binary' }));
const leaf: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).filter((b) => b > 2n ** 53n || b < -(2n ** 53n)),
  fc.constantFrom(new JsonNumber('1.0'), new JsonNumber('-0.0'), new JsonNumber('1e-05'), new JsonNumber('12345678901234567890')),
  fc.string({ maxLength: 12, unit: 'binary' }),
);
const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((pairs) => objectOf(pairs)),
  ),
}));

/** An object in the written order of `pairs` (JS alone would put integer-like keys first). */
function objectOf(pairs: readonly (readonly [string, JsonValue])[]): JsonObject {
  const out: JsonObject = {};
  const order: string[] = [];
  for (const [k, v] of pairs) {
    if (!Object.hasOwn(out, k)) order.push(k);
    out[k] = v;
  }
  setKeyOrder(out, order);
  return out;
}

type Edit = { kind: 'add' | 'remove' | 'rename' | 'swap' | 'grow' | 'shrink' | 'replace'; at: number; key: string; value: JsonValue; n: number };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('add', 'remove', 'rename', 'swap', 'grow', 'shrink', 'replace'),
  at: fc.nat(),
  key,
  value,
  n: fc.integer({ min: 1, max: 4 }),
});

function containers(v: JsonValue, out: (JsonValue[] | JsonObject)[] = []): (JsonValue[] | JsonObject)[] {
  if (Array.isArray(v)) {
    out.push(v);
    for (const x of v) containers(x, out);
  } else if (isJsonObject(v)) {
    out.push(v);
    for (const k of orderedKeys(v)) containers(v[k] as JsonValue, out);
  }
  return out;
}

function applyEdit(root: JsonObject, e: Edit): void {
  const all = containers(root);
  const c = all[e.at % all.length] as JsonValue[] | JsonObject;
  if (Array.isArray(c)) {
    if (e.kind === 'grow') for (let i = 0; i < e.n; i++) c.push(cloneJson(e.value));
    else if (e.kind === 'shrink') c.length = Math.max(0, c.length - e.n);
    else if (c.length > 0) c[e.at % c.length] = cloneJson(e.value);
    else c.push(cloneJson(e.value));
    return;
  }
  const keys = orderedKeys(c);
  const victim = keys.length > 0 ? (keys[e.at % keys.length] as string) : null;
  if (e.kind === 'remove' && victim !== null) {
    delete c[victim];
    setKeyOrder(c, keys.filter((k) => k !== victim));
  } else if (e.kind === 'rename' && victim !== null && !Object.hasOwn(c, e.key)) {
    rebuild(c, keys.map((k) => (k === victim ? e.key : k)), { [e.key]: c[victim] as JsonValue }, victim);
  } else if (e.kind === 'swap' && keys.length > 1) {
    rebuild(c, [...keys.slice(1), keys[0] as string], {}, null);
  } else {
    const fresh = !Object.hasOwn(c, e.key);
    c[e.key] = cloneJson(e.value);
    if (fresh) setKeyOrder(c, [...keys, e.key]);
  }
}

/** Rewrites `c` in place with the keys in `order` (values from `extra`, then `c`), dropping `drop`. */
function rebuild(c: JsonObject, order: readonly string[], extra: JsonObject, drop: string | null): void {
  const values = new Map(order.map((k) => [k, Object.hasOwn(extra, k) ? (extra[k] as JsonValue) : (c[k] as JsonValue)]));
  for (const k of Object.keys(c)) delete c[k];
  if (drop !== null) values.delete(drop);
  for (const k of order) c[k] = values.get(k) as JsonValue;
  setKeyOrder(c, order);
}

describe('state delta codec', () => {
  it('rebuilds the edited value byte for byte, from text and in memory', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.array(edit, { minLength: 1, maxLength: 8 }), (pairs, edits) => {
        const prev = objectOf([['vars', objectOf(pairs)], ...pairs]);
        const next = cloneJson(prev);
        for (const e of edits) applyEdit(next, e);
        const patch = diffJson(prev, next);
        const delta = stateDeltaText(patch);
        const fromText = applyStateDelta(parseJson(text(prev)) as JsonObject, delta, 'test');
        expect(text(fromText)).toBe(text(next));
        const inMemory = patch ? applyJsonPatch(cloneJson(prev), patch as unknown as JsonValue, 'test') : cloneJson(prev);
        expect(text(inMemory)).toBe(text(next));
        if (text(prev) === text(next)) expect(patch).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('costs what was appended when an array grows, not the array', () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: `message ${i} ${'x'.repeat(1000)}` }));
    const prev: JsonObject = { vars: { messages } };
    const next = cloneJson(prev);
    ((next['vars'] as JsonObject)['messages'] as JsonValue[]).push({ role: 'assistant', content: 'y'.repeat(1000) });
    const delta = stateDeltaText(diffJson(prev, next));
    expect(delta.length).toBeLessThan(1200); // the message (~1,020 bytes) and the patch around it
    expect(text(applyStateDelta(parseJson(text(prev)) as JsonObject, delta, 'test'))).toBe(text(next));
  });

  it('refuses a damaged delta with a typed error instead of a wrong state', () => {
    const base = parseJson('{"vars":{"m":[1,2]}}') as JsonObject;
    expect(() => applyStateDelta(base, '{"$delta":1,"p":{"o":{"vars":{"o":{"m":{"a":9}}}}}}', 'run r (3, 0)')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_FILE', message: expect.stringContaining('run r (3, 0)') }),
    );
  });
});
