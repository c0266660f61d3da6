/**
 * Property tests: canonicalJson against a small, deliberately naive reference serialiser, and
 * parse/serialise round trips, over random values with the hazards that matter (astral and
 * U+E000..U+FFFF keys, integer-like keys, floats, big integers, escapes).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonNumber } from './json-number';
import { type JsonObject, type JsonValue } from './json-value';
import { parseJson } from './parse';
import { canonicalJson, pyJsonDumps } from './py-dumps';

// ---- reference serialiser: simple and independent of the code under test ----

function refCodePointCompare(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0) ?? 0);
  const y = Array.from(b, (ch) => ch.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

/** Python float repr from JS's own shortest text (String(x)), re-laid-out. */
function refFloat(x: number): string {
  if (Object.is(x, -0)) return '-0.0';
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new Error(`unexpected ${String(x)}`);
  const [, sign, int = '', frac = '', e = '0'] = m;
  // Significant digits, and the power of ten of the first one.
  const all = int + frac;
  const leadingZeros = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leadingZeros).replace(/0+$/, '') || '0';
  const exp10 = Number(e) + int.length - 1 - leadingZeros;
  if (exp10 < -4 || exp10 >= 16) {
    const mant = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const ee = Math.abs(exp10) < 10 ? `0${Math.abs(exp10)}` : String(Math.abs(exp10));
    return `${sign}${mant}e${exp10 < 0 ? '-' : '+'}${ee}`;
  }
  if (exp10 < 0) return `${sign}0.${'0'.repeat(-exp10 - 1)}${digits}`;
  const whole = digits.padEnd(exp10 + 1, '0');
  const rest = digits.slice(exp10 + 1);
  return `${sign}${whole.slice(0, exp10 + 1)}.${rest || '0'}`;
}

function refString(s: string, ascii: boolean): string {
  const text = JSON.stringify(s); // same escapes as Python for ensure_ascii=False
  if (!ascii) return text;
  let out = '';
  for (const unit of text.split('')) {
    const c = unit.charCodeAt(0);
    out += c >= 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : unit;
  }
  return out;
}

function ref(v: JsonValue, ascii: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : refFloat(v);
  if (typeof v === 'string') return refString(v, ascii);
  if (v instanceof JsonNumber) return v.lexeme;
  if (Array.isArray(v)) return `[${v.map((x) => ref(x, ascii)).join(',')}]`;
  const keys = Object.keys(v).sort(refCodePointCompare);
  return `{${keys.map((k) => `${refString(k, ascii)}:${ref(v[k] as JsonValue, ascii)}`).join(',')}}`;
}

// ---- arbitraries ----

const char = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.constantFrom('"', '\\', '\u007f', '\u2028', '\u2029', 'é', '☕'), weight: 1 },
  { arbitrary: fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 2 },
  { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), weight: 2 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xd7ff }).map((c) => String.fromCharCode(c)), weight: 1 },
);
const text = fc.string({ unit: char, maxLength: 12 });
const key = fc.oneof(
  { arbitrary: text, weight: 4 },
  { arbitrary: fc.nat({ max: 5000 }).map(String), weight: 2 }, // integer-like keys
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', ''), weight: 1 },
);
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)),
  fc.constantFrom(new JsonNumber('1.0'), new JsonNumber('1e+16'), new JsonNumber('-0.0'), new JsonNumber('-0')),
  text,
);

function makeObject(entries: [string, JsonValue][]): JsonObject {
  const o: JsonObject = {};
  // defineProperty, so "__proto__" is an own key as the parser makes it.
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 6, selector: ([k]) => k }).map(makeObject),
  ),
}));

describe('canonicalJson, property-based', () => {
  it('matches the reference serialiser (ensure_ascii false and true)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(ref(v, false));
        expect(canonicalJson(v, { ensureAscii: true })).toBe(ref(v, true));
      }),
      { numRuns: 2000 },
    );
  });

  it('re-serialises parsed output identically (canonical and insertion-order forms)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const canonical = canonicalJson(v);
        expect(canonicalJson(parseJson(canonical))).toBe(canonical);
        const ascii = canonicalJson(v, { ensureAscii: true });
        expect(canonicalJson(parseJson(ascii), { ensureAscii: true })).toBe(ascii);
        for (const opts of [{}, { indent: 2 }, { separators: [',', ':'] as [string, string] }]) {
          const written = pyJsonDumps(v, opts);
          expect(pyJsonDumps(parseJson(written), opts)).toBe(written);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps written key order, integer-like keys included, through parse and pyJsonDumps', () => {
    const entries = fc.uniqueArray(fc.tuple(key, scalar), { maxLength: 10, selector: ([k]) => k });
    fc.assert(
      fc.property(entries, (es) => {
        const written = `{${es.map(([k, v]) => `${JSON.stringify(k)}: ${ref(v, false)}`).join(', ')}}`;
        expect(pyJsonDumps(parseJson(written))).toBe(written);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads every Python float text back to the same number and writes the same text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const t = refFloat(x);
        const parsed = parseJson(t);
        expect(Object.is(Number(parsed), x)).toBe(true);
        expect(canonicalJson(parsed)).toBe(t);
      }),
      { numRuns: 5000 },
    );
  });
});
