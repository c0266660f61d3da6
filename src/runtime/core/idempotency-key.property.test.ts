/**
 * The idempotency key, now written from the payload's canonical text made ensure_ascii in place,
 * is the key of the previous form (`canonicalJson` of the whole dict with `ensureAscii`), over
 * random unicode payloads, node ids, run ids and effect types, frozen or not.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../json/py-dumps';
import { type JsonObject, type JsonValue } from '../json/json-value';
import { sha256Hex } from '../ledger/record-hash';
import { type EffectType } from './enums';
import { computeIdempotencyKey } from './policy';

const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xffff }), fc.constantFrom(0x7f, 0xd83d, 0xde00, 0xdfff, 0xe000, 0x2028));
const text = fc.oneof(fc.array(unit, { maxLength: 10 }).map((u) => String.fromCharCode(...u)), fc.string({ unit: 'grapheme', maxLength: 6 }));
const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 4 })),
})).v;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const previousKey = (runId: string, nodeId: string, type: string, payload: JsonObject): string =>
  sha256Hex(canonicalJson({ run_id: runId, node_id: nodeId, effect_type: type, effect_payload: payload }, { ensureAscii: true })).slice(0, 32);

describe('computeIdempotencyKey', () => {
  it('is the key of the ensure_ascii writer over random unicode payloads', () => {
    fc.assert(
      fc.property(text, text, text, fc.dictionary(text, value, { maxKeys: 5 }), fc.boolean(), (runId, nodeId, type, payload, freeze) => {
        const expected = previousKey(runId, nodeId, type, payload);
        const p = freeze ? deepFreeze(payload) : payload;
        expect(computeIdempotencyKey({ runId, nodeId, effect: { type: type as EffectType, payload: p, resultKey: null } })).toBe(expected);
        expect(computeIdempotencyKey({ runId, nodeId, effect: { type: type as EffectType, payload: p, resultKey: null } })).toBe(expected); // again, from the kept text when frozen
      }),
      { numRuns: 2000 },
    );
  });
});
