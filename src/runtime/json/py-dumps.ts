/**
 * Python's `json.dumps`, byte for byte, for the JsonValues the runtime stores.
 *
 * Why not JSON.stringify: it writes floats the JS way (`1` for `1.0`, `1e-5` for `1e-05`),
 * enumerates integer-like keys first whatever the written order, cannot sort by code point and
 * cannot write `ensure_ascii` escapes. The hash chain, the idempotency keys and the artifact ids
 * are sha256 over Python's exact text, so we write the text ourselves, from ordered pairs.
 *
 * This runs on every ledger append, so the common case stays cheap: one regex test per string
 * (no per-character work unless something needs escaping), one switch per value, and validation
 * with a precise error path only after a failure (see `serialise`).
 */
import { NotJsonSerializableError } from '../errors';
import { JsonNumber } from './json-number';
import { assertJsonValue, orderedKeys, type JsonObject, type JsonValue } from './json-value';
import { formatPyNumber } from './py-float';

export interface CanonicalJsonOptions {
  /** Python's `ensure_ascii` (default false): write every code unit >= 0x7F as `\uxxxx`. */
  ensureAscii?: boolean;
  /** Collects, while writing, where objects were written in another key order than the sorted one. */
  keyOrder?: KeyOrderCollector;
}

/**
 * Filled by `canonicalJson` with `keyOrder`: objects are numbered depth-first in the order the
 * canonical text writes them (pre-order, children in sorted key order), and for each object whose
 * written key order (`orderedKeys`) is not the sorted one, `[its number, the written order as
 * indexes into its sorted keys]`. Collected during the write because the writer sorts every
 * object's keys anyway: a separate walk cost ~2 µs a record.
 */
export interface KeyOrderCollector {
  next: number;
  found: [number, number[]][];
}

export interface PyJsonDumpsOptions {
  /** Python's `indent`: items on their own lines, this many spaces per level. */
  indent?: number;
  /** Python's `sort_keys`: keys in code point order at every level. */
  sortKeys?: boolean;
  /** Python's `ensure_ascii`. Default false here, as every writer of the runtime passes False. */
  ensureAscii?: boolean;
  /** Python's `separators` (item, key). Default `(", ", ": ")`, or `(",", ": ")` with indent. */
  separators?: [string, string];
}

/**
 * `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=...)`: the text the ledger
 * `record_hash` (ensureAscii false) and the idempotency key (ensureAscii true) hash.
 */
export function canonicalJson(value: JsonValue, options: CanonicalJsonOptions = {}): string {
  return serialise(value, new Writer(true, ',', ':', null, options.ensureAscii === true, options.keyOrder ?? null));
}

/**
 * General `json.dumps`. The runtime's forms: `{ indent: 2 }` for run, snapshot and `.meta` files
 * (no trailing newline), the defaults for JSONL ledger lines (add the `"\n"` yourself), and
 * `{ separators: [",", ":"] }` for `store_json` artifacts. Without `sortKeys`, keys follow the
 * written order (`orderedKeys`), as Python dicts keep insertion order.
 */
export function pyJsonDumps(value: JsonValue, options: PyJsonDumpsOptions = {}): string {
  const indent = options.indent === undefined ? null : ' '.repeat(Math.max(0, options.indent));
  const [itemSep, keySep] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  return serialise(value, new Writer(options.sortKeys === true, itemSep, keySep, indent, options.ensureAscii === true));
}

/** Python's sort order for str keys: by code point, where JS compares UTF-16 code units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (astral code points) rank above U+E000..U+FFFF in code point order, below in
// code unit order; shifting the two blocks fixes that and leaves every other unit in place.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** Thrown inside the writer; `serialise` turns it into a NotJsonSerializableError with a path. */
class Unwritable extends Error {}

function serialise(value: unknown, writer: Writer): string {
  try {
    return writer.write(value, '');
  } catch (err) {
    // A cycle shows up as stack overflow (a RangeError): no bookkeeping on the hot path.
    if (err instanceof Unwritable || err instanceof RangeError) {
      assertJsonValue(value, 'value'); // throws with the path of the bad part
      if (err instanceof Unwritable) throw new NotJsonSerializableError('value', '$', err.message);
    }
    throw err;
  }
}

/* eslint-disable no-control-regex -- these classes are exactly the control characters JSON escapes */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const NEEDS_ESCAPE_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;
/* eslint-enable no-control-regex */

// Escapes for code units below 0x5D that Python's json escapes: `"`, `\` and the controls.
const SHORT_ESCAPES: (string | undefined)[] = [];
for (let c = 0; c < 0x20; c++) SHORT_ESCAPES[c] = `\\u${c.toString(16).padStart(4, '0')}`;
SHORT_ESCAPES[0x08] = '\\b';
SHORT_ESCAPES[0x09] = '\\t';
SHORT_ESCAPES[0x0a] = '\\n';
SHORT_ESCAPES[0x0c] = '\\f';
SHORT_ESCAPES[0x0d] = '\\r';
SHORT_ESCAPES[0x22] = '\\"';
SHORT_ESCAPES[0x5c] = '\\\\';

/** A JSON string literal as Python writes it. */
export function quotePyString(s: string, ensureAscii: boolean): string {
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE).test(s)) return `"${s}"`;
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x7f) {
      esc = SHORT_ESCAPES[c];
    } else if (ensureAscii) {
      esc = `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair: written raw, as Python writes the astral character
        continue;
      }
      // A lone surrogate: Python cannot encode it at all (UnicodeEncodeError); we write the
      // escape (as JSON.stringify does) so the text stays valid UTF-8 and reads back the same.
      esc = `\\u${c.toString(16)}`;
    }
    if (esc !== undefined) {
      out += s.slice(run, i) + esc;
      run = i + 1;
    }
  }
  return `${out}${s.slice(run)}"`;
}

function sortedKeys(obj: JsonObject): string[] {
  return sortInPlace(Object.keys(obj));
}

/** `written` (an object's keys in written order) as indexes into `sorted`, or null when they are the same order. */
function permutation(written: readonly string[], sorted: readonly string[]): number[] | null {
  let i = 0;
  while (i < written.length && written[i] === sorted[i]) i++;
  if (i === written.length) return null;
  if (sorted.length <= 24) return written.map((k) => sorted.indexOf(k));
  const at = new Map(sorted.map((k, j) => [k, j]));
  return written.map((k) => at.get(k) as number);
}

function sortInPlace(keys: string[]): string[] {
  const n = keys.length;
  if (n < 2) return keys;
  // Code unit order first (equal to code point order unless a key holds a surrogate).
  // Records have a dozen keys, where an insertion sort beats Array.prototype.sort by ~2x.
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      const v = keys[i] as string;
      let j = i - 1;
      while (j >= 0 && (keys[j] as string) > v) {
        keys[j + 1] = keys[j] as string;
        j--;
      }
      keys[j + 1] = v;
    }
  } else {
    keys.sort();
  }
  // A sequence is sorted iff each neighbour pair is. A pair in code unit order is out of code
  // point order only if, where they first differ, the smaller unit is a surrogate (and the
  // larger one in U+E000..U+FFFF); common prefixes of keys are short, so this is cheap.
  for (let i = 1; i < n; i++) {
    const a = keys[i - 1] as string;
    const b = keys[i] as string;
    let j = 0;
    while (j < a.length && a.charCodeAt(j) === b.charCodeAt(j)) j++;
    if (j < a.length && a.charCodeAt(j) >= 0xd800) return keys.sort(compareCodePoints);
  }
  return keys;
}

const KEY_CACHE_LIMIT = 2048;
const KEY_CACHE = new Map<string, string>();
const ASCII_KEY_CACHE = new Map<string, string>();

class Writer {
  constructor(
    private readonly sortKeys: boolean,
    private readonly itemSep: string,
    private readonly keySep: string,
    /** One level of indentation, or null for everything on one line. */
    private readonly indent: string | null,
    private readonly ascii: boolean,
    private readonly keyOrder: KeyOrderCollector | null = null,
  ) {}

  // Keys repeat (every record has the same field names): caching their quoted form saves a
  // regex test and a concatenation per key. Bounded, so odd data cannot grow it without limit.
  private quoteKey(k: string): string {
    const cache = this.ascii ? ASCII_KEY_CACHE : KEY_CACHE;
    let q = cache.get(k);
    if (q === undefined) {
      q = quotePyString(k, this.ascii);
      if (k.length <= 64) {
        if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
        cache.set(k, q);
      }
    }
    return q;
  }

  write(v: unknown, prefix: string): string {
    switch (typeof v) {
      case 'string':
        return quotePyString(v, this.ascii);
      case 'number':
        if (!Number.isFinite(v)) throw new Unwritable(`${v} is not a finite number`);
        return formatPyNumber(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'object':
        if (v === null) return 'null';
        if (Array.isArray(v)) return this.array(v, prefix);
        if (v instanceof JsonNumber) return v.lexeme;
        return this.object(v, prefix);
      default:
        throw new Unwritable(`a ${typeof v} cannot be stored`);
    }
  }

  private array(items: readonly unknown[], prefix: string): string {
    if (items.length === 0) return '[]';
    if (this.indent === null) {
      let out = `[${this.write(items[0], prefix)}`;
      for (let i = 1; i < items.length; i++) out += this.itemSep + this.write(items[i], prefix);
      return `${out}]`;
    }
    const inner = prefix + this.indent;
    const sep = `${this.itemSep}\n${inner}`;
    let out = `[\n${inner}${this.write(items[0], inner)}`;
    for (let i = 1; i < items.length; i++) out += sep + this.write(items[i], inner);
    return `${out}\n${prefix}]`;
  }

  private object(obj: object, prefix: string): string {
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new Unwritable(`a ${obj.constructor?.name ?? 'object'} instance is not plain JSON`);
    }
    const o = obj as JsonObject;
    let keys: string[];
    if (this.keyOrder) {
      const id = this.keyOrder.next++;
      const written = orderedKeys(o);
      keys = sortInPlace(written.slice());
      const order = permutation(written, keys);
      if (order) this.keyOrder.found.push([id, order]);
    } else {
      keys = this.sortKeys ? sortedKeys(o) : orderedKeys(o);
    }
    if (keys.length === 0) return '{}';
    const inner = this.indent === null ? prefix : prefix + this.indent;
    const open = this.indent === null ? '{' : `{\n${inner}`;
    const sep = this.indent === null ? this.itemSep : `${this.itemSep}\n${inner}`;
    let out = open;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (i > 0) out += sep;
      out += this.quoteKey(k) + this.keySep + this.write(o[k], inner);
    }
    return this.indent === null ? `${out}}` : `${out}\n${prefix}}`;
  }
}

// Every code unit Python's `ensure_ascii=True` escapes: all of U+007F and above (DEL included).
const NON_ASCII_ALL = /[\u007f-\uffff]/g;
const asciiEscape = (unit: string): string => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The `ensure_ascii=True` form of a text written with `ensureAscii` false: every code unit
 * >= U+007F as `\uxxxx` (lowercase hex; an astral character as its surrogate pair, as Python
 * writes it). Exact because the writer emits non-ASCII units only inside string literals and
 * raw (a lone surrogate is already an ASCII escape), so escaping them in place is what writing
 * each string with `ensureAscii` does. Two native scans when the text is all ASCII.
 */
export function toEnsureAscii(text: string): string {
  // All ASCII iff its UTF-8 is as long as its code units; then only DEL needs its escape. Both
  // are native scans, several times faster than the regex over a long text (measured).
  if (Buffer.byteLength(text, 'utf8') === text.length && !text.includes('\u007f')) return text;
  return text.replace(NON_ASCII_ALL, asciiEscape);
}
