/**
 * Which value a JSON number text becomes: the rule that keeps the writers lossless.
 *
 * A plain JS number is used only where `formatPyNumber` writes the very same text back (so
 * user code sees ordinary numbers almost everywhere); otherwise the text is kept in a
 * JsonNumber, or a bigint for integers beyond 2^53.
 */
import { JsonNumber } from './json-number';
import { type JsonValue } from './json-value';
import { formatPyFloat } from './py-float';

/**
 * The value for a number lexeme. `isFloat`: the lexeme has a fraction or an exponent, i.e. it
 * is a Python float, which must stay a float (`1.0` is not the int `1`).
 */
export function numberFromLexeme(lexeme: string, isFloat: boolean): JsonValue {
  if (isFloat) {
    const n = Number(lexeme);
    // Integral floats (1.0, 1e+16) would be written back as ints; -0.0 as 0.
    if (!Number.isInteger(n) && formatPyFloat(n) === lexeme) return n;
    return new JsonNumber(lexeme);
  }
  if (lexeme === '-0') return new JsonNumber('-0');
  // Up to 15 digits (plus sign) is always a safe integer; longer ones need the check.
  if (lexeme.length <= 15) return Number(lexeme);
  const n = Number(lexeme);
  return Number.isSafeInteger(n) ? n : BigInt(lexeme);
}
