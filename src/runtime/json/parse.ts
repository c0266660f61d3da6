/**
 * A strict, lossless JSON parser.
 *
 * Hand-written because no parser we know of (JSON.parse, its reviver with `context.source`,
 * the lossless-json style libraries) keeps both things the hash chain depends on:
 *  - each number's written text, where a JS number would write it back differently (`1.0`,
 *    `1e+16`, `-0.0`, integers beyond 2^53): the ledger hashes are over Python's text;
 *  - the written order of integer-like keys (`{"10": .., "2": ..}`), which JS objects reorder:
 *    the insertion-order writers (JSONL lines, indent=2 files) must reproduce it.
 *
 * Python's `json` writes `NaN`, `Infinity` and `-Infinity` (allow_nan=True) and reads them back,
 * so we accept them too (as `JsonNumber`), otherwise we could not read every file Python writes.
 * Everything else non-standard is rejected: comments, trailing commas, single quotes, leading
 * zeros, raw control characters in strings, duplicate keys (Python would silently keep the last
 * one; a duplicate in a hashed record means the file was not written by a json writer) and
 * anything after the value.
 *
 * Speed matters (ledgers of hundreds of thousands of lines), hence charCodeAt scanning, slices
 * for unescaped runs, and line/column computed only when an error is reported.
 */
import { RuntimeError } from '../errors';
import { JsonNumber } from './json-number';
import { setKeyOrder, type JsonObject, type JsonValue } from './json-value';
import { numberFromLexeme } from './number-lexeme';

export class JsonParseError extends RuntimeError {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly position: number,
    readonly source?: string,
  ) {
    super(
      'JSON_PARSE_ERROR',
      `Invalid JSON${source ? ` in ${source}` : ''} at line ${line}, column ${column}: ${reason}`,
      { reason, line, column, position, ...(source ? { source } : {}) },
    );
  }
}

export interface ParseJsonOptions {
  /** A name for the text (a file path, "ledger line 12") shown in error messages. */
  source?: string;
}

/** Parse one JSON text into a JsonValue, keeping number lexemes and integer-like key order. */
export function parseJson(text: string, options: ParseJsonOptions = {}): JsonValue {
  return new Parser(text, options.source).parseDocument();
}

/**
 * Parse JSON values written back to back (`{…}{…}`, or separated by whitespace), as Python's
 * AbstractRuntime 0.4 reads a JSONL line that holds several records. One value gives one item.
 */
export function parseJsonSequence(text: string, options: ParseJsonOptions = {}): JsonValue[] {
  return new Parser(text, options.source).parseSequence();
}

// Deep enough for any real document; stops a hostile one before the JS stack overflows.
const MAX_DEPTH = 2000;

// Character codes (a frozen literal: V8 folds these loads to constants in the hot loops).
const C = Object.freeze({
  Tab: 9, Lf: 10, Cr: 13, Space: 32, Quote: 34, Plus: 43, Comma: 44, Minus: 45,
  Dot: 46, Slash: 47, D0: 48, D1: 49, D9: 57, Colon: 58, UpperE: 69, LowerE: 101,
  Backslash: 92, OpenBracket: 91, CloseBracket: 93, OpenBrace: 123, CloseBrace: 125,
  LowerB: 98, LowerF: 102, LowerN: 110, LowerR: 114, LowerT: 116, LowerU: 117,
  UpperI: 73, UpperN: 78,
} as const);

// The one-character escapes, indexed by the character after the backslash.
const SIMPLE_ESCAPES: (string | undefined)[] = [];
const ESCAPE_PAIRS: [string, string][] = [['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']];
for (const [ch, decoded] of ESCAPE_PAIRS) {
  SIMPLE_ESCAPES[ch.charCodeAt(0)] = decoded;
}

// Characters a string may hold as they are (not a quote, a backslash or a control character),
// sticky: from lastIndex, as many as there are. Past LONG_RUN plain characters in a row the
// charCodeAt loop hands over to it (the regex engine scans several times faster, but a call costs
// more than a short key).
// eslint-disable-next-line no-control-regex -- control characters are exactly what ends a plain run
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const LONG_RUN = 32;

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly source: string | undefined,
  ) {}

  parseDocument(): JsonValue {
    this.skipWs();
    const value = this.parseValue();
    this.skipWs();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  parseSequence(): JsonValue[] {
    const out: JsonValue[] = [];
    this.skipWs();
    while (this.pos < this.text.length) {
      out.push(this.parseValue());
      this.skipWs();
    }
    return out;
  }

  private fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === C.Lf) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonParseError(reason, line, at - lineStart + 1, at, this.source);
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'end of input';
    return JSON.stringify(String.fromCodePoint(this.text.codePointAt(this.pos) ?? 0));
  }

  private skipWs(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === C.Space || c === C.Lf || c === C.Cr || c === C.Tab) p++;
      else break;
    }
    this.pos = p;
  }

  private parseValue(): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case C.OpenBrace:
        return this.parseObject();
      case C.OpenBracket:
        return this.parseArray();
      case C.Quote:
        return this.parseString();
      case C.LowerT:
        return this.parseWord('true', true);
      case C.LowerF:
        return this.parseWord('false', false);
      case C.LowerN:
        return this.parseWord('null', null);
      case C.UpperN:
        return this.parseWord('NaN', new JsonNumber('NaN'));
      case C.UpperI:
        return this.parseWord('Infinity', new JsonNumber('Infinity'));
      default:
        if (c === C.Minus || (c >= C.D0 && c <= C.D9)) return this.parseNumber();
        return this.fail(`expected a JSON value, found ${this.describeHere()}`);
    }
  }

  private parseWord<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`expected a JSON value, found ${this.describeHere()}`);
    this.pos += word.length;
    return value;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  private parseArray(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === C.CloseBracket) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.parseValue());
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === C.Comma) {
        this.pos++;
        this.skipWs();
        if (this.text.charCodeAt(this.pos) === C.CloseBracket) this.fail('trailing comma before "]"');
      } else if (c === C.CloseBracket) {
        this.pos++;
        this.depth--;
        return out;
      } else {
        this.fail(`expected "," or "]" after an array item, found ${this.describeHere()}`);
      }
    }
  }

  private parseObject(): JsonObject {
    this.enter();
    this.pos++; // {
    const out: JsonObject = {};
    const keys: string[] = [];
    // Only integer-like keys ("0", "12") make JS enumerate out of written order.
    let digitKey = false;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === C.CloseBrace) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== C.Quote) {
        this.fail(`expected a double-quoted property name, found ${this.describeHere()}`);
      }
      const keyPos = this.pos;
      const key = this.parseString();
      if (Object.hasOwn(out, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyPos);
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== C.Colon) {
        this.fail(`expected ":" after property name ${JSON.stringify(key)}, found ${this.describeHere()}`);
      }
      this.pos++;
      this.skipWs();
      const value = this.parseValue();
      if (key === '__proto__') {
        // A plain assignment would change the prototype; this makes it an ordinary own key.
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = value;
      }
      keys.push(key);
      const k0 = key.charCodeAt(0);
      if (k0 >= C.D0 && k0 <= C.D9) digitKey = true;
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === C.Comma) {
        this.pos++;
        this.skipWs();
        if (this.text.charCodeAt(this.pos) === C.CloseBrace) this.fail('trailing comma before "}"');
      } else if (c === C.CloseBrace) {
        this.pos++;
        this.depth--;
        if (digitKey) setKeyOrder(out, keys);
        return out;
      } else {
        this.fail(`expected "," or "}" after an object member, found ${this.describeHere()}`);
      }
    }
  }

  private parseString(): string {
    const t = this.text;
    const start = this.pos;
    let p = start + 1; // after the opening quote
    let runStart = p;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === C.Quote) {
        this.pos = p + 1;
        return runStart === start + 1 ? t.slice(runStart, p) : out + t.slice(runStart, p);
      }
      if (c === C.Backslash) {
        out += t.slice(runStart, p);
        const e = t.charCodeAt(p + 1);
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          p += 2;
        } else if (e === C.LowerU) {
          // Lone surrogates are accepted as Python does; they stay JS code units.
          out += String.fromCharCode(this.hex4(p + 2));
          p += 6;
        } else {
          this.fail(p + 1 >= t.length ? 'unterminated string' : 'invalid escape sequence', p);
        }
        runStart = p;
      } else if (c < 0x20 || c !== c) {
        // c !== c: NaN, i.e. past the end of the text.
        if (c !== c) this.fail('unterminated string', start);
        this.fail(`raw control character U+${c.toString(16).padStart(4, '0').toUpperCase()} in a string (write it as an escape)`, p);
      } else if (++p - runStart >= LONG_RUN) {
        // A long string (a message, a document): skip its plain characters with one native scan.
        PLAIN_RUN.lastIndex = p;
        PLAIN_RUN.test(t);
        p = PLAIN_RUN.lastIndex;
      }
    }
  }

  private hex4(at: number): number {
    let v = 0;
    for (let i = at; i < at + 4; i++) {
      const c = this.text.charCodeAt(i);
      let d: number;
      if (c >= C.D0 && c <= C.D9) d = c - C.D0;
      else if (c >= 97 && c <= 102) d = c - 87; // a-f
      else if (c >= 65 && c <= 70) d = c - 55; // A-F
      else return this.fail('expected 4 hex digits after "\\u"', at - 2);
      v = v * 16 + d;
    }
    return v;
  }

  private parseNumber(): JsonValue {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === C.Minus) {
      p++;
      if (t.startsWith('Infinity', p)) {
        this.pos = p + 8;
        return new JsonNumber('-Infinity');
      }
    }
    let c = t.charCodeAt(p);
    if (c === C.D0) {
      p++;
      c = t.charCodeAt(p);
      if (c >= C.D0 && c <= C.D9) this.fail('leading zeros are not allowed in numbers', start);
    } else if (c >= C.D1 && c <= C.D9) {
      do c = t.charCodeAt(++p);
      while (c >= C.D0 && c <= C.D9);
    } else {
      this.fail('expected a digit after "-"', p);
    }
    let isFloat = false;
    if (c === C.Dot) {
      isFloat = true;
      c = t.charCodeAt(++p);
      if (!(c >= C.D0 && c <= C.D9)) this.fail('expected a digit after the decimal point', p);
      do c = t.charCodeAt(++p);
      while (c >= C.D0 && c <= C.D9);
    }
    if (c === C.LowerE || c === C.UpperE) {
      isFloat = true;
      c = t.charCodeAt(++p);
      if (c === C.Plus || c === C.Minus) c = t.charCodeAt(++p);
      if (!(c >= C.D0 && c <= C.D9)) this.fail('expected a digit in the exponent', p);
      do c = t.charCodeAt(++p);
      while (c >= C.D0 && c <= C.D9);
    }
    this.pos = p;
    const lexeme = t.slice(start, p);
    return numberFromLexeme(lexeme, isFloat);
  }
}
