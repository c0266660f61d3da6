/**
 * `toEnsureAscii(canonicalJson(v))` is `canonicalJson(v, { ensureAscii: true })`, the text of
 * Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))` (ensure_ascii defaults to True),
 * over random values full of non-ASCII: BMP, astral (surrogate pairs), lone surrogates, DEL and
 * controls, in keys and in values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type JsonValue } from './json-value';
import { canonicalJson, toEnsureAscii } from './py-dumps';

const unit = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }),
  fc.integer({ min: 0x80, max: 0xffff }),
  fc.constantFrom(0x7f, 0x80, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xffff, 0x2028, 0x22, 0x5c, 0x0a),
);
const text = fc.oneof(
  fc.array(unit, { maxLength: 12 }).map((units) => String.fromCharCode(...units)),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(text, tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('toEnsureAscii', () => {
  it('equals the ensure_ascii writer on random unicode values', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(toEnsureAscii(canonicalJson(v))).toBe(canonicalJson(v, { ensureAscii: true }));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes what Python writes for DEL, BMP, astral and lone surrogates', () => {
    // python3 -c 'import json; print(json.dumps({"k\u00e9": "\x7f\u20ac\U0001F600\ud800"}, sort_keys=True, separators=(",", ":")))'
    expect(toEnsureAscii(canonicalJson({ 'k\u00e9': '\u007f\u20ac\u{1F600}\ud800' }))).toBe('{"k\\u00e9":"\\u007f\\u20ac\\ud83d\\ude00\\ud800"}');
    expect(toEnsureAscii('{"a":1}')).toBe('{"a":1}');
  });
});
