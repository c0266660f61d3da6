import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPyFloat, formatPyNumber } from './py-float';

// [value, Python 3.11 `json.dumps(value)`], generated with CPython (repr(float) for finite values).
const PYTHON_REPRS: [number, string][] = [
  [1.0, '1.0'],
  [1e-5, '1e-05'],
  [0.0001, '0.0001'],
  [1e16, '1e+16'],
  [1234567890123456.0, '1234567890123456.0'],
  [1.5e300, '1.5e+300'],
  [5e-324, '5e-324'],
  [0.1, '0.1'],
  [0.30000000000000004, '0.30000000000000004'],
  [-0.0, '-0.0'],
  [0.0, '0.0'],
  [1e22, '1e+22'],
  [123456789.123, '123456789.123'],
  [2.5, '2.5'],
  [-2.5, '-2.5'],
  [1e15, '1000000000000000.0'],
  [9999999999999998.0, '9999999999999998.0'],
  [0.00015000000000000001, '0.00015000000000000001'],
  [0.00012345, '0.00012345'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [2.2250738585072014e-308, '2.2250738585072014e-308'],
  [-1e-7, '-1e-07'],
  [100.0, '100.0'],
  [1e21, '1e+21'],
  [1.23e-18, '1.23e-18'],
  [3.14159, '3.14159'],
  [NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [-Infinity, '-Infinity'],
];

describe('formatPyFloat', () => {
  it.each(PYTHON_REPRS)('writes %s as Python does (%s)', (x, expected) => {
    expect(formatPyFloat(x)).toBe(expected);
  });

  it('reads back to the same double, for any finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(Number(formatPyFloat(x)), x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('always marks a float: a "." or an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(formatPyFloat(x)).toMatch(/[.e]/);
      }),
    );
  });
});

describe('formatPyNumber', () => {
  it('writes integral values as Python ints', () => {
    expect(formatPyNumber(0)).toBe('0');
    expect(formatPyNumber(-0)).toBe('0');
    expect(formatPyNumber(42)).toBe('42');
    expect(formatPyNumber(-7)).toBe('-7');
    expect(formatPyNumber(1234567890123456)).toBe('1234567890123456');
    expect(formatPyNumber(1e16)).toBe('10000000000000000');
    expect(formatPyNumber(1e21)).toBe('1000000000000000000000');
    expect(formatPyNumber(2 ** 64)).toBe('18446744073709551616');
  });

  it('writes other values as Python floats', () => {
    expect(formatPyNumber(0.5)).toBe('0.5');
    expect(formatPyNumber(1e-5)).toBe('1e-05');
    expect(formatPyNumber(1234.5)).toBe('1234.5');
  });
});
