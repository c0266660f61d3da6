import { describe, expect, it } from 'vitest';
import { JsonNumber } from './json-number';
import { isJsonObject, KEY_ORDER, orderedKeys, type JsonObject, type JsonValue } from './json-value';
import { JsonParseError, parseJson } from './parse';
import { canonicalJson, pyJsonDumps } from './py-dumps';

function parseError(text: string, source?: string): JsonParseError {
  try {
    parseJson(text, source === undefined ? {} : { source });
  } catch (err) {
    expect(err).toBeInstanceOf(JsonParseError);
    return err as JsonParseError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

function obj(v: JsonValue): JsonObject {
  if (!isJsonObject(v)) throw new Error('not an object');
  return v;
}

describe('parseJson: values', () => {
  it('reads the scalars and containers', () => {
    expect(parseJson(' {"a": [1, "x", true, false, null, {}, []]} ')).toEqual({
      a: [1, 'x', true, false, null, {}, []],
    });
  });

  it('keeps floats as plain numbers only when they write back identically', () => {
    expect(parseJson('0.1')).toBe(0.1);
    expect(parseJson('1e-05')).toBe(1e-5);
    expect(parseJson('2.5')).toBe(2.5);
    expect(parseJson('-0.30000000000000004')).toBe(-0.30000000000000004);
    for (const lexeme of ['1.0', '1e+16', '-0.0', '1E5', '1.50', '1e-5', '0.10', '1e400', '12.0']) {
      const v = parseJson(lexeme);
      expect(v).toBeInstanceOf(JsonNumber);
      expect((v as JsonNumber).lexeme).toBe(lexeme);
    }
  });

  it('reads integers as numbers, bigints beyond 2^53, and keeps -0', () => {
    expect(parseJson('0')).toBe(0);
    expect(parseJson('-17')).toBe(-17);
    expect(parseJson('9007199254740991')).toBe(9007199254740991);
    expect(parseJson('9007199254740992')).toBe(9007199254740992n);
    expect(parseJson('-123456789012345678901234567890')).toBe(-123456789012345678901234567890n);
    expect(parseJson('-0')).toEqual(new JsonNumber('-0'));
  });

  it("accepts Python's NaN and Infinity as JsonNumber", () => {
    expect(parseJson('[NaN, Infinity, -Infinity]')).toEqual([
      new JsonNumber('NaN'),
      new JsonNumber('Infinity'),
      new JsonNumber('-Infinity'),
    ]);
  });

  it('reads escapes, including lone surrogates and astral pairs', () => {
    expect(parseJson('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"')).toBe('a"b\\c/d\b\f\n\r\t');
    expect(parseJson('"\\u00e9\\u2615\\ud83d\\ude00"')).toBe('é☕😀');
    expect(parseJson('"x\\ud800y"')).toBe('x\ud800y');
    expect(parseJson('"\\u00E9"')).toBe('é');
    expect(parseJson('"raw é ☕ 😀 \u007f \u2028"')).toBe('raw é ☕ 😀 \u007f \u2028');
  });

  it('round-trips number lexemes through both writers', () => {
    const text = '{"numbers": [1.0, 1e-05, 1e+16, 0.1, -0.0, 12345678901234567890, -0, 1E5, NaN]}';
    expect(pyJsonDumps(parseJson(text))).toBe(text);
    expect(canonicalJson(parseJson(text))).toBe(text.replace(/, /g, ',').replace(': ', ':'));
  });
});

describe('parseJson: objects', () => {
  it('keeps the written order of integer-like keys for insertion-order writers', () => {
    const text = '{"b": 1, "10": 2, "2": 3, "a": {"9": 0, "1": 0}}';
    const v = obj(parseJson(text));
    expect(Object.keys(v)).toEqual(['2', '10', 'b', 'a']); // what JS does by itself
    expect(orderedKeys(v)).toEqual(['b', '10', '2', 'a']);
    expect(pyJsonDumps(v)).toBe(text);
    expect(canonicalJson(v)).toBe('{"10":2,"2":3,"a":{"1":0,"9":0},"b":1}');
  });

  it('records no key order when JS already enumerates in written order', () => {
    const v = obj(parseJson('{"1": 0, "2": 0, "x": 0}'));
    expect(Object.getOwnPropertySymbols(v)).not.toContain(KEY_ORDER);
  });

  it('makes "__proto__" an own data key, not a prototype change', () => {
    const v = obj(parseJson('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((v as Record<string, unknown>).polluted).toBeUndefined();
    expect(pyJsonDumps(v)).toBe('{"__proto__": {"polluted": true}, "a": 1}');
    expect(canonicalJson(v)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('reads keys named like Object.prototype members as ordinary keys', () => {
    const v = obj(parseJson('{"toString": 1, "constructor": 2, "hasOwnProperty": 3}'));
    expect(canonicalJson(v)).toBe('{"constructor":2,"hasOwnProperty":3,"toString":1}');
  });

  it('rejects duplicate keys, naming the key and where it is', () => {
    const err = parseError('{"a": 1,\n "b": 2,\n "a": 3}', 'run.json');
    expect(err.code).toBe('JSON_PARSE_ERROR');
    expect(err.message).toContain('duplicate key "a"');
    expect(err.message).toContain('run.json');
    expect(err.message).toContain('line 3, column 2');
    expect(err.line).toBe(3);
    expect(err.column).toBe(2);
    expect(parseError('{"toString": 1, "toString": 2}').message).toContain('duplicate key "toString"');
  });
});

describe('parseJson: rejects what Python would not have written', () => {
  it.each([
    ['[1, 2,]', 'trailing comma', 1, 7],
    ['{"a": 1,}', 'trailing comma', 1, 9],
    ['{"a": 1} x', 'unexpected data after the JSON value', 1, 10],
    ['[1]\n]', 'unexpected data after the JSON value', 2, 1],
    ['01', 'leading zeros', 1, 1],
    ['-01', 'leading zeros', 1, 1],
    ["{'a': 1}", 'double-quoted property name', 1, 2],
    ["['a']", 'expected a JSON value', 1, 2],
    ['[1] // c', 'unexpected data', 1, 5],
    ['/* c */ 1', 'expected a JSON value', 1, 1],
    ['"a\tb"', 'raw control character U+0009', 1, 3],
    ['"a\u0000"', 'raw control character U+0000', 1, 3],
    ['"abc', 'unterminated string', 1, 1],
    ['"\\x41"', 'invalid escape', 1, 2],
    ['"\\u12G4"', '4 hex digits', 1, 2],
    ['1.', 'digit after the decimal point', 1, 3],
    ['.5', 'expected a JSON value', 1, 1],
    ['1e', 'digit in the exponent', 1, 3],
    ['-', 'digit after "-"', 1, 2],
    ['+1', 'expected a JSON value', 1, 1],
    ['', 'expected a JSON value, found end of input', 1, 1],
    ['tru', 'expected a JSON value', 1, 1],
    ['nan', 'expected a JSON value', 1, 1],
    ['{"a" 1}', 'expected ":"', 1, 6],
    ['[1 2]', 'expected "," or "]"', 1, 4],
    ['{"a": 1 "b": 2}', 'expected "," or "}"', 1, 9],
    ['\ufeff{}', 'expected a JSON value', 1, 1],
  ])('%j: %s (line %i, column %i)', (text, reason, line, column) => {
    const err = parseError(text);
    expect(err.message).toContain(reason);
    expect(err.message).toContain(`line ${line}, column ${column}`);
    expect([err.line, err.column]).toEqual([line, column]);
  });

  it('names the source in the message', () => {
    expect(parseError('{', 'ledger_x.jsonl line 7').message).toMatch(/^Invalid JSON in ledger_x\.jsonl line 7 at line 1, column 2: /);
  });

  it('stops runaway nesting with a parse error, not a stack overflow', () => {
    expect(parseError('['.repeat(100_000)).message).toContain('nesting deeper');
  });
});

describe('parseJson: long strings (the native scan of plain runs)', () => {
  const plain = 'a'.repeat(100);
  it('reads escapes, surrogates and quotes that come after a long plain run, and before another', () => {
    expect(parseJson(`"${plain}\\n${plain}\\u00e9\\ud83d\\ude00${plain}\\"x"`)).toBe(`${plain}\n${plain}é😀${plain}"x`);
    expect(parseJson(`{"${plain}":"${plain}é","k":"${plain}"}`)).toEqual({ [plain]: `${plain}é`, k: plain });
  });
  it('still refuses a raw control character or a missing quote found by the scan, at the right place', () => {
    expect(() => parseJson(`"${plain}\u0001"`)).toThrow(expect.objectContaining({ reason: expect.stringContaining('U+0001'), position: 101 }));
    expect(() => parseJson(`"${plain}`)).toThrow(expect.objectContaining({ reason: 'unterminated string', position: 0 }));
  });
});
