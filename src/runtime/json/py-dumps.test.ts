import { describe, expect, it } from 'vitest';
import { NotJsonSerializableError } from '../errors';
import { JsonNumber } from './json-number';
import { setKeyOrder, type JsonObject, type JsonValue } from './json-value';
import { canonicalJson, compareCodePoints, pyJsonDumps } from './py-dumps';

// Expected texts below were produced by CPython 3.11's json.dumps.
const TRICKY = '\u007f\u2028\u2029\u0000\u001f"\\\b\f\n\r\t é ☕ 😀';

describe('canonicalJson', () => {
  it('sorts keys at every level and uses compact separators', () => {
    const v: JsonValue = { b: 1, a: { d: [true, null], c: 'x' }, c: [] };
    expect(canonicalJson(v)).toBe('{"a":{"c":"x","d":[true,null]},"b":1,"c":[]}');
  });

  it('sorts by code point, not by UTF-16 code unit', () => {
    const keys = ['\ue000', '\u{1f600}', 'a', '\uffff', 'z\ud7ff'];
    const v: JsonObject = {};
    for (const k of keys) v[k] = 0;
    // Python: sorted(...) == ['a', 'z\ud7ff', '\ue000', '\uffff', '\U0001f600']
    expect(canonicalJson(v)).toBe('{"a":0,"z\ud7ff":0,"\ue000":0,"\uffff":0,"\u{1f600}":0}');
    expect(canonicalJson(v, { ensureAscii: true })).toBe(
      '{"a":0,"z\\ud7ff":0,"\\ue000":0,"\\uffff":0,"\\ud83d\\ude00":0}',
    );
    expect([...keys].sort(compareCodePoints)).toEqual(['a', 'z\ud7ff', '\ue000', '\uffff', '\u{1f600}']);
  });

  it('sorts many keys (the large-object path) by code point too', () => {
    const v: JsonObject = {};
    for (let i = 0; i < 40; i++) v[`k${String(i).padStart(2, '0')}`] = i;
    v['\u{10000}'] = 'astral';
    v['\uf000'] = 'bmp';
    const text = canonicalJson(v);
    expect(text.indexOf('"\uf000"')).toBeLessThan(text.indexOf('"\u{10000}"'));
    expect(text.startsWith('{"k00":0,"k01":1,')).toBe(true);
  });

  it("escapes strings as Python's json does", () => {
    expect(canonicalJson({ s: TRICKY })).toBe('{"s":"\u007f\u2028\u2029\\u0000\\u001f\\"\\\\\\b\\f\\n\\r\\t é ☕ 😀"}');
    expect(canonicalJson({ s: TRICKY }, { ensureAscii: true })).toBe(
      '{"s":"\\u007f\\u2028\\u2029\\u0000\\u001f\\"\\\\\\b\\f\\n\\r\\t \\u00e9 \\u2615 \\ud83d\\ude00"}',
    );
  });

  it('escapes lone surrogates (Python cannot encode them at all) so the text stays valid', () => {
    expect(canonicalJson('a\ud800b\udfff')).toBe('"a\\ud800b\\udfff"');
    expect(canonicalJson('a\ud800b', { ensureAscii: true })).toBe('"a\\ud800b"');
  });

  it('writes numbers as Python does', () => {
    const v: JsonValue = [1, -0, 0.5, 1e-7, 1e21, 2n ** 70n, new JsonNumber('1.0'), new JsonNumber('1e+16')];
    expect(canonicalJson(v)).toBe('[1,0,0.5,1e-07,1000000000000000000000,1180591620717411303424,1.0,1e+16]');
  });

  it('reproduces the genesis record of the reference fixture (spec §14.4)', () => {
    // Built in dataclass order, as the runtime builds it; canonicalJson must sort it.
    const record: JsonValue = {
      run_id: '00000000-0000-4000-8000-000000000001',
      step_id: '00000000-0000-4000-8000-000000000002',
      node_id: 'llm',
      status: 'started',
      effect: {
        type: 'llm_call',
        payload: {
          prompt: 'add 2 and 3 — café ☕',
          system_prompt: 'You are a planner.',
          params: { temperature: 0.2, max_tokens: 64 },
        },
        result_key: '_temp.llm',
      },
      result: null,
      error: null,
      started_at: '2025-12-17T08:30:00.003001+00:00',
      ended_at: null,
      actor_id: 'ar_7f705e54bbf08defdf1d5d43',
      session_id: 'sess-fixture-001',
      attempt: 1,
      idempotency_key: 'b56d46d58222cf398a501acfbd10294a',
      prev_hash: null,
    };
    expect(canonicalJson(record)).toBe(
      '{"actor_id":"ar_7f705e54bbf08defdf1d5d43","attempt":1,"effect":{"payload":{"params":{"max_tokens":64,"temperature":0.2},"prompt":"add 2 and 3 — café ☕","system_prompt":"You are a planner."},"result_key":"_temp.llm","type":"llm_call"},"ended_at":null,"error":null,"idempotency_key":"b56d46d58222cf398a501acfbd10294a","node_id":"llm","prev_hash":null,"result":null,"run_id":"00000000-0000-4000-8000-000000000001","session_id":"sess-fixture-001","started_at":"2025-12-17T08:30:00.003001+00:00","status":"started","step_id":"00000000-0000-4000-8000-000000000002"}',
    );
  });

  it('throws NotJsonSerializableError, with the path, for what is not JSON', () => {
    const bad: unknown[] = [
      { a: undefined },
      { a: [1, () => 0] },
      { a: NaN },
      { a: Infinity },
      { when: new Date(0) },
      { m: new Map() },
      Symbol('s'),
    ];
    for (const v of bad) {
      expect(() => canonicalJson(v as JsonValue)).toThrow(NotJsonSerializableError);
      expect(() => pyJsonDumps(v as JsonValue)).toThrow(NotJsonSerializableError);
    }
    let caught: unknown;
    try {
      canonicalJson({ a: { b: [0, NaN] } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NotJsonSerializableError);
    expect((caught as NotJsonSerializableError).path).toBe('$.a.b[1]');
  });

  it('throws NotJsonSerializableError for a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => canonicalJson(cyclic as JsonValue)).toThrow(/cycle/);
  });

  it('accepts objects with a null prototype', () => {
    const v = Object.assign(Object.create(null) as JsonObject, { b: 1, a: 2 });
    expect(canonicalJson(v)).toBe('{"a":2,"b":1}');
  });
});

describe('pyJsonDumps', () => {
  const v: JsonValue = { b: 1, a: [1, {}, [], { x: null }], c: {} };

  it('uses Python default separators on one line (JSONL ledger lines)', () => {
    expect(pyJsonDumps(v)).toBe('{"b": 1, "a": [1, {}, [], {"x": null}], "c": {}}');
  });

  it('writes indent=2 like json.dump(indent=2) (run, snapshot and .meta files)', () => {
    expect(pyJsonDumps(v, { indent: 2 })).toBe(
      '{\n  "b": 1,\n  "a": [\n    1,\n    {},\n    [],\n    {\n      "x": null\n    }\n  ],\n  "c": {}\n}',
    );
    expect(pyJsonDumps([], { indent: 2 })).toBe('[]');
    expect(pyJsonDumps('x', { indent: 2 })).toBe('"x"');
  });

  it('supports indent=0, explicit separators and sortKeys', () => {
    expect(pyJsonDumps([1, [2]], { indent: 0 })).toBe('[\n1,\n[\n2\n]\n]');
    expect(pyJsonDumps(v, { separators: [',', ':'] })).toBe('{"b":1,"a":[1,{},[],{"x":null}],"c":{}}');
    expect(pyJsonDumps(v, { sortKeys: true })).toBe('{"a": [1, {}, [], {"x": null}], "b": 1, "c": {}}');
    expect(pyJsonDumps({ s: 'é' }, { ensureAscii: true })).toBe('{"s": "\\u00e9"}');
  });

  it('keeps a recorded key order, and keys added later after it', () => {
    const o: JsonObject = { '10': 1, '2': 2, z: 3 };
    setKeyOrder(o, ['z', '10', '2']);
    o.added = 4;
    expect(pyJsonDumps(o)).toBe('{"z": 3, "10": 1, "2": 2, "added": 4}');
  });
});
