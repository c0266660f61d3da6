/**
 * Python's number text, so that what TypeScript writes hashes like what Python writes.
 *
 * Python's `repr(float)` and JS `Number.prototype.toString` pick the same digits (both use the
 * shortest string that reads back to the same double), but they lay them out differently:
 * Python always marks a float (`1.0`, JS `1`), switches to exponent notation at 1e16 and below
 * 1e-4 (JS: at 1e21 and below 1e-6), and pads the exponent to two digits (`1e-05`, JS `1e-5`).
 */

/**
 * Python's `repr(x)` for a float, as `json.dumps` writes it (`float.__repr__`, except that the
 * non-finite values are written `NaN`, `Infinity`, `-Infinity` as `json.dumps(allow_nan=True)`
 * does).
 */
export function formatPyFloat(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';

  // toExponential() with no argument gives exactly the shortest round-trip digits, in the form
  // "-d.ddde+N"; we only need to lay those digits out the Python way.
  const exp = x.toExponential();
  const ePos = exp.indexOf('e');
  const negative = exp.charCodeAt(0) === 45; /* - */
  const mantissa = exp.slice(negative ? 1 : 0, ePos);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const exp10 = Number(exp.slice(ePos + 1));
  const sign = negative ? '-' : '';

  // CPython's float_repr_style 'short' (format code 'r'): positional when -4 <= exp10 < 16.
  if (exp10 >= -4 && exp10 < 16) {
    if (exp10 < 0) return `${sign}0.${'0'.repeat(-exp10 - 1)}${digits}`;
    const intLen = exp10 + 1;
    if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const absExp = exp10 < 0 ? -exp10 : exp10;
  return `${sign}${mant}e${exp10 < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
}

/**
 * The text for a number made in TypeScript. JS has one number type, so we follow the only
 * signal there is: an integral value is a Python `int` (plain digits, `-0` gives `0`, and
 * `1e21` gives all 22 digits, as `int` would), anything else is a Python `float`. Values read
 * from Python-written files keep their own text instead (`JsonNumber`, see `parse.ts`).
 */
// Workflows write the same few floats over and over (temperatures, thresholds): remember them.
const FLOAT_TEXT = new Map<number, string>();

export function formatPyNumber(x: number): string {
  if (Number.isSafeInteger(x)) return String(x); // String(-0) is "0"
  if (Number.isInteger(x)) return BigInt(x).toString();
  let text = FLOAT_TEXT.get(x);
  if (text === undefined) {
    text = formatPyFloat(x);
    if (FLOAT_TEXT.size >= 4096) FLOAT_TEXT.clear();
    FLOAT_TEXT.set(x, text);
  }
  return text;
}
