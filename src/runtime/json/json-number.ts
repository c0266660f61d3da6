/**
 * A JSON number kept exactly as it was written (`1.0`, `1e-05`, `-0.0`, `12345678901234567890`).
 *
 * The lossless parser produces it only where a plain JS number would not write back to the same
 * text (see `parse.ts`), so user code almost always sees plain numbers. `valueOf` makes arithmetic
 * and comparisons work; the serialisers write `lexeme` back byte for byte, which is what keeps the
 * hashes of Python-written records reproducible.
 */
export class JsonNumber {
  constructor(readonly lexeme: string) {}

  valueOf(): number {
    return Number(this.lexeme);
  }

  toString(): string {
    return this.lexeme;
  }

  toJSON(): number {
    return this.valueOf();
  }

  /** True when the lexeme is a float in Python's eyes (it has a fraction or an exponent). */
  get isFloat(): boolean {
    return /[.eE]/.test(this.lexeme) || /^-?(NaN|Infinity)$/.test(this.lexeme);
  }
}
