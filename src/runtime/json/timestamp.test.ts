import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIsoTimestamp, ManualClock, nowIso, parseIsoTimestamp, systemClock } from './timestamp';

// 2025-12-17T08:30:00+00:00, the Python fixture's clock start (minus its 1 µs).
const BASE = Date.UTC(2025, 11, 17, 8, 30, 0) * 1000;

describe('formatIsoTimestamp', () => {
  it("writes Python's isoformat(): microseconds and +00:00", () => {
    expect(formatIsoTimestamp(BASE + 1)).toBe('2025-12-17T08:30:00.000001+00:00');
    expect(formatIsoTimestamp(BASE + 3001)).toBe('2025-12-17T08:30:00.003001+00:00');
    expect(formatIsoTimestamp(BASE + 61_048_001)).toBe('2025-12-17T08:31:01.048001+00:00');
    expect(formatIsoTimestamp(BASE + 999_999)).toBe('2025-12-17T08:30:00.999999+00:00');
  });

  it('omits the fraction when the microseconds are 0, as Python does', () => {
    expect(formatIsoTimestamp(BASE)).toBe('2025-12-17T08:30:00+00:00');
    expect(formatIsoTimestamp(0)).toBe('1970-01-01T00:00:00+00:00');
    expect(formatIsoTimestamp(BASE + 120_000_000)).toBe('2025-12-17T08:32:00+00:00');
  });

  it('handles times before 1970 and the ends of the exact range (years 1685..2255)', () => {
    expect(formatIsoTimestamp(-1)).toBe('1969-12-31T23:59:59.999999+00:00');
    expect(formatIsoTimestamp(Date.UTC(1700, 0, 1) * 1000 + 5)).toBe('1700-01-01T00:00:00.000005+00:00');
    expect(formatIsoTimestamp(Number.MAX_SAFE_INTEGER)).toBe('2255-06-05T23:47:34.740991+00:00');
  });

  it('sorts as strings in time order (the reference compares timestamps as strings)', () => {
    const a = formatIsoTimestamp(BASE); // no fraction
    const b = formatIsoTimestamp(BASE + 1);
    expect(a < b).toBe(true);
  });
});

describe('parseIsoTimestamp', () => {
  it('reads what formatIsoTimestamp writes (round trip)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (micros) => {
        expect(parseIsoTimestamp(formatIsoTimestamp(micros))).toBe(micros);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads Z, other offsets and shorter fractions', () => {
    expect(parseIsoTimestamp('2025-12-17T08:30:00Z')).toBe(BASE);
    expect(parseIsoTimestamp('2025-12-17T08:30:00.5Z')).toBe(BASE + 500_000);
    expect(parseIsoTimestamp('2025-12-17T08:30:00.123Z')).toBe(BASE + 123_000);
    expect(parseIsoTimestamp('2025-12-17T08:30:00.1234567Z')).toBe(BASE + 123_456);
    expect(parseIsoTimestamp('2025-12-17T10:30:00+02:00')).toBe(BASE);
    expect(parseIsoTimestamp('2025-12-17T03:00:00-05:30')).toBe(BASE);
    expect(parseIsoTimestamp('2025-12-17T09:30:00+0100')).toBe(BASE);
    expect(parseIsoTimestamp('2025-12-17 08:30:00+00:00')).toBe(BASE);
    expect(parseIsoTimestamp('2025-12-17T08:30Z')).toBe(BASE);
    expect(parseIsoTimestamp(new Date(BASE / 1000).toISOString())).toBe(BASE);
  });

  it('gives null for what it cannot read', () => {
    for (const bad of [
      '',
      'soon',
      '2025-12-17T08:30:00', // no offset: names no instant
      '2025-13-01T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2025-12-17T24:00:00Z',
      '2025-12-17T08:60:00Z',
      '2025-12-17T08:30:00+25:00',
      '0000-01-01T00:00:00Z',
    ]) {
      expect(parseIsoTimestamp(bad), bad).toBeNull();
    }
    expect(parseIsoTimestamp('2024-02-29T00:00:00Z')).not.toBeNull();
  });
});

describe('clocks', () => {
  it('ManualClock moves only when told to, or by stepMicros per read', () => {
    const clock = new ManualClock(BASE + 1);
    expect(clock.nowMicros()).toBe(BASE + 1);
    expect(clock.nowMicros()).toBe(BASE + 1);
    clock.advance(61_000_000);
    expect(nowIso(clock)).toBe('2025-12-17T08:31:01.000001+00:00');
    clock.set(BASE);
    expect(nowIso(clock)).toBe('2025-12-17T08:30:00+00:00');

    const fixtureClock = new ManualClock(BASE + 1, 1000); // the Python fixture's fake clock
    expect([0, 1, 2].map(() => nowIso(fixtureClock))).toEqual([
      '2025-12-17T08:30:00.000001+00:00',
      '2025-12-17T08:30:00.001001+00:00',
      '2025-12-17T08:30:00.002001+00:00',
    ]);
    expect(fixtureClock.peekMicros()).toBe(BASE + 3001);
  });

  it('systemClock is close to Date.now(), has sub-millisecond digits and never goes back', () => {
    const before = Date.now() * 1000;
    let last = systemClock.nowMicros();
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const t = systemClock.nowMicros();
      expect(Number.isInteger(t)).toBe(true);
      expect(t).toBeGreaterThanOrEqual(last);
      seen.add(t % 1000);
      last = t;
    }
    const after = Date.now() * 1000;
    expect(last).toBeGreaterThanOrEqual(before - 1000);
    expect(last).toBeLessThan(after + 2000);
    expect(seen.size).toBeGreaterThan(1); // not just whole milliseconds
  });
});
