import { describe, expect, it } from 'vitest';
import { encodeStepRecord } from '../../core/codecs';
import { JsonNumber } from '../../json/json-number';
import { orderedKeys, setKeyOrder, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { decodeLedgerRow, encodeLedgerRecord } from './ledger-rows';
import { sampleRecord } from './test-support/records';

/** A seeded generator (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'zeta', '10', '2', 'é', '🎉', 'A', '_', 'prompt', 'params'];

const asObject = (v: JsonValue): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber) ? v : { v });

function randomValue(random: () => number, depth: number): JsonValue {
  const pick = random();
  if (depth > 2 || pick < 0.3) return Math.floor(random() * 100);
  if (pick < 0.45) return [randomValue(random, depth + 1), randomValue(random, depth + 1)];
  const keys = KEYS.filter(() => random() < 0.4).sort(() => random() - 0.5);
  const obj: JsonObject = {};
  for (const k of keys) obj[k] = randomValue(random, depth + 1);
  setKeyOrder(obj, keys);
  return obj;
}

/** The written text of a record, key order included (what the JSONL export and the Studio show). */
const written = (record: ReturnType<typeof sampleRecord>): string => pyJsonDumps(encodeStepRecord(record) as unknown as JsonValue);

describe('key-order hints', () => {
  it('give back the written key order of every user object, for 300 random payloads and results', () => {
    const random = rng(7);
    for (let i = 0; i < 300; i++) {
      const payload = randomValue(random, 0);
      const result = randomValue(random, 0);
      const record = sampleRecord('k', i, {
        effect: { type: 'llm_call', payload: asObject(payload), resultKey: null },
        result: asObject(result),
      });
      const row = encodeLedgerRecord(record, null);
      const back = decodeLedgerRow(row.canonical, row.recordHash, null, row.keyOrder, 'test');
      expect(written(back)).toBe(written({ ...record, prevHash: null, recordHash: row.recordHash }));
    }
  });

  it('are indexes into the sorted keys, so they stay small', () => {
    const payload = parseJson('{"prompt":"p","params":{"temperature":0.2,"max_tokens":5}}') as JsonObject;
    const row = encodeLedgerRecord(sampleRecord('k', 0, { effect: { type: 'llm_call', payload, resultKey: null } }), null);
    expect(row.keyOrder).toBe('{"p":[[0,[1,0]],[1,[1,0]]]}');
  });

  it('still read the form that names the keys (rows written before the index form)', () => {
    const payload = parseJson('{"zeta":1,"alpha":{"b":2,"a":1}}') as JsonObject;
    const row = encodeLedgerRecord(sampleRecord('k', 0, { effect: { type: 'llm_call', payload, resultKey: null } }), null);
    const back = decodeLedgerRow(row.canonical, row.recordHash, null, '{"p":[[0,["zeta","alpha"]],[1,["b","a"]]]}', 'test');
    expect(orderedKeys(back.effect!.payload)).toEqual(['zeta', 'alpha']);
    expect(orderedKeys(back.effect!.payload['alpha'] as JsonObject)).toEqual(['b', 'a']);
  });

  it('are ignored when damaged or when they do not fit the record (they can only ever reorder keys)', () => {
    const payload = parseJson('{"b":1,"a":2}') as JsonObject;
    const row = encodeLedgerRecord(sampleRecord('k', 0, { effect: { type: 'llm_call', payload, resultKey: null } }), null);
    for (const bad of ['not json', '{"p":[[0,[0,0]]]}', '{"p":[[0,[5,0]]]}', '{"p":[[0,["a","x"]]]}', '{"p":[[0,[1]]]}']) {
      const back = decodeLedgerRow(row.canonical, row.recordHash, null, bad, 'test');
      expect(orderedKeys(back.effect!.payload)).toEqual(['a', 'b']);
      expect(back.effect!.payload).toEqual({ a: 2, b: 1 });
    }
  });
});
