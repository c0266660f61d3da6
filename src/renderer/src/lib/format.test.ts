import { describe, expect, it } from 'vitest';
import { formatBytes, formatCountdown, formatDuration, formatRelative, shortHash, shortId } from './format';

describe('format', () => {
  it('formats durations at the scale a person reads them', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0.2)).toBe('<1 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(75_000)).toBe('1m 15s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2h 5m');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });

  it('shortens hashes and ids but keeps short ones whole', () => {
    expect(shortHash(null)).toBe('—');
    expect(shortHash('abcdef0123456789')).toBe('abcdef0123');
    expect(shortId('00000000-0000-4000-8000-000000000005')).toBe('00000000…0005');
    expect(shortId('run-1')).toBe('run-1');
  });

  it('counts down to a due time and says when it is due', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(formatCountdown('2026-01-01T00:01:05Z', now)).toEqual({ text: 'in 1m 5s', due: false });
    expect(formatCountdown('2026-01-01T02:00:00Z', now)).toEqual({ text: 'in 2h 0m 0s', due: false });
    expect(formatCountdown('2025-12-31T23:59:00Z', now)).toEqual({ text: 'due now', due: true });
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:57:00Z', now)).toBe('3m ago');
    expect(formatRelative('2026-01-01T14:00:00Z', now)).toBe('in 2h');
    expect(formatRelative(null, now)).toBe('—');
  });
});
